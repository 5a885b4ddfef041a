// What the server under test, this process and the whole machine have
// consumed, from /proc and getrusage: CPU time, and the server's peak
// resident memory.
//
//   absl::StatusOr<ProcessUsage> before = ReadProcessUsage(pid);
//   ... load ...
//   absl::StatusOr<ProcessUsage> after = ReadProcessUsage(pid);
//   double cpu = after->cpu_seconds - before->cpu_seconds;
#pragma once

#include <sys/types.h>

#include <cstdint>

#include "absl/status/statusor.h"

namespace sx::bench {

struct ProcessUsage {
  // utime + stime of /proc/PID/stat, all threads; clock-tick resolution.
  double cpu_seconds = 0;
  // VmHWM of /proc/PID/status.
  int64_t peak_rss_kb = 0;
};

// NOT_FOUND if the process is gone.
absl::StatusOr<ProcessUsage> ReadProcessUsage(pid_t pid);

// CPU time this process has used (all threads).
double OwnCpuSeconds();

// CPU time the whole machine has been busy, from /proc/stat (every CPU):
// with the server's and our own, it tells how much else ran during a
// measurement. Niced processes are counted apart: they yield to the
// benchmark (which runs at nice 0) and disturb it far less.
struct HostBusy {
  double seconds = 0;       // user, system, irq, softirq, steal
  double nice_seconds = 0;  // nice
};
absl::StatusOr<HostBusy> HostBusySeconds();

}  // namespace sx::bench
