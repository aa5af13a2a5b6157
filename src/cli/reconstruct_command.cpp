#include <chrono>
#include <iomanip>

#include "cli/command.h"
#include "core/error.h"
#include "core/logging.h"
#include "data/io/measurement_file.h"
#include "core/metrics.h"
#include "data/io/raw_mri.h"
#include "data/io/volume_io.h"
#include "pipelines/ct/classical_ct.h"
#include "pipelines/mri/classical_mri.h"

namespace diffrecon::cli {
namespace {

template <typename T>
void override_if_given(const po::variables_map& vm, const char* name, T& value) {
  if (vm.count(name)) value = vm[name].as<T>();
}

Volume reconstruct_ct(const Measurement& m, const std::string& method, const Context& context) {
  const auto& vm = context.options;
  try {
    if (method == "fbp") {
      FbpConfig config;
      config.window = parse_ramp_window(vm["filter"].as<std::string>());
      return fbp_reconstruction(m, config, context.device);
    }
    if (method == "cgls") {
      CglsConfig config;
      override_if_given(vm, "iterations", config.iterations);
      return cgls_reconstruction(m, config, context.device);
    }
    if (method == "admm-tv") {
      AdmmTvConfig config;
      override_if_given(vm, "lambda", config.lambda);
      override_if_given(vm, "rho", config.rho);
      override_if_given(vm, "iterations", config.iterations);
      override_if_given(vm, "cg-iterations", config.cg_iterations);
      if (vm.count("tv")) config.directions = parse_tv_directions(vm["tv"].as<std::string>());
      return admm_tv_reconstruction(m, config, context.device);
    }
  } catch (const InvalidArgument& e) {
    throw UsageError(e.what());
  }
  throw UsageError("unknown CT method '" + method + "' (expected fbp, cgls or admm-tv)");
}

Volume reconstruct_mri(const Measurement& m, const std::string& method, const Context& context) {
  const auto& vm = context.options;
  try {
    const CoilMapSource maps = parse_coil_map_source(vm["coil-maps"].as<std::string>());
    if (method == "zero-filled") {
      ZeroFilledConfig config;
      const std::string combination = vm["coil-combination"].as<std::string>();
      if (combination != "sense" && combination != "rss") throw UsageError("--coil-combination must be sense or rss");
      config.combination = combination == "rss" ? CoilCombination::kRss : CoilCombination::kSense;
      config.maps = maps;
      return zero_filled_reconstruction(m, config, context.device);
    }
    if (method == "cg-sense") {
      CgSenseConfig config;
      config.maps = maps;
      override_if_given(vm, "iterations", config.iterations);
      override_if_given(vm, "lambda", config.lambda);
      return cg_sense_reconstruction(m, config, context.device);
    }
    if (method == "admm-tv") {
      MriAdmmTvConfig config;
      config.maps = maps;
      override_if_given(vm, "lambda", config.lambda);
      override_if_given(vm, "rho", config.rho);
      override_if_given(vm, "iterations", config.iterations);
      override_if_given(vm, "cg-iterations", config.cg_iterations);
      if (vm.count("tv")) config.directions = parse_tv_directions(vm["tv"].as<std::string>());
      return mri_admm_tv_reconstruction(m, config, context.device);
    }
  } catch (const InvalidArgument& e) {
    throw UsageError(e.what());
  }
  throw UsageError("unknown MRI method '" + method + "' (expected zero-filled, cg-sense or admm-tv)");
}

// Our measurement files, fastMRI HDF5 or ISMRMRD raw data, told apart by their content.
Measurement load_measurement(const std::string& path) {
  if (is_fastmri_file(path)) return read_fastmri(path);
  if (is_ismrmrd_file(path)) return read_ismrmrd(path);
  return read_measurement(path);
}

// fastMRI's evaluation: the magnitude centre-cropped to the file's reconstruction_rss, PSNR with the
// reference's maximum as the peak. Prints nothing for files without a reference.
void report_against_fastmri_reference(const std::string& path, const Volume& volume, std::ostream& out) {
  const torch::Tensor reference = read_fastmri_reference(path);
  if (!reference.defined()) return;
  const auto x = volume.data().to(torch::kCPU);
  if (reference.size(0) != x.size(0) || reference.size(1) > x.size(1) || reference.size(2) > x.size(2)) {
    Log(LogLevel::kWarning) << path << ": reconstruction_rss does not fit the reconstruction; not compared";
    return;
  }
  const auto cropped = x.narrow(1, (x.size(1) - reference.size(1)) / 2, reference.size(1))
                           .narrow(2, (x.size(2) - reference.size(2)) / 2, reference.size(2));
  out << "PSNR against the file's reconstruction_rss (fastMRI convention): " << psnr_fastmri(reference, cropped)
      << " dB\n";
}

}  // namespace

void add_reconstruct_options(po::options_description& options) {
  const AdmmTvConfig admm;
  const CglsConfig cgls;
  options.add_options()
      ("input", po::value<std::string>()->required()->value_name("MEAS"),
       "measurements: a diffrecon measurement file (diffrecon simulate), a fastMRI HDF5 file or ISMRMRD raw data")
      ("output", po::value<std::string>()->required()->value_name("VOLUME"),
       "reconstruction to write; the format follows the extension (.nii.gz, .nii, .mha, .nrrd, or a directory "
       "for DICOM); the geometry is the measurement's")
      ("method", po::value<std::string>()->value_name("M"),
       "CT: fbp (filtered back projection, the default), cgls (least squares, early stopped) or admm-tv; "
       "MRI: zero-filled (the default), cg-sense or admm-tv")
      ("coil-combination", po::value<std::string>()->default_value("sense")->value_name("C"),
       "MRI zero-filled: sense (with the coil maps) or rss (root sum of squares)")
      ("coil-maps", po::value<std::string>()->default_value("auto")->value_name("S"),
       "MRI: auto (the file's maps, else ESPIRiT), espirit (BART ecalib's defaults) or lowres (fast, cruder)")
      ("filter", po::value<std::string>()->default_value("ram-lak")->value_name("W"),
       "fbp: ramp window ram-lak, shepp-logan, cosine or hann")
      ("iterations", po::value<int>()->value_name("K"),
       ("cgls: iterations (default " + std::to_string(cgls.iterations) + "); cg-sense: CG iterations (default " +
        std::to_string(CgSenseConfig{}.iterations) + "); admm-tv: outer iterations (default " +
        std::to_string(admm.iterations) + ")").c_str())
      ("cg-iterations", po::value<int>()->value_name("K"),
       ("admm-tv: CG iterations per x-update (default " + std::to_string(admm.cg_iterations) + ")").c_str())
      ("lambda", po::value<double>()->value_name("L"),
       ("admm-tv: TV weight for an image scaled to [0, 1] (CT default " + std::to_string(admm.lambda).substr(0, 5) +
        ", MRI default " + std::to_string(MriAdmmTvConfig{}.lambda).substr(0, 5) +
        "); cg-sense: Tikhonov weight (default 0)").c_str())
      ("rho", po::value<double>()->value_name("R"),
       ("admm-tv: ADMM penalty in the official code's units (default " + std::to_string(admm.rho).substr(0, 5) + ")")
           .c_str())
      ("tv", po::value<std::string>()->value_name("DIRS"),
       "admm-tv: xyz (anisotropic 3D TV, the CT default), xy (in-plane, the MRI default) or z (along z only)");
}

int run_reconstruct(const Context& context) {
  const auto& vm = context.options;
  const std::string input = vm["input"].as<std::string>(), output = vm["output"].as<std::string>();
  const Measurement m = load_measurement(input);
  const bool ct = m.modality == Modality::kCt;
  const std::string method = vm.count("method") ? vm["method"].as<std::string>() : ct ? "fbp" : "zero-filled";
  Log(LogLevel::kInfo) << "reconstruct: " << input << " (" << to_string(m.modality) << "), method " << method << " on "
                       << context.device;
  const auto start = std::chrono::steady_clock::now();
  const Volume volume = ct ? reconstruct_ct(m, method, context) : reconstruct_mri(m, method, context);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  VolumeWriteOptions write;
  write.dicom.modality = ct ? "CT" : "MR";
  write.dicom.series_description = "diffrecon " + method;
  write.dicom.derivation_description = "reconstructed by diffrecon (" + method + ") from " + input;
  write_volume(volume.to(torch::kCPU), output, write);
  if (is_fastmri_file(input)) report_against_fastmri_reference(input, volume, context.out);
  context.out << std::fixed << std::setprecision(1) << method << ": " << volume.nx() << "x" << volume.ny() << "x"
              << volume.nz() << " voxels in " << seconds << " s; wrote " << output << "\n";
  return 0;
}

}  // namespace diffrecon::cli
