// End-to-end tests of the statistics (statistics.proto) from the hub's own
// data: the real sxhub binary on loopback, real certificates from
// deploy/dev-pki.sh, plain generated stubs as clients. The scenario is case 6
// of docs/CASES.md: leads from a big-data check of public-welfare jobs sent
// to the commission, which came to 36 立案 and 37 处分; the figures the hub
// reports for it must be the same from either side, for whoever may see
// them, and after a kill -9.
//
// Days are China Standard Time's (UTC+8), so "today" here is computed in
// UTC+8 too, before and after the steps (a run across midnight spans two).
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "supervision/v1/exchange.grpc.pb.h"
#include "supervision/v1/statistics.grpc.pb.h"
#include "tests/e2e/dev_pki_suite.h"
#include "tests/e2e/hub_process.h"

namespace sx::testing {
namespace {

namespace v1 = ::supervision::v1;

// The example config's agencies, in config order. The stationed group plays
// the big-data source of case 6 (its route to the commission carries
// leads); the commission is a supervising agency (supervisor: true).
constexpr char kCommission[] = "discipline-commission";
constexpr char kInspection[] = "inspection-office";
constexpr char kOrganization[] = "organization-dept";
constexpr char kAudit[] = "audit-bureau";
constexpr char kStationed[] = "stationed-education";
constexpr char kHousing[] = "stationed-housing";
constexpr char kAdmin[] = "admin-ops";
constexpr char kAuditor[] = "auditor-audit";

const std::vector<std::string>& ConfiguredUnits() {
  static const std::vector<std::string> units = {
      kCommission, kInspection, kOrganization, kAudit, kStationed, kHousing};
  return units;
}

// The day `time` falls on in China Standard Time.
absl::CivilDay ChinaDay(absl::Time time) {
  return absl::ToCivilDay(time, absl::FixedTimeZone(8 * 60 * 60));
}

std::string Date(absl::CivilDay day) { return absl::FormatCivilTime(day); }

// Case 6 of docs/CASES.md: one batch of leads from the big-data check.
v1::Lead WelfareJobsLead(int batch) {
  v1::Lead lead;
  lead.set_subject(absl::StrCat("城乡公益性岗位补贴发放（第", batch, "批）"));
  lead.set_subject_organization("县人力资源和社会保障局");
  lead.set_category("大数据比对发现问题线索");
  lead.set_summary(
      "将城乡公益性岗位人员信息与财政供养、工商登记、死亡人口等数据比对，发现"
      "疑似违规领取公益岗补贴的问题线索");
  lead.set_source("大数据比对");
  lead.set_sensitivity(v1::SENSITIVITY_SENSITIVE);
  lead.set_urgency(v1::URGENCY_NORMAL);
  return lead;
}

// A small problem list (case 3 of docs/CASES.md), for a second pair.
v1::Lead InspectionFeedbackLead() {
  v1::Lead lead;
  lead.set_subject("市委组织部");
  lead.set_category("巡察反馈问题");
  lead.set_summary("巡察发现干部档案管理不规范等问题，请逐项整改、对账销号");
  lead.set_source("常规巡察");
  lead.set_sensitivity(v1::SENSITIVITY_ORDINARY);
  lead.set_urgency(v1::URGENCY_NORMAL);
  return lead;
}

v1::RectificationItemDraft Item(const std::string& problem) {
  v1::RectificationItemDraft item;
  item.set_category("落实新时代党的组织路线有差距");
  item.set_problem(problem);
  item.add_measures("开展专项审核");
  item.set_responsible_unit("干部档案室");
  return item;
}

// One side's figures in one line (zeros left out), so that a mismatch
// shows the whole difference.
std::string Figures(const v1::SideFigures& figures) {
  return figures.ShortDebugString();
}

// Adds every figure of `figures` to `into`.
void AddAll(v1::SideFigures& into, const v1::SideFigures& figures) {
  const google::protobuf::Descriptor* descriptor =
      v1::SideFigures::descriptor();
  const google::protobuf::Reflection* reflection = into.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = descriptor->field(i);
    reflection->SetUInt64(&into, field,
                          reflection->GetUInt64(into, field) +
                              reflection->GetUInt64(figures, field));
  }
}

std::vector<std::string> UnitIds(const v1::GetStatisticsResponse& response) {
  std::vector<std::string> ids;
  for (const v1::UnitFigures& unit : response.units()) {
    ids.push_back(unit.agency_id());
  }
  return ids;
}

// The figures of `agency_id` in `response`; empty if it is not listed.
v1::UnitFigures UnitOf(const v1::GetStatisticsResponse& response,
                       const std::string& agency_id) {
  for (const v1::UnitFigures& unit : response.units()) {
    if (unit.agency_id() == agency_id) return unit;
  }
  ADD_FAILURE() << agency_id << " is not listed";
  return v1::UnitFigures();
}

// Whether every figure of every listed unit, and the totals, are zero.
bool AllZero(const v1::GetStatisticsResponse& response) {
  for (const v1::UnitFigures& unit : response.units()) {
    if (unit.as_sender().ByteSizeLong() != 0 ||
        unit.as_recipient().ByteSizeLong() != 0) {
      return false;
    }
  }
  return response.totals().ByteSizeLong() == 0;
}

// One party's calls through its own certificate: the exchange steps that
// make the figures, and GetStatistics.
class Party {
 public:
  Party(const HubProcess& hub, const std::string& name)
      : name_(name),
        channel_(hub.Channel(name)),
        exchange_(v1::ExchangeService::NewStub(channel_)),
        statistics_(v1::StatisticsService::NewStub(channel_)) {}

  grpc::Status Statistics(const std::string& from, const std::string& to,
                          const std::string& agency_id,
                          v1::GetStatisticsResponse* out) {
    v1::GetStatisticsRequest request;
    request.set_from_date(from);
    request.set_to_date(to);
    request.set_agency_id(agency_id);
    return statistics_->GetStatistics(Context().get(), request, out);
  }

  // The figures of [from, to] for `agency_id`, which must be allowed.
  v1::GetStatisticsResponse StatisticsOk(const std::string& from,
                                         const std::string& to,
                                         const std::string& agency_id = "") {
    v1::GetStatisticsResponse response;
    grpc::Status status = Statistics(from, to, agency_id, &response);
    EXPECT_TRUE(status.ok()) << name_ << ": " << status.error_message();
    return response;
  }

  // Sends a lead (or, with items, a problem list); the referral id.
  std::string Submit(
      const std::string& recipient, const v1::Lead& lead,
      const std::vector<v1::RectificationItemDraft>& items = {}) {
    v1::SubmitReferralRequest request;
    request.set_request_id(NextRequestId());
    request.set_recipient_agency_id(recipient);
    request.set_kind(items.empty() ? v1::REFERRAL_KIND_LEAD
                                   : v1::REFERRAL_KIND_PROBLEM_LIST);
    *request.mutable_lead() = lead;
    for (const auto& item : items) *request.add_rectification_items() = item;
    v1::Referral referral;
    grpc::Status status =
        exchange_->SubmitReferral(Context().get(), request, &referral);
    EXPECT_TRUE(status.ok()) << name_ << ": " << status.error_message();
    return referral.referral_id();
  }

  // Takes delivery of everything in the inbox (a new referral becomes
  // DELIVERED).
  grpc::Status TakeDelivery() {
    v1::PeekInboxResponse inbox;
    v1::PeekInboxRequest peek;
    peek.set_page_size(500);
    grpc::Status status = exchange_->PeekInbox(Context().get(), peek, &inbox);
    if (!status.ok()) return status;
    v1::AckInboxRequest ack;
    for (const v1::InboxEntry& entry : inbox.entries()) {
      ack.add_sequences(entry.sequence());
    }
    v1::AckInboxResponse acknowledged;
    return exchange_->AckInbox(Context().get(), ack, &acknowledged);
  }

  grpc::Status Accept(const std::string& id) {
    v1::AcceptReferralRequest request;
    request.set_request_id(NextRequestId());
    request.set_referral_id(id);
    v1::Referral ignored;
    return exchange_->AcceptReferral(Context().get(), request, &ignored);
  }

  grpc::Status Dispose(const std::string& id, v1::DispositionMethod method) {
    v1::RecordDispositionRequest request;
    request.set_request_id(NextRequestId());
    request.set_referral_id(id);
    request.set_method(method);
    v1::Referral ignored;
    return exchange_->RecordDisposition(Context().get(), request, &ignored);
  }

  grpc::Status Feedback(
      const std::string& id, v1::FeedbackKind kind, const std::string& text,
      const v1::FeedbackOutcome& outcome = v1::FeedbackOutcome()) {
    v1::SendFeedbackRequest request;
    request.set_request_id(NextRequestId());
    request.set_referral_id(id);
    request.mutable_feedback()->set_kind(kind);
    request.mutable_feedback()->set_text(text);
    if (outcome.ByteSizeLong() > 0) {
      *request.mutable_feedback()->mutable_outcome() = outcome;
    }
    v1::Referral ignored;
    return exchange_->SendFeedback(Context().get(), request, &ignored);
  }

  grpc::Status Close(const std::string& id) {
    v1::CloseReferralRequest request;
    request.set_request_id(NextRequestId());
    request.set_referral_id(id);
    v1::Referral ignored;
    return exchange_->CloseReferral(Context().get(), request, &ignored);
  }

  grpc::Status Remind(const std::string& id) {
    v1::RemindReferralRequest request;
    request.set_request_id(NextRequestId());
    request.set_referral_id(id);
    request.set_text("请加快初核进度，于月底前反馈");
    v1::Referral ignored;
    return exchange_->RemindReferral(Context().get(), request, &ignored);
  }

 private:
  std::string NextRequestId() {
    static std::atomic<int> counter{0};
    return absl::StrCat(name_, "-statistics-", ++counter);
  }

  const std::string name_;
  const std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ExchangeService::Stub> exchange_;
  std::unique_ptr<v1::StatisticsService::Stub> statistics_;
};

class StatisticsE2eTest : public DevPkiSuite {
 protected:
  void SetUp() override {
    hub_ = std::make_unique<HubProcess>(*pki_);
    absl::Status started = hub_->Start();
    ASSERT_TRUE(started.ok()) << started;
    first_day_ = ChinaDay(absl::Now());
  }

  std::unique_ptr<Party> As(const std::string& name) {
    return std::make_unique<Party>(*hub_, name);
  }

  // The period from the test's start to now, in China Standard Time.
  std::string From() const { return Date(first_day_); }
  std::string To() const { return Date(ChinaDay(absl::Now())); }

  // Case 6 played on ten leads from the stationed group to the commission:
  // all taken delivery of, nine signed for, six 立案审查调查, two 谈话函询,
  // one 初步核实 still under way (and reminded), eight final feedbacks whose
  // outcomes sum to 36 立案 and 37 处分, all eight closed (销号: outcomes
  // count when the sender accepts them). Returns what
  // either side's figures must say.
  v1::SideFigures PlayCaseSix() {
    auto stationed = As(kStationed);
    auto commission = As(kCommission);
    std::vector<std::string> ids;
    for (int batch = 1; batch <= 10; ++batch) {
      ids.push_back(stationed->Submit(kCommission, WelfareJobsLead(batch)));
      EXPECT_FALSE(ids.back().empty());
    }
    auto ok = [](const grpc::Status& status) {
      EXPECT_TRUE(status.ok()) << status.error_message();
    };
    ok(commission->TakeDelivery());
    for (int i = 0; i < 9; ++i) ok(commission->Accept(ids[i]));
    // 立案 after 初步核实, as the disposition rules ask.
    for (int i = 0; i < 6; ++i) {
      ok(commission->Dispose(ids[i],
                             v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION));
      ok(commission->Dispose(ids[i], v1::DISPOSITION_METHOD_CASE_FILED));
    }
    ok(commission->Dispose(ids[6], v1::DISPOSITION_METHOD_TALK_OR_INQUIRY));
    ok(commission->Dispose(ids[7], v1::DISPOSITION_METHOD_TALK_OR_INQUIRY));
    ok(commission->Dispose(ids[8],
                           v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION));
    // Interim feedback carries no figures and counts nowhere.
    ok(commission->Feedback(ids[0], v1::FEEDBACK_KIND_INTERIM,
                            "已对本批线索完成初核"));
    for (int i = 0; i < 6; ++i) {
      v1::FeedbackOutcome outcome;
      outcome.set_persons_case_filed(6);
      outcome.set_persons_disciplined(i == 0 ? 7 : 6);
      outcome.set_amount_recovered_fen(26'040'000);  // 26.04万元
      ok(commission->Feedback(ids[i], v1::FEEDBACK_KIND_FINAL,
                              "本批线索已办结：立案6人，给予党纪政务处分",
                              outcome));
    }
    v1::FeedbackOutcome talked;
    talked.set_persons_organisational_measures(3);
    ok(commission->Feedback(ids[6], v1::FEEDBACK_KIND_FINAL,
                            "经谈话函询，对3人进行诫勉", talked));
    v1::FeedbackOutcome rectified;
    rectified.set_problems_rectified(4);
    ok(commission->Feedback(ids[7], v1::FEEDBACK_KIND_FINAL,
                            "经谈话函询，问题已督促整改", rectified));
    for (int i = 0; i < 8; ++i) ok(stationed->Close(ids[i]));
    ok(stationed->Remind(ids[8]));

    v1::SideFigures expected;
    expected.set_referrals(10);
    expected.set_leads(10);
    expected.set_delivered(10);
    expected.set_accepted(9);
    expected.set_fed_back(8);
    expected.set_closed(8);
    expected.set_reminders(1);
    expected.set_talk_or_inquiry(2);
    expected.set_preliminary_verification(7);
    expected.set_case_filed(6);
    expected.set_persons_case_filed(36);
    expected.set_persons_disciplined(37);
    expected.set_persons_organisational_measures(3);
    expected.set_amount_recovered_fen(156'240'000);  // 156.24万元
    expected.set_problems_rectified(4);
    return expected;
  }

  // A problem list with two items from the inspection office to the
  // organization department: another pair. Returns its figures.
  v1::SideFigures SendProblemList() {
    const std::string id = As(kInspection)
                               ->Submit(kOrganization, InspectionFeedbackLead(),
                                        {Item("干部人事档案审核把关不严"),
                                         Item("档案材料收集归档不及时")});
    EXPECT_FALSE(id.empty());
    v1::SideFigures expected;
    expected.set_referrals(1);
    expected.set_problem_lists(1);
    expected.set_items_added(2);
    return expected;
  }

  std::unique_ptr<HubProcess> hub_;
  absl::CivilDay first_day_;
};

// Case 6's figures: the commission's as recipient and the stationed group's
// as sender are the same, step for step and person for person; totals are
// the sum of what the listed units sent; a kill -9 changes nothing.
TEST_F(StatisticsE2eTest, CaseSixFiguresAgreeOnBothSidesAndSurviveAKill) {
  const v1::SideFigures case_six = PlayCaseSix();
  ASSERT_FALSE(HasFailure());
  const v1::SideFigures list = SendProblemList();
  ASSERT_FALSE(HasFailure());

  const v1::GetStatisticsResponse all = As(kAdmin)->StatisticsOk(From(), To());
  EXPECT_EQ(all.from_date(), From());
  EXPECT_EQ(all.to_date(), To());
  EXPECT_EQ(UnitIds(all), ConfiguredUnits());
  EXPECT_EQ(UnitOf(all, kCommission).display_name(), "市纪委监委");
  EXPECT_EQ(UnitOf(all, kStationed).display_name(), "驻市教育局纪检监察组");

  // Both sides of case 6, exactly.
  EXPECT_EQ(Figures(UnitOf(all, kCommission).as_recipient()),
            Figures(case_six));
  EXPECT_EQ(Figures(UnitOf(all, kStationed).as_sender()), Figures(case_six));
  EXPECT_EQ(UnitOf(all, kCommission).as_recipient().persons_case_filed(), 36u);
  EXPECT_EQ(UnitOf(all, kCommission).as_recipient().persons_disciplined(), 37u);
  EXPECT_EQ(Figures(UnitOf(all, kCommission).as_sender()), "");
  EXPECT_EQ(Figures(UnitOf(all, kStationed).as_recipient()), "");
  // The other pair, and the units that took no part.
  EXPECT_EQ(Figures(UnitOf(all, kInspection).as_sender()), Figures(list));
  EXPECT_EQ(Figures(UnitOf(all, kOrganization).as_recipient()), Figures(list));
  for (const char* idle : {kAudit, kHousing}) {
    EXPECT_EQ(Figures(UnitOf(all, idle).as_sender()), "") << idle;
    EXPECT_EQ(Figures(UnitOf(all, idle).as_recipient()), "") << idle;
  }

  // Totals: every referral once, the sum of the units' as_sender.
  v1::SideFigures sum;
  for (const v1::UnitFigures& unit : all.units()) {
    AddAll(sum, unit.as_sender());
  }
  EXPECT_EQ(Figures(all.totals()), Figures(sum));
  v1::SideFigures expected_totals = case_six;
  AddAll(expected_totals, list);
  EXPECT_EQ(Figures(all.totals()), Figures(expected_totals));
  EXPECT_EQ(all.totals().referrals(), 11u);

  // The auditor and the supervising commission see the same; the stationed
  // group sees its own line of it.
  EXPECT_EQ(As(kAuditor)->StatisticsOk(From(), To()).DebugString(),
            all.DebugString());
  EXPECT_EQ(As(kCommission)->StatisticsOk(From(), To()).DebugString(),
            all.DebugString());
  const v1::GetStatisticsResponse own =
      As(kStationed)->StatisticsOk(From(), To());
  EXPECT_EQ(UnitIds(own), std::vector<std::string>{kStationed});
  EXPECT_EQ(Figures(UnitOf(own, kStationed).as_sender()), Figures(case_six));
  EXPECT_EQ(Figures(own.totals()), Figures(case_six));

  // kill -9 and restart on the same data directory: the same figures.
  hub_->Kill();
  absl::Status started = hub_->Start();
  ASSERT_TRUE(started.ok()) << started;
  EXPECT_EQ(As(kAdmin)->StatisticsOk(From(), To()).DebugString(),
            all.DebugString());
  EXPECT_EQ(As(kStationed)->StatisticsOk(From(), To()).DebugString(),
            own.DebugString());
}

// Who sees which units: an agency that does not supervise sees only its own
// figures; the supervising commission, administrators and auditors see
// every configured unit, or any one of them.
TEST_F(StatisticsE2eTest, AnAgencySeesItsOwnFiguresAndSupervisorsSeeAll) {
  ASSERT_FALSE(As(kStationed)->Submit(kCommission, WelfareJobsLead(1)).empty());

  // The stationed group does not supervise: itself, asked for or not.
  auto stationed = As(kStationed);
  for (const std::string& agency_id :
       {std::string(), std::string(kStationed)}) {
    const v1::GetStatisticsResponse own =
        stationed->StatisticsOk(From(), To(), agency_id);
    EXPECT_EQ(UnitIds(own), std::vector<std::string>{kStationed})
        << "agency_id \"" << agency_id << "\"";
    EXPECT_EQ(UnitOf(own, kStationed).as_sender().referrals(), 1u);
    EXPECT_EQ(own.totals().referrals(), 1u);
  }
  // ...and nobody else, configured or not.
  for (const std::string& other :
       {std::string(kCommission), std::string(kHousing),
        std::string("no-such-agency")}) {
    v1::GetStatisticsResponse response;
    grpc::Status status = stationed->Statistics(From(), To(), other, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
        << other << ": " << status.error_message();
    EXPECT_EQ(response.units_size(), 0) << other;
  }
  // An agency with no figures gets its own line, all zeros.
  const v1::GetStatisticsResponse idle =
      As(kInspection)->StatisticsOk(From(), To());
  EXPECT_EQ(UnitIds(idle), std::vector<std::string>{kInspection});
  EXPECT_TRUE(AllZero(idle)) << idle.DebugString();

  // The supervising commission, the administrator and the auditor: every
  // configured unit in config order, or the one asked for; an unknown one
  // is NOT_FOUND.
  for (const char* name : {kCommission, kAdmin, kAuditor}) {
    auto party = As(name);
    const v1::GetStatisticsResponse every = party->StatisticsOk(From(), To());
    EXPECT_EQ(UnitIds(every), ConfiguredUnits()) << name;
    EXPECT_EQ(UnitOf(every, kCommission).as_recipient().referrals(), 1u)
        << name;
    EXPECT_EQ(every.totals().referrals(), 1u) << name;
    const v1::GetStatisticsResponse one =
        party->StatisticsOk(From(), To(), kStationed);
    EXPECT_EQ(UnitIds(one), std::vector<std::string>{kStationed}) << name;
    EXPECT_EQ(UnitOf(one, kStationed).as_sender().referrals(), 1u) << name;
    v1::GetStatisticsResponse response;
    grpc::Status status =
        party->Statistics(From(), To(), "no-such-agency", &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND)
        << name << ": " << status.error_message();
    EXPECT_NE(status.error_message().find("no-such-agency"), std::string::npos)
        << status.error_message();
  }
}

// Periods are whole days of China Standard Time: what happened today is
// in any period that holds today and in none before or after; dates that
// are not YYYY-MM-DD, a reversed period and one over ten years are refused.
TEST_F(StatisticsE2eTest, PeriodsAreDaysOfChinaStandardTime) {
  const v1::SideFigures case_six = PlayCaseSix();
  ASSERT_FALSE(HasFailure());
  const absl::CivilDay last_day = ChinaDay(absl::Now());
  auto admin = As(kAdmin);
  auto recipient_figures = [&](const std::string& from, const std::string& to) {
    return Figures(
        UnitOf(admin->StatisticsOk(from, to), kCommission).as_recipient());
  };

  // Periods that hold today: days, a month, a year (whole-month counters).
  EXPECT_EQ(recipient_figures(From(), Date(last_day)), Figures(case_six));
  EXPECT_EQ(recipient_figures(Date(first_day_ - 1), Date(last_day + 1)),
            Figures(case_six));
  const absl::CivilMonth month(first_day_);
  EXPECT_EQ(recipient_figures(Date(absl::CivilDay(month)),
                              Date(absl::CivilDay(month + 1) - 1)),
            Figures(case_six));
  const absl::CivilYear year(first_day_);
  EXPECT_EQ(recipient_figures(Date(absl::CivilDay(year)),
                              Date(absl::CivilDay(year + 1) - 1)),
            Figures(case_six));

  // Periods before and after: nothing, for anyone.
  const std::pair<std::string, std::string> kEmpty[] = {
      {"2020-01-01", Date(first_day_ - 1)},
      {Date(first_day_ - 1), Date(first_day_ - 1)},
      {Date(last_day + 1), Date(last_day + 40)},
  };
  for (const auto& [from, to] : kEmpty) {
    const v1::GetStatisticsResponse none = admin->StatisticsOk(from, to);
    EXPECT_EQ(UnitIds(none), ConfiguredUnits());
    EXPECT_TRUE(AllZero(none))
        << from << ".." << to << ": " << none.DebugString();
    EXPECT_EQ(none.from_date(), from);
    EXPECT_EQ(none.to_date(), to);
  }

  // Refused periods.
  const std::string today = Date(last_day);
  for (const std::string& bad :
       {std::string(""), std::string("2026-1-5"), std::string("2026/01/05"),
        std::string("20260105"), std::string("2026-13-01"),
        std::string("2026-01-32"), std::string("2026-02-30"),
        std::string(" 2026-01-05"), std::string("today")}) {
    for (bool as_from : {true, false}) {
      v1::GetStatisticsResponse response;
      grpc::Status status = admin->Statistics(
          as_from ? bad : today, as_from ? today : bad, "", &response);
      EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
          << (as_from ? "from_date" : "to_date") << " \"" << bad
          << "\": " << status.error_message();
      EXPECT_NE(status.error_message().find(as_from ? "from_date" : "to_date"),
                std::string::npos)
          << status.error_message();
    }
  }
  v1::GetStatisticsResponse response;
  grpc::Status status =
      admin->Statistics(today, Date(first_day_ - 1), "", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << "reversed: " << status.error_message();
  status = admin->Statistics("2015-01-01", "2026-12-31", "", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << "twelve years: " << status.error_message();
  // An agency's malformed request is refused the same way.
  status = As(kStationed)->Statistics("2026-02-30", today, "", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << status.error_message();
}

}  // namespace
}  // namespace sx::testing
