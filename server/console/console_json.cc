#include "server/console/console_json.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace sx::console {
namespace {

namespace pb = ::google::protobuf;

pb::Value StringValue(const std::string& text) {
  pb::Value value;
  value.set_string_value(text);
  return value;
}

// In Identity::Kind's order.
constexpr const char* kKindNames[] = {"agency", "admin", "auditor"};

}  // namespace

std::string ToJson(const pb::Message& message) {
  pb::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  std::string json;
  // Printing a message the code built cannot fail short of a bug; an empty
  // object then is still valid JSON for the page.
  if (!pb::util::MessageToJsonString(message, &json, options).ok()) {
    return "{}";
  }
  return json;
}

std::string SessionJson(const core::HubConfig& config,
                        const core::Identity& caller,
                        const std::string& csrf_token) {
  pb::Struct session;
  auto& fields = *session.mutable_fields();
  fields["kind"] = StringValue(kKindNames[static_cast<int>(caller.kind)]);
  fields["name"] = StringValue(caller.name);
  fields["csrf_token"] = StringValue(csrf_token);
  fields["hub_id"] = StringValue(config.proto().hub_id());
  pb::ListValue& agencies = *fields["agencies"].mutable_list_value();
  for (const ::supervision::v1::Agency& agency : config.proto().agencies()) {
    pb::Struct& entry = *agencies.add_values()->mutable_struct_value();
    auto& entry_fields = *entry.mutable_fields();
    entry_fields["id"] = StringValue(agency.id());
    entry_fields["display_name"] = StringValue(agency.display_name());
    entry_fields["type"] = StringValue(agency.type());
    entry_fields["supervisor"].set_bool_value(agency.supervisor());
  }
  return ToJson(session);
}

absl::Status FromJson(const std::string& body, pb::Message& message) {
  pb::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto parsed = pb::util::JsonStringToMessage(body, &message, options);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("request body: ", parsed.message().as_string()));
  }
  return absl::OkStatus();
}

}  // namespace sx::console
