#include "data/io/internal/itk_file_io.h"

#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkImageFileWriter.h>
#include <itkImageIOFactory.h>
#include <itkImportImageFilter.h>
#include <zlib.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "data/io/internal/itk_conversion.h"
#include "data/io/internal/staging_directory.h"
#include "data/io/volume_io.h"

namespace diffrecon {
namespace {

using ImageType = itk::Image<float, 3>;
namespace fs = std::filesystem;

// Offset of the voxel data from the NIfTI-1 (348-byte) or NIfTI-2 (540-byte) header, either byte order.
int64_t nifti_voxel_offset(const unsigned char* header, size_t length, const std::string& path) {
  auto read32 = [&](size_t at, bool swap) {
    uint32_t v;
    std::memcpy(&v, header + at, 4);
    return swap ? __builtin_bswap32(v) : v;
  };
  for (const bool swap : {false, true}) {
    const uint32_t size = read32(0, swap);
    if (size == 348 && length >= 348) {
      const uint32_t bits = read32(108, swap);
      float offset;
      std::memcpy(&offset, &bits, 4);
      return static_cast<int64_t>(offset);
    }
    if (size == 540 && length >= 540) {
      uint64_t v;
      std::memcpy(&v, header + 168, 8);
      return static_cast<int64_t>(swap ? __builtin_bswap64(v) : v);
    }
  }
  throw IoError(path + ": not a NIfTI file (bad header size field)");
}

// Throws unless the NIfTI file (plain or gzip) holds at least `voxel_bytes` bytes after its header.
void check_nifti_length(const std::string& path, int64_t voxel_bytes) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (!file) throw IoError(path + ": cannot open");
  unsigned char header[540] = {};
  const int got = gzread(file, header, sizeof header);
  if (got < 348) {
    gzclose(file);
    throw IoError(path + ": truncated NIfTI header");
  }
  const int64_t expected = nifti_voxel_offset(header, static_cast<size_t>(got), path) + voxel_bytes;
  const bool compressed = gzdirect(file) == 0;
  int64_t length = 0;
  if (!compressed) {
    length = static_cast<int64_t>(fs::file_size(path));
  } else {
    // Fast path: a single-member gzip stream ends with its length mod 2³² (RFC 1952).
    std::ifstream raw(path, std::ios::binary | std::ios::ate);
    uint32_t trailer = 0;
    if (raw.tellg() >= 4) {
      raw.seekg(-4, std::ios::end);
      unsigned char b[4];
      raw.read(reinterpret_cast<char*>(b), 4);
      trailer = b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<uint32_t>(b[3]) << 24);
    }
    if (trailer == static_cast<uint32_t>(expected)) {
      gzclose(file);
      return;
    }
    std::vector<char> buffer(1 << 20);
    length = got;
    for (int n; (n = gzread(file, buffer.data(), static_cast<unsigned>(buffer.size()))) > 0;) length += n;
  }
  gzclose(file);
  if (length < expected)
    throw IoError(path + ": truncated NIfTI file (" + std::to_string(length) + " bytes of data and header, the header promises " +
                  std::to_string(expected) + ")");
}

}  // namespace

Volume read_itk_file(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw IoError(path + ": no such file");
  itk::ImageIOBase::Pointer io =
      itk::ImageIOFactory::CreateImageIO(path.c_str(), itk::ImageIOFactory::IOFileModeEnum::ReadMode);
  if (!io) throw IoError(path + ": not a readable NIfTI, MetaImage or NRRD file");
  io->SetFileName(path);
  try {
    io->ReadImageInformation();
  } catch (const itk::ExceptionObject& e) {
    throw IoError(path + ": cannot read the header: " + e.GetDescription());
  }
  const unsigned dims = io->GetNumberOfDimensions();
  if (dims < 3 || dims > 4 || (dims == 4 && io->GetDimensions(3) != 1))
    throw IoError(path + ": expected a 3D volume, the file holds a " + std::to_string(dims) + "D image" +
                  (dims == 4 ? " with " + std::to_string(io->GetDimensions(3)) + " volumes" : std::string()));
  if (io->GetNumberOfComponents() != 1)
    throw IoError(path + ": expected one value per voxel, the file has " +
                  std::to_string(io->GetNumberOfComponents()) + " components");
  for (unsigned d = 0; d < 3; ++d)
    if (!(io->GetSpacing(d) > 0) || !std::isfinite(io->GetSpacing(d)))
      throw IoError(path + ": voxel spacing must be finite and positive, the header gives " +
                    std::to_string(io->GetSpacing(d)) + " along axis " + std::to_string(d));
  int64_t voxels = 1;
  for (unsigned d = 0; d < 3; ++d) {
    const auto n = static_cast<int64_t>(io->GetDimensions(d));
    if (n <= 0 || voxels > kMaxVolumeVoxels / n)
      throw IoError(path + ": the header declares an empty or absurdly large volume (limit " +
                    std::to_string(kMaxVolumeVoxels) + " voxels)");
    voxels *= n;
  }
  const VolumeFormat format = format_of_path(path);
  if (format == VolumeFormat::kNifti || format == VolumeFormat::kNiftiGz)
    check_nifti_length(path, voxels * static_cast<int64_t>(io->GetComponentSize()));

  auto reader = itk::ImageFileReader<ImageType>::New();
  reader->SetFileName(path);
  reader->SetImageIO(io);
  try {
    reader->Update();
  } catch (const itk::ExceptionObject& e) {
    throw IoError(path + ": cannot read the voxels: " + e.GetDescription());
  }
  return volume_from_itk(*reader->GetOutput(), path);
}

void write_itk_file(const Volume& volume, const std::string& path) {
  const auto data = volume.data().to(torch::kCPU).contiguous();
  auto import = import_voxels<float>(data, volume.geometry());

  const fs::path target(path);
  StagingDirectory staging(target);
  auto writer = itk::ImageFileWriter<ImageType>::New();
  writer->SetFileName((staging.path() / target.filename()).string());
  writer->SetInput(import->GetOutput());
  writer->SetUseCompression(true);
  try {
    writer->Update();
  } catch (const itk::ExceptionObject& e) {
    throw IoError(path + ": cannot write the volume: " + e.GetDescription());
  }
  staging.commit_files(target.filename());
}

}  // namespace diffrecon
