// diffrecon batch: every study of a manifest reconstructed in a process of its own (`diffrecon
// reconstruct`), so a bad file, an exhausted memory or a crash ends that study only. Layout of OUT:
//   OUT/<id>/       a finished study (done or failed): recon.nii.gz, qa.json, preview.png (and std.nii.gz
//                   with samples) when done, log.txt, study.json (status, hash of inputs and settings,
//                   time, attempts, error)
//   OUT/.partial/   studies in progress; a study moves to OUT/<id>/ by rename(2) once its process ended
//   OUT/summary.csv, OUT/summary.json, OUT/report.html   every study of the manifest, rewritten after
//                   each one
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "cli/batch/child_process.h"
#include "cli/batch/content_hash.h"
#include "cli/batch/html_report.h"
#include "cli/batch/manifest.h"
#include "cli/batch/study_record.h"
#include "cli/command.h"
#include "cli/text_file.h"
#include "core/error.h"
#include "core/logging.h"
#include "core/threading.h"

namespace diffrecon::cli {

void add_reconstruct_options(po::options_description& options);

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kVolumeName = "recon.nii.gz";
constexpr const char* kPartialFolder = ".partial";
// Options the batch sets for every study; a manifest column may override seed and device only.
const std::set<std::string> kReservedColumns{"output",       "qa",       "preview",   "std-output",
                                             "dicom-output", "threads",  "config",    "help",
                                             "quiet",        "progress", "executable"};
const std::set<std::string> kCommonColumns{"seed", "device", "log-level", "fftw-measure"};

struct Settings {
  fs::path out;
  std::string executable;
  std::string device;
  int64_t seed = 0;
  int threads_per_study = 1;
  int jobs = 1;
  int retries = 0;
  bool resume = false;
};

// Manifest columns beyond id/input/method/prior/reference must be `reconstruct` options.
void check_columns(const std::vector<Study>& studies) {
  po::options_description reconstruct;
  add_reconstruct_options(reconstruct);
  for (const Study& s : studies)
    for (const auto& [name, value] : s.options)
      if (kReservedColumns.count(name) ||
          (!kCommonColumns.count(name) && !reconstruct.find_nothrow(name, false)))
        throw UsageError(
            "manifest column '" + name + "' (study " + s.id +
            ") is not a reconstruct option a study may set (see 'diffrecon reconstruct --help')");
}

// The hash that --resume compares: every input's content and every setting of the study.
std::string study_hash(const Study& s, const Settings& settings) {
  std::string text =
      "diffrecon " DIFFRECON_VERSION "\nmethod=" + s.method + "\ninput=" + content_hash(s.input);
  if (!s.prior.empty()) text += "\nprior=" + content_hash(s.prior);
  if (!s.reference.empty()) text += "\nreference=" + content_hash(s.reference);
  text += "\nseed=" + std::to_string(settings.seed) + "\ndevice=" + settings.device;
  for (const auto& [name, value] : s.options)
    text += "\n" + name + "=" + (is_path_option(name) ? content_hash(value) : value);
  return text_hash(text);
}

std::vector<std::string> study_command(const Study& s, const Settings& settings, const fs::path& folder) {
  std::vector<std::string> argv{settings.executable,
                                "reconstruct",
                                "--input",
                                s.input,
                                "--method",
                                s.method,
                                "--output",
                                (folder / kVolumeName).string(),
                                "--qa",
                                (folder / "qa.json").string(),
                                "--preview",
                                (folder / "preview.png").string(),
                                "--threads",
                                std::to_string(settings.threads_per_study),
                                "--progress",
                                "lines"};
  if (!s.prior.empty()) argv.insert(argv.end(), {"--prior", s.prior});
  if (!s.reference.empty()) argv.insert(argv.end(), {"--reference", s.reference});
  std::set<std::string> given;
  for (const auto& [name, value] : s.options) {
    argv.insert(argv.end(), {"--" + name, value});
    given.insert(name);
  }
  // A derived DICOM series joins the study of reference-dicom, or of a DICOM series given as input.
  if (given.count("reference-dicom") || fs::is_directory(s.input))
    argv.insert(argv.end(), {"--dicom-output", (folder / "dicom").string()});
  if (given.count("samples") && s.options_value("samples") != "1")
    argv.insert(argv.end(), {"--std-output", (folder / "std.nii.gz").string()});
  if (!given.count("seed")) argv.insert(argv.end(), {"--seed", std::to_string(settings.seed)});
  if (!given.count("device")) argv.insert(argv.end(), {"--device", settings.device});
  return argv;
}

// The last error line of a study's log (reconstruct prints errors as one line).
std::string error_from_log(const fs::path& log, int exit_code) {
  std::ifstream file(log);
  std::string line, last, last_error;
  while (std::getline(file, line)) {
    if (line.empty()) continue;
    last = line;
    if (line.find("error") != std::string::npos || line.rfind("diffrecon", 0) == 0) last_error = line;
  }
  std::string message = !last_error.empty() ? last_error : last;
  if (exit_code > 128)
    message = "killed by signal " + std::to_string(exit_code - 128) + (message.empty() ? "" : "; " + message);
  return message.empty() ? "exit code " + std::to_string(exit_code) : message;
}

// Replaces OUT/<id> by the finished folder `partial` (two renames; a crash between them leaves the
// study to be redone, never a mix of two runs).
void publish(const fs::path& partial, const fs::path& final_folder) {
  if (fs::exists(final_folder)) {
    const fs::path old = partial.string() + ".old";
    fs::remove_all(old);
    fs::rename(final_folder, old);
    fs::rename(partial, final_folder);
    fs::remove_all(old);
  } else {
    fs::rename(partial, final_folder);
  }
}

class BatchRun {
 public:
  BatchRun(std::vector<Study> manifest, std::vector<Study> selected, Settings settings)
      : manifest_(std::move(manifest)), settings_(std::move(settings)) {
    for (Study& s : selected) {
      Job job;
      job.study = std::move(s);
      queue_.push_back(std::move(job));
    }
  }

  // Runs every queued study; returns the number that failed.
  int run() {
    fs::create_directories(settings_.out / kPartialFolder);
    int failed = 0;
    for (auto it = queue_.begin(); it != queue_.end();)
      it = skip_if_unchanged(it) ? queue_.erase(it) : std::next(it);
    Log(LogLevel::kInfo) << "batch: " << queue_.size() << " of " << manifest_.size() << " studies to run, "
                         << settings_.jobs << " at a time, " << settings_.threads_per_study
                         << " threads each";
    load_records();
    write_summary();
    while (!queue_.empty() || !running_.empty()) {
      while (!queue_.empty() && static_cast<int>(running_.size()) < settings_.jobs) {
        Job job = std::move(queue_.front());
        queue_.pop_front();
        start(std::move(job), failed);
      }
      if (running_.empty()) continue;
      const ChildExit exit = wait_for_child();
      const auto found = running_.find(exit.pid);
      if (found == running_.end()) continue;
      Job job = std::move(found->second);
      running_.erase(found);
      finish(std::move(job), exit.code, failed);
    }
    std::error_code ignored;
    fs::remove(settings_.out / kPartialFolder, ignored);  // only when empty (another shard may be running)
    load_records();  // other shards' studies as they are now
    write_summary();
    return failed;
  }

 private:
  struct Job {
    Study study;
    std::string hash;
    int attempts = 0;
    Clock::time_point started;
  };

  fs::path final_folder(const Study& s) const { return settings_.out / s.id; }
  fs::path partial_folder(const Study& s) const { return settings_.out / kPartialFolder / s.id; }

  bool skip_if_unchanged(std::deque<Job>::iterator job) {
    if (!settings_.resume) return false;
    const auto record = read_study_record(final_folder(job->study));
    if (!record || record->status != "done" || !fs::exists(final_folder(job->study) / kVolumeName))
      return false;
    try {
      job->hash = study_hash(job->study, settings_);  // kept: a study that runs needs it again
      if (record->hash != job->hash) return false;
    } catch (const Error&) {
      return false;  // an input is gone: run it to report that
    }
    Log(LogLevel::kInfo) << "batch: " << job->study.id << ": done and unchanged, skipped";
    return true;
  }

  void start(Job job, int& failed) {
    const fs::path partial = partial_folder(job.study);
    fs::remove_all(partial);
    fs::create_directories(partial);
    job.started = Clock::now();
    ++job.attempts;
    try {
      if (job.hash.empty()) job.hash = study_hash(job.study, settings_);
      const pid_t pid =
          start_child(study_command(job.study, settings_, partial), (partial / "log.txt").string());
      Log(LogLevel::kInfo) << "batch: " << job.study.id << ": started (" << job.study.method << ", attempt "
                           << job.attempts << ")";
      running_.emplace(pid, std::move(job));
    } catch (const Error& e) {
      // Missing or unreadable input: nothing to run or retry.
      conclude(job, "failed", -1, e.what());  // exit code -1: never started
      ++failed;
    }
  }

  void finish(Job job, int exit_code, int& failed) {
    const fs::path partial = partial_folder(job.study);
    const bool done = exit_code == 0 && fs::exists(partial / kVolumeName);
    if (!done && job.attempts <= settings_.retries) {
      Log(LogLevel::kWarning) << "batch: " << job.study.id << ": attempt " << job.attempts << " failed ("
                              << error_from_log(partial / "log.txt", exit_code) << "); retrying";
      queue_.push_front(std::move(job));
      return;
    }
    if (!done) ++failed;
    conclude(job, done ? "done" : "failed", exit_code,
             done ? "" : error_from_log(partial / "log.txt", exit_code));
  }

  void conclude(const Job& job, const std::string& status, int exit_code, const std::string& error) {
    StudyRecord record;
    record.id = job.study.id;
    record.status = status;
    record.input = job.study.input;
    record.method = job.study.method;
    record.hash = job.hash;
    record.seconds = std::chrono::duration<double>(Clock::now() - job.started).count();
    record.attempts = job.attempts;
    record.exit_code = exit_code;
    record.error = error;
    const fs::path partial = partial_folder(job.study);
    fs::create_directories(partial);
    write_study_record(record, partial);
    publish(partial, final_folder(job.study));
    (status == "done" ? Log(LogLevel::kInfo) : Log(LogLevel::kError))
        << "batch: " << job.study.id << ": " << status << (error.empty() ? "" : ": " + error);
    records_[job.study.row] = record_of(job.study);
    write_summary();
  }

  // The study as its output folder has it (pending when there is no readable record).
  StudyRecord record_of(const Study& s) const {
    auto record = read_study_record(final_folder(s));
    if (record && record->id == s.id) return *record;
    StudyRecord pending;
    pending.id = s.id;
    pending.input = s.input;
    pending.method = s.method;
    return pending;
  }

  void load_records() {
    records_.clear();
    for (const Study& s : manifest_) records_.push_back(record_of(s));
  }

  // OUT/summary.csv, OUT/summary.json and OUT/report.html: every study of the manifest (all shards).
  void write_summary() const {
    write_summaries(records_, settings_.out);
    write_text_atomically(settings_.out / "report.html", html_report(records_, settings_.out));
  }

  std::vector<Study> manifest_;
  Settings settings_;
  std::deque<Job> queue_;
  std::map<pid_t, Job> running_;
  std::vector<StudyRecord> records_;  // in manifest order: row r at index r
};

// --shard, else Slurm's job-array variables, else the whole manifest.
Shard shard_of(const po::variables_map& vm) {
  try {
    if (vm.count("shard")) return parse_shard(vm["shard"].as<std::string>());
    const char* task = std::getenv("SLURM_ARRAY_TASK_ID");
    const char* count = std::getenv("SLURM_ARRAY_TASK_COUNT");
    if (task && count) return parse_shard(std::string(task) + "/" + count);
  } catch (const InvalidArgument& e) {
    throw UsageError(std::string("--shard: ") + e.what());
  }
  return {};
}

}  // namespace

void add_batch_options(po::options_description& options) {
  // clang-format off
  options.add_options()
      ("manifest", po::value<std::string>()->required()->value_name("FILE"),
       "studies.csv (header: id,input,method[,prior][,reference][,any reconstruct option]) or studies.json "
       "(a list of objects with those keys); relative paths are relative to the manifest")
      ("output-dir", po::value<std::string>()->required()->value_name("OUT"),
       "results: OUT/<id>/ per study, OUT/summary.csv, OUT/summary.json and OUT/report.html")
      ("jobs", po::value<int>()->default_value(1)->value_name("N"),
       "studies at a time, each in its own process with --threads / N threads")
      ("shard", po::value<std::string>()->value_name("i/N"),
       "run only the studies of rows r with r mod N = i (default: from SLURM_ARRAY_TASK_ID and "
       "SLURM_ARRAY_TASK_COUNT when set, else every study)")
      ("resume", po::bool_switch(), "skip studies done before with unchanged inputs and settings")
      ("retries", po::value<int>()->default_value(0)->value_name("K"), "run a failed study up to K more times")
      ("executable", po::value<std::string>()->value_name("PATH"),
       "the diffrecon executable that runs each study (default: this one)");
  // clang-format on
}

int run_batch(const Context& context) {
  const auto& vm = context.options;
  Settings settings;
  settings.out = fs::absolute(vm["output-dir"].as<std::string>());
  settings.jobs = vm["jobs"].as<int>();
  settings.retries = vm["retries"].as<int>();
  settings.resume = vm["resume"].as<bool>();
  settings.seed = static_cast<int64_t>(context.seed);
  settings.device = vm["device"].as<std::string>();
  if (settings.jobs < 1 || settings.retries < 0) throw UsageError("--jobs must be >= 1 and --retries >= 0");
  settings.executable = vm.count("executable") ? vm["executable"].as<std::string>()
                                               : fs::read_symlink("/proc/self/exe").string();
  const int threads = vm["threads"].as<int>() > 0 ? vm["threads"].as<int>() : hardware_threads();
  settings.threads_per_study = std::max(1, threads / settings.jobs);

  std::vector<Study> manifest;
  try {
    manifest = read_manifest(vm["manifest"].as<std::string>());
  } catch (const InvalidArgument& e) {
    throw UsageError(e.what());
  }
  check_columns(manifest);
  const Shard shard = shard_of(vm);
  std::vector<Study> selected = select_shard(manifest, shard);
  fs::create_directories(settings.out);

  BatchRun batch(manifest, selected, settings);
  const int failed = batch.run();
  context.out << "batch: " << selected.size() << " studies";
  if (shard.count > 1) context.out << " (shard " << shard.index << "/" << shard.count << ")";
  context.out << ", " << failed << " failed; summary in " << (settings.out / "summary.csv").string() << "\n";
  return failed > 0 ? 1 : 0;
}

}  // namespace diffrecon::cli
