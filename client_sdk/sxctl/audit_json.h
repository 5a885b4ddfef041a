// The JSON shape of the auditors' results (--json), in the manner of
// referral_json.h. Hashes and signatures are standard base64, as in the
// checkpoint text; event digests lower-case hex, as in inbox entries.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "client_sdk/sxctl/audit_verification.h"
#include "sx/transparency/checkpoint.h"
#include "client_sdk/sxctl/json_writer.h"
#include "sx/client/audit_client.h"

namespace sx::sxctl {

// {"events": [...], "next_page_token": "..."}
void WriteEventPageJson(const client::EventPage& page, JsonWriter& json);
// The parsed fields, the signed text and the signature; "saved_to" is null
// when it was not saved.
void WriteCheckpointJson(const transparency::Checkpoint& checkpoint,
                         const client::SignedCheckpoint& signed_checkpoint,
                         const std::string& saved_to, JsonWriter& json);
// {"sequence": N, "leaf_index": N, "tree_size": N, "hashes": [...]}
void WriteInclusionProofJson(uint64_t sequence,
                             const client::InclusionProof& proof,
                             JsonWriter& json);
// {"first_sequence", "last_sequence", "events", "tree_size", "saved_to"}
void WriteExportSavedJson(const ExportFile& file, const std::string& path,
                          JsonWriter& json);
// {"verified": true, "events_verified": N, "first_sequence": N,
//  "last_sequence": N, "checkpoint": {...}, "step_signatures": {...},
//  "events": [...]}
// "step_signatures" is {"checked": false, "signed_steps": N} without
// `signatures` (no --signing-ca), and with them
// {"checked": true, "signed_steps": N, "unsigned_agency_steps": N,
//  "without_content_commitment": N, "algorithms": {"ecdsa-sha256": N, ...},
//  "signers": [{"sequence": N, "signer": "spiffe://...", "algorithm": "...",
//               "content_commitment": true}, ...]}.
void WriteVerifiedExportJson(const VerifiedExport& verified,
                             const VerifiedSignatures* signatures,
                             JsonWriter& json);
// {"consistent": true, "old": {...}, "new": {...}}
void WriteConsistentJson(const VerifiedCheckpoint& older,
                         const VerifiedCheckpoint& newer, JsonWriter& json);
// The "steps" member that `show --verify-signatures` adds to the referral:
// {"step_signatures": {...}, "events": [...]}, the step signatures as
// WriteVerifiedExportJson writes them when they were checked ("checked":
// true), the events oldest first. `signatures` must be what
// VerifyStepSignatures found for `events`.
void WriteReferralStepsJson(const std::vector<client::Event>& events,
                            const VerifiedSignatures& signatures,
                            JsonWriter& json);

}  // namespace sx::sxctl
