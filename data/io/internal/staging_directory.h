#pragma once

#include <filesystem>

namespace diffrecon {

// Atomic output: files are written under their final names into a fresh hidden directory beside the
// target, then moved into place by rename(2), so a reader never sees a half-written file and a crash
// leaves no partial output under the target's name. The directory is removed on destruction.
class StagingDirectory {
 public:
  // Creates "<dir of target>/.<target name>.tmp<random>"; throws IoError when it cannot.
  explicit StagingDirectory(const std::filesystem::path& target);
  ~StagingDirectory();
  StagingDirectory(const StagingDirectory&) = delete;
  StagingDirectory& operator=(const StagingDirectory&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // Moves every staged file into the target's directory; `last` (a file name in the staging directory)
  // goes last, so a detached header never names a data file that is not there yet.
  void commit_files(const std::filesystem::path& last);

  // Moves the staged directory `name` to the target path (which must not exist).
  void commit_directory(const std::filesystem::path& name);

 private:
  std::filesystem::path target_;
  std::filesystem::path path_;
};

}  // namespace diffrecon
