// Key layout of the RocksDB store. Big-endian sequence numbers keep RocksDB's
// byte order equal to numeric order, so scans return entries in sequence.
#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "sx/storage/store.h"

namespace sx::storage::keys {

// Column family names.
inline constexpr char kReferrals[] = "referrals";
inline constexpr char kLeads[] = "leads";
inline constexpr char kPartyIndex[] = "party_index";
inline constexpr char kInbox[] = "inbox";
inline constexpr char kRequests[] = "requests";
inline constexpr char kEvents[] = "events";
inline constexpr char kEventIndex[] = "event_index";
inline constexpr char kMerkle[] = "merkle";
inline constexpr char kDeadlines[] = "deadlines";
inline constexpr char kDeadLetters[] = "dead_letters";
// Added in 0.x with the rectification ledger; an older data directory gets
// it, empty, when it is opened (create_missing_column_families).
inline constexpr char kRectificationItems[] = "rectification_items";
// Added with distributions and statistics, the same way.
inline constexpr char kDistributions[] = "distributions";
inline constexpr char kCounters[] = "counters";
// Added with the supervision ledger (see ReferralDeriver).
inline constexpr char kWatchList[] = "watch_list";
inline constexpr char kReferralIndex[] = "referral_index";

// Keys in the default column family.
inline constexpr char kFormatVersionKey[] = "meta/format_version";
inline constexpr char kReferralCounterKey[] = "meta/referral_counter";
// The referral id generation set by the last confirmed restore from a
// backup (absent: none yet), e.g. "r20261206230000123456".
inline constexpr char kIdGenerationKey[] = "meta/id_generation";
// be64 sequence of the last event, the SHA-256 of its bytes, then the be64
// unix nanoseconds of its time (absent in heads written before event times
// were kept from going back; see RocksDbTransaction::AppendEvent).
inline constexpr char kEventHeadKey[] = "meta/event_head";
// The event index rule the index family was built with (EventReindex);
// absent: before the agency-and-type index.
inline constexpr char kEventIndexRuleKey[] = "meta/event_index_rule";
// be64 sequence of the last event whose time is before its predecessor's;
// absent: event times never go back, so a time range is a sequence range.
inline constexpr char kEventTimeWentBackKey[] = "meta/event_time_went_back";
inline constexpr char kFormatVersion[] = "1";
// The transparency log's hash name; fixed when the database is created.
inline constexpr char kLogHashKey[] = "meta/log_hash";
// The ReferralDeriver version the counters and watch list were derived with;
// absent: not derived (or written since by a store without a deriver).
inline constexpr char kDerivedVersionKey[] = "meta/derived_version";
// Present once every inbox and the dead letters were counted (queue_counts.h).
inline constexpr char kQueuesCountedKey[] = "meta/queues_counted";

std::string EncodeUint64(uint64_t value);
// Returns false if `bytes` is not exactly 8 bytes.
bool DecodeUint64(absl::string_view bytes, uint64_t* value);
// The be64 sequence every event index key ends with; false if the key is
// shorter than 8 bytes.
bool DecodeSequenceAtEnd(absl::string_view key, uint64_t* sequence);

// "inbox_seq/<agency>": the last sequence given out in an agency's inbox.
// Kept apart from the entries because acknowledged entries are deleted.
std::string InboxCounterKey(absl::string_view agency_id);
// In the meta family: an agency's signing certificate by its SHA-256 (raw
// bytes, written as hex in the key).
std::string SigningCertificateKey(absl::string_view sha256);
// <agency> \0 <be64 sequence>
std::string InboxKey(absl::string_view agency_id, uint64_t sequence);
std::string InboxPrefix(absl::string_view agency_id);
// <agency> \0 <'S'|'R'> \0 <referral id>
std::string PartyIndexKey(absl::string_view agency_id, Side side,
                          absl::string_view referral_id);
std::string PartyIndexPrefix(absl::string_view agency_id, Side side);
// <caller> \0 <request id>
std::string RequestKey(absl::string_view caller, absl::string_view request_id);

// Event indexes, each ending in the be64 event sequence:
//   'R' <referral id> \0 seq · 'T' <be64 type> seq ·
//   'G' <agency id> \0 <be64 type> seq · 'S' <be64 unix nanos> seq
// and, in directories before the agency-and-type index (EventReindex turns
// them into 'G' keys), 'A' <agency id> \0 seq.
enum class EventIndex { kByReferral, kByAgency, kByType, kByTime };
std::string EventIndexPrefix(EventIndex index, absl::string_view key);
std::string EventTypeIndexPrefix(uint64_t type);
std::string EventAgencyTypeIndexPrefix(absl::string_view agency_id,
                                       uint64_t type);
std::string EventTimeKey(absl::Time time);
// <u8 level> <be64 index>
std::string MerkleNodeKey(uint64_t level, uint64_t index);
// <be64 unix seconds> <'A'|'F'> <referral id>, or for a ledger item
// <be64 unix seconds> 'I' <referral id> \0 <be64 item number>
std::string DeadlineKey(DeadlineKind kind, absl::Time due,
                        absl::string_view referral_id,
                        uint32_t item_number = 0);
bool ParseDeadlineKey(absl::string_view key, Deadline* deadline);
// Distributions: 'D' <distribution id> → the record; 'S' <sender> \0
// <distribution id> → "" (the sender's index).
std::string DistributionKey(absl::string_view distribution_id);
std::string DistributionSenderKey(absl::string_view sender_agency_id,
                                  absl::string_view distribution_id);
std::string DistributionSenderPrefix(absl::string_view sender_agency_id);
// <referral id> \0 <be64 item number>
std::string RectificationItemKey(absl::string_view referral_id,
                                 uint64_t number);
std::string RectificationItemPrefix(absl::string_view referral_id);
// Same layout as InboxKey.
inline std::string DeadLetterKey(absl::string_view agency_id,
                                 uint64_t sequence) {
  return InboxKey(agency_id, sequence);
}

}  // namespace sx::storage::keys
