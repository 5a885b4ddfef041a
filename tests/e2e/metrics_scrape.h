// Reading the real hub's Prometheus endpoint from the e2e tests: where it
// listens (from the hub's log) and one plain HTTP GET over loopback.
#pragma once

#include <string>

namespace sx::testing {

// GET http://127.0.0.1:port/path; the whole response, or "" if the
// connection failed.
std::string HttpGet(int port, const std::string& path);

// The port the hub last logged after `marker` (a restarted hub takes a new
// one), 0 if none: "metrics on http://127.0.0.1:" for the metrics endpoint,
// "console on https://127.0.0.1:" for the web console.
int LoggedPort(const std::string& log, const std::string& marker);

// The port the hub last logged for its metrics endpoint, 0 if none.
int MetricsPort(const std::string& log);

}  // namespace sx::testing
