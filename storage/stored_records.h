// The record conversions every backend shares: a stored record that does
// not parse is damage, and a dead letter is an inbox entry with when and
// whose it was.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "supervision/v1/records.pb.h"
#include "supervision/v1/referral.pb.h"
#include "sx/storage/store.h"

namespace sx::storage {

// DATA_LOSS, naming `what`, if `bytes` do not parse.
template <typename Message>
absl::StatusOr<Message> ParseRecord(const std::string& bytes,
                                    absl::string_view what) {
  Message message;
  if (!message.ParseFromString(bytes)) {
    return absl::DataLossError(
        absl::StrCat("storage: stored ", what, " does not parse"));
  }
  return message;
}

inline ::supervision::v1::StoredDeadLetter DeadLetterOf(
    absl::string_view agency_id, const ::supervision::v1::InboxEntry& entry,
    absl::Time when) {
  ::supervision::v1::StoredDeadLetter letter;
  letter.set_agency_id(std::string(agency_id));
  letter.set_sequence(entry.sequence());
  *letter.mutable_event() = entry.event();
  letter.set_delivery_attempts(entry.delivery_attempts());
  letter.mutable_dead_lettered_at()->set_seconds(absl::ToUnixSeconds(when));
  return letter;
}

// The entry a dead letter was, as redriving puts it back.
inline ::supervision::v1::InboxEntry EntryOf(
    const ::supervision::v1::StoredDeadLetter& letter) {
  ::supervision::v1::InboxEntry entry;
  entry.set_sequence(letter.sequence());
  *entry.mutable_event() = letter.event();
  entry.set_delivery_attempts(letter.delivery_attempts());
  return entry;
}

// A dead letter as listed, at `position` (the page boundary).
inline DeadLetterRecord RecordOf(const ::supervision::v1::StoredDeadLetter& letter,
                                 std::string position) {
  DeadLetterRecord record;
  record.position = std::move(position);
  record.agency_id = letter.agency_id();
  record.entry = EntryOf(letter);
  record.dead_lettered_at =
      absl::FromUnixSeconds(letter.dead_lettered_at().seconds());
  return record;
}

}  // namespace sx::storage
