#include "data/io/prior_file.h"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "data/io/png_file.h"
#include "testing/scratch_directory.h"

namespace diffrecon {
namespace {

using PriorFile = testing::ScratchDirectoryTest;

PriorModel small_model() {
  PriorModel m;
  m.architecture.base_channels = 8;
  m.architecture.channel_multipliers = {1, 2, 3};
  m.architecture.residual_blocks = 1;
  m.architecture.attention_levels = {2};
  m.architecture.groups = 4;
  m.architecture.embedding_channels = 16;
  m.sigma_data = 0.4;
  m.plane = SlicePlane::kCoronal;
  m.image_size = 32;
  m.training_data = "unit test";
  m.training_command = "diffrecon train --steps 1";
  m.training_steps = 17;
  torch::manual_seed(0);
  UNet network(m.architecture);
  for (auto& [name, tensor] : network.named_parameters()) m.parameters.emplace_back(name, torch::randn(tensor.sizes()));
  return m;
}

TEST_F(PriorFile, RoundTripsBitExactWithEveryAttribute) {
  const PriorModel m = small_model();
  write_prior(m, path("m.h5"));
  EXPECT_TRUE(is_prior_file(path("m.h5")));
  const PriorModel r = read_prior(path("m.h5"));
  EXPECT_EQ(r.architecture.base_channels, 8);
  EXPECT_EQ(r.architecture.channel_multipliers, (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(r.architecture.attention_levels, (std::vector<int64_t>{2}));
  EXPECT_EQ(r.architecture.groups, 4);
  EXPECT_EQ(r.architecture.embedding_channels, 16);
  EXPECT_EQ(r.sigma_data, 0.4);
  EXPECT_EQ(r.plane, SlicePlane::kCoronal);
  EXPECT_EQ(r.image_size, 32);
  EXPECT_EQ(r.intensity_percentile, 99.5);
  EXPECT_EQ(r.training_data, "unit test");
  EXPECT_EQ(r.training_command, "diffrecon train --steps 1");
  EXPECT_EQ(r.training_steps, 17);
  ASSERT_EQ(r.parameters.size(), m.parameters.size());
  for (size_t i = 0; i < m.parameters.size(); ++i) {
    EXPECT_EQ(r.parameters[i].first, m.parameters[i].first);
    EXPECT_TRUE(torch::equal(r.parameters[i].second, m.parameters[i].second)) << m.parameters[i].first;
  }
  EXPECT_EQ(content_hash(r.parameters), content_hash(m.parameters));
  // The same weights give the same denoiser outputs.
  const auto x = torch::randn({1, 1, 8, 8});
  const auto sigma = torch::tensor({0.3f});
  EXPECT_TRUE(torch::equal(make_denoiser(m)->denoise(x, sigma), make_denoiser(r)->denoise(x, sigma)));
  EXPECT_THROW(read_training_state(path("m.h5")), IoError);
}

TEST_F(PriorFile, CheckpointsCarryTheTrainingState) {
  PriorModel m = small_model();
  EdmDenoiser denoiser(UNet(m.architecture), m.sigma_data);
  TrainingConfig config;
  config.seed = 42;
  Trainer trainer(denoiser, config);
  trainer.step([](at::Generator& g) { return torch::rand({2, 1, 8, 8}, g); });
  const TrainingState state = trainer.snapshot();
  m.parameters = state.ema;
  write_prior(m, path("c.h5"), &state);
  const TrainingState r = read_training_state(path("c.h5"));
  EXPECT_EQ(r.step, 1);
  EXPECT_EQ(r.seed, 42u);
  for (const auto& [read, written] : {std::pair{&r.online, &state.online}, {&r.ema, &state.ema},
                                      {&r.first_moment, &state.first_moment}, {&r.second_moment, &state.second_moment}})
    for (size_t i = 0; i < written->size(); ++i)
      EXPECT_TRUE(torch::equal((*read)[i].second, (*written)[i].second)) << (*written)[i].first;
}

TEST_F(PriorFile, RejectsDamagedOrForeignFiles) {
  write_prior(small_model(), path("m.h5"));
  {  // change one weight behind the writer's back: the content hash no longer matches
    hid_t file = H5Fopen(path("m.h5").c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    ASSERT_GE(file, 0);
    hid_t dataset = H5Dopen2(file, "/parameters/output.bias", H5P_DEFAULT);
    ASSERT_GE(dataset, 0);
    const float value = 123.0f;
    hid_t space = H5Dget_space(dataset);
    const hsize_t start = 0, count = 1;
    H5Sselect_hyperslab(space, H5S_SELECT_SET, &start, nullptr, &count, nullptr);
    hid_t memory = H5Screate_simple(1, &count, nullptr);
    ASSERT_GE(H5Dwrite(dataset, H5T_NATIVE_FLOAT, memory, space, H5P_DEFAULT, &value), 0);
    H5Sclose(memory);
    H5Sclose(space);
    H5Dclose(dataset);
    H5Fclose(file);
  }
  try {
    read_prior(path("m.h5"));
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("/content_hash"), std::string::npos) << e.what();
  }
  // Truncated, missing, not HDF5.
  write_prior(small_model(), path("t.h5"));
  std::filesystem::resize_file(path("t.h5"), std::filesystem::file_size(path("t.h5")) / 2);
  EXPECT_THROW(read_prior(path("t.h5")), IoError);
  EXPECT_THROW(read_prior(path("none.h5")), IoError);
  std::ofstream(path("text.h5")) << "not a model";
  EXPECT_THROW(read_prior(path("text.h5")), IoError);
  EXPECT_FALSE(is_prior_file(path("text.h5")));
}

TEST_F(PriorFile, PngGridsHaveTheRightLayoutAndBytes) {
  const auto images = torch::stack({torch::zeros({3, 4}), torch::ones({3, 4}), torch::full({3, 4}, 0.5)});
  const auto grid = image_grid(images, 2, 0.0, 1.0, 1);
  EXPECT_EQ(grid.sizes(), (std::vector<int64_t>{2 * 4 + 1, 2 * 5 + 1}));
  EXPECT_EQ(grid[1][1].item<int>(), 0);
  EXPECT_EQ(grid[1][6].item<int>(), 255);
  EXPECT_EQ(grid[5][1].item<int>(), 128);
  EXPECT_EQ(grid[0][0].item<int>(), 0);  // the border
  write_png(grid, path("g.png"));
  std::ifstream in(path("g.png"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(bytes.size(), 33u);
  EXPECT_EQ(bytes.substr(1, 3), "PNG");
  EXPECT_EQ(bytes.substr(12, 4), "IHDR");
  EXPECT_EQ(static_cast<unsigned char>(bytes[19]), 11);  // width, big-endian
  EXPECT_EQ(static_cast<unsigned char>(bytes[23]), 9);   // height
  EXPECT_EQ(bytes.substr(bytes.size() - 8, 4), "IEND");
  EXPECT_THROW(write_png(torch::zeros({2, 2}), path("bad.png")), InvalidArgument);  // not uint8
}

}  // namespace
}  // namespace diffrecon
