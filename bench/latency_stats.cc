#include "bench/latency_stats.h"

#include <algorithm>
#include <cmath>

namespace sx::bench {
namespace {

constexpr double kNanosPerMicro = 1000.0;

// Nearest rank: the smallest sample with at least `quantile` of all samples
// at or below it.
double Percentile(const std::vector<int64_t>& sorted, double quantile) {
  const double rank = std::ceil(quantile * static_cast<double>(sorted.size()));
  const size_t index =
      rank < 1 ? 0 : std::min(sorted.size() - 1, static_cast<size_t>(rank) - 1);
  return static_cast<double>(sorted[index]) / kNanosPerMicro;
}

}  // namespace

LatencySummary Summarize(std::vector<int64_t>& samples_ns) {
  LatencySummary summary;
  if (samples_ns.empty()) return summary;
  std::sort(samples_ns.begin(), samples_ns.end());
  summary.count = samples_ns.size();
  double total = 0;
  for (int64_t sample : samples_ns) total += static_cast<double>(sample);
  summary.mean_us =
      total / static_cast<double>(samples_ns.size()) / kNanosPerMicro;
  summary.p50_us = Percentile(samples_ns, 0.50);
  summary.p90_us = Percentile(samples_ns, 0.90);
  summary.p99_us = Percentile(samples_ns, 0.99);
  summary.p999_us = Percentile(samples_ns, 0.999);
  summary.max_us = static_cast<double>(samples_ns.back()) / kNanosPerMicro;
  return summary;
}

}  // namespace sx::bench
