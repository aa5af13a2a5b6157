#include "cli/batch/content_hash.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

#include "core/error.h"

namespace diffrecon::cli {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kFnvOffset = 14695981039346656037ull;
constexpr uint64_t kFnvPrime = 1099511628211ull;

void add_bytes(uint64_t& h, const char* data, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    h ^= static_cast<unsigned char>(data[i]);
    h *= kFnvPrime;
  }
}

void add_file(uint64_t& h, const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw IoError("cannot read " + path.string());
  std::vector<char> buffer(1 << 20);
  while (file) {
    file.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    add_bytes(h, buffer.data(), static_cast<size_t>(file.gcount()));
  }
  if (file.bad()) throw IoError("error while reading " + path.string());
}

std::string hex(uint64_t h) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(h));
  return text;
}

}  // namespace

std::string content_hash(const std::string& path) {
  uint64_t h = kFnvOffset;
  std::error_code error;
  if (fs::is_directory(path, error)) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(path, error))
      if (entry.is_regular_file()) files.push_back(fs::relative(entry.path(), path));
    if (error) throw IoError("cannot list " + path + ": " + error.message());
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      const std::string name = file.generic_string();
      add_bytes(h, name.c_str(), name.size() + 1);
      add_file(h, fs::path(path) / file);
    }
  } else if (fs::is_regular_file(path, error)) {
    add_file(h, path);
  } else {
    throw IoError(path + " does not exist");
  }
  return hex(h);
}

std::string text_hash(const std::string& text) {
  uint64_t h = kFnvOffset;
  add_bytes(h, text.data(), text.size());
  return hex(h);
}

}  // namespace diffrecon::cli
