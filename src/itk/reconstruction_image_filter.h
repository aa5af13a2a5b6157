#pragma once

#include <itkImage.h>
#include <itkImageSource.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace diffrecon {

struct Measurement;

// diffrecon inside an ITK pipeline: an image source that reconstructs a measurement file (our HDF5
// measurements, fastMRI or ISMRMRD raw data) with a registered method and produces an
// itk::Image<float, 3> with the measurement's geometry (LPS origin, spacing, direction), as
// `diffrecon reconstruct` would write it:
//
//   auto filter = diffrecon::ReconstructionImageFilter::New();
//   filter->SetMeasurementFile("scan.h5");
//   filter->SetMethod("dds");
//   filter->SetPriorFile("colin27_axial.h5");
//   filter->SetSetting("steps", "50");
//   writer->SetInput(filter->GetOutput());
//   writer->Update();
//
// The output information (size, geometry) is available after UpdateOutputInformation() without
// reconstructing. ProgressEvent reports the method's progress (0 … 1) and IterationEvent fires at each
// of its steps. Errors (unreadable file, unknown method, bad setting) are thrown as itk::ExceptionObject
// with diffrecon's message.
class ReconstructionImageFilter : public itk::ImageSource<itk::Image<float, 3>> {
 public:
  ITK_DISALLOW_COPY_AND_MOVE(ReconstructionImageFilter);

  using Self = ReconstructionImageFilter;
  using Superclass = itk::ImageSource<itk::Image<float, 3>>;
  using Pointer = itk::SmartPointer<Self>;
  using ConstPointer = itk::SmartPointer<const Self>;
  using OutputImageType = itk::Image<float, 3>;

  itkNewMacro(Self);
  itkTypeMacro(ReconstructionImageFilter, ImageSource);

  // The measurement to reconstruct.
  itkSetStringMacro(MeasurementFile);
  itkGetStringMacro(MeasurementFile);
  // A registered method (diffrecon reconstruct --help lists them); empty: the modality's classical
  // one (fbp, zero-filled, interpolate).
  itkSetStringMacro(Method);
  itkGetStringMacro(Method);
  // The prior of a diffusion method, and TPDM's auxiliary prior (model files or TorchScript modules).
  itkSetStringMacro(PriorFile);
  itkGetStringMacro(PriorFile);
  itkSetStringMacro(AuxiliaryPriorFile);
  itkGetStringMacro(AuxiliaryPriorFile);
  // "cpu", "cuda" or "cuda:N".
  itkSetStringMacro(Device);
  itkGetStringMacro(Device);
  itkSetMacro(Seed, uint64_t);
  itkGetConstMacro(Seed, uint64_t);

  // A method setting by its `reconstruct` option name without dashes ("steps", "lambda", …); an empty
  // value removes it.
  void SetSetting(const std::string& name, const std::string& value);
  std::string GetSetting(const std::string& name) const;

 protected:
  ReconstructionImageFilter();
  ~ReconstructionImageFilter() override;

  void GenerateOutputInformation() override;
  void GenerateData() override;
  void PrintSelf(std::ostream& os, itk::Indent indent) const override;

 private:
  // The measurement, read once per file name.
  const Measurement& measurement();

  std::string m_MeasurementFile;
  std::string m_Method;
  std::string m_PriorFile;
  std::string m_AuxiliaryPriorFile;
  std::string m_Device = "cpu";
  uint64_t m_Seed = 0;
  std::map<std::string, std::string> m_Settings;
  std::unique_ptr<Measurement> m_Measurement;
  std::string m_LoadedFile;
};

}  // namespace diffrecon
