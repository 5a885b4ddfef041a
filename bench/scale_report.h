// The results of an sxscale run and their two renderings: markdown tables
// for people (and bench/RESULTS.md), and one JSON line per (size, call) for
// scripts, in the manner of sxbench's --json.
//
//   std::string tables = ScaleTables(stages, calls);
//   std::string lines = ScaleJsonLines(stages, calls);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/history_fill.h"
#include "bench/latency_stats.h"

namespace sx::bench {

// How the history grew to one size.
struct StageReport {
  uint64_t size = 0;
  FillCounts filled;
  double fill_seconds = 0;
  // Waiting for flushes and compactions to end before the calls.
  double settle_seconds = 0;
  uint64_t data_bytes = 0;
  // The most other processes took of the machine while calls were timed.
  double other_cpu_share = 0;
};

// One call timed at one size.
struct CallReport {
  std::string name;
  std::string description;
  // Walks history: timed fewer times, for contrast.
  bool scans = false;
  uint64_t size = 0;
  int calls = 0;
  // What the call covered (referrals counted, items or members returned).
  uint64_t covers = 0;
  LatencySummary latency;
};

// The fill table, then the calls (median and p99 per size, and the ratio
// of each median to the same call's at the smallest size), then what each
// call covered. Every call must have a stage of its size.
std::string ScaleTables(const std::vector<StageReport>& stages,
                        const std::vector<CallReport>& calls);
// One JSON object per call report, each on its own line.
std::string ScaleJsonLines(const std::vector<StageReport>& stages,
                           const std::vector<CallReport>& calls);

// 1234567 → "1,234,567".
std::string Thousands(uint64_t value);
// Whole microseconds with separators from 100 µs, one decimal below.
std::string Micros(double us);

}  // namespace sx::bench
