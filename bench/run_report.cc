#include "bench/run_report.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace sx::bench {
namespace {

double PerSecond(uint64_t count, double seconds) {
  return seconds > 0 ? static_cast<double>(count) / seconds : 0;
}

// JSON has no NaN or infinity; none of our numbers should be either, but a
// parse failure downstream would hide every other number.
std::string Number(double value) {
  if (value != value || value > 1e300 || value < -1e300) return "null";
  return absl::StrFormat("%.3f", value);
}

std::string Quoted(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += absl::StrFormat("\\u%04x", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string LatencyJson(const LatencySummary& summary) {
  return absl::StrCat(
      "{\"count\":", summary.count, ",\"mean\":", Number(summary.mean_us),
      ",\"p50\":", Number(summary.p50_us), ",\"p90\":", Number(summary.p90_us),
      ",\"p99\":", Number(summary.p99_us),
      ",\"p999\":", Number(summary.p999_us),
      ",\"max\":", Number(summary.max_us), "}");
}

std::string LatencyText(const LatencySummary& summary) {
  return absl::StrFormat(
      "p50 %.0f  p90 %.0f  p99 %.0f  p99.9 %.0f  max %.0f  (mean %.0f)",
      summary.p50_us, summary.p90_us, summary.p99_us, summary.p999_us,
      summary.max_us, summary.mean_us);
}

}  // namespace

std::string ToText(const RunReport& report) {
  std::string text = absl::StrFormat(
      "sxbench %s %s  in-flight %d  payload %d B  measured %.2f s%s\n",
      report.mode, report.address, report.inflight, report.payload_bytes,
      report.elapsed_seconds,
      report.label.empty() ? "" : absl::StrCat("  [", report.label, "]"));
  absl::StrAppendFormat(&text, "submits: %d ok, %d failed, %.1f/s\n",
                        report.succeeded, report.failed,
                        PerSecond(report.succeeded, report.elapsed_seconds));
  if (!report.first_error.empty()) {
    absl::StrAppend(&text, "first error: ", report.first_error, "\n");
  }
  absl::StrAppend(
      &text, "submit latency us: ", LatencyText(report.submit_latency), "\n");
  if (report.delivery.has_value()) {
    const DeliveryReport& delivery = *report.delivery;
    absl::StrAppendFormat(
        &text, "delivery: %d delivered, %d missing, %.1f/s\n",
        delivery.delivered, delivery.missing,
        PerSecond(delivery.delivered, delivery.elapsed_seconds));
    absl::StrAppend(&text, "submit-to-delivery latency us: ",
                    LatencyText(delivery.latency), "\n");
  }
  if (report.server.has_value()) {
    const ServerReport& server = *report.server;
    absl::StrAppendFormat(
        &text,
        "server pid %d: %.2f s CPU, %.1f us CPU per submit, peak RSS %.1f "
        "MiB\n",
        server.pid, server.cpu_seconds,
        report.succeeded > 0
            ? server.cpu_seconds * 1e6 / static_cast<double>(report.succeeded)
            : 0.0,
        static_cast<double>(server.peak_rss_kb) / 1024.0);
  }
  if (report.host.has_value()) {
    const HostReport& host = *report.host;
    const double capacity = host.cpus * host.window_seconds;
    absl::StrAppendFormat(
        &text,
        "machine: %d CPUs busy %.0f%%: sxbench %.2f s, other processes %.2f s, "
        "niced processes %.2f s CPU\n",
        host.cpus, capacity > 0 ? 100 * host.busy_seconds / capacity : 0.0,
        host.client_cpu_seconds, host.other_cpu_seconds,
        host.niced_cpu_seconds);
  }
  return text;
}

std::string ToJson(const RunReport& report) {
  std::string json = absl::StrCat(
      "{\"mode\":", Quoted(report.mode),
      ",\"address\":", Quoted(report.address),
      ",\"label\":", Quoted(report.label), ",\"inflight\":", report.inflight,
      ",\"payload_bytes\":", report.payload_bytes,
      ",\"succeeded\":", report.succeeded, ",\"failed\":", report.failed,
      ",\"first_error\":", Quoted(report.first_error),
      ",\"elapsed_seconds\":", Number(report.elapsed_seconds),
      ",\"submits_per_second\":",
      Number(PerSecond(report.succeeded, report.elapsed_seconds)),
      ",\"submit_latency_us\":", LatencyJson(report.submit_latency));
  if (report.delivery.has_value()) {
    const DeliveryReport& delivery = *report.delivery;
    absl::StrAppend(
        &json, ",\"delivery\":{\"delivered\":", delivery.delivered,
        ",\"missing\":", delivery.missing,
        ",\"elapsed_seconds\":", Number(delivery.elapsed_seconds),
        ",\"per_second\":",
        Number(PerSecond(delivery.delivered, delivery.elapsed_seconds)),
        ",\"latency_us\":", LatencyJson(delivery.latency), "}");
  }
  if (report.server.has_value()) {
    const ServerReport& server = *report.server;
    absl::StrAppend(
        &json, ",\"server\":{\"pid\":", server.pid,
        ",\"cpu_seconds\":", Number(server.cpu_seconds),
        ",\"cpu_us_per_submit\":",
        Number(report.succeeded > 0 ? server.cpu_seconds * 1e6 /
                                          static_cast<double>(report.succeeded)
                                    : 0.0),
        ",\"peak_rss_kb\":", server.peak_rss_kb, "}");
  }
  if (report.host.has_value()) {
    const HostReport& host = *report.host;
    absl::StrAppend(&json, ",\"host\":{\"cpus\":", host.cpus,
                    ",\"window_seconds\":", Number(host.window_seconds),
                    ",\"busy_seconds\":", Number(host.busy_seconds),
                    ",\"client_cpu_seconds\":", Number(host.client_cpu_seconds),
                    ",\"other_cpu_seconds\":", Number(host.other_cpu_seconds),
                    ",\"niced_cpu_seconds\":", Number(host.niced_cpu_seconds),
                    "}");
  }
  return json + "}";
}

}  // namespace sx::bench
