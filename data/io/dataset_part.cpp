#include "data/io/dataset_part.h"

#include <cmath>

#include "core/error.h"

namespace diffrecon {

const char* to_string(DatasetPart part) {
  switch (part) {
    case DatasetPart::kWhole: return "whole";
    case DatasetPart::kTraining: return "training";
    case DatasetPart::kTest: return "test";
  }
  return "unknown";
}

DatasetPart parse_dataset_part(const std::string& name) {
  for (const auto part : {DatasetPart::kWhole, DatasetPart::kTraining, DatasetPart::kTest})
    if (name == to_string(part)) return part;
  throw InvalidArgument("unknown dataset part '" + name + "' (expected whole, training or test)");
}

Volume z_slab(const Volume& v, int64_t first, int64_t count) {
  if (first < 0 || count < 1 || first + count > v.nz())
    throw InvalidArgument("z_slab: slices [" + std::to_string(first) + ", " + std::to_string(first + count) +
                          ") are not inside the volume's " + std::to_string(v.nz()));
  Geometry g = v.geometry();
  g.origin = g.index_to_physical({0.0, 0.0, static_cast<double>(first)});
  return Volume(v.data().narrow(0, first, count).contiguous(), g);
}

Volume dataset_part(const Volume& v, DatasetPart part, double training_fraction, double test_start) {
  const auto nz = static_cast<double>(v.nz());
  switch (part) {
    case DatasetPart::kWhole: return v;
    case DatasetPart::kTraining: return z_slab(v, 0, static_cast<int64_t>(std::floor(training_fraction * nz)));
    case DatasetPart::kTest: {
      const auto first = static_cast<int64_t>(std::ceil(test_start * nz));
      return z_slab(v, first, v.nz() - first);
    }
  }
  throw InvalidArgument("dataset_part: unknown part");
}

}  // namespace diffrecon
