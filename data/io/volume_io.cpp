#include "data/io/volume_io.h"

#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkImageFileWriter.h>
#include <itkImportImageFilter.h>

#include <filesystem>
#include <random>

#include "core/error.h"

namespace diffrecon {
namespace {

using ImageType = itk::Image<float, 3>;
namespace fs = std::filesystem;

bool has_suffix(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The extension ITK chooses the format by, including a trailing ".gz".
std::string format_extension(const std::string& path) {
  for (const char* ext : {".nii.gz", ".nii", ".mha", ".mhd", ".nrrd", ".nhdr"})
    if (has_suffix(path, ext)) return ext;
  throw IoError(path + ": unknown volume format (expected .nii, .nii.gz, .mha, .mhd, .nrrd or .nhdr)");
}

Geometry geometry_of(const ImageType& image) {
  Geometry g;
  for (int i = 0; i < 3; ++i) {
    g.spacing[i] = image.GetSpacing()[i];
    g.origin[i] = image.GetOrigin()[i];
    for (int j = 0; j < 3; ++j) g.direction[3 * i + j] = image.GetDirection()(i, j);
  }
  return g;
}

}  // namespace

Volume read_volume(const std::string& path) {
  format_extension(path);
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw IoError(path + ": no such file");
  auto reader = itk::ImageFileReader<ImageType>::New();
  reader->SetFileName(path);
  try {
    reader->Update();
  } catch (const itk::ExceptionObject& e) {
    throw IoError(path + ": cannot read volume: " + e.GetDescription());
  }
  ImageType::Pointer image = reader->GetOutput();
  const auto size = image->GetLargestPossibleRegion().GetSize();
  auto data = torch::from_blob(image->GetBufferPointer(),
                               {static_cast<int64_t>(size[2]), static_cast<int64_t>(size[1]),
                                static_cast<int64_t>(size[0])},
                               torch::kFloat)
                  .clone();
  if (!torch::isfinite(data).all().item<bool>()) throw IoError(path + ": the volume contains NaN or Inf voxels");
  const Geometry geometry = geometry_of(*image);
  try {
    return Volume(data, geometry);
  } catch (const Error& e) {
    throw IoError(path + ": " + e.what());
  }
}

void write_volume(const Volume& volume, const std::string& path, const std::string& input_path) {
  const std::string extension = format_extension(path);
  if (volume.data().is_complex()) throw NotSupported(path + ": writing complex volumes is not supported");
  std::error_code ec;
  if (!input_path.empty() && fs::exists(input_path, ec) && fs::equivalent(path, input_path, ec))
    throw IoError(path + ": refusing to overwrite the input file");
  const fs::path target(path);
  const fs::path directory = target.has_parent_path() ? target.parent_path() : fs::path(".");
  if (!fs::is_directory(directory, ec)) throw IoError(path + ": the directory " + directory.string() + " does not exist");

  const auto data = volume.data().to(torch::kCPU).contiguous();
  auto import = itk::ImportImageFilter<float, 3>::New();
  ImageType::SizeType size;
  size[0] = volume.nx();
  size[1] = volume.ny();
  size[2] = volume.nz();
  ImageType::RegionType region;
  region.SetSize(size);
  import->SetRegion(region);
  const Geometry& g = volume.geometry();
  ImageType::DirectionType direction;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) direction(i, j) = g.direction[3 * i + j];
  import->SetSpacing(g.spacing.data());
  import->SetOrigin(g.origin.data());
  import->SetDirection(direction);
  import->SetImportPointer(const_cast<float*>(data.data_ptr<float>()), data.numel(), /*LetImportManageMemory=*/false);

  // Written under its final name into a fresh directory beside the target, then moved into place with
  // the header last, so a detached header (.mhd, .nhdr) still names its data file and a reader never
  // sees a half-written file.
  std::random_device random;
  const fs::path staging = directory / ("." + target.filename().string() + ".tmp" + std::to_string(random()));
  if (!fs::create_directory(staging, ec)) throw IoError(path + ": cannot create a temporary file beside it: " + ec.message());
  const fs::path staged = staging / target.filename();
  auto writer = itk::ImageFileWriter<ImageType>::New();
  writer->SetFileName(staged.string());
  writer->SetInput(import->GetOutput());
  writer->SetUseCompression(true);
  try {
    writer->Update();
    for (const auto& entry : fs::directory_iterator(staging))
      if (entry.path() != staged) fs::rename(entry.path(), directory / entry.path().filename());
    fs::rename(staged, target);
  } catch (const itk::ExceptionObject& e) {
    fs::remove_all(staging, ec);
    throw IoError(path + ": cannot write volume: " + e.GetDescription());
  } catch (const fs::filesystem_error& e) {
    fs::remove_all(staging, ec);
    throw IoError(path + ": cannot move the written volume into place: " + e.code().message());
  }
  fs::remove_all(staging, ec);
}

}  // namespace diffrecon
