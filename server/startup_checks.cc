#include "server/startup_checks.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "server/startup_problems.h"
#include "server/tls_startup_checks.h"
#include "sx/encryption/content_encryption.h"
#include "sx/encryption/key_ring.h"
#include "sx/storage/backup_marker.h"
#include "sx/storage/postgres_store.h"
#include "sx/transparency/checkpoint_signature.h"
#include "sx/transparency/merkle_hasher.h"
#include "sx/transparency/step_signature.h"

namespace sx::server {
namespace {

namespace v1 = ::supervision::v1;

// The key that signs checkpoints, loaded as Hub::Create loads it.
void CheckSigningKey(const v1::HubConfig& settings,
                     const std::string& tls_key_pem,
                     StartupProblems& problems) {
  const std::string& own_file = settings.audit_log().signing_key_file();
  if (own_file.empty()) {
    // The TLS key signs; if it did not load, tls.key_file's problem says so.
    if (tls_key_pem.empty()) return;
    const absl::Status signer =
        transparency::CheckpointSigner::FromPem(tls_key_pem).status();
    if (!signer.ok()) {
      problems.Add("tls.key_file", settings.tls().key_file(),
                   absl::StrCat("does not load as the checkpoint signing key, "
                                "which it is while audit_log.signing_key_file "
                                "is not set: ",
                                signer.message()));
    }
    return;
  }
  const absl::StatusOr<std::string> pem = ReadRegularFile(own_file);
  if (!pem.ok()) {
    problems.Add("audit_log.signing_key_file", own_file,
                 pem.status().message());
    return;
  }
  const absl::Status signer =
      transparency::CheckpointSigner::FromPem(*pem).status();
  if (!signer.ok()) {
    problems.Add("audit_log.signing_key_file", own_file,
                 absl::StrCat("cannot sign checkpoints: ", signer.message()));
  }
}

void CheckLogHash(const v1::HubConfig& settings, StartupProblems& problems) {
  const absl::Status available =
      transparency::MerkleHasher::Create(core::LogHashAlgorithm(settings))
          .status();
  if (!available.ok()) {
    problems.Add(
        "audit_log.hash",
        v1::AuditLogConfig::HashAlgorithm_Name(settings.audit_log().hash()),
        available.message());
  }
}

bool IsPort(absl::string_view text) {
  int port = 0;
  return !text.empty() && text.size() <= 5 &&
         std::all_of(text.begin(), text.end(),
                     [](char c) { return absl::ascii_isdigit(c); }) &&
         absl::SimpleAtoi(text, &port) && port <= 65535;
}

// gRPC's reading of listen_address: without a port it listens on 443, and
// an IPv6 host without brackets reads as a host without a port.
void CheckListenAddress(const std::string& address, StartupProblems& problems) {
  absl::string_view host;
  absl::string_view port;
  bool has_port = false;
  if (absl::StartsWith(address, "[")) {
    const size_t close = address.find(']');
    if (close != std::string::npos) {
      host = absl::string_view(address).substr(1, close - 1);
      const absl::string_view rest =
          absl::string_view(address).substr(close + 1);
      has_port = absl::StartsWith(rest, ":");
      if (has_port) port = rest.substr(1);
    }
  } else {
    const size_t colon = address.find(':');
    if (colon != std::string::npos &&
        address.find(':', colon + 1) == std::string::npos) {
      host = absl::string_view(address).substr(0, colon);
      port = absl::string_view(address).substr(colon + 1);
      has_port = true;
    }
  }
  if (!has_port) {
    problems.Add("listen_address", address,
                 "has no port (gRPC would listen on 443); write HOST:PORT, "
                 "e.g. \"127.0.0.1:7443\", or \"[::1]:7443\" for an IPv6 host");
  } else if (host.empty()) {
    problems.Add("listen_address", address,
                 "has no host; \"0.0.0.0:PORT\" or \"[::]:PORT\" listen on "
                 "every interface");
  } else if (!IsPort(port)) {
    problems.Add("listen_address", address,
                 absl::StrCat("port \"", port,
                              "\" is not a number from 0 to 65535 (0 picks a "
                              "free port)"));
  }
}

// The rule of MetricsHttpServer::Start and of the console's listener:
// HOST:PORT with HOST an IPv4 address or "localhost". `field` names the
// setting in the problems.
void CheckHttpAddress(const char* field, const std::string& address,
                      StartupProblems& problems) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos) {
    problems.Add(field, address,
                 "has no port; write HOST:PORT, e.g. \"127.0.0.1:9464\"");
    return;
  }
  const std::string host = address.substr(0, colon);
  const std::string port = address.substr(colon + 1);
  if (!IsPort(port)) {
    problems.Add(field, address,
                 absl::StrCat("port \"", port,
                              "\" is not a number from 0 to 65535 (0 picks a "
                              "free port)"));
  }
  in_addr ignored{};
  if (host != "localhost" && inet_pton(AF_INET, host.c_str(), &ignored) != 1) {
    problems.Add(field, address,
                 absl::StrCat("host \"", host,
                              "\" is not an IPv4 address or \"localhost\" "
                              "(it listens on IPv4 only)"));
  }
}

// The console shares neither port with the others: each listener binds its
// own.
void CheckConsoleAddress(const v1::HubConfig& settings,
                         StartupProblems& problems) {
  const std::string& address = settings.console_address();
  CheckHttpAddress("console_address", address, problems);
  const std::string port = address.substr(address.rfind(':') + 1);
  if (port == "0") return;
  for (const std::string* other :
       {&settings.listen_address(), &settings.metrics_address()}) {
    if (*other == address) {
      problems.Add("console_address", address,
                   "is also the address of another listener of this hub "
                   "(listen_address or metrics_address); give the console a "
                   "port of its own");
    }
  }
}

// "" if the hub can write in `directory`, else why not.
std::string WritableProblem(const std::string& directory) {
  struct stat info {};
  if (stat(directory.c_str(), &info) != 0) {
    return absl::StrCat("cannot be examined: ", Because(errno));
  }
  if (!S_ISDIR(info.st_mode)) return "is not a directory";
  if (access(directory.c_str(), R_OK | W_OK | X_OK) != 0) {
    return absl::StrCat("is not writable: ", Because(errno));
  }
  return "";
}

std::filesystem::path WithoutTrailingSlash(const std::string& directory) {
  std::filesystem::path path = std::filesystem::path(directory);
  return path.has_filename() ? path : path.parent_path();
}

// A directory the hub writes in: there and writable, or creatable. With
// `create_parents` (std::filesystem::create_directories) any missing
// ancestors are created too; without (mkdir, as the store opens data_dir)
// only the last level.
void CheckWritableDirectory(absl::string_view field, const std::string& value,
                            bool create_parents, absl::string_view purpose,
                            StartupProblems& problems) {
  std::filesystem::path path = WithoutTrailingSlash(value);
  struct stat info {};
  if (stat(path.c_str(), &info) == 0) {
    const std::string problem = WritableProblem(path.string());
    if (!problem.empty()) {
      problems.Add(field, value, absl::StrCat(problem, purpose));
    }
    return;
  }
  if (errno != ENOENT) {
    problems.Add(field, value,
                 absl::StrCat("cannot be examined: ", Because(errno), purpose));
    return;
  }
  std::filesystem::path ancestor = path.parent_path();
  while (create_parents && !ancestor.empty() &&
         stat(ancestor.c_str(), &info) != 0 && errno == ENOENT &&
         ancestor != ancestor.parent_path()) {
    ancestor = ancestor.parent_path();
  }
  if (ancestor.empty()) ancestor = ".";
  if (!create_parents && stat(ancestor.c_str(), &info) != 0 &&
      errno == ENOENT) {
    problems.Add(
        field, value,
        absl::StrCat("does not exist, and neither does \"", ancestor.string(),
                     "\" (the hub creates only the last directory)", purpose));
    return;
  }
  const std::string problem = WritableProblem(ancestor.string());
  if (!problem.empty()) {
    problems.Add(field, value,
                 absl::StrCat("cannot be created: \"", ancestor.string(), "\" ",
                              problem, purpose));
  }
}

// mkdir, as the store creates it: one level, mode 0700.
// A restored backup's mark stops the start too (backup_marker.h).
void CheckDataDir(const v1::HubConfig& settings, StartupProblems& problems) {
  CheckWritableDirectory("data_dir", settings.data_dir(),
                         /*create_parents=*/false, "", problems);
  absl::StatusOr<std::optional<storage::BackupMarker>> backup =
      storage::ReadBackupMarker(settings.data_dir());
  if (!backup.ok()) {
    problems.Add("data_dir", settings.data_dir(), backup.status().message());
  } else if (backup->has_value()) {
    problems.Add("data_dir", settings.data_dir(),
                 "holds a backup restored by hand, not yet recorded: run "
                 "sxhub --config=FILE --confirm-restore once (see "
                 "deploy/README.md, Restore)");
  }
}

// The database answers, with a schema this release can serve. Connecting
// is the only way to know that the conninfo, the password file and the
// server's pg_hba.conf agree.
void CheckPostgres(const v1::HubConfig& settings, StartupProblems& problems) {
  if (!settings.storage().has_postgres()) return;
  const v1::PostgresStorage& postgres = settings.storage().postgres();
  const absl::Status reachable = storage::CheckPostgresDatabase(
      postgres.conninfo(), absl::Seconds(postgres.connect_timeout_seconds()));
  if (!reachable.ok()) {
    // The conninfo may hold a password: name the field, not its value.
    problems.AddLine(
        absl::StrCat("storage.postgres.conninfo: ", reachable.message()));
  }
}

// Only SIGUSR1 writes there (create_directories), but a backup that fails
// when it is needed is worse than a start that fails now.
void CheckBackupDir(const v1::HubConfig& settings, StartupProblems& problems) {
  // The operator may never have written it.
  const bool defaulted =
      settings.backup_dir() == absl::StrCat(settings.data_dir(), "-backups");
  CheckWritableDirectory(
      "backup_dir", settings.backup_dir(), /*create_parents=*/true,
      defaulted ? "; SIGUSR1 writes checkpoints there (the default, "
                  "<data_dir>-backups, as backup_dir is not set)"
                : "; SIGUSR1 writes checkpoints there",
      problems);
}

// The key file loads, and the cipher works with its current key (SM4 is
// missing from some OpenSSL builds). Whether it holds every key the data
// needs is known only once the database is open.
void CheckEncryptionKeys(const v1::HubConfig& settings,
                         StartupProblems& problems) {
  if (!settings.has_encryption()) return;
  const std::string& key_file = settings.encryption().key_file();
  absl::StatusOr<encryption::KeyRing> keys =
      encryption::KeyRing::LoadFile(key_file);
  if (!keys.ok()) {
    problems.Add("encryption.key_file", key_file, keys.status().message());
    return;
  }
  absl::Status works =
      encryption::EncryptContent(*keys, settings.encryption().cipher(),
                                 "startup check", "startup check")
          .status();
  if (!works.ok()) {
    problems.Add(
        "encryption.cipher",
        v1::AtRestEncryption::Cipher_Name(settings.encryption().cipher()),
        works.message());
  }
}

// The signing CAs load: without them no signed step could be checked.
void CheckSigningCas(const v1::HubConfig& settings, StartupProblems& problems) {
  if (!settings.has_step_signatures()) return;
  const std::string& ca_file = settings.step_signatures().ca_file();
  absl::StatusOr<transparency::SigningTrust> trust =
      transparency::SigningTrust::FromPemFile(ca_file);
  if (!trust.ok()) {
    problems.Add("step_signatures.ca_file", ca_file, trust.status().message());
  }
}

}  // namespace

absl::Status CheckStartable(const core::HubConfig& config) {
  const v1::HubConfig& settings = config.proto();
  StartupProblems problems;
  // In the order of the example config, so that the list reads along the
  // file.
  CheckListenAddress(settings.listen_address(), problems);
  CheckDataDir(settings, problems);
  CheckPostgres(settings, problems);
  if (!settings.metrics_address().empty()) {
    CheckHttpAddress("metrics_address", settings.metrics_address(),
                     problems);
  }
  if (!settings.console_address().empty()) {
    CheckConsoleAddress(settings, problems);
  }
  CheckBackupDir(settings, problems);
  const std::string tls_key_pem = CheckTlsFiles(settings.tls(), problems);
  CheckLogHash(settings, problems);
  CheckSigningKey(settings, tls_key_pem, problems);
  CheckSigningCas(settings, problems);
  CheckEncryptionKeys(settings, problems);
  return problems.ToStatus();
}

}  // namespace sx::server
