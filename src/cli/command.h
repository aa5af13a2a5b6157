#pragma once

#include <boost/program_options.hpp>
#include <torch/types.h>

#include <cstdint>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace diffrecon::cli {

namespace po = boost::program_options;

// Bad command-line usage detected after parsing (exit code 2).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What every command receives: its parsed options and the settings shared by all commands.
struct Context {
  const po::variables_map& options;
  std::ostream& out;  // results (tables, summaries); logs and progress go to stderr
  torch::Device device;
  uint64_t seed;
  std::string command_line;  // the invocation, for provenance records
};

struct Command {
  const char* name;
  const char* summary;
  // Adds the command's own options (hyphenated lowercase, with defaults and help text).
  void (*add_options)(po::options_description& options);
  // Returns the exit code; throws diffrecon::Error on failure and UsageError on bad option values.
  int (*run)(const Context& context);
  // Options that bare arguments fill, in order (e.g. {"input", "output"}).
  std::vector<std::string> positional = {};
};

// Every subcommand, in the order `diffrecon --help` lists them.
const std::vector<Command>& commands();

// The diffrecon command line: parses argv, dispatches, maps exceptions to exit codes
// (0 ok, 1 failure, 2 bad usage) and prints errors as one line on `err`.
int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace diffrecon::cli
