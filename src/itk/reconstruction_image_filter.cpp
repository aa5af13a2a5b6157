#include "itk/reconstruction_image_filter.h"

#include <itkImageRegionIterator.h>
#include <itkMacro.h>

#include <algorithm>
#include <optional>

#include "core/device.h"
#include "core/error.h"
#include "core/measurement.h"
#include "core/progress.h"
#include "data/io/any_measurement.h"
#include "data/io/loaded_prior.h"
#include "pipelines/reconstruction_methods.h"

namespace diffrecon {
namespace {

// The slice adaptor `reconstruct` builds for a prior: the model's plane and image size, no
// normalisation, automatic batches.
std::shared_ptr<const SlicePrior> slice_prior_of(const std::string& path, torch::Device device) {
  const LoadedPrior prior = load_prior_file(path, device);
  SlicePriorOptions options;
  options.plane = prior.model.plane;
  options.image_size = prior.model.image_size;
  return std::make_shared<SlicePrior>(prior.denoiser, options);
}

}  // namespace

ReconstructionImageFilter::ReconstructionImageFilter() { this->SetNumberOfRequiredInputs(0); }

ReconstructionImageFilter::~ReconstructionImageFilter() = default;

void ReconstructionImageFilter::SetSetting(const std::string& name, const std::string& value) {
  const auto it = m_Settings.find(name);
  if (value.empty() && it != m_Settings.end()) {
    m_Settings.erase(it);
  } else if (!value.empty() && (it == m_Settings.end() || it->second != value)) {
    m_Settings[name] = value;
  } else {
    return;
  }
  this->Modified();
}

std::string ReconstructionImageFilter::GetSetting(const std::string& name) const {
  const auto it = m_Settings.find(name);
  return it == m_Settings.end() ? "" : it->second;
}

const Measurement& ReconstructionImageFilter::measurement() {
  if (m_MeasurementFile.empty()) itkExceptionMacro(<< "no measurement file (SetMeasurementFile)");
  if (!m_Measurement || m_LoadedFile != m_MeasurementFile) {
    try {
      m_Measurement = std::make_unique<Measurement>(read_any_measurement(m_MeasurementFile));
    } catch (const Error& e) {
      itkExceptionMacro(<< e.what());
    }
    m_LoadedFile = m_MeasurementFile;
  }
  return *m_Measurement;
}

void ReconstructionImageFilter::GenerateOutputInformation() {
  const Measurement& m = measurement();
  const Geometry& g = m.geometry;
  OutputImageType* output = this->GetOutput();
  OutputImageType::SizeType size;
  for (unsigned i = 0; i < 3; ++i) size[i] = static_cast<itk::SizeValueType>(m.volume_size[i]);
  output->SetLargestPossibleRegion(OutputImageType::RegionType(size));
  OutputImageType::SpacingType spacing;
  OutputImageType::PointType origin;
  OutputImageType::DirectionType direction;
  for (unsigned i = 0; i < 3; ++i) {
    spacing[i] = g.spacing[i];
    origin[i] = g.origin[i];
    for (unsigned j = 0; j < 3; ++j) direction[i][j] = g.direction[3 * i + j];
  }
  output->SetSpacing(spacing);
  output->SetOrigin(origin);
  output->SetDirection(direction);
}

void ReconstructionImageFilter::GenerateData() {
  const Measurement& m = measurement();
  OutputImageType* output = this->GetOutput();
  output->SetBufferedRegion(output->GetLargestPossibleRegion());
  output->Allocate();
  std::optional<Volume> volume;
  try {
    const std::string method = m_Method.empty() ? default_reconstruction_method(m.modality) : m_Method;
    ReconstructionRequest request;
    request.measurement = &m;
    request.settings = m_Settings;
    request.device = parse_device(m_Device);
    request.seed = m_Seed;
    if (!m_PriorFile.empty()) request.prior = slice_prior_of(m_PriorFile, request.device);
    if (!m_AuxiliaryPriorFile.empty())
      request.auxiliary_prior = slice_prior_of(m_AuxiliaryPriorFile, request.device);
    // Every Progress of the method becomes ITK progress and iteration events.
    const ScopedProgressObserver observer([this](const std::string&, int64_t done, int64_t total) {
      this->UpdateProgress(total > 0 ? std::min(1.0f, float(done) / float(total)) : 0.0f);
      this->InvokeEvent(itk::IterationEvent());
    });
    this->UpdateProgress(0.0f);
    volume = reconstruct(request, method);
  } catch (const Error& e) {
    itkExceptionMacro(<< e.what());
  } catch (const c10::Error& e) {
    itkExceptionMacro(<< "LibTorch: " << e.what_without_backtrace());
  }
  // [Z, Y, X] row-major is ITK's buffer order (x fastest).
  const auto voxels = volume->data().to(torch::kCPU, torch::kFloat).contiguous();
  std::copy_n(voxels.data_ptr<float>(), voxels.numel(), output->GetBufferPointer());
  this->UpdateProgress(1.0f);
}

void ReconstructionImageFilter::PrintSelf(std::ostream& os, itk::Indent indent) const {
  Superclass::PrintSelf(os, indent);
  os << indent << "MeasurementFile: " << m_MeasurementFile << "\n"
     << indent << "Method: " << (m_Method.empty() ? "(the modality's classical one)" : m_Method) << "\n"
     << indent << "PriorFile: " << m_PriorFile << "\n"
     << indent << "AuxiliaryPriorFile: " << m_AuxiliaryPriorFile << "\n"
     << indent << "Device: " << m_Device << "\n"
     << indent << "Seed: " << m_Seed << "\n";
  for (const auto& [name, value] : m_Settings) os << indent << "Setting " << name << ": " << value << "\n";
}

}  // namespace diffrecon
