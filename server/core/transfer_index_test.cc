// The transfer index against the plain truth: a random history of referrals
// across parties, states and two years, changed after they were written,
// and every filter combination paged through the index must give exactly
// the referrals a filter over all of them gives, newest first, each once.
#include "sx/core/transfer_index.h"

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "sx/base/status_macros.h"
#include "sx/core/current_conditions.h"
#include "sx/core/referral_state_machine.h"
#include "sx/core/timestamps.h"
#include "sx/storage/store.h"
#include "tests/support/temp_dir.h"

namespace sx::core {
namespace {

namespace v1 = ::supervision::v1;

const std::vector<std::string> kAgencies = {
    "inspection-office", "discipline-commission", "organization-dept",
    "audit-bureau"};
const std::vector<v1::ReferralState> kStates = {
    v1::REFERRAL_STATE_SUBMITTED, v1::REFERRAL_STATE_ACCEPTED,
    v1::REFERRAL_STATE_DISPOSING, v1::REFERRAL_STATE_CLOSED,
    v1::REFERRAL_STATE_RETURNED};

class TransferIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::RocksDbStoreOptions options;
    options.path = dir_.Sub("db");
    options.id_prefix = "test";
    options.referral_deriver = CurrentConditionsDeriver();
    auto store = storage::OpenRocksDbStore(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    // 400 referrals over two years; several created at the same instant.
    std::mt19937 random(20261207);
    const absl::Time start =
        absl::FromCivil(absl::CivilDay(2025, 1, 1), absl::UTCTimeZone());
    for (int i = 0; i < 400; ++i) {
      v1::Referral referral;
      referral.set_sender_agency_id(kAgencies[random() % kAgencies.size()]);
      referral.set_recipient_agency_id(kAgencies[random() % kAgencies.size()]);
      referral.set_state(kStates[random() % kStates.size()]);
      referral.set_feedback_overdue(random() % 3 == 0);
      *referral.mutable_created_at() =
          ToTimestamp(start + absl::Hours(random() % (2 * 365 * 24)));
      ASSERT_TRUE(Create(referral).ok());
    }
    // Half of them move on to another state afterwards, and miss a
    // deadline or have it lifted: their keys move.
    for (size_t i = 0; i < written_.size(); i += 2) {
      written_[i].set_state(kStates[random() % kStates.size()]);
      written_[i].set_accept_overdue(random() % 2 == 0);
      ASSERT_TRUE(Update(written_[i]).ok());
    }
  }

  absl::Status Create(v1::Referral& referral) {
    return store_->ApplyAndWait([&](storage::Transaction& txn) {
      SX_ASSIGN_OR_RETURN(std::string id, txn.NewReferralId());
      referral.set_referral_id(id);
      written_.push_back(referral);
      return txn.CreateReferral(referral, v1::Lead());
    });
  }

  absl::Status Update(v1::Referral& referral) {
    return store_->ApplyAndWait([&](storage::Transaction& txn) {
      referral.set_version(referral.version() + 1);
      return txn.UpdateReferral(referral);
    });
  }

  // What a filter over every referral finds, newest first.
  std::vector<std::string> Truth(const TransferIndexQuery& query) const {
    std::vector<const v1::Referral*> matching;
    for (const v1::Referral& referral : written_) {
      const absl::Time created = FromTimestamp(referral.created_at());
      if ((!query.sender_agency_id.empty() &&
           referral.sender_agency_id() != query.sender_agency_id) ||
          (!query.recipient_agency_id.empty() &&
           referral.recipient_agency_id() != query.recipient_agency_id) ||
          (!query.states.empty() &&
           std::find(query.states.begin(), query.states.end(),
                     referral.state()) == query.states.end()) ||
          (query.created_after && created < *query.created_after) ||
          (query.created_before && created >= *query.created_before) ||
          (query.overdue_only &&
           (IsTerminal(referral.state()) ||
            !(referral.accept_overdue() || referral.feedback_overdue())))) {
        continue;
      }
      matching.push_back(&referral);
    }
    std::sort(matching.begin(), matching.end(),
              [](const v1::Referral* a, const v1::Referral* b) {
                return std::make_tuple(FromTimestamp(a->created_at()),
                                       a->referral_id()) >
                       std::make_tuple(FromTimestamp(b->created_at()),
                                       b->referral_id());
              });
    std::vector<std::string> ids;
    for (const v1::Referral* referral : matching) {
      ids.push_back(referral->referral_id());
    }
    return ids;
  }

  // Every page of `query` in turn, checking each referral is current.
  std::vector<std::string> Paged(const TransferIndexQuery& query,
                                 size_t page_size) {
    std::vector<std::string> ids;
    std::string token;
    for (int pages = 0; pages < 1000; ++pages) {
      absl::StatusOr<TransferIndexPage> page =
          ReadTransferIndex(*store_, query, token, page_size);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      EXPECT_LE(page->referrals.size(), page_size);
      for (const v1::Referral& referral : page->referrals) {
        ids.push_back(referral.referral_id());
      }
      if (page->next_page_token.empty()) break;
      EXPECT_EQ(page->next_page_token, ids.back());
      token = page->next_page_token;
    }
    return ids;
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::vector<v1::Referral> written_;
};

TEST_F(TransferIndexTest, EveryFilterPagesToWhatAFullScanFinds) {
  const absl::Time mid =
      absl::FromCivil(absl::CivilDay(2025, 9, 1), absl::UTCTimeZone());
  const absl::Time late =
      absl::FromCivil(absl::CivilDay(2026, 5, 1), absl::UTCTimeZone());
  int checked = 0;
  for (const std::string& sender : {std::string(), kAgencies[0]}) {
    for (const std::string& recipient : {std::string(), kAgencies[1]}) {
      for (const std::vector<v1::ReferralState>& states :
           {std::vector<v1::ReferralState>{},
            {v1::REFERRAL_STATE_CLOSED},
            {v1::REFERRAL_STATE_SUBMITTED, v1::REFERRAL_STATE_DISPOSING}}) {
        for (int range = 0; range < 8; ++range) {
          TransferIndexQuery query;
          query.overdue_only = (range & 4) != 0;
          query.sender_agency_id = sender;
          query.recipient_agency_id = recipient;
          query.states = states;
          if (range & 1) query.created_after = mid;
          if (range & 2) query.created_before = late;
          const std::vector<std::string> truth = Truth(query);
          for (size_t page_size : {size_t{1}, size_t{7}, size_t{500}}) {
            EXPECT_EQ(Paged(query, page_size), truth)
                << "sender '" << sender << "' recipient '" << recipient
                << "' states " << states.size() << " range+overdue " << range
                << " page " << page_size;
            ++checked;
          }
        }
      }
    }
  }
  EXPECT_EQ(checked, 2 * 2 * 3 * 8 * 3);
  // The filters are not vacuous: the everything query finds all 400, the
  // overdue one some of them but not all.
  EXPECT_EQ(Truth(TransferIndexQuery()).size(), 400u);
  TransferIndexQuery overdue;
  overdue.overdue_only = true;
  EXPECT_GT(Truth(overdue).size(), 20u);
  EXPECT_LT(Truth(overdue).size(), 300u);
}

TEST_F(TransferIndexTest, ATokenThatNamesNoReferralIsRefused) {
  absl::StatusOr<TransferIndexPage> page =
      ReadTransferIndex(*store_, TransferIndexQuery(), "test-9999999999", 10);
  EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument)
      << page.status();
}

TEST_F(TransferIndexTest, AnOldDataDirectoryGetsItsIndexAtOpen) {
  // Reopened without the rule, written to, then opened with it again: the
  // index is derived anew from every referral, and is right.
  const std::string path = dir_.Sub("db");
  store_.reset();
  {
    storage::RocksDbStoreOptions options;
    options.path = path;
    options.id_prefix = "test";
    auto bare = storage::OpenRocksDbStore(options);
    ASSERT_TRUE(bare.ok()) << bare.status();
    store_ = *std::move(bare);
    written_[1].set_state(v1::REFERRAL_STATE_WITHDRAWN);
    ASSERT_TRUE(Update(written_[1]).ok());
    store_.reset();
  }
  storage::RocksDbStoreOptions options;
  options.path = path;
  options.id_prefix = "test";
  options.referral_deriver = CurrentConditionsDeriver();
  auto reopened = storage::OpenRocksDbStore(options);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  store_ = *std::move(reopened);
  TransferIndexQuery withdrawn;
  withdrawn.states = {v1::REFERRAL_STATE_WITHDRAWN};
  EXPECT_EQ(Paged(withdrawn, 50),
            std::vector<std::string>{written_[1].referral_id()});
  EXPECT_EQ(Paged(TransferIndexQuery(), 50), Truth(TransferIndexQuery()));
}

}  // namespace
}  // namespace sx::core
