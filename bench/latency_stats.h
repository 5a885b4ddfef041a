// Latency samples and their percentiles: the one summary every sxbench mode
// prints, so that the hub, the echo service, RabbitMQ and JetStream are
// measured by the same code.
//
//   std::vector<int64_t> samples_ns = log.TakeLatencies();
//   sx::bench::LatencySummary summary = sx::bench::Summarize(samples_ns);
//   // summary.p99_us ...
#pragma once

#include <cstdint>
#include <vector>

namespace sx::bench {

// A set of latencies, in microseconds. Percentiles are nearest-rank: the
// value below which that share of the samples lie, never interpolated.
struct LatencySummary {
  uint64_t count = 0;
  double mean_us = 0;
  double p50_us = 0;
  double p90_us = 0;
  double p99_us = 0;
  double p999_us = 0;
  double max_us = 0;
};

// Sorts `samples_ns` (nanoseconds) in place and summarizes them.
LatencySummary Summarize(std::vector<int64_t>& samples_ns);

}  // namespace sx::bench
