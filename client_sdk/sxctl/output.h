// Writes command results to standard output as text or JSON (--json), so
// that commands say what to print and never how. Only results go to stdout;
// errors go to stderr from main, and never carry a lead's content.
//
// Not thread-safe; `inbox watch` prints from one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "client_sdk/sxctl/attachment_files.h"
#include "client_sdk/sxctl/audit_files.h"
#include "client_sdk/sxctl/audit_verification.h"
#include "client_sdk/sxctl/json_writer.h"
#include "client_sdk/sxctl/top_frame.h"
#include "client_sdk/sxctl/whoami_result.h"
#include "sx/client/admin_client.h"
#include "sx/client/audit_client.h"
#include "sx/client/types.h"
#include "sx/transparency/checkpoint.h"

namespace sx::sxctl {

enum class OutputFormat { kText, kJson };

class Output {
 public:
  Output(OutputFormat format, std::ostream& out);

  // One referral (show, send and every step). `saved` may be null.
  void Referral(const client::Referral& referral,
                const SavedAttachments* saved = nullptr);
  // `show --verify-signatures`: the referral as Referral() prints it, then
  // its steps and what their signatures proved (audit_text.h; in JSON the
  // referral object's "steps" member, audit_json.h). `saved` may be null.
  void ReferralWithSteps(const client::Referral& referral,
                         const SavedAttachments* saved,
                         const std::vector<client::Event>& steps,
                         const VerifiedSignatures& signatures);
  // What `delegate` returns: the parent as Referral() prints it (in JSON the
  // same object; the last of its delegated_referral_ids is the new child),
  // and in text the new child named after it.
  void Delegated(const client::Referral& parent);
  // One page of `list`; in text, how to get the next page.
  void Page(const client::ReferralPage& page);
  // What `inbox list` read: a JSON array, or a table.
  void InboxEntries(const std::vector<client::InboxEntry>& entries);
  // One entry of `inbox watch` as soon as it arrives: a JSON object per line,
  // or a text line; flushed at once.
  void StreamedInboxEntry(const client::InboxEntry& entry);
  void Acknowledged(uint32_t acknowledged, size_t requested);
  // A ledger's items (rectification list), with `details` each in full and
  // its history; in text, the summary line and how to get the next page.
  void RectificationItems(const client::RectificationItemPage& page,
                          bool details);
  // What a ledger step (rectification add, report, verify) returns.
  void RectificationStep(const client::RectificationStepResult& result);
  // One distribution (distribute, distribution show): its progress and one
  // row per recipient's referral.
  void Distribution(const client::Distribution& distribution);
  // The distributions of `distribution list`; in text, how to get the next
  // page.
  void Distributions(const client::DistributionPage& page);

  // `stats`, for any identity (statistics_table.h, statistics_json.h): a
  // table or JSON, or, with StatisticsCsv, CSV for Excel whatever the format.
  void Statistics(const client::Statistics& statistics);
  void StatisticsCsv(const client::Statistics& statistics);

  // The supervising agencies' ledger (督办台账; supervision_text.h,
  // supervision_json.h); in text, how to get the next page.
  void SupervisionLedger(const client::SupervisionLedgerPage& page);

  // Administrators' results (admin_text.h, admin_json.h).
  void Transfers(const client::TransferPage& page);
  void Inboxes(const std::vector<client::InboxStats>& inboxes);
  void DeadLetters(const client::DeadLetterPage& page);
  void Redriven(const std::string& agency_id, uint32_t redriven);
  void Counts(const client::TransferCounts& counts);
  void Status(const client::HubStatus& status);
  // The totals of a whole `admin rewrap-keys` pass.
  void Rewrapped(const client::RewrapProgress& total);
  // One frame of `admin top`, flushed at once: a JSON object per line, or a
  // screen of text, drawn over the previous one when `redraw` (a terminal)
  // and after a blank line otherwise.
  void Top(const TopFrame& frame, bool redraw);

  // Auditors' results (audit_text.h, audit_json.h).
  void Events(const client::EventPage& page);
  void Checkpoint(const transparency::Checkpoint& checkpoint,
                  const client::SignedCheckpoint& signed_checkpoint,
                  const std::string& saved_to);
  void Proof(uint64_t sequence, const client::InclusionProof& proof);
  void ExportSaved(const ExportFile& file, const std::string& path);
  // `signatures` null: the step signatures were not checked.
  void Verified(const VerifiedExport& verified,
                const VerifiedSignatures* signatures);
  void Consistent(const VerifiedCheckpoint& older,
                  const VerifiedCheckpoint& newer);

  // `whoami`, for any identity (whoami_text.h, whoami_json.h).
  void WhoAmI(const WhoAmIResult& result);

 private:
  // Prints `write_json(JsonWriter&)` as pretty JSON or `text()`.
  template <typename WriteJson, typename Text>
  void Print(const WriteJson& write_json, const Text& text) {
    if (format_ == OutputFormat::kJson) {
      JsonWriter json(JsonWriter::Style::kPretty);
      write_json(json);
      out_ << json.text() << "\n";
    } else {
      out_ << text();
    }
  }
  // One page of a listing: JSON, or `table(items)` (`none` when there are
  // no items) and how to get the next page.
  template <typename Item, typename WriteJson, typename Table>
  void PrintPage(const std::vector<Item>& items,
                 const std::string& next_page_token, const char* none,
                 const WriteJson& write_json, const Table& table) {
    Print(write_json,
          [&] { return items.empty() ? std::string(none) : table(items); });
    MorePages(next_page_token);
  }
  // In text, how to get the next page.
  void MorePages(const std::string& next_page_token);

  const OutputFormat format_;
  std::ostream& out_;
  // Frames of `admin top` printed so far.
  int top_frames_ = 0;
};

}  // namespace sx::sxctl
