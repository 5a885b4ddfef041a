// The counters and watch list the store derives from each referral: kept in
// step with every write, undone with a failed transaction, and derived again
// from all referrals when a data directory was written without them.
#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "sx/base/status_macros.h"
#include "sx/storage/store.h"
#include "tests/support/temp_dir.h"

namespace sx::storage {

namespace v1 = ::supervision::v1;
namespace {

// Counts referrals by state and recipient; watches the overdue ones.
ReferralDeriver StateDeriver(std::string version = "1") {
  return {std::move(version), [](const v1::Referral& referral) {
            DerivedEntries entries;
            entries.counters.push_back(absl::StrCat(
                "g/", referral.state(), "/", referral.recipient_agency_id()));
            if (referral.feedback_overdue()) {
              entries.watched.emplace_back(
                  absl::StrCat(referral.recipient_agency_id(), "/",
                               referral.referral_id()),
                  absl::StrCat("v", referral.version()));
            }
            return entries;
          }};
}

class DerivedEntriesTest : public ::testing::Test {
 protected:
  void Open(ReferralDeriver deriver) {
    store_.reset();
    RocksDbStoreOptions options;
    options.path = dir_.Sub("db");
    options.id_prefix = "test";
    options.referral_deriver = std::move(deriver);
    auto store = OpenRocksDbStore(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }

  std::string Create(const std::string& recipient) {
    std::string id;
    absl::Status status = store_->ApplyAndWait([&](Transaction& txn) {
      SX_ASSIGN_OR_RETURN(id, txn.NewReferralId());
      v1::Referral referral;
      referral.set_referral_id(id);
      referral.set_sender_agency_id("inspection-office");
      referral.set_recipient_agency_id(recipient);
      referral.set_state(v1::REFERRAL_STATE_SUBMITTED);
      return txn.CreateReferral(referral, v1::Lead());
    });
    EXPECT_TRUE(status.ok()) << status;
    return id;
  }

  // Reads the referral in a transaction, lets `change` alter it, writes it;
  // the transaction fails afterwards if `fail` says so.
  absl::Status Update(const std::string& id,
                      const std::function<void(v1::Referral&)>& change,
                      bool fail = false) {
    return store_->ApplyAndWait([&](Transaction& txn) -> absl::Status {
      SX_ASSIGN_OR_RETURN(std::optional<v1::Referral> referral,
                          txn.GetReferral(id));
      change(*referral);
      referral->set_version(referral->version() + 1);
      SX_RETURN_IF_ERROR(txn.UpdateReferral(*referral));
      if (fail) return absl::AbortedError("the body changed its mind");
      return absl::OkStatus();
    });
  }

  std::map<std::string, int64_t> Counters() {
    auto counters = store_->ReadCounters("g/", "g0", 1000);
    EXPECT_TRUE(counters.ok()) << counters.status();
    std::map<std::string, int64_t> nonzero;
    for (const auto& [key, value] : *counters) {
      if (value != 0) nonzero[key] = value;
    }
    return nonzero;
  }

  std::map<std::string, std::string> Watched(const std::string& prefix = "") {
    auto entries = store_->ReadWatchList(prefix, "", 1000);
    EXPECT_TRUE(entries.ok()) << entries.status();
    return {entries->begin(), entries->end()};
  }

  sx::testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(DerivedEntriesTest, CountersAndWatchListFollowEveryWrite) {
  Open(StateDeriver());
  const std::string first = Create("discipline-commission");
  const std::string second = Create("discipline-commission");
  Create("audit-bureau");
  EXPECT_EQ(Counters(),
            (std::map<std::string, int64_t>{{"g/1/audit-bureau", 1},
                                            {"g/1/discipline-commission", 2}}));
  ASSERT_TRUE(Update(first, [](v1::Referral& r) {
                r.set_state(v1::REFERRAL_STATE_ACCEPTED);
                r.set_feedback_overdue(true);
              }).ok());
  EXPECT_EQ(Counters(),
            (std::map<std::string, int64_t>{{"g/1/audit-bureau", 1},
                                            {"g/1/discipline-commission", 1},
                                            {"g/3/discipline-commission", 1}}));
  EXPECT_EQ(Watched(), (std::map<std::string, std::string>{
                           {"discipline-commission/" + first, "v1"}}));
  // A changed value replaces the entry; a referral no longer watched leaves.
  ASSERT_TRUE(Update(first, [](v1::Referral&) {}).ok());
  EXPECT_EQ(Watched()["discipline-commission/" + first], "v2");
  ASSERT_TRUE(Update(first, [](v1::Referral& r) {
                r.set_state(v1::REFERRAL_STATE_CLOSED);
                r.set_feedback_overdue(false);
              }).ok());
  EXPECT_TRUE(Watched().empty());
  EXPECT_EQ(Counters()["g/6/discipline-commission"], 1);
  EXPECT_EQ(Counters().count("g/3/discipline-commission"), 0);
  (void)second;
}

TEST_F(DerivedEntriesTest, AFailedTransactionChangesNoDerivedEntry) {
  Open(StateDeriver());
  const std::string id = Create("discipline-commission");
  const auto counters = Counters();
  EXPECT_FALSE(Update(
                   id,
                   [](v1::Referral& r) {
                     r.set_state(v1::REFERRAL_STATE_ACCEPTED);
                     r.set_feedback_overdue(true);
                   },
                   /*fail=*/true)
                   .ok());
  EXPECT_EQ(Counters(), counters);
  EXPECT_TRUE(Watched().empty());
}

TEST_F(DerivedEntriesTest, WatchListPagesWithinAPrefix) {
  Open(StateDeriver());
  std::vector<std::string> ids;
  for (const char* recipient :
       {"audit-bureau", "discipline-commission", "discipline-commission",
        "discipline-commission", "organization-department"}) {
    ids.push_back(Create(recipient));
    ASSERT_TRUE(Update(ids.back(), [](v1::Referral& r) {
                  r.set_feedback_overdue(true);
                }).ok());
  }
  auto page = store_->ReadWatchList("discipline-commission/", "", 2);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].first, "discipline-commission/" + ids[1]);
  EXPECT_EQ((*page)[1].first, "discipline-commission/" + ids[2]);
  page = store_->ReadWatchList("discipline-commission/", (*page)[1].first, 2);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].first, "discipline-commission/" + ids[3]);
}

TEST_F(DerivedEntriesTest, ADirectoryWrittenWithoutThemDerivesThemAtOpen) {
  // As a data directory of the release before derived entries, or one that
  // a tool without the deriver wrote to.
  Open(ReferralDeriver());
  const std::string id = Create("discipline-commission");
  Create("audit-bureau");
  ASSERT_TRUE(
      Update(id, [](v1::Referral& r) { r.set_feedback_overdue(true); }).ok());
  EXPECT_TRUE(Counters().empty());
  // What it does not keep, it does not pretend to answer.
  EXPECT_EQ(store_->ReadWatchList("", "", 10).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->ScanReferralIndex("a", "", 10).status().code(),
            absl::StatusCode::kFailedPrecondition);
  Open(StateDeriver());
  EXPECT_EQ(Counters(),
            (std::map<std::string, int64_t>{{"g/1/audit-bureau", 1},
                                            {"g/1/discipline-commission", 1}}));
  EXPECT_EQ(Watched().size(), 1u);
  // Written again without the deriver, then opened with it: derived again,
  // not counted twice.
  Open(ReferralDeriver());
  Create("audit-bureau");
  Open(StateDeriver());
  EXPECT_EQ(Counters()["g/1/audit-bureau"], 2);
  EXPECT_EQ(Counters()["g/1/discipline-commission"], 1);
}

TEST_F(DerivedEntriesTest, ANewRuleVersionDerivesAgainWithoutLeftovers) {
  Open(StateDeriver("1"));
  const std::string id = Create("discipline-commission");
  ASSERT_TRUE(
      Update(id, [](v1::Referral& r) { r.set_feedback_overdue(true); }).ok());
  // The new rule counts by sender and watches nothing.
  Open({"2", [](const v1::Referral& referral) {
          DerivedEntries entries;
          entries.counters.push_back("g/sent/" + referral.sender_agency_id());
          return entries;
        }});
  EXPECT_EQ(Counters(),
            (std::map<std::string, int64_t>{{"g/sent/inspection-office", 1}}));
  EXPECT_TRUE(Watched().empty());
}

}  // namespace
}  // namespace sx::storage
