// The running hub: owns the store, the domain cores, the gRPC services and
// server, the metrics endpoint and the background watchers, starts them in
// dependency order, serves until a stop signal and stops them in reverse.
#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "grpcpp/resource_quota.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "server/admin_service.h"
#include "server/audit_service.h"
#include "server/certificate_revocations.h"
#include "server/distribution_service.h"
#include "server/exchange_service.h"
#include "server/hub_info_service.h"
#include "server/hub_metrics.h"
#include "server/inbox_notifier.h"
#include "server/peer_identity.h"
#include "server/rectification_service.h"
#include "server/reloading_checkpoint_signer.h"
#include "server/revocation_watcher.h"
#include "server/statistics_service.h"
#include "server/step_signature_check.h"
#include "server/storage_health.h"
#include "server/storage_scrubber.h"
#include "server/supervision_ledger_service.h"
#include "sx/core/admin_core.h"
#include "sx/core/audit_core.h"
#include "sx/core/clock.h"
#include "sx/core/deadline_watcher.h"
#include "sx/core/exchange_core.h"
#include "sx/core/hub_config.h"
#include "sx/encryption/encrypting_store.h"
#include "sx/storage/store.h"
#include "sx/transparency/checkpoint_signature.h"
#include "sx/transparency/merkle_hasher.h"

namespace sx::console {
class ConsoleServer;
}  // namespace sx::console

namespace sx::server {

// A hub serving one config. Create starts it, Run serves until SIGTERM or
// SIGINT, destruction stops it gracefully.
//
// Members are built in declaration order and destroyed in reverse, so each
// outlives everything built on it. The destructor first does what member
// order cannot: it closes the store while the notifier and metrics that its
// threads call back into still exist, after stopping what still uses it (the
// deadline watcher, the metrics endpoint, and the gRPC server, whose calls in
// flight get a grace period).
//
// Thread-compatible: call Create, Run and the destructor on one thread, the
// one main runs on (Create blocks the signals that Run waits for in the
// calling thread, and every thread started later inherits that mask). The
// members themselves are thread-safe; the gRPC, store and watcher threads
// use them concurrently.
class Hub {
 public:
  // Blocks SIGINT, SIGTERM, SIGHUP and SIGUSR1 in the calling thread (call it
  // before any other thread starts), opens the database, starts the watchers,
  // the gRPC server and the metrics endpoint, and prints "sxhub: listening on
  // HOST:PORT". `config` was loaded from `config_path`, which SIGHUP re-reads.
  static absl::StatusOr<std::unique_ptr<Hub>> Create(
      std::string config_path, std::shared_ptr<const core::HubConfig> config);

  // For --checkpoint: opens the store and signing key as Create does (but
  // skips CheckStartable, so that a stopped hub whose certificate expired
  // can still be backed up), writes a checkpoint of the database of a hub
  // that is not running to `directory` and prints "sxhub: checkpoint
  // written to DIR".
  static absl::Status WriteOfflineCheckpoint(const core::HubConfig& config,
                                             const std::string& directory);

  // For --confirm-restore: records in the event log that data_dir was
  // restored from a backup (the backup's mark is in it), moves referral ids
  // to a new generation, removes the mark and prints what it did. The hub
  // must not be running.
  static absl::Status ConfirmRestore(const core::HubConfig& config);
  // For --restore-from: puts `backup_dir` in place of data_dir
  // (backup_placement.h), then ConfirmRestore.
  static absl::Status RestoreFromBackup(const core::HubConfig& config,
                                        const std::string& backup_dir);

  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;
  // Stops serving; waits up to 5 seconds for in-flight calls to finish.
  ~Hub();

  // Serves until SIGTERM or SIGINT. SIGHUP reloads the config (agencies,
  // routes, operators, limits on later calls); SIGUSR1 writes a checkpoint of
  // the database under backup_dir.
  void Run();

 private:
  Hub(std::string config_path, std::shared_ptr<const core::HubConfig> config,
      std::shared_ptr<StorageHealthReporter> storage_health,
      std::unique_ptr<storage::Store> store,
      encryption::EncryptingStore* encrypting);

  // Builds and starts everything after the store, in member order.
  absl::Status Start(const transparency::MerkleHasher& hasher,
                     std::string signing_key_file,
                     transparency::CheckpointSigner signer);
  // Starts the web console on settings.console_address (after the gRPC
  // server: it uses the same cores and identity rules).
  absl::Status StartConsole(const ::supervision::v1::HubConfig& settings,
                            const ConfigSource& config_source);
  // SIGHUP: re-reads config_path_ and applies what a running hub can.
  void Reload();
  // SIGHUP: re-reads the encryption key file (a rotation puts a new key
  // first); refused, keeping the running keys, if it lacks one in use.
  void ReloadEncryptionKeys();

  // Declaration order is construction order and the reverse of destruction
  // order, and it matters: each member uses (and its threads call into) only
  // members declared before it, e.g. the gRPC server calls the services,
  // which call the cores and the store, so it is destroyed before all of
  // them. The one cycle, the store's threads calling back into notifier_ and
  // metrics_, is broken in ~Hub. The constructor sets the members up to
  // store_ (which Create opened before the Hub exists); Start builds the rest,
  // in this order.

  const std::string config_path_;
  // The config the hub started with. A reload swaps the config in core_, but
  // the settings that only a restart applies stay these, and every reload is
  // compared with them.
  const std::shared_ptr<const core::HubConfig> config_;
  // The system clock, or the config's exercise clock (演练).
  const std::unique_ptr<const core::Clock> clock_owner_;
  const core::Clock& clock_;
  // The store's damage reports go here (see Open in hub.cc).
  const std::shared_ptr<StorageHealthReporter> storage_health_;
  std::unique_ptr<storage::Store> store_;
  // store_ itself when the hub encrypts at rest, else null: its keys reload
  // on SIGHUP.
  encryption::EncryptingStore* const encrypting_;
  // The CRLs as the hub checks them itself, on top of OpenSSL's check in
  // the handshake: that one never reaches connections made before a CRL,
  // nor a CRL file replaced in place. Null without tls.crl_directory.
  std::shared_ptr<CertificateRevocations> revocations_;
  // The same for the signing CAs of step_signatures, when their file is not
  // tls.ca_file; null otherwise.
  std::shared_ptr<CertificateRevocations> signing_revocations_;
  std::unique_ptr<StepSignatureCheck> step_signatures_;
  std::unique_ptr<core::ExchangeCore> core_;
  std::unique_ptr<InboxNotifier> notifier_;
  std::unique_ptr<ExchangeService> exchange_;
  std::unique_ptr<core::RectificationCore> rectification_core_;
  std::unique_ptr<RectificationService> rectification_;
  std::unique_ptr<core::DistributionCore> distribution_core_;
  std::unique_ptr<DistributionService> distribution_;
  std::unique_ptr<core::StatisticsCore> statistics_core_;
  std::unique_ptr<StatisticsService> statistics_;
  std::unique_ptr<core::SupervisionLedgerCore> supervision_ledger_core_;
  std::unique_ptr<SupervisionLedgerService> supervision_ledger_;
  std::unique_ptr<core::AdminCore> admin_core_;
  std::unique_ptr<AdminService> admin_;
  std::unique_ptr<ReloadingCheckpointSigner> checkpoint_signer_;
  std::unique_ptr<core::AuditCore> audit_core_;
  std::unique_ptr<AuditService> audit_;
  // WhoAmI, for every identity: reads only the config, revocations and clock.
  std::unique_ptr<HubInfoService> hub_info_;
  std::unique_ptr<HubMetrics> metrics_;
  std::unique_ptr<core::DeadlineWatcher> deadlines_;
  // Reads every table file on a schedule, looking for damage.
  std::unique_ptr<StorageScrubber> scrubber_;
  std::shared_ptr<grpc::ServerCredentials> credentials_;
  // Within a refresh interval of a new CRL, the calls of a certificate it
  // revokes are refused and its open inbox streams end. Null without
  // tls.crl_directory.
  std::unique_ptr<RevocationWatcher> revocation_watcher_;
  std::unique_ptr<RevocationWatcher> signing_revocation_watcher_;
  // gRPC accepts an oversize message whole before refusing it, so without a
  // quota concurrent calls could make the hub hold (calls x message size).
  // Resized on reload.
  std::unique_ptr<grpc::ResourceQuota> call_memory_;
  std::unique_ptr<grpc::Server> server_;
  // The web console, when console_address is set; null otherwise.
  std::unique_ptr<console::ConsoleServer> console_;
};

}  // namespace sx::server
