#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace diffrecon::cli {

// Starts argv[0] (a path) with arguments argv, stdin from /dev/null, stdout and stderr appended to
// `log_path`. The child is killed when this process dies (Linux: PR_SET_PDEATHSIG), so a killed batch
// leaves no study running on. Throws IoError when the log cannot be opened or the process not started.
pid_t start_child(const std::vector<std::string>& argv, const std::string& log_path);

struct ChildExit {
  pid_t pid = -1;
  int code = 0;  // the exit status, or 128 + the signal that ended it
};

// Waits for any child of this process to end.
ChildExit wait_for_child();

}  // namespace diffrecon::cli
