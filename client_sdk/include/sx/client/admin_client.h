// What administrators (管理员) see of the hub, through AdminService: transfers
// and where they stand, inbox depths, dead letters and their redrive, counts,
// and the hub's own status. Metadata only: the hub never sends an
// administrator a lead's subject, summary or attachments, nor feedback or
// reminder text. Callable only with an administrator certificate.
//
//   sx::client::ClientOptions options;  // the administrator's cert and key
//   auto admin = sx::client::ConnectAdminClient(options);
//   if (!admin.ok()) return admin.status();
//   sx::client::TransferQuery overdue;
//   overdue.overdue_only = true;
//   absl::StatusOr<sx::client::TransferPage> page =
//       (*admin)->ListTransfers(overdue);
//
// Deadlines and retries follow ClientOptions, as for ExchangeClient.
// AdminClient is an interface so that programs can substitute a fake in
// their own tests; its methods have defaults, as ExchangeClient's have.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "sx/client/client_options.h"
#include "sx/client/export.h"
#include "sx/client/types.h"

namespace sx::client {

// TransferSummary, what an administrator sees of a transfer, is in types.h:
// a supervising agency's ledger (ExchangeClient::ListSupervisedReferrals)
// carries it too.

// Which transfers to list; every filter left at its default matches all.
struct TransferQuery {
  std::vector<ReferralState> states;  // empty: any state
  std::string sender_agency_id;
  std::string recipient_agency_id;
  // Created at or after / before; infinite: no bound.
  absl::Time created_after = absl::InfinitePast();
  absl::Time created_before = absl::InfiniteFuture();
  // Only transfers with a flagged missed deadline.
  bool overdue_only = false;
  uint32_t page_size = 0;  // 0: the hub's default (50, at most 500)
  std::string page_token;
};

// Newest first.
struct TransferPage {
  std::vector<TransferSummary> transfers;
  std::string next_page_token;  // empty at the end
};

struct InboxStats {
  std::string agency_id;
  // Unacknowledged entries.
  uint64_t depth = 0;
  // When the oldest unacknowledged entry was queued; InfinitePast if none.
  absl::Time oldest_unacknowledged_at = absl::InfinitePast();
  // Open inbox streams right now.
  uint32_t connected_streams = 0;
  uint64_t dead_letters = 0;
  // The last sequence given out in this inbox.
  uint64_t last_sequence = 0;
};

// An inbox entry moved aside after too many unacknowledged deliveries.
struct DeadLetter {
  std::string agency_id;
  uint64_t sequence = 0;
  // The event the entry told of (metadata only).
  Event event;
  uint32_t delivery_attempts = 0;
  absl::Time dead_lettered_at = absl::InfinitePast();
};

struct DeadLetterQuery {
  std::string agency_id;   // empty: every agency
  uint32_t page_size = 0;  // 0: the hub's default
  std::string page_token;
};

struct DeadLetterPage {
  std::vector<DeadLetter> dead_letters;
  std::string next_page_token;  // empty at the end
};

struct StateCount {
  ReferralState state = ReferralState::kUnspecified;
  uint64_t count = 0;
};

// Referrals from agencies of one type to agencies of another.
struct RouteCount {
  std::string sender_type;
  std::string recipient_type;
  uint64_t count = 0;
};

// One recipient's open referrals in each condition the supervising agencies
// watch (督办台账): overdue, under a standing staged warning (预警, while
// final feedback is owed), and pressed by reminders (by the highest level
// so far: a referral urged, then listed, counts as listed only).
struct RecipientConditions {
  std::string agency_id;
  uint64_t overdue = 0;
  uint64_t blue_warnings = 0;    // 蓝
  uint64_t yellow_warnings = 0;  // 黄
  uint64_t red_warnings = 0;     // 红
  uint64_t urged = 0;            // 催办
  uint64_t supervised = 0;       // 督办
  uint64_t listed = 0;           // 挂牌督办
};

struct TransferCounts {
  std::vector<StateCount> by_state;  // states with no referral are left out
  std::vector<RouteCount> by_route;
  // Referrals with a flagged missed deadline that are still open.
  uint64_t overdue_open = 0;
  // Each recipient holding at least one open referral in a condition.
  std::vector<RecipientConditions> by_recipient;
};

// A key-encryption key of the hub's encryption at rest: never the key
// itself, only how it is known and how many records it guards.
struct KeyUse {
  std::string name;         // as the key file names it
  std::string fingerprint;  // 16 hex digits
  uint64_t records = 0;     // stored records whose data key it wraps
  bool current = false;     // wraps the data keys of what is written now
};

struct EncryptionStatus {
  // "AES-256-GCM" or "SM4-CTR+HMAC-SM3".
  std::string cipher;
  // In key file order: the first is current.
  std::vector<KeyUse> keys;
};

struct HubStatus {
  std::string hub_id;
  std::string version;
  absl::Time started_at = absl::InfinitePast();
  // "SERVING", or what is wrong with storage.
  std::string storage;
  uint64_t referrals = 0;
  // Events in the audit log so far; its growth is the hub's throughput.
  uint64_t events = 0;
  uint32_t agencies = 0;
  // nullopt if the hub stores content in plain text.
  std::optional<EncryptionStatus> encryption;
};

// What one RewrapDataKeys call did.
struct RewrapProgress {
  uint32_t referrals = 0;  // referrals looked at
  uint32_t records = 0;    // records written again under the current key
  // Pass to the next call; empty once every referral was looked at.
  std::string next_page_token;
};

// Thread-safe: one client may serve many threads.
//
// No method is pure virtual: each has a default that fails with
// UNIMPLEMENTED ("AdminClient::GetHubStatus is not implemented by this
// client"), defined in the SDK library. A fake overrides only the calls its
// test makes, and methods that later SDK versions add will always come with
// such a default, so that those fakes keep compiling (the way
// google-cloud-cpp's *Connection classes grow). ConnectAdminClient returns a
// client that implements every method.
class SX_CLIENT_EXPORT AdminClient {
 public:
  virtual ~AdminClient();

  virtual absl::StatusOr<TransferPage> ListTransfers(
      const TransferQuery& query);
  // One per configured agency, in config order.
  virtual absl::StatusOr<std::vector<InboxStats>> GetInboxStats();
  virtual absl::StatusOr<DeadLetterPage> ListDeadLetters(
      const DeadLetterQuery& query);
  // Puts dead letters back at the end of `agency_id`'s inbox (`sequences`
  // empty: all of them) and returns how many went back. Safe to retry: a
  // letter leaves the dead letters as it is redriven, so a repeated call
  // cannot deliver it twice (it may report fewer).
  virtual absl::StatusOr<uint32_t> RedriveDeadLetters(
      const std::string& agency_id, const std::vector<uint64_t>& sequences);
  virtual absl::StatusOr<TransferCounts> GetTransferCounts();
  virtual absl::StatusOr<HubStatus> GetHubStatus();
  // 统计: figures per unit for a period, every unit's (see the comment before
  // StatisticsQuery in types.h); counts only, never a lead's content.
  virtual absl::StatusOr<Statistics> GetStatistics(
      const StatisticsQuery& query);
  // Added after the others, so that the SDK's ABI stays compatible.
  // After a new key-encryption key was put first in the hub's key file and
  // the hub reloaded it: writes the next `max_referrals` referrals' records
  // again under it (0: the hub's default, 200). Follow next_page_token
  // until it is empty for a whole pass. Safe to repeat.
  virtual absl::StatusOr<RewrapProgress> RewrapDataKeys(
      const std::string& page_token, uint32_t max_referrals);
};

// Connects over mutual TLS with an administrator's certificate.
// Before connecting it checks what it can itself:
// INVALID_ARGUMENT for an unreadable file, an address without a port, a PEM
// that does not parse or a key that is not the certificate's;
// UNAUTHENTICATED for a certificate the hub would refuse for what it
// carries (expired, not yet valid, not exactly one URI SAN). The connection
// itself is made lazily, on the first call.
SX_CLIENT_EXPORT absl::StatusOr<std::unique_ptr<AdminClient>>
ConnectAdminClient(const ClientOptions& options);

}  // namespace sx::client
