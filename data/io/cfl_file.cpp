#include "data/io/cfl_file.h"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

#include "core/error.h"

namespace diffrecon {
namespace {

constexpr int kBartDims = 16;

std::vector<int64_t> read_header(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw IoError(path + ": cannot open the BART header");
  std::string line;
  while (std::getline(file, line) && line.rfind("# Dimensions", 0) != 0) {
  }
  if (!file || !std::getline(file, line)) throw IoError(path + ": no '# Dimensions' line");
  std::istringstream sizes(line);
  std::vector<int64_t> dims;
  for (int64_t d; sizes >> d;) {
    if (d < 1 || d > (int64_t{1} << 31)) throw IoError(path + ": dimension sizes must be in [1, 2^31]");
    dims.push_back(d);
  }
  if (dims.empty() || dims.size() > kBartDims) throw IoError(path + ": expected 1 to 16 dimension sizes");
  return dims;
}

}  // namespace

torch::Tensor read_cfl(const std::string& base, int rank) {
  const auto dims = read_header(base + ".hdr");
  if (rank < 1 || rank > kBartDims) throw IoError(base + ".hdr: rank must be in [1, 16]");
  int64_t count = 1;
  for (size_t d = 0; d < dims.size(); ++d) {
    if (static_cast<int>(d) >= rank && dims[d] != 1)
      throw IoError(base + ".hdr: dimension " + std::to_string(d) + " is " + std::to_string(dims[d]) +
                    ", expected 1 (reading " + std::to_string(rank) + " dimensions)");
    count *= dims[d];
    if (count > (int64_t{1} << 33)) throw IoError(base + ".hdr: more than 2^33 elements");
  }
  std::vector<int64_t> shape;
  for (int d = rank - 1; d >= 0; --d) shape.push_back(d < static_cast<int>(dims.size()) ? dims[d] : 1);
  std::ifstream file(base + ".cfl", std::ios::binary | std::ios::ate);
  if (!file) throw IoError(base + ".cfl: cannot open");
  const auto bytes = static_cast<int64_t>(file.tellg());
  if (bytes != count * 8)
    throw IoError(base + ".cfl: expected " + std::to_string(count * 8) + " bytes for the header's sizes, found " +
                  std::to_string(bytes));
  auto tensor = torch::empty(shape, torch::kComplexFloat);
  file.seekg(0);
  if (!file.read(static_cast<char*>(tensor.data_ptr()), bytes)) throw IoError(base + ".cfl: read failed");
  return tensor;
}

void write_cfl(const std::string& base, const torch::Tensor& tensor) {
  const auto data = tensor.to(torch::kCPU, torch::kComplexFloat).contiguous();
  if (data.dim() > kBartDims) throw IoError(base + ": BART files hold at most 16 dimensions");
  {
    std::ofstream header(base + ".hdr");
    header << "# Dimensions\n";
    for (int d = 0; d < kBartDims; ++d) header << (d < data.dim() ? data.size(data.dim() - 1 - d) : 1) << " ";
    header << "\n";
    if (!header.flush()) throw IoError(base + ".hdr: cannot write");
  }
  std::ofstream file(base + ".cfl", std::ios::binary | std::ios::trunc);
  file.write(static_cast<const char*>(data.data_ptr()), static_cast<std::streamsize>(data.numel() * 8));
  if (!file.flush()) throw IoError(base + ".cfl: cannot write");
}

}  // namespace diffrecon
