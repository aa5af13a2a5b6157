#include "data/io/png_file.h"

#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <vector>

#include "core/error.h"
#include "data/io/internal/staging_directory.h"

namespace diffrecon {
namespace {

void put_u32(std::vector<unsigned char>& out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<unsigned char>(value >> shift));
}

// A PNG chunk: length, type, data, CRC-32 of type and data.
void put_chunk(std::vector<unsigned char>& out, const char* type, const std::vector<unsigned char>& data) {
  put_u32(out, static_cast<uint32_t>(data.size()));
  const size_t start = out.size();
  out.insert(out.end(), type, type + 4);
  out.insert(out.end(), data.begin(), data.end());
  put_u32(out, static_cast<uint32_t>(crc32(0, out.data() + start, static_cast<uInt>(out.size() - start))));
}

}  // namespace

void write_png(const torch::Tensor& image, const std::string& path) {
  if (image.dim() != 2 || image.scalar_type() != torch::kByte || image.numel() == 0)
    throw InvalidArgument("write_png: expected a non-empty uint8 image [H, W]");
  const auto pixels = image.to(torch::kCPU).contiguous();
  const auto height = static_cast<uint32_t>(pixels.size(0)), width = static_cast<uint32_t>(pixels.size(1));
  std::vector<unsigned char> raw;  // each scanline: filter type 0, then the row
  raw.reserve(size_t(height) * (width + 1));
  const auto* p = pixels.data_ptr<uint8_t>();
  for (uint32_t row = 0; row < height; ++row) {
    raw.push_back(0);
    raw.insert(raw.end(), p + size_t(row) * width, p + size_t(row + 1) * width);
  }
  uLongf compressed_size = compressBound(static_cast<uLong>(raw.size()));
  std::vector<unsigned char> compressed(compressed_size);
  if (compress2(compressed.data(), &compressed_size, raw.data(), static_cast<uLong>(raw.size()), 9) != Z_OK)
    throw IoError(path + ": cannot compress the image");
  compressed.resize(compressed_size);

  std::vector<unsigned char> file = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  std::vector<unsigned char> header;
  put_u32(header, width);
  put_u32(header, height);
  header.insert(header.end(), {8, 0, 0, 0, 0});  // 8-bit greyscale, deflate, filter 0, no interlace
  put_chunk(file, "IHDR", header);
  put_chunk(file, "IDAT", compressed);
  put_chunk(file, "IEND", {});

  const std::filesystem::path target(path);
  if (!target.has_filename()) throw IoError(path + ": expected a file name, got a directory");
  StagingDirectory staging(target);
  {
    std::ofstream out(staging.path() / target.filename(), std::ios::binary);
    out.write(reinterpret_cast<const char*>(file.data()), static_cast<std::streamsize>(file.size()));
    if (!out.flush()) throw IoError(path + ": cannot write the file");
  }
  staging.commit_files(target.filename());
}

torch::Tensor image_grid(const torch::Tensor& images, int64_t columns, double low, double high, int64_t gap) {
  if (images.dim() != 3 || images.size(0) < 1 || columns < 1 || gap < 0 || !(high > low))
    throw InvalidArgument("image_grid: expected images [N, H, W], columns >= 1, gap >= 0, high > low");
  const int64_t n = images.size(0), h = images.size(1), w = images.size(2);
  const int64_t cols = std::min(columns, n), rows = (n + cols - 1) / cols;
  auto grid = torch::zeros({rows * (h + gap) + gap, cols * (w + gap) + gap}, torch::kByte);
  const auto scaled = ((images.detach().to(torch::kCPU, torch::kFloat) - low) * (255.0 / (high - low)))
                          .clamp(0, 255).round().to(torch::kByte);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t top = gap + (i / cols) * (h + gap), left = gap + (i % cols) * (w + gap);
    grid.narrow(0, top, h).narrow(1, left, w).copy_(scaled[i]);
  }
  return grid;
}

}  // namespace diffrecon
