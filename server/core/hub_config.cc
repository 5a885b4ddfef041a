#include "sx/core/hub_config.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "server/core/deadline_plan.h"
#include "sx/base/status_macros.h"

namespace sx::core {

namespace v1 = ::supervision::v1;
namespace {

constexpr uint32_t kKiB = 1024;
constexpr uint32_t kMiB = 1024 * kKiB;

// Collects text-format parse errors with their line and column.
class ParseErrorCollector final : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (!first_.empty()) return;
    first_ =
        absl::StrCat("line ", line + 1, ", column ", column + 1, ": ", message);
  }
  const std::string& first() const { return first_; }

 private:
  std::string first_;
};

// Zero means "not set" in the schema; these are the documented defaults.
void FillDefaults(v1::HubConfig& config) {
  if (config.backup_dir().empty()) {
    config.set_backup_dir(absl::StrCat(config.data_dir(), "-backups"));
  }
  auto fill = [](uint32_t value, uint32_t fallback) {
    return value == 0 ? fallback : value;
  };
  v1::TlsConfig& tls = *config.mutable_tls();
  tls.set_refresh_interval_seconds(fill(tls.refresh_interval_seconds(), 60));
  v1::Limits& limits = *config.mutable_limits();
  limits.set_max_message_bytes(fill(limits.max_message_bytes(), 16 * kMiB));
  limits.set_max_metadata_bytes(fill(limits.max_metadata_bytes(), 16 * kKiB));
  limits.set_max_attachment_bytes(
      fill(limits.max_attachment_bytes(), 8 * kMiB));
  limits.set_max_attachments(fill(limits.max_attachments(), 20));
  limits.set_max_text_bytes(fill(limits.max_text_bytes(), 64 * kKiB));
  limits.set_max_inbox_streams_per_agency(
      fill(limits.max_inbox_streams_per_agency(), 4));
  limits.set_max_delivery_attempts(fill(limits.max_delivery_attempts(), 5));
  limits.set_min_free_disk_megabytes(
      fill(limits.min_free_disk_megabytes(), 64));
  limits.set_max_call_memory_megabytes(
      fill(limits.max_call_memory_megabytes(), 512));
  limits.set_max_rectification_items(
      fill(limits.max_rectification_items(), 2000));
  limits.set_max_distribution_recipients(
      fill(limits.max_distribution_recipients(), 100));
  limits.set_max_delegations(fill(limits.max_delegations(), 20));
  limits.set_max_batch_submits(fill(limits.max_batch_submits(), 100));
  v1::Deadlines& deadlines = *config.mutable_deadlines();
  deadlines.set_accept_within_hours(fill(deadlines.accept_within_hours(), 72));
  deadlines.set_feedback_within_days(
      fill(deadlines.feedback_within_days(), 30));
  deadlines.set_fast_track_accept_within_hours(
      fill(deadlines.fast_track_accept_within_hours(), 24));
  deadlines.set_fast_track_feedback_within_days(
      fill(deadlines.fast_track_feedback_within_days(), 7));
  deadlines.set_check_interval_seconds(
      fill(deadlines.check_interval_seconds(), 60));
  if (config.storage().has_postgres()) {
    v1::PostgresStorage& postgres = *config.mutable_storage()->mutable_postgres();
    postgres.set_reader_connections(fill(postgres.reader_connections(), 4));
    if (postgres.synchronous_commit().empty()) {
      postgres.set_synchronous_commit("on");
    }
    postgres.set_connect_timeout_seconds(
        fill(postgres.connect_timeout_seconds(), 5));
  }
  v1::StorageChecks& checks = *config.mutable_storage_checks();
  checks.set_scrub_interval_seconds(
      fill(checks.scrub_interval_seconds(), 24 * 60 * 60));
  checks.set_scrub_megabytes_per_second(
      fill(checks.scrub_megabytes_per_second(), 32));
  v1::DeadlineWarnings& warnings = *deadlines.mutable_warnings();
  if (!warnings.disabled()) {
    warnings.set_blue_working_days(fill(warnings.blue_working_days(), 5));
    warnings.set_yellow_working_days(fill(warnings.yellow_working_days(), 2));
  }
  for (v1::Agency& agency : *config.mutable_agencies()) {
    if (agency.certificate_identity().empty()) {
      agency.set_certificate_identity(absl::StrCat(
          "spiffe://", config.trust_domain(), "/agency/", agency.id()));
    }
  }
  for (v1::Operator& op : *config.mutable_operators()) {
    if (op.certificate_identity().empty()) {
      const char* kind =
          op.role() == v1::Operator::ROLE_AUDITOR ? "auditor" : "admin";
      op.set_certificate_identity(absl::StrCat(
          "spiffe://", config.trust_domain(), "/", kind, "/", op.name()));
    }
  }
}

bool IsIdChar(char c, char separator) {
  return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == separator;
}

// Ids are lower-case letters, digits and one separator, not at either end.
bool IsValidId(absl::string_view id, char separator) {
  if (id.empty() || id.size() > 64) return false;
  if (id.front() == separator || id.back() == separator) return false;
  for (char c : id) {
    if (!IsIdChar(c, separator)) return false;
  }
  return true;
}

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat("config: ", field, ": ", problem));
}

std::string RouteKey(absl::string_view from, absl::string_view to,
                     v1::ReferralKind kind) {
  return absl::StrCat(from, std::string(1, '\0'), to, std::string(1, '\0'),
                      static_cast<int>(kind));
}

absl::StatusOr<v1::HubConfig> ParseProto(absl::string_view text,
                                         absl::string_view origin) {
  v1::HubConfig proto;
  google::protobuf::TextFormat::Parser parser;
  ParseErrorCollector errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(std::string(text), &proto)) {
    return absl::InvalidArgumentError(
        absl::StrCat("config: ", origin, ": ", errors.first()));
  }
  return proto;
}

// Prefixes a validation error with the file it came from.
absl::StatusOr<std::shared_ptr<const HubConfig>> WithOrigin(
    absl::StatusOr<std::shared_ptr<const HubConfig>> config,
    absl::string_view origin) {
  if (config.ok()) return config;
  return absl::Status(config.status().code(),
                      absl::StrCat(origin, ": ", config.status().message()));
}

}  // namespace

absl::StatusOr<ExerciseClockSettings> ExerciseClockOf(
    const v1::ExerciseClock& clock) {
  ExerciseClockSettings settings;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, clock.start(), &settings.start,
                       &error)) {
    return Invalid("exercise_clock.start",
                   absl::StrCat("\"", clock.start(),
                                "\" is not an RFC 3339 time such as "
                                "2026-02-13T10:00:00+08:00"));
  }
  if (clock.days_per_minute() < 1 || clock.days_per_minute() > 1440) {
    return Invalid("exercise_clock.days_per_minute", "must be 1 to 1440");
  }
  // Days per real minute: 1440 minutes in a day.
  settings.speed = clock.days_per_minute() * 1440.0;
  return settings;
}

absl::StatusOr<std::shared_ptr<const HubConfig>> HubConfig::LoadFile(
    const std::string& path) {
  std::ifstream file(path);
  if (!file) {
    return absl::NotFoundError(absl::StrCat("config: cannot read ", path));
  }
  std::stringstream text;
  text << file.rdbuf();
  SX_ASSIGN_OR_RETURN(v1::HubConfig proto, ParseProto(text.str(), path));
  // Relative paths mean "next to the config file", whatever the working
  // directory of the hub.
  const std::filesystem::path base = std::filesystem::path(path).parent_path();
  auto resolve = [&base](std::string* file) {
    if (!file->empty() && std::filesystem::path(*file).is_relative()) {
      *file = (base / *file).lexically_normal().string();
    }
  };
  resolve(proto.mutable_data_dir());
  resolve(proto.mutable_backup_dir());
  resolve(proto.mutable_tls()->mutable_ca_file());
  resolve(proto.mutable_tls()->mutable_cert_file());
  resolve(proto.mutable_tls()->mutable_key_file());
  resolve(proto.mutable_tls()->mutable_crl_directory());
  resolve(proto.mutable_audit_log()->mutable_signing_key_file());
  // Only if present: a mutable_ call would turn encryption on.
  if (proto.has_step_signatures()) {
    resolve(proto.mutable_step_signatures()->mutable_ca_file());
  }
  if (proto.has_encryption()) {
    resolve(proto.mutable_encryption()->mutable_key_file());
  }
  return WithOrigin(FromProto(std::move(proto)), path);
}

absl::StatusOr<std::shared_ptr<const HubConfig>> HubConfig::Parse(
    absl::string_view text, absl::string_view origin) {
  SX_ASSIGN_OR_RETURN(v1::HubConfig proto, ParseProto(text, origin));
  return WithOrigin(FromProto(std::move(proto)), origin);
}

absl::StatusOr<std::shared_ptr<const HubConfig>> HubConfig::FromProto(
    v1::HubConfig proto) {
  if (!IsValidId(proto.hub_id(), '-')) {
    return Invalid(
        "hub_id",
        "required; lower-case letters, digits and '-' (e.g. \"city-hub\")");
  }
  if (proto.listen_address().empty()) {
    return Invalid("listen_address", "required (e.g. \"127.0.0.1:7443\")");
  }
  if (proto.data_dir().empty()) return Invalid("data_dir", "required");
  if (proto.trust_domain().empty() ||
      proto.trust_domain().find('/') != std::string::npos) {
    return Invalid(
        "trust_domain",
        "required; a DNS-like name without '/' (e.g. \"supervision.example\")");
  }
  if (proto.tls().ca_file().empty() || proto.tls().cert_file().empty() ||
      proto.tls().key_file().empty()) {
    return Invalid("tls", "ca_file, cert_file and key_file are required");
  }
  if (proto.has_step_signatures() &&
      proto.step_signatures().ca_file().empty()) {
    return Invalid("step_signatures.ca_file",
                   "required with a step_signatures section: the PEM file of "
                   "the CAs that issue the agencies' signing certificates");
  }
  for (const v1::Agency& agency : proto.agencies()) {
    if (agency.require_signatures() && !proto.has_step_signatures()) {
      return Invalid("agencies.require_signatures",
                     absl::StrCat("agency ", agency.id(),
                                  " requires signatures, but there is no "
                                  "step_signatures section to check them"));
    }
  }
  if (proto.has_encryption() && proto.encryption().key_file().empty()) {
    return Invalid("encryption.key_file",
                   "required with an encryption section (see "
                   "deploy/hub.example.textproto)");
  }
  if (proto.agencies_size() < 2) {
    return Invalid("agencies",
                   "at least two agencies are needed to exchange anything");
  }
  if (proto.storage().has_postgres()) {
    const v1::PostgresStorage& postgres = proto.storage().postgres();
    if (postgres.conninfo().empty()) {
      return Invalid("storage.postgres.conninfo",
                     "required (e.g. \"host=db1,db2 dbname=sxhub user=sxhub "
                     "target_session_attrs=read-write\")");
    }
    if (!postgres.synchronous_commit().empty() &&
        postgres.synchronous_commit() != "on" &&
        postgres.synchronous_commit() != "remote_apply") {
      return Invalid("storage.postgres.synchronous_commit",
                     "must be \"on\" or \"remote_apply\": anything weaker "
                     "could acknowledge a write that a crash loses");
    }
  }
  FillDefaults(proto);

  absl::flat_hash_set<std::string> types;
  absl::flat_hash_set<std::string> seen_ids;
  absl::flat_hash_set<std::string> seen_uris;
  for (int i = 0; i < proto.agencies_size(); ++i) {
    const v1::Agency& agency = proto.agencies(i);
    const std::string field = absl::StrCat("agencies[", i, "]");
    if (!IsValidId(agency.id(), '-')) {
      return Invalid(
          absl::StrCat(field, ".id"),
          absl::StrCat("\"", agency.id(),
                       "\" must be lower-case letters, digits and '-'"));
    }
    if (!IsValidId(agency.type(), '_')) {
      return Invalid(absl::StrCat(field, ".type"),
                     "required; lower-case letters, digits and '_'");
    }
    if (agency.display_name().empty()) {
      return Invalid(absl::StrCat(field, ".display_name"), "required");
    }
    if (!seen_ids.insert(agency.id()).second) {
      return Invalid(absl::StrCat(field, ".id"),
                     absl::StrCat("\"", agency.id(), "\" is used twice"));
    }
    if (!seen_uris.insert(agency.certificate_identity()).second) {
      return Invalid(absl::StrCat(field, ".certificate_identity"),
                     "used by another identity");
    }
    types.insert(agency.type());
  }
  absl::flat_hash_set<std::string> seen_operators;
  for (int i = 0; i < proto.operators_size(); ++i) {
    const v1::Operator& op = proto.operators(i);
    const std::string field = absl::StrCat("operators[", i, "]");
    if (!IsValidId(op.name(), '-')) {
      return Invalid(absl::StrCat(field, ".name"),
                     "required; lower-case letters, digits and '-'");
    }
    if (op.role() == v1::Operator::ROLE_UNSPECIFIED) {
      return Invalid(absl::StrCat(field, ".role"),
                     "ROLE_ADMIN or ROLE_AUDITOR");
    }
    if (!seen_operators.insert(op.name()).second) {
      return Invalid(absl::StrCat(field, ".name"), "used twice");
    }
    if (!seen_uris.insert(op.certificate_identity()).second) {
      return Invalid(absl::StrCat(field, ".certificate_identity"),
                     "used by another identity");
    }
  }
  for (int i = 0; i < proto.routes_size(); ++i) {
    const v1::Route& route = proto.routes(i);
    const std::string field = absl::StrCat("routes[", i, "]");
    if (!types.contains(route.from_type())) {
      return Invalid(
          absl::StrCat(field, ".from_type"),
          absl::StrCat("no agency has type \"", route.from_type(), "\""));
    }
    if (route.to_types().empty()) {
      return Invalid(absl::StrCat(field, ".to_types"), "at least one");
    }
    for (const std::string& to : route.to_types()) {
      if (!types.contains(to)) {
        return Invalid(absl::StrCat(field, ".to_types"),
                       absl::StrCat("no agency has type \"", to, "\""));
      }
    }
    if (route.kinds().empty()) {
      return Invalid(absl::StrCat(field, ".kinds"), "at least one");
    }
    for (int kind : route.kinds()) {
      if (kind == v1::REFERRAL_KIND_UNSPECIFIED) {
        return Invalid(absl::StrCat(field, ".kinds"),
                       "REFERRAL_KIND_UNSPECIFIED is not a kind");
      }
    }
  }
  const v1::Limits& limits = proto.limits();
  if (limits.max_attachment_bytes() >= limits.max_message_bytes()) {
    return Invalid("limits.max_attachment_bytes",
                   "must be below limits.max_message_bytes");
  }
  // Room for a few largest requests at once, or the quota would refuse
  // requests that the size limit allows.
  const uint64_t least_call_memory = 4 * uint64_t{limits.max_message_bytes()};
  if ((uint64_t{limits.max_call_memory_megabytes()} << 20) <
      least_call_memory) {
    return Invalid(
        "limits.max_call_memory_megabytes",
        absl::StrCat("must hold at least 4 x limits.max_message_bytes (",
                     (least_call_memory + kMiB - 1) >> 20, " MiB)"));
  }
  SX_RETURN_IF_ERROR(ValidateDeadlines(proto.deadlines()));
  if (proto.has_exercise_clock()) {
    SX_RETURN_IF_ERROR(ExerciseClockOf(proto.exercise_clock()).status());
  }
  absl::StatusOr<WorkingDayCalendar> calendar =
      WorkingDayCalendar::FromConfig(proto.calendar());
  if (!calendar.ok()) return calendar.status();
  return std::shared_ptr<const HubConfig>(
      new HubConfig(std::move(proto), *std::move(calendar)));
}

HubConfig::HubConfig(v1::HubConfig proto, WorkingDayCalendar calendar)
    : proto_(std::move(proto)), calendar_(std::move(calendar)) {
  for (const v1::Agency& agency : proto_.agencies()) {
    if (agency.supervisor()) supervisor_ids_.push_back(agency.id());
    agencies_[agency.id()] = &agency;
    identities_[agency.certificate_identity()] =
        Identity{Identity::Kind::kAgency, agency.id()};
  }
  for (const v1::Operator& op : proto_.operators()) {
    identities_[op.certificate_identity()] = Identity{
        op.role() == v1::Operator::ROLE_AUDITOR ? Identity::Kind::kAuditor
                                                : Identity::Kind::kAdmin,
        op.name()};
  }
  for (const v1::Route& route : proto_.routes()) {
    for (const std::string& to : route.to_types()) {
      for (int kind : route.kinds()) {
        routes_.insert(RouteKey(route.from_type(), to,
                                static_cast<v1::ReferralKind>(kind)));
      }
    }
  }
}

const v1::Agency* HubConfig::FindAgency(absl::string_view agency_id) const {
  auto it = agencies_.find(agency_id);
  return it == agencies_.end() ? nullptr : it->second;
}

bool HubConfig::RequiresSignatures(absl::string_view agency_id) const {
  if (!proto_.has_step_signatures()) return false;
  if (proto_.step_signatures().require_all()) return true;
  const v1::Agency* agency = FindAgency(agency_id);
  return agency != nullptr && agency->require_signatures();
}

std::optional<Identity> HubConfig::IdentityForUri(absl::string_view uri) const {
  auto it = identities_.find(uri);
  if (it == identities_.end()) return std::nullopt;
  return it->second;
}

bool HubConfig::RouteAllowed(absl::string_view from_type,
                             absl::string_view to_type,
                             v1::ReferralKind kind) const {
  return routes_.contains(RouteKey(from_type, to_type, kind));
}

transparency::HashAlgorithm LogHashAlgorithm(const v1::HubConfig& settings) {
  return settings.audit_log().hash() == v1::AuditLogConfig::HASH_ALGORITHM_SM3
             ? transparency::HashAlgorithm::kSm3
             : transparency::HashAlgorithm::kSha256;
}

}  // namespace sx::core
