#pragma once

#include <filesystem>
#include <string>

namespace diffrecon::cli {

// Writes `text` to a temporary file beside `path` and renames it into place, so a reader never sees a
// half-written file. Throws IoError naming the path.
void write_text_atomically(const std::filesystem::path& path, const std::string& text);

// Throws IoError unless the folder that will hold `path` exists, so that a command fails before its
// long work rather than after it ("<option> <path>: the folder <folder> does not exist").
void require_output_folder(const std::string& path, const std::string& option);

}  // namespace diffrecon::cli
