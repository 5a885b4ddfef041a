#include "client_sdk/sxctl/output.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "client_sdk/sxctl/admin_json.h"
#include "client_sdk/sxctl/admin_text.h"
#include "client_sdk/sxctl/audit_json.h"
#include "client_sdk/sxctl/audit_text.h"
#include "client_sdk/sxctl/distribution_json.h"
#include "client_sdk/sxctl/distribution_text.h"
#include "client_sdk/sxctl/json_writer.h"
#include "client_sdk/sxctl/rectification_json.h"
#include "client_sdk/sxctl/rectification_text.h"
#include "client_sdk/sxctl/referral_json.h"
#include "client_sdk/sxctl/referral_text.h"
#include "client_sdk/sxctl/statistics_json.h"
#include "client_sdk/sxctl/statistics_table.h"
#include "client_sdk/sxctl/supervision_json.h"
#include "client_sdk/sxctl/supervision_text.h"
#include "client_sdk/sxctl/whoami_json.h"
#include "client_sdk/sxctl/whoami_text.h"

namespace sx::sxctl {

Output::Output(OutputFormat format, std::ostream& out)
    : format_(format), out_(out) {}

void Output::Referral(const client::Referral& referral,
                      const SavedAttachments* saved) {
  Print([&](JsonWriter& json) { WriteReferralJson(referral, saved, json); },
        [&] { return ReferralText(referral, saved, absl::Now()); });
}

void Output::ReferralWithSteps(const client::Referral& referral,
                               const SavedAttachments* saved,
                               const std::vector<client::Event>& steps,
                               const VerifiedSignatures& signatures) {
  Print(
      [&](JsonWriter& json) {
        json.BeginObject();
        WriteReferralMembersJson(referral, saved, json);
        json.Key("steps");
        WriteReferralStepsJson(steps, signatures, json);
        json.EndObject();
      },
      [&] {
        return absl::StrCat(ReferralText(referral, saved, absl::Now()),
                            ReferralStepsText(steps, signatures));
      });
}

void Output::Delegated(const client::Referral& parent) {
  Print([&](JsonWriter& json) { WriteReferralJson(parent, nullptr, json); },
        [&] { return DelegatedText(parent, absl::Now()); });
}

void Output::Page(const client::ReferralPage& page) {
  PrintPage(
      page.referrals, page.next_page_token, "no referrals\n",
      [&](JsonWriter& json) { WriteReferralPageJson(page, json); },
      [](const std::vector<client::Referral>& referrals) {
        return ReferralTableText(referrals, absl::Now());
      });
}

void Output::MorePages(const std::string& next_page_token) {
  if (format_ == OutputFormat::kText && !next_page_token.empty()) {
    out_ << "\nmore: add --page-token " << next_page_token << "\n";
  }
}

void Output::InboxEntries(const std::vector<client::InboxEntry>& entries) {
  if (format_ == OutputFormat::kJson) {
    JsonWriter json(JsonWriter::Style::kPretty);
    json.BeginArray();
    for (const client::InboxEntry& entry : entries) {
      WriteInboxEntryJson(entry, json);
    }
    json.EndArray();
    out_ << json.text() << "\n";
  } else if (entries.empty()) {
    out_ << "inbox empty\n";
  } else {
    out_ << InboxTableText(entries);
  }
}

void Output::StreamedInboxEntry(const client::InboxEntry& entry) {
  if (format_ == OutputFormat::kJson) {
    JsonWriter json(JsonWriter::Style::kCompact);
    WriteInboxEntryJson(entry, json);
    out_ << json.text() << "\n";
  } else {
    out_ << InboxLineText(entry);
  }
  out_.flush();
}

void Output::Acknowledged(uint32_t acknowledged, size_t requested) {
  if (format_ == OutputFormat::kJson) {
    JsonWriter json(JsonWriter::Style::kPretty);
    json.BeginObject();
    json.Key("acknowledged").Uint(acknowledged);
    json.Key("requested").Uint(requested);
    json.EndObject();
    out_ << json.text() << "\n";
  } else {
    out_ << "acknowledged " << acknowledged << " of " << requested
         << (requested == 1 ? " entry" : " entries");
    if (acknowledged < requested)
      out_ << " (the rest were acknowledged before)";
    out_ << "\n";
  }
}

void Output::RectificationItems(const client::RectificationItemPage& page,
                                bool details) {
  Print([&](JsonWriter& json) { WriteRectificationItemPageJson(page, json); },
        [&] { return RectificationPageText(page, details); });
  if (format_ == OutputFormat::kText && page.next_after_number != 0) {
    out_ << "\nmore: add --after " << page.next_after_number << " (or --all)\n";
  }
}

void Output::RectificationStep(const client::RectificationStepResult& result) {
  Print([&](JsonWriter& json) { WriteRectificationStepJson(result, json); },
        [&] { return RectificationStepText(result); });
}

void Output::Distribution(const client::Distribution& distribution) {
  Print([&](JsonWriter& json) { WriteDistributionJson(distribution, json); },
        [&] { return DistributionText(distribution); });
}

void Output::Distributions(const client::DistributionPage& page) {
  PrintPage(
      page.distributions, page.next_page_token, "no distributions\n",
      [&](JsonWriter& json) { WriteDistributionPageJson(page, json); },
      &DistributionTableText);
}

void Output::Statistics(const client::Statistics& statistics) {
  Print([&](JsonWriter& json) { WriteStatisticsJson(statistics, json); },
        [&] { return StatisticsText(statistics); });
}

void Output::StatisticsCsv(const client::Statistics& statistics) {
  out_ << sx::sxctl::StatisticsCsv(statistics);
}

void Output::SupervisionLedger(const client::SupervisionLedgerPage& page) {
  PrintPage(
      page.referrals, page.next_page_token, "no referrals on the ledger\n",
      [&](JsonWriter& json) { WriteSupervisionLedgerPageJson(page, json); },
      &SupervisionLedgerTableText);
}

void Output::Transfers(const client::TransferPage& page) {
  PrintPage(
      page.transfers, page.next_page_token, "no transfers\n",
      [&](JsonWriter& json) { WriteTransferPageJson(page, json); },
      &TransferTableText);
}

void Output::Inboxes(const std::vector<client::InboxStats>& inboxes) {
  Print([&](JsonWriter& json) { WriteInboxStatsJson(inboxes, json); },
        [&] { return InboxStatsTableText(inboxes, absl::Now()); });
}

void Output::DeadLetters(const client::DeadLetterPage& page) {
  PrintPage(
      page.dead_letters, page.next_page_token, "no dead letters\n",
      [&](JsonWriter& json) { WriteDeadLetterPageJson(page, json); },
      &DeadLetterTableText);
}

void Output::Redriven(const std::string& agency_id, uint32_t redriven) {
  Print([&](JsonWriter& json) { WriteRedrivenJson(agency_id, redriven, json); },
        [&] {
          return absl::StrCat("redrove ", redriven,
                              redriven == 1 ? " dead letter" : " dead letters",
                              " into the inbox of ", agency_id, "\n");
        });
}

void Output::Counts(const client::TransferCounts& counts) {
  Print([&](JsonWriter& json) { WriteTransferCountsJson(counts, json); },
        [&] { return TransferCountsText(counts); });
}

void Output::Status(const client::HubStatus& status) {
  Print([&](JsonWriter& json) { WriteHubStatusJson(status, json); },
        [&] { return HubStatusText(status, absl::Now()); });
}

void Output::Rewrapped(const client::RewrapProgress& total) {
  Print([&](JsonWriter& json) { WriteRewrapJson(total, json); },
        [&] {
          return absl::StrCat(
              "looked at ", total.referrals, " referrals and wrote ",
              total.records,
              " records again under the current key; a key that `sxctl "
              "admin status` shows with 0 records may now leave the key "
              "file\n");
        });
}

void Output::Top(const TopFrame& frame, bool redraw) {
  if (format_ == OutputFormat::kJson) {
    JsonWriter json(JsonWriter::Style::kCompact);
    WriteTopFrameJson(frame, json);
    out_ << json.text() << "\n";
  } else if (redraw) {
    // Cursor home, clear the screen.
    out_ << "\x1b[H\x1b[2J" << TopFrameText(frame);
  } else {
    if (top_frames_ > 0) out_ << "\n";
    out_ << TopFrameText(frame);
  }
  ++top_frames_;
  out_.flush();
}

void Output::Events(const client::EventPage& page) {
  PrintPage(
      page.events, page.next_page_token, "no events\n",
      [&](JsonWriter& json) { WriteEventPageJson(page, json); },
      &EventTableText);
}

void Output::Checkpoint(const transparency::Checkpoint& checkpoint,
                        const client::SignedCheckpoint& signed_checkpoint,
                        const std::string& saved_to) {
  Print(
      [&](JsonWriter& json) {
        WriteCheckpointJson(checkpoint, signed_checkpoint, saved_to, json);
      },
      [&] { return CheckpointText(checkpoint, signed_checkpoint, saved_to); });
}

void Output::Proof(uint64_t sequence, const client::InclusionProof& proof) {
  Print(
      [&](JsonWriter& json) { WriteInclusionProofJson(sequence, proof, json); },
      [&] { return InclusionProofText(sequence, proof); });
}

void Output::ExportSaved(const ExportFile& file, const std::string& path) {
  Print([&](JsonWriter& json) { WriteExportSavedJson(file, path, json); },
        [&] { return ExportSavedText(file, path); });
}

void Output::Verified(const VerifiedExport& verified,
                      const VerifiedSignatures* signatures) {
  Print(
      [&](JsonWriter& json) {
        WriteVerifiedExportJson(verified, signatures, json);
      },
      [&] { return VerifiedExportText(verified, signatures); });
}

void Output::Consistent(const VerifiedCheckpoint& older,
                        const VerifiedCheckpoint& newer) {
  Print([&](JsonWriter& json) { WriteConsistentJson(older, newer, json); },
        [&] { return ConsistentText(older, newer); });
}

void Output::WhoAmI(const WhoAmIResult& result) {
  Print([&](JsonWriter& json) { WriteWhoAmIJson(result, json); },
        [&] { return WhoAmIText(result); });
}

}  // namespace sx::sxctl
