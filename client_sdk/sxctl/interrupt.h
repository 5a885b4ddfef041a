// Turns Ctrl-C (SIGINT) and SIGTERM into a call on an ordinary thread, where
// it is safe to cancel a gRPC stream or stop an InboxConsumer; neither may be
// called from a signal handler.
//
//   InterruptHandler interrupt([&] { stream->Cancel(); });
//   while (stream->Next(&entry)) Print(entry);
//   if (interrupt.interrupted()) ...   // ended by the user
//
// A second signal ends the process the default way, in case the first one's
// cleanup hangs. At most one InterruptHandler may exist at a time.
#pragma once

#include <atomic>
#include <functional>
#include <thread>

namespace sx::sxctl {

class InterruptHandler {
 public:
  // `on_interrupt` runs on a private thread, at most once.
  explicit InterruptHandler(std::function<void()> on_interrupt);
  // Restores the default signal dispositions.
  ~InterruptHandler();

  InterruptHandler(const InterruptHandler&) = delete;
  InterruptHandler& operator=(const InterruptHandler&) = delete;

  bool interrupted() const { return interrupted_.load(); }

 private:
  void Watch();

  const std::function<void()> on_interrupt_;
  std::atomic<bool> interrupted_{false};
  std::thread watcher_;
};

}  // namespace sx::sxctl
