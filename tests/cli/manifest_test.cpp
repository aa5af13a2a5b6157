#include "cli/batch/manifest.h"

#include <gtest/gtest.h>

#include <fstream>

#include "cli/batch/content_hash.h"
#include "core/error.h"
#include "testing/scratch_directory.h"

namespace diffrecon::cli {
namespace {

TEST(BatchManifest, CsvWithQuotesCrlfOptionalColumnsAndOverrides) {
  const auto studies = parse_csv_manifest(
      "id,input,method,prior,steps\r\n"
      "a,\"x, y.h5\",dds,m.h5,20\r\n"
      "b,z.h5,fbp,,\r\n"
      "\r\n"
      "c,\"say \"\"hi\"\".h5\",cgls,,5\n",
      "s.csv");
  ASSERT_EQ(studies.size(), 3u);
  EXPECT_EQ(studies[0].input, "x, y.h5");
  EXPECT_EQ(studies[0].prior, "m.h5");
  ASSERT_EQ(studies[0].options.size(), 1u);
  EXPECT_EQ(studies[0].options[0], (std::pair<std::string, std::string>{"steps", "20"}));
  EXPECT_TRUE(studies[1].options.empty());  // empty cells are not options
  EXPECT_EQ(studies[2].input, "say \"hi\".h5");
  EXPECT_EQ(studies[2].row, 2u);
}

TEST(BatchManifest, JsonListOfObjects) {
  const auto studies = parse_json_manifest(
      R"([{"id": "a", "input": "a.h5", "method": "dds", "steps": 20, "eta": 0.5, "quiet": true},
          {"id": "b", "input": "b.h5", "method": "fbp", "reference": "r.nii.gz"}])",
      "s.json");
  ASSERT_EQ(studies.size(), 2u);
  EXPECT_EQ(studies[1].reference, "r.nii.gz");
  std::map<std::string, std::string> options(studies[0].options.begin(), studies[0].options.end());
  EXPECT_EQ(options["steps"], "20");
  EXPECT_EQ(options["eta"], "0.5");
  EXPECT_EQ(options["quiet"], "true");
}

TEST(BatchManifest, MalformedManifestsNameWhatIsWrong) {
  const auto message = [](const std::string& text, bool json = false) -> std::string {
    try {
      json ? parse_json_manifest(text, "m") : parse_csv_manifest(text, "m");
    } catch (const InvalidArgument& e) {
      return e.what();
    }
    return "accepted";
  };
  EXPECT_NE(message("id,input\na,b.h5\n").find("'method' is missing"), std::string::npos);
  EXPECT_NE(message("id,input,method\na,b.h5\n").find("row 1: 2 fields"), std::string::npos);
  EXPECT_NE(message("id,input,method\na,b,fbp\na,c,fbp\n").find("id 'a' appears in rows 1 and 2"),
            std::string::npos);
  EXPECT_NE(message("id,input,method\n../x,b,fbp\n").find("must be"), std::string::npos);
  EXPECT_NE(message("id,input,method\n.hidden,b,fbp\n").find("must be"), std::string::npos);
  EXPECT_NE(message("id,input,method\na,\"b,fbp\n").find("unterminated"), std::string::npos);
  EXPECT_NE(message("").find("empty manifest"), std::string::npos);
  EXPECT_NE(message("{\"id\": 1}", true).find("list"), std::string::npos);
  EXPECT_NE(message("[{\"id\": \"a\", \"input\": [1], \"method\": \"fbp\"}]", true).find("'input'"),
            std::string::npos);
  EXPECT_NE(message("[{\"id\": ", true).find("not valid JSON"), std::string::npos);
}

class BatchManifestFile : public testing::ScratchDirectoryTest {};

TEST_F(BatchManifestFile, RelativePathsAreRelativeToTheManifest) {
  std::ofstream(path("s.csv")) << "id,input,method,prior\na,data/a.h5,fbp,/abs/m.h5\n";
  const auto studies = read_manifest(path("s.csv"));
  EXPECT_EQ(studies[0].input, (dir_ / "data/a.h5").string());
  EXPECT_EQ(studies[0].prior, "/abs/m.h5");
  std::ofstream(path("s.txt")) << "x";
  EXPECT_THROW(read_manifest(path("s.txt")), InvalidArgument);
  EXPECT_THROW(read_manifest(path("absent.csv")), IoError);
}

TEST_F(BatchManifestFile, ContentHashFollowsTheBytesOfFilesAndFolders) {
  std::ofstream(path("a")) << "one";
  const std::string first = content_hash(path("a"));
  EXPECT_EQ(first, content_hash(path("a")));
  std::ofstream(path("a")) << "two";
  EXPECT_NE(first, content_hash(path("a")));
  std::filesystem::create_directories(dir_ / "series");
  std::ofstream(path("series/1.dcm")) << "x";
  const std::string folder = content_hash(path("series"));
  std::ofstream(path("series/2.dcm")) << "y";
  EXPECT_NE(folder, content_hash(path("series")));
  EXPECT_THROW(content_hash(path("absent")), IoError);
}

TEST(BatchShards, PartitionTheManifestExactlyOnce) {
  std::vector<Study> studies(7);
  for (size_t i = 0; i < studies.size(); ++i) studies[i].row = i;
  std::vector<int> seen(studies.size(), 0);
  for (int i = 0; i < 3; ++i)
    for (const Study& s : select_shard(studies, parse_shard(std::to_string(i) + "/3"))) ++seen[s.row];
  for (const int count : seen) EXPECT_EQ(count, 1);
  for (const char* bad : {"2/2", "1", "a/2", "0/0", "-1/2", "1/2/3"})
    EXPECT_THROW(parse_shard(bad), InvalidArgument) << bad;
}

}  // namespace
}  // namespace diffrecon::cli
