#include "tests/support/postgres_watchdog.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "absl/strings/str_cat.h"

namespace sx::testing {
namespace {

// $1: the directory. The wait for postmaster.pid to go (the postmaster
// removes it as it exits) is bounded, and the rest is removed regardless.
constexpr char kScript[] = R"sh(
pid=
while read -r word value; do
  case $word in
    postmaster) pid=$value ;;
    gone) pid= ;;
    stopped) exit 0 ;;
  esac
done
if [ -n "$pid" ]; then
  kill -QUIT "$pid" 2>/dev/null
  i=0
  while [ -e "$1/data/postmaster.pid" ] && [ $i -lt 100 ]; do
    sleep 0.1
    i=$((i + 1))
  done
  [ -e "$1/data/postmaster.pid" ] && kill -KILL "$pid" 2>/dev/null
fi
rm -rf "$1"
)sh";

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "TestPostgres: the watchdog: %s failed\n", what);
  std::abort();
}

}  // namespace

PostgresWatchdog::PostgresWatchdog(const std::string& directory)
    : owner_(getpid()) {
  int ends[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) {
    Fail("socketpair");
  }
  const std::vector<std::string> argv = {"/bin/sh", "-c", kScript,
                                         "sx-postgres-watchdog", directory};
  std::vector<char*> args;
  for (const std::string& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str()));
  }
  args.push_back(nullptr);
  const int null_output = open("/dev/null", O_WRONLY | O_CLOEXEC);
  // Not SpawnProgram(): stdin is the socket, and a session of its own.
  shell_ = fork();
  if (shell_ == 0) {
    setsid();
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    // Our stdout and stderr may be ctest's pipes, which it reads to their
    // end: the shell must not hold them open.
    if (null_output < 0 || dup2(ends[1], STDIN_FILENO) < 0 ||
        dup2(null_output, STDOUT_FILENO) < 0 ||
        dup2(null_output, STDERR_FILENO) < 0) {
      _exit(126);
    }
    execv(args[0], args.data());
    _exit(127);
  }
  if (null_output >= 0) close(null_output);
  close(ends[1]);
  if (shell_ < 0) Fail("fork");
  socket_ = ends[0];
}

PostgresWatchdog::~PostgresWatchdog() {
  if (getpid() != owner_) return;
  Tell("stopped");
  close(socket_);
  waitpid(shell_, nullptr, 0);
}

void PostgresWatchdog::ServerStarted(pid_t postmaster) {
  Tell(absl::StrCat("postmaster ", postmaster));
}

void PostgresWatchdog::ServerGone() { Tell("gone"); }

void PostgresWatchdog::Tell(const std::string& line) {
  const std::string message = line + "\n";
  // MSG_NOSIGNAL: a shell someone killed must not take the test with it.
  send(socket_, message.data(), message.size(), MSG_NOSIGNAL);
}

}  // namespace sx::testing
