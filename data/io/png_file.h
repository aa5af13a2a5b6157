#pragma once

#include <torch/types.h>

#include <string>

namespace diffrecon {

// Writes an 8-bit greyscale PNG (no interlacing, filter 0, zlib-compressed) atomically. `image` [H, W]
// uint8 (any device). Throws IoError when the file cannot be written, InvalidArgument for a bad image.
void write_png(const torch::Tensor& image, const std::string& path);

// Tiles images [N, H, W] (real, any range) into a grid of `columns` columns with a `gap`-pixel black
// border, mapping [low, high] to 0 … 255 (values outside are clipped): an 8-bit image for write_png.
torch::Tensor image_grid(const torch::Tensor& images, int64_t columns, double low, double high, int64_t gap = 2);

}  // namespace diffrecon
