#include "sx/metrics/metrics_http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace sx::metrics {
namespace {

using SteadyTime = std::chrono::steady_clock::time_point;

// After accept() runs out of descriptors, pause accepting for this long
// instead of spinning on a listening socket that stays readable.
constexpr std::chrono::milliseconds kAcceptBackoff(100);

constexpr char kMetricsPath[] = "/metrics";
constexpr char kMetricsContentType[] =
    "text/plain; version=0.0.4; charset=utf-8";

// Closes a descriptor on scope exit unless released.
class ScopedFd {
 public:
  explicit ScopedFd(int fd = -1) : fd_(fd) {}
  ~ScopedFd() {
    if (fd_ >= 0) close(fd_);
  }
  ScopedFd(ScopedFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  ScopedFd& operator=(ScopedFd&& other) noexcept {
    if (this != &other) {
      if (fd_ >= 0) close(fd_);
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string ErrnoText(int error) { return std::strerror(error); }

absl::StatusOr<sockaddr_in> ParseAddress(absl::string_view address) {
  const auto malformed = [address](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(
        "metrics address \"", address, "\" ", why,
        "; expected HOST:PORT with HOST an IPv4 address or \"localhost\" and "
        "PORT 0-65535, e.g. 127.0.0.1:9464"));
  };
  const size_t colon = address.rfind(':');
  if (colon == absl::string_view::npos) return malformed("has no port");
  const absl::string_view host = address.substr(0, colon);
  const absl::string_view port_text = address.substr(colon + 1);
  int port = -1;
  if (port_text.empty() || port_text.size() > 5 ||
      !std::all_of(port_text.begin(), port_text.end(),
                   [](char c) { return absl::ascii_isdigit(c); }) ||
      !absl::SimpleAtoi(port_text, &port) || port > 65535) {
    return malformed("has an invalid port");
  }
  sockaddr_in socket_address{};
  socket_address.sin_family = AF_INET;
  socket_address.sin_port = htons(static_cast<uint16_t>(port));
  const std::string host_text =
      host == "localhost" ? "127.0.0.1" : std::string(host);
  if (inet_pton(AF_INET, host_text.c_str(), &socket_address.sin_addr) != 1) {
    return malformed("has a host that is not an IPv4 address");
  }
  return socket_address;
}

struct Reply {
  std::string status_line;
  std::string extra_headers;
  std::string body;
};

// Parses the request head and picks the reply. Only the request line
// matters: no headers change what /metrics returns.
Reply Answer(absl::string_view head,
             const std::function<std::string()>& render) {
  const absl::string_view request_line =
      head.substr(0, head.find_first_of("\r\n"));
  std::vector<absl::string_view> parts =
      absl::StrSplit(request_line, ' ', absl::SkipEmpty());
  if (parts.size() != 3 || !absl::StartsWith(parts[2], "HTTP/1.")) {
    return {"400 Bad Request", "", "bad request\n"};
  }
  const absl::string_view method = parts[0];
  const absl::string_view path = parts[1].substr(0, parts[1].find('?'));
  if (path != kMetricsPath) {
    return {"404 Not Found", "", "not found; metrics are at /metrics\n"};
  }
  if (method != "GET" && method != "HEAD") {
    return {"405 Method Not Allowed", "Allow: GET, HEAD\r\n",
            "method not allowed\n"};
  }
  Reply reply{"200 OK", "", render()};
  if (method == "HEAD") {
    // Content-Length still describes the body a GET would get.
    reply.extra_headers =
        absl::StrCat("Content-Length: ", reply.body.size(), "\r\n");
    reply.body.clear();
  }
  return reply;
}

std::string Serialize(const Reply& reply) {
  const bool is_metrics = absl::StartsWith(reply.status_line, "200");
  std::string text = absl::StrCat(
      "HTTP/1.1 ", reply.status_line, "\r\nContent-Type: ",
      is_metrics ? kMetricsContentType : "text/plain; charset=utf-8", "\r\n");
  if (!absl::StrContains(reply.extra_headers, "Content-Length:")) {
    absl::StrAppend(&text, "Content-Length: ", reply.body.size(), "\r\n");
  }
  absl::StrAppend(&text, reply.extra_headers, "Connection: close\r\n\r\n",
                  reply.body);
  return text;
}

bool HeadComplete(absl::string_view received) {
  return absl::StrContains(received, "\r\n\r\n") ||
         absl::StrContains(received, "\n\n");
}

}  // namespace

// The poll loop: owns the listening socket, the wake pipe and connections.
// Run() is called on the server's thread only; Wake() from any thread.
class MetricsHttpServer::Loop {
 public:
  Loop(ScopedFd listener, ScopedFd wake_read, ScopedFd wake_write,
       std::function<std::string()> render, MetricsHttpServerOptions options)
      : listener_(std::move(listener)),
        wake_read_(std::move(wake_read)),
        wake_write_(std::move(wake_write)),
        render_(std::move(render)),
        options_(options) {}

  void Wake() {
    const char byte = 0;
    // The pipe is non-blocking; if it is full a wake-up is already pending.
    (void)!write(wake_write_.get(), &byte, 1);
  }

  void Run() {
    for (;;) {
      const SteadyTime now = std::chrono::steady_clock::now();
      const bool accepting = connections_.size() < options_.max_connections &&
                             now >= accept_paused_until_;
      std::vector<pollfd> fds;
      fds.push_back({wake_read_.get(), POLLIN, 0});
      fds.push_back({accepting ? listener_.get() : -1, POLLIN, 0});
      SteadyTime next_deadline = SteadyTime::max();
      if (!accepting && connections_.size() < options_.max_connections) {
        next_deadline = accept_paused_until_;
      }
      for (const Connection& connection : connections_) {
        fds.push_back(
            {connection.fd.get(),
             static_cast<short>(connection.replying ? POLLOUT : POLLIN), 0});
        next_deadline = std::min(next_deadline, connection.deadline);
      }
      int timeout_ms = -1;
      if (next_deadline != SteadyTime::max()) {
        const auto wait =
            std::chrono::ceil<std::chrono::milliseconds>(next_deadline - now);
        timeout_ms = static_cast<int>(std::max<int64_t>(0, wait.count()));
      }
      if (poll(fds.data(), fds.size(), timeout_ms) < 0 && errno != EINTR) {
        break;  // Only EFAULT/EINVAL/ENOMEM; nothing sensible to retry.
      }
      if (fds[0].revents != 0) break;  // Stop().

      const SteadyTime after = std::chrono::steady_clock::now();
      for (size_t i = 0; i < connections_.size(); ++i) {
        Connection& connection = connections_[i];
        if (fds[i + 2].revents != 0) {
          if (connection.replying) {
            Send(connection, after);
          } else {
            Receive(connection, after);
          }
        }
        if (after >= connection.deadline) connection.done = true;
      }
      connections_.erase(
          std::remove_if(connections_.begin(), connections_.end(),
                         [](const Connection& c) { return c.done; }),
          connections_.end());
      if (fds[1].revents != 0) AcceptAll(after);
    }
    connections_.clear();
    listener_ = ScopedFd();  // New clients are refused from here on.
  }

 private:
  struct Connection {
    ScopedFd fd;
    SteadyTime deadline;
    std::string received;
    std::string reply;
    size_t sent = 0;
    bool replying = false;
    bool done = false;
  };

  void AcceptAll(SteadyTime now) {
    while (connections_.size() < options_.max_connections) {
      const int fd = accept4(listener_.get(), nullptr, nullptr,
                             SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
            errno == ENOMEM) {
          accept_paused_until_ = now + kAcceptBackoff;
        }
        return;  // EAGAIN, or a connection that died in the backlog.
      }
      Connection connection;
      connection.fd = ScopedFd(fd);
      connection.deadline =
          now + absl::ToChronoMilliseconds(options_.read_timeout);
      connections_.push_back(std::move(connection));
    }
  }

  void Receive(Connection& connection, SteadyTime now) {
    char buffer[4096];
    while (connection.received.size() < options_.max_request_bytes) {
      const size_t room =
          std::min(sizeof(buffer),
                   options_.max_request_bytes - connection.received.size());
      const ssize_t n = recv(connection.fd.get(), buffer, room, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      if (n <= 0) {
        connection.done = true;  // Client went away before asking.
        return;
      }
      connection.received.append(buffer, static_cast<size_t>(n));
      if (HeadComplete(connection.received)) {
        StartReply(connection, Serialize(Answer(connection.received, render_)),
                   now);
        return;
      }
    }
    if (connection.received.size() >= options_.max_request_bytes) {
      StartReply(connection,
                 Serialize({"431 Request Header Fields Too Large", "",
                            "request too large\n"}),
                 now);
    }
  }

  void StartReply(Connection& connection, std::string reply, SteadyTime now) {
    connection.replying = true;
    connection.reply = std::move(reply);
    connection.received.clear();
    connection.deadline =
        now + absl::ToChronoMilliseconds(options_.write_timeout);
    Send(connection, now);
  }

  void Send(Connection& connection, SteadyTime /*now*/) {
    while (connection.sent < connection.reply.size()) {
      const ssize_t n =
          send(connection.fd.get(), connection.reply.data() + connection.sent,
               connection.reply.size() - connection.sent, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) connection.done = true;
        return;
      }
      connection.sent += static_cast<size_t>(n);
    }
    shutdown(connection.fd.get(), SHUT_WR);
    connection.done = true;
  }

  ScopedFd listener_;  // Reset when Run() ends.
  const ScopedFd wake_read_;
  const ScopedFd wake_write_;
  const std::function<std::string()> render_;
  const MetricsHttpServerOptions options_;
  // Only touched by Run().
  std::vector<Connection> connections_;
  SteadyTime accept_paused_until_;
};

absl::StatusOr<std::unique_ptr<MetricsHttpServer>> MetricsHttpServer::Start(
    absl::string_view address, std::function<std::string()> render,
    MetricsHttpServerOptions options) {
  if (render == nullptr) {
    return absl::InvalidArgumentError("metrics server: no render function");
  }
  absl::StatusOr<sockaddr_in> socket_address = ParseAddress(address);
  if (!socket_address.ok()) return socket_address.status();

  ScopedFd listener(
      socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (listener.get() < 0) {
    return absl::UnavailableError(
        absl::StrCat("metrics server: socket(): ", ErrnoText(errno)));
  }
  // Lets a restarted hub rebind while old connections sit in TIME_WAIT; it
  // does not let two listeners share the port.
  const int one = 1;
  setsockopt(listener.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (bind(listener.get(), reinterpret_cast<const sockaddr*>(&*socket_address),
           sizeof(*socket_address)) != 0) {
    const int error = errno;
    return absl::UnavailableError(absl::StrCat(
        "cannot listen for metrics on ", address, ": ", ErrnoText(error),
        error == EADDRINUSE
            ? " (another process, perhaps a second sxhub, holds that port; "
              "pick another metrics address)"
        : error == EADDRNOTAVAIL ? " (not an address of this machine)"
                                 : ""));
  }
  if (listen(listener.get(), SOMAXCONN) != 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot listen for metrics on ", address, ": ", ErrnoText(errno)));
  }
  sockaddr_in bound{};
  socklen_t bound_size = sizeof(bound);
  if (getsockname(listener.get(), reinterpret_cast<sockaddr*>(&bound),
                  &bound_size) != 0) {
    return absl::UnavailableError(
        absl::StrCat("metrics server: getsockname(): ", ErrnoText(errno)));
  }
  int wake[2];
  if (pipe2(wake, O_NONBLOCK | O_CLOEXEC) != 0) {
    return absl::UnavailableError(
        absl::StrCat("metrics server: pipe2(): ", ErrnoText(errno)));
  }
  auto loop =
      std::make_unique<Loop>(std::move(listener), ScopedFd(wake[0]),
                             ScopedFd(wake[1]), std::move(render), options);
  return std::unique_ptr<MetricsHttpServer>(
      new MetricsHttpServer(ntohs(bound.sin_port), std::move(loop)));
}

MetricsHttpServer::MetricsHttpServer(int port, std::unique_ptr<Loop> loop)
    : port_(port), loop_(std::move(loop)) {
  thread_ = std::thread([loop = loop_.get()] { loop->Run(); });
}

MetricsHttpServer::~MetricsHttpServer() { Stop(); }

void MetricsHttpServer::Stop() {
  std::call_once(stop_once_, [this] {
    loop_->Wake();
    thread_.join();
  });
}

}  // namespace sx::metrics
