#include "cli/text_file.h"

#include <unistd.h>

#include <fstream>

#include "core/error.h"

namespace diffrecon::cli {

void write_text_atomically(const std::filesystem::path& path, const std::string& text) {
  namespace fs = std::filesystem;
  const fs::path temporary =
      path.parent_path() / ("." + path.filename().string() + ".tmp" + std::to_string(::getpid()));
  {
    std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
    if (!(file << text) || !file.flush()) throw IoError("cannot write " + temporary.string());
  }
  std::error_code error;
  fs::rename(temporary, path, error);
  if (error) {
    fs::remove(temporary, error);
    throw IoError("cannot write " + path.string() + ": " + error.message());
  }
}

void require_output_folder(const std::string& path, const std::string& option) {
  namespace fs = std::filesystem;
  // A path ending in '/' names a DICOM folder to be created inside its parent.
  const fs::path target = !path.empty() && path.back() == '/' ? fs::path(path).parent_path() : fs::path(path);
  const fs::path folder = fs::absolute(target).parent_path();
  std::error_code error;
  if (!fs::is_directory(folder, error))
    throw IoError(option + " " + path + ": the folder " + folder.string() + " does not exist");
}

}  // namespace diffrecon::cli
