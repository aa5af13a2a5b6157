#pragma once

#include <string>

namespace diffrecon {

// Walks every data element of a DICOM Part 10 file (preamble, "DICM", the file meta group, then the
// data set in implicit or explicit VR little endian, through sequences, items and encapsulated pixel
// data) and throws IoError naming the file and the byte offset of the first element whose tag, VR or
// length cannot be right. Run before GDCM parses a file: Debian's GDCM aborts on some malformed headers.
void check_dicom_structure(const std::string& file);

}  // namespace diffrecon
