#include "tests/e2e/metrics_scrape.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace sx::testing {

std::string HttpGet(int port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) !=
      0) {
    close(fd);
    return "";
  }
  const std::string request =
      absl::StrCat("GET ", path,
                   " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  if (write(fd, request.data(), request.size()) < 0) {
    close(fd);
    return "";
  }
  std::string response;
  char buffer[4096];
  ssize_t got;
  while ((got = read(fd, buffer, sizeof(buffer))) > 0)
    response.append(buffer, got);
  close(fd);
  return response;
}

int MetricsPort(const std::string& log) {
  return LoggedPort(log, "metrics on http://127.0.0.1:");
}

int LoggedPort(const std::string& log, const std::string& marker) {
  const size_t at = log.rfind(marker);
  if (at == std::string::npos) return 0;
  const size_t start = at + marker.size();
  int port = 0;
  absl::SimpleAtoi(log.substr(start, log.find('/', start) - start), &port);
  return port;
}

}  // namespace sx::testing
