// A TCP port on 127.0.0.1 that nobody listens on right now, for a server a
// test starts (someone may still take it first: a start must cope).
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace sx::testing {

// -1 if the kernel gives none.
inline int FreeLoopbackPort() {
  const int probe = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (probe < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  const bool bound =
      bind(probe, reinterpret_cast<sockaddr*>(&address), sizeof(address)) ==
          0 &&
      getsockname(probe, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  close(probe);
  return bound ? ntohs(address.sin_port) : -1;
}

}  // namespace sx::testing
