#include "keys.h"

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

std::string InboxCounterKey(absl::string_view agency_id) {
  return absl::StrCat("inbox_seq/", agency_id);
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

}  // namespace sx::storage::keys
