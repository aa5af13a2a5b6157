#include "pipelines/method_settings.h"

#include <cmath>
#include <utility>

#include "core/error.h"

namespace diffrecon {

SettingsReader::SettingsReader(std::string method, const MethodSettings& settings)
    : method_(std::move(method)), settings_(settings) {}

const std::string* SettingsReader::find(const std::string& name) {
  read_.insert(name);
  const auto it = settings_.find(name);
  return it == settings_.end() ? nullptr : &it->second;
}

int SettingsReader::integer(const std::string& name, int fallback) {
  const std::string* text = find(name);
  if (!text) return fallback;
  try {
    size_t used = 0;
    const long value = std::stol(*text, &used);
    if (used == text->size() && value >= -(1L << 30) && value <= (1L << 30)) return static_cast<int>(value);
  } catch (const std::exception&) {
  }
  throw SettingError(method_ + ": " + name + ": expected an integer, found '" + *text + "'");
}

double SettingsReader::number(const std::string& name, double fallback) {
  const std::string* text = find(name);
  if (!text) return fallback;
  try {
    size_t used = 0;
    const double value = std::stod(*text, &used);
    if (used == text->size() && std::isfinite(value)) return value;
  } catch (const std::exception&) {
  }
  throw SettingError(method_ + ": " + name + ": expected a number, found '" + *text + "'");
}

int SettingsReader::positive_integer(const std::string& name, int fallback) {
  const int value = integer(name, fallback);
  if (value < 1) throw SettingError(method_ + ": " + name + ": expected an integer >= 1, found " + std::to_string(value));
  return value;
}

double SettingsReader::positive_number(const std::string& name, double fallback) {
  const double value = number(name, fallback);
  if (!(value > 0)) throw SettingError(method_ + ": " + name + ": expected a number > 0, found " + std::to_string(value));
  return value;
}

double SettingsReader::non_negative_number(const std::string& name, double fallback) {
  const double value = number(name, fallback);
  if (!(value >= 0)) throw SettingError(method_ + ": " + name + ": expected a number >= 0, found " + std::to_string(value));
  return value;
}

double SettingsReader::number_in(const std::string& name, double fallback, double low, double high) {
  const double value = number(name, fallback);
  if (!(value >= low && value <= high))
    throw SettingError(method_ + ": " + name + ": expected a number in [" + std::to_string(low) + ", " +
                       std::to_string(high) + "], found " + std::to_string(value));
  return value;
}

std::string SettingsReader::text(const std::string& name, const std::string& fallback) {
  const std::string* text = find(name);
  return text ? *text : fallback;
}

bool SettingsReader::on_off(const std::string& name, bool fallback) {
  const std::string* text = find(name);
  if (!text) return fallback;
  if (*text != "on" && *text != "off")
    throw SettingError(method_ + ": " + name + ": expected on or off, found '" + *text + "'");
  return *text == "on";
}

void SettingsReader::finish() const {
  for (const auto& [name, value] : settings_)
    if (!read_.count(name)) {
      std::string known;
      for (const auto& n : read_) known += (known.empty() ? "" : ", ") + n;
      throw SettingError(method_ + " does not take the setting '" + name + "'" +
                            (known.empty() ? " (it takes none)" : " (it takes " + known + ")"));
    }
}

}  // namespace diffrecon
