#pragma once

#include <torch/types.h>

#include <string>

namespace diffrecon {

// BART's file pair `base.hdr` (text: "# Dimensions" then 16 sizes, the first fastest) and `base.cfl`
// (complex64, little-endian, column-major). BART's dimensions 0, 1, 2, 3 are read/x, phase/y, partition/z
// and coil, so a tensor [C, Z, Y, X] is BART's first four dimensions reversed.
//
// read_cfl returns complex64 with the first `rank` BART dimensions reversed (the others must be 1);
// throws IoError "<path>: <what>" for a missing, malformed or truncated pair.
torch::Tensor read_cfl(const std::string& base, int rank);

// Writes `tensor` (any complex or real dtype, converted to complex64) with its dimensions reversed as
// BART's first ones; throws IoError when the files cannot be written.
void write_cfl(const std::string& base, const torch::Tensor& tensor);

}  // namespace diffrecon
