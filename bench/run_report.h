// The result of one sxbench run, and its two renderings: a few lines for
// people, and one JSON object for scripts (bench/compare.sh).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "bench/latency_stats.h"

namespace sx::bench {

struct DeliveryReport {
  // Measured submits whose inbox entry arrived, and those that did not
  // arrive before the drain timeout.
  uint64_t delivered = 0;
  uint64_t missing = 0;
  // From the start of the measured phase to the last arrival.
  double elapsed_seconds = 0;
  // Arrival minus the time the submit was sent; a missing entry counts with
  // the time it had been waiting when the drain timed out.
  LatencySummary latency;
};

struct ServerReport {
  pid_t pid = 0;
  // CPU time the server spent during the measured phase (and the drain).
  double cpu_seconds = 0;
  int64_t peak_rss_kb = 0;
};

// CPU time of the whole machine over the measured phase, to tell a clean
// measurement from one that shared the cores with something else.
struct HostReport {
  int cpus = 0;
  // From the start of the measured phase to the end of the run (the drain
  // included).
  double window_seconds = 0;
  double busy_seconds = 0;        // at nice 0 (the benchmark's level)
  double client_cpu_seconds = 0;  // sxbench itself
  // busy - client - server (when the server is known): processes at the
  // benchmark's priority, the kernel's threads, and time stolen by the
  // hypervisor.
  double other_cpu_seconds = 0;
  // Niced processes (e.g. a background build at nice 10).
  double niced_cpu_seconds = 0;
};

struct RunReport {
  std::string mode;     // hub, echo, rabbitmq, jetstream
  std::string address;  // host:port
  std::string label;    // free text from --label
  int inflight = 0;
  size_t payload_bytes = 0;
  uint64_t succeeded = 0;
  uint64_t failed = 0;
  std::string first_error;
  // From the start of the measured phase to the last acknowledgement.
  double elapsed_seconds = 0;
  LatencySummary submit_latency;
  std::optional<DeliveryReport> delivery;
  std::optional<ServerReport> server;
  std::optional<HostReport> host;
};

std::string ToText(const RunReport& report);
// One line of JSON.
std::string ToJson(const RunReport& report);

}  // namespace sx::bench
