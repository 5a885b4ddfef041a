#include "client_sdk/sxctl/interrupt.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <utility>

namespace sx::sxctl {
namespace {

// The self-pipe: the handler may only write(), the watcher thread reads.
int pipe_fds[2] = {-1, -1};

constexpr char kQuit = 0;  // from the destructor; signal numbers are > 0

void SetDisposition(void (*handler)(int)) {
  struct sigaction action = {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

void OnSignal(int signal_number) {
  const int saved_errno = errno;
  const char byte = static_cast<char>(signal_number);
  // Nothing useful can be done if the pipe is full: a byte is already there.
  [[maybe_unused]] ssize_t ignored = write(pipe_fds[1], &byte, 1);
  // The next signal takes the default action (ends the process).
  SetDisposition(SIG_DFL);
  errno = saved_errno;
}

}  // namespace

InterruptHandler::InterruptHandler(std::function<void()> on_interrupt)
    : on_interrupt_(std::move(on_interrupt)) {
  if (pipe(pipe_fds) != 0) std::abort();
  watcher_ = std::thread([this] { Watch(); });
  SetDisposition(&OnSignal);
}

InterruptHandler::~InterruptHandler() {
  SetDisposition(SIG_DFL);
  const char quit = kQuit;
  while (write(pipe_fds[1], &quit, 1) < 0 && errno == EINTR) {
  }
  watcher_.join();
  close(pipe_fds[0]);
  close(pipe_fds[1]);
  pipe_fds[0] = pipe_fds[1] = -1;
}

void InterruptHandler::Watch() {
  for (;;) {
    char byte;
    const ssize_t got = read(pipe_fds[0], &byte, 1);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0 || byte == kQuit) return;
    if (!interrupted_.exchange(true)) on_interrupt_();
  }
}

}  // namespace sx::sxctl
