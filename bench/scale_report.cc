#include "bench/scale_report.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace sx::bench {
namespace {

// The same call at the smallest size: the first report with its name.
double RatioToSmallest(const CallReport& at,
                       const std::vector<CallReport>& calls) {
  for (const CallReport& first : calls) {
    if (first.name == at.name) {
      return first.latency.p50_us > 0 ? at.latency.p50_us / first.latency.p50_us
                                      : 0;
    }
  }
  return 0;
}

const StageReport& StageOf(const CallReport& call,
                           const std::vector<StageReport>& stages) {
  for (const StageReport& stage : stages) {
    if (stage.size == call.size) return stage;
  }
  return stages.front();
}

double PerSecond(uint64_t count, double seconds) {
  return seconds > 0 ? static_cast<double>(count) / seconds : 0;
}

std::string LatencyJson(const LatencySummary& summary) {
  return absl::StrFormat(
      "{\"count\":%d,\"mean\":%.3f,\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,"
      "\"p999\":%.3f,\"max\":%.3f}",
      summary.count, summary.mean_us, summary.p50_us, summary.p90_us,
      summary.p99_us, summary.p999_us, summary.max_us);
}

}  // namespace

std::string Thousands(uint64_t value) {
  std::string digits = absl::StrCat(value);
  for (int at = static_cast<int>(digits.size()) - 3; at > 0; at -= 3) {
    digits.insert(static_cast<size_t>(at), ",");
  }
  return digits;
}

std::string Micros(double us) {
  return us >= 100 ? Thousands(static_cast<uint64_t>(us + 0.5))
                   : absl::StrFormat("%.1f", us);
}

std::string ScaleTables(const std::vector<StageReport>& stages,
                        const std::vector<CallReport>& calls) {
  if (stages.empty()) return "";
  std::string text =
      "Fill (each stage spread over two simulated years):\n\n"
      "| size | referrals added | steps | fill s | referrals/s | "
      "transactions/s | settle s | data MiB | other CPU while timing |\n"
      "|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const StageReport& stage : stages) {
    absl::StrAppendFormat(
        &text, "| %s | %s | %s | %.1f | %s | %s | %.0f | %s | %.0f%% |\n",
        Thousands(stage.size), Thousands(stage.filled.referrals),
        Thousands(stage.filled.steps), stage.fill_seconds,
        Thousands(static_cast<uint64_t>(
            PerSecond(stage.filled.referrals, stage.fill_seconds))),
        Thousands(static_cast<uint64_t>(PerSecond(
            stage.filled.referrals + stage.filled.steps, stage.fill_seconds))),
        stage.settle_seconds, Thousands(stage.data_bytes >> 20),
        stage.other_cpu_share * 100);
  }

  absl::StrAppendFormat(
      &text, "\nCalls (median / p99 µs; ratio = median ÷ median at %s):\n\n",
      Thousands(stages.front().size));
  std::string header = "| call | calls |";
  std::string rule = "|---|---:|";
  for (const StageReport& stage : stages) {
    absl::StrAppend(&header, " ", Thousands(stage.size), " |");
    absl::StrAppend(&rule, "---:|");
  }
  absl::StrAppend(&text, header, " ratio |\n", rule, "---|\n");
  std::vector<std::string> names;
  for (const CallReport& call : calls) {
    if (std::find(names.begin(), names.end(), call.name) == names.end()) {
      names.push_back(call.name);
    }
  }
  for (const std::string& name : names) {
    std::string row = absl::StrCat("| ", name, " |");
    std::vector<std::string> ratios;
    for (const CallReport& call : calls) {
      if (call.name != name) continue;
      if (ratios.empty()) absl::StrAppend(&row, " ", call.calls, " |");
      absl::StrAppend(&row, " ", Micros(call.latency.p50_us), " / ",
                      Micros(call.latency.p99_us), " |");
      ratios.push_back(absl::StrFormat("%.2f", RatioToSmallest(call, calls)));
    }
    absl::StrAppend(&text, row, " ", absl::StrJoin(ratios, " / "), " |\n");
  }

  absl::StrAppend(&text, "\nWhat each call covered at each size:\n\n");
  for (const std::string& name : names) {
    std::vector<std::string> covers;
    std::string description;
    for (const CallReport& call : calls) {
      if (call.name != name) continue;
      covers.push_back(Thousands(call.covers));
      description = call.description;
    }
    absl::StrAppendFormat(&text, "- %s: %s (%s)\n", name,
                          absl::StrJoin(covers, " / "), description);
  }
  return text;
}

std::string ScaleJsonLines(const std::vector<StageReport>& stages,
                           const std::vector<CallReport>& calls) {
  std::string lines;
  for (const CallReport& call : calls) {
    const StageReport& stage = StageOf(call, stages);
    absl::StrAppendFormat(
        &lines,
        "{\"tool\":\"sxscale\",\"size\":%d,\"call\":\"%s\",\"scans\":%s,"
        "\"calls\":%d,\"covers\":%d,\"latency_us\":%s,"
        "\"p50_ratio_to_smallest\":%.3f,\"smallest_size\":%d,"
        "\"fill_referrals_per_second\":%.3f,\"data_bytes\":%d,"
        "\"other_cpu_share\":%.3f}\n",
        call.size, call.name, call.scans ? "true" : "false", call.calls,
        call.covers, LatencyJson(call.latency), RatioToSmallest(call, calls),
        stages.front().size,
        PerSecond(stage.filled.referrals, stage.fill_seconds), stage.data_bytes,
        stage.other_cpu_share);
  }
  return lines;
}

}  // namespace sx::bench
