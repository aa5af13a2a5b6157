#include "itk/reconstruction_image_filter.h"

#include <gtest/gtest.h>
#include <itkCommand.h>

#include "data/io/measurement_file.h"
#include "data/phantoms/ellipsoid_phantom.h"
#include "pipelines/ct/ct_problem.h"
#include "pipelines/ct/simulate_ct.h"
#include "pipelines/reconstruction_methods.h"
#include "testing/scratch_directory.h"

namespace diffrecon {
namespace {

class ReconstructionImageFilterTest : public testing::ScratchDirectoryTest {
 protected:
  void SetUp() override {
    testing::ScratchDirectoryTest::SetUp();
    Geometry geometry;
    geometry.spacing = {2.0, 2.5, 3.0};
    geometry.origin = {-20, 15, 7};
    CtScan scan;
    scan.angles = sparse_view_angles(12);
    measurement_ = std::make_unique<Measurement>(
        simulate_ct(Volume(shepp_logan_3d(6, 20, 24) * 0.02f, geometry), scan, {}, 1));
    write_measurement(*measurement_, path("scan.h5"));
  }
  std::unique_ptr<Measurement> measurement_;
};

// Counts the events of one kind and keeps the last progress.
struct EventLog {
  int iterations = 0;
  int progress_events = 0;
  float last_progress = -1;
};

TEST_F(ReconstructionImageFilterTest, ProducesTheRegistryResultWithTheMeasurementsGeometryAndEvents) {
  auto filter = ReconstructionImageFilter::New();
  filter->SetMeasurementFile(path("scan.h5"));
  filter->SetMethod("cgls");
  filter->SetSetting("iterations", "7");
  EXPECT_EQ(filter->GetSetting("iterations"), "7");

  filter->UpdateOutputInformation();
  const auto* info = filter->GetOutput();
  EXPECT_EQ(info->GetLargestPossibleRegion().GetSize()[0], 24u);
  EXPECT_EQ(info->GetLargestPossibleRegion().GetSize()[1], 20u);
  EXPECT_EQ(info->GetLargestPossibleRegion().GetSize()[2], 6u);
  EXPECT_DOUBLE_EQ(info->GetSpacing()[1], 2.5);
  EXPECT_DOUBLE_EQ(info->GetOrigin()[0], -20);

  EventLog log;
  auto iteration = itk::CStyleCommand::New();
  iteration->SetClientData(&log);
  iteration->SetCallback(
      [](itk::Object*, const itk::EventObject&, void* data) { ++static_cast<EventLog*>(data)->iterations; });
  auto progress = itk::CStyleCommand::New();
  progress->SetClientData(&log);
  progress->SetCallback([](itk::Object* caller, const itk::EventObject&, void* data) {
    auto* events = static_cast<EventLog*>(data);
    ++events->progress_events;
    events->last_progress = static_cast<itk::ProcessObject*>(caller)->GetProgress();
  });
  filter->AddObserver(itk::IterationEvent(), iteration);
  filter->AddObserver(itk::ProgressEvent(), progress);
  filter->Update();

  ReconstructionRequest request;
  request.measurement = measurement_.get();
  request.settings = {{"iterations", "7"}};
  const auto expected = reconstruct(request, "cgls").data().contiguous();
  const auto* image = filter->GetOutput();
  const auto actual =
      torch::from_blob(const_cast<float*>(image->GetBufferPointer()), {6, 20, 24}, torch::kFloat);
  EXPECT_TRUE(torch::equal(actual, expected));
  EXPECT_EQ(log.iterations, 7);
  EXPECT_GE(log.progress_events, 2);
  EXPECT_FLOAT_EQ(log.last_progress, 1.0f);
}

TEST_F(ReconstructionImageFilterTest, DefaultsToTheClassicalMethodAndReportsErrorsAsItkExceptions) {
  auto filter = ReconstructionImageFilter::New();
  filter->SetMeasurementFile(path("scan.h5"));
  filter->Update();  // fbp
  EXPECT_GT(filter->GetOutput()->GetBufferPointer()[24 * 20 * 3 + 24 * 10 + 12], 0.0f);

  filter->SetMethod("nonsense");
  EXPECT_THROW(filter->Update(), itk::ExceptionObject);
  filter->SetMethod("dds");  // needs a prior
  EXPECT_THROW(filter->Update(), itk::ExceptionObject);

  auto missing = ReconstructionImageFilter::New();
  missing->SetMeasurementFile(path("absent.h5"));
  try {
    missing->Update();
    FAIL() << "a missing file was accepted";
  } catch (const itk::ExceptionObject& e) {
    EXPECT_NE(std::string(e.GetDescription()).find("absent.h5"), std::string::npos) << e.GetDescription();
  }
}

}  // namespace
}  // namespace diffrecon
