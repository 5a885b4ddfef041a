// The human-readable shape of the auditors' results: event tables,
// checkpoints, proofs, and the outcome of offline verification, which
// `show --verify-signatures` prints for one referral's steps too.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "client_sdk/sxctl/audit_verification.h"
#include "sx/transparency/checkpoint.h"
#include "sx/client/audit_client.h"

namespace sx::sxctl {

// One row per event, oldest first.
std::string EventTableText(const std::vector<client::Event>& events);

// The checkpoint's fields and signature; `saved_to` "" if it was not saved.
std::string CheckpointText(const transparency::Checkpoint& checkpoint,
                           const client::SignedCheckpoint& signed_checkpoint,
                           const std::string& saved_to);

std::string InclusionProofText(uint64_t sequence,
                               const client::InclusionProof& proof);

std::string ExportSavedText(const ExportFile& file, const std::string& path);

// What was verified, then the events themselves. With `signatures` (audit
// verify --signing-ca), a line on the step signatures, the signers, and a
// SIGNED column in the table; without, a line on how many steps carry
// signatures that were not checked, if any do.
std::string VerifiedExportText(const VerifiedExport& verified,
                               const VerifiedSignatures* signatures);

std::string ConsistentText(const VerifiedCheckpoint& older,
                           const VerifiedCheckpoint& newer);

// The "Steps" section that `show --verify-signatures` adds after the
// referral: one row per event, oldest first, with a SIGNED column
// ("verified", "no" for an agency's step without a signature, blank for the
// hub's own), then the line on the step signatures and the signers.
// `signatures` must be what VerifyStepSignatures found for `events`.
std::string ReferralStepsText(const std::vector<client::Event>& events,
                              const VerifiedSignatures& signatures);

}  // namespace sx::sxctl
