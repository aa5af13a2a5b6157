#pragma once

#include <string>

namespace diffrecon::cli {

// 64-bit FNV-1a as 16 hex digits, to tell whether a study's inputs or settings changed since its
// outputs were made (`batch --resume`); not a cryptographic hash.
// content_hash: a file's bytes, or a folder's regular files (relative names and bytes, in name order).
// Throws IoError naming the path when it does not exist or cannot be read.
std::string content_hash(const std::string& path);
std::string text_hash(const std::string& text);

}  // namespace diffrecon::cli
