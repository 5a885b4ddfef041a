// Fuzzes HubConfig::Parse: the hub reads its config from a file an operator
// edits by hand, so any bytes must give either a config or INVALID_ARGUMENT,
// never a crash. A config that parses must hold what the rest of the hub
// relies on without checking again: every agency and operator found by id
// and by certificate URI, every configured route open, no limit or deadline
// left at zero, and printing it back gives the same config.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "sx/core/hub_config.h"

namespace sx::core {

namespace v1 = ::supervision::v1;
namespace {

void Fail(absl::string_view what) {
  std::fprintf(stderr, "config_parse_fuzzer: invariant violated: %.*s\n",
               static_cast<int>(what.size()), what.data());
  std::abort();
}

void Check(bool ok, absl::string_view what) {
  if (!ok) Fail(what);
}

void CheckLookups(const HubConfig& config) {
  const v1::HubConfig& proto = config.proto();
  for (const v1::Agency& agency : proto.agencies()) {
    const v1::Agency* found = config.FindAgency(agency.id());
    Check(found != nullptr && found->id() == agency.id(),
          "FindAgency(id) of a configured agency");
    Check(!agency.certificate_identity().empty(),
          "certificate_identity defaulted");
    std::optional<Identity> identity =
        config.IdentityForUri(agency.certificate_identity());
    Check(identity.has_value() && identity->is_agency() &&
              identity->name == agency.id(),
          "IdentityForUri(certificate_identity) is the agency");
  }
  for (const v1::Operator& op : proto.operators()) {
    std::optional<Identity> identity =
        config.IdentityForUri(op.certificate_identity());
    const Identity::Kind kind = op.role() == v1::Operator::ROLE_AUDITOR
                                    ? Identity::Kind::kAuditor
                                    : Identity::Kind::kAdmin;
    Check(identity.has_value() && identity->kind == kind &&
              identity->name == op.name(),
          "IdentityForUri(certificate_identity) is the operator");
  }
  for (const v1::Route& route : proto.routes()) {
    for (const std::string& to : route.to_types()) {
      for (int kind : route.kinds()) {
        Check(config.RouteAllowed(route.from_type(), to,
                                  static_cast<v1::ReferralKind>(kind)),
              "a configured route is open");
      }
    }
  }
}

// "A field left at zero takes the default named in its comment"
// (config.proto): no limit or deadline the hub reads stays zero, including
// ones added after this fuzzer was written.
void CheckNoZeros(const google::protobuf::Message& message,
                  absl::string_view what) {
  const google::protobuf::Descriptor* descriptor = message.GetDescriptor();
  const google::protobuf::Reflection* reflection = message.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = descriptor->field(i);
    if (field->cpp_type() !=
        google::protobuf::FieldDescriptor::CPPTYPE_UINT32) {
      continue;
    }
    if (reflection->GetUInt32(message, field) == 0) {
      Fail(absl::StrCat(what, ".", field->name(), " is zero after defaults"));
    }
  }
}

void CheckDefaults(const HubConfig& config) {
  CheckNoZeros(config.limits(), "limits");
  CheckNoZeros(config.deadlines(), "deadlines");
  CheckNoZeros(config.proto().tls(), "tls");
  Check(config.limits().max_attachment_bytes() <
            config.limits().max_message_bytes(),
        "an attachment fits in a message");
  Check(config.proto().agencies_size() >= 2, "at least two agencies");
}

// What the hub accepted, printed and read again, is the same config: an
// operator may save `sxhub --check-config` output as the new file.
void CheckReparse(const HubConfig& config) {
  std::string printed;
  Check(google::protobuf::TextFormat::PrintToString(config.proto(), &printed),
        "config prints");
  absl::StatusOr<std::shared_ptr<const HubConfig>> again =
      HubConfig::Parse(printed, "fuzz-reprint");
  if (!again.ok()) {
    Fail(std::string("printed config parses again: ") +
         std::string(again.status().message()));
  }
  Check(google::protobuf::util::MessageDifferencer::Equals(config.proto(),
                                                           (*again)->proto()),
        "printed config parses to the same config");
}

}  // namespace
}  // namespace sx::core

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using sx::core::HubConfig;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<std::shared_ptr<const HubConfig>> config =
      HubConfig::Parse(text, "fuzz");
  if (!config.ok()) {
    // Bad configs are the operator's mistake to fix, reported as such.
    sx::core::Check(
        config.status().code() == absl::StatusCode::kInvalidArgument,
        "a refused config is INVALID_ARGUMENT");
    return 0;
  }
  sx::core::CheckLookups(**config);
  sx::core::CheckDefaults(**config);
  sx::core::CheckReparse(**config);
  return 0;
}
