#include <torch/version.h>

#include <fstream>
#include <sstream>

#include "cli/command.h"
#include "core/device.h"
#include "core/error.h"
#include "core/logging.h"
#include "core/progress.h"
#include "core/threading.h"
#include "operators/mri/centred_fft.h"

namespace diffrecon::cli {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

po::options_description common_options() {
  po::options_description options("Common options");
  options.add_options()
      ("help,h", "show this help and exit")
      ("config", po::value<std::string>()->value_name("FILE"),
       "read options from an INI file (key = value, option names without '--'); the command line wins")
      ("threads", po::value<int>()->default_value(0)->value_name("N"), "CPU threads; 0 uses all cores")
      ("device", po::value<std::string>()->default_value("cpu")->value_name("DEV"), "cpu, cuda or cuda:N")
      ("seed", po::value<int64_t>()->default_value(0)->value_name("K"), "random seed (runs are reproducible)")
      ("quiet,q", po::bool_switch(), "print results only: no log messages, no progress")
      ("log-level", po::value<std::string>()->default_value("info")->value_name("LEVEL"),
       "debug, info, warning or error")
      ("progress", po::value<std::string>()->default_value("auto")->value_name("STYLE"),
       "auto (a bar on a terminal, plain lines otherwise), bar, lines or none")
      ("fftw-wisdom", po::value<std::string>()->value_name("FILE"),
       "FFTW plans: read from FILE when it exists, saved back to it when the command succeeds")
      ("fftw-measure", po::bool_switch(), "plan FFTs by measuring (slower start, faster long runs)");
  return options;
}

std::string version_line() {
  std::ostringstream out;
  out << "diffrecon " << DIFFRECON_VERSION << " (LibTorch " << TORCH_VERSION << ", CUDA "
      << (cuda_available() ? "available" : "not available") << ")";
  return out.str();
}

void print_usage(std::ostream& out) {
  out << "diffrecon: 3D reconstruction of CT and MRI with diffusion priors\n\n"
      << "Usage: diffrecon <command> [options]\n"
      << "       diffrecon <command> --help    options of one command\n"
      << "       diffrecon --version\n\nCommands:\n";
  for (const Command& command : commands()) {
    std::string name = command.name;
    name.resize(14, ' ');
    out << "  " << name << command.summary << "\n";
  }
  out << "\n" << common_options() << "\nExit codes: 0 success, 1 failure, 2 bad usage.\n";
}

const Command* find_command(const std::string& name) {
  for (const Command& command : commands())
    if (name == command.name) return &command;
  return nullptr;
}

ProgressStyle parse_progress_style(const std::string& name) {
  if (name == "auto") return ProgressStyle::kAuto;
  if (name == "bar") return ProgressStyle::kBar;
  if (name == "lines") return ProgressStyle::kLines;
  if (name == "none") return ProgressStyle::kSilent;
  throw UsageError("--progress: expected auto, bar, lines or none, got '" + name + "'");
}

void apply_common_settings(const po::variables_map& vm) {
  const bool quiet = vm["quiet"].as<bool>();
  try {
    set_log_level(quiet ? LogLevel::kQuiet : parse_log_level(vm["log-level"].as<std::string>()));
  } catch (const InvalidArgument& e) {
    throw UsageError(std::string("--log-level: ") + e.what());
  }
  set_default_progress_style(quiet ? ProgressStyle::kSilent
                                   : parse_progress_style(vm["progress"].as<std::string>()));
  const int threads = vm["threads"].as<int>();
  if (threads < 0) throw UsageError("--threads must be >= 0 (0 uses all cores)");
  set_thread_count(threads);
}

torch::Device parse_device_option(const std::string& name) {
  try {
    return parse_device(name);
  } catch (const InvalidArgument& e) {
    throw UsageError(std::string("--device: ") + e.what());
  }
}

int run_command(const Command& command, int argc, const char* const* argv, std::ostream& out) {
  po::options_description own(std::string("Options of '") + command.name + "'");
  command.add_options(own);
  po::options_description all;
  all.add(own).add(common_options());

  po::positional_options_description positional;
  for (const std::string& name : command.positional) positional.add(name.c_str(), 1);
  po::variables_map vm;
  po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
  if (vm.count("help")) {
    out << "Usage: diffrecon " << command.name;
    for (const std::string& name : command.positional) out << " " << name;
    out << " [options]\n" << command.summary << "\n\n" << all << "\n";
    return kExitOk;
  }
  if (vm.count("config")) {
    const std::string path = vm["config"].as<std::string>();
    std::ifstream file(path);
    if (!file) throw UsageError("--config: cannot open '" + path + "'");
    po::store(po::parse_config_file(file, all, /*allow_unregistered=*/false), vm);
  }
  po::notify(vm);
  apply_common_settings(vm);
  const int64_t seed = vm["seed"].as<int64_t>();
  if (seed < 0) throw UsageError("--seed must be >= 0");
  std::string command_line = "diffrecon";
  for (int i = 0; i < argc; ++i) command_line += std::string(" ") + argv[i];
  const Context context{vm, out, parse_device_option(vm["device"].as<std::string>()), static_cast<uint64_t>(seed),
                        command_line};
  set_fftw_measure(vm["fftw-measure"].as<bool>());
  const std::string wisdom = vm.count("fftw-wisdom") ? vm["fftw-wisdom"].as<std::string>() : "";
  if (!wisdom.empty() && import_fftw_wisdom(wisdom)) Log(LogLevel::kDebug) << "read FFTW wisdom from " << wisdom;
  const int code = command.run(context);
  if (!wisdom.empty() && code == kExitOk) export_fftw_wisdom(wisdom);
  return code;
}

}  // namespace

int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  const std::string first = argc > 1 ? argv[1] : "";
  if (first.empty() || first == "--help" || first == "-h" || first == "help") {
    print_usage(first.empty() ? err : out);
    return first.empty() ? kExitUsage : kExitOk;
  }
  if (first == "--version") {
    out << version_line() << "\n";
    return kExitOk;
  }
  const Command* command = find_command(first);
  if (!command) {
    err << "diffrecon: unknown command '" << first << "' (see 'diffrecon --help')\n";
    return kExitUsage;
  }
  try {
    return run_command(*command, argc - 1, argv + 1, out);
  } catch (const po::error& e) {
    err << "diffrecon " << command->name << ": " << e.what() << " (see 'diffrecon " << command->name
        << " --help')\n";
    return kExitUsage;
  } catch (const UsageError& e) {
    err << "diffrecon " << command->name << ": " << e.what() << " (see 'diffrecon " << command->name
        << " --help')\n";
    return kExitUsage;
  } catch (const Error& e) {
    err << "diffrecon " << command->name << ": error: " << e.what() << "\n";
    return kExitFailure;
  } catch (const c10::Error& e) {
    err << "diffrecon " << command->name << ": error in LibTorch: " << e.what_without_backtrace() << "\n";
    return kExitFailure;
  } catch (const std::exception& e) {
    err << "diffrecon " << command->name << ": error: " << e.what() << "\n";
    return kExitFailure;
  }
}

}  // namespace diffrecon::cli
