#include "data/io/internal/dicom_structure.h"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "core/error.h"

namespace diffrecon {
namespace {

constexpr uint32_t kUndefinedLength = 0xFFFFFFFF;
constexpr uint32_t kItem = 0xFFFEE000, kItemEnd = 0xFFFEE00D, kSequenceEnd = 0xFFFEE0DD;
constexpr int kMaxDepth = 64;

bool long_length_vr(const char* vr) {
  static const char* const kLong[] = {"OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"};
  for (const char* v : kLong)
    if (vr[0] == v[0] && vr[1] == v[1]) return true;
  return false;
}

bool known_vr(const char* vr) {
  static const char* const kAll[] = {"AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL", "IS", "LO", "LT",
                                     "OB", "OD", "OF", "OL", "OV", "OW", "PN", "SH", "SL", "SQ", "SS", "ST",
                                     "SV", "TM", "UC", "UI", "UL", "UN", "UR", "US", "UT", "UV"};
  for (const char* v : kAll)
    if (vr[0] == v[0] && vr[1] == v[1]) return true;
  return false;
}

class Walker {
 public:
  Walker(const std::string& file, std::vector<unsigned char> bytes) : file_(file), bytes_(std::move(bytes)) {}

  void run() {
    if (bytes_.size() < 132 || std::memcmp(bytes_.data() + 128, "DICM", 4) != 0)
      fail(128, "not a DICOM Part 10 file (no 'DICM' after the preamble)");
    size_t at = 132;
    std::string syntax;
    int64_t group_end = -1;  // from (0002,0000) File Meta Information Group Length
    while (at + 4 <= bytes_.size() && u16(at) == 0x0002) {
      const size_t start = at;
      const uint32_t tag = read_tag(at);
      const uint32_t length = read_explicit_header(at, start);
      if (length == kUndefinedLength) fail(start, "undefined length in the file meta information");
      need(at, length, start);
      if (tag == 0x00020000) {
        if (length != 4) fail(start, "the file meta group length is not a 4-byte UL");
        group_end = static_cast<int64_t>(at + 4) + u32(at);
      }
      if (tag == 0x00020010) syntax.assign(reinterpret_cast<const char*>(&bytes_[at]), length);
      at += length;
    }
    if (group_end >= 0 && group_end != static_cast<int64_t>(at))
      fail(132, "the file meta group length (0002,0000) disagrees with the group's elements");
    while (!syntax.empty() && (syntax.back() == '\0' || syntax.back() == ' ')) syntax.pop_back();
    if (syntax.empty()) fail(132, "the file meta information has no transfer syntax (0002,0010)");
    if (syntax == "1.2.840.10008.1.2.2") fail(132, "big-endian transfer syntax is not supported");
    explicit_ = syntax != "1.2.840.10008.1.2";
    walk(at, bytes_.size(), 0, false);
    if (!pixel_data_) fail(bytes_.size(), "no pixel data (7FE0,0010) in the data set (truncated?)");
  }

 private:
  [[noreturn]] void fail(size_t offset, const std::string& what) const {
    throw IoError(file_ + ": malformed DICOM at byte " + std::to_string(offset) + ": " + what);
  }
  void need(size_t at, uint64_t count, size_t element) const {
    if (at + count > bytes_.size()) fail(element, "an element runs past the end of the file (truncated?)");
  }
  uint16_t u16(size_t at) const { return static_cast<uint16_t>(bytes_[at] | (bytes_[at + 1] << 8)); }
  uint32_t u32(size_t at) const {
    return bytes_[at] | (bytes_[at + 1] << 8) | (bytes_[at + 2] << 16) | (static_cast<uint32_t>(bytes_[at + 3]) << 24);
  }
  uint32_t read_tag(size_t& at) const {
    need(at, 4, at);
    const uint32_t tag = (static_cast<uint32_t>(u16(at)) << 16) | u16(at + 2);
    at += 4;
    return tag;
  }
  // Reads VR and length of an explicit-VR element; leaves `at` at the value. Sets last_sq_.
  uint32_t read_explicit_header(size_t& at, size_t start) {
    need(at, 4, start);
    const char vr[2] = {static_cast<char>(bytes_[at]), static_cast<char>(bytes_[at + 1])};
    if (!known_vr(vr)) fail(start, "unknown value representation");
    last_sq_ = vr[0] == 'S' && vr[1] == 'Q';
    if (long_length_vr(vr)) {
      need(at, 8, start);
      const uint32_t length = u32(at + 4);
      at += 8;
      return length;
    }
    const uint32_t length = u16(at + 2);
    at += 4;
    return length;
  }

  // Elements in [at, end); inside an undefined-length sequence/item, stops at its delimiter.
  size_t walk(size_t at, size_t end, int depth, bool until_delimiter) {
    if (depth > kMaxDepth) fail(at, "sequences nested too deeply");
    while (at < end) {
      const size_t start = at;
      const uint32_t tag = read_tag(at);
      if (tag == kItemEnd || tag == kSequenceEnd) {
        need(at, 4, start);
        at += 4;
        if (!until_delimiter) fail(start, "a delimiter outside any sequence");
        return at;
      }
      if ((tag >> 16) == 0xFFFE) fail(start, "an item outside any sequence");
      if (tag == 0x7FE00010 && depth == 0) pixel_data_ = true;
      uint32_t length;
      bool sequence;
      if (explicit_) {
        length = read_explicit_header(at, start);
        sequence = last_sq_;
      } else {
        need(at, 4, start);
        length = u32(at);
        at += 4;
        sequence = length == kUndefinedLength;
      }
      if (length == kUndefinedLength) {  // a sequence, encapsulated pixel data or UN: items follow
        at = walk_items(at, end, depth + 1);
        continue;
      }
      need(at, length, start);
      if (sequence && length > 0) walk_items_defined(at, at + length, depth + 1);
      at += length;
    }
    if (until_delimiter) fail(at, "a sequence or item without its delimiter (truncated?)");
    return at;
  }

  // Items of an undefined-length sequence (or encapsulated pixel data fragments) up to its delimiter.
  size_t walk_items(size_t at, size_t end, int depth) {
    while (true) {
      const size_t start = at;
      const uint32_t tag = read_tag(at);
      need(at, 4, start);
      const uint32_t length = u32(at);
      at += 4;
      if (tag == kSequenceEnd) return at;
      if (tag != kItem) fail(start, "expected an item in a sequence");
      if (length == kUndefinedLength) {
        at = walk(at, end, depth + 1, true);
      } else {
        need(at, length, start);
        at += length;
      }
      if (at >= end) fail(start, "a sequence without its delimiter (truncated?)");
    }
  }

  void walk_items_defined(size_t at, size_t end, int depth) {
    while (at < end) {
      const size_t start = at;
      const uint32_t tag = read_tag(at);
      need(at, 4, start);
      const uint32_t length = u32(at);
      at += 4;
      if (tag != kItem) fail(start, "expected an item in a sequence");
      if (length == kUndefinedLength) {
        at = walk(at, end, depth + 1, true);
      } else {
        if (at + length > end) fail(start, "an item runs past its sequence");
        walk(at, at + length, depth + 1, false);
        at += length;
      }
    }
  }

  std::string file_;
  std::vector<unsigned char> bytes_;
  bool explicit_ = true;
  bool last_sq_ = false;
  bool pixel_data_ = false;
};

}  // namespace

void check_dicom_structure(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw IoError(file + ": cannot open");
  std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Walker(file, std::move(bytes)).run();
}

}  // namespace diffrecon
