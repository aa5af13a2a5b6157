#pragma once

#include <filesystem>
#include <string>

namespace diffrecon::cli {

// Writes `text` to a temporary file beside `path` and renames it into place, so a reader never sees a
// half-written file. Throws IoError naming the path.
void write_text_atomically(const std::filesystem::path& path, const std::string& text);

}  // namespace diffrecon::cli
