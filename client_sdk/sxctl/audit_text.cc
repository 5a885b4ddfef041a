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

// Events whose signatures verified only (an export's, or a referral's
// steps): "verified" for a step whose signature verified, "no" for an
// agency's step without one, nothing for the hub's.
std::string SignedMark(const client::Event& event) {
  if (event.step_signature.has_value()) return "verified";
  if (event.actor.empty() || event.actor == kHubActor) return "";
  return "no";
}

// The columns of EventTable besides SEQ, TIME, EVENT, STATE, ACTOR and
// DETAIL.
struct EventColumns {
  // REFERRAL; left out where every event is of the one referral shown.
  bool referral = true;
  // SIGNED (SignedMark), before DETAIL: for verified events only.
  bool signed_mark = false;
};

// One row per event.
std::string EventTable(const std::vector<client::Event>& events,
                       const EventColumns& columns) {
  std::vector<std::string> header = {"SEQ", "TIME", "EVENT"};
  if (columns.referral) header.push_back("REFERRAL");
  header.push_back("STATE");
  header.push_back("ACTOR");
  if (columns.signed_mark) header.push_back("SIGNED");
  header.push_back("DETAIL");
  TextTable table(std::move(header));
  for (const client::Event& event : events) {
    std::vector<std::string> row = {absl::StrCat(event.sequence),
                                    FormatTimeSeconds(event.time),
                                    client::ToString(event.type)};
    if (columns.referral) row.push_back(event.referral_id);
    row.push_back(StateChange(event));
    row.push_back(event.actor);
    if (columns.signed_mark) row.push_back(SignedMark(event));
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
  return EventTable(events, EventColumns());
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
  EventColumns columns;
  columns.signed_mark = signatures != nullptr;
  return absl::StrCat(
      "verified ", events.size(), " events, sequences ",
      events.front().sequence, "-", events.back().sequence,
      ": each is in the log of the checkpoint signed by the hub (",
      CheckpointSummary(verified.checkpoint.checkpoint),
      ") and follows the one before\n", StepSignaturesText(events, signatures),
      "\n", EventTable(events, columns));
}

std::string ConsistentText(const VerifiedCheckpoint& older,
                           const VerifiedCheckpoint& newer) {
  return absl::StrCat("consistent: the log of the new checkpoint (",
                      CheckpointSummary(newer.checkpoint),
                      ") extends the log of the old one (",
                      CheckpointSummary(older.checkpoint),
                      "); both signatures verified with the hub certificate\n");
}

std::string ReferralStepsText(const std::vector<client::Event>& events,
                              const VerifiedSignatures& signatures) {
  EventColumns columns;
  columns.referral = false;
  columns.signed_mark = true;
  return absl::StrCat(
      "\nSteps (", Count(events.size(), "event", "events"), ")\n",
      Indent(absl::StrCat(EventTable(events, columns),
                          StepSignaturesText(events, &signatures)),
             2));
}

}  // namespace sx::sxctl
