// Reading the real hub's Prometheus endpoint from the e2e tests: where it
// listens (from the hub's log) and one plain HTTP GET over loopback.
#pragma once

#include <string>

namespace sx::testing {

// GET http://127.0.0.1:port/path; the whole response, or "" if the
// connection failed.
std::string HttpGet(int port, const std::string& path);

// The port the hub last logged for its metrics endpoint (a restarted hub
// takes a new one), 0 if none.
int MetricsPort(const std::string& log);

}  // namespace sx::testing
