#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <mutex>
#include <set>
#include <thread>

#include "core/device.h"
#include "core/error.h"
#include "core/linalg.h"
#include "core/threading.h"

namespace diffrecon {
namespace {

TEST(Device, ParsesCpuAndRejectsUnknownNames) {
  EXPECT_EQ(parse_device("cpu"), torch::Device(torch::kCPU));
  EXPECT_THROW(parse_device("gpu"), InvalidArgument);
  EXPECT_THROW(parse_device("cuda:x"), InvalidArgument);
  EXPECT_THROW(parse_device("cudax"), InvalidArgument);
  EXPECT_EQ(available_devices().front(), torch::Device(torch::kCPU));
}

TEST(Device, CudaRequestFailsClearlyWithoutCuda) {
  if (cuda_available()) GTEST_SKIP() << "CUDA is available here";
  try {
    parse_device("cuda");
    FAIL();
  } catch (const NotSupported& e) {
    EXPECT_NE(std::string(e.what()).find("CUDA is not available"), std::string::npos);
  }
}

TEST(Threading, ThreadCountFollowsTheSetting) {
  set_thread_count(1);
  EXPECT_EQ(thread_count(), 1);
  set_thread_count(0);
  EXPECT_EQ(thread_count(), hardware_threads());
  std::atomic<int64_t> total{0};
  parallel_for(0, 1000, 10, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) total += i;
  });
  EXPECT_EQ(total.load(), 999 * 1000 / 2);
}

TEST(Threading, ParallelForRunsChunksOnSeveralThreads) {
  // Regression: built without OpenMP, at::parallel_for silently ran everything on the calling thread.
  set_thread_count(2);
  std::mutex mutex;
  std::set<std::thread::id> threads;
  parallel_for(0, 2, 1, [&](int64_t, int64_t) {
    const std::lock_guard<std::mutex> lock(mutex);
    threads.insert(std::this_thread::get_id());
  });
  set_thread_count(0);
  EXPECT_EQ(threads.size(), 2u);
}

TEST(Linalg, VdotConjugatesTheFirstArgument) {
  const auto a = torch::tensor({c10::complex<double>(1, 2), c10::complex<double>(0, 1)});
  const auto b = torch::tensor({c10::complex<double>(3, 0), c10::complex<double>(1, 1)});
  // conj(1+2i)·3 + conj(i)·(1+i) = (3 − 6i) + (1 − i) = 4 − 7i
  const auto d = inner_product(a, b);
  EXPECT_DOUBLE_EQ(d.real(), 4.0);
  EXPECT_DOUBLE_EQ(d.imag(), -7.0);
  EXPECT_DOUBLE_EQ(real_inner_product(a, b), 4.0);
  EXPECT_DOUBLE_EQ(norm2(a), std::sqrt(6.0));
  EXPECT_THROW(inner_product(a, torch::ones({3})), ShapeMismatch);
}

TEST(Linalg, BatchedVdotReducesTrailingDimensions) {
  const auto a = torch::arange(6, torch::kDouble).view({2, 3});
  const auto per_row = batched_real_inner_product(a, a, 1);
  EXPECT_TRUE(torch::equal(per_row, torch::tensor({5.0, 50.0}, torch::kDouble)));
  EXPECT_DOUBLE_EQ(batched_real_inner_product(a, a, 0).item<double>(), 55.0);
  EXPECT_THROW(batched_real_inner_product(a, a, 3), InvalidArgument);
}

}  // namespace
}  // namespace diffrecon
