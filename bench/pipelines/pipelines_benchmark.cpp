// The pipelines issues' table: every method on the held-out Colin27 slab (Debian's mricron-data), for
// 8-view parallel-beam CT, ×8 2D Poisson-disc 8-coil MRI and ×4 MR z-super-resolution (thick slices),
// as a Markdown table: PSNR and SSIM per plane (and their mean over the planes), wall time, network
// time, time outside the network, NFE per slice and the peak resident memory of the method (for TPDM
// including the DPS backward passes).
//
//   diffrecon_pipelines_benchmark ct|mri|zsr MODEL.h5 [--aux-prior MODEL.h5] [--slices N]
//       [--methods classical,dds,diffusion-mbir,tpdm,ddip|none] [--mbir-steps N ...] [--tpdm-steps N ...]
//       [--seed K] [--ddip KEY=VALUE,... ...] [--part test|training] [--views N]
//
// MODEL.h5 is the prior with data consistency (TPDM's primary); --aux-prior TPDM's auxiliary one.
// --mbir-steps and --tpdm-steps list the runs (default 100 each; the official 2000 take hours on a CPU).
// z-SR runs the z interpolations and TPDM only. The out-of-distribution row is this benchmark with the
// ellipse-phantom prior as MODEL.h5 (--methods dds,ddip).
// --ddip adds a DDIP row per argument with those settings (e.g. lora-rank=2,adapt-t-min=500), after a DDS
// row with DDIP's consistency (`--methods none` runs only these). --part training runs on the central
// slices of Colin27's training part instead: the place to choose settings, since the held-out slab is
// never used for tuning. --views sets the CT view count (default 8; the official DDIP CT runs use 60).

#include <cstdio>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/memory.h"
#include "core/metrics.h"
#include "core/stopwatch.h"
#include "core/threading.h"
#include "data/io/colin27.h"
#include "data/io/prior_file.h"
#include "pipelines/ct/ct_problem.h"
#include "pipelines/ct/simulate_ct.h"
#include "pipelines/mri/simulate_mri.h"
#include "pipelines/reconstruction_methods.h"
#include "pipelines/zsr/zsr_problem.h"

namespace diffrecon {
namespace {

constexpr double kWaterAttenuation = 0.02;  // 1/mm, as the demo

struct Run {
  std::string label;
  std::string method;
  MethodSettings settings;
};

const std::set<std::string> kMethodGroups{"classical", "dds", "diffusion-mbir", "tpdm", "ddip"};

struct Options {
  std::string modality;
  std::string model, aux_model;
  int64_t slices = 0;
  int views = 8;  // CT
  std::set<std::string> methods = kMethodGroups;
  std::vector<int> mbir_steps{100}, tpdm_steps{100};
  std::vector<MethodSettings> ddip_variants;
  Colin27Part part = Colin27Part::kTest;
  uint64_t seed = 1;
};

// "key=value,key=value" → settings.
MethodSettings parse_settings(const std::string& text) {
  MethodSettings settings;
  std::istringstream list(text);
  for (std::string item; std::getline(list, item, ',');) {
    const auto equals = item.find('=');
    if (equals == std::string::npos || equals == 0)
      throw std::invalid_argument("--ddip: expected KEY=VALUE, got " + item);
    settings[item.substr(0, equals)] = item.substr(equals + 1);
  }
  return settings;
}

std::string describe(const MethodSettings& settings) {
  std::string text;
  for (const auto& [key, value] : settings) text += (text.empty() ? "" : ", ") + key + " " + value;
  return text;
}

std::shared_ptr<SlicePrior> load_slice_prior(const std::string& path) {
  const PriorModel model = read_prior(path);
  SlicePriorOptions options;
  options.plane = model.plane;
  options.image_size = model.image_size;
  return std::make_shared<SlicePrior>(make_denoiser(model), options);
}

int benchmark(const Options& o) {
  const bool ct = o.modality == "ct", zsr = o.modality == "zsr";
  Volume truth = central_slices(colin27(o.part), o.slices);
  const uint64_t seed = o.seed;
  Measurement m;
  if (zsr) {
    m = simulate_zsr(truth, 4, {}, seed);
  } else if (ct) {
    truth = Volume(truth.data() * kWaterAttenuation, truth.geometry());
    CtScan scan;
    scan.angles = sparse_view_angles(o.views);
    m = simulate_ct(truth, scan, {}, seed);
  } else {
    MriScan scan;
    scan.coils = 8;
    scan.mask.kind = MaskKind::kPoisson2d;
    scan.mask.acceleration = 8;
    m = simulate_mri(truth, scan, {}, seed);
  }
  const auto prior = load_slice_prior(o.model);
  const auto aux_prior = o.aux_model.empty() ? nullptr : load_slice_prior(o.aux_model);
  const auto wanted = [&](const char* group) { return o.methods.count(group) > 0; };

  std::vector<Run> runs;
  if (wanted("classical")) {
    if (zsr) {
      for (const char* kind : {"nearest", "linear", "cubic"})
        runs.push_back({std::string(kind) + " interpolation", "interpolate", {{"kind", kind}}});
    } else {
      runs.push_back(ct ? Run{"FBP", "fbp", {}} : Run{"zero-filled", "zero-filled", {}});
      if (!ct) runs.push_back({"CG-SENSE", "cg-sense", {}});
      runs.push_back({"ADMM-TV", "admm-tv", {}});
      runs.push_back(ct ? Run{"primal-dual TV", "primal-dual-tv", {}} : Run{"l1-wavelet", "cs-wavelet", {}});
    }
  }
  if (!zsr && wanted("dds")) runs.push_back({"DDS (50 steps)", "dds", {}});
  if (!zsr && wanted("diffusion-mbir"))
    for (const int steps : o.mbir_steps)
      runs.push_back({"DiffusionMBIR (" + std::to_string(steps) + " steps)",
                      "diffusion-mbir",
                      {{"steps", std::to_string(steps)}}});
  // DDIP's default consistency is CG (the official D3IP); DDS with CG beside it isolates the adaptation.
  if (!zsr && ct && (wanted("ddip") || !o.ddip_variants.empty()))
    runs.push_back({"DDS (50 steps, cg)", "dds", {{"consistency", "cg"}}});
  if (!zsr && wanted("ddip")) {
    runs.push_back({"DDIP (50 steps, cg)", "ddip", {}});
    if (ct)
      runs.push_back({"DDIP+MBIR (50 steps, admm-tv-z)",
                      "ddip",
                      {{"consistency", "admm-tv-z"}, {"rho", "0.5"}, {"lambda", "0.01"}}});
  }
  if (!zsr)
    for (const auto& variant : o.ddip_variants)
      runs.push_back({"DDIP (50 steps, " + describe(variant) + ")", "ddip", variant});
  if (wanted("tpdm")) {
    if (!aux_prior) throw std::invalid_argument("TPDM needs --aux-prior (or leave tpdm out of --methods)");
    for (const int steps : o.tpdm_steps)
      runs.push_back(
          {"TPDM (" + std::to_string(steps) + " steps)", "tpdm", {{"steps", std::to_string(steps)}}});
  }

  const std::string problem = zsr  ? "x4 MR z-super-resolution (thick slices)"
                              : ct ? std::to_string(o.views) + "-view parallel-beam CT"
                                   : "x8 2D Poisson-disc, 8-coil MRI";
  std::printf(
      "%s on the %s, %lldx%lldx%lld, %d threads\n\n", problem.c_str(),
      o.part == Colin27Part::kTest ? "held-out Colin27 slab" : "Colin27 training part (central slices)",
      static_cast<long long>(truth.nx()), static_cast<long long>(truth.ny()),
      static_cast<long long>(truth.nz()), thread_count());
  std::printf(
      "| method | PSNR axial | coronal | sagittal | mean | SSIM axial | coronal | sagittal | wall [s] | "
      "network [s] | of which adaptation [s] | other [s] | NFE | peak memory [MiB] |\n"
      "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (const auto& run : runs) {
    ReconstructionRequest request;
    request.measurement = &m;
    request.settings = run.settings;
    request.seed = seed;
    request.prior = prior;
    request.auxiliary_prior = aux_prior;
    SamplerReport report;
    release_freed_memory();
    reset_peak_resident_memory();
    const Stopwatch stopwatch;
    const Volume x = reconstruct(request, run.method, &report);
    const double wall = stopwatch.seconds();
    const double peak = peak_resident_memory_mib();
    PlaneMetrics p[3];
    const Plane planes[] = {Plane::kAxial, Plane::kCoronal, Plane::kSagittal};
    for (int k = 0; k < 3; ++k) p[k] = plane_metrics(truth.data(), x.data(), planes[k]);
    std::printf(
        "| %s | %.2f | %.2f | %.2f | **%.2f** | %.3f | %.3f | %.3f | %.1f | %.1f | %.1f | %.1f | %lld | %.0f "
        "|\n",
        run.label.c_str(), p[0].psnr, p[1].psnr, p[2].psnr, (p[0].psnr + p[1].psnr + p[2].psnr) / 3,
        p[0].ssim, p[1].ssim, p[2].ssim, wall, report.network_seconds, report.adaptation_seconds,
        wall - report.network_seconds, static_cast<long long>(report.network_evaluations), peak);
    std::fflush(stdout);
  }
  return 0;
}

std::vector<int> integers(const std::vector<std::string>& a, size_t& i) {
  std::vector<int> values;
  while (i + 1 < a.size() && a[i + 1].rfind("--", 0) != 0) values.push_back(std::stoi(a[++i]));
  return values;
}

}  // namespace
}  // namespace diffrecon

int main(int argc, char** argv) {
  using namespace diffrecon;
  retain_freed_memory();
  set_thread_count(0);
  const std::vector<std::string> a(argv + 1, argv + argc);
  if (a.size() < 2 || (a[0] != "ct" && a[0] != "mri" && a[0] != "zsr")) {
    std::cerr
        << "usage: diffrecon_pipelines_benchmark ct|mri|zsr MODEL.h5 [--aux-prior MODEL.h5] [--slices N] "
           "[--methods classical,dds,diffusion-mbir,tpdm,ddip|none] [--mbir-steps N ...] "
           "[--tpdm-steps N ...] [--seed K] [--ddip KEY=VALUE,... ...] [--part test|training] [--views N]\n";
    return 2;
  }
  try {
    Options o;
    o.modality = a[0];
    o.model = a[1];
    bool methods_given = false;
    for (size_t i = 2; i < a.size(); ++i) {
      if (a[i] == "--views" && i + 1 < a.size()) {
        o.views = std::stoi(a[++i]);
        if (o.views < 1) throw std::invalid_argument("--views: expected a positive count");
      } else if (a[i] == "--slices" && i + 1 < a.size()) {
        o.slices = std::stoll(a[++i]);
      } else if (a[i] == "--seed" && i + 1 < a.size()) {
        o.seed = std::stoull(a[++i]);
      } else if (a[i] == "--aux-prior" && i + 1 < a.size()) {
        o.aux_model = a[++i];
      } else if (a[i] == "--methods" && i + 1 < a.size()) {
        methods_given = true;
        o.methods.clear();
        std::istringstream list(a[++i]);
        for (std::string name; std::getline(list, name, ',');) {
          if (name == "none") continue;  // only the --ddip rows
          if (!kMethodGroups.count(name))
            throw std::invalid_argument("--methods: unknown method group " + name);
          o.methods.insert(name);
        }
      } else if (a[i] == "--mbir-steps") {
        o.mbir_steps = integers(a, i);
      } else if (a[i] == "--tpdm-steps") {
        o.tpdm_steps = integers(a, i);
      } else if (a[i] == "--ddip" && i + 1 < a.size()) {
        o.ddip_variants.push_back(parse_settings(a[++i]));
      } else if (a[i] == "--part" && i + 1 < a.size()) {
        o.part = parse_colin27_part(a[++i]);
        if (o.part != Colin27Part::kTest && o.part != Colin27Part::kTraining)
          throw std::invalid_argument("--part: expected test or training");
      } else {
        throw std::invalid_argument("unknown argument " + a[i]);
      }
    }
    if (o.aux_model.empty() && !methods_given) o.methods.erase("tpdm");
    return benchmark(o);
  } catch (const std::exception& e) {
    std::cerr << "diffrecon_pipelines_benchmark: " << e.what() << "\n";
    return 1;
  }
}
