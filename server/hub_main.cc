// sxhub: the supervision exchange hub.
//
//   sxhub --config=/etc/sxhub/hub.textproto
//
// Loads and checks the config, opens the RocksDB data directory, serves
// ExchangeService (plus gRPC health and reflection) over mutual TLS, and
// prints "sxhub: listening on HOST:PORT" once ready. SIGHUP reloads the config
// (agencies, routes, operators, limits on later calls); SIGUSR1 writes a
// checkpoint of the database under backup_dir; SIGTERM or SIGINT stops it
// gracefully. With --checkpoint=DIR it writes a checkpoint of a stopped hub's
// database and exits.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "admin_core.h"
#include "admin_service.h"
#include "audit_core.h"
#include "audit_service.h"
#include "checkpoint_signature.h"
#include "deadline_watcher.h"
#include "exchange_core.h"
#include "merkle_hasher.h"
#include "exchange_service.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "hub_config.h"
#include "hub_log.h"
#include "hub_metrics.h"
#include "inbox_notifier.h"
#include "reloading_checkpoint_signer.h"
#include "revocation_watcher.h"
#include "server_credentials.h"
#include "sx/storage/store.h"

namespace sx::server {
namespace {

constexpr char kUsage[] =
    "usage: sxhub --config=FILE [--check-config | --checkpoint=DIR]\n"
    "  --config=FILE      hub config in protobuf text format "
    "(see deploy/hub.example.textproto)\n"
    "  --check-config     validate the config and exit\n"
    "  --checkpoint=DIR   copy the (stopped) hub's database to DIR and exit\n"
    "signals: SIGHUP reloads the config, SIGUSR1 writes a checkpoint under\n"
    "  backup_dir, SIGTERM/SIGINT stop gracefully\n";

constexpr char kHubVersion[] = "0.1.0";

// Exit status asking the supervisor (systemd) for a restart, after a storage
// failure that only reopening the database can clear (EX_TEMPFAIL).
constexpr int kExitRestartMe = 75;

// How long in-flight calls get to finish on shutdown.
constexpr absl::Duration kShutdownGrace = absl::Seconds(5);

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "sxhub: %s\n", std::string(status.message()).c_str());
  return 1;
}

// Writes a checkpoint named after the current time under backup_dir.
void WriteCheckpoint(storage::Store& store, const std::string& backup_dir) {
  const std::string directory = absl::StrCat(
      backup_dir, "/checkpoint-",
      absl::FormatTime("%Y%m%dT%H%M%SZ", absl::Now(), absl::UTCTimeZone()));
  std::error_code error;
  std::filesystem::create_directories(backup_dir, error);
  absl::Status written = error ? absl::UnavailableError(error.message())
                               : store.CreateCheckpoint(directory);
  LogLine(written.ok() ? absl::StrCat("checkpoint written to ", directory)
                       : absl::StrCat("checkpoint failed: ", written.message()));
}

// The settings a reload cannot apply that differ between `running` and
// `next`, comma-separated ("" if none).
std::string RestartOnlyChanges(const supervision::v1::HubConfig& running,
                               const supervision::v1::HubConfig& next) {
  std::vector<std::string> changed;
  auto note = [&changed](bool differs, const char* field) {
    if (differs) changed.push_back(field);
  };
  note(next.hub_id() != running.hub_id(), "hub_id");
  note(next.data_dir() != running.data_dir(), "data_dir");
  note(next.listen_address() != running.listen_address(), "listen_address");
  note(next.metrics_address() != running.metrics_address(), "metrics_address");
  note(next.backup_dir() != running.backup_dir(), "backup_dir");
  note(next.limits().min_free_disk_megabytes() !=
           running.limits().min_free_disk_megabytes(),
       "limits.min_free_disk_megabytes");
  note(next.deadlines().check_interval_seconds() !=
           running.deadlines().check_interval_seconds(),
       "deadlines.check_interval_seconds");
  note(next.limits().max_message_bytes() !=
           running.limits().max_message_bytes(),
       "limits.max_message_bytes");
  note(next.limits().max_metadata_bytes() !=
           running.limits().max_metadata_bytes(),
       "limits.max_metadata_bytes");
  note(next.tls().SerializeAsString() != running.tls().SerializeAsString(),
       "tls");
  note(next.audit_log().SerializeAsString() !=
           running.audit_log().SerializeAsString(),
       "audit_log");
  return absl::StrJoin(changed, ", ");
}

int Run(const std::string& config_path, bool check_only,
        const std::string& offline_checkpoint) {
  absl::StatusOr<std::shared_ptr<const core::HubConfig>> config =
      core::HubConfig::LoadFile(config_path);
  if (!config.ok()) return Fail(config.status());
  if (check_only) {
    std::printf("sxhub: %s is valid\n", config_path.c_str());
    return 0;
  }
  const supervision::v1::HubConfig& settings = (*config)->proto();

  // Signals go to the sigwait loop below, not to whichever thread they hit.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  sigaddset(&signals, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  const transparency::HashAlgorithm log_hash =
      settings.audit_log().hash() == supervision::v1::AuditLogConfig::HASH_ALGORITHM_SM3
          ? transparency::HashAlgorithm::kSm3
          : transparency::HashAlgorithm::kSha256;
  absl::StatusOr<transparency::MerkleHasher> hasher =
      transparency::MerkleHasher::Create(log_hash);
  if (!hasher.ok()) return Fail(hasher.status());
  const std::string signing_key_file =
      settings.audit_log().signing_key_file().empty()
          ? settings.tls().key_file()
          : settings.audit_log().signing_key_file();
  absl::StatusOr<transparency::CheckpointSigner> signer =
      transparency::CheckpointSigner::FromPemFile(signing_key_file);
  if (!signer.ok()) {
    return Fail(absl::Status(
        signer.status().code(),
        absl::StrCat("checkpoint signing key ", signing_key_file, ": ",
                     signer.status().message())));
  }

  storage::RocksDbStoreOptions store_options;
  store_options.path = settings.data_dir();
  store_options.id_prefix = settings.hub_id();
  store_options.log_hash = std::string(hasher->name());
  store_options.min_free_bytes =
      static_cast<uint64_t>(settings.limits().min_free_disk_megabytes()) << 20;
  store_options.on_unrecoverable_write_error = [](const absl::Status& status) {
    // Fail-stop: everything acknowledged is synced, so exiting now is as
    // safe as a crash, and a restart replays the log into a writable store.
    LogLine(absl::StrCat("storage cannot write any more, exiting for a restart: ",
                         status.message()));
    std::_Exit(kExitRestartMe);
  };
  absl::StatusOr<std::unique_ptr<storage::Store>> store =
      storage::OpenRocksDbStore(store_options);
  if (!store.ok()) return Fail(store.status());
  if (!offline_checkpoint.empty()) {
    absl::Status written = (*store)->CreateCheckpoint(offline_checkpoint);
    if (!written.ok()) return Fail(written);
    std::printf("sxhub: checkpoint written to %s\n", offline_checkpoint.c_str());
    return 0;
  }

  // The CRLs as the hub checks them itself, on top of OpenSSL's check in
  // the handshake: that one never reaches connections made before a CRL,
  // nor a CRL file replaced in place.
  std::shared_ptr<CertificateRevocations> revocations;
  if (!settings.tls().crl_directory().empty()) {
    absl::StatusOr<std::unique_ptr<CertificateRevocations>> loaded =
        CertificateRevocations::Load(settings.tls().crl_directory(),
                                     settings.tls().ca_file());
    if (!loaded.ok()) return Fail(loaded.status());
    revocations = *std::move(loaded);
    for (const std::string& skipped : revocations->skipped()) {
      LogLine(absl::StrCat("CRL skipped: ", skipped));
    }
  }

  core::SystemClock clock;
  core::ExchangeCore core(**store, clock, *config);
  InboxNotifier notifier;
  (*store)->SetInboxListener(
      [&notifier](const std::vector<std::string>& agencies) {
        notifier.Notify(agencies);
      });
  ExchangeService exchange(core, notifier, revocations.get());
  auto config_source = [&core] { return core.config(); };
  core::AdminCore admin_core(
      **store, clock, config_source,
      [&notifier](absl::string_view agency) {
        return static_cast<uint32_t>(notifier.OpenStreams(agency));
      },
      kHubVersion);
  AdminService admin(admin_core, config_source, revocations.get());
  ReloadingCheckpointSigner checkpoint_signer(signing_key_file,
                                              *std::move(signer));
  core::AuditCore audit_core(
      **store, clock, settings.hub_id(), *hasher,
      [&checkpoint_signer] { return checkpoint_signer.Current(); });
  AuditService audit(audit_core, config_source, revocations.get());
  absl::StatusOr<std::unique_ptr<HubMetrics>> metrics =
      HubMetrics::Create(**store, admin_core);
  if (!metrics.ok()) return Fail(metrics.status());
  core::DeadlineWatcher deadlines(**store, clock);
  deadlines.Start(absl::Seconds(settings.deadlines().check_interval_seconds()),
                  [](const absl::Status& status) {
                    LogLine(absl::StrCat("deadline check failed: ",
                                         status.message()));
                  });

  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      MakeServerCredentials(settings.tls(), [&core] { return core.config(); },
                            revocations);
  if (!credentials.ok()) return Fail(credentials.status());
  // Within a refresh interval of a new CRL, the calls of a certificate it
  // revokes are refused and its open inbox streams end.
  std::unique_ptr<RevocationWatcher> revocation_watcher;
  if (revocations != nullptr) {
    revocation_watcher = std::make_unique<RevocationWatcher>(
        revocations, absl::Seconds(settings.tls().refresh_interval_seconds()),
        [&notifier] { notifier.ReauthenticateAll(); });
  }

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(settings.listen_address(), *credentials, &port);
  builder.SetMaxReceiveMessageSize(
      static_cast<int>(settings.limits().max_message_bytes()));
  // gRPC accepts an oversize message whole before refusing it, so without a
  // quota concurrent calls could make the hub hold (calls x message size).
  grpc::ResourceQuota call_memory("sxhub-calls");
  call_memory.Resize(
      size_t{settings.limits().max_call_memory_megabytes()} << 20);
  builder.SetResourceQuota(call_memory);
  // Two hubs on one address would split agencies between two data
  // directories: refuse to share the port (gRPC allows it by default).
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddChannelArgument(
      GRPC_ARG_MAX_METADATA_SIZE,
      static_cast<int>(settings.limits().max_metadata_bytes()));
  builder.RegisterService(&exchange);
  builder.RegisterService(&admin);
  builder.RegisterService(&audit);
  auto interceptors = (*metrics)->InterceptorCreators();
  if (!interceptors.ok()) return Fail(interceptors.status());
  builder.experimental().SetInterceptorCreators(*std::move(interceptors));
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    return Fail(absl::UnavailableError(absl::StrCat(
        "cannot listen on ", settings.listen_address(),
        " (address in use, or not a local address?)")));
  }
  const std::string host = settings.listen_address().substr(
      0, settings.listen_address().rfind(':'));
  if (!settings.metrics_address().empty()) {
    absl::Status serving = (*metrics)->Serve(settings.metrics_address());
    if (!serving.ok()) return Fail(serving);
    LogLine(absl::StrCat("metrics on http://", settings.metrics_address().substr(
                             0, settings.metrics_address().rfind(':')),
                         ":", (*metrics)->port(), "/metrics"));
  }
  std::printf("sxhub: listening on %s:%d\n", host.c_str(), port);
  std::fflush(stdout);
  LogLine(absl::StrCat("started hub ", settings.hub_id(), " on ", host, ":",
                       port, " data_dir=", settings.data_dir()));

  for (;;) {
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    if (signal_number == SIGUSR1) {
      WriteCheckpoint(**store, settings.backup_dir());
      continue;
    }
    if (signal_number != SIGHUP) break;
    absl::StatusOr<std::shared_ptr<const core::HubConfig>> reloaded =
        core::HubConfig::LoadFile(config_path);
    if (!reloaded.ok()) {
      LogLine(absl::StrCat("config reload refused, keeping the old one: ",
                           reloaded.status().message()));
      continue;
    }
    const supervision::v1::HubConfig& next = (*reloaded)->proto();
    const std::string restart_only = RestartOnlyChanges(settings, next);
    if (!restart_only.empty()) {
      LogLine(absl::StrCat("config reload: changes to ", restart_only,
                           " take effect only after a restart"));
    }
    call_memory.Resize(size_t{next.limits().max_call_memory_megabytes()}
                       << 20);
    core.UpdateConfig(*reloaded);
    // Streams of an identity the new config no longer has end now.
    notifier.ReauthenticateAll();
    LogLine("config reloaded");
  }
  LogLine("stopping");
  deadlines.Stop();
  (*metrics)->Stop();
  server->Shutdown(std::chrono::system_clock::now() +
                   absl::ToChronoSeconds(kShutdownGrace));
  server->Wait();
  // Close the store while the metrics and inbox notifier its writer thread
  // calls back into still exist (they are declared after it).
  store->reset();
  return 0;
}

}  // namespace
}  // namespace sx::server

int main(int argc, char** argv) {
  std::string config_path;
  std::string checkpoint_dir;
  bool check_only = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (absl::StartsWith(arg, "--config=")) {
      config_path = arg.substr(sizeof("--config=") - 1);
    } else if (absl::StartsWith(arg, "--checkpoint=")) {
      checkpoint_dir = arg.substr(sizeof("--checkpoint=") - 1);
    } else if (arg == "--check-config") {
      check_only = true;
    } else if (arg == "--help" || arg == "-h") {
      std::fputs(sx::server::kUsage, stdout);
      return 0;
    } else {
      std::fprintf(stderr, "sxhub: unknown argument %s\n%s", arg.c_str(),
                   sx::server::kUsage);
      return 2;
    }
  }
  if (config_path.empty()) {
    std::fputs(sx::server::kUsage, stderr);
    return 2;
  }
  // Debian builds Abseil without NDEBUG, which leaves Mutex deadlock
  // detection on: a lock-order graph updated on every lock, a few percent of
  // the hub's CPU under load. The tests keep it on to catch lock cycles.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  return sx::server::Run(config_path, check_only, checkpoint_dir);
}
