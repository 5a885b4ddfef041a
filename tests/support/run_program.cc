#include "tests/support/run_program.h"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace sx::testing {

// Everything is prepared before the fork: the test process has threads, so
// the child only makes system calls until exec. The descriptors opened here
// are close-on-exec, so that no other child keeps one open by accident.
pid_t SpawnProgram(const std::vector<std::string>& argv, int stdout_fd,
                   int stderr_fd, const std::optional<RunAs>& run_as) {
  std::vector<char*> args;
  for (const std::string& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str()));
  }
  args.push_back(nullptr);
  const int null_input = open("/dev/null", O_RDONLY | O_CLOEXEC);
  const pid_t pid = fork();
  if (pid == 0) {
    // A mask inherited from whichever thread spawned us would otherwise
    // carry over exec.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    if (null_input < 0 || dup2(null_input, STDIN_FILENO) < 0 ||
        dup2(stdout_fd, STDOUT_FILENO) < 0 ||
        dup2(stderr_fd, STDERR_FILENO) < 0) {
      _exit(126);
    }
    if (run_as.has_value() &&
        (setgroups(1, &run_as->gid) != 0 || setgid(run_as->gid) != 0 ||
         setuid(run_as->uid) != 0)) {
      _exit(126);
    }
    execvp(args[0], args.data());
    _exit(127);
  }
  if (null_input >= 0) close(null_input);
  return pid;
}

namespace {

// The whole of what an in-memory file holds; closes it.
std::string ReadBack(int fd) {
  std::string text;
  char buffer[4096];
  for (off_t at = 0;;) {
    const ssize_t got = pread(fd, buffer, sizeof(buffer), at);
    if (got <= 0) break;
    text.append(buffer, got);
    at += got;
  }
  close(fd);
  return text;
}

}  // namespace

// The output goes to in-memory files rather than pipes: nothing to drain
// while the program runs, and a daemon it might leave behind cannot keep us
// waiting for end-of-file.
ProgramResult RunProgram(const std::vector<std::string>& argv,
                         const std::optional<RunAs>& run_as) {
  ProgramResult result;
  const int out = memfd_create("stdout", MFD_CLOEXEC);
  const int err = memfd_create("stderr", MFD_CLOEXEC);
  const pid_t pid =
      out < 0 || err < 0 ? -1 : SpawnProgram(argv, out, err, run_as);
  if (pid < 0) {
    if (out >= 0) close(out);
    if (err >= 0) close(err);
    result.err = "could not start " + argv[0];
    return result;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code =
      WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = ReadBack(out);
  result.err = ReadBack(err);
  return result;
}

}  // namespace sx::testing
