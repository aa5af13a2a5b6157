#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/command.h"
#include "core/device.h"
#include "core/logging.h"
#include "core/progress.h"
#include "data/io/measurement_file.h"
#include "data/io/volume_io.h"
#include "testing/scratch_directory.h"

namespace diffrecon::cli {
namespace {

namespace fs = std::filesystem;

struct Outcome {
  int code;
  std::string out, err;
};

Outcome invoke(std::vector<std::string> args) {
  args.insert(args.begin(), "diffrecon");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  const int code = run(static_cast<int>(argv.size()), argv.data(), out, err);
  set_log_level(LogLevel::kInfo);
  set_default_progress_style(ProgressStyle::kAuto);
  return {code, out.str(), err.str()};
}

class Cli : public testing::ScratchDirectoryTest {};

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
  EXPECT_EQ(invoke({"demo", "--size", "many"}).code, 2);
  EXPECT_EQ(invoke({"demo", "--size", "1"}).code, 2);
  EXPECT_EQ(invoke({"demo", "--threads", "-2"}).code, 2);
  EXPECT_EQ(invoke({"demo", "--device", "tpu"}).code, 2);
  EXPECT_EQ(invoke({"demo", "--seed", "-1"}).code, 2);
  EXPECT_EQ(invoke({"demo", "--progress", "fancy"}).code, 2);
}

TEST_F(Cli, CommandHelpShowsItsOwnAndCommonOptions) {
  const auto r = invoke({"demo", "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("--noise-sigma"), std::string::npos);
  EXPECT_NE(r.out.find("--config"), std::string::npos);
}

TEST_F(Cli, CudaWithoutCudaIsAClearFailure) {
  if (cuda_available()) GTEST_SKIP();
  const auto r = invoke({"demo", "--device", "cuda", "--size", "8"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("CUDA is not available"), std::string::npos) << r.err;
}

TEST_F(Cli, DemoDenoisesWritesTheVolumeAndFollowsTheConfigFile) {
  const auto output = (dir_ / "demo.nii.gz").string();
  const auto config = (dir_ / "demo.ini").string();
  std::ofstream(config) << "# INI: option = value\nsize = 40\niterations = 10\noutput = " << (dir_ / "wrong.nii").string()
                        << "\n";
  const auto r = invoke({"demo", "--config", config, "--output", output, "--quiet"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << "--quiet must silence logs and progress: " << r.err;
  const Volume v = read_volume(output);  // the command line overrides the file's output
  EXPECT_EQ(v.nz(), 40);                 // the file's size applies
  EXPECT_FALSE(fs::exists(dir_ / "wrong.nii"));
  double noisy = 0, tv = 0;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("noisy input") != std::string::npos) noisy = std::stod(line.substr(line.rfind(' ')));
    if (line.find("ADMM-TV") != std::string::npos) tv = std::stod(line.substr(line.rfind(' ')));
  }
  EXPECT_GT(noisy, 15.0) << r.out;
  EXPECT_GT(tv, noisy + 5.0) << r.out;
}

TEST_F(Cli, ConfigFileWithUnknownKeyOrMissingFileIsBadUsage) {
  const auto config = (dir_ / "bad.ini").string();
  std::ofstream(config) << "sizee = 4\n";
  EXPECT_EQ(invoke({"demo", "--config", config}).code, 2);
  EXPECT_EQ(invoke({"demo", "--config", (dir_ / "absent.ini").string()}).code, 2);
}

TEST_F(Cli, UnwritableOutputIsAFailure) {
  const auto r = invoke({"demo", "--size", "8", "--iterations", "1", "--quiet", "--output", "/nonexistent/dir/x.nii.gz"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
}


TEST_F(Cli, InfoConvertAndEvaluateRoundTrip) {
  const auto first = (dir_ / "a.nii.gz").string(), second = (dir_ / "b.nrrd").string();
  ASSERT_EQ(invoke({"demo", "--size", "16", "--iterations", "2", "--quiet", "--output", first}).code, 0);
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

// The number in a table row that starts with `label` (the first number after it).
double table_value(const std::string& text, const std::string& label) {
  const auto at = text.find(label);
  if (at == std::string::npos) return std::nan("");
  return std::stod(text.substr(at + label.size()));
}

TEST_F(Cli, EvaluateAgreesWithTheDemosOwnPsnr) {
  const auto clean = (dir_ / "clean.nii").string(), noisy = (dir_ / "noisy.nii").string();
  ASSERT_EQ(invoke({"demo", "--size", "12", "--iterations", "0", "--noise-sigma", "0", "--quiet", "--output", clean}).code, 0);
  const auto demo = invoke({"demo", "--size", "12", "--iterations", "0", "--quiet", "--output", noisy});
  ASSERT_EQ(demo.code, 0);
  const auto r = invoke({"evaluate", "--reference", clean, "--input", noisy});
  ASSERT_EQ(r.code, 0) << r.err;
  // With 0 iterations the output is the noisy input (σ = 0.1 on a range-1 phantom: about 20 dB).
  const double expected = table_value(demo.out, "noisy input");
  EXPECT_NEAR(expected, 20.0, 0.5) << demo.out;
  EXPECT_NEAR(table_value(r.out, "volume"), expected, 0.006) << r.out;
}

TEST_F(Cli, ConvertRefusesToOverwriteItsInputAndEvaluateRejectsMismatchedSizes) {
  const auto a = (dir_ / "a.mha").string(), b = (dir_ / "b.mha").string();
  ASSERT_EQ(invoke({"demo", "--size", "8", "--iterations", "0", "--quiet", "--output", a}).code, 0);
  ASSERT_EQ(invoke({"demo", "--size", "9", "--iterations", "0", "--quiet", "--output", b}).code, 0);
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

}  // namespace
}  // namespace diffrecon::cli
