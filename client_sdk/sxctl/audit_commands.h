// The auditors' commands of sxctl (`audit ...`): read the event history,
// save signed checkpoints, fetch proofs and exports, and verify them. The
// commands that fetch need an auditor certificate; `audit verify` works
// offline with nothing but an export file and the hub's certificate, and
// `audit consistency` asks the hub only for the proof, which it checks
// against the two checkpoints the auditor kept.
#pragma once

#include "absl/status/status.h"
#include "client_sdk/sxctl/command_context.h"

namespace sx::sxctl {

absl::Status RunAuditEvents(const CommandContext& context);
absl::Status RunAuditCheckpoint(const CommandContext& context);
absl::Status RunAuditProof(const CommandContext& context);
absl::Status RunAuditExport(const CommandContext& context);
absl::Status RunAuditVerify(const CommandContext& context);
absl::Status RunAuditConsistency(const CommandContext& context);

}  // namespace sx::sxctl
