#include <ctime>

#include "cli/command.h"
#include "core/error.h"
#include "core/logging.h"
#include "data/io/measurement_file.h"
#include "data/io/volume_io.h"
#include "pipelines/ct/ct_problem.h"
#include "pipelines/ct/simulate_ct.h"
#include "pipelines/mri/simulate_mri.h"
#include "pipelines/zsr/zsr_problem.h"

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

MriScan mri_scan(const po::variables_map& vm) {
  for (const char* ct_only : {"views", "limited-angle", "detector-count", "detector-spacing", "photons"})
    if (vm.count(ct_only)) throw UsageError(std::string("--") + ct_only + " applies to CT only");
  MriScan scan;
  scan.coils = vm["coils"].as<int>();
  if (scan.coils < 1 || scan.coils > 128) throw UsageError("--coils must be in [1, 128]");
  try {
    scan.mask.kind = parse_mask_kind(vm["mask"].as<std::string>());
  } catch (const InvalidArgument& e) {
    throw UsageError(std::string("--mask: ") + e.what());
  }
  scan.mask.acceleration = vm["acceleration"].as<double>();
  scan.mask.center_fraction = vm["center-fraction"].as<double>();
  const std::string acquisition = vm["acquisition"].as<std::string>();
  if (acquisition != "2d" && acquisition != "3d") throw UsageError("--acquisition must be 2d or 3d");
  scan.fft_dims = acquisition == "3d" ? 3 : 2;
  scan.vary_mask = vm["vary-mask"].as<bool>();
  if (scan.vary_mask && scan.fft_dims == 3) throw UsageError("--vary-mask applies to 2d acquisitions");
  return scan;
}

void record_provenance(Measurement& m, const Context& context) {
  m.provenance.diffrecon_version = DIFFRECON_VERSION;
  m.provenance.command = context.command_line;
  m.provenance.created = utc_now();
}

}  // namespace

void add_simulate_options(po::options_description& options) {
  options.add_options()
      ("modality", po::value<std::string>()->required()->value_name("MOD"),
       "ct, mri or zsr (MR z-super-resolution: thick slices, each the mean of --factor thin ones)")
      ("input", po::value<std::string>()->required()->value_name("VOLUME"),
       "the object (CT: attenuation in 1/mm, see --scale); NIfTI, MetaImage, NRRD or a DICOM series")
      ("output", po::value<std::string>()->required()->value_name("MEAS.h5"), "measurement file to write")
      ("views", po::value<int>()->value_name("N"), "CT, sparse view: N views uniform over [0, 180) degrees")
      ("limited-angle", po::value<std::string>()->value_name("A:B:S"),
       "CT, limited angle: views from A to B (exclusive) every S degrees, e.g. 0:120:1")
      ("detector-count", po::value<int64_t>()->value_name("N"),
       "detector bins (default: enough to cover the slice's diagonal)")
      ("detector-spacing", po::value<double>()->value_name("MM"),
       "centre-to-centre bin distance in mm (default: the smaller in-plane voxel spacing)")
      ("photons", po::value<double>()->value_name("I0"),
       "CT: Poisson transmission noise with I0 incident photons per ray (log transform applied)")
      ("noise-sigma", po::value<double>()->value_name("S"),
       "Gaussian noise of standard deviation S (CT: on the line integrals; MRI: per real and imaginary part)")
      ("coils", po::value<int>()->default_value(8)->value_name("C"), "MRI: simulated birdcage receive coils")
      ("mask", po::value<std::string>()->default_value("poisson2d")->value_name("KIND"),
       "MRI: uniform1d, equispaced1d, gaussian1d (ky lines) or gaussian2d, poisson2d (points)")
      ("acceleration", po::value<double>()->default_value(4.0)->value_name("R"),
       "MRI: undersampling factor, hit exactly (samples = round(total / R))")
      ("center-fraction", po::value<double>()->default_value(0.08)->value_name("F"),
       "MRI: fraction of each phase-encode axis fully sampled around the centre")
      ("acquisition", po::value<std::string>()->default_value("2d")->value_name("A"),
       "MRI: 2d (every axial slice; 1D masks pick ky lines, 2D masks (ky, kx) points) or 3d (masks pick (kz, ky))")
      ("vary-mask", po::bool_switch(), "MRI 2d: a different mask for every slice")
      ("factor", po::value<int64_t>()->value_name("F"), "zsr: thin slices averaged into each thick slice (required)")
      ("scale", po::value<double>()->default_value(1.0)->value_name("F"),
       "multiply the volume by F first (e.g. to turn image intensities into attenuation in 1/mm)");
}

int run_simulate(const Context& context) {
  const auto& vm = context.options;
  const std::string modality = vm["modality"].as<std::string>();
  if (modality != "ct" && modality != "mri" && modality != "zsr")
    throw UsageError("unknown modality '" + modality + "' (expected ct, mri or zsr)");
  const double scale = vm["scale"].as<double>();
  if (!std::isfinite(scale)) throw UsageError("--scale must be finite");
  const std::string input = vm["input"].as<std::string>(), output = vm["output"].as<std::string>();
  if (modality != "zsr" && vm.count("factor")) throw UsageError("--factor applies to zsr only");
  if (modality == "zsr") {
    for (const char* other : {"views", "limited-angle", "detector-count", "detector-spacing", "photons"})
      if (vm.count(other)) throw UsageError(std::string("--") + other + " applies to CT only");
    if (vm["vary-mask"].as<bool>()) throw UsageError("--vary-mask applies to MRI only");
    if (!vm.count("factor")) throw UsageError("zsr needs --factor F (thin slices per thick slice)");
    const NoiseModel noise = noise_model(vm);
    const Volume read = read_volume(input);
    if (read.data().is_complex()) throw InvalidArgument(input + ": z-SR simulates magnitude images, got a complex volume");
    const Volume volume(read.data() * scale, read.geometry());
    Measurement m;
    try {
      m = simulate_zsr(volume.to(context.device), vm["factor"].as<int64_t>(), noise, context.seed);
    } catch (const InvalidArgument& e) {
      throw UsageError(std::string("--factor: ") + e.what());
    }
    record_provenance(m, context);
    write_measurement(m, output);
    context.out << "wrote " << output << ": " << m.data.size(0) << " thick slices of " << m.data.size(1) << " x "
                << m.data.size(2) << ", each the mean of " << vm["factor"].as<int64_t>() << " of the "
                << volume.nz() << " thin slices, noise " << noise.kind << "\n";
    return 0;
  }
  if (modality == "mri") {
    const MriScan scan = mri_scan(vm);
    const NoiseModel noise = noise_model(vm);
    const Volume read = read_volume(input);
    const Volume volume(read.data() * scale, read.geometry());
    Log(LogLevel::kInfo) << "simulate mri: " << volume.nx() << "x" << volume.ny() << "x" << volume.nz() << " voxels, "
                         << scan.coils << " coils, " << to_string(scan.mask.kind) << " mask, noise " << noise.kind;
    Measurement m;
    try {
      m = simulate_mri(volume.to(context.device), scan, noise, context.seed);
    } catch (const InvalidArgument& e) {
      throw UsageError(e.what());
    }
    record_provenance(m, context);
    write_measurement(m, output);
    context.out << "wrote " << output << ": MRI k-space " << m.data.size(0) << " coils x " << m.data.size(1) << " x "
                << m.data.size(2) << " x " << m.data.size(3) << ", " << scan.fft_dims << "D acquisition, acceleration "
                << m.parameters.at("acceleration") << ", noise " << noise.kind << "\n";
    return 0;
  }
  for (const char* mri_only : {"vary-mask"})
    if (vm[mri_only].as<bool>()) throw UsageError(std::string("--") + mri_only + " applies to MRI only");
  const CtScan scan = ct_scan(vm);
  const NoiseModel noise = noise_model(vm);
  const Volume read = read_volume(input);
  if (read.data().is_complex()) throw InvalidArgument(input + ": a complex volume cannot be projected");
  const Volume volume(read.data() * scale, read.geometry());
  Log(LogLevel::kInfo) << "simulate ct: " << volume.nx() << "x" << volume.ny() << "x" << volume.nz() << " voxels, "
                       << scan.angles.size() << " views, noise " << noise.kind;
  Measurement m = simulate_ct(volume.to(context.device), scan, noise, context.seed);
  record_provenance(m, context);
  write_measurement(m, output);
  context.out << "wrote " << output << ": CT sinogram " << m.data.size(0) << " x " << m.data.size(1) << " views x "
              << m.data.size(2) << " bins of " << m.parameters.at("detector_spacing_mm") << " mm, noise " << noise.kind
              << "\n";
  return 0;
}

}  // namespace diffrecon::cli
