#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/command.h"
#include "cli/invoke.h"
#include "core/device.h"
#include "core/logging.h"
#include "core/metrics.h"
#include "core/progress.h"
#include "data/phantoms/ellipsoid_phantom.h"
#include "data/io/measurement_file.h"
#include "data/io/prior_file.h"
#include "data/io/volume_io.h"
#include "testing/scratch_directory.h"

namespace diffrecon::cli {
namespace {

namespace fs = std::filesystem;

using testing::invoke;

class Cli : public testing::ScratchDirectoryTest {};

// The number in a table row that starts with `label` (the first number after it).
double table_value(const std::string& text, const std::string& label) {
  const auto at = text.find(label);
  if (at == std::string::npos) return std::nan("");
  return std::stod(text.substr(at + label.size()));
}

// Writes an n³ Shepp–Logan phantom (plus Gaussian noise of σ `sigma`) with 1.5 mm voxels.
torch::Tensor write_phantom(const std::string& path, int64_t n, double sigma = 0, uint64_t seed = 1) {
  torch::manual_seed(seed);
  const auto data = shepp_logan_3d(n, n, n) + sigma * torch::randn({n, n, n});
  Geometry geometry;
  geometry.spacing = {1.5, 1.5, 1.5};
  geometry.origin = {-20, 10, 3};
  write_volume(Volume(data, geometry), path);
  return data;
}

TEST_F(Cli, HelpListsEveryCommand) {
  const auto r = invoke({"--help"});
  EXPECT_EQ(r.code, 0);
  for (const Command& c : commands()) EXPECT_NE(r.out.find(c.name), std::string::npos) << c.name;
  EXPECT_NE(r.out.find("--threads"), std::string::npos);
}

TEST_F(Cli, NoArgumentsIsBadUsage) { EXPECT_EQ(invoke({}).code, 2); }

TEST_F(Cli, VersionNamesLibTorch) {
  const auto r = invoke({"--version"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("diffrecon 0."), std::string::npos);
  EXPECT_NE(r.out.find("LibTorch"), std::string::npos);
}

TEST_F(Cli, UnknownCommandAndUnknownOptionAreBadUsage) {
  auto r = invoke({"frobnicate"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown command 'frobnicate'"), std::string::npos) << r.err;
  r = invoke({"demo", "--no-such-option"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("no-such-option"), std::string::npos) << r.err;
}

TEST_F(Cli, BadOptionValuesAreBadUsage) {
  EXPECT_EQ(invoke({"demo", "--views", "many"}).code, 2);
  EXPECT_EQ(invoke({"demo", "--views", "0"}).code, 2);
  EXPECT_EQ(invoke({"demo", "--part", "middle"}).code, 2);
  EXPECT_EQ(invoke({"demo", "--threads", "-2"}).code, 2);
  EXPECT_EQ(invoke({"demo", "--device", "tpu"}).code, 2);
  EXPECT_EQ(invoke({"demo", "--seed", "-1"}).code, 2);
  EXPECT_EQ(invoke({"demo", "--progress", "fancy"}).code, 2);
}

TEST_F(Cli, CommandHelpShowsItsOwnAndCommonOptions) {
  const auto r = invoke({"demo", "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("--views"), std::string::npos);
  EXPECT_NE(r.out.find("--config"), std::string::npos);
}

TEST_F(Cli, CudaWithoutCudaIsAClearFailure) {
  if (cuda_available()) GTEST_SKIP();
  const auto r = invoke({"demo", "--device", "cuda", "--slices", "2"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("CUDA is not available"), std::string::npos) << r.err;
}

TEST_F(Cli, DemoReconstructsColin27WritesTheVolumeAndFigureAndFollowsTheConfigFile) {
  const auto output = (dir_ / "demo.nii.gz").string(), figure = (dir_ / "demo.png").string();
  const auto config = (dir_ / "demo.ini").string();
  std::ofstream(config) << "# INI: option = value\nslices = 4\niterations = 100\nsteps = 6\noutput = "
                        << (dir_ / "wrong.nii").string() << "\n";
  const auto r = invoke({"demo", "--config", config, "--output", output, "--figure", figure, "--quiet"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << "--quiet must silence logs and progress: " << r.err;
  const Volume v = read_volume(output);  // the command line overrides the file's output
  EXPECT_EQ(v.nz(), 4);                  // the file's slice count applies
  EXPECT_EQ(v.nx(), 128);
  EXPECT_NEAR(v.geometry().spacing[0], 1.75, 0.02);
  EXPECT_FALSE(fs::exists(dir_ / "wrong.nii"));
  // Rows FBP, TV, DDS; the first number of a row is its axial PSNR.
  const double fbp = table_value(r.out, "  FBP"), tv = table_value(r.out, "  TV"),
               dds = table_value(r.out, "  DDS (6 steps)");
  EXPECT_GT(fbp, 10.0) << r.out;
  EXPECT_GT(tv, fbp + 4.0) << r.out;
  EXPECT_GT(dds, fbp + 4.0) << r.out;
  EXPECT_NE(r.out.find("network evaluations per slice"), std::string::npos) << r.out;
  // Four rows (reference, FBP, TV, DDS) of three 128² views with 2-pixel borders.
  std::ifstream png(figure, std::ios::binary);
  std::string header(24, '\0');
  ASSERT_TRUE(png.read(&header[0], 24));
  const auto big_endian = [&](int at) {
    uint32_t value = 0;
    for (int i = 0; i < 4; ++i) value = value << 8 | static_cast<uint8_t>(header[at + i]);
    return value;
  };
  EXPECT_EQ(big_endian(16), 3u * 128 + 4 * 2);
  EXPECT_EQ(big_endian(20), 4u * 128 + 5 * 2);
}

TEST_F(Cli, DemoWithoutTheColin27FileSaysWhatIsMissing) {
  const auto r = invoke({"demo", "--colin27", (dir_ / "absent.nii.gz").string(), "--quiet"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("absent.nii.gz"), std::string::npos) << r.err;
}

TEST_F(Cli, DatasetWritesEachPartOfEachDataset) {
  const auto out = (dir_ / "part.nii.gz").string();
  EXPECT_EQ(invoke({"dataset", "--name", "cranium", "--part", "validation", "--output", out}).code, 2);
  EXPECT_EQ(invoke({"dataset", "--name", "mnist", "--output", out}).code, 2);
  const auto absent = invoke({"dataset", "--name", "cranium", "--cranium", (dir_ / "absent.inv3").string(),
                              "--output", out});
  EXPECT_EQ(absent.code, 1);
  EXPECT_NE(absent.err.find("absent.inv3"), std::string::npos) << absent.err;
  EXPECT_FALSE(fs::exists(out));
  if (!fs::exists("/usr/share/doc/invesalius-examples/examples/Cranium.inv3")) GTEST_SKIP() << "no invesalius-examples";
  const auto r = invoke({"dataset", "--name", "cranium", "--part", "training", "--output", out});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("256x256x64"), std::string::npos) << r.out;
  EXPECT_EQ(read_volume(out).nz(), 64);
}

TEST_F(Cli, ConfigFileWithUnknownKeyOrMissingFileIsBadUsage) {
  const auto config = (dir_ / "bad.ini").string();
  std::ofstream(config) << "sizee = 4\n";
  EXPECT_EQ(invoke({"demo", "--config", config}).code, 2);
  EXPECT_EQ(invoke({"demo", "--config", (dir_ / "absent.ini").string()}).code, 2);
}

TEST_F(Cli, UnwritableOutputIsAFailure) {
  const auto r = invoke({"demo", "--slices", "1", "--iterations", "1", "--quiet", "--output", "/nonexistent/dir/x.nii.gz"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
}


TEST_F(Cli, InfoConvertAndEvaluateRoundTrip) {
  const auto first = (dir_ / "a.nii.gz").string(), second = (dir_ / "b.nrrd").string();
  write_phantom(first, 16);
  auto r = invoke({"info", first});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("16 x 16 x 16 voxels"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("orientation  LPS"), std::string::npos) << r.out;
  r = invoke({"convert", first, second});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(torch::equal(read_volume(first).data(), read_volume(second).data()));
  r = invoke({"evaluate", "--reference", first, "--input", second, "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"volume\": {\"psnr\": null, \"ssim\": 1, \"nmse\": 0}"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"sagittal\""), std::string::npos) << r.out;
}


TEST_F(Cli, EvaluateAgreesWithTheLibrarysPsnr) {
  const auto clean = (dir_ / "clean.nii").string(), noisy = (dir_ / "noisy.nii").string();
  const auto a = write_phantom(clean, 12), b = write_phantom(noisy, 12, 0.1);
  const auto r = invoke({"evaluate", "--reference", clean, "--input", noisy});
  ASSERT_EQ(r.code, 0) << r.err;
  // σ = 0.1 on a range-1 phantom: about 20 dB.
  EXPECT_NEAR(table_value(r.out, "volume"), psnr(a, b), 0.006) << r.out;
  EXPECT_NEAR(psnr(a, b), 20.0, 0.5);
}

TEST_F(Cli, ConvertRefusesToOverwriteItsInputAndEvaluateRejectsMismatchedSizes) {
  const auto a = (dir_ / "a.mha").string(), b = (dir_ / "b.mha").string();
  write_phantom(a, 8);
  write_phantom(b, 9);
  auto r = invoke({"convert", a, a});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("refusing to overwrite the input"), std::string::npos) << r.err;
  r = invoke({"evaluate", "--reference", a, "--input", b});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("differ in size"), std::string::npos) << r.err;
  EXPECT_EQ(invoke({"info"}).code, 2);
  EXPECT_EQ(invoke({"info", (dir_ / "absent.nii").string()}).code, 1);
}


TEST_F(Cli, InfoDescribesAMeasurementFile) {
  Measurement m;
  m.modality = Modality::kCt;
  m.data = torch::rand({4, 6, 10});
  m.arrays["angles"] = torch::linspace(0, M_PI, 7, torch::kDouble).narrow(0, 0, 6).contiguous();
  m.parameters["detector_spacing_mm"] = 1.5;
  m.volume_size = {8, 8, 4};
  m.noise.kind = "gaussian";
  m.noise.sigma = 0.01;
  m.provenance = {"0.1.0", "diffrecon simulate ct", "2026-11-29T12:00:00Z", 42};
  const auto file = (dir_ / "m.h5").string();
  write_measurement(m, file);
  const auto r = invoke({"info", file});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("measurement  ct, data [4, 6, 10] float32"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("array        angles [6] float64"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("parameter    detector_spacing_mm = 1.5"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("noise        gaussian, sigma 0.01"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("seed 42"), std::string::npos) << r.out;
  std::ofstream(dir_ / "bad.h5") << "not HDF5";
  EXPECT_EQ(invoke({"info", (dir_ / "bad.h5").string()}).code, 1);
}

TEST_F(Cli, SimulateThenReconstructEveryMethodKeepsTheGeometry) {
  const auto volume = (dir_ / "phantom.nii.gz").string(), measurement = (dir_ / "scan.h5").string();
  const auto truth = write_phantom(volume, 16);
  auto r = invoke({"simulate", "ct", "--input", volume, "--output", measurement, "--views", "30", "--scale", "0.02",
                   "--photons", "1e6", "--seed", "5", "--quiet"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("30 views"), std::string::npos) << r.out;
  const Measurement m = read_measurement(measurement);
  EXPECT_EQ(m.noise.kind, "poisson");
  EXPECT_EQ(m.provenance.seed, 5u);
  EXPECT_NE(m.provenance.command.find("simulate ct"), std::string::npos);
  EXPECT_EQ(m.geometry, read_volume(volume).geometry());
  for (const std::string method : {"fbp", "cgls", "admm-tv", "primal-dual-tv"}) {
    const auto output = (dir_ / (method + ".nrrd")).string();
    std::vector<std::string> args{"reconstruct", "--input", measurement, "--method", method, "--output", output, "--quiet"};
    if (method != "fbp") args.insert(args.end(), {"--iterations", "5"});
    r = invoke(args);
    ASSERT_EQ(r.code, 0) << method << ": " << r.err;
    const Volume x = read_volume(output);
    EXPECT_EQ(x.geometry(), m.geometry) << method;
    EXPECT_GT(psnr(truth * 0.02, x.data()), 17.0) << method;
  }
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST_F(Cli, CtConstraintsAreOnByDefaultAndSwitchOff) {
  // A detector that covers only the inscribed circle: the QA says what lies outside and that it was zeroed.
  const auto volume = (dir_ / "phantom.nii").string(), measurement = (dir_ / "scan.h5").string();
  write_phantom(volume, 16);
  ASSERT_EQ(invoke({"simulate", "ct", "--input", volume, "--output", measurement, "--views", "8", "--scale", "0.02",
                    "--detector-count", "16", "--quiet"}).code, 0);
  const auto out = (dir_ / "x.nii").string(), qa = (dir_ / "qa.json").string();
  auto r = invoke({"reconstruct", "--input", measurement, "--output", out, "--method", "primal-dual-tv", "--iterations",
                   "50", "--qa", qa, "--quiet"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto constrained = read_volume(out).data();
  EXPECT_GE(constrained.min().item<double>(), 0.0);
  EXPECT_EQ(constrained[0][0][0].item<double>(), 0.0);  // a corner
  const auto report = nlohmann::json::parse(read_text(qa));
  EXPECT_TRUE(report["field_of_view"]["zeroed_outside"].get<bool>());
  EXPECT_GT(report["field_of_view"]["outside_fraction"].get<double>(), 0.1);

  r = invoke({"reconstruct", "--input", measurement, "--output", out, "--method", "primal-dual-tv", "--iterations",
              "50", "--no-positivity", "--field-of-view", "full", "--qa", qa, "--quiet"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_LT(read_volume(out).data().min().item<double>(), 0.0);
  EXPECT_FALSE(nlohmann::json::parse(read_text(qa))["field_of_view"]["zeroed_outside"].get<bool>());
  EXPECT_EQ(invoke({"reconstruct", "--input", measurement, "--output", out, "--method", "admm-tv", "--positivity",
                    "maybe"}).code, 2);
  EXPECT_EQ(invoke({"reconstruct", "--input", measurement, "--output", out, "--method", "cgls", "--no-positivity",
                    "--positivity", "on"}).code, 2);
  EXPECT_EQ(invoke({"reconstruct", "--input", measurement, "--output", out, "--method", "fbp", "--positivity",
                    "off"}).code, 2);  // FBP has no positivity
  EXPECT_EQ(invoke({"reconstruct", "--input", measurement, "--output", out, "--field-of-view", "disc"}).code, 2);
}

TEST_F(Cli, SimulateAndReconstructRejectBadRequests) {
  const auto volume = (dir_ / "phantom.nii").string(), measurement = (dir_ / "scan.h5").string();
  write_phantom(volume, 8);
  const std::vector<std::string> base = {"simulate", "ct", "--input", volume, "--output", measurement, "--quiet"};
  auto with = [&](std::vector<std::string> extra) {
    auto args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return invoke(args);
  };
  EXPECT_EQ(with({}).code, 2);  // no scan
  EXPECT_EQ(with({"--views", "8", "--limited-angle", "0:120:1"}).code, 2);
  EXPECT_EQ(with({"--limited-angle", "0:120"}).code, 2);
  EXPECT_EQ(with({"--views", "8", "--photons", "1e4", "--noise-sigma", "0.1"}).code, 2);
  EXPECT_EQ(with({"--views", "8", "--detector-spacing", "0"}).code, 2);
  EXPECT_EQ(invoke({"simulate", "pet", "--input", volume, "--output", measurement, "--views", "8"}).code, 2);
  EXPECT_EQ(invoke({"simulate", "mri", "--input", volume, "--output", measurement, "--views", "8"}).code, 2);
  EXPECT_EQ(invoke({"simulate", "mri", "--input", volume, "--output", measurement, "--mask", "radial"}).code, 2);
  EXPECT_EQ(invoke({"simulate", "mri", "--input", volume, "--output", measurement, "--acquisition", "4d"}).code, 2);
  EXPECT_EQ(invoke({"simulate", "mri", "--input", volume, "--output", measurement, "--acceleration", "0.5"}).code, 2);
  EXPECT_EQ(invoke({"simulate", "ct", "--input", (dir_ / "absent.nii").string(), "--output", measurement, "--views",
                    "8"}).code, 1);
  EXPECT_FALSE(fs::exists(measurement));

  ASSERT_EQ(with({"--limited-angle", "0:120:4", "--noise-sigma", "0.01"}).code, 0);
  const auto out = (dir_ / "x.nii").string();
  EXPECT_EQ(invoke({"reconstruct", "--input", measurement, "--output", out, "--method", "art"}).code, 2);
  EXPECT_EQ(invoke({"reconstruct", "--input", measurement, "--output", out, "--filter", "hamming"}).code, 2);
  EXPECT_EQ(invoke({"reconstruct", "--input", measurement, "--output", out, "--method", "admm-tv", "--rho", "-1"}).code, 2);
  EXPECT_EQ(invoke({"reconstruct", "--input", measurement, "--output", out, "--method", "admm-tv", "--tv", "yz"}).code, 2);
  // A setting the method does not take, a malformed value, a diffusion method (with the shipped prior)
  // given a setting out of range.
  const auto unused = invoke({"reconstruct", "--input", measurement, "--output", out, "--iterations", "5"});
  EXPECT_EQ(unused.code, 2);
  EXPECT_NE(unused.err.find("fbp does not take the setting 'iterations'"), std::string::npos) << unused.err;
  EXPECT_EQ(invoke({"reconstruct", "--input", measurement, "--output", out, "--method", "cgls", "--iterations", "5x"}).code, 2);
  EXPECT_EQ(invoke({"reconstruct", "--input", measurement, "--output", out, "--method", "dds", "--eta", "2"}).code, 2);
  EXPECT_EQ(invoke({"reconstruct", "--input", measurement, "--output", out, "--method", "diffusion-mbir", "--gamma",
                    "1"}).code, 2);
  EXPECT_EQ(invoke({"reconstruct", "--input", measurement, "--output", out, "--method", "dds", "--prior", volume,
                    "--eta", "2"}).code, 1);  // not a prior file: a failure, not bad usage
  EXPECT_EQ(invoke({"reconstruct", "--input", volume, "--output", out}).code, 1);  // not a measurement file
  EXPECT_FALSE(fs::exists(out));
  const auto r = invoke({"reconstruct", "--input", measurement, "--output", out, "--filter", "hann", "--quiet"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(read_volume(out).nz(), 8);
}

TEST_F(Cli, SimulateMriThenReconstructEveryMethodKeepsTheGeometry) {
  const auto volume = (dir_ / "phantom.nii.gz").string(), measurement = (dir_ / "kspace.h5").string();
  const auto truth = write_phantom(volume, 16);
  auto r = invoke({"simulate", "mri", "--input", volume, "--output", measurement, "--coils", "4", "--mask", "uniform1d",
                   "--acceleration", "2", "--center-fraction", "0.25", "--seed", "3", "--quiet"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("4 coils"), std::string::npos) << r.out;
  const Measurement m = read_measurement(measurement);
  EXPECT_EQ(m.modality, Modality::kMri);
  EXPECT_NEAR(m.parameters.at("acceleration"), 2.0, 0.01);
  for (const std::string method : {"zero-filled", "cg-sense", "admm-tv"}) {
    const auto output = (dir_ / (method + ".mha")).string();
    r = invoke({"reconstruct", "--input", measurement, "--method", method, "--output", output, "--quiet"});
    ASSERT_EQ(r.code, 0) << method << ": " << r.err;
    const Volume x = read_volume(output);
    EXPECT_EQ(x.geometry(), m.geometry) << method;
    EXPECT_GT(psnr(truth, x.data()), method == "zero-filled" ? 15.0 : 20.0) << method;
  }
  // FFTW wisdom is saved after a successful run and read back by the next.
  const auto wisdom = (dir_ / "fftw.wisdom").string();
  r = invoke({"reconstruct", "--input", measurement, "--output", (dir_ / "w.nii").string(), "--fftw-wisdom", wisdom,
              "--fftw-measure", "--quiet"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::file_size(wisdom) > 0);
  EXPECT_EQ(invoke({"reconstruct", "--input", measurement, "--output", (dir_ / "w.nii").string(), "--fftw-wisdom", wisdom,
                    "--quiet"}).code, 0);
  EXPECT_EQ(invoke({"reconstruct", "--input", measurement, "--output", (dir_ / "x.nii").string(), "--method", "fbp"}).code, 2);
  EXPECT_EQ(invoke({"reconstruct", "--input", measurement, "--output", (dir_ / "x.nii").string(), "--coil-combination",
                    "mean"}).code, 2);
}

TEST_F(Cli, ReconstructReadsIsmrmrdRawData) {
  if (std::system("command -v ismrmrd_generate_cartesian_shepp_logan > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "ismrmrd_generate_cartesian_shepp_logan is not installed (Debian: ismrmrd-tools)";
  const auto raw = (dir_ / "raw.h5").string(), output = (dir_ / "raw.nii").string();
  ASSERT_EQ(std::system(("ismrmrd_generate_cartesian_shepp_logan -m 48 -c 4 -n 0 -o '" + raw + "' > /dev/null 2>&1").c_str()), 0);
  const auto r = invoke({"reconstruct", "--input", raw, "--output", output, "--quiet"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("zero-filled"), std::string::npos) << r.out;  // the MRI default
  const Volume x = read_volume(output);
  EXPECT_EQ(x.data().sizes(), (std::vector<int64_t>{1, 48, 48}));  // readout oversampling removed
}

}  // namespace
}  // namespace diffrecon::cli

namespace diffrecon::cli {
namespace {

// A tiny network so that training runs in a second.
std::vector<std::string> tiny_training(const std::string& output, int steps) {
  return {"train", "--size", "16", "--patch", "16", "--batch", "2", "--steps", std::to_string(steps),
          "--checkpoint-every", "2", "--base-channels", "8", "--channel-multipliers", "1,2", "--attention-levels", "",
          "--output", output, "--progress", "none", "--seed", "3", "--threads", "1"};
}

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

TEST_F(Cli, TrainResumesBitForBitThenDenoisesAndSamples) {
  const auto data = shepp_logan_3d(8, 16, 16).clamp(0, 1);
  write_volume(Volume(data, Geometry{}), path("v.nii.gz"));
  const std::vector<std::string> volume{"--volumes", path("v.nii.gz")};
  ASSERT_EQ(invoke(with(tiny_training(path("a.h5"), 4), volume)).code, 0);
  const auto resumed = invoke(with(tiny_training(path("a.h5"), 6), with(volume, {"--resume"})));
  ASSERT_EQ(resumed.code, 0) << resumed.err;
  const auto straight = invoke(with(tiny_training(path("b.h5"), 6), volume));
  ASSERT_EQ(straight.code, 0) << straight.err;
  const PriorModel a = read_prior(path("a.h5")), b = read_prior(path("b.h5"));
  EXPECT_EQ(a.training_steps, 6);
  EXPECT_EQ(content_hash(a.parameters), content_hash(b.parameters));
  EXPECT_TRUE(fs::exists(path("a.checkpoint.h5")));

  const auto denoised = invoke({"denoise", "--prior", path("a.h5"), "--input", path("v.nii.gz"), "--sigma", "0.1",
                                "--output", path("d.nii.gz"), "--plane", "sagittal"});
  ASSERT_EQ(denoised.code, 0) << denoised.err;
  EXPECT_EQ(read_volume(path("d.nii.gz")).data().sizes(), data.sizes());
  const auto noised = invoke({"denoise", "--prior", path("a.h5"), "--input", path("v.nii.gz"), "--sigma", "0.1",
                              "--add-noise", "--noisy-output", path("n.nii.gz"), "--output", path("d2.nii.gz")});
  ASSERT_EQ(noised.code, 0) << noised.err;
  const auto noise = read_volume(path("n.nii.gz")).data() - data;
  EXPECT_NEAR(noise.std().item<double>(), 0.1, 0.01);

  const auto sampled = invoke({"sample", "--prior", path("a.h5"), "--count", "3", "--steps", "2", "--size", "16",
                               "--output", path("s.png"), "--progress", "none"});
  ASSERT_EQ(sampled.code, 0) << sampled.err;
  std::ifstream png(path("s.png"), std::ios::binary);
  std::string magic(4, '\0');
  png.read(magic.data(), 4);
  EXPECT_EQ(magic.substr(1), "PNG");
}

TEST_F(Cli, ReconstructWithDdsUsesThePriorAndReportsNetworkTime) {
  ASSERT_EQ(invoke(with(tiny_training(path("p.h5"), 2), {"--phantom", "ellipses"})).code, 0);
  write_phantom(path("v.nii.gz"), 16);
  ASSERT_EQ(invoke({"simulate", "ct", "--input", path("v.nii.gz"), "--output", path("m.h5"), "--views", "8",
                    "--scale", "0.02", "--quiet"}).code, 0);
  const auto r = invoke({"reconstruct", "--input", path("m.h5"), "--method", "dds", "--prior", path("p.h5"), "--steps",
                         "3", "--output", path("x.nii.gz"), "--progress", "none", "--seed", "4"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("3 NFE"), std::string::npos) << r.out;
  EXPECT_EQ(read_volume(path("x.nii.gz")).geometry(), read_measurement(path("m.h5")).geometry);
  EXPECT_EQ(invoke({"reconstruct", "--input", path("m.h5"), "--method", "dds", "--prior", path("p.h5"), "--eta", "2",
                    "--output", path("y.nii.gz")}).code, 2);
  const auto mbir = invoke({"reconstruct", "--input", path("m.h5"), "--method", "diffusion-mbir", "--prior", path("p.h5"),
                            "--steps", "3", "--output", path("b.nii.gz"), "--progress", "none"});
  ASSERT_EQ(mbir.code, 0) << mbir.err;
  EXPECT_NE(mbir.out.find("6 NFE"), std::string::npos) << mbir.out;  // predictor + corrector per step
}

TEST_F(Cli, PosteriorSamplesWriteTheirMeanStdPreviewAndQa) {
  ASSERT_EQ(invoke(with(tiny_training(path("p.h5"), 2), {"--phantom", "ellipses"})).code, 0);
  write_phantom(path("v.nii.gz"), 16);
  ASSERT_EQ(invoke({"simulate", "ct", "--input", path("v.nii.gz"), "--output", path("m.h5"), "--views", "8",
                    "--scale", "0.02", "--quiet"}).code, 0);
  const std::vector<std::string> base{"reconstruct", "--input", path("m.h5"), "--method", "dds", "--prior", path("p.h5"),
                                      "--steps", "2", "--output", path("mean.nii.gz"), "--quiet"};
  const auto r = invoke(with(base, {"--samples", "3", "--std-output", path("std.nii.gz"), "--preview", path("p.png"),
                                    "--qa", path("qa.json"), "--reference", path("v.nii.gz")}));
  ASSERT_EQ(r.code, 0) << r.err;
  const Volume std_map = read_volume(path("std.nii.gz"));
  EXPECT_EQ(std_map.geometry(), read_volume(path("mean.nii.gz")).geometry());
  EXPECT_GT(std_map.data().max().item<double>(), 0.0);
  EXPECT_TRUE(fs::exists(path("p.png")));
  std::ifstream qa(path("qa.json"));
  const std::string text((std::istreambuf_iterator<char>(qa)), std::istreambuf_iterator<char>());
  for (const char* key : {"\"data_consistency\"", "\"relative_difference\"", "\"mean_standard_deviation\"",
                          "\"psnr\"", "\"hash\"", "\"samples\": 3"})
    EXPECT_NE(text.find(key), std::string::npos) << key;
  // A deterministic method has nothing to sample; a deviation needs two samples.
  EXPECT_EQ(invoke({"reconstruct", "--input", path("m.h5"), "--method", "fbp", "--samples", "2", "--output",
                    path("f.nii.gz")}).code, 2);
  EXPECT_EQ(invoke(with(base, {"--std-output", path("s.nii.gz")})).code, 2);
  // A reference of another size fails before reconstructing.
  write_phantom(path("small.nii.gz"), 8);
  const auto wrong = invoke({"reconstruct", "--input", path("m.h5"), "--method", "fbp", "--reference",
                             path("small.nii.gz"), "--output", path("w.nii.gz")});
  EXPECT_EQ(wrong.code, 1);
  EXPECT_NE(wrong.err.find("8 x 8 x 8 voxels"), std::string::npos) << wrong.err;
  EXPECT_FALSE(fs::exists(path("w.nii.gz")));
}

TEST_F(Cli, DiffusionMethodsReconstructMriDeterministically) {
  ASSERT_EQ(invoke(with(tiny_training(path("p.h5"), 2), {"--phantom", "ellipses"})).code, 0);
  write_phantom(path("v.nii.gz"), 16);
  ASSERT_EQ(invoke({"simulate", "mri", "--input", path("v.nii.gz"), "--output", path("k.h5"), "--coils", "4",
                    "--acceleration", "4", "--quiet"}).code, 0);
  const auto geometry = read_measurement(path("k.h5")).geometry;
  for (const std::string method : {"dds", "diffusion-mbir"}) {
    const auto run = [&](const std::string& output) {
      return invoke({"reconstruct", "--input", path("k.h5"), "--method", method, "--prior", path("p.h5"), "--steps",
                     "2", "--seed", "5", "--output", path(output), "--quiet"});
    };
    ASSERT_EQ(run(method + "1.nii").code, 0) << method;
    ASSERT_EQ(run(method + "2.nii").code, 0) << method;
    const Volume first = read_volume(path(method + "1.nii")), second = read_volume(path(method + "2.nii"));
    EXPECT_EQ(first.geometry(), geometry) << method;
    EXPECT_TRUE(torch::equal(first.data(), second.data())) << method << ": the same seed must give the same volume";
    EXPECT_GE(first.data().min().item<double>(), 0.0) << method << ": MRI output is the magnitude";
  }
}

TEST_F(Cli, ZsrSimulatesThickSlicesAndTpdmUsesTwoPlanes) {
  ASSERT_EQ(invoke(with(tiny_training(path("p.h5"), 2), {"--phantom", "ellipses"})).code, 0);
  const auto truth = write_phantom(path("v.nii.gz"), 16);
  auto r = invoke({"simulate", "zsr", "--input", path("v.nii.gz"), "--output", path("z.h5"), "--factor", "4"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("4 thick slices"), std::string::npos) << r.out;
  const Measurement m = read_measurement(path("z.h5"));
  EXPECT_EQ(m.modality, Modality::kZsr);
  r = invoke({"reconstruct", "--input", path("z.h5"), "--output", path("cubic.nii"), "--quiet"});
  ASSERT_EQ(r.code, 0) << r.err;
  const Volume cubic = read_volume(path("cubic.nii"));
  EXPECT_EQ(cubic.geometry(), m.geometry);
  EXPECT_GT(psnr(truth, cubic.data()), 14.0);
  const auto tpdm = [&](const std::string& output, std::vector<std::string> extra) {
    return invoke(with({"reconstruct", "--input", path("z.h5"), "--method", "tpdm", "--prior", path("p.h5"),
                        "--plane", "coronal", "--aux-prior", path("p.h5"), "--steps", "3", "--seed", "2",
                        "--output", path(output), "--progress", "none"},
                       extra));
  };
  r = tpdm("t1.nii", {});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("6 NFE"), std::string::npos) << r.out;
  ASSERT_EQ(tpdm("t2.nii", {"--quiet"}).code, 0);
  EXPECT_TRUE(torch::equal(read_volume(path("t1.nii")).data(), read_volume(path("t2.nii")).data()));
  EXPECT_EQ(read_volume(path("t1.nii")).geometry(), m.geometry);
  // Both priors on one plane, K ≤ 1, a CT option: bad usage.
  EXPECT_EQ(tpdm("t3.nii", {"--aux-plane", "coronal"}).code, 2);
  EXPECT_EQ(tpdm("t3.nii", {"--alternation", "1"}).code, 2);
  EXPECT_EQ(tpdm("t3.nii", {"--eta", "0.5"}).code, 2);
  EXPECT_FALSE(fs::exists(path("t3.nii")));
  EXPECT_EQ(invoke({"simulate", "zsr", "--input", path("v.nii.gz"), "--output", path("y.h5"), "--quiet"}).code, 2);
  EXPECT_EQ(invoke({"simulate", "zsr", "--input", path("v.nii.gz"), "--output", path("y.h5"), "--factor", "0"}).code, 2);
  EXPECT_EQ(invoke({"simulate", "ct", "--input", path("v.nii.gz"), "--output", path("y.h5"), "--views", "8",
                    "--factor", "2"}).code, 2);
  // CT: TPDM with the given alternation and weight.
  ASSERT_EQ(invoke({"simulate", "ct", "--input", path("v.nii.gz"), "--output", path("c.h5"), "--views", "8",
                    "--scale", "0.02", "--quiet"}).code, 0);
  r = invoke({"reconstruct", "--input", path("c.h5"), "--method", "tpdm", "--prior", path("p.h5"), "--aux-prior",
              path("p.h5"), "--aux-plane", "sagittal", "--steps", "4", "--alternation", "inf", "--dps-weight", "0.01",
              "--output", path("ct.nii"), "--quiet"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(read_volume(path("ct.nii")).geometry(), read_measurement(path("c.h5")).geometry);
}

TEST_F(Cli, DdipAdaptsThePriorAndSavesItForLaterRuns) {
  ASSERT_EQ(invoke(with(tiny_training(path("p.h5"), 2), {"--phantom", "ellipses"})).code, 0);
  write_phantom(path("v.nii.gz"), 16);
  ASSERT_EQ(invoke({"simulate", "ct", "--input", path("v.nii.gz"), "--output", path("m.h5"), "--views", "8",
                    "--scale", "0.02", "--quiet"}).code, 0);
  const auto ddip = [&](const std::string& output, std::vector<std::string> extra) {
    return invoke(with({"reconstruct", "--input", path("m.h5"), "--method", "ddip", "--prior", path("p.h5"), "--steps",
                        "3", "--adapt-steps", "2", "--adapt-slices", "2", "--seed", "4", "--output", path(output),
                        "--progress", "none"},
                       extra));
  };
  auto r = ddip("a.nii", {"--save-adapted", path("adapted.h5")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("3 NFE"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("wrote the adapted prior"), std::string::npos) << r.out;
  const PriorModel original = read_prior(path("p.h5")), adapted = read_prior(path("adapted.h5"));
  EXPECT_NE(content_hash(adapted.parameters), content_hash(original.parameters));
  EXPECT_NE(adapted.training_data.find("adapted by DDIP"), std::string::npos);
  EXPECT_EQ(adapted.plane, original.plane);
  // The adapted prior serves later runs as any model file does.
  r = invoke({"reconstruct", "--input", path("m.h5"), "--method", "dds", "--prior", path("adapted.h5"), "--steps", "2",
              "--output", path("d.nii"), "--quiet"});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(ddip("b.nii", {"--quiet"}).code, 0);
  EXPECT_TRUE(torch::equal(read_volume(path("a.nii")).data(), read_volume(path("b.nii")).data()));
  EXPECT_EQ(ddip("c.nii", {"--lora-rank", "0"}).code, 2);
  EXPECT_EQ(ddip("c.nii", {"--adapt-slices", "x"}).code, 2);
  EXPECT_EQ(ddip("c.nii", {"--adapt-t-min", "600", "--adapt-t-max", "500"}).code, 2);
  EXPECT_EQ(invoke({"reconstruct", "--input", path("m.h5"), "--method", "dds", "--prior", path("p.h5"), "--output",
                    path("c.nii"), "--save-adapted", path("x.h5")}).code, 2);
  EXPECT_EQ(ddip("c.nii", {"--aux-prior", path("p.h5")}).code, 2);
  EXPECT_FALSE(fs::exists(path("c.nii")));
}

TEST_F(Cli, TrainOnEllipsePhantoms) {
  const auto r = invoke(with(tiny_training(path("e.h5"), 2), {"--phantom", "ellipses"}));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(read_prior(path("e.h5")).training_data.find("ellipse"), std::string::npos);
}

TEST_F(Cli, PriorCommandsRejectBadRequests) {
  write_volume(Volume(torch::rand({4, 16, 16}) * 1000, Geometry{}), path("raw.nii.gz"));
  EXPECT_EQ(invoke(tiny_training(path("m.h5"), 2)).code, 2);  // neither --volumes nor --phantom
  EXPECT_EQ(invoke(with(tiny_training(path("m.h5"), 2), {"--phantom", "squares"})).code, 2);
  EXPECT_EQ(invoke(with(tiny_training(path("m.h5"), 2), {"--phantom", "ellipses", "--resume"})).code, 2);
  const auto unscaled = invoke(with(tiny_training(path("m.h5"), 2), {"--volumes", path("raw.nii.gz")}));
  EXPECT_EQ(unscaled.code, 1);
  EXPECT_NE(unscaled.err.find("--normalize"), std::string::npos) << unscaled.err;
  EXPECT_EQ(invoke(with(tiny_training(path("m.h5"), 2), {"--volumes", path("raw.nii.gz"), "--normalize"})).code, 0);
  EXPECT_EQ(invoke({"denoise", "--prior", path("raw.nii.gz"), "--input", path("raw.nii.gz"), "--sigma", "0.1",
                    "--output", path("d.nii.gz")}).code, 1);
  EXPECT_EQ(invoke({"denoise", "--prior", path("m.h5"), "--input", path("raw.nii.gz"), "--sigma", "-1",
                    "--output", path("d.nii.gz")}).code, 2);
  EXPECT_EQ(invoke({"sample", "--prior", path("m.h5"), "--size", "15", "--output", path("s.png")}).code, 2);
  EXPECT_FALSE(fs::exists(path("d.nii.gz")));
}

}  // namespace
}  // namespace diffrecon::cli
