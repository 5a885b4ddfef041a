#include "server/config_changes.h"

#include <vector>

#include "absl/strings/str_join.h"

namespace sx::server {

std::string RestartOnlyChanges(const ::supervision::v1::HubConfig& running,
                               const ::supervision::v1::HubConfig& next) {
  std::vector<std::string> changed;
  auto note = [&changed](bool differs, const char* field) {
    if (differs) changed.push_back(field);
  };
  note(next.hub_id() != running.hub_id(), "hub_id");
  note(next.data_dir() != running.data_dir(), "data_dir");
  note(next.storage().SerializeAsString() !=
           running.storage().SerializeAsString(),
       "storage");
  note(next.listen_address() != running.listen_address(), "listen_address");
  note(next.metrics_address() != running.metrics_address(), "metrics_address");
  note(next.console_address() != running.console_address(), "console_address");
  note(next.backup_dir() != running.backup_dir(), "backup_dir");
  note(next.limits().min_free_disk_megabytes() !=
           running.limits().min_free_disk_megabytes(),
       "limits.min_free_disk_megabytes");
  note(next.deadlines().check_interval_seconds() !=
           running.deadlines().check_interval_seconds(),
       "deadlines.check_interval_seconds");
  note(
      next.limits().max_message_bytes() != running.limits().max_message_bytes(),
      "limits.max_message_bytes");
  note(next.limits().max_metadata_bytes() !=
           running.limits().max_metadata_bytes(),
       "limits.max_metadata_bytes");
  note(next.tls().SerializeAsString() != running.tls().SerializeAsString(),
       "tls");
  note(next.audit_log().SerializeAsString() !=
           running.audit_log().SerializeAsString(),
       "audit_log");
  note(next.exercise_clock().SerializeAsString() !=
           running.exercise_clock().SerializeAsString(),
       "exercise_clock");
  note(next.storage_checks().SerializeAsString() !=
           running.storage_checks().SerializeAsString(),
       "storage_checks");
  // The keys in the key file are reloaded; which file, and the cipher, are
  // not.
  note(next.has_encryption() != running.has_encryption() ||
           next.encryption().key_file() != running.encryption().key_file(),
       "encryption.key_file");
  note(next.encryption().cipher() != running.encryption().cipher(),
       "encryption.cipher");
  // Which CAs issue signing certificates is read at start; who must sign
  // (require_all, allow_tls_certificates, agencies' require_signatures)
  // follows each reload.
  note(next.has_step_signatures() != running.has_step_signatures() ||
           next.step_signatures().ca_file() !=
               running.step_signatures().ca_file(),
       "step_signatures.ca_file");
  return absl::StrJoin(changed, ", ");
}

}  // namespace sx::server
