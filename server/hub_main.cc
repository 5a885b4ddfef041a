// sxhub: the supervision exchange hub.
//
//   sxhub --config=/etc/sxhub/hub.textproto
//
// Loads and checks the config, opens the RocksDB data directory, serves
// ExchangeService, AdminService, AuditService and HubInfoService (plus gRPC
// health and reflection) over mutual TLS, and prints "sxhub: listening on
// HOST:PORT" once ready. SIGHUP reloads the config (agencies, routes,
// operators, limits on later calls); SIGUSR1 writes a checkpoint (backup) of
// the database under backup_dir; SIGTERM or SIGINT stops it gracefully. The
// other modes (--check-config, --checkpoint, --confirm-restore,
// --restore-from, --export, --import) do one thing and exit.
#include <cstdio>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "server/hub.h"
#include "server/startup_checks.h"
#include "server/storage_transfer.h"
#include "sx/base/version.h"
#include "sx/core/hub_config.h"

namespace sx::server {
namespace {

constexpr char kUsage[] =
    "usage: sxhub --config=FILE [--check-config | --checkpoint=DIR |\n"
    "                            --confirm-restore | --restore-from=DIR |\n"
    "                            --export=FILE | --import=FILE]\n"
    "       sxhub --version\n"
    "  --config=FILE       hub config in protobuf text format "
    "(see deploy/hub.example.textproto)\n"
    "  --check-config      check the config and the files and directories it\n"
    "                      names as a start would, without starting; exit\n"
    "  --checkpoint=DIR    copy the (stopped) hub's database to DIR and exit\n"
    "  --restore-from=DIR  put the backup DIR in place of the (stopped) hub's\n"
    "                      data_dir, keeping the old one beside it, record\n"
    "                      the restore and exit\n"
    "  --confirm-restore   record that data_dir was restored from a backup\n"
    "                      by hand (the hub refuses to start until then)\n"
    "  --export=FILE       write all of the (stopped) hub's stored data,\n"
    "                      from RocksDB or PostgreSQL, to the new dump FILE\n"
    "  --import=FILE       load the dump FILE into the config's storage,\n"
    "                      which must hold no data, and check its audit\n"
    "                      checkpoint (to move between storage backends:\n"
    "                      see deploy/README.md)\n"
    "  --version           print sxhub's version and exit\n"
    "signals: SIGHUP reloads the config, SIGUSR1 writes a checkpoint under\n"
    "  backup_dir, SIGTERM/SIGINT stop gracefully\n";

enum class Mode {
  kServe,
  kCheckConfig,
  kCheckpoint,
  kConfirmRestore,
  kRestore,
  kExport,
  kImport
};

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "sxhub: %s\n", std::string(status.message()).c_str());
  return 1;
}

int Exit(const absl::Status& status) { return status.ok() ? 0 : Fail(status); }

// `path`: the directory or file the mode names.
int Run(const std::string& config_path, Mode mode, const std::string& path) {
  absl::StatusOr<std::shared_ptr<const core::HubConfig>> config =
      core::HubConfig::LoadFile(config_path);
  if (!config.ok()) return Fail(config.status());
  switch (mode) {
    case Mode::kCheckConfig: {
      // The checks Hub::Create makes before it opens anything, so that a
      // config that passes here (systemd's ExecStartPre) also starts.
      absl::Status startable = CheckStartable(**config);
      if (!startable.ok()) return Fail(startable);
      std::printf("sxhub: %s is valid\n", config_path.c_str());
      return 0;
    }
    case Mode::kCheckpoint:
      return Exit(Hub::WriteOfflineCheckpoint(**config, path));
    case Mode::kConfirmRestore:
      return Exit(Hub::ConfirmRestore(**config));
    case Mode::kRestore:
      return Exit(Hub::RestoreFromBackup(**config, path));
    case Mode::kExport:
      return Exit(ExportStorage(**config, path));
    case Mode::kImport:
      return Exit(ImportStorage(**config, path));
    case Mode::kServe:
      break;
  }
  absl::StatusOr<std::unique_ptr<Hub>> hub =
      Hub::Create(config_path, *std::move(config));
  // A standby stopped before it ever served: a clean stop, not a failure.
  if (absl::IsCancelled(hub.status())) {
    std::fprintf(stderr, "sxhub: %s\n",
                 std::string(hub.status().message()).c_str());
    return 0;
  }
  if (!hub.ok()) return Fail(hub.status());
  (*hub)->Run();
  return 0;
}

}  // namespace
}  // namespace sx::server

int main(int argc, char** argv) {
  using sx::server::Mode;
  std::string config_path;
  std::string path;
  Mode mode = Mode::kServe;
  int modes = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (absl::StartsWith(arg, "--config=")) {
      config_path = arg.substr(sizeof("--config=") - 1);
    } else if (absl::StartsWith(arg, "--checkpoint=")) {
      path = arg.substr(sizeof("--checkpoint=") - 1);
      mode = Mode::kCheckpoint;
      ++modes;
    } else if (absl::StartsWith(arg, "--restore-from=")) {
      path = arg.substr(sizeof("--restore-from=") - 1);
      mode = Mode::kRestore;
      ++modes;
    } else if (absl::StartsWith(arg, "--export=")) {
      path = arg.substr(sizeof("--export=") - 1);
      mode = Mode::kExport;
      ++modes;
    } else if (absl::StartsWith(arg, "--import=")) {
      path = arg.substr(sizeof("--import=") - 1);
      mode = Mode::kImport;
      ++modes;
    } else if (arg == "--check-config") {
      mode = Mode::kCheckConfig;
      ++modes;
    } else if (arg == "--confirm-restore") {
      mode = Mode::kConfirmRestore;
      ++modes;
    } else if (arg == "--help" || arg == "-h") {
      std::fputs(sx::server::kUsage, stdout);
      return 0;
    } else if (arg == "--version") {
      std::printf("sxhub %s\n", sx::kVersion);
      return 0;
    } else {
      std::fprintf(stderr, "sxhub: unknown argument %s\n%s", arg.c_str(),
                   sx::server::kUsage);
      return 2;
    }
  }
  if (modes > 1) {
    std::fprintf(stderr,
                 "sxhub: give at most one of --check-config, "
                 "--checkpoint, --confirm-restore, --restore-from, --export, "
                 "--import\n");
    return 2;
  }
  if (config_path.empty() ||
      ((mode == Mode::kCheckpoint || mode == Mode::kRestore ||
        mode == Mode::kExport || mode == Mode::kImport) &&
       path.empty())) {
    std::fputs(sx::server::kUsage, stderr);
    return 2;
  }
  // Debian builds Abseil without NDEBUG, which leaves Mutex deadlock
  // detection on: a lock-order graph updated on every lock, a few percent of
  // the hub's CPU under load. The tests keep it on to catch lock cycles.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  return sx::server::Run(config_path, mode, path);
}
