// End-to-end tests of the supervising agencies' ledger (督办台账,
// supervision_ledger.proto) through the SDK: the real sxhub binary on
// loopback with the example config, real certificates from
// deploy/dev-pki.sh.
//
// The scenario: the inspection office sends three leads to the organization
// department. It reminds the department of the first (催办); the
// commission, the example config's one supervising agency (`supervisor:
// true`), puts the second on its list (挂牌督办); the third is neither
// overdue, warned nor pressed. The commission's ledger holds the first two,
// with their subjects, and only the commission may read it; a kill -9
// changes nothing of it, nor of the administrator's counts per recipient.
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "supervision/v1/referral.pb.h"
#include "sx/client/admin_client.h"
#include "sx/client/exchange_client.h"
#include "tests/e2e/agency_client.h"
#include "tests/e2e/lead_exchange_suite.h"
#include "tests/e2e/sdk_options.h"

namespace sx::testing {
namespace {

namespace v1 = ::supervision::v1;

constexpr char kCommission[] = "discipline-commission";
constexpr char kInspection[] = "inspection-office";
constexpr char kOrganization[] = "organization-dept";
constexpr char kAdmin[] = "admin-ops";

// Three leads the inspection office found, each about a unit of its own.
constexpr char kUrgedSubject[] = "市住建局工程建设科";
constexpr char kUrgedUnit[] = "市住建局";
constexpr char kListedSubject[] = "县土地储备中心";
constexpr char kListedUnit[] = "县自然资源局";
constexpr char kQuietSubject[] = "市教育局学生营养餐配送项目";

v1::Lead LeadAbout(const std::string& subject, const std::string& unit) {
  v1::Lead lead;
  lead.set_subject(subject);
  lead.set_subject_organization(unit);
  lead.set_category("进一步了解关注类");
  lead.set_summary("巡察中发现干部选拔任用程序不规范，有关负责人涉嫌违规提拔");
  lead.set_source("巡察个别谈话");
  lead.set_sensitivity(v1::SENSITIVITY_SENSITIVE);
  lead.set_urgency(v1::URGENCY_NORMAL);
  return lead;
}

// What a test compares of one ledger entry.
struct Entry {
  std::string referral_id;
  std::string recipient;
  client::SupervisionLevel level;
  std::string subject;
  std::string subject_organization;
  std::string last_reminded_by;

  bool operator==(const Entry& other) const {
    return referral_id == other.referral_id && recipient == other.recipient &&
           level == other.level && subject == other.subject &&
           subject_organization == other.subject_organization &&
           last_reminded_by == other.last_reminded_by;
  }
};

void PrintTo(const Entry& entry, std::ostream* out) {
  *out << "{" << entry.referral_id << ", " << entry.recipient << ", "
       << client::ToString(entry.level) << ", " << entry.subject << ", "
       << entry.subject_organization << ", " << entry.last_reminded_by << "}";
}

std::vector<Entry> EntriesOf(const client::SupervisionLedgerPage& page) {
  std::vector<Entry> entries;
  for (const client::SupervisedReferral& referral : page.referrals) {
    entries.push_back(
        {referral.transfer.referral_id, referral.transfer.recipient_agency_id,
         referral.transfer.supervision_level, referral.subject,
         referral.subject_organization, referral.last_reminded_by});
  }
  return entries;
}

std::vector<std::string> IdsOf(const client::SupervisionLedgerPage& page) {
  std::vector<std::string> ids;
  for (const client::SupervisedReferral& referral : page.referrals) {
    ids.push_back(referral.transfer.referral_id);
  }
  return ids;
}

class SupervisionLedgerE2eTest : public LeadExchangeSuite {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(StartHub()); }

  client::ClientOptions OptionsFor(const std::string& name) const {
    return SdkOptions(*hub_, *pki_, name);
  }

  std::unique_ptr<client::ExchangeClient> Sdk(const std::string& name) const {
    auto connected = client::ConnectExchangeClient(OptionsFor(name));
    EXPECT_TRUE(connected.ok()) << connected.status();
    return connected.ok() ? *std::move(connected) : nullptr;
  }

  // `agency`'s ledger through a new SDK client.
  absl::StatusOr<client::SupervisionLedgerPage> Ledger(
      const std::string& agency,
      const client::SupervisionLedgerQuery& query = {}) const {
    std::unique_ptr<client::ExchangeClient> sdk = Sdk(agency);
    if (sdk == nullptr) return absl::InternalError("no SDK client");
    return sdk->ListSupervisedReferrals(query);
  }

  std::unique_ptr<client::AdminClient> Admin() const {
    auto connected = client::ConnectAdminClient(OptionsFor(kAdmin));
    EXPECT_TRUE(connected.ok()) << connected.status();
    return connected.ok() ? *std::move(connected) : nullptr;
  }

  // Reminds `id` as `agency` through the SDK at `level`.
  void Remind(const std::string& agency, const std::string& id,
              client::SupervisionLevel level, absl::string_view text) {
    std::unique_ptr<client::ExchangeClient> sdk = Sdk(agency);
    ASSERT_NE(sdk, nullptr);
    client::RemindParams params;
    params.referral_id = id;
    params.text = std::string(text);
    params.level = level;
    absl::StatusOr<client::Referral> reminded = sdk->Remind(params);
    ASSERT_TRUE(reminded.ok()) << reminded.status();
    EXPECT_EQ(reminded->supervision_level, level);
  }

  // The three leads, the first urged by its sender, the second listed by
  // the commission.
  void SendAndPress() {
    urged_id_ = inspection_->Submit(kOrganization,
                                    LeadAbout(kUrgedSubject, kUrgedUnit));
    listed_id_ = inspection_->Submit(kOrganization,
                                     LeadAbout(kListedSubject, kListedUnit));
    quiet_id_ =
        inspection_->Submit(kOrganization, LeadAbout(kQuietSubject, ""));
    ASSERT_FALSE(urged_id_.empty());
    ASSERT_FALSE(listed_id_.empty());
    ASSERT_FALSE(quiet_id_.empty());
    reminded_after_ = absl::Now() - absl::Seconds(1);
    ASSERT_NO_FATAL_FAILURE(Remind(kInspection, urged_id_,
                                   client::SupervisionLevel::kUrge,
                                   "请于3日内签收并反馈办理计划"));
    ASSERT_NO_FATAL_FAILURE(Remind(kCommission, listed_id_,
                                   client::SupervisionLevel::kListed,
                                   "列入市纪委监委挂牌督办事项，请限期办结"));
  }

  // The ledger as the scenario leaves it: by recipient, oldest first.
  std::vector<Entry> Expected() const {
    return {{urged_id_, kOrganization, client::SupervisionLevel::kUrge,
             kUrgedSubject, kUrgedUnit, kInspection},
            {listed_id_, kOrganization, client::SupervisionLevel::kListed,
             kListedSubject, kListedUnit, kCommission}};
  }

  // The organization department's conditions in the administrator's counts.
  void ExpectOrganizationCounts() {
    std::unique_ptr<client::AdminClient> admin = Admin();
    ASSERT_NE(admin, nullptr);
    absl::StatusOr<client::TransferCounts> counts = admin->GetTransferCounts();
    ASSERT_TRUE(counts.ok()) << counts.status();
    const client::RecipientConditions* organization = nullptr;
    for (const client::RecipientConditions& entry : counts->by_recipient) {
      EXPECT_EQ(entry.agency_id, kOrganization)
          << "only the organization department holds pressed referrals";
      if (entry.agency_id == kOrganization) organization = &entry;
    }
    ASSERT_NE(organization, nullptr);
    EXPECT_EQ(organization->urged, 1u);
    EXPECT_EQ(organization->supervised, 0u);
    EXPECT_EQ(organization->listed, 1u);
    EXPECT_EQ(organization->overdue, 0u);
    EXPECT_EQ(organization->blue_warnings + organization->yellow_warnings +
                  organization->red_warnings,
              0u);
  }

  std::string urged_id_;
  std::string listed_id_;
  std::string quiet_id_;
  absl::Time reminded_after_;
};

TEST_F(SupervisionLedgerE2eTest, TheSupervisorSeesWhatIsPressedWithSubjects) {
  ASSERT_NO_FATAL_FAILURE(SendAndPress());
  std::unique_ptr<client::ExchangeClient> commission = Sdk(kCommission);
  ASSERT_NE(commission, nullptr);

  absl::StatusOr<client::SupervisionLedgerPage> ledger =
      commission->ListSupervisedReferrals({});
  ASSERT_TRUE(ledger.ok()) << ledger.status();
  EXPECT_EQ(EntriesOf(*ledger), Expected());
  EXPECT_EQ(ledger->next_page_token, "");
  for (const client::SupervisedReferral& referral : ledger->referrals) {
    EXPECT_EQ(referral.transfer.sender_agency_id, kInspection);
    EXPECT_EQ(referral.transfer.state, client::ReferralState::kSubmitted);
    EXPECT_EQ(referral.transfer.reminder_count, 1u);
    EXPECT_FALSE(referral.transfer.accept_overdue);
    EXPECT_EQ(referral.transfer.warning_level, client::WarningLevel::kNone);
    EXPECT_GE(referral.last_reminded_at, reminded_after_);
    EXPECT_LE(referral.last_reminded_at, absl::Now() + absl::Seconds(1));
  }

  // Filters: by condition (any of those given), by recipient.
  auto ids = [&](client::SupervisionLedgerQuery query) {
    absl::StatusOr<client::SupervisionLedgerPage> page =
        commission->ListSupervisedReferrals(query);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? IdsOf(*page) : std::vector<std::string>{"error"};
  };
  client::SupervisionLedgerQuery listed;
  listed.conditions = {client::SupervisedCondition::kListed};
  EXPECT_EQ(ids(listed), std::vector<std::string>{listed_id_});
  client::SupervisionLedgerQuery pressed;
  pressed.conditions = {client::SupervisedCondition::kPressed};
  EXPECT_EQ(ids(pressed), (std::vector<std::string>{urged_id_, listed_id_}));
  client::SupervisionLedgerQuery overdue_or_warned;
  overdue_or_warned.conditions = {client::SupervisedCondition::kOverdue,
                                  client::SupervisedCondition::kWarned};
  EXPECT_EQ(ids(overdue_or_warned), std::vector<std::string>{});
  client::SupervisionLedgerQuery organization;
  organization.recipient_agency_id = kOrganization;
  EXPECT_EQ(ids(organization),
            (std::vector<std::string>{urged_id_, listed_id_}));
  client::SupervisionLedgerQuery inspection;
  inspection.recipient_agency_id = kInspection;
  EXPECT_EQ(ids(inspection), std::vector<std::string>{});

  // Page by page.
  client::SupervisionLedgerQuery first;
  first.page_size = 1;
  absl::StatusOr<client::SupervisionLedgerPage> page =
      commission->ListSupervisedReferrals(first);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(IdsOf(*page), std::vector<std::string>{urged_id_});
  ASSERT_NE(page->next_page_token, "");
  first.page_token = page->next_page_token;
  page = commission->ListSupervisedReferrals(first);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(IdsOf(*page), std::vector<std::string>{listed_id_});

  // What the hub refuses.
  client::SupervisionLedgerQuery unknown;
  unknown.recipient_agency_id = "no-such-agency";
  EXPECT_EQ(commission->ListSupervisedReferrals(unknown).status().code(),
            absl::StatusCode::kNotFound);
  client::SupervisionLedgerQuery torn;
  torn.page_token = "not hex";
  EXPECT_EQ(commission->ListSupervisedReferrals(torn).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(SupervisionLedgerE2eTest, OnlyASupervisingAgencyMayReadTheLedger) {
  ASSERT_NO_FATAL_FAILURE(SendAndPress());
  for (const char* agency : {kInspection, kOrganization}) {
    const absl::Status refused = Ledger(agency).status();
    EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied)
        << agency << ": " << refused;
    EXPECT_NE(refused.message().find("supervisor: true"),
              absl::string_view::npos)
        << agency << ": " << refused;
    // Nothing of the ledger in the refusal.
    EXPECT_EQ(refused.message().find(kListedSubject), absl::string_view::npos)
        << refused;
  }
}

TEST_F(SupervisionLedgerE2eTest, TheLedgerAndTheCountsSurviveAKill9) {
  ASSERT_NO_FATAL_FAILURE(SendAndPress());
  absl::StatusOr<client::SupervisionLedgerPage> before = Ledger(kCommission);
  ASSERT_TRUE(before.ok()) << before.status();
  ASSERT_EQ(EntriesOf(*before), Expected());
  ASSERT_NO_FATAL_FAILURE(ExpectOrganizationCounts());

  hub_->Kill();
  const absl::Status started = hub_->Start();
  ASSERT_TRUE(started.ok()) << started;
  Connect();

  absl::StatusOr<client::SupervisionLedgerPage> after = Ledger(kCommission);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(EntriesOf(*after), Expected());
  ASSERT_EQ(after->referrals.size(), before->referrals.size());
  for (size_t i = 0; i < after->referrals.size(); ++i) {
    EXPECT_EQ(after->referrals[i].last_reminded_at,
              before->referrals[i].last_reminded_at);
    EXPECT_EQ(after->referrals[i].transfer.version,
              before->referrals[i].transfer.version);
  }
  ASSERT_NO_FATAL_FAILURE(ExpectOrganizationCounts());
  // Still the commission's alone.
  EXPECT_EQ(Ledger(kInspection).status().code(),
            absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace sx::testing
