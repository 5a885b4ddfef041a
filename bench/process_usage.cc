#include "bench/process_usage.h"

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace sx::bench {

absl::StatusOr<ProcessUsage> ReadProcessUsage(pid_t pid) {
  const std::string proc = absl::StrCat("/proc/", pid);
  std::ifstream stat_file(absl::StrCat(proc, "/stat"));
  std::string stat;
  if (!stat_file || !std::getline(stat_file, stat)) {
    return absl::NotFoundError(absl::StrCat("no process ", pid));
  }
  // The command name (field 2) may hold spaces and parentheses: the fields
  // we want are counted from after its closing parenthesis, where field 3
  // (state) starts; utime and stime are fields 14 and 15.
  const size_t name_end = stat.rfind(')');
  if (name_end == std::string::npos) {
    return absl::DataLossError(absl::StrCat(proc, "/stat: unexpected format"));
  }
  const std::vector<absl::string_view> fields = absl::StrSplit(
      absl::string_view(stat).substr(name_end + 2), ' ', absl::SkipEmpty());
  uint64_t utime = 0;
  uint64_t stime = 0;
  if (fields.size() < 13 || !absl::SimpleAtoi(fields[11], &utime) ||
      !absl::SimpleAtoi(fields[12], &stime)) {
    return absl::DataLossError(absl::StrCat(proc, "/stat: unexpected format"));
  }
  ProcessUsage usage;
  usage.cpu_seconds = static_cast<double>(utime + stime) /
                      static_cast<double>(sysconf(_SC_CLK_TCK));

  std::ifstream status_file(absl::StrCat(proc, "/status"));
  std::string line;
  while (std::getline(status_file, line)) {
    absl::string_view rest = line;
    if (!absl::ConsumePrefix(&rest, "VmHWM:")) continue;
    rest = absl::StripAsciiWhitespace(rest);
    absl::ConsumeSuffix(&rest, "kB");
    absl::SimpleAtoi(absl::StripAsciiWhitespace(rest), &usage.peak_rss_kb);
    break;
  }
  return usage;
}

double OwnCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& time) {
    return static_cast<double>(time.tv_sec) +
           static_cast<double>(time.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

absl::StatusOr<HostBusy> HostBusySeconds() {
  std::ifstream stat_file("/proc/stat");
  std::string line;
  if (!stat_file || !std::getline(stat_file, line) ||
      !absl::StartsWith(line, "cpu ")) {
    return absl::NotFoundError("/proc/stat: no cpu line");
  }
  // cpu user nice system idle iowait irq softirq steal guest guest_nice;
  // guest time is already counted in user.
  const std::vector<absl::string_view> fields =
      absl::StrSplit(line, ' ', absl::SkipEmpty());
  uint64_t ticks[9] = {};
  for (size_t i = 1; i < 9; ++i) {
    if (i >= fields.size() || !absl::SimpleAtoi(fields[i], &ticks[i])) {
      return absl::DataLossError("/proc/stat: unexpected format");
    }
  }
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  HostBusy busy;
  busy.seconds = static_cast<double>(ticks[1] + ticks[3] + ticks[6] + ticks[7] +
                                     ticks[8]) /
                 tick;
  busy.nice_seconds = static_cast<double>(ticks[2]) / tick;
  return busy;
}

}  // namespace sx::bench
