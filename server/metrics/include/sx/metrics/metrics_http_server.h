// A minimal HTTP/1.1 endpoint for Prometheus scrapes: GET /metrics answers
// with the text from a render function; anything else gets 404 or 405. One
// reply per connection, then the connection is closed.
//
//   absl::StatusOr<std::unique_ptr<MetricsHttpServer>> server =
//       MetricsHttpServer::Start("127.0.0.1:9464",
//                                [&registry] { return registry.RenderText();
//                                });
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace sx::metrics {

struct MetricsHttpServerOptions {
  // The whole request head must arrive within this after accept; a slow or
  // idle client is then disconnected.
  absl::Duration read_timeout = absl::Seconds(2);
  // The reply must be taken by the client within this.
  absl::Duration write_timeout = absl::Seconds(2);
  // Request line plus headers; larger requests get 431.
  size_t max_request_bytes = 8 * 1024;
  // Connections served at once; more wait in the listen backlog.
  size_t max_connections = 16;
};

// Serves on one background thread that polls the listening socket and every
// open connection, so an idle client delays neither other scrapes nor Stop().
// The render function runs on that thread. Thread-safe: port() and Stop() may
// be called from any thread.
class MetricsHttpServer {
 public:
  // `address` is "HOST:PORT": HOST an IPv4 literal (e.g. 127.0.0.1, 0.0.0.0)
  // or "localhost"; PORT 0 picks a free port (see port()). Fails with
  // InvalidArgument for a malformed address and Unavailable if the address
  // cannot be bound (in use, not local).
  static absl::StatusOr<std::unique_ptr<MetricsHttpServer>> Start(
      absl::string_view address, std::function<std::string()> render,
      MetricsHttpServerOptions options = {});

  // Stops like Stop().
  ~MetricsHttpServer();
  MetricsHttpServer(const MetricsHttpServer&) = delete;
  MetricsHttpServer& operator=(const MetricsHttpServer&) = delete;

  // The bound port, also when 0 was asked for.
  int port() const { return port_; }

  // Closes the listening socket and every open connection and joins the
  // thread; returns once a render in progress, if any, has finished.
  // Idempotent.
  void Stop();

 private:
  class Loop;
  MetricsHttpServer(int port, std::unique_ptr<Loop> loop);

  const int port_;
  std::unique_ptr<Loop> loop_;
  std::thread thread_;
  std::once_flag stop_once_;
};

}  // namespace sx::metrics
