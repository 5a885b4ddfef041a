// sxbench: load generator for the supervision exchange hub, and for the
// systems it is compared with, measured by one and the same code.
//
//   sxbench --pki=DIR --hub=127.0.0.1:7443 --inflight=8 --duration=5
//           --consumers --hub-pid=$(pidof sxhub)
//   sxbench --mode=echo --pki=DIR --hub=127.0.0.1:7444 --inflight=8
//   sxbench --mode=rabbitmq --hub=127.0.0.1:5672 --inflight=8 --json
//
// Prints acknowledged submits per second, submit latency percentiles,
// submit-to-delivery latency (with --consumers), and the server's CPU time
// per submit and peak RSS (with --hub-pid). See bench/RESULTS.md.
#include <cstdio>
#include <memory>
#include <optional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "bench/bench_options.h"
#include "bench/bench_target.h"
#include "bench/load_run.h"
#include "bench/process_usage.h"
#include "bench/run_report.h"
#include "sx/base/version.h"

namespace sx::bench {
namespace {

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "sxbench: %s\n", std::string(status.message()).c_str());
  return 1;
}

absl::StatusOr<std::unique_ptr<BenchTarget>> MakeTarget(
    const BenchOptions& options) {
  switch (options.mode) {
    case Mode::kHub:
    case Mode::kEcho:
      return MakeExchangeTarget(options);
    case Mode::kRabbitMq:
      return MakeRabbitMqTarget(options);
    case Mode::kJetStream:
      return MakeJetStreamTarget(options);
  }
  return absl::InvalidArgumentError("unknown mode");
}

int Run(const BenchOptions& options) {
  absl::StatusOr<std::unique_ptr<BenchTarget>> target = MakeTarget(options);
  if (!target.ok()) return Fail(target.status());
  if (absl::Status prepared = (*target)->Prepare(); !prepared.ok()) {
    return Fail(prepared);
  }
  if (options.server_pid > 0) {
    if (absl::StatusOr<ProcessUsage> usage =
            ReadProcessUsage(options.server_pid);
        !usage.ok()) {
      return Fail(usage.status());
    }
  }

  LoadPhases phases(options.plan);
  OperationLog log;
  // CPU is counted from the start of the measured phase: the server's, our
  // own, and the whole machine's.
  std::optional<ProcessUsage> usage_at_start;
  double own_cpu_at_start = 0;
  absl::StatusOr<HostBusy> host_busy_at_start =
      absl::UnknownError("not sampled");
  std::thread sampler([&] {
    std::this_thread::sleep_until(phases.measure_start());
    if (options.server_pid > 0) {
      absl::StatusOr<ProcessUsage> usage = ReadProcessUsage(options.server_pid);
      if (usage.ok()) usage_at_start = *usage;
    }
    own_cpu_at_start = OwnCpuSeconds();
    host_busy_at_start = HostBusySeconds();
  });
  absl::Status ran = (*target)->Run(phases, log);
  sampler.join();
  std::optional<DeliveryReport> delivery =
      (*target)->FinishDelivery(phases.measure_start());
  if (!ran.ok()) return Fail(ran);

  RunReport report;
  report.mode = options.mode_name;
  report.address = options.address;
  report.label = options.label;
  report.inflight = options.inflight;
  report.payload_bytes = options.payload_bytes;
  report.succeeded = log.succeeded();
  report.failed = log.failed();
  report.first_error = log.first_error();
  if (report.succeeded + report.failed > 0) {
    report.elapsed_seconds =
        std::chrono::duration<double>(log.last_done() - phases.measure_start())
            .count();
  }
  std::vector<int64_t> latencies = log.TakeLatencies();
  report.submit_latency = Summarize(latencies);
  report.delivery = delivery;
  if (usage_at_start.has_value()) {
    absl::StatusOr<ProcessUsage> usage = ReadProcessUsage(options.server_pid);
    if (!usage.ok()) return Fail(usage.status());
    report.server = ServerReport{
        options.server_pid, usage->cpu_seconds - usage_at_start->cpu_seconds,
        usage->peak_rss_kb};
  }

  absl::StatusOr<HostBusy> host_busy = HostBusySeconds();
  if (host_busy.ok() && host_busy_at_start.ok()) {
    HostReport host;
    host.cpus = static_cast<int>(std::thread::hardware_concurrency());
    host.window_seconds =
        std::chrono::duration<double>(Clock::now() - phases.measure_start())
            .count();
    host.busy_seconds = host_busy->seconds - host_busy_at_start->seconds;
    host.niced_cpu_seconds =
        host_busy->nice_seconds - host_busy_at_start->nice_seconds;
    host.client_cpu_seconds = OwnCpuSeconds() - own_cpu_at_start;
    host.other_cpu_seconds =
        host.busy_seconds - host.client_cpu_seconds -
        (report.server.has_value() ? report.server->cpu_seconds : 0.0);
    report.host = host;
  }

  const std::string output =
      options.json ? ToJson(report) + "\n" : ToText(report);
  std::fputs(output.c_str(), stdout);
  std::fflush(stdout);
  if (report.succeeded == 0) {
    return Fail(absl::UnavailableError(absl::StrCat(
        "no submit succeeded", report.first_error.empty()
                                   ? ""
                                   : absl::StrCat(": ", report.first_error))));
  }
  return report.failed == 0 ? 0 : 3;
}

}  // namespace
}  // namespace sx::bench

int main(int argc, char** argv) {
  // For scripts: which modes this build has (the broker clients are
  // optional at build time).
  if (argc == 2 && std::string(argv[1]) == "--list-modes") {
    std::printf("hub echo%s%s\n", sx::bench::kWithRabbitMq ? " rabbitmq" : "",
                sx::bench::kWithJetStream ? " jetstream" : "");
    return 0;
  }
  if (argc == 2 && std::string(argv[1]) == "--version") {
    std::printf("sxbench %s\n", sx::kVersion);
    return 0;
  }
  // As in sxhub: Debian's Abseil keeps Mutex deadlock detection on, which
  // gRPC's own locks pay for on every call; measure without it, alike for
  // the hub, the echo and the client.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::StatusOr<sx::bench::BenchOptions> options =
      sx::bench::ParseBenchOptions(argc, argv);
  if (!options.ok()) {
    if (absl::IsCancelled(options.status())) {
      std::fputs(sx::bench::kUsage, stdout);
      return 0;
    }
    std::fprintf(stderr, "sxbench: %s\n%s",
                 std::string(options.status().message()).c_str(),
                 sx::bench::kUsage);
    return 2;
  }
  return sx::bench::Run(*options);
}
