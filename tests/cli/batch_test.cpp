// diffrecon batch end to end with the real executable (each study runs in a process of its own).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "cli/batch/child_process.h"
#include "cli/command.h"
#include "cli/invoke.h"
#include "data/io/dicom_io.h"
#include "data/io/volume_io.h"
#include "data/phantoms/ellipsoid_phantom.h"
#include "testing/scratch_directory.h"

namespace diffrecon::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The command, quietly on two threads; its exit code.
int invoke(std::vector<std::string> args) {
  args.insert(args.end(), {"--quiet", "--threads", "2"});
  return testing::invoke(args).code;
}

json read_json(const fs::path& path) {
  std::ifstream file(path);
  return json::parse(file);
}

std::map<std::string, std::string> statuses(const fs::path& out) {
  std::map<std::string, std::string> result;
  const json summary = read_json(out / "summary.json");
  for (const auto& study : summary["studies"])
    result[study["id"].get<std::string>()] = study["status"].get<std::string>();
  return result;
}

// Paths under `out` that a finished batch must not leave: staging folders and temporary files.
std::vector<std::string> leftovers(const fs::path& out) {
  std::vector<std::string> found;
  for (const auto& entry : fs::recursive_directory_iterator(out)) {
    const std::string name = entry.path().filename().string();
    if (name == ".partial" || name.find(".tmp") != std::string::npos ||
        name.find(".old") != std::string::npos)
      found.push_back(entry.path().string());
  }
  return found;
}

// Six studies of a 24³ head: CT and MRI ones that work (one slow), a corrupt file, a missing file.
class Batch : public testing::ScratchDirectoryTest {
 protected:
  void SetUp() override {
    testing::ScratchDirectoryTest::SetUp();
    Geometry geometry;
    geometry.spacing = {2.0, 2.0, 2.0};
    write_volume(Volume(shepp_logan_3d(12, 24, 24), geometry), path("head.nii.gz"));
    ASSERT_EQ(invoke({"simulate", "ct", "--input", path("head.nii.gz"), "--output", path("ct.h5"), "--views",
                      "8", "--scale", "0.02"}),
              0);
    ASSERT_EQ(invoke({"simulate", "mri", "--input", path("head.nii.gz"), "--output", path("mri.h5"),
                      "--coils", "4", "--acceleration", "4"}),
              0);
    std::ifstream ct(path("ct.h5"), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(ct)), std::istreambuf_iterator<char>());
    std::ofstream(path("corrupt.h5"), std::ios::binary) << bytes.substr(0, bytes.size() / 3);
    std::ofstream(path("studies.csv"))
        << "id,input,method,reference,iterations\n"
           "ct-fbp,ct.h5,fbp,,\n"
           "ct-admm,ct.h5,admm-tv,,40\n"  // the one to be killed in the middle
           "mri-zero-filled,mri.h5,zero-filled,head.nii.gz,\n"
           "mri-cg-sense,mri.h5,cg-sense,head.nii.gz,10\n"
           "corrupt,corrupt.h5,fbp,,\n"
           "missing,absent.h5,fbp,,\n";
  }
  std::vector<std::string> batch_args(const std::string& out) const {
    return {"batch", path("studies.csv"), "--output-dir", path(out), "--executable", DIFFRECON_EXECUTABLE};
  }
};

TEST_F(Batch, GoodStudiesFinishBadOnesAreReportedAndTheExitCodeIsOne) {
  EXPECT_EQ(invoke(batch_args("out")), 1);
  const fs::path out = dir_ / "out";
  EXPECT_EQ(statuses(out), (std::map<std::string, std::string>{{"ct-fbp", "done"},
                                                               {"ct-admm", "done"},
                                                               {"mri-zero-filled", "done"},
                                                               {"mri-cg-sense", "done"},
                                                               {"corrupt", "failed"},
                                                               {"missing", "failed"}}));
  for (const char* id : {"ct-fbp", "ct-admm", "mri-zero-filled", "mri-cg-sense"}) {
    EXPECT_TRUE(fs::exists(out / id / "recon.nii.gz")) << id;
    const json qa = read_json(out / id / "qa.json");
    EXPECT_LT(qa["data_consistency"].get<double>(), 1.0) << id;
    EXPECT_GE(qa["classical"]["relative_difference"].get<double>(), 0.0) << id;
    EXPECT_GT(qa["peak_memory_mib"].get<double>(), 0.0) << id;
  }
  // The iterative methods fit the data better than the classical ones.
  EXPECT_LT(read_json(out / "mri-cg-sense" / "qa.json")["data_consistency"].get<double>(),
            read_json(out / "mri-zero-filled" / "qa.json")["data_consistency"].get<double>());
  EXPECT_GT(read_json(out / "mri-cg-sense" / "qa.json")["reference"]["psnr"].get<double>(), 20.0);
  const json summary = read_json(out / "summary.json");
  for (const auto& study : summary["studies"]) {
    if (study["id"] == "corrupt")
      EXPECT_NE(study["error"].get<std::string>().find("corrupt.h5"), std::string::npos);
    if (study["id"] == "missing")
      EXPECT_NE(study["error"].get<std::string>().find("does not exist"), std::string::npos);
  }
  std::ifstream csv(out / "summary.csv");
  std::string header;
  std::getline(csv, header);
  EXPECT_EQ(header.rfind("id,status,method,input,seconds", 0), 0u);
  EXPECT_TRUE(leftovers(out).empty());
}

TEST_F(Batch, KilledInTheMiddleAndResumedLosesOnlyTheStudyInProgress) {
  const fs::path out = dir_ / "out";
  std::vector<std::string> argv{DIFFRECON_EXECUTABLE};
  for (const auto& a : batch_args("out")) argv.push_back(a);
  argv.insert(argv.end(), {"--threads", "2"});
  const pid_t batch = start_child(argv, path("batch.log"));
  // Kill it (SIGKILL) once the first study is published and the slow second one is running.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!(fs::exists(out / "ct-fbp" / "study.json") && fs::exists(out / ".partial" / "ct-admm")) &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(fs::exists(out / ".partial" / "ct-admm")) << "the batch never reached its second study";
  ::kill(batch, SIGKILL);
  ::waitpid(batch, nullptr, 0);
  EXPECT_FALSE(fs::exists(out / "ct-admm"));  // the study in progress is not published half-done
  const auto finished = fs::last_write_time(out / "ct-fbp" / "recon.nii.gz");

  EXPECT_EQ(invoke([&] {
              auto args = batch_args("out");
              args.push_back("--resume");
              return args;
            }()),
            1);
  EXPECT_EQ(fs::last_write_time(out / "ct-fbp" / "recon.nii.gz"), finished);  // not redone
  const auto status = statuses(out);
  EXPECT_EQ(status.at("ct-admm"), "done");
  EXPECT_EQ(status.at("mri-cg-sense"), "done");
  EXPECT_EQ(status.at("corrupt"), "failed");
  EXPECT_TRUE(leftovers(out).empty());

  // On --resume a study whose input changed is redone, an unchanged one is not.
  const auto admm = fs::last_write_time(out / "ct-admm" / "study.json");
  const auto zero_filled = fs::last_write_time(out / "mri-zero-filled" / "study.json");
  std::ofstream(path("mri.h5"), std::ios::app) << " ";
  auto resume = batch_args("out");
  resume.push_back("--resume");
  EXPECT_EQ(invoke(resume), 1);
  EXPECT_EQ(fs::last_write_time(out / "ct-admm" / "study.json"), admm);
  EXPECT_NE(fs::last_write_time(out / "mri-zero-filled" / "study.json"), zero_filled);
}

TEST_F(Batch, TwoShardsCoverTheManifestExactlyOnce) {
  std::ofstream(path("studies.csv")) << "id,input,method\na,ct.h5,fbp\nb,ct.h5,fbp\nc,mri.h5,zero-filled\n"
                                        "d,ct.h5,fbp\ne,mri.h5,zero-filled\n";
  std::multiset<std::string> done;
  for (const char* shard : {"0/2", "1/2"}) {
    auto args = batch_args(std::string("out") + shard[0]);
    args.insert(args.end(), {"--shard", shard});
    EXPECT_EQ(invoke(args), 0);
    for (const auto& [id, status] : statuses(dir_ / (std::string("out") + shard[0])))
      if (status == "done") done.insert(id);
  }
  EXPECT_EQ(done, (std::multiset<std::string>{"a", "b", "c", "d", "e"}));
}

// The output of `command` (stdout), or "" when it fails.
std::string output_of(const std::string& command) {
  std::string text;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buffer[4096];
    while (const size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) text.append(buffer, n);
    if (::pclose(pipe) != 0) return "";
  }
  return text;
}

TEST_F(Batch, ReportShowsEveryStudyAndItsImagesLoadInHeadlessChromium) {
  std::ofstream(path("studies.csv")) << "id,input,method,reference\n"
                                        "ct,ct.h5,cgls,\n"
                                        "mri,mri.h5,zero-filled,head.nii.gz\n"
                                        "missing,absent.h5,fbp,\n";
  EXPECT_EQ(invoke(batch_args("out")), 1);
  const fs::path report = dir_ / "out" / "report.html";
  std::ifstream file(report);
  const std::string html((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  for (const char* expected : {"<img src=\"ct/preview.png\"", "<img src=\"mri/preview.png\"",
                               "absent.h5 does not exist", "3 studies: 2 done, 1 failed"})
    EXPECT_NE(html.find(expected), std::string::npos) << expected;
  EXPECT_TRUE(fs::exists(dir_ / "out" / "mri" / "preview.png"));

  if (std::system("command -v chromium > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "chromium is not installed (Debian: chromium; scripts/install_dependencies.sh)";
  const std::string dom = output_of(
      "timeout 120 chromium --headless --no-sandbox --disable-gpu --virtual-time-budget=5000 "
      "--dump-dom 'file://" +
      report.string() + "' 2>/dev/null");
  EXPECT_NE(dom.find("data-images=\"2/2\""), std::string::npos) << dom.substr(0, 2000);
}

TEST_F(Batch, DicomLinkedOutputsJoinTheReferenceStudy) {
  VolumeWriteOptions modality;
  modality.dicom.modality = "CT";
  write_volume(read_volume(path("head.nii.gz")), path("patient/"), modality);
  std::ofstream(path("studies.csv")) << "id,input,method,reference-dicom\nct,ct.h5,fbp,patient\n";
  ASSERT_EQ(invoke(batch_args("out")), 0);
  const auto reference = list_dicom_series(path("patient")),
             derived = list_dicom_series(path("out/ct/dicom"));
  ASSERT_EQ(derived.size(), 1u);
  EXPECT_EQ(derived[0].study_uid, reference[0].study_uid);
  EXPECT_EQ(derived[0].frame_of_reference_uid, reference[0].frame_of_reference_uid);
  EXPECT_NE(derived[0].series_uid, reference[0].series_uid);
  EXPECT_EQ(derived[0].referenced_series_uid, reference[0].series_uid);
  EXPECT_EQ(derived[0].files, 12u);
  std::ifstream slice(dir_ / "out" / "ct" / "dicom" / "IM00001.dcm", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(slice)), std::istreambuf_iterator<char>());
  EXPECT_NE(bytes.find("reconstructed by diffrecon " DIFFRECON_VERSION " (fbp)"), std::string::npos);
}

TEST_F(Batch, ThickSliceDicomInputGetsItsDerivedSeriesInTheSameStudy) {
  // The 12 slices of the head as 6 thick MR slices (2 thin each) in a DICOM series.
  const Volume head = read_volume(path("head.nii.gz"));
  const auto thick = head.data().view({6, 2, 24, 24}).mean(1);
  Geometry geometry = head.geometry();
  geometry.spacing[2] *= 2;
  write_volume(Volume(thick, geometry), path("thick/"));
  std::ofstream(path("studies.csv")) << "id,input,method,slice-factor\nzsr,thick,interpolate,2\n";
  ASSERT_EQ(invoke(batch_args("out")), 0);
  EXPECT_EQ(read_volume(path("out/zsr/recon.nii.gz")).nz(), 12);
  const auto input = list_dicom_series(path("thick")), derived = list_dicom_series(path("out/zsr/dicom"));
  ASSERT_EQ(derived.size(), 1u);
  EXPECT_EQ(derived[0].study_uid, input[0].study_uid);
  EXPECT_EQ(derived[0].referenced_series_uid, input[0].series_uid);
  EXPECT_EQ(derived[0].files, 12u);
  // Without the slice factor a volume is not a measurement: the study fails with a clear error.
  std::ofstream(path("studies.csv")) << "id,input,method\nzsr,thick,interpolate\n";
  EXPECT_EQ(invoke(batch_args("out2")), 1);
  std::ifstream log(dir_ / "out2" / "zsr" / "log.txt");
  const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("--slice-factor"), std::string::npos) << text;
}

TEST_F(Batch, UnknownColumnsAndBadShardsAreBadUsage) {
  std::ofstream(path("studies.csv")) << "id,input,method,colour\na,ct.h5,fbp,red\n";
  EXPECT_EQ(invoke(batch_args("out")), 2);
  std::ofstream(path("studies.csv")) << "id,input,method,output\na,ct.h5,fbp,x.nii\n";
  EXPECT_EQ(invoke(batch_args("out")), 2);
  std::ofstream(path("studies.csv")) << "id,input,method\na,ct.h5,fbp\n";
  auto args = batch_args("out");
  args.insert(args.end(), {"--shard", "2/2"});
  EXPECT_EQ(invoke(args), 2);
}

}  // namespace
}  // namespace diffrecon::cli
