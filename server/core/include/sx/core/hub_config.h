// The hub's configuration: loaded from a protobuf text-format file, checked
// as a whole, with defaults filled in, and indexed for the lookups the hub
// makes on every call (agency by id, identity by certificate URI, routes).
//
//   absl::StatusOr<std::shared_ptr<const HubConfig>> config =
//       HubConfig::LoadFile("/etc/sxhub/hub.textproto");
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "supervision/v1/config.pb.h"
#include "sx/core/identity.h"
#include "sx/core/working_day_calendar.h"
#include "sx/transparency/merkle_hasher.h"

namespace sx::core {

// The exercise clock of the config (exercise_clock): where it starts and
// how many times faster than real time it runs. INVALID_ARGUMENT names the
// field.
struct ExerciseClockSettings {
  absl::Time start;
  double speed = 1;
};
absl::StatusOr<ExerciseClockSettings> ExerciseClockOf(
    const ::supervision::v1::ExerciseClock& clock);

// Immutable after construction; safe to share between threads. A reload makes
// a new instance.
class HubConfig {
 public:
  // Parses and validates a text-format config. Errors name the file and the
  // offending field.
  static absl::StatusOr<std::shared_ptr<const HubConfig>> LoadFile(
      const std::string& path);
  static absl::StatusOr<std::shared_ptr<const HubConfig>> Parse(
      absl::string_view text, absl::string_view origin);
  // Validates an already-built proto (fills defaults in a copy).
  static absl::StatusOr<std::shared_ptr<const HubConfig>> FromProto(
      ::supervision::v1::HubConfig proto);

  // Lookup maps point into proto_: copying would leave them dangling.
  HubConfig(const HubConfig&) = delete;
  HubConfig& operator=(const HubConfig&) = delete;

  // With defaults filled in.
  const ::supervision::v1::HubConfig& proto() const { return proto_; }
  const ::supervision::v1::Limits& limits() const { return proto_.limits(); }
  const ::supervision::v1::DispositionRules& disposition_rules() const {
    return proto_.disposition_rules();
  }
  const ::supervision::v1::Deadlines& deadlines() const {
    return proto_.deadlines();
  }
  // Working days by the config's calendar (Monday to Friday if none).
  const WorkingDayCalendar& calendar() const { return calendar_; }
  // Agencies configured as supervisors, in config order.
  const std::vector<std::string>& supervisor_ids() const {
    return supervisor_ids_;
  }

  const ::supervision::v1::Agency* FindAgency(
      absl::string_view agency_id) const;
  // The identity a certificate URI SAN stands for, if it is configured.
  std::optional<Identity> IdentityForUri(absl::string_view uri) const;
  // Whether every step of `agency_id` must be signed (step_signatures).
  bool RequiresSignatures(absl::string_view agency_id) const;
  // Whether an agency of `from_type` may send `kind` to one of `to_type`.
  bool RouteAllowed(absl::string_view from_type, absl::string_view to_type,
                    ::supervision::v1::ReferralKind kind) const;

 private:
  HubConfig(::supervision::v1::HubConfig proto, WorkingDayCalendar calendar);

  const ::supervision::v1::HubConfig proto_;
  const WorkingDayCalendar calendar_;
  std::vector<std::string> supervisor_ids_;
  absl::flat_hash_map<std::string, const ::supervision::v1::Agency*> agencies_;
  absl::flat_hash_map<std::string, Identity> identities_;
  // "<from_type>\0<to_type>\0<kind>"
  absl::flat_hash_set<std::string> routes_;
};

// The transparency log's hash as the config names it (SHA-256 unless
// audit_log.hash is SM3): one reading for the start and its checks.
transparency::HashAlgorithm LogHashAlgorithm(
    const ::supervision::v1::HubConfig& settings);

}  // namespace sx::core
