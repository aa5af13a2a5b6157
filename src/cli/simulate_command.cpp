#include <ctime>

#include "cli/command.h"
#include "core/error.h"
#include "core/logging.h"
#include "data/io/measurement_file.h"
#include "data/io/volume_io.h"
#include "pipelines/ct/ct_problem.h"
#include "pipelines/ct/simulate_ct.h"

namespace diffrecon::cli {
namespace {

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

CtScan ct_scan(const po::variables_map& vm) {
  const bool views = vm.count("views"), limited = vm.count("limited-angle");
  if (views == limited) throw UsageError("give exactly one of --views N and --limited-angle START:STOP:STEP");
  CtScan scan;
  try {
    scan.angles = views ? sparse_view_angles(vm["views"].as<int>())
                        : parse_limited_angle(vm["limited-angle"].as<std::string>());
  } catch (const InvalidArgument& e) {
    throw UsageError(std::string(views ? "--views: " : "--limited-angle: ") + e.what());
  }
  if (vm.count("detector-count")) {
    scan.detector_count = vm["detector-count"].as<int64_t>();
    if (scan.detector_count < 1) throw UsageError("--detector-count must be >= 1");
  }
  if (vm.count("detector-spacing")) {
    scan.detector_spacing = vm["detector-spacing"].as<double>();
    if (!(scan.detector_spacing > 0)) throw UsageError("--detector-spacing must be > 0 (mm)");
  }
  return scan;
}

NoiseModel noise_model(const po::variables_map& vm) {
  NoiseModel noise;
  if (vm.count("photons") && vm.count("noise-sigma")) throw UsageError("give at most one of --photons and --noise-sigma");
  if (vm.count("photons")) {
    noise.kind = "poisson";
    noise.photons = vm["photons"].as<double>();
    if (!(noise.photons > 0)) throw UsageError("--photons must be > 0");
  } else if (vm.count("noise-sigma")) {
    noise.sigma = vm["noise-sigma"].as<double>();
    if (!(noise.sigma >= 0)) throw UsageError("--noise-sigma must be >= 0");
    if (noise.sigma > 0) noise.kind = "gaussian";
  }
  return noise;
}

}  // namespace

void add_simulate_options(po::options_description& options) {
  options.add_options()
      ("modality", po::value<std::string>()->required()->value_name("MOD"), "ct (MRI follows with issue 5)")
      ("input", po::value<std::string>()->required()->value_name("VOLUME"),
       "the object: attenuation in 1/mm (see --scale); NIfTI, MetaImage, NRRD or a DICOM series")
      ("output", po::value<std::string>()->required()->value_name("MEAS.h5"), "measurement file to write")
      ("views", po::value<int>()->value_name("N"), "sparse view: N views uniform over [0, 180) degrees")
      ("limited-angle", po::value<std::string>()->value_name("A:B:S"),
       "limited angle: views from A to B (exclusive) every S degrees, e.g. 0:120:1")
      ("detector-count", po::value<int64_t>()->value_name("N"),
       "detector bins (default: enough to cover the slice's diagonal)")
      ("detector-spacing", po::value<double>()->value_name("MM"),
       "centre-to-centre bin distance in mm (default: the smaller in-plane voxel spacing)")
      ("photons", po::value<double>()->value_name("I0"),
       "Poisson transmission noise with I0 incident photons per ray (log transform applied)")
      ("noise-sigma", po::value<double>()->value_name("S"), "Gaussian noise of standard deviation S on the line integrals")
      ("scale", po::value<double>()->default_value(1.0)->value_name("F"),
       "multiply the volume by F first (e.g. to turn image intensities into attenuation in 1/mm)");
}

int run_simulate(const Context& context) {
  const auto& vm = context.options;
  const std::string modality = vm["modality"].as<std::string>();
  if (modality == "mri") throw NotSupported("simulate mri: MRI simulation is not implemented yet (issue 5)");
  if (modality != "ct") throw UsageError("unknown modality '" + modality + "' (expected ct)");
  const CtScan scan = ct_scan(vm);
  const NoiseModel noise = noise_model(vm);
  const double scale = vm["scale"].as<double>();
  if (!std::isfinite(scale)) throw UsageError("--scale must be finite");

  const std::string input = vm["input"].as<std::string>(), output = vm["output"].as<std::string>();
  const Volume read = read_volume(input);
  if (read.data().is_complex()) throw InvalidArgument(input + ": a complex volume cannot be projected");
  const Volume volume(read.data() * scale, read.geometry());
  Log(LogLevel::kInfo) << "simulate ct: " << volume.nx() << "x" << volume.ny() << "x" << volume.nz() << " voxels, "
                       << scan.angles.size() << " views, noise " << noise.kind;
  Measurement m = simulate_ct(volume.to(context.device), scan, noise, context.seed);
  m.provenance.diffrecon_version = DIFFRECON_VERSION;
  m.provenance.command = context.command_line;
  m.provenance.created = utc_now();
  write_measurement(m, output);
  context.out << "wrote " << output << ": CT sinogram " << m.data.size(0) << " x " << m.data.size(1) << " views x "
              << m.data.size(2) << " bins of " << m.parameters.at("detector_spacing_mm") << " mm, noise " << noise.kind
              << "\n";
  return 0;
}

}  // namespace diffrecon::cli
