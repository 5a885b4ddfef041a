#include "tests/fault/drill_checks.h"

#include <cstddef>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "sx/storage/postgres_store.h"
#include "sx/storage/store.h"

namespace sx::testing {
namespace {

// One page for all a drill sends (hundreds; thousands with SX_FAULT_LONG).
constexpr size_t kAllReferralsOfADrill = 1000000;

// The ids in `a` that are not in `b`, joined for a failure message.
std::string OnlyIn(const std::set<std::string>& a,
                   const std::set<std::string>& b) {
  std::vector<std::string> missing;
  for (const std::string& id : a) {
    if (b.count(id) == 0) missing.push_back(id);
  }
  return absl::StrJoin(missing, ", ");
}

}  // namespace

void ExpectEachAcknowledgedOnce(
    const std::string& conninfo,
    const std::map<std::string, std::string>& referral_by_request_id,
    const std::string& sender, const std::string& recipient) {
  const size_t acknowledged = referral_by_request_id.size();
  std::set<std::string> referrals;
  for (const auto& [request_id, referral_id] : referral_by_request_id) {
    EXPECT_TRUE(referrals.insert(referral_id).second)
        << referral_id << " was acknowledged for two request ids (one is "
        << request_id << ")";
  }

  storage::PostgresStoreOptions store_options;
  store_options.conninfo = conninfo;
  absl::StatusOr<std::unique_ptr<storage::Store>> store =
      storage::OpenPostgresStore(store_options);
  ASSERT_TRUE(store.ok()) << store.status();
  const absl::Status chain = (*store)->VerifyEventChain();
  EXPECT_TRUE(chain.ok()) << "event chain broken: " << chain;

  // Exactly one referral per acknowledged request: none lost, none made
  // twice by a retry.
  absl::StatusOr<storage::ReferralIdPage> sent = (*store)->ListReferralIds(
      sender, storage::Side::kSender, "", kAllReferralsOfADrill);
  ASSERT_TRUE(sent.ok()) << sent.status();
  const std::set<std::string> stored(sent->referral_ids.begin(),
                                     sent->referral_ids.end());
  // The differences, not both sets of hundreds of ids.
  EXPECT_TRUE(stored == referrals)
      << "acknowledged but not stored: [" << OnlyIn(referrals, stored)
      << "]; stored but never acknowledged: [" << OnlyIn(stored, referrals)
      << "]";
  EXPECT_EQ(sent->referral_ids.size(), acknowledged)
      << "referrals stored for " << sender << " vs requests acknowledged";

  // Each one waits in the recipient's inbox, undelivered.
  absl::StatusOr<storage::InboxSummary> inbox =
      (*store)->SummarizeInbox(recipient);
  ASSERT_TRUE(inbox.ok()) << inbox.status();
  EXPECT_EQ(inbox->depth, acknowledged)
      << recipient << "'s inbox depth vs requests acknowledged";
  EXPECT_EQ(inbox->last_sequence, acknowledged)
      << recipient << "'s last inbox sequence vs requests acknowledged";
}

}  // namespace sx::testing
