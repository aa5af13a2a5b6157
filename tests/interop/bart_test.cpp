#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "core/error.h"
#include "core/metrics.h"
#include "data/io/cfl_file.h"
#include "operators/mri/centred_fft.h"
#include "operators/mri/sampling_mask.h"
#include "pipelines/mri/classical_mri.h"
#include "pipelines/mri/espirit.h"
#include "testing/scratch_directory.h"

namespace diffrecon {
namespace {

class Bart : public testing::ScratchDirectoryTest {
 protected:
  // Runs `bart <arguments>` in the scratch directory; false when it fails.
  bool bart(const std::string& arguments) {
    return std::system(("cd '" + dir_.string() + "' && bart " + arguments + " > /dev/null 2>&1").c_str()) == 0;
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
};

TEST_F(Bart, CflFilesRoundTripWithBartsDimensionOrder) {
  const auto t = torch::complex(torch::rand({3, 2, 4, 5}), torch::rand({3, 2, 4, 5}));
  write_cfl(path("t"), t);
  std::ifstream header(path("t.hdr"));
  std::string line, sizes;
  std::getline(header, line);
  std::getline(header, sizes);
  EXPECT_EQ(sizes.substr(0, 8), "5 4 2 3 ");  // x fastest
  EXPECT_TRUE(torch::equal(read_cfl(path("t"), 4), t));
  EXPECT_EQ(read_cfl(path("t"), 6).sizes(), (std::vector<int64_t>{1, 1, 3, 2, 4, 5}));
  EXPECT_THROW(read_cfl(path("t"), 3), IoError);  // dimension 3 is not 1
  std::ofstream(path("t.cfl"), std::ios::trunc) << "short";
  EXPECT_THROW(read_cfl(path("t"), 4), IoError);
  EXPECT_THROW(read_cfl(path("absent"), 4), IoError);
}

// Least-squares gain of `estimate` onto `reference` (the two tools scale k-space differently).
double scaled_psnr(const torch::Tensor& reference, const torch::Tensor& estimate) {
  const double gain = (reference * estimate).sum().item<double>() / (estimate * estimate).sum().item<double>();
  return psnr(reference, estimate * gain);
}

TEST_F(Bart, EspiritMapsGiveTheSameCgSenseReconstructionAsBartsEcalib) {
  if (std::system("command -v bart > /dev/null 2>&1") != 0) GTEST_SKIP() << "bart is not installed";
  ASSERT_TRUE(bart("phantom -x 96 -s 8 -k ksp") && bart("phantom -x 96 image") && bart("ecalib -m 1 ksp maps"));
  const auto kspace = read_cfl(path("ksp"), 4);  // [8, 1, 96, 96]
  const auto bart_maps = read_cfl(path("maps"), 4);
  const auto phantom = read_cfl(path("image"), 4).abs()[0];  // [1, 96, 96], rasterised
  // The reference: root sum of squares of the fully sampled coil images (BART's k-space phantom is
  // analytic, so even full sampling is only ~21 dB from the rasterised phantom image).
  const auto truth = centred_ifft(kspace, 2).abs().pow(2).sum(0).sqrt();
  MaskOptions lines;
  lines.kind = MaskKind::kUniform1d;
  lines.acceleration = 3;
  lines.center_fraction = 0.25;
  lines.seed = 1;
  Measurement m;
  m.modality = Modality::kMri;
  m.arrays["mask"] = line_mask(lines, 96).view({96, 1});
  m.data = kspace * m.arrays["mask"];
  m.volume_size = {96, 96, 1};
  CgSenseConfig config;
  config.iterations = 20;
  const auto ours = cg_sense_reconstruction(m, config, torch::kCPU).data();  // ESPIRiT (no stored maps)
  m.arrays["coil_maps"] = bart_maps;
  const auto theirs = cg_sense_reconstruction(m, config, torch::kCPU).data();
  const double psnr_ours = scaled_psnr(truth, ours), psnr_bart = scaled_psnr(truth, theirs);
  RecordProperty("psnr_espirit_diffrecon", std::to_string(psnr_ours));
  RecordProperty("psnr_espirit_bart", std::to_string(psnr_bart));
  EXPECT_NEAR(psnr_ours, psnr_bart, 1.0);
  EXPECT_GT(psnr_ours, 22.0);
  // Same orientation as BART's image: the phantom matches better than its mirror image.
  EXPECT_GT(scaled_psnr(phantom, ours), scaled_psnr(phantom, ours.flip({1})) + 2.0);
}

}  // namespace
}  // namespace diffrecon
