#include "client_sdk/sxctl/audit_text.h"

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

}  // namespace

std::string EventTableText(const std::vector<client::Event>& events) {
  TextTable table(
      {"SEQ", "TIME", "EVENT", "REFERRAL", "STATE", "ACTOR", "DETAIL"});
  for (const client::Event& event : events) {
    table.AddRow({absl::StrCat(event.sequence), FormatTimeSeconds(event.time),
                  client::ToString(event.type), event.referral_id,
                  StateChange(event), event.actor, EventDetailText(event)});
  }
  return table.Render();
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

std::string VerifiedExportText(const VerifiedExport& verified) {
  const std::vector<client::Event>& events = verified.events;
  return absl::StrCat(
      "verified ", events.size(), " events, sequences ",
      events.front().sequence, "-", events.back().sequence,
      ": each is in the log of the checkpoint signed by the hub (",
      CheckpointSummary(verified.checkpoint.checkpoint),
      ") and follows the one before\n\n", EventTableText(events));
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
