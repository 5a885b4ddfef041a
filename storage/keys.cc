#include "storage/keys.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace sx::storage::keys {

std::string EncodeUint64(uint64_t value) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return out;
}

bool DecodeUint64(absl::string_view bytes, uint64_t* value) {
  if (bytes.size() != 8) return false;
  uint64_t result = 0;
  for (char c : bytes) result = (result << 8) | static_cast<unsigned char>(c);
  *value = result;
  return true;
}

bool DecodeSequenceAtEnd(absl::string_view key, uint64_t* sequence) {
  return key.size() >= 8 && DecodeUint64(key.substr(key.size() - 8), sequence);
}

std::string InboxCounterKey(absl::string_view agency_id) {
  return absl::StrCat("inbox_seq/", agency_id);
}

std::string SigningCertificateKey(absl::string_view sha256) {
  return absl::StrCat("signing_certificate/", absl::BytesToHexString(sha256));
}

std::string InboxPrefix(absl::string_view agency_id) {
  return absl::StrCat(agency_id, absl::string_view("\0", 1));
}

std::string InboxKey(absl::string_view agency_id, uint64_t sequence) {
  return absl::StrCat(InboxPrefix(agency_id), EncodeUint64(sequence));
}

std::string PartyIndexPrefix(absl::string_view agency_id, Side side) {
  const char side_tag = side == Side::kSender ? 'S' : 'R';
  return absl::StrCat(agency_id, absl::string_view("\0", 1),
                      absl::string_view(&side_tag, 1),
                      absl::string_view("\0", 1));
}

std::string PartyIndexKey(absl::string_view agency_id, Side side,
                          absl::string_view referral_id) {
  return absl::StrCat(PartyIndexPrefix(agency_id, side), referral_id);
}

std::string RequestKey(absl::string_view caller, absl::string_view request_id) {
  return absl::StrCat(caller, absl::string_view("\0", 1), request_id);
}

std::string EventIndexPrefix(EventIndex index, absl::string_view key) {
  switch (index) {
    case EventIndex::kByReferral:
      return absl::StrCat("R", key, absl::string_view("\0", 1));
    case EventIndex::kByAgency:
      return absl::StrCat("A", key, absl::string_view("\0", 1));
    case EventIndex::kByType:
      return absl::StrCat("T", key);
    case EventIndex::kByTime:
      return "S";
  }
  return "?";
}

std::string EventTypeIndexPrefix(uint64_t type) {
  return EventIndexPrefix(EventIndex::kByType, EncodeUint64(type));
}

std::string EventAgencyTypeIndexPrefix(absl::string_view agency_id,
                                       uint64_t type) {
  return absl::StrCat("G", agency_id, absl::string_view("\0", 1),
                      EncodeUint64(type));
}

std::string EventTimeKey(absl::Time time) {
  // Times before 1970 do not occur in events; clamp rather than wrap.
  const int64_t nanos = std::max<int64_t>(0, absl::ToUnixNanos(time));
  return absl::StrCat("S", EncodeUint64(static_cast<uint64_t>(nanos)));
}

std::string MerkleNodeKey(uint64_t level, uint64_t index) {
  return absl::StrCat(std::string(1, static_cast<char>(level)),
                      EncodeUint64(index));
}

std::string DeadlineKey(DeadlineKind kind, absl::Time due,
                        absl::string_view referral_id, uint32_t item_number) {
  const int64_t seconds = std::max<int64_t>(0, absl::ToUnixSeconds(due));
  const std::string when = EncodeUint64(static_cast<uint64_t>(seconds));
  switch (kind) {
    case DeadlineKind::kAccept:
      return absl::StrCat(when, "A", referral_id);
    case DeadlineKind::kFeedback:
      return absl::StrCat(when, "F", referral_id);
    case DeadlineKind::kRectificationItem:
      return absl::StrCat(when, "I",
                          RectificationItemKey(referral_id, item_number));
    case DeadlineKind::kReview:
      return absl::StrCat(when, "R", referral_id);
    case DeadlineKind::kBlueWarning:
      return absl::StrCat(when, "B", referral_id);
    case DeadlineKind::kYellowWarning:
      return absl::StrCat(when, "Y", referral_id);
    case DeadlineKind::kReport:
      return absl::StrCat(when, "P", referral_id);
  }
  return "";
}

std::string DistributionKey(absl::string_view distribution_id) {
  return absl::StrCat("D", distribution_id);
}

std::string DistributionSenderKey(absl::string_view sender_agency_id,
                                  absl::string_view distribution_id) {
  return absl::StrCat(DistributionSenderPrefix(sender_agency_id),
                      distribution_id);
}

std::string DistributionSenderPrefix(absl::string_view sender_agency_id) {
  return absl::StrCat("S", sender_agency_id, absl::string_view("\0", 1));
}

std::string RectificationItemKey(absl::string_view referral_id,
                                 uint64_t number) {
  return absl::StrCat(RectificationItemPrefix(referral_id),
                      EncodeUint64(number));
}

std::string RectificationItemPrefix(absl::string_view referral_id) {
  return absl::StrCat(referral_id, absl::string_view("\0", 1));
}

bool ParseDeadlineKey(absl::string_view key, Deadline* deadline) {
  uint64_t seconds = 0;
  if (key.size() < 10 || !DecodeUint64(key.substr(0, 8), &seconds)) {
    return false;
  }
  deadline->due = absl::FromUnixSeconds(static_cast<int64_t>(seconds));
  const absl::string_view rest = key.substr(9);
  switch (key[8]) {
    case 'A':
      deadline->kind = DeadlineKind::kAccept;
      deadline->referral_id = std::string(rest);
      return true;
    case 'F':
      deadline->kind = DeadlineKind::kFeedback;
      deadline->referral_id = std::string(rest);
      return true;
    case 'R':
      deadline->kind = DeadlineKind::kReview;
      deadline->referral_id = std::string(rest);
      return true;
    case 'B':
      deadline->kind = DeadlineKind::kBlueWarning;
      deadline->referral_id = std::string(rest);
      return true;
    case 'Y':
      deadline->kind = DeadlineKind::kYellowWarning;
      deadline->referral_id = std::string(rest);
      return true;
    case 'P':
      deadline->kind = DeadlineKind::kReport;
      deadline->referral_id = std::string(rest);
      return true;
    case 'I': {
      uint64_t number = 0;
      if (rest.size() < 10 || rest[rest.size() - 9] != '\0' ||
          !DecodeUint64(rest.substr(rest.size() - 8), &number) ||
          number > UINT32_MAX) {
        return false;
      }
      deadline->kind = DeadlineKind::kRectificationItem;
      deadline->referral_id = std::string(rest.substr(0, rest.size() - 9));
      deadline->item_number = static_cast<uint32_t>(number);
      return true;
    }
    default:
      return false;
  }
}

}  // namespace sx::storage::keys
