#include "output.h"

#include "absl/time/clock.h"
#include "json_writer.h"
#include "referral_json.h"
#include "referral_text.h"

namespace sx::sxctl {

Output::Output(OutputFormat format, std::ostream& out)
    : format_(format), out_(out) {}

void Output::Referral(const client::Referral& referral,
                      const SavedAttachments* saved) {
  if (format_ == OutputFormat::kJson) {
    JsonWriter json(JsonWriter::Style::kPretty);
    WriteReferralJson(referral, saved, json);
    out_ << json.text() << "\n";
  } else {
    out_ << ReferralText(referral, saved, absl::Now());
  }
}

void Output::Page(const client::ReferralPage& page) {
  if (format_ == OutputFormat::kJson) {
    JsonWriter json(JsonWriter::Style::kPretty);
    WriteReferralPageJson(page, json);
    out_ << json.text() << "\n";
    return;
  }
  if (page.referrals.empty()) {
    out_ << "no referrals\n";
  } else {
    out_ << ReferralTableText(page.referrals, absl::Now());
  }
  if (!page.next_page_token.empty()) {
    out_ << "\nmore: add --page-token " << page.next_page_token << "\n";
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

}  // namespace sx::sxctl
