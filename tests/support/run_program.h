// Runs a program in a child process for test support that drives
// command-line tools (initdb, psql, cp): without a shell, optionally as
// another user, and with what it printed.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace sx::testing {

// The account a child switches to before exec (which needs root).
struct RunAs {
  uid_t uid = 0;
  gid_t gid = 0;
};

// Forks and execs `argv` (searching PATH for a bare name) with stdin from
// /dev/null and stdout and stderr on the given descriptors. Returns the
// child's pid, or -1 if fork failed. A child that cannot switch to
// `run_as` exits with 126, one that cannot exec with 127.
pid_t SpawnProgram(const std::vector<std::string>& argv, int stdout_fd,
                   int stderr_fd, const std::optional<RunAs>& run_as);

struct ProgramResult {
  // The exit code, 128 + N for a death by signal N, -1 if no child could be
  // made (then `err` says why).
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `argv` to its end.
ProgramResult RunProgram(const std::vector<std::string>& argv,
                         const std::optional<RunAs>& run_as = std::nullopt);

}  // namespace sx::testing
