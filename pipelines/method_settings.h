#pragma once

#include <map>
#include <set>
#include <string>

#include "core/error.h"

namespace diffrecon {

// A setting a method does not take, or a value it cannot parse (bad usage, unlike bad data).
class SettingError : public InvalidArgument {
 public:
  using InvalidArgument::InvalidArgument;
};

// A method's settings by name, as text ("steps" → "50"): what the command line, a config file or a
// batch manifest gives. Names are the CLI's option names without "--" (e.g. "cg-iterations").
using MethodSettings = std::map<std::string, std::string>;

// Reads typed values out of MethodSettings, with the method's defaults, and rejects what the method
// does not take: every error is a SettingError naming the method and the setting.
class SettingsReader {
 public:
  SettingsReader(std::string method, const MethodSettings& settings);

  int integer(const std::string& name, int fallback);
  int positive_integer(const std::string& name, int fallback);
  double number(const std::string& name, double fallback);
  double positive_number(const std::string& name, double fallback);
  double non_negative_number(const std::string& name, double fallback);
  double number_in(const std::string& name, double fallback, double low, double high);  // [low, high]
  std::string text(const std::string& name, const std::string& fallback);
  bool on_off(const std::string& name, bool fallback);  // "on" or "off"

  // Throws unless every given setting was read.
  void finish() const;

 private:
  const std::string* find(const std::string& name);

  std::string method_;
  const MethodSettings& settings_;
  std::set<std::string> read_;
};

}  // namespace diffrecon
