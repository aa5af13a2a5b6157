// diffrecon inside an ITK pipeline: the reconstruction filter → an image writer, with ITK observers
// printing progress; optionally a reader brings in another volume (e.g. `diffrecon reconstruct`'s) and
// the two are compared voxel by voxel.
//
//   itk_pipeline MEASUREMENT OUTPUT [--method M] [--prior MODEL] [--setting NAME=VALUE ...] [--seed K]
//                [--compare VOLUME]
#include <itkCommand.h>
#include <itkImageFileReader.h>
#include <itkImageFileWriter.h>
#include <itkImageRegionConstIterator.h>

#include <cmath>
#include <iostream>
#include <string>

#include <itk/reconstruction_image_filter.h>

using Image = diffrecon::ReconstructionImageFilter::OutputImageType;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr
        << "usage: itk_pipeline MEASUREMENT OUTPUT [--method M] [--prior MODEL] [--setting NAME=VALUE ...] "
           "[--seed K] [--compare VOLUME]\n";
    return 2;
  }
  auto filter = diffrecon::ReconstructionImageFilter::New();
  filter->SetMeasurementFile(argv[1]);
  std::string compare;
  for (int i = 3; i + 1 < argc; i += 2) {
    const std::string option = argv[i], value = argv[i + 1];
    if (option == "--method")
      filter->SetMethod(value);
    else if (option == "--prior")
      filter->SetPriorFile(value);
    else if (option == "--seed")
      filter->SetSeed(std::stoull(value));
    else if (option == "--compare")
      compare = value;
    else if (option == "--setting" && value.find('=') != std::string::npos)
      filter->SetSetting(value.substr(0, value.find('=')), value.substr(value.find('=') + 1));
    else {
      std::cerr << "itk_pipeline: unknown option " << option << "\n";
      return 2;
    }
  }
  int iterations = 0;
  auto on_iteration = itk::CStyleCommand::New();
  on_iteration->SetClientData(&iterations);
  on_iteration->SetCallback(
      [](itk::Object*, const itk::EventObject&, void* count) { ++*static_cast<int*>(count); });
  filter->AddObserver(itk::IterationEvent(), on_iteration);

  auto writer = itk::ImageFileWriter<Image>::New();
  writer->SetInput(filter->GetOutput());
  writer->SetFileName(argv[2]);
  try {
    writer->Update();
  } catch (const itk::ExceptionObject& e) {
    std::cerr << "itk_pipeline: " << e.GetDescription() << "\n";
    return 1;
  }
  const Image* result = filter->GetOutput();
  std::cout << "itk_pipeline: " << result->GetLargestPossibleRegion().GetSize() << " voxels, spacing "
            << result->GetSpacing() << ", " << iterations << " iteration events; wrote " << argv[2] << "\n";
  if (compare.empty()) return 0;

  auto reader = itk::ImageFileReader<Image>::New();
  reader->SetFileName(compare);
  try {
    reader->Update();
  } catch (const itk::ExceptionObject& e) {
    std::cerr << "itk_pipeline: " << e.GetDescription() << "\n";
    return 1;
  }
  const Image* other = reader->GetOutput();
  if (other->GetLargestPossibleRegion() != result->GetLargestPossibleRegion()) {
    std::cerr << "itk_pipeline: " << compare << " differs in size\n";
    return 1;
  }
  double max_difference = 0;
  itk::ImageRegionConstIterator<Image> a(result, result->GetLargestPossibleRegion());
  itk::ImageRegionConstIterator<Image> b(other, other->GetLargestPossibleRegion());
  for (; !a.IsAtEnd(); ++a, ++b)
    max_difference = std::max(max_difference, double(std::abs(a.Get() - b.Get())));
  const bool same_geometry = other->GetOrigin().EuclideanDistanceTo(result->GetOrigin()) < 1e-4 &&
                             (other->GetSpacing() - result->GetSpacing()).GetNorm() < 1e-5;
  std::cout << "itk_pipeline: largest difference to " << compare << ": " << max_difference
            << (same_geometry ? ", same geometry" : ", DIFFERENT geometry") << "\n";
  return max_difference == 0 && same_geometry ? 0 : 1;
}
