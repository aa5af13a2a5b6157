#include "pipelines/reconstruction_methods.h"

#include <cmath>
#include <limits>

#include "core/error.h"
#include "pipelines/ct/classical_ct.h"
#include "pipelines/ddip.h"
#include "pipelines/dds_reconstruction.h"
#include "pipelines/diffusion_mbir.h"
#include "pipelines/diffusion_problem.h"
#include "pipelines/mri/classical_mri.h"
#include "pipelines/tpdm.h"
#include "pipelines/zsr/classical_zsr.h"
#include "pipelines/zsr/zsr_problem.h"

namespace diffrecon {
namespace {

// Parsers for enumerated settings, turning the library's InvalidArgument into a SettingError.
template <typename Parse>
auto parsed(const char* method, const char* name, const std::string& text, Parse parse) {
  try {
    return parse(text);
  } catch (const InvalidArgument& e) {
    throw SettingError(std::string(method) + ": " + name + ": " + e.what());
  }
}

CtConstraints ct_constraints(SettingsReader& s, const char* method, bool with_positivity = true) {
  CtConstraints constraints;
  if (with_positivity) constraints.positivity = s.on_off("positivity", constraints.positivity);
  constraints.field_of_view =
      parsed(method, "field-of-view", s.text("field-of-view", to_string(constraints.field_of_view)), parse_field_of_view);
  return constraints;
}

TvNorm tv_norm(SettingsReader& s, const char* method, TvNorm fallback) {
  return parsed(method, "tv-norm", s.text("tv-norm", to_string(fallback)), parse_tv_norm);
}

Volume ct_fbp(const ReconstructionRequest& r, SamplerReport*) {
  SettingsReader s("fbp", r.settings);
  FbpConfig config;
  config.window = parsed("fbp", "filter", s.text("filter", "ram-lak"), parse_ramp_window);
  config.field_of_view = ct_constraints(s, "fbp", false).field_of_view;
  s.finish();
  return fbp_reconstruction(*r.measurement, config, r.device);
}

Volume ct_cgls(const ReconstructionRequest& r, SamplerReport*) {
  SettingsReader s("cgls", r.settings);
  CglsConfig config;
  config.iterations = s.positive_integer("iterations", config.iterations);
  config.constraints = ct_constraints(s, "cgls");
  s.finish();
  return cgls_reconstruction(*r.measurement, config, r.device);
}

Volume ct_admm_tv(const ReconstructionRequest& r, SamplerReport*) {
  SettingsReader s("admm-tv", r.settings);
  AdmmTvConfig config;
  config.lambda = s.non_negative_number("lambda", config.lambda);
  config.rho = s.positive_number("rho", config.rho);
  config.iterations = s.positive_integer("iterations", config.iterations);
  config.cg_iterations = s.positive_integer("cg-iterations", config.cg_iterations);
  config.tolerance = s.non_negative_number("tolerance", config.tolerance);
  config.directions = parsed("admm-tv", "tv", s.text("tv", "xyz"), parse_tv_directions);
  config.norm = tv_norm(s, "admm-tv", config.norm);
  config.constraints = ct_constraints(s, "admm-tv");
  s.finish();
  return admm_tv_reconstruction(*r.measurement, config, r.device);
}

Volume ct_primal_dual_tv(const ReconstructionRequest& r, SamplerReport*) {
  SettingsReader s("primal-dual-tv", r.settings);
  PrimalDualTvConfig config;
  config.lambda = s.non_negative_number("lambda", config.lambda);
  config.iterations = s.positive_integer("iterations", config.iterations);
  config.tolerance = s.non_negative_number("tolerance", config.tolerance);
  config.primal_step = s.positive_number("primal-step", config.primal_step);
  config.directions = parsed("primal-dual-tv", "tv", s.text("tv", "xyz"), parse_tv_directions);
  config.norm = tv_norm(s, "primal-dual-tv", config.norm);
  config.constraints = ct_constraints(s, "primal-dual-tv");
  s.finish();
  return primal_dual_tv_reconstruction(*r.measurement, config, r.device);
}

CoilMapSource coil_maps(SettingsReader& s, const char* method) {
  return parsed(method, "coil-maps", s.text("coil-maps", "auto"), parse_coil_map_source);
}

// The settings of a diffusion problem: intensity-scale and, for MRI, coil-maps.
struct ProblemSettings {
  double intensity_scale;
  CoilMapSource maps;
  FieldOfView field_of_view;
};

ProblemSettings problem_settings(const ReconstructionRequest& r, SettingsReader& s, const char* method) {
  const double scale = s.non_negative_number("intensity-scale", 0);
  const Modality modality = r.measurement->modality;
  return {scale, modality == Modality::kMri ? coil_maps(s, method) : CoilMapSource::kAuto,
          modality == Modality::kCt ? ct_constraints(s, method, false).field_of_view : FieldOfView::kMeasured};
}

DiffusionProblem diffusion_problem(const ReconstructionRequest& r, const ProblemSettings& settings) {
  if (r.measurement->modality == Modality::kCt)
    return ct_diffusion_problem(*r.measurement, r.device, settings.intensity_scale, settings.field_of_view);
  if (r.measurement->modality == Modality::kZsr)
    return zsr_diffusion_problem(*r.measurement, r.device, settings.intensity_scale);
  return mri_diffusion_problem(*r.measurement, r.device, r.prior->denoiser().channels() == 2, settings.maps,
                               settings.intensity_scale);
}

void read_dds_settings(SettingsReader& s, const char* method, DdsConfig& config) {
  config.steps = s.positive_integer("steps", config.steps);
  config.eta = s.number_in("eta", config.eta, 0, 1);
  config.lambda = s.non_negative_number("lambda", config.lambda);
  config.rho = s.positive_number("rho", config.rho);
  config.gamma = s.positive_number("gamma", config.gamma);
  config.cg_iterations = s.positive_integer("cg-iterations", config.cg_iterations);
  config.consistency = parsed(method, "consistency", s.text("consistency", to_string(config.consistency)),
                              parse_dds_consistency);
}

Volume dds(const ReconstructionRequest& r, SamplerReport* report) {
  SettingsReader s("dds", r.settings);
  DdsConfig config = dds_defaults(r.measurement->modality);
  read_dds_settings(s, "dds", config);
  const ProblemSettings settings = problem_settings(r, s, "dds");
  s.finish();
  const DiffusionProblem problem = diffusion_problem(r, settings);
  return diffusion_output(problem, dds_reconstruction(problem, *r.prior, config, r.device, r.seed, report),
                          *r.measurement);
}

Volume diffusion_mbir(const ReconstructionRequest& r, SamplerReport* report) {
  SettingsReader s("diffusion-mbir", r.settings);
  DiffusionMbirConfig config = diffusion_mbir_defaults(r.measurement->modality);
  config.steps = s.positive_integer("steps", config.steps);
  if (config.steps < 2) throw SettingError("diffusion-mbir: steps: expected at least 2");
  config.lambda = s.non_negative_number("lambda", config.lambda);
  config.rho = s.positive_number("rho", config.rho);
  config.cg_iterations = s.positive_integer("cg-iterations", config.cg_iterations);
  const ProblemSettings settings = problem_settings(r, s, "diffusion-mbir");
  s.finish();
  const DiffusionProblem problem = diffusion_problem(r, settings);
  return diffusion_output(problem,
                          diffusion_mbir_reconstruction(problem, *r.prior, config, r.device, r.seed, report),
                          *r.measurement);
}

Volume ddip(const ReconstructionRequest& r, SamplerReport* report) {
  SettingsReader s("ddip", r.settings);
  DdipConfig config = ddip_defaults(r.measurement->modality);
  read_dds_settings(s, "ddip", config.dds);
  config.lora.rank = s.positive_integer("lora-rank", static_cast<int>(config.lora.rank));
  config.adapt_steps = s.integer("adapt-steps", config.adapt_steps);
  if (config.adapt_steps < 0) throw SettingError("ddip: adapt-steps: expected an integer >= 0");
  config.adapt_slices = s.positive_integer("adapt-slices", config.adapt_slices);
  config.learning_rate = s.positive_number("learning-rate", config.learning_rate);
  config.adapt_t_min = s.integer("adapt-t-min", config.adapt_t_min);
  config.adapt_t_max = s.integer("adapt-t-max", config.adapt_t_max);
  if (config.adapt_t_min < 0 || config.adapt_t_min > config.adapt_t_max || config.adapt_t_max > 999)
    throw SettingError("ddip: adapt-t-min and adapt-t-max: expected 0 <= adapt-t-min <= adapt-t-max <= 999");
  const ProblemSettings settings = problem_settings(r, s, "ddip");
  s.finish();
  const DiffusionProblem problem = diffusion_problem(r, settings);
  return diffusion_output(
      problem, ddip_reconstruction(problem, *r.prior, config, r.device, r.seed, report, r.keep_adapted_prior),
      *r.measurement);
}

// K: a number > 1, or "inf" for primary steps only.
double alternation(SettingsReader& s, double fallback) {
  const std::string text = s.text("alternation", "");
  if (text.empty()) return fallback;
  if (text == "inf") return std::numeric_limits<double>::infinity();
  try {
    size_t used = 0;
    const double k = std::stod(text, &used);
    if (used == text.size() && k > 1 && std::isfinite(k)) return k;
  } catch (const std::exception&) {
  }
  throw SettingError("tpdm: alternation: expected a number > 1 or inf, found '" + text + "'");
}

Volume tpdm(const ReconstructionRequest& r, SamplerReport* report) {
  SettingsReader s("tpdm", r.settings);
  const Measurement& m = *r.measurement;
  TpdmConfig config = tpdm_defaults(m.modality, m.modality == Modality::kZsr ? slice_factor(m) : 1);
  config.steps = s.positive_integer("steps", config.steps);
  if (config.steps < 2) throw SettingError("tpdm: steps: expected at least 2");
  config.alternation = alternation(s, config.alternation);
  config.dps_weight = s.non_negative_number("dps-weight", config.dps_weight);
  const ProblemSettings settings = problem_settings(r, s, "tpdm");
  s.finish();
  if (r.prior->options().plane == r.auxiliary_prior->options().plane)
    throw SettingError(std::string("tpdm: both priors lie on the ") + to_string(r.prior->options().plane) +
                       " plane; the auxiliary prior needs a perpendicular one (--aux-plane)");
  const DiffusionProblem problem = diffusion_problem(r, settings);
  return diffusion_output(
      problem, tpdm_reconstruction(problem, *r.prior, *r.auxiliary_prior, config, r.device, r.seed, report),
      m);
}

Volume zsr_interpolate(const ReconstructionRequest& r, SamplerReport*) {
  SettingsReader s("interpolate", r.settings);
  const auto kind = parsed("interpolate", "kind", s.text("kind", "cubic"), parse_z_interpolation);
  s.finish();
  return z_interpolation_reconstruction(*r.measurement, kind, r.device);
}

Volume mri_zero_filled(const ReconstructionRequest& r, SamplerReport*) {
  SettingsReader s("zero-filled", r.settings);
  ZeroFilledConfig config;
  config.maps = coil_maps(s, "zero-filled");
  const std::string combination = s.text("coil-combination", "sense");
  if (combination != "sense" && combination != "rss")
    throw SettingError("zero-filled: coil-combination: expected sense or rss, found '" + combination + "'");
  config.combination = combination == "rss" ? CoilCombination::kRss : CoilCombination::kSense;
  s.finish();
  return zero_filled_reconstruction(*r.measurement, config, r.device);
}

Volume mri_cg_sense(const ReconstructionRequest& r, SamplerReport*) {
  SettingsReader s("cg-sense", r.settings);
  CgSenseConfig config;
  config.maps = coil_maps(s, "cg-sense");
  config.iterations = s.positive_integer("iterations", config.iterations);
  config.lambda = s.non_negative_number("lambda", config.lambda);
  s.finish();
  return cg_sense_reconstruction(*r.measurement, config, r.device);
}

Volume mri_admm_tv(const ReconstructionRequest& r, SamplerReport*) {
  SettingsReader s("admm-tv", r.settings);
  MriAdmmTvConfig config;
  config.maps = coil_maps(s, "admm-tv");
  config.lambda = s.non_negative_number("lambda", config.lambda);
  config.rho = s.positive_number("rho", config.rho);
  config.iterations = s.positive_integer("iterations", config.iterations);
  config.cg_iterations = s.positive_integer("cg-iterations", config.cg_iterations);
  config.tolerance = s.non_negative_number("tolerance", config.tolerance);
  config.cg_tolerance = s.non_negative_number("cg-tolerance", config.cg_tolerance);
  config.directions = parsed("admm-tv", "tv", s.text("tv", "xy"), parse_tv_directions);
  config.norm = tv_norm(s, "admm-tv", config.norm);
  s.finish();
  return mri_admm_tv_reconstruction(*r.measurement, config, r.device);
}

// "db1" (Haar) … "db4": the Daubechies order.
int parse_daubechies(const std::string& name) {
  if (name.size() == 3 && name.compare(0, 2, "db") == 0 && name[2] >= '1' && name[2] <= '4')
    return name[2] - '0';
  throw InvalidArgument("expected db1 (Haar), db2, db3 or db4, found '" + name + "'");
}

Volume mri_cs_wavelet(const ReconstructionRequest& r, SamplerReport*) {
  SettingsReader s("cs-wavelet", r.settings);
  CsWaveletConfig config;
  config.maps = coil_maps(s, "cs-wavelet");
  config.lambda = s.non_negative_number("lambda", config.lambda);
  config.iterations = s.positive_integer("iterations", config.iterations);
  config.tolerance = s.non_negative_number("tolerance", config.tolerance);
  config.vanishing_moments = parsed("cs-wavelet", "wavelet", s.text("wavelet", "db2"), parse_daubechies);
  config.random_shifts = s.on_off("random-shifts", config.random_shifts);
  config.seed = r.seed;
  s.finish();
  return cs_wavelet_reconstruction(*r.measurement, config, r.device);
}

}  // namespace

const std::vector<ReconstructionMethod>& reconstruction_methods() {
  static const std::vector<ReconstructionMethod> kMethods = {
      {"fbp", Modality::kCt, false, false, "filtered back projection [filter field-of-view]", ct_fbp},
      {"cgls", Modality::kCt, false, false,
       "least squares by CGLS, early stopped [iterations positivity field-of-view]", ct_cgls},
      {"admm-tv", Modality::kCt, false, false,
       "ADMM with TV [lambda rho iterations cg-iterations tolerance tv tv-norm positivity field-of-view]",
       ct_admm_tv},
      {"primal-dual-tv", Modality::kCt, false, false,
       "Chambolle-Pock TV [lambda iterations tolerance primal-step tv tv-norm positivity field-of-view]", ct_primal_dual_tv},
      {"dds", Modality::kCt, true, false,
       "decomposed diffusion sampler [steps eta lambda rho gamma cg-iterations consistency intensity-scale "
       "field-of-view]",
       dds},
      {"diffusion-mbir", Modality::kCt, true, false,
       "VE predictor-corrector with ADMM-TV-z [steps lambda rho cg-iterations intensity-scale field-of-view]",
       diffusion_mbir},
      {"zero-filled", Modality::kMri, false, false, "adjoint of the sampling [coil-combination coil-maps]",
       mri_zero_filled},
      {"cg-sense", Modality::kMri, false, false,
       "CG-SENSE with optional Tikhonov weight [iterations lambda coil-maps]", mri_cg_sense},
      {"admm-tv", Modality::kMri, false, false,
       "ADMM with TV, to convergence [lambda rho iterations tolerance cg-iterations cg-tolerance tv tv-norm "
       "coil-maps]",
       mri_admm_tv},
      {"cs-wavelet", Modality::kMri, false, false,
       "l1-wavelet compressed sensing by FISTA with random shifts [lambda iterations tolerance wavelet "
       "coil-maps]",
       mri_cs_wavelet},
      {"dds", Modality::kMri, true, false,
       "decomposed diffusion sampler [steps eta lambda rho gamma cg-iterations consistency intensity-scale "
       "coil-maps]",
       dds},
      {"diffusion-mbir", Modality::kMri, true, false,
       "VE predictor-corrector with ADMM-TV-z [steps lambda rho cg-iterations intensity-scale coil-maps]",
       diffusion_mbir},
      {"ddip", Modality::kCt, true, false,
       "DDS with LoRA test-time adaptation [steps eta lambda rho gamma cg-iterations consistency lora-rank "
       "adapt-steps adapt-slices learning-rate adapt-t-min adapt-t-max intensity-scale field-of-view]",
       ddip},
      {"ddip", Modality::kMri, true, false,
       "DDS with LoRA test-time adaptation [steps eta lambda rho gamma cg-iterations consistency lora-rank "
       "adapt-steps adapt-slices learning-rate adapt-t-min adapt-t-max intensity-scale coil-maps]",
       ddip},
      {"tpdm", Modality::kCt, true, true,
       "two perpendicular priors with DPS [steps alternation dps-weight intensity-scale field-of-view]", tpdm},
      {"tpdm", Modality::kMri, true, true,
       "two perpendicular priors with DPS [steps alternation dps-weight intensity-scale coil-maps]", tpdm},
      {"interpolate", Modality::kZsr, false, false, "interpolation along z between thick slices [kind]",
       zsr_interpolate},
      {"tpdm", Modality::kZsr, true, true,
       "two perpendicular priors with DPS [steps alternation dps-weight intensity-scale]", tpdm},
  };
  return kMethods;
}

const ReconstructionMethod& find_reconstruction_method(const std::string& name, Modality modality) {
  std::string names;
  for (const auto& method : reconstruction_methods()) {
    if (method.modality != modality) continue;
    if (name == method.name) return method;
    names += (names.empty() ? "" : ", ") + std::string(method.name);
  }
  throw SettingError("unknown " + std::string(to_string(modality)) + " method '" + name + "' (expected " +
                     names + ")");
}

const char* default_reconstruction_method(Modality modality) {
  return modality == Modality::kCt ? "fbp" : modality == Modality::kMri ? "zero-filled" : "interpolate";
}

Volume reconstruct(const ReconstructionRequest& request, const std::string& name, SamplerReport* report) {
  if (!request.measurement) throw InvalidArgument("reconstruct: no measurement");
  const ReconstructionMethod& method = find_reconstruction_method(name, request.measurement->modality);
  if (method.needs_prior && !request.prior)
    throw SettingError(std::string(method.name) + " needs a prior (--prior MODEL.h5)");
  if (method.needs_auxiliary_prior && !request.auxiliary_prior)
    throw SettingError(std::string(method.name) + " needs an auxiliary prior (--aux-prior MODEL.h5)");
  return method.run(request, report);
}

}  // namespace diffrecon
