#include "client_sdk/sxctl/audit_json.h"

#include "absl/strings/escaping.h"
#include "client_sdk/sxctl/referral_json.h"

namespace sx::sxctl {
namespace {

void WriteEvents(const std::vector<client::Event>& events, JsonWriter& json) {
  json.BeginArray();
  for (const client::Event& event : events) WriteEventJson(event, json);
  json.EndArray();
}

// The members of a parsed checkpoint, inside an object being written.
void WriteCheckpointFields(const transparency::Checkpoint& checkpoint,
                           JsonWriter& json) {
  json.Key("origin").String(checkpoint.origin);
  json.Key("hash").String(checkpoint.hash_name);
  json.Key("tree_size").Uint(checkpoint.tree_size);
  json.Key("root_hash").String(absl::Base64Escape(checkpoint.root_hash));
  json.Key("time");
  WriteTimeJson(checkpoint.time, json);
}

void WriteCheckpointObject(const transparency::Checkpoint& checkpoint,
                           JsonWriter& json) {
  json.BeginObject();
  WriteCheckpointFields(checkpoint, json);
  json.EndObject();
}

void WriteStepSignatures(const std::vector<client::Event>& events,
                         const VerifiedSignatures* signatures,
                         JsonWriter& json) {
  json.BeginObject();
  json.Key("checked").Bool(signatures != nullptr);
  if (signatures == nullptr) {
    json.Key("signed_steps").Uint(CountSignedSteps(events));
    json.EndObject();
    return;
  }
  json.Key("signed_steps").Uint(signatures->signed_steps.size());
  json.Key("unsigned_agency_steps").Uint(signatures->unsigned_agency_steps);
  json.Key("without_content_commitment")
      .Uint(signatures->without_content_commitment);
  json.Key("algorithms").BeginObject();
  for (const auto& algorithm : signatures->signed_by_algorithm) {
    json.Key(algorithm.first).Uint(algorithm.second);
  }
  json.EndObject();
  json.Key("signers").BeginArray();
  for (const SignedStep& step : signatures->signed_steps) {
    json.BeginObject();
    json.Key("sequence").Uint(step.sequence);
    json.Key("signer").String(step.signer_uri);
    json.Key("algorithm").String(step.algorithm);
    json.Key("content_commitment").Bool(step.content_commitment);
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
}

}  // namespace

void WriteEventPageJson(const client::EventPage& page, JsonWriter& json) {
  WritePageJson("events", page.events, page.next_page_token, &WriteEventJson,
                json);
}

void WriteCheckpointJson(const transparency::Checkpoint& checkpoint,
                         const client::SignedCheckpoint& signed_checkpoint,
                         const std::string& saved_to, JsonWriter& json) {
  json.BeginObject();
  WriteCheckpointFields(checkpoint, json);
  json.Key("text").String(signed_checkpoint.text);
  json.Key("signature_base64")
      .String(absl::Base64Escape(signed_checkpoint.signature));
  json.Key("saved_to");
  if (saved_to.empty()) {
    json.Null();
  } else {
    json.String(saved_to);
  }
  json.EndObject();
}

void WriteInclusionProofJson(uint64_t sequence,
                             const client::InclusionProof& proof,
                             JsonWriter& json) {
  json.BeginObject();
  json.Key("sequence").Uint(sequence);
  json.Key("leaf_index").Uint(proof.leaf_index);
  json.Key("tree_size").Uint(proof.tree_size);
  json.Key("hashes").BeginArray();
  for (const std::string& hash : proof.hashes) {
    json.String(absl::Base64Escape(hash));
  }
  json.EndArray();
  json.EndObject();
}

void WriteExportSavedJson(const ExportFile& file, const std::string& path,
                          JsonWriter& json) {
  json.BeginObject();
  json.Key("first_sequence").Uint(file.first_sequence);
  json.Key("last_sequence").Uint(file.last_sequence);
  json.Key("events").Uint(file.contents.events.size());
  json.Key("tree_size").Uint(file.contents.checkpoint.tree_size);
  json.Key("saved_to").String(path);
  json.EndObject();
}

void WriteVerifiedExportJson(const VerifiedExport& verified,
                             const VerifiedSignatures* signatures,
                             JsonWriter& json) {
  json.BeginObject();
  json.Key("verified").Bool(true);
  json.Key("events_verified").Uint(verified.events.size());
  json.Key("first_sequence").Uint(verified.events.front().sequence);
  json.Key("last_sequence").Uint(verified.events.back().sequence);
  json.Key("checkpoint");
  WriteCheckpointObject(verified.checkpoint.checkpoint, json);
  json.Key("step_signatures");
  WriteStepSignatures(verified.events, signatures, json);
  json.Key("events");
  WriteEvents(verified.events, json);
  json.EndObject();
}

void WriteConsistentJson(const VerifiedCheckpoint& older,
                         const VerifiedCheckpoint& newer, JsonWriter& json) {
  json.BeginObject();
  json.Key("consistent").Bool(true);
  json.Key("old");
  WriteCheckpointObject(older.checkpoint, json);
  json.Key("new");
  WriteCheckpointObject(newer.checkpoint, json);
  json.EndObject();
}

void WriteReferralStepsJson(const std::vector<client::Event>& events,
                            const VerifiedSignatures& signatures,
                            JsonWriter& json) {
  json.BeginObject();
  json.Key("step_signatures");
  WriteStepSignatures(events, &signatures, json);
  json.Key("events");
  WriteEvents(events, json);
  json.EndObject();
}

}  // namespace sx::sxctl
