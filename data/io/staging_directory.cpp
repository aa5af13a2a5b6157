#include "data/io/internal/staging_directory.h"

#include <random>

#include "core/error.h"

namespace diffrecon {

namespace fs = std::filesystem;

StagingDirectory::StagingDirectory(const fs::path& target) : target_(target) {
  const fs::path directory = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(directory, ec))
    throw IoError(target.string() + ": the directory " + directory.string() + " does not exist");
  std::random_device random;
  path_ = directory / ("." + target.filename().string() + ".tmp" + std::to_string(random()));
  if (!fs::create_directory(path_, ec))
    throw IoError(target.string() + ": cannot create a temporary directory beside it" +
                  (ec ? ": " + ec.message() : std::string()));
}

StagingDirectory::~StagingDirectory() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void StagingDirectory::commit_files(const fs::path& last) {
  const fs::path directory = target_.has_parent_path() ? target_.parent_path() : fs::path(".");
  try {
    for (const auto& entry : fs::directory_iterator(path_))
      if (entry.path().filename() != last) fs::rename(entry.path(), directory / entry.path().filename());
    fs::rename(path_ / last, directory / last);
  } catch (const fs::filesystem_error& e) {
    throw IoError(target_.string() + ": cannot move the written file into place: " + e.code().message());
  }
}

void StagingDirectory::commit_directory(const fs::path& name) {
  std::error_code ec;
  fs::rename(path_ / name, target_, ec);
  if (ec) throw IoError(target_.string() + ": cannot move the written series into place: " + ec.message());
}

}  // namespace diffrecon
