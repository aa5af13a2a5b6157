#include "data/io/cranium.h"

#include <archive.h>
#include <archive_entry.h>
#include <plist/plist.h>

#include <array>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "core/error.h"

namespace diffrecon {
namespace {

std::string base_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string error_text(archive* a) {
  const char* text = archive_error_string(a);
  return text ? text : "no detail";
}

// The contents of the first member whose base name is `name` (found = false when there is none).
struct Member {
  bool found = false;
  std::vector<char> bytes;
};

Member read_member(const std::string& path, const std::string& name, int64_t max_bytes) {
  std::unique_ptr<archive, decltype(&archive_read_free)> a(archive_read_new(), archive_read_free);
  archive_read_support_filter_all(a.get());
  archive_read_support_format_all(a.get());
  if (archive_read_open_filename(a.get(), path.c_str(), 1 << 16) != ARCHIVE_OK)
    throw IoError(path + ": not a readable InVesalius project archive (" + error_text(a.get()) + ")");
  archive_entry* entry = nullptr;
  Member member;
  for (;;) {
    const int status = archive_read_next_header(a.get(), &entry);
    if (status == ARCHIVE_EOF) return member;
    if (status < ARCHIVE_WARN)
      throw IoError(path + ": damaged or truncated archive (" + error_text(a.get()) + ")");
    if (base_name(archive_entry_pathname(entry)) != name || archive_entry_filetype(entry) != AE_IFREG) continue;
    if (archive_entry_size_is_set(entry) && archive_entry_size(entry) > max_bytes)
      throw IoError(path + ": " + name + " is larger than expected (" + std::to_string(archive_entry_size(entry)) +
                    " bytes, at most " + std::to_string(max_bytes) + ")");
    char buffer[1 << 16];
    for (;;) {
      const la_ssize_t n = archive_read_data(a.get(), buffer, sizeof buffer);
      if (n < 0) throw IoError(path + ": damaged or truncated archive in " + name + " (" + error_text(a.get()) + ")");
      if (n == 0) break;
      if (static_cast<int64_t>(member.bytes.size()) + n > max_bytes)
        throw IoError(path + ": " + name + " is larger than expected (more than " + std::to_string(max_bytes) + " bytes)");
      member.bytes.insert(member.bytes.end(), buffer, buffer + n);
    }
    member.found = true;
    return member;
  }
}

using Plist = std::unique_ptr<void, decltype(&plist_free)>;

plist_t item(const std::string& path, plist_t dict, const char* key, plist_type type) {
  const plist_t node = dict ? plist_dict_get_item(dict, key) : nullptr;
  if (!node || plist_get_node_type(node) != type)
    throw IoError(path + ": main.plist: '" + key + "' is missing or of the wrong type");
  return node;
}

std::string string_item(const std::string& path, plist_t dict, const char* key) {
  char* value = nullptr;
  plist_get_string_val(item(path, dict, key, PLIST_STRING), &value);
  const std::string text = value ? value : "";
  free(value);
  return text;
}

// An array of three numbers (integers or reals).
std::array<double, 3> triple(const std::string& path, plist_t dict, const char* key) {
  const plist_t array = item(path, dict, key, PLIST_ARRAY);
  if (plist_array_get_size(array) != 3) throw IoError(path + ": main.plist: '" + key + "' must hold three numbers");
  std::array<double, 3> values{};
  for (uint32_t i = 0; i < 3; ++i) {
    const plist_t node = plist_array_get_item(array, i);
    if (plist_get_node_type(node) == PLIST_UINT) {
      uint64_t v = 0;
      plist_get_uint_val(node, &v);
      values[i] = static_cast<double>(static_cast<int64_t>(v));
    } else if (plist_get_node_type(node) == PLIST_REAL) {
      plist_get_real_val(node, &values[i]);
    } else {
      throw IoError(path + ": main.plist: '" + key + "' must hold three numbers");
    }
  }
  return values;
}

}  // namespace

Volume read_invesalius_project(const std::string& path) {
  const Member plist_member = read_member(path, "main.plist", 1 << 20);
  if (!plist_member.found) throw IoError(path + ": not an InVesalius project (no main.plist)");
  plist_t root_node = nullptr;
  plist_from_xml(plist_member.bytes.data(), static_cast<uint32_t>(plist_member.bytes.size()), &root_node);
  const Plist root(root_node, plist_free);
  if (!root || plist_get_node_type(root.get()) != PLIST_DICT)
    throw IoError(path + ": main.plist is not an XML property list");
  const plist_t matrix = item(path, root.get(), "matrix", PLIST_DICT);
  const std::string dtype = string_item(path, matrix, "dtype"), file = string_item(path, matrix, "filename");
  if (dtype != "int16") throw IoError(path + ": main.plist: matrix dtype '" + dtype + "' is not supported (int16)");
  const auto shape = triple(path, matrix, "shape");
  const auto spacing = triple(path, root.get(), "spacing");
  for (int a = 0; a < 3; ++a) {
    if (!(shape[a] >= 1 && shape[a] <= 4096))
      throw IoError(path + ": main.plist: matrix shape must be three sizes in [1, 4096]");
    if (!(spacing[a] > 0 && spacing[a] < 1e4)) throw IoError(path + ": main.plist: spacing must be positive (mm)");
  }
  const auto nz = static_cast<int64_t>(shape[0]), ny = static_cast<int64_t>(shape[1]),
             nx = static_cast<int64_t>(shape[2]);
  const int64_t expected = nz * ny * nx * 2;
  const Member voxels = read_member(path, base_name(file), expected);
  if (!voxels.found) throw IoError(path + ": the matrix member '" + file + "' is missing");
  if (static_cast<int64_t>(voxels.bytes.size()) != expected)
    throw IoError(path + ": " + file + " holds " + std::to_string(voxels.bytes.size()) + " bytes, the shape " +
                  std::to_string(nz) + " x " + std::to_string(ny) + " x " + std::to_string(nx) + " of int16 needs " +
                  std::to_string(expected));
  auto hu = torch::empty({nz, ny, nx}, torch::kInt16);
  std::memcpy(hu.data_ptr<int16_t>(), voxels.bytes.data(), voxels.bytes.size());  // little endian, as written
  Geometry geometry;
  geometry.spacing = {spacing[0], spacing[1], spacing[2]};
  return Volume(hu.to(torch::kFloat), geometry);
}

torch::Tensor hounsfield_to_attenuation(const torch::Tensor& hounsfield) {
  return (kWaterAttenuationPerMm * (1 + hounsfield.to(torch::kFloat) / 1000)).clamp_min(0);
}

Volume cranium(DatasetPart part, const std::string& path) {
  const Volume hu = read_invesalius_project(path);
  return dataset_part(Volume(hounsfield_to_attenuation(hu.data()), hu.geometry()), part, kCraniumTrainingFraction,
                      kCraniumTestStart);
}

}  // namespace diffrecon
