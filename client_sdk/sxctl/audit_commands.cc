#include "client_sdk/sxctl/audit_commands.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "client_sdk/sxctl/audit_files.h"
#include "client_sdk/sxctl/audit_verification.h"
#include "client_sdk/sxctl/local_files.h"
#include "sx/transparency/checkpoint.h"

namespace sx::sxctl {
namespace {

// A sequence given on the command line: events count from 1.
absl::StatusOr<uint64_t> Sequence(uint64_t value, absl::string_view what) {
  if (value == 0) {
    return UsageError(absl::StrCat(what, ": event sequences count from 1"));
  }
  return value;
}

// The saved checkpoint file at `path`, its signature checked.
absl::StatusOr<VerifiedCheckpoint> ReadVerifiedCheckpoint(
    const std::string& path, absl::string_view hub_certificate_pem) {
  absl::StatusOr<std::string> text = ReadLocalFile(path, "read checkpoint");
  if (!text.ok()) return text.status();
  absl::StatusOr<client::SignedCheckpoint> checkpoint =
      ParseCheckpointFile(*text, path);
  if (!checkpoint.ok()) return checkpoint.status();
  return VerifyCheckpoint(*checkpoint, hub_certificate_pem,
                          absl::StrCat("checkpoint ", path));
}

// A log restored from a backup continues from the backup's events, so a
// checkpoint taken after the backup but before the restore covers events
// the restore discarded: it cannot be consistent with a later one, and the
// hub's recorded restore, not tampering, is why. Asked of the hub's events
// (an index lookup) only after the proof failed; without such a restore the
// proof's failure stands.
absl::Status CheckNoRestoreBetween(client::AuditClient& audit,
                                   const VerifiedCheckpoint& older,
                                   const VerifiedCheckpoint& newer) {
  client::EventQuery query;
  query.type = client::EventType::kLogRestored;
  for (;;) {
    absl::StatusOr<client::EventPage> page = audit.QueryEvents(query);
    if (!page.ok()) return page.status();
    for (const client::Event& restore : page->events) {
      const uint64_t kept = restore.sequence - 1;
      if (kept < older.checkpoint.tree_size &&
          restore.sequence <= newer.checkpoint.tree_size) {
        return absl::DataLossError(absl::StrCat(
            "log restored from backup at sequence ", kept,
            ": the old checkpoint (", older.checkpoint.tree_size,
            " events) covers events that the restore discarded, so the two "
            "checkpoints cannot be consistent. Event ",
            restore.sequence, " records it: ", restore.reason,
            ". Compare checkpoints taken after the restore."));
      }
    }
    if (page->next_page_token.empty()) return absl::OkStatus();
    query.page_token = page->next_page_token;
  }
}

}  // namespace

absl::Status RunAuditEvents(const CommandContext& context) {
  const Invocation& in = context.invocation;
  client::EventQuery query;
  query.referral_id = in.Value("referral");
  query.agency_id = in.Value("agency");
  const absl::Status type =
      ChoiceOption(in, "type", &client::ParseEventType, &query.type);
  if (!type.ok()) return type;
  query.time_from = in.Time("from", absl::InfinitePast());
  query.time_to = in.Time("to", absl::InfiniteFuture());
  query.page_size = PageSizeOption(in);
  query.page_token = in.Value("page-token");
  return PrintIfOk(context.audit->QueryEvents(query), context.output,
                   &Output::Events);
}

absl::Status RunAuditCheckpoint(const CommandContext& context) {
  absl::StatusOr<client::SignedCheckpoint> checkpoint =
      context.audit->GetCheckpoint();
  if (!checkpoint.ok()) return checkpoint.status();
  absl::StatusOr<transparency::Checkpoint> parsed =
      transparency::ParseCheckpoint(checkpoint->text);
  if (!parsed.ok()) {
    return absl::DataLossError(absl::StrCat(
        "the hub sent a malformed checkpoint: ", parsed.status().message()));
  }
  const std::string out = context.invocation.Value("out");
  if (!out.empty()) {
    const absl::Status saved = WriteLocalFile(
        out, FormatCheckpointFile(*checkpoint), "write checkpoint");
    if (!saved.ok()) return saved;
  }
  context.output.Checkpoint(*parsed, *checkpoint, out);
  return absl::OkStatus();
}

absl::Status RunAuditProof(const CommandContext& context) {
  absl::StatusOr<uint64_t> sequence =
      Sequence(CountArguments(context.invocation).front(), "SEQ");
  if (!sequence.ok()) return sequence.status();
  absl::StatusOr<client::InclusionProof> proof =
      context.audit->GetInclusionProof(*sequence,
                                       context.invocation.Count("tree-size"));
  if (!proof.ok()) return proof.status();
  context.output.Proof(*sequence, *proof);
  return absl::OkStatus();
}

absl::Status RunAuditExport(const CommandContext& context) {
  const Invocation& in = context.invocation;
  absl::StatusOr<uint64_t> from = Sequence(in.Count("from"), "--from");
  if (!from.ok()) return from.status();
  absl::StatusOr<client::EventExport> exported =
      context.audit->ExportEvents(*from, in.Count("to"));
  if (!exported.ok()) return exported.status();
  if (exported->events.empty()) {
    return absl::NotFoundError(absl::StrCat("no events from ", *from));
  }
  ExportFile file;
  file.first_sequence = exported->events.front().proof.leaf_index + 1;
  file.last_sequence = exported->events.back().proof.leaf_index + 1;
  file.contents = *std::move(exported);
  const std::string out = in.Value("out");
  const absl::Status saved =
      WriteLocalFile(out, FormatExportFile(file.contents), "write export");
  if (!saved.ok()) return saved;
  context.output.ExportSaved(file, out);
  return absl::OkStatus();
}

absl::Status RunAuditVerify(const CommandContext& context) {
  const Invocation& in = context.invocation;
  const std::string path = in.Value("export");
  absl::StatusOr<std::string> text = ReadLocalFile(path, "read export");
  if (!text.ok()) return text.status();
  absl::StatusOr<std::string> certificate =
      ReadLocalFile(in.Value("hub-cert"), "read hub certificate");
  if (!certificate.ok()) return certificate.status();
  // Read before anything is verified, so that a wrong path fails alone.
  std::optional<std::string> signing_ca;
  if (in.Has("signing-ca")) {
    absl::StatusOr<std::string> pem =
        ReadLocalFile(in.Value("signing-ca"), "read signing CA");
    if (!pem.ok()) return pem.status();
    signing_ca = *std::move(pem);
  }
  absl::StatusOr<ExportFile> file = ParseExportFile(*text, path);
  if (!file.ok()) return file.status();
  absl::StatusOr<VerifiedExport> verified = VerifyExport(*file, *certificate);
  if (!verified.ok()) return verified.status();
  if (!signing_ca.has_value()) {
    context.output.Verified(*verified, nullptr);
    return absl::OkStatus();
  }
  // The events are the hub's, proved by its checkpoint; their signatures
  // prove, besides, that the agencies themselves asked for the steps.
  absl::StatusOr<VerifiedSignatures> signatures = VerifyStepSignatures(
      *verified, file->contents.signing_certificates, *signing_ca);
  if (!signatures.ok()) return signatures.status();
  context.output.Verified(*verified, &*signatures);
  return absl::OkStatus();
}

absl::Status RunAuditConsistency(const CommandContext& context) {
  const Invocation& in = context.invocation;
  absl::StatusOr<std::string> certificate =
      ReadLocalFile(in.Value("hub-cert"), "read hub certificate");
  if (!certificate.ok()) return certificate.status();
  // Both signatures first, offline: the hub is asked only for the proof.
  absl::StatusOr<VerifiedCheckpoint> older =
      ReadVerifiedCheckpoint(in.Value("old"), *certificate);
  if (!older.ok()) return older.status();
  absl::StatusOr<VerifiedCheckpoint> newer =
      ReadVerifiedCheckpoint(in.Value("new"), *certificate);
  if (!newer.ok()) return newer.status();
  const absl::Status comparable = CheckComparable(*older, *newer);
  if (!comparable.ok()) return comparable;
  client::ConsistencyProof proof;
  absl::Status extends = absl::OkStatus();
  if (NeedsConsistencyProof(*older, *newer)) {
    absl::StatusOr<client::ConsistencyProof> fetched =
        context.audit->GetConsistencyProof(older->checkpoint.tree_size,
                                           newer->checkpoint.tree_size);
    if (fetched.ok()) {
      proof = *std::move(fetched);
    } else {
      extends = fetched.status();
    }
  }
  if (extends.ok()) extends = VerifyExtends(*older, *newer, proof);
  if (!extends.ok()) {
    // Only a failed proof asks why: a recorded restore explains it.
    const absl::Status restored =
        CheckNoRestoreBetween(*context.audit, *older, *newer);
    return restored.ok() ? extends : restored;
  }
  context.output.Consistent(*older, *newer);
  return absl::OkStatus();
}

}  // namespace sx::sxctl
