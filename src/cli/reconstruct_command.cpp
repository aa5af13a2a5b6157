#include <chrono>
#include <filesystem>
#include <iomanip>
#include <optional>
#include <sstream>

#include "cli/command.h"
#include "cli/preview.h"
#include "cli/prior_options.h"
#include "cli/quality_report.h"
#include "cli/text_file.h"
#include "core/error.h"
#include "core/logging.h"
#include "core/metrics.h"
#include "core/statistics.h"
#include "data/io/any_measurement.h"
#include "data/io/prior_file.h"
#include "data/io/raw_mri.h"
#include "data/io/volume_io.h"
#include "pipelines/ct/classical_ct.h"
#include "pipelines/ddip.h"
#include "pipelines/dds_reconstruction.h"
#include "pipelines/diffusion_mbir.h"
#include "pipelines/mri/classical_mri.h"
#include "pipelines/posterior_samples.h"
#include "pipelines/reconstruction_methods.h"
#include "pipelines/tpdm.h"
#include "pipelines/zsr/zsr_problem.h"

namespace diffrecon::cli {
namespace {

// The command-line options that are method settings (pipelines/method_settings.h), passed on as text
// only when given, so that every method sees exactly what the user asked of it.
const char* const kSettingOptions[] = {
    "filter",           "iterations",    "cg-iterations", "lambda",      "rho",           "tv",
    "coil-combination", "coil-maps",     "steps",         "eta",         "consistency",   "gamma",
    "intensity-scale",  "alternation",   "dps-weight",    "kind",        "lora-rank",     "adapt-steps",
    "adapt-slices",     "learning-rate", "adapt-t-min",   "adapt-t-max", "tolerance",     "tv-norm",
    "positivity",       "field-of-view", "primal-step",   "wavelet",     "cg-tolerance",  "random-shifts"};

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
  out << "PSNR against the file's reconstruction_rss (fastMRI convention): "
      << psnr_fastmri(reference, cropped) << " dB\n";
}

// The measurement of --input: a measurement or raw MRI file, or with --slice-factor F a volume of thick
// slices (NIfTI, MetaImage, NRRD or a DICOM series) for z-super-resolution.
Measurement load_input(const std::string& input, const po::variables_map& vm) {
  if (vm.count("slice-factor")) {
    const int64_t factor = vm["slice-factor"].as<int64_t>();
    if (factor < 1) throw UsageError("--slice-factor must be >= 1");
    return thick_slice_measurement(read_volume(input), factor);
  }
  const bool volume = std::filesystem::is_directory(input) || [&] {
    try {
      format_of_path(input);
      return true;
    } catch (const IoError&) {
      return false;
    }
  }();
  if (volume)
    throw IoError(input +
                  " is a volume, not a measurement: give --slice-factor F to reconstruct its thick "
                  "slices (z-SR)");
  return read_any_measurement(input);
}

// The --reference volume, read before reconstructing so that a wrong one fails at once; it must have
// the size of the volume the measurement reconstructs.
std::optional<Volume> read_reference(const std::string& path, const Measurement& m) {
  if (path.empty()) return std::nullopt;
  Volume reference = read_volume(path);
  const auto& size = m.volume_size;
  if (reference.nx() != size[0] || reference.ny() != size[1] || reference.nz() != size[2])
    throw ShapeMismatch("--reference " + path + " is " + std::to_string(reference.nx()) + " x " +
                        std::to_string(reference.ny()) + " x " + std::to_string(reference.nz()) +
                        " voxels; the reconstruction is " + std::to_string(size[0]) + " x " +
                        std::to_string(size[1]) + " x " + std::to_string(size[2]));
  return reference;
}

}  // namespace

void add_reconstruct_options(po::options_description& options) {
  const AdmmTvConfig admm;
  const CglsConfig cgls;
  const DdsConfig dds = dds_defaults(Modality::kCt), dds_mri = dds_defaults(Modality::kMri);
  const DiffusionMbirConfig mbir = diffusion_mbir_defaults(Modality::kCt);
  const TpdmConfig tpdm_ct = tpdm_defaults(Modality::kCt), tpdm_mri = tpdm_defaults(Modality::kMri);
  const DdipConfig ddip_ct = ddip_defaults(Modality::kCt), ddip_mri = ddip_defaults(Modality::kMri);
  const auto number = [](double v) {
    std::ostringstream out;
    out << v;
    return out.str();
  };
  // clang-format off
  options.add_options()
      ("input", po::value<std::string>()->required()->value_name("MEAS"),
       "measurements: a diffrecon measurement file (diffrecon simulate), a fastMRI HDF5 file or ISMRMRD raw "
       "data; with --slice-factor, a thick-slice volume or DICOM series")
      ("output", po::value<std::string>()->required()->value_name("VOLUME"),
       "reconstruction to write; the format follows the extension (.nii.gz, .nii, .mha, .nrrd, or a directory "
       "for DICOM); the geometry is the measurement's")
      ("method", po::value<std::string>()->value_name("M"),
       "CT: fbp (filtered back projection, the default), cgls (least squares, early stopped), admm-tv, "
       "primal-dual-tv (TV by Chambolle-Pock, the best classical CT method); MRI: "
       "zero-filled (the default), cg-sense, admm-tv, cs-wavelet (l1-wavelet); both, with a diffusion prior: "
       "dds (decomposed diffusion sampler, fast), ddip (DDS adapting the prior to the data with LoRA), "
       "diffusion-mbir (predictor-corrector "
       "with TV along z, slow) or tpdm (two perpendicular priors, slow); z-SR (thick slices): interpolate (the "
       "default) or tpdm")
      ("coil-combination", po::value<std::string>()->value_name("C"),
       "MRI zero-filled: sense (with the coil maps, the default) or rss (root sum of squares)")
      ("coil-maps", po::value<std::string>()->value_name("S"),
       "MRI: auto (the file's maps, else ESPIRiT; the default), espirit (BART ecalib's defaults) or lowres")
      ("filter", po::value<std::string>()->value_name("W"),
       "fbp: ramp window ram-lak (the default), shepp-logan, cosine or hann")
      ("iterations", po::value<std::string>()->value_name("K"),
       ("cgls: iterations (default " + std::to_string(cgls.iterations) + "); cg-sense: CG iterations (default " +
        std::to_string(CgSenseConfig{}.iterations) + "); admm-tv: outer iterations, at most (default CT " +
        std::to_string(admm.iterations) + ", MRI " + std::to_string(MriAdmmTvConfig{}.iterations) +
        "); primal-dual-tv: at most (default " + std::to_string(PrimalDualTvConfig{}.iterations) +
        "); cs-wavelet: FISTA iterations, at most (default " + std::to_string(CsWaveletConfig{}.iterations) +
        ")").c_str())
      ("cg-tolerance", po::value<std::string>()->value_name("T"),
       ("MRI admm-tv: CG stops at a residual of T times the right-hand side (default " +
        number(MriAdmmTvConfig{}.cg_tolerance) + ")").c_str())
      ("wavelet", po::value<std::string>()->value_name("W"),
       "cs-wavelet: the Daubechies wavelet db1 (Haar), db2 (BART's, the default), db3 or db4")
      ("random-shifts", po::value<std::string>()->value_name("on|off"),
       "cs-wavelet: random cyclic shifts of the wavelet grid at every iteration (default on)")
      ("cg-iterations", po::value<std::string>()->value_name("K"),
       ("admm-tv: CG iterations per x-update (default " + std::to_string(admm.cg_iterations) +
        "); dds: CG iterations per step (default " + std::to_string(dds.cg_iterations) +
        "); diffusion-mbir: CG iterations per step (default " + std::to_string(mbir.cg_iterations) + ")").c_str())
      ("lambda", po::value<std::string>()->value_name("L"),
       ("admm-tv: TV weight for an image scaled to [0, 1] (CT default " + number(admm.lambda) +
        ", MRI default " + number(MriAdmmTvConfig{}.lambda) +
        "); cs-wavelet: wavelet l1 weight for an image scaled to [0, 1] (default " +
        number(CsWaveletConfig{}.lambda) +
        "); dds, diffusion-mbir: TV-z weight in the official units (CT default " + number(dds.lambda) + ", MRI " +
        number(dds_mri.lambda) + "); cg-sense: Tikhonov weight (default 0); primal-dual-tv: TV weight for an image "
        "scaled to [0, 1] and a projector of unit norm (default " + number(PrimalDualTvConfig{}.lambda) + ")").c_str())
      ("rho", po::value<std::string>()->value_name("R"),
       ("admm-tv: ADMM penalty in the official code's units (default " + std::to_string(admm.rho).substr(0, 5) +
        "); dds, diffusion-mbir: CT default " + number(dds.rho) + ", MRI " + number(dds_mri.rho)).c_str())
      ("tv", po::value<std::string>()->value_name("DIRS"),
       "admm-tv, primal-dual-tv: TV along xyz (3D, the CT default), xy (in-plane, the MRI default) or z (along z only)")
      ("tv-norm", po::value<std::string>()->value_name("N"),
       "admm-tv, primal-dual-tv: isotropic (the voxel's gradient magnitude; the default of primal-dual-tv and "
       "MRI admm-tv, as BART's pics -R T) or anisotropic (the sum of absolute differences; CT admm-tv's default)")
      ("tolerance", po::value<std::string>()->value_name("T"),
       ("admm-tv: stop once ADMM's relative primal and dual residuals are below T (CT default " +
        number(admm.tolerance) + ", MRI " + number(MriAdmmTvConfig{}.tolerance) + "; 0 runs all iterations" +
        "); primal-dual-tv: stop once the relative change of the image is below T (default " +
        number(PrimalDualTvConfig{}.tolerance) + "); cs-wavelet: the same for the averaged image (default " +
        number(CsWaveletConfig{}.tolerance) + ")").c_str())
      ("primal-step", po::value<std::string>()->value_name("TAU"),
       ("primal-dual-tv: the primal step size for an image in [0, 1] (default " +
        number(PrimalDualTvConfig{}.primal_step) + "; the dual steps follow from it)").c_str())
      ("positivity", po::value<std::string>()->value_name("on|off"),
       "CT cgls, admm-tv, primal-dual-tv: keep the attenuation non-negative (on, the default) or not (off)")
      ("no-positivity", po::bool_switch(), "the same as --positivity off")
      ("field-of-view", po::value<std::string>()->value_name("F"),
       "CT: measured (the default: voxels outside the disc every view sees are set to zero, and the log says so) "
       "or full (reconstruct the whole slice, also where the data do not determine it)")
      ("steps", po::value<std::string>()->value_name("N"),
       ("dds: sampling steps (default " + std::to_string(dds.steps) + "); diffusion-mbir: noise levels (default " +
        std::to_string(mbir.steps) + "; fewer is faster and worse); tpdm: noise levels (default " +
        std::to_string(tpdm_ct.steps) + ")").c_str())
      ("eta", po::value<std::string>()->value_name("E"), "dds: stochasticity of the DDIM step in [0, 1] (default 0.85)")
      ("consistency", po::value<std::string>()->value_name("C"),
       "dds: admm-tv-z (one ADMM-TV-z iteration per step, the CT default), cg (CG on the normal equations, the "
       "MRI default) or "
       "cg-regularized (CG on (I + gamma AᴴA) x = x0 + gamma Aᴴy, for noisy data)")
      ("gamma", po::value<std::string>()->value_name("G"),
       ("dds cg-regularized: data weight in the official units (default " + number(dds.gamma) + ")").c_str())
      ("intensity-scale", po::value<std::string>()->value_name("MU"),
       "dds, diffusion-mbir, tpdm: the value the prior's intensity 1 stands for (CT: attenuation in 1/mm; default: "
       "the 99.9th percentile of the FBP, zero-filled or thick-slice image)")
      ("alternation", po::value<std::string>()->value_name("K"),
       ("tpdm: K - 1 primary steps then one auxiliary (integer K), an auxiliary step with probability 1/K (other "
        "K > 1), or inf (primary only); default CT " + number(tpdm_ct.alternation) + ", MRI and z-SR " +
        number(tpdm_mri.alternation)).c_str())
      ("dps-weight", po::value<std::string>()->value_name("W"),
       ("tpdm: weight of the DPS data step in the official units (default CT " + number(tpdm_ct.dps_weight) +
        ", MRI " + number(tpdm_mri.dps_weight) + ", z-SR f - 1)").c_str())
      ("aux-prior", po::value<std::string>()->value_name("MODEL.h5"),
       "tpdm: the prior on the perpendicular plane, without data consistency (default: the shipped Colin27 "
       "coronal prior; for z-SR the axial one, the coronal being primary)")
      ("aux-plane", po::value<std::string>()->value_name("P"), "tpdm: plane of the auxiliary prior (default: the model's)")
      ("lora-rank", po::value<std::string>()->value_name("R"),
       ("ddip: rank of the LoRA adapters (default " + std::to_string(ddip_ct.lora.rank) + ")").c_str())
      ("adapt-steps", po::value<std::string>()->value_name("K"),
       ("ddip: optimiser steps per sampling step (default CT " + std::to_string(ddip_ct.adapt_steps) + ", MRI " +
        std::to_string(ddip_mri.adapt_steps) + "; 0: plain DDS)").c_str())
      ("adapt-slices", po::value<std::string>()->value_name("M"),
       ("ddip: random slices per optimiser step (default " + std::to_string(ddip_ct.adapt_slices) + ")").c_str())
      ("learning-rate", po::value<std::string>()->value_name("LR"),
       ("ddip: AdamW learning rate (default " + number(ddip_ct.learning_rate) + ")").c_str())
      ("adapt-t-min", po::value<std::string>()->value_name("T"),
       ("ddip: adapt at the sampling steps whose t (0..999) is >= T (default " +
        std::to_string(ddip_ct.adapt_t_min) + ")").c_str())
      ("adapt-t-max", po::value<std::string>()->value_name("T"),
       ("ddip: adapt at the sampling steps whose t is <= T (default " + std::to_string(ddip_ct.adapt_t_max) + ")").c_str())
      ("save-adapted", po::value<std::string>()->value_name("MODEL.h5"),
       "ddip: write the adapted prior (LoRA merged into its weights) as a model file, for --prior of later runs")
      ("kind", po::value<std::string>()->value_name("K"),
       "z-SR interpolate: cubic (Catmull-Rom, the default), linear or nearest (repeats each thick slice)")
      ("qa", po::value<std::string>()->value_name("FILE.json"),
       "write quality checks: data consistency |Ax - y|/|y|, difference to the classical reconstruction, time, "
       "peak memory, model hashes, metrics against --reference")
      ("reference", po::value<std::string>()->value_name("VOLUME"),
       "a reference volume: PSNR/SSIM of the result against it (printed, and in --qa and --preview)")
      ("preview", po::value<std::string>()->value_name("FILE.png"),
       "a PNG of the central axial, coronal and sagittal slices: rows result, classical reconstruction, "
       "reference, standard deviation")
      ("samples", po::value<int>()->default_value(1)->value_name("N"),
       "diffusion methods: N posterior samples (seeds seed, seed+1, ...); --output gets their mean")
      ("std-output", po::value<std::string>()->value_name("VOLUME"),
       "with --samples N >= 2: write the per-voxel standard deviation of the samples")
      ("reference-dicom", po::value<std::string>()->value_name("DIR"),
       "a DICOM series of the patient: --dicom-output's series joins its study and frame of reference "
       "(SourceImageSequence and ReferencedSeriesSequence name it)")
      ("dicom-output", po::value<std::string>()->value_name("DIR"),
       "also write the result as a derived DICOM series of --reference-dicom's study, or of the input's when "
       "the input is a DICOM series")
      ("slice-factor", po::value<int64_t>()->value_name("F"),
       "the input is a volume of thick slices (NIfTI, MetaImage, NRRD or a DICOM series directory), each the "
       "mean of F thin ones: reconstruct the thin slices (z-SR; methods interpolate, tpdm)");
  // clang-format on
  add_prior_options(options, /*required=*/false);
}

int run_reconstruct(const Context& context) {
  const auto& vm = context.options;
  const std::string input = vm["input"].as<std::string>(), output = vm["output"].as<std::string>();
  for (const char* option : {"output", "std-output", "qa", "preview", "dicom-output", "save-adapted"})
    if (vm.count(option)) require_output_folder(vm[option].as<std::string>(), std::string("--") + option);
  const bool dicom_input = std::filesystem::is_directory(input);
  const Measurement m = load_input(input, vm);
  const bool ct = m.modality == Modality::kCt;
  const std::string method =
      vm.count("method") ? vm["method"].as<std::string>() : default_reconstruction_method(m.modality);
  ReconstructionRequest request;
  LoadedPrior loaded;
  std::vector<std::string> model_files;
  request.measurement = &m;
  request.device = context.device;
  request.seed = context.seed;
  for (const char* name : kSettingOptions)
    if (vm.count(name)) request.settings[name] = vm[name].as<std::string>();
  if (vm["no-positivity"].as<bool>()) {
    if (vm.count("positivity")) throw UsageError("--no-positivity and --positivity: give one of them");
    request.settings["positivity"] = "off";
  }
  try {
    const ReconstructionMethod& found = find_reconstruction_method(method, m.modality);
    // z-SR: the coronal prior sees z and takes the data, as in the official z-SR.
    const bool zsr = m.modality == Modality::kZsr;
    if (vm.count("save-adapted") && method != "ddip")
      throw UsageError("--save-adapted applies to --method ddip");
    for (const char* option : {"aux-prior", "aux-plane"})
      if (vm.count(option) && !found.needs_auxiliary_prior)
        throw UsageError(std::string("--") + option + " applies to --method tpdm");
    if (found.needs_prior) {
      loaded = load_prior(context, zsr ? kShippedCoronalPriorFile : kDefaultPriorFile);
      request.prior = std::make_shared<SlicePrior>(make_slice_prior(context, loaded, false));
      model_files.push_back(loaded.path);
    }
    request.keep_adapted_prior = vm.count("save-adapted") > 0;
    if (found.needs_auxiliary_prior) {
      const LoadedPrior auxiliary =
          load_prior(context, zsr ? kDefaultPriorFile : kShippedCoronalPriorFile, "aux-prior");
      request.auxiliary_prior =
          std::make_shared<SlicePrior>(make_slice_prior(context, auxiliary, false, "aux-plane"));
      model_files.push_back(auxiliary.path);
    }
  } catch (const SettingError& e) {
    throw UsageError(e.what());
  }
  if (vm.count("reference-dicom") && !vm.count("dicom-output"))
    throw UsageError("--reference-dicom needs --dicom-output DIR");
  if (vm.count("dicom-output") && !vm.count("reference-dicom") && !dicom_input)
    throw UsageError("--dicom-output needs --reference-dicom DIR (or a DICOM series as --input)");
  // A DICOM input is the study the derived series joins, unless another is named.
  const std::string reference_dicom = vm.count("reference-dicom") ? vm["reference-dicom"].as<std::string>()
                                      : dicom_input               ? input
                                                                  : "";
  const std::string reference_file = vm.count("reference") ? vm["reference"].as<std::string>() : "";
  const std::optional<Volume> reference = read_reference(reference_file, m);
  const int samples = vm["samples"].as<int>();
  if (samples < 1) throw UsageError("--samples must be >= 1");
  if (vm.count("std-output") && samples < 2) throw UsageError("--std-output needs --samples 2 or more");
  if (samples > 1 && vm.count("save-adapted"))
    throw UsageError("--save-adapted takes one sample (--samples 1)");
  Log(LogLevel::kInfo) << "reconstruct: " << input << " (" << to_string(m.modality) << "), method " << method
                       << " on " << context.device
                       << (samples > 1 ? ", " + std::to_string(samples) + " posterior samples" : "");
  const auto start = std::chrono::steady_clock::now();
  SamplerReport report;
  std::optional<Volume> standard_deviation;
  const Volume volume = [&] {
    try {
      if (samples == 1) return reconstruct(request, method, &report);
      PosteriorSamples posterior = posterior_samples(request, method, samples, &report);
      standard_deviation = std::move(posterior.standard_deviation);
      return std::move(posterior.mean);
    } catch (const SettingError& e) {
      throw UsageError(e.what());
    }
  }();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  VolumeWriteOptions write;
  write.dicom.modality = ct ? "CT" : "MR";
  write.dicom.series_description = "diffrecon " + method;
  write.dicom.derivation_description = "reconstructed by diffrecon " DIFFRECON_VERSION " (" + method +
                                       (model_files.empty() ? "" : ", prior " + model_files[0]) + ") from " +
                                       input;
  write_volume(volume.to(torch::kCPU), output, write);
  if (vm.count("dicom-output")) {
    VolumeWriteOptions dicom = write;
    dicom.format = VolumeFormat::kDicom;
    dicom.dicom.reference_series = reference_dicom;
    write_volume(volume.to(torch::kCPU), vm["dicom-output"].as<std::string>(), dicom);
  }
  if (vm.count("std-output")) {
    VolumeWriteOptions std_write = write;
    std_write.dicom.series_description = "diffrecon " + method + " posterior std";
    write_volume(standard_deviation->to(torch::kCPU), vm["std-output"].as<std::string>(), std_write);
  }
  if (vm.count("save-adapted")) {
    PriorModel adapted = loaded.model;
    adapted.parameters = report.adapted_parameters;
    adapted.training_data += "; adapted by DDIP to " + input;
    adapted.training_command = context.command_line;
    write_prior(adapted, vm["save-adapted"].as<std::string>());
    context.out << "wrote the adapted prior to " << vm["save-adapted"].as<std::string>() << "\n";
  }
  if (is_fastmri_file(input)) report_against_fastmri_reference(input, volume, context.out);

  // The classical reconstruction: what the data alone give, for the QA and the preview.
  const std::string classical_method = default_reconstruction_method(m.modality);
  std::optional<Volume> classical;
  if ((vm.count("qa") || vm.count("preview")) && method != classical_method) {
    ReconstructionRequest baseline;
    baseline.measurement = &m;
    baseline.device = context.device;
    classical = reconstruct(baseline, classical_method);
  }
  if (vm.count("qa")) {
    QualityInputs quality;
    quality.measurement = &m;
    quality.input = input;
    quality.method = method;
    quality.result = &volume;
    quality.classical_method = classical_method;
    quality.classical = classical ? &*classical : &volume;
    quality.reference = reference ? &*reference : nullptr;
    quality.reference_file = reference_file;
    quality.standard_deviation = standard_deviation ? &*standard_deviation : nullptr;
    quality.samples = samples;
    quality.report = report;
    quality.seconds = seconds;
    quality.model_files = model_files;
    quality.device = context.device;
    quality.seed = context.seed;
    if (vm.count("field-of-view")) quality.field_of_view = vm["field-of-view"].as<std::string>();
    write_text_atomically(vm["qa"].as<std::string>(), quality_report(quality).dump(2) + "\n");
  }
  if (vm.count("preview")) {
    // Rows: the result, the classical reconstruction, the reference, the standard deviation (scaled to
    // the others' grey range at its own maximum).
    const double high = percentile((reference ? *reference : volume).data().to(torch::kCPU).abs(), 99.9);
    std::vector<torch::Tensor> rows{volume.data(), (classical ? *classical : volume).data()};
    if (reference) rows.push_back(reference->data());
    if (standard_deviation) {
      const double peak = standard_deviation->data().max().item<double>();
      rows.push_back(standard_deviation->data() * (peak > 0 ? high / peak : 0.0));
    }
    write_preview(rows, 0, high > 0 ? high : 1, vm["preview"].as<std::string>());
  }
  if (reference)
    context.out << std::fixed << std::setprecision(2) << "against " << reference_file << ": PSNR "
                << psnr(reference->data(), volume.data().to(reference->data().device())) << " dB\n";
  context.out << std::fixed << std::setprecision(1) << method << ": " << volume.nx() << "x" << volume.ny()
              << "x" << volume.nz() << " voxels in " << seconds << " s";
  if (report.network_evaluations > 0)
    context.out << " (network " << report.network_seconds << " s, " << report.network_evaluations << " NFE)";
  context.out << "; wrote " << output << "\n";
  return 0;
}

}  // namespace diffrecon::cli
