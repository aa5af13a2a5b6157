#include "cli/command.h"
#include "core/error.h"
#include "data/io/volume_io.h"

namespace diffrecon::cli {

void add_convert_options(po::options_description& options) {
  options.add_options()
      ("input", po::value<std::string>()->required()->value_name("IN"),
       "volume to read: .nii, .nii.gz, .mha, .mhd, .nrrd, .nhdr, or a DICOM series (directory or one file)")
      ("output", po::value<std::string>()->required()->value_name("OUT"),
       "volume to write; the format follows the extension, an existing directory or a path ending in '/' "
       "means a DICOM series")
      ("format", po::value<std::string>()->default_value("auto")->value_name("F"),
       "auto, nifti, nifti-gz, metaimage, nrrd or dicom (overrides what OUT's name says)")
      ("series", po::value<std::string>()->value_name("UID"),
       "DICOM input: the SeriesInstanceUID to read when the directory holds several series")
      ("reference-dicom", po::value<std::string>()->value_name("DIR"),
       "DICOM output: copy patient, study and frame of reference from this series")
      ("modality", po::value<std::string>()->default_value("MR")->value_name("M"),
       "DICOM output: MR or CT (an image storage class that carries slice geometry), or OT (secondary capture)")
      ("series-description", po::value<std::string>()->default_value("diffrecon")->value_name("TEXT"),
       "DICOM output: SeriesDescription (0008,103E)");
}

int run_convert(const Context& context) {
  const auto& vm = context.options;
  const std::string input = vm["input"].as<std::string>();
  const std::string output = vm["output"].as<std::string>();
  VolumeReadOptions read;
  if (vm.count("series")) read.dicom_series = vm["series"].as<std::string>();
  VolumeWriteOptions write;
  try {
    write.format = parse_volume_format(vm["format"].as<std::string>());
  } catch (const InvalidArgument& e) {
    throw UsageError(std::string("--format: ") + e.what());
  }
  write.input_path = input;
  write.dicom.series_description = vm["series-description"].as<std::string>();
  write.dicom.modality = vm["modality"].as<std::string>();
  write.dicom.derivation_description = "converted by diffrecon from " + input;
  if (vm.count("reference-dicom")) write.dicom.reference_series = vm["reference-dicom"].as<std::string>();
  write_volume(read_volume(input, read), output, write);
  context.out << "wrote " << output << "\n";
  return 0;
}

}  // namespace diffrecon::cli
