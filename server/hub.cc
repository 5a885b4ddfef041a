#include "server/hub.h"

#include <signal.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "server/backup_placement.h"
#include "server/config_changes.h"
#include "server/exercise_directory.h"
#include "server/hub_log.h"
#include "server/malformed_requests.h"
#include "server/server_credentials.h"
#include "server/startup_checks.h"
#include "server/store_options.h"
#include "sx/base/status_macros.h"
#include "sx/base/version.h"
#include "sx/console/console_server.h"
#include "sx/core/restore_recorder.h"
#include "sx/encryption/encrypting_store.h"
#include "sx/encryption/key_ring.h"
#include "sx/encryption/key_use_counts.h"
#include "sx/storage/backup_marker.h"
#include "sx/storage/postgres_store.h"

namespace sx::server {
namespace {

namespace v1 = ::supervision::v1;

// The config was validated: an exercise clock in it has a valid start and
// speed.
std::unique_ptr<const core::Clock> HubClock(const v1::HubConfig& settings) {
  if (!settings.has_exercise_clock()) {
    return std::make_unique<core::SystemClock>();
  }
  const absl::StatusOr<core::ExerciseClockSettings> exercise =
      core::ExerciseClockOf(settings.exercise_clock());
  LogLine(absl::StrCat(
      "EXERCISE CLOCK (演练): the hub's time starts at ",
      settings.exercise_clock().start(), " and runs ",
      settings.exercise_clock().days_per_minute(),
      " days per minute; events are dated by it. Not for real traffic."));
  return std::make_unique<core::ExerciseClock>(exercise->start,
                                               exercise->speed);
}

// Exit status asking the supervisor (systemd) for a restart, after a storage
// failure that only reopening the database can clear (EX_TEMPFAIL).
constexpr int kExitRestartMe = 75;

// How long in-flight calls get to finish on shutdown.
constexpr absl::Duration kShutdownGrace = absl::Seconds(5);

// The signals Hub::Run waits for.
sigset_t HubSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  sigaddset(&signals, SIGUSR1);
  return signals;
}

// What the hub sets up before it serves, and all that --checkpoint needs.
struct Opened {
  transparency::MerkleHasher hasher;
  std::string signing_key_file;
  transparency::CheckpointSigner signer;
  std::shared_ptr<StorageHealthReporter> storage_health;
  std::unique_ptr<storage::Store> store;
  // The store itself when the config asks for encryption at rest, else null.
  encryption::EncryptingStore* encrypting = nullptr;
};

// Encryption at rest over the opened store, if the config asks for it; a
// store that holds encrypted records is refused without it, and so is a key
// file that lacks a key those records are under.
absl::StatusOr<Opened> EncryptIfConfigured(const v1::HubConfig& settings,
                                           Opened opened) {
  if (!settings.has_encryption()) {
    SX_RETURN_IF_ERROR(encryption::CheckNothingEncrypted(*opened.store));
    return opened;
  }
  const std::string& key_file = settings.encryption().key_file();
  SX_ASSIGN_OR_RETURN(encryption::KeyRing keys,
                      encryption::KeyRing::LoadFile(key_file));
  const std::string current = keys.current().name;
  SX_ASSIGN_OR_RETURN(std::unique_ptr<encryption::EncryptingStore> encrypting,
                      encryption::EncryptingStore::Wrap(
                          std::move(opened.store), std::move(keys),
                          settings.encryption().cipher(), key_file));
  LogLine(absl::StrCat("encryption at rest: ",
                       settings.encryption().cipher() ==
                               v1::AtRestEncryption::CIPHER_SM4_CTR_HMAC_SM3
                           ? "SM4-CTR+HMAC-SM3"
                           : "AES-256-GCM",
                       ", current key \"", current, "\" from ", key_file));
  encrypting->SetFilesRewrittenListener(
      [](const absl::Status& rewritten, absl::Duration took) {
        LogLine(rewritten.ok()
                    ? absl::StrCat("storage files rewritten after a re-wrap "
                                   "pass in ",
                                   absl::FormatDuration(took),
                                   ": no old form of a re-written record is "
                                   "left in data_dir")
                    : absl::StrCat("rewriting the storage files after a "
                                   "re-wrap pass failed (old forms stay on "
                                   "disk until the next pass): ",
                                   rewritten.message()));
      });
  opened.encrypting = encrypting.get();
  opened.store = std::move(encrypting);
  return opened;
}

// The PostgreSQL store, as storage.postgres says. A commit's outcome that
// the connection took with it is not fatal here (unlike a failed RocksDB
// WAL write): the writer reconnects and the client's retry resolves it.
absl::StatusOr<std::unique_ptr<storage::Store>> OpenPostgres(
    const v1::HubConfig& settings,
    const std::shared_ptr<StorageHealthReporter>& storage_health) {
  storage::PostgresStoreOptions options = PostgresOptionsOf(settings);
  options.on_damage = [storage_health](const absl::Status& damage) {
    storage_health->Damaged(damage);
  };
  options.on_reachability = [storage_health](const absl::Status& reachable) {
    storage_health->Reachable(reachable);
  };
  // A standby hub: it serves nothing (does not even listen) until the
  // active one is gone, so that clients and load balancers find the
  // active one by trying the addresses they know.
  options.on_waiting_for_write_lock = [](const std::string& holder) {
    LogLine(absl::StrCat(
        "standby: waiting for the database's write lock, held by ",
        holder.empty() ? "another hub" : holder,
        "; this hub serves once it is released"));
  };
  // The hub's stop signals are blocked until it serves (they wait for its
  // sigwait loop): a standby looks for them itself.
  options.keep_waiting_for_write_lock = [] {
    sigset_t pending;
    sigpending(&pending);
    return sigismember(&pending, SIGTERM) != 1 &&
           sigismember(&pending, SIGINT) != 1;
  };
  options.on_write_lock_lost = [](const absl::Status& lost) {
    // Fail-stop: every acknowledged write is committed, and the restart
    // comes back as a standby behind the hub that took over.
    LogLine(absl::StrCat("exiting for a restart as a standby: ",
                         lost.message()));
    std::_Exit(kExitRestartMe);
  };
  absl::StatusOr<std::unique_ptr<storage::Store>> store =
      storage::OpenPostgresStore(options);
  if (!store.ok()) {
    return absl::Status(store.status().code(),
                        absl::StrCat("storage.postgres: ",
                                     store.status().message()));
  }
  return store;
}

// `confirming_restore`: open a data directory restored from a backup, to
// record the restore (a normal start refuses it).
absl::StatusOr<Opened> Open(const v1::HubConfig& settings,
                            bool confirming_restore = false) {
  // Signals go to the sigwait loop in Hub::Run, not to whichever thread they
  // hit: blocked here, before the store starts the first thread, so that
  // every thread inherits the mask.
  const sigset_t signals = HubSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  SX_ASSIGN_OR_RETURN(
      transparency::MerkleHasher hasher,
      transparency::MerkleHasher::Create(core::LogHashAlgorithm(settings)));
  std::string signing_key_file = settings.audit_log().signing_key_file().empty()
                                     ? settings.tls().key_file()
                                     : settings.audit_log().signing_key_file();
  absl::StatusOr<transparency::CheckpointSigner> signer =
      transparency::CheckpointSigner::FromPemFile(signing_key_file);
  if (!signer.ok()) {
    // Named as the config spells it: by default the key is tls.key_file,
    // and a "signing key" setting the operator never wrote misleads.
    return absl::Status(
        signer.status().code(),
        absl::StrCat(settings.audit_log().signing_key_file().empty()
                         ? "tls.key_file (the checkpoint signing key, as "
                           "audit_log.signing_key_file is not set): "
                         : "audit_log.signing_key_file: ",
                     signer.status().message()));
  }

  storage::RocksDbStoreOptions store_options = RocksDbOptionsOf(settings);
  store_options.confirming_restore = confirming_restore;
  store_options.on_unrecoverable_write_error = [](const absl::Status& status) {
    // Fail-stop: everything acknowledged is synced, so exiting now is as
    // safe as a crash, and a restart replays the log into a writable store.
    LogLine(
        absl::StrCat("storage cannot write any more, exiting for a restart: ",
                     status.message()));
    std::_Exit(kExitRestartMe);
  };
  auto storage_health = std::make_shared<StorageHealthReporter>();
  store_options.on_damage = [storage_health](const absl::Status& damage) {
    storage_health->Damaged(damage);
  };
  std::unique_ptr<storage::Store> store;
  const absl::Time opening = absl::Now();
  if (settings.storage().has_postgres()) {
    SX_ASSIGN_OR_RETURN(store, OpenPostgres(settings, storage_health));
    LogLine(absl::StrCat("PostgreSQL storage opened in ",
                         absl::FormatDuration(absl::Now() - opening)));
  } else {
    // Opening replays the write-ahead log and, once after an upgrade,
    // derives the current counts and the supervision ledger from every
    // referral: say how long it took.
    SX_ASSIGN_OR_RETURN(store, storage::OpenRocksDbStore(store_options));
    LogLine(absl::StrCat("data_dir ", settings.data_dir(), " opened in ",
                         absl::FormatDuration(absl::Now() - opening)));
  }
  return Opened{std::move(hasher), std::move(signing_key_file),
                *std::move(signer), std::move(storage_health),
                std::move(store)};
}

// SIGUSR1: writes a checkpoint named after the current time under
// backup_dir.
void WriteCheckpoint(storage::Store& store, const std::string& backup_dir) {
  const std::string directory = absl::StrCat(
      backup_dir, "/checkpoint-",
      absl::FormatTime("%Y%m%dT%H%M%SZ", absl::Now(), absl::UTCTimeZone()));
  std::error_code error;
  // Backups hold every lead: a backup_dir the hub creates is its user's alone
  // (each checkpoint in it is 0700 too).
  if (std::filesystem::create_directories(backup_dir, error)) {
    std::filesystem::permissions(backup_dir, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace, error);
  }
  absl::Status written = error ? absl::UnavailableError(error.message())
                               : store.CreateCheckpoint(directory);
  LogLine(written.ok()
              ? absl::StrCat("checkpoint written to ", directory)
              : absl::StrCat("checkpoint failed: ", written.message()));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Hub>> Hub::Create(
    std::string config_path, std::shared_ptr<const core::HubConfig> config) {
  // What --check-config checks, before the database opens or a port is
  // bound: a start refuses what the check refuses, with the same message,
  // and a config that passes the check does not fail here on a file.
  SX_RETURN_IF_ERROR(CheckStartable(*config));
  SX_ASSIGN_OR_RETURN(Opened plain, Open(config->proto()));
  // Only a serving hub reads and writes contents: a checkpoint or a
  // restore does neither, and does without the key file.
  SX_ASSIGN_OR_RETURN(Opened opened,
                      EncryptIfConfigured(config->proto(), std::move(plain)));
  SX_RETURN_IF_ERROR(CheckExerciseDirectory(config->proto(), *opened.store));
  std::unique_ptr<Hub> hub(new Hub(std::move(config_path), std::move(config),
                                   std::move(opened.storage_health),
                                   std::move(opened.store), opened.encrypting));
  SX_RETURN_IF_ERROR(hub->Start(opened.hasher,
                                std::move(opened.signing_key_file),
                                std::move(opened.signer)));
  return hub;
}

namespace {

// Checkpoints and restores are the embedded database's; PostgreSQL has its
// own tools, and opening the store here would wait behind a serving hub's
// write lock.
absl::Status RefuseOnPostgres(const core::HubConfig& config,
                              absl::string_view what) {
  if (!config.proto().storage().has_postgres()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      what,
      " is for the embedded RocksDB storage; this hub keeps its data in "
      "PostgreSQL (storage.postgres): back it up and restore it with "
      "pg_basebackup and WAL archiving, or pg_dump (see deploy/README.md, "
      "\"PostgreSQL storage\")"));
}

}  // namespace

absl::Status Hub::WriteOfflineCheckpoint(const core::HubConfig& config,
                                         const std::string& directory) {
  SX_RETURN_IF_ERROR(RefuseOnPostgres(config, "--checkpoint"));
  SX_ASSIGN_OR_RETURN(Opened opened, Open(config.proto()));
  SX_RETURN_IF_ERROR(opened.store->CreateCheckpoint(directory));
  std::printf("sxhub: checkpoint written to %s\n", directory.c_str());
  return absl::OkStatus();
}

absl::Status Hub::ConfirmRestore(const core::HubConfig& config) {
  SX_RETURN_IF_ERROR(RefuseOnPostgres(config, "--confirm-restore"));
  const std::string& data_dir = config.proto().data_dir();
  SX_ASSIGN_OR_RETURN(std::optional<storage::BackupMarker> backup,
                      storage::ReadBackupMarker(data_dir));
  if (!backup.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat(
        data_dir, " is not a restored backup (it has no ",
        storage::kBackupMarkerFile, " file): there is no restore to confirm"));
  }
  core::RecordedRestore recorded;
  {
    SX_ASSIGN_OR_RETURN(Opened opened,
                        Open(config.proto(), /*confirming_restore=*/true));
    const core::SystemClock clock;
    std::vector<std::string> agencies;
    for (const v1::Agency& agency : config.proto().agencies()) {
      agencies.push_back(agency.id());
    }
    SX_ASSIGN_OR_RETURN(
        recorded, core::RecordRestore(*opened.store, clock, *backup, agencies));
  }  // Closes the store before the mark goes: a crash in between repeats
     // nothing (RecordRestore finds its own event).
  SX_RETURN_IF_ERROR(storage::RemoveBackupMarker(data_dir));
  std::printf(
      "sxhub: restore of the backup written at %s recorded as event %llu; "
      "new referral ids carry generation %s. Start the hub as usual.\n",
      absl::FormatTime(absl::RFC3339_sec, backup->written, absl::UTCTimeZone())
          .c_str(),
      static_cast<unsigned long long>(recorded.event_sequence),
      recorded.generation.c_str());
  return absl::OkStatus();
}

absl::Status Hub::RestoreFromBackup(const core::HubConfig& config,
                                    const std::string& backup_dir) {
  SX_RETURN_IF_ERROR(RefuseOnPostgres(config, "--restore-from"));
  SX_RETURN_IF_ERROR(PutBackupInPlace(backup_dir, config.proto().data_dir()));
  return ConfirmRestore(config);
}

Hub::Hub(std::string config_path, std::shared_ptr<const core::HubConfig> config,
         std::shared_ptr<StorageHealthReporter> storage_health,
         std::unique_ptr<storage::Store> store,
         encryption::EncryptingStore* encrypting)
    : config_path_(std::move(config_path)),
      config_(std::move(config)),
      clock_owner_(HubClock(config_->proto())),
      clock_(*clock_owner_),
      storage_health_(std::move(storage_health)),
      store_(std::move(store)),
      encrypting_(encrypting) {}

absl::Status Hub::Start(const transparency::MerkleHasher& hasher,
                        std::string signing_key_file,
                        transparency::CheckpointSigner signer) {
  const v1::HubConfig& settings = config_->proto();
  if (!settings.tls().crl_directory().empty()) {
    SX_ASSIGN_OR_RETURN(revocations_, CertificateRevocations::Load(
                                          settings.tls().crl_directory(),
                                          settings.tls().ca_file()));
    for (const std::string& skipped : revocations_->skipped()) {
      LogLine(absl::StrCat("CRL skipped: ", skipped));
    }
  }
  std::shared_ptr<const CertificateRevocations> signing_revocations =
      revocations_;
  if (revocations_ != nullptr && settings.has_step_signatures() &&
      settings.step_signatures().ca_file() != settings.tls().ca_file()) {
    SX_ASSIGN_OR_RETURN(
        signing_revocations_,
        CertificateRevocations::Load(settings.tls().crl_directory(),
                                     settings.step_signatures().ca_file()));
    signing_revocations = signing_revocations_;
  }
  SX_ASSIGN_OR_RETURN(step_signatures_, StepSignatureCheck::Create(
                                            settings, signing_revocations));

  core_ = std::make_unique<core::ExchangeCore>(*store_, clock_, config_);
  notifier_ = std::make_unique<InboxNotifier>();
  InboxNotifier* const notifier = notifier_.get();
  store_->SetInboxListener(
      [notifier](const std::vector<std::string>& agencies) {
        notifier->Notify(agencies);
      });
  exchange_ = std::make_unique<ExchangeService>(
      *core_, *notifier, revocations_.get(), *step_signatures_);
  const ConfigSource config_source = [core = core_.get()] {
    return core->config();
  };
  rectification_core_ =
      std::make_unique<core::RectificationCore>(*store_, clock_, config_source);
  rectification_ = std::make_unique<RectificationService>(
      *rectification_core_, config_source, revocations_.get(),
      *step_signatures_);
  distribution_core_ =
      std::make_unique<core::DistributionCore>(*store_, clock_, config_source);
  distribution_ = std::make_unique<DistributionService>(
      *distribution_core_, config_source, revocations_.get(),
      *step_signatures_);
  statistics_core_ =
      std::make_unique<core::StatisticsCore>(*store_, config_source);
  statistics_ = std::make_unique<StatisticsService>(
      *statistics_core_, config_source, revocations_.get());
  supervision_ledger_core_ =
      std::make_unique<core::SupervisionLedgerCore>(*store_, config_source);
  supervision_ledger_ = std::make_unique<SupervisionLedgerService>(
      *supervision_ledger_core_, config_source, revocations_.get());
  admin_core_ = std::make_unique<core::AdminCore>(
      *store_, clock_, config_source,
      [notifier](absl::string_view agency) {
        return static_cast<uint32_t>(notifier->OpenStreams(agency));
      },
      kVersion, encrypting_);
  admin_ = std::make_unique<AdminService>(*admin_core_, config_source,
                                          revocations_.get());
  checkpoint_signer_ = std::make_unique<ReloadingCheckpointSigner>(
      std::move(signing_key_file), std::move(signer));
  audit_core_ = std::make_unique<core::AuditCore>(
      *store_, clock_, settings.hub_id(), hasher,
      [signer = checkpoint_signer_.get()] { return signer->Current(); });
  audit_ = std::make_unique<AuditService>(*audit_core_, config_source,
                                          revocations_.get());
  hub_info_ = std::make_unique<HubInfoService>(
      config_source, revocations_.get(), clock_, kVersion);
  SX_ASSIGN_OR_RETURN(metrics_, HubMetrics::Create(*store_, *admin_core_));
  deadlines_ =
      std::make_unique<core::DeadlineWatcher>(*store_, clock_, config_source);
  deadlines_->Start(
      absl::Seconds(settings.deadlines().check_interval_seconds()),
      [](const absl::Status& status) {
        LogLine(absl::StrCat("deadline check failed: ", status.message()));
      });

  SX_ASSIGN_OR_RETURN(
      credentials_,
      MakeServerCredentials(settings.tls(), config_source, revocations_));
  if (revocations_ != nullptr) {
    revocation_watcher_ = std::make_unique<RevocationWatcher>(
        revocations_, absl::Seconds(settings.tls().refresh_interval_seconds()),
        [notifier] { notifier->ReauthenticateAll(); });
  }
  if (signing_revocations_ != nullptr) {
    signing_revocation_watcher_ = std::make_unique<RevocationWatcher>(
        signing_revocations_,
        absl::Seconds(settings.tls().refresh_interval_seconds()), [] {});
  }

  // PostgreSQL checks its own pages (data checksums, pg_amcheck).
  if (!settings.storage().has_postgres()) {
    scrubber_ = std::make_unique<StorageScrubber>(
        *store_,
        absl::Seconds(settings.storage_checks().scrub_interval_seconds()),
        uint64_t{settings.storage_checks().scrub_megabytes_per_second()} << 20);
  }

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(settings.listen_address(), credentials_, &port);
  builder.SetMaxReceiveMessageSize(
      static_cast<int>(settings.limits().max_message_bytes()));
  call_memory_ = std::make_unique<grpc::ResourceQuota>("sxhub-calls");
  call_memory_->Resize(size_t{settings.limits().max_call_memory_megabytes()}
                       << 20);
  builder.SetResourceQuota(*call_memory_);
  // Two hubs on one address would split agencies between two data
  // directories: refuse to share the port (gRPC allows it by default).
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddChannelArgument(
      GRPC_ARG_MAX_METADATA_SIZE,
      static_cast<int>(settings.limits().max_metadata_bytes()));
  builder.RegisterService(exchange_.get());
  builder.RegisterService(rectification_.get());
  builder.RegisterService(distribution_.get());
  builder.RegisterService(statistics_.get());
  builder.RegisterService(supervision_ledger_.get());
  builder.RegisterService(admin_.get());
  builder.RegisterService(audit_.get());
  builder.RegisterService(hub_info_.get());
  // First, so that the metrics count a malformed body as INVALID_ARGUMENT.
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
  interceptors.push_back(MakeMalformedRequestInterceptorFactory());
  SX_ASSIGN_OR_RETURN(auto metrics_interceptors,
                      metrics_->InterceptorCreators());
  for (auto& creator : metrics_interceptors) {
    interceptors.push_back(std::move(creator));
  }
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", settings.listen_address(),
                     " (address in use, or not a local address?)"));
  }
  storage_health_->Serving(server_->GetHealthCheckService());

  const std::string host =
      settings.listen_address().substr(0, settings.listen_address().rfind(':'));
  if (!settings.metrics_address().empty()) {
    SX_RETURN_IF_ERROR(metrics_->Serve(settings.metrics_address()));
    LogLine(absl::StrCat("metrics on http://",
                         settings.metrics_address().substr(
                             0, settings.metrics_address().rfind(':')),
                         ":", metrics_->port(), "/metrics"));
  }
  if (!settings.console_address().empty()) {
    SX_RETURN_IF_ERROR(StartConsole(settings, config_source));
  }
  std::printf("sxhub: listening on %s:%d\n", host.c_str(), port);
  std::fflush(stdout);
  LogLine(absl::StrCat("started hub ", settings.hub_id(), " on ", host, ":",
                       port, " data_dir=", settings.data_dir()));
  return absl::OkStatus();
}

absl::Status Hub::StartConsole(const v1::HubConfig& settings,
                               const ConfigSource& config_source) {
  console::ConsoleOptions options;
  options.address = settings.console_address();
  options.tls = settings.tls();
  options.config = config_source;
  options.admin = admin_core_.get();
  options.ledger = supervision_ledger_core_.get();
  options.log = [](absl::string_view line) { LogLine(line); };
  options.identify = [config_source, revocations = revocations_](
                         const std::vector<absl::string_view>& uris,
                         absl::string_view certificate_pem) {
    return IdentityOfCertificate(uris, certificate_pem, *config_source(),
                                 revocations.get());
  };
  SX_ASSIGN_OR_RETURN(console_,
                      console::ConsoleServer::Start(std::move(options)));
  const std::string& address = settings.console_address();
  LogLine(absl::StrCat("console on https://",
                       address.substr(0, address.rfind(':')), ":",
                       console_->port(), "/"));
  return absl::OkStatus();
}

Hub::~Hub() {
  // Everything that still uses the store stops before it closes below: the
  // console (its requests in flight finish first), the deadline watcher,
  // the metrics endpoint (it reads the store at scrape time) and the gRPC
  // server, whose calls in flight get kShutdownGrace.
  console_.reset();
  if (deadlines_ != nullptr) deadlines_->Stop();
  scrubber_.reset();
  if (metrics_ != nullptr) metrics_->Stop();
  storage_health_->Stop();
  if (server_ != nullptr) {
    server_->Shutdown(std::chrono::system_clock::now() +
                      absl::ToChronoSeconds(kShutdownGrace));
    server_->Wait();
  }
  // Close the store while the metrics and inbox notifier its writer thread
  // calls back into still exist (they are declared after it).
  store_.reset();
}

void Hub::Run() {
  const sigset_t signals = HubSignals();
  for (;;) {
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    if (signal_number == SIGUSR1) {
      WriteCheckpoint(*store_, config_->proto().backup_dir());
      continue;
    }
    if (signal_number != SIGHUP) break;
    Reload();
  }
  LogLine("stopping");
}

void Hub::Reload() {
  // First, and whatever becomes of the config: a rotation must not wait for
  // an unrelated mistake in the config to be mended.
  ReloadEncryptionKeys();
  absl::StatusOr<std::shared_ptr<const core::HubConfig>> reloaded =
      core::HubConfig::LoadFile(config_path_);
  if (!reloaded.ok()) {
    LogLine(absl::StrCat("config reload refused, keeping the old one: ",
                         reloaded.status().message()));
    return;
  }
  const v1::HubConfig& next = (*reloaded)->proto();
  const std::string restart_only = RestartOnlyChanges(config_->proto(), next);
  if (!restart_only.empty()) {
    LogLine(absl::StrCat("config reload: changes to ", restart_only,
                         " take effect only after a restart"));
  }
  call_memory_->Resize(size_t{next.limits().max_call_memory_megabytes()} << 20);
  core_->UpdateConfig(*reloaded);
  // Streams of an identity the new config no longer has end now.
  notifier_->ReauthenticateAll();
  LogLine("config reloaded");
}

void Hub::ReloadEncryptionKeys() {
  if (encrypting_ == nullptr) return;
  // The running file, even if the reloaded config names another: that
  // change waits for a restart, as RestartOnlyChanges said.
  const std::string& key_file = config_->proto().encryption().key_file();
  absl::StatusOr<encryption::KeyRing> keys =
      encryption::KeyRing::LoadFile(key_file);
  absl::Status replaced = keys.status();
  std::string current;
  if (keys.ok()) {
    current = absl::StrCat("\"", keys->current().name, "\" (",
                           keys->current().fingerprint, ")");
    replaced = encrypting_->ReplaceKeys(*std::move(keys));
  }
  LogLine(replaced.ok()
              ? absl::StrCat("encryption keys reloaded; current key ", current)
              : absl::StrCat("encryption key reload refused, keeping the "
                             "running keys: ",
                             replaced.message()));
}

}  // namespace sx::server
