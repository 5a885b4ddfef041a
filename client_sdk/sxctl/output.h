// Writes command results to standard output as text or JSON (--json), so
// that commands say what to print and never how. Only results go to stdout;
// errors go to stderr from main, and never carry a lead's content.
//
// Not thread-safe; `inbox watch` prints from one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <vector>

#include "attachment_files.h"
#include "sx/client/types.h"

namespace sx::sxctl {

enum class OutputFormat { kText, kJson };

class Output {
 public:
  Output(OutputFormat format, std::ostream& out);

  // One referral (show, send and every step). `saved` may be null.
  void Referral(const client::Referral& referral,
                const SavedAttachments* saved = nullptr);
  // One page of `list`; in text, how to get the next page.
  void Page(const client::ReferralPage& page);
  // What `inbox list` read: a JSON array, or a table.
  void InboxEntries(const std::vector<client::InboxEntry>& entries);
  // One entry of `inbox watch` as soon as it arrives: a JSON object per line,
  // or a text line; flushed at once.
  void StreamedInboxEntry(const client::InboxEntry& entry);
  void Acknowledged(uint32_t acknowledged, size_t requested);

 private:
  const OutputFormat format_;
  std::ostream& out_;
};

}  // namespace sx::sxctl
