#include "client_sdk/sxctl/audit_text.h"

#include <map>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client_sdk/sxctl/referral_text.h"
#include "client_sdk/sxctl/text_table.h"
#include "client_sdk/sxctl/time_format.h"

namespace sx::sxctl {
namespace {

// "demo, sha256, 6 events, 2024-05-01T12:00:00Z"
std::string CheckpointSummary(const transparency::Checkpoint& checkpoint) {
  return absl::StrCat(checkpoint.origin, ", ", checkpoint.hash_name, ", ",
                      checkpoint.tree_size, " events, ",
                      FormatTimePrecise(checkpoint.time));
}

// "accepted → disposing"; only the new state where there was none before.
std::string StateChange(const client::Event& event) {
  if (event.to_state == client::ReferralState::kUnspecified) return "";
  if (event.from_state == client::ReferralState::kUnspecified) {
    return client::ToString(event.to_state);
  }
  return absl::StrCat(client::ToString(event.from_state), " → ",
                      client::ToString(event.to_state));
}

// "1 signed step", "3 signed steps".
std::string Count(uint64_t count, absl::string_view one,
                  absl::string_view many) {
  return absl::StrCat(count, " ", count == 1 ? one : many);
}

// A verified export's events only: "verified" for a step whose signature
// verified, "no" for an agency's step without one, nothing for the hub's.
std::string SignedMark(const client::Event& event) {
  if (event.step_signature.has_value()) return "verified";
  if (event.actor.empty() || event.actor == kHubActor) return "";
  return "no";
}

// One row per event; with `signed_column`, a SIGNED column (SignedMark)
// before the details.
std::string EventTable(const std::vector<client::Event>& events,
                       bool signed_column) {
  std::vector<std::string> header = {"SEQ",      "TIME",  "EVENT",
                                     "REFERRAL", "STATE", "ACTOR"};
  if (signed_column) header.push_back("SIGNED");
  header.push_back("DETAIL");
  TextTable table(std::move(header));
  for (const client::Event& event : events) {
    std::vector<std::string> row = {
        absl::StrCat(event.sequence), FormatTimeSeconds(event.time),
        client::ToString(event.type), event.referral_id,
        StateChange(event),           event.actor};
    if (signed_column) row.push_back(SignedMark(event));
    row.push_back(EventDetailText(event));
    table.AddRow(std::move(row));
  }
  return table.Render();
}

// "step signatures: 12 signed steps verified with the signing CA
// (ecdsa-sha256, sm2-sm3), 3 agency steps unsigned" and the signers; without
// `signatures`, how many signatures were not checked ("" if none).
std::string StepSignaturesText(const std::vector<client::Event>& events,
                               const VerifiedSignatures* signatures) {
  if (signatures == nullptr) {
    const uint64_t carried = CountSignedSteps(events);
    if (carried == 0) return "";
    return absl::StrCat(
        "step signatures: ",
        Count(carried, "step carries a signature", "steps carry signatures"),
        ", not checked (give --signing-ca FILE to check "
        "them)\n");
  }
  std::string text = "step signatures: ";
  if (signatures->signed_steps.empty()) {
    absl::StrAppend(&text, "no signed steps");
  } else {
    std::vector<std::string> algorithms;
    for (const auto& algorithm : signatures->signed_by_algorithm) {
      algorithms.push_back(algorithm.first);
    }
    absl::StrAppend(
        &text,
        Count(signatures->signed_steps.size(), "signed step", "signed steps"),
        " verified with the signing CA (", absl::StrJoin(algorithms, ", "),
        ")");
  }
  if (signatures->unsigned_agency_steps > 0) {
    absl::StrAppend(
        &text, ", ",
        Count(signatures->unsigned_agency_steps, "agency step", "agency steps"),
        " unsigned");
  }
  absl::StrAppend(&text, "\n");
  // Each signer once, with its number of steps, in the order of its first.
  std::vector<std::string> signers;
  std::map<std::string, uint64_t> steps_by_signer;
  for (const SignedStep& step : signatures->signed_steps) {
    if (steps_by_signer[step.signer_uri]++ == 0) {
      signers.push_back(step.signer_uri);
    }
  }
  for (const std::string& signer : signers) {
    absl::StrAppend(&text, "signed by ", signer, ": ",
                    Count(steps_by_signer[signer], "step", "steps"), "\n");
  }
  if (signatures->without_content_commitment > 0) {
    absl::StrAppend(
        &text, "warning: ",
        Count(signatures->without_content_commitment, "step was", "steps were"),
        " signed with a certificate not issued for signing (no "
        "nonRepudiation key usage, e.g. a TLS certificate)\n");
  }
  return text;
}

}  // namespace

std::string EventTableText(const std::vector<client::Event>& events) {
  return EventTable(events, /*signed_column=*/false);
}

std::string CheckpointText(const transparency::Checkpoint& checkpoint,
                           const client::SignedCheckpoint& signed_checkpoint,
                           const std::string& saved_to) {
  KeyValueBlock block;
  block.Add("origin", checkpoint.origin);
  block.Add("hash", checkpoint.hash_name);
  block.Add("size", absl::StrCat(checkpoint.tree_size));
  block.Add("root", absl::Base64Escape(checkpoint.root_hash));
  block.Add("time", FormatTimePrecise(checkpoint.time));
  block.Add("signature", absl::Base64Escape(signed_checkpoint.signature));
  block.Add("saved to", saved_to);
  return block.Render();
}

std::string InclusionProofText(uint64_t sequence,
                               const client::InclusionProof& proof) {
  std::vector<std::string> hashes;
  for (const std::string& hash : proof.hashes) {
    hashes.push_back(absl::Base64Escape(hash));
  }
  KeyValueBlock block;
  block.Add("event", absl::StrCat(sequence));
  block.Add("leaf index", absl::StrCat(proof.leaf_index));
  block.Add("tree size", absl::StrCat(proof.tree_size));
  block.Add("hashes", absl::StrJoin(hashes, "\n"));
  return block.Render();
}

std::string ExportSavedText(const ExportFile& file, const std::string& path) {
  return absl::StrCat(
      "exported events ", file.first_sequence, "-", file.last_sequence, " (",
      file.contents.events.size(), ") with their proofs and a checkpoint of ",
      file.contents.checkpoint.tree_size, " events to ", path, "\n");
}

std::string VerifiedExportText(const VerifiedExport& verified,
                               const VerifiedSignatures* signatures) {
  const std::vector<client::Event>& events = verified.events;
  return absl::StrCat(
      "verified ", events.size(), " events, sequences ",
      events.front().sequence, "-", events.back().sequence,
      ": each is in the log of the checkpoint signed by the hub (",
      CheckpointSummary(verified.checkpoint.checkpoint),
      ") and follows the one before\n", StepSignaturesText(events, signatures),
      "\n", EventTable(events, /*signed_column=*/signatures != nullptr));
}

std::string ConsistentText(const VerifiedCheckpoint& older,
                           const VerifiedCheckpoint& newer) {
  return absl::StrCat("consistent: the log of the new checkpoint (",
                      CheckpointSummary(newer.checkpoint),
                      ") extends the log of the old one (",
                      CheckpointSummary(older.checkpoint),
                      "); both signatures verified with the hub certificate\n");
}

}  // namespace sx::sxctl
