#include "sx/metrics/metrics_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace sx::metrics {
namespace {

// A blocking client socket that gives up after 5 s so that a broken server
// fails the test instead of hanging it.
class Client {
 public:
  explicit Client(int port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    timeval timeout{5, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address),
                         sizeof(address)) == 0;
  }
  ~Client() { close(fd_); }

  bool connected() const { return connected_; }

  bool Send(const std::string& data) {
    size_t sent = 0;
    while (sent < data.size()) {
      const ssize_t n =
          send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }

  // Everything until the server closes; "<timeout>" if it never does.
  std::string ReadToEnd() {
    std::string received;
    char buffer[4096];
    for (;;) {
      const ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
      if (n == 0) return received;
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == ECONNRESET) return received;
        return received + "<timeout>";
      }
      received.append(buffer, static_cast<size_t>(n));
    }
  }

 private:
  const int fd_;
  bool connected_ = false;
};

std::string Exchange(int port, const std::string& request) {
  Client client(port);
  if (!client.connected() || !client.Send(request)) return "<no connection>";
  return client.ReadToEnd();
}

std::unique_ptr<MetricsHttpServer> StartOrDie(
    std::function<std::string()> render,
    MetricsHttpServerOptions options = {}) {
  absl::StatusOr<std::unique_ptr<MetricsHttpServer>> server =
      MetricsHttpServer::Start("127.0.0.1:0", std::move(render), options);
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? std::move(*server) : nullptr;
}

TEST(MetricsHttpServerTest, ServesMetrics) {
  std::atomic<int> renders{0};
  auto server = StartOrDie([&renders] {
    ++renders;
    return std::string("up 1\n");
  });
  ASSERT_NE(server, nullptr);
  ASSERT_GT(server->port(), 0);

  const std::string reply =
      Exchange(server->port(),
               "GET /metrics HTTP/1.1\r\nHost: hub\r\nAccept: */*\r\n\r\n");
  EXPECT_TRUE(absl::StartsWith(reply, "HTTP/1.1 200 OK\r\n")) << reply;
  EXPECT_TRUE(absl::StrContains(
      reply, "\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"))
      << reply;
  EXPECT_TRUE(absl::StrContains(reply, "\r\nContent-Length: 5\r\n")) << reply;
  EXPECT_TRUE(absl::StrContains(reply, "\r\nConnection: close\r\n")) << reply;
  EXPECT_TRUE(absl::EndsWith(reply, "\r\n\r\nup 1\n")) << reply;
  EXPECT_EQ(renders.load(), 1);

  // Each scrape renders afresh; a query string and HTTP/1.0 are fine.
  EXPECT_TRUE(absl::StartsWith(
      Exchange(server->port(), "GET /metrics?name=x HTTP/1.0\r\n\r\n"),
      "HTTP/1.1 200 OK\r\n"));
  EXPECT_EQ(renders.load(), 2);
}

TEST(MetricsHttpServerTest, HeadHasNoBody) {
  auto server = StartOrDie([] { return std::string("up 1\n"); });
  ASSERT_NE(server, nullptr);
  const std::string reply =
      Exchange(server->port(), "HEAD /metrics HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(absl::StartsWith(reply, "HTTP/1.1 200 OK\r\n")) << reply;
  EXPECT_TRUE(absl::StrContains(reply, "\r\nContent-Length: 5\r\n")) << reply;
  EXPECT_TRUE(absl::EndsWith(reply, "\r\n\r\n")) << reply;
}

TEST(MetricsHttpServerTest, OtherPathsAre404AndOtherMethods405) {
  std::atomic<int> renders{0};
  auto server = StartOrDie([&renders] {
    ++renders;
    return std::string("up 1\n");
  });
  ASSERT_NE(server, nullptr);
  const std::string not_found =
      Exchange(server->port(), "GET / HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(absl::StartsWith(not_found, "HTTP/1.1 404 Not Found\r\n"))
      << not_found;
  EXPECT_TRUE(absl::StrContains(not_found, "Connection: close")) << not_found;
  EXPECT_TRUE(absl::StartsWith(
      Exchange(server->port(), "GET /metricsx HTTP/1.1\r\n\r\n"),
      "HTTP/1.1 404 "));

  const std::string not_allowed = Exchange(
      server->port(), "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
  EXPECT_TRUE(
      absl::StartsWith(not_allowed, "HTTP/1.1 405 Method Not Allowed\r\n"))
      << not_allowed;
  EXPECT_TRUE(absl::StrContains(not_allowed, "\r\nAllow: GET, HEAD\r\n"))
      << not_allowed;
  EXPECT_EQ(renders.load(), 0);
}

TEST(MetricsHttpServerTest, MalformedRequestIs400) {
  auto server = StartOrDie([] { return std::string(); });
  ASSERT_NE(server, nullptr);
  EXPECT_TRUE(absl::StartsWith(Exchange(server->port(), "HELLO\r\n\r\n"),
                               "HTTP/1.1 400 "));
  EXPECT_TRUE(
      absl::StartsWith(Exchange(server->port(), "GET /metrics SPDY/3\r\n\r\n"),
                       "HTTP/1.1 400 "));
}

TEST(MetricsHttpServerTest, OversizedRequestIs431) {
  MetricsHttpServerOptions options;
  options.max_request_bytes = 8 * 1024;
  auto server = StartOrDie([] { return std::string(); }, options);
  ASSERT_NE(server, nullptr);
  std::string request = "GET /metrics HTTP/1.1\r\nX-Padding: ";
  request.resize(options.max_request_bytes, 'a');  // never ends its head
  const std::string reply = Exchange(server->port(), request);
  EXPECT_TRUE(absl::StartsWith(reply, "HTTP/1.1 431 ")) << reply;
}

TEST(MetricsHttpServerTest, SilentClientIsDisconnectedAfterReadTimeout) {
  MetricsHttpServerOptions options;
  options.read_timeout = absl::Milliseconds(20);
  auto server = StartOrDie([] { return std::string(); }, options);
  ASSERT_NE(server, nullptr);
  Client silent(server->port());
  ASSERT_TRUE(silent.connected());
  // Blocks until the server gives up on us; "<timeout>" would mean it never
  // did.
  EXPECT_EQ(silent.ReadToEnd(), "");
}

TEST(MetricsHttpServerTest, IdleClientBlocksNeitherScrapesNorStop) {
  MetricsHttpServerOptions options;
  options.read_timeout = absl::Minutes(10);  // so only Stop() can free it
  auto server = StartOrDie([] { return std::string("up 1\n"); }, options);
  ASSERT_NE(server, nullptr);
  const int port = server->port();
  Client idle(port);
  ASSERT_TRUE(idle.connected());
  ASSERT_TRUE(idle.Send("GET /met"));  // half a request, then nothing

  EXPECT_TRUE(absl::StartsWith(Exchange(port, "GET /metrics HTTP/1.1\r\n\r\n"),
                               "HTTP/1.1 200 OK\r\n"));

  const absl::Time before = absl::Now();
  server->Stop();
  EXPECT_LT(absl::Now() - before, absl::Seconds(1));
  EXPECT_EQ(idle.ReadToEnd(), "");  // closed by Stop()
  Client late(port);
  EXPECT_FALSE(late.connected());
  server->Stop();  // idempotent
}

TEST(MetricsHttpServerTest, DestructorReturnsPromptlyWithIdleClient) {
  MetricsHttpServerOptions options;
  options.read_timeout = absl::Minutes(10);
  auto server = StartOrDie([] { return std::string(); }, options);
  ASSERT_NE(server, nullptr);
  Client idle(server->port());
  ASSERT_TRUE(idle.connected());
  const absl::Time before = absl::Now();
  server.reset();
  EXPECT_LT(absl::Now() - before, absl::Seconds(1));
}

TEST(MetricsHttpServerTest, SecondServerOnSamePortFailsClearly) {
  auto first = StartOrDie([] { return std::string(); });
  ASSERT_NE(first, nullptr);
  const std::string address = absl::StrCat("127.0.0.1:", first->port());
  absl::StatusOr<std::unique_ptr<MetricsHttpServer>> second =
      MetricsHttpServer::Start(address, [] { return std::string(); });
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(second.status().message(), address))
      << second.status();
  EXPECT_TRUE(absl::StrContains(second.status().message(), "in use"))
      << second.status();
}

TEST(MetricsHttpServerTest, LocalhostIsAccepted) {
  absl::StatusOr<std::unique_ptr<MetricsHttpServer>> server =
      MetricsHttpServer::Start("localhost:0",
                               [] { return std::string("x\n"); });
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_TRUE(absl::EndsWith(
      Exchange((*server)->port(), "GET /metrics HTTP/1.1\r\n\r\n"), "x\n"));
}

TEST(MetricsHttpServerTest, MalformedAddressesAreRejected) {
  for (const char* address :
       {"", "127.0.0.1", "127.0.0.1:", ":9464", "127.0.0.1:65536",
        "127.0.0.1:-1", "127.0.0.1:+80", "127.0.0.1:80x", "example.org:80",
        "[::1]:9464", "300.1.1.1:80"}) {
    absl::StatusOr<std::unique_ptr<MetricsHttpServer>> server =
        MetricsHttpServer::Start(address, [] { return std::string(); });
    ASSERT_FALSE(server.ok()) << address;
    EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument)
        << address;
    EXPECT_TRUE(absl::StrContains(server.status().message(), "HOST:PORT"))
        << server.status();
  }
}

}  // namespace
}  // namespace sx::metrics
