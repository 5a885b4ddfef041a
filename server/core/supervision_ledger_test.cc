// The supervision ledger (督办台账) and the admin counts, through the
// ExchangeCore and the DeadlineWatcher on a FakeClock and a real store: who
// may read the ledger, what enters and leaves it, filters and pages, and
// counts that always equal a count of every referral by hand.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "sx/core/admin_core.h"
#include "sx/core/current_conditions.h"
#include "sx/core/deadline_watcher.h"
#include "sx/core/exchange_core.h"
#include "sx/core/referral_state_machine.h"
#include "sx/core/supervision_ledger_core.h"
#include "sx/core/testing/core_test_fixtures.h"
#include "sx/core/testing/exchange_flow.h"
#include "sx/core/testing/test_config.h"
#include "sx/storage/store.h"
#include "tests/support/temp_dir.h"

namespace sx::core {

namespace v1 = ::supervision::v1;
namespace {

using ReferralOr = absl::StatusOr<v1::Referral>;
using LedgerOr = absl::StatusOr<v1::ListSupervisedReferralsResponse>;

class SupervisionLedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenTestStore(dir_.Sub("db"));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    core_ = std::make_unique<ExchangeCore>(*store_, clock_, TestHubConfig());
    flow_ = std::make_unique<ExchangeFlow>(*core_);
    auto config = [this] { return core_->config(); };
    watcher_ = std::make_unique<DeadlineWatcher>(*store_, clock_, config);
    ledger_ = std::make_unique<SupervisionLedgerCore>(*store_, config);
    admin_ = std::make_unique<AdminCore>(
        *store_, clock_, config, [](absl::string_view) { return 0u; }, "test");
  }

  std::string Submit(absl::string_view to = kDisciplineCommission) {
    return flow_->Submit(kStationedEducation, to);
  }

  ReferralOr Step(absl::string_view caller, Action action,
                  const std::string& id,
                  const std::function<void(StepRequest&)>& fill = nullptr) {
    return flow_->Step(caller, action, id, fill);
  }

  ReferralOr Remind(const std::string& id, absl::string_view caller,
                    v1::SupervisionLevel level) {
    return flow_->Remind(id, caller, level);
  }

  // 谈话函询 recorded, then final feedback.
  ReferralOr FinalFeedback(const std::string& id, absl::string_view from) {
    ReferralOr disposed =
        flow_->Dispose(id, from, v1::DISPOSITION_METHOD_TALK_OR_INQUIRY);
    if (!disposed.ok()) return disposed;
    return flow_->Feedback(id, from, v1::FEEDBACK_KIND_FINAL);
  }

  LedgerOr Ledger(
      absl::string_view caller,
      const std::function<void(v1::ListSupervisedReferralsRequest&)>& fill =
          nullptr) {
    v1::ListSupervisedReferralsRequest request;
    if (fill) fill(request);
    return ledger_->List(Agency(caller), request);
  }

  static std::vector<std::string> Ids(const LedgerOr& ledger) {
    std::vector<std::string> ids;
    if (!ledger.ok()) return ids;
    for (const auto& entry : ledger->referrals()) {
      ids.push_back(entry.transfer().referral_id());
    }
    return ids;
  }

  // What the counts must be: every referral read and counted by hand.
  std::map<std::string, uint64_t> CountedByHand() {
    std::map<std::string, uint64_t> counts;
    std::string before;
    for (;;) {
      auto page = store_->ScanReferralIds(before, 100);
      EXPECT_TRUE(page.ok());
      for (const std::string& id : page->referral_ids) {
        const v1::Referral referral = **store_->GetReferral(id);
        ++counts[absl::StrCat("state ", referral.state())];
        if (IsTerminal(referral.state())) continue;
        const std::string& to = referral.recipient_agency_id();
        if (referral.accept_overdue() || referral.feedback_overdue()) {
          ++counts["overdue " + to];
        }
        if (referral.supervision_level() == v1::SUPERVISION_LEVEL_URGE) {
          ++counts["urged " + to];
        }
        if (referral.supervision_level() == v1::SUPERVISION_LEVEL_LISTED) {
          ++counts["listed " + to];
        }
      }
      if (page->next_before_id.empty()) return counts;
      before = page->next_before_id;
    }
  }

  std::map<std::string, uint64_t> CountedByHub() {
    std::map<std::string, uint64_t> counts;
    auto response = admin_->TransferCounts();
    EXPECT_TRUE(response.ok()) << response.status();
    for (const auto& state : response->by_state()) {
      if (state.count() > 0) {
        counts[absl::StrCat("state ", state.state())] = state.count();
      }
    }
    for (const auto& agency : response->by_recipient()) {
      const std::string& id = agency.agency_id();
      if (agency.overdue() > 0) counts["overdue " + id] = agency.overdue();
      if (agency.urged() > 0) counts["urged " + id] = agency.urged();
      if (agency.listed() > 0) counts["listed " + id] = agency.listed();
    }
    return counts;
  }

  sx::testing::TempDir dir_;
  FakeClock clock_{absl::FromUnixSeconds(1780000000)};
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<ExchangeCore> core_;
  std::unique_ptr<DeadlineWatcher> watcher_;
  std::unique_ptr<SupervisionLedgerCore> ledger_;
  std::unique_ptr<AdminCore> admin_;
  std::unique_ptr<ExchangeFlow> flow_;
};

TEST_F(SupervisionLedgerTest, OnlySupervisingAgenciesReadTheLedger) {
  EXPECT_TRUE(Ledger(kDisciplineCommission).ok());
  for (const char* agency : {kInspectionOffice, kOrganizationDept}) {
    const LedgerOr refused = Ledger(agency);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
    EXPECT_NE(refused.status().message().find("supervisor: true"),
              std::string::npos)
        << refused.status();
  }
  const LedgerOr admin =
      ledger_->List(Identity{Identity::Kind::kAdmin, "ops"}, {});
  EXPECT_EQ(admin.status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(SupervisionLedgerTest, OverdueWarnedAndPressedMattersEnterAndLeave) {
  const std::string quiet = Submit(kOrganizationDept);
  const std::string urged = Submit(kOrganizationDept);
  const std::string listed = Submit(kOrganizationDept);
  ASSERT_TRUE(Step(kOrganizationDept, Action::kAccept, quiet).ok());
  ASSERT_TRUE(Step(kOrganizationDept, Action::kAccept, urged).ok());
  ASSERT_TRUE(Step(kOrganizationDept, Action::kAccept, listed).ok());
  EXPECT_TRUE(Ids(Ledger(kDisciplineCommission)).empty());

  ASSERT_TRUE(
      Remind(urged, kStationedEducation, v1::SUPERVISION_LEVEL_URGE).ok());
  clock_.Advance(absl::Hours(1));
  ASSERT_TRUE(
      Remind(listed, kDisciplineCommission, v1::SUPERVISION_LEVEL_LISTED).ok());
  // Not signed for within 72 hours: overdue, on the ledger by the hub's
  // own step.
  const std::string unsigned_lead = Submit(kOrganizationDept);
  clock_.Advance(absl::Hours(73));
  ASSERT_TRUE(watcher_->CheckOnce().ok());

  const LedgerOr ledger = Ledger(kDisciplineCommission);
  ASSERT_TRUE(ledger.ok()) << ledger.status();
  EXPECT_EQ(Ids(ledger),
            (std::vector<std::string>{urged, listed, unsigned_lead}));
  const v1::SupervisedReferral& entry = ledger->referrals(1);
  EXPECT_EQ(entry.subject(), "张某某");
  EXPECT_EQ(entry.subject_organization(), "某县土地储备中心");
  EXPECT_EQ(entry.last_reminded_by(), kDisciplineCommission);
  EXPECT_EQ(entry.transfer().supervision_level(), v1::SUPERVISION_LEVEL_LISTED);
  EXPECT_EQ(entry.transfer().state(), v1::REFERRAL_STATE_ACCEPTED);
  EXPECT_TRUE(ledger->referrals(2).transfer().accept_overdue());

  // Filters: by condition, by recipient.
  EXPECT_EQ(
      Ids(Ledger(kDisciplineCommission,
                 [](auto& request) {
                   request.add_conditions(v1::SUPERVISED_CONDITION_LISTED);
                   request.add_conditions(v1::SUPERVISED_CONDITION_OVERDUE);
                 })),
      (std::vector<std::string>{listed, unsigned_lead}));
  EXPECT_TRUE(Ids(Ledger(kDisciplineCommission, [](auto& request) {
                request.set_recipient_agency_id(kAuditBureau);
              })).empty());

  // Answered and closed: off the ledger. Answered only: still on it.
  ReferralOr answered = FinalFeedback(urged, kOrganizationDept);
  ASSERT_TRUE(answered.ok()) << answered.status();
  ASSERT_TRUE(FinalFeedback(listed, kOrganizationDept).ok());
  ASSERT_TRUE(Step(kStationedEducation, Action::kClose, urged).ok());
  EXPECT_EQ(Ids(Ledger(kDisciplineCommission)),
            (std::vector<std::string>{listed, unsigned_lead}));
}

TEST_F(SupervisionLedgerTest, PagesFollowOneAnotherWithoutGapsOrRepeats) {
  std::vector<std::string> all;
  for (const char* to :
       {kOrganizationDept, kDisciplineCommission, kOrganizationDept,
        kDisciplineCommission, kOrganizationDept}) {
    all.push_back(Submit(to));
    ASSERT_TRUE(
        Remind(all.back(), kStationedEducation, v1::SUPERVISION_LEVEL_URGE)
            .ok());
  }
  std::vector<std::string> read;
  std::string token;
  int pages = 0;
  do {
    const LedgerOr page = Ledger(kDisciplineCommission, [&](auto& request) {
      request.set_page_size(2);
      request.set_page_token(token);
    });
    ASSERT_TRUE(page.ok()) << page.status();
    for (const std::string& id : Ids(page)) read.push_back(id);
    token = page->next_page_token();
    ++pages;
  } while (!token.empty());
  EXPECT_EQ(pages, 3);
  // By recipient ("discipline-commission" < "organization-dept"), then
  // oldest first.
  EXPECT_EQ(read,
            (std::vector<std::string>{all[1], all[3], all[0], all[2], all[4]}));
  const LedgerOr bad = Ledger(kDisciplineCommission, [](auto& request) {
    request.set_page_token("not-hex");
  });
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  const LedgerOr unknown = Ledger(kDisciplineCommission, [](auto& request) {
    request.set_recipient_agency_id("no-such-unit");
  });
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
}

TEST_F(SupervisionLedgerTest, AdminCountsAlwaysEqualACountOfEveryReferral) {
  const std::string a = Submit(kOrganizationDept);
  const std::string b = Submit();
  const std::string c = Submit(kOrganizationDept);
  EXPECT_EQ(CountedByHub(), CountedByHand());
  ASSERT_TRUE(Step(kDisciplineCommission, Action::kAccept, b).ok());
  ASSERT_TRUE(Remind(b, kStationedEducation, v1::SUPERVISION_LEVEL_URGE).ok());
  ASSERT_TRUE(
      Remind(c, kDisciplineCommission, v1::SUPERVISION_LEVEL_LISTED).ok());
  EXPECT_EQ(CountedByHub(), CountedByHand());
  clock_.Advance(absl::Hours(80));
  ASSERT_TRUE(watcher_->CheckOnce().ok());
  EXPECT_EQ(CountedByHub(), CountedByHand());
  ASSERT_TRUE(FinalFeedback(b, kDisciplineCommission).ok());
  ASSERT_TRUE(Step(kStationedEducation, Action::kClose, b).ok());
  ReferralOr withdrawn =
      Step(kStationedEducation, Action::kWithdraw, a,
           [](StepRequest& step) { step.text = "误发至组织部，撤回"; });
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.status();
  const std::map<std::string, uint64_t> counts = CountedByHub();
  EXPECT_EQ(counts, CountedByHand());
  EXPECT_EQ(counts.at("overdue organization-dept"), 1u);  // c
  EXPECT_EQ(counts.at("listed organization-dept"), 1u);
  EXPECT_EQ(counts.count("urged discipline-commission"), 0u);  // b closed
  auto status = admin_->Status();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->referrals(), 3u);
  // The admin's overdue listing reads the watch list: open ones only.
  v1::ListTransfersRequest overdue;
  overdue.set_overdue_only(true);
  auto listed = admin_->ListTransfers(overdue);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->transfers_size(), 1);
  EXPECT_EQ(listed->transfers(0).referral_id(), c);
}

}  // namespace
}  // namespace sx::core
