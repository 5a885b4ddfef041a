#include "server/core/statistics_counting.h"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "supervision/v1/statistics.pb.h"
#include "sx/core/timestamps.h"
#include "sx/storage/store.h"
#include "tests/support/temp_dir.h"

namespace sx::core {

namespace v1 = ::supervision::v1;
namespace {

using Figures = std::vector<std::pair<std::string, int64_t>>;

v1::Event EventOf(v1::EventType type) {
  v1::Event event;
  event.set_type(type);
  return event;
}

v1::Referral ReferralOf(v1::ReferralKind kind) {
  v1::Referral referral;
  referral.set_referral_id("test-hub-0000000001");
  referral.set_kind(kind);
  referral.set_sender_agency_id("stationed-education");
  referral.set_recipient_agency_id("discipline-commission");
  return referral;
}

// Figures as "name=value" in the order given, for readable mismatches.
std::string Text(const Figures& figures) {
  return absl::StrJoin(figures, " ", [](std::string* out, const auto& figure) {
    absl::StrAppend(out, figure.first, "=", figure.second);
  });
}

// Case 6 of docs/CASES.md: what the big-data leads came to (36 立案, 37 处分).
v1::FeedbackOutcome CaseSixOutcome() {
  v1::FeedbackOutcome outcome;
  outcome.set_persons_case_filed(36);
  outcome.set_persons_disciplined(37);
  outcome.set_amount_recovered_fen(156'240'000);
  return outcome;
}

TEST(FiguresOfTest, EachEventTypeCountsItsFigures) {
  const v1::Referral lead = ReferralOf(v1::REFERRAL_KIND_LEAD);
  auto figures = [&](v1::EventType type) {
    return Text(FiguresOf(EventOf(type), lead));
  };
  // `referrals` is the sum of the kinds, added up when read.
  EXPECT_EQ(figures(v1::EVENT_TYPE_SUBMITTED), "leads=1");
  EXPECT_EQ(figures(v1::EVENT_TYPE_DELIVERED), "delivered=1");
  EXPECT_EQ(figures(v1::EVENT_TYPE_ACCEPTED), "accepted=1");
  EXPECT_EQ(figures(v1::EVENT_TYPE_RETURNED), "returned=1");
  // 转办 is a way of disposing of it too.
  EXPECT_EQ(figures(v1::EVENT_TYPE_REROUTED), "rerouted=1 transferred=1");
  EXPECT_EQ(figures(v1::EVENT_TYPE_CLOSED), "closed=1");
  EXPECT_EQ(figures(v1::EVENT_TYPE_FEEDBACK_REJECTED), "feedback_rejected=1");
  EXPECT_EQ(figures(v1::EVENT_TYPE_WITHDRAWN), "withdrawn=1");
  EXPECT_EQ(figures(v1::EVENT_TYPE_REMINDED), "reminders=1");
  // Without feedback there is no outcome to add.
  EXPECT_EQ(figures(v1::EVENT_TYPE_FINAL_FEEDBACK), "fed_back=1");
  // Steps that count nowhere.
  EXPECT_EQ(figures(v1::EVENT_TYPE_INTERIM_FEEDBACK), "");
  EXPECT_EQ(figures(v1::EVENT_TYPE_LOG_RESTORED), "");
  EXPECT_EQ(figures(v1::EVENT_TYPE_RECTIFICATION_REPORTED), "");
  EXPECT_EQ(figures(v1::EVENT_TYPE_UNSPECIFIED), "");

  v1::Event overdue = EventOf(v1::EVENT_TYPE_OVERDUE);
  overdue.set_reason("accept");
  EXPECT_EQ(Text(FiguresOf(overdue, lead)), "accept_overdue=1");
  overdue.set_reason("feedback");
  EXPECT_EQ(Text(FiguresOf(overdue, lead)), "feedback_overdue=1");
}

// 督办 escalates: every reminder counts, 督办 and 挂牌督办 also by level;
// warnings by colour; a delegation once.
TEST(FiguresOfTest, PressureCountsByLevel) {
  const v1::Referral lead = ReferralOf(v1::REFERRAL_KIND_LEAD);
  const std::pair<v1::SupervisionLevel, const char*> kLevels[] = {
      {v1::SUPERVISION_LEVEL_URGE, "reminders=1"},
      {v1::SUPERVISION_LEVEL_SUPERVISE, "reminders=1 supervised=1"},
      {v1::SUPERVISION_LEVEL_LISTED, "reminders=1 listed_supervision=1"},
  };
  for (const auto& [level, expected] : kLevels) {
    v1::Event reminded = EventOf(v1::EVENT_TYPE_REMINDED);
    reminded.set_supervision_level(level);
    EXPECT_EQ(Text(FiguresOf(reminded, lead)), expected)
        << v1::SupervisionLevel_Name(level);
  }
  v1::Event warning = EventOf(v1::EVENT_TYPE_DEADLINE_WARNING);
  warning.set_warning_level(v1::WARNING_LEVEL_BLUE);
  EXPECT_EQ(Text(FiguresOf(warning, lead)), "blue_warnings=1");
  warning.set_warning_level(v1::WARNING_LEVEL_YELLOW);
  EXPECT_EQ(Text(FiguresOf(warning, lead)), "yellow_warnings=1");
  EXPECT_EQ(Text(FiguresOf(EventOf(v1::EVENT_TYPE_DELEGATED), lead)),
            "delegated=1");
}

TEST(FiguresOfTest, ASubmissionCountsItsKindAndItsItems) {
  v1::Event submitted = EventOf(v1::EVENT_TYPE_SUBMITTED);
  EXPECT_EQ(
      Text(FiguresOf(submitted, ReferralOf(v1::REFERRAL_KIND_AUDIT_FINDING))),
      "audit_findings=1");
  EXPECT_EQ(
      Text(FiguresOf(submitted, ReferralOf(v1::REFERRAL_KIND_UNSPECIFIED))),
      "");
  for (uint32_t number : {1u, 2u, 3u}) submitted.add_item_numbers(number);
  EXPECT_EQ(
      Text(FiguresOf(submitted, ReferralOf(v1::REFERRAL_KIND_PROBLEM_LIST))),
      "problem_lists=1 items_added=3");
}

TEST(FiguresOfTest, LedgerStepsCountTheirItems) {
  const v1::Referral list = ReferralOf(v1::REFERRAL_KIND_PROBLEM_LIST);
  const std::pair<v1::EventType, const char*> kSteps[] = {
      {v1::EVENT_TYPE_RECTIFICATION_ITEMS_ADDED, "items_added=2"},
      {v1::EVENT_TYPE_RECTIFICATION_VERIFIED, "items_verified=2"},
      {v1::EVENT_TYPE_RECTIFICATION_REJECTED, "items_rejected=2"},
      {v1::EVENT_TYPE_RECTIFICATION_OVERDUE, "items_overdue=2"},
  };
  for (const auto& [type, expected] : kSteps) {
    v1::Event event = EventOf(type);
    event.add_item_numbers(4);
    event.add_item_numbers(7);
    EXPECT_EQ(Text(FiguresOf(event, list)), expected)
        << v1::EventType_Name(type);
  }
}

TEST(FiguresOfTest, EachDispositionMethodHasItsFigure) {
  const v1::Referral lead = ReferralOf(v1::REFERRAL_KIND_LEAD);
  const std::pair<v1::DispositionMethod, const char*> kMethods[] = {
      {v1::DISPOSITION_METHOD_TALK_OR_INQUIRY, "talk_or_inquiry=1"},
      {v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION,
       "preliminary_verification=1"},
      {v1::DISPOSITION_METHOD_KEPT_PENDING, "kept_pending=1"},
      {v1::DISPOSITION_METHOD_CLOSED_WITHOUT_ACTION, "closed_without_action=1"},
      {v1::DISPOSITION_METHOD_CASE_FILED, "case_filed=1"},
      {v1::DISPOSITION_METHOD_TRANSFER, "transferred=1"},
      {v1::DISPOSITION_METHOD_UNSPECIFIED, ""},
  };
  for (const auto& [method, expected] : kMethods) {
    v1::Event event = EventOf(v1::EVENT_TYPE_DISPOSITION_RECORDED);
    event.set_disposition(method);
    EXPECT_EQ(Text(FiguresOf(event, lead)), expected)
        << v1::DispositionMethod_Name(method);
  }
}

TEST(FiguresOfTest, FinalFeedbackAddsTheOutcomeOfTheLastFeedback) {
  v1::Referral lead = ReferralOf(v1::REFERRAL_KIND_LEAD);
  v1::Feedback* interim = lead.add_feedback();
  interim->set_kind(v1::FEEDBACK_KIND_INTERIM);
  interim->set_text("已对其中30条线索完成初核");
  v1::Feedback* final_feedback = lead.add_feedback();
  final_feedback->set_kind(v1::FEEDBACK_KIND_FINAL);
  final_feedback->set_text("立案36人，给予党纪政务处分37人");
  *final_feedback->mutable_outcome() = CaseSixOutcome();
  // The outcome counts when the sender closes, not when it is reported:
  // feedback sent back (退回补充) and sent again must not count twice.
  EXPECT_EQ(Text(FiguresOf(EventOf(v1::EVENT_TYPE_FINAL_FEEDBACK), lead)),
            "fed_back=1");
  // Zero figures are left out.
  EXPECT_EQ(Text(FiguresOf(EventOf(v1::EVENT_TYPE_CLOSED), lead)),
            "closed=1 persons_case_filed=36 persons_disciplined=37 "
            "amount_recovered_fen=156240000");
  v1::FeedbackOutcome every;
  every.set_persons_case_filed(1);
  every.set_persons_disciplined(2);
  every.set_persons_organisational_measures(3);
  every.set_persons_transferred_judicial(4);
  every.set_amount_recovered_fen(5);
  every.set_problems_rectified(6);
  *final_feedback->mutable_outcome() = every;
  EXPECT_EQ(Text(FiguresOf(EventOf(v1::EVENT_TYPE_CLOSED), lead)),
            "closed=1 persons_case_filed=1 persons_disciplined=2 "
            "persons_organisational_measures=3 persons_transferred_judicial=4 "
            "amount_recovered_fen=5 problems_rectified=6");
  // Only 销号 adds outcomes.
  EXPECT_EQ(Text(FiguresOf(EventOf(v1::EVENT_TYPE_FINAL_FEEDBACK), lead)),
            "fed_back=1");
}

// Figures are counter names and must name SideFigures fields: a figure
// that names none would be counted and never reported.
TEST(FiguresOfTest, EveryFigureNamesASideFiguresField) {
  v1::Referral lead = ReferralOf(v1::REFERRAL_KIND_PROBLEM_LIST);
  v1::FeedbackOutcome every;
  every.set_persons_case_filed(1);
  every.set_persons_disciplined(1);
  every.set_persons_organisational_measures(1);
  every.set_persons_transferred_judicial(1);
  every.set_amount_recovered_fen(1);
  every.set_problems_rectified(1);
  *lead.add_feedback()->mutable_outcome() = every;
  std::vector<v1::Event> events;
  for (int type = v1::EventType_MIN; type <= v1::EventType_MAX; ++type) {
    v1::Event event = EventOf(static_cast<v1::EventType>(type));
    event.add_item_numbers(1);
    event.set_reason(type % 2 == 0 ? "accept" : "feedback");
    events.push_back(event);
  }
  for (int method = v1::DispositionMethod_MIN;
       method <= v1::DispositionMethod_MAX; ++method) {
    v1::Event event = EventOf(v1::EVENT_TYPE_DISPOSITION_RECORDED);
    event.set_disposition(static_cast<v1::DispositionMethod>(method));
    events.push_back(event);
  }
  for (const auto& kind :
       {v1::REFERRAL_KIND_LEAD, v1::REFERRAL_KIND_AUDIT_FINDING,
        v1::REFERRAL_KIND_PROBLEM_LIST}) {
    lead.set_kind(kind);
    for (const v1::Event& event : events) {
      for (const auto& [figure, value] : FiguresOf(event, lead)) {
        const google::protobuf::FieldDescriptor* field =
            v1::SideFigures::descriptor()->FindFieldByName(figure);
        ASSERT_NE(field, nullptr) << figure;
        EXPECT_EQ(field->cpp_type(),
                  google::protobuf::FieldDescriptor::CPPTYPE_UINT64)
            << figure;
        EXPECT_GT(value, 0) << figure;
      }
    }
  }
}

TEST(ReportingDayTest, DaysAreThoseOfChinaStandardTime) {
  auto utc = [](int y, int m, int d, int hh, int mm, int ss) {
    return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss),
                           absl::UTCTimeZone());
  };
  // 23:59 UTC is 07:59 the next morning in Beijing.
  EXPECT_EQ(ReportingDay(utc(2026, 3, 14, 23, 59, 0)),
            absl::CivilDay(2026, 3, 15));
  EXPECT_EQ(ReportingDay(utc(2026, 3, 14, 15, 59, 59)),
            absl::CivilDay(2026, 3, 14));
  EXPECT_EQ(ReportingDay(utc(2026, 3, 14, 16, 0, 0)),
            absl::CivilDay(2026, 3, 15));
  EXPECT_EQ(ReportingDay(utc(2026, 3, 14, 0, 0, 0)),
            absl::CivilDay(2026, 3, 14));
  // Across a month and a year.
  EXPECT_EQ(ReportingDay(utc(2026, 1, 31, 16, 30, 0)),
            absl::CivilDay(2026, 2, 1));
  EXPECT_EQ(ReportingDay(utc(2025, 12, 31, 20, 0, 0)),
            absl::CivilDay(2026, 1, 1));
  // A leap day.
  EXPECT_EQ(ReportingDay(utc(2024, 2, 28, 18, 0, 0)),
            absl::CivilDay(2024, 2, 29));
}

// Buckets as "M2026-02" and "D2026-01-15", in order.
std::string Text(const std::vector<CounterBucket>& buckets) {
  std::vector<std::string> names;
  for (const CounterBucket& bucket : buckets) {
    names.push_back(
        bucket.month
            ? absl::StrCat("M", absl::FormatCivilTime(
                                    absl::CivilMonth(bucket.first_day)))
            : absl::StrCat("D", absl::FormatCivilTime(bucket.first_day)));
  }
  return absl::StrJoin(names, " ");
}

std::string Days(absl::CivilDay from, absl::CivilDay to) {
  std::vector<std::string> names;
  for (absl::CivilDay day = from; day <= to; ++day) {
    names.push_back(absl::StrCat("D", absl::FormatCivilTime(day)));
  }
  return absl::StrJoin(names, " ");
}

TEST(BucketsCoveringTest, WholeMonthsWhereThePeriodHoldsThem) {
  using D = absl::CivilDay;
  // The first quarter: three months.
  EXPECT_EQ(Text(BucketsCovering(D(2026, 1, 1), D(2026, 3, 31))),
            "M2026-01 M2026-02 M2026-03");
  // Ragged ends: 17 days of January, February, 10 days of March.
  const std::vector<CounterBucket> ragged =
      BucketsCovering(D(2026, 1, 15), D(2026, 3, 10));
  EXPECT_EQ(ragged.size(), 28u);
  EXPECT_EQ(Text(ragged),
            absl::StrCat(Days(D(2026, 1, 15), D(2026, 1, 31)), " M2026-02 ",
                         Days(D(2026, 3, 1), D(2026, 3, 10))));
  // A leap February is whole only with its 29th.
  EXPECT_EQ(Text(BucketsCovering(D(2024, 2, 1), D(2024, 2, 29))), "M2024-02");
  EXPECT_EQ(BucketsCovering(D(2024, 2, 1), D(2024, 2, 28)).size(), 28u);
  EXPECT_EQ(Text(BucketsCovering(D(2023, 2, 1), D(2023, 2, 28))), "M2023-02");
  EXPECT_EQ(Text(BucketsCovering(D(2024, 1, 31), D(2024, 3, 1))),
            "D2024-01-31 M2024-02 D2024-03-01");
  // A year: twelve months.
  EXPECT_EQ(BucketsCovering(D(2025, 1, 1), D(2025, 12, 31)).size(), 12u);
  // A single day, two days across a year's end, nothing for a reversed
  // period.
  EXPECT_EQ(Text(BucketsCovering(D(2026, 5, 20), D(2026, 5, 20))),
            "D2026-05-20");
  EXPECT_EQ(Text(BucketsCovering(D(2025, 12, 31), D(2026, 1, 1))),
            "D2025-12-31 D2026-01-01");
  EXPECT_TRUE(BucketsCovering(D(2026, 5, 21), D(2026, 5, 20)).empty());
}

// Whatever the period, the buckets cover each of its days exactly once and
// nothing outside it.
TEST(BucketsCoveringTest, BucketsCoverEachDayOfThePeriodOnce) {
  const absl::CivilDay start(2023, 11, 20);
  for (int from_offset = 0; from_offset < 130; from_offset += 7) {
    for (int length = 0; length < 500; length += 23) {
      const absl::CivilDay from = start + from_offset;
      const absl::CivilDay to = from + length;
      std::vector<absl::CivilDay> covered;
      for (const CounterBucket& bucket : BucketsCovering(from, to)) {
        if (!bucket.month) {
          covered.push_back(bucket.first_day);
          continue;
        }
        EXPECT_EQ(bucket.first_day,
                  absl::CivilDay(absl::CivilMonth(bucket.first_day)));
        for (absl::CivilDay day = bucket.first_day;
             absl::CivilMonth(day) == absl::CivilMonth(bucket.first_day);
             ++day) {
          covered.push_back(day);
        }
      }
      ASSERT_EQ(covered.size(), static_cast<size_t>(length + 1))
          << from << ".." << to;
      for (size_t i = 0; i < covered.size(); ++i) {
        ASSERT_EQ(covered[i], from + static_cast<int>(i)) << from << ".." << to;
      }
    }
  }
}

TEST(CounterKeyTest, PrefixesNameTheBucketAndTheAgency) {
  const CounterBucket month{true, absl::CivilDay(2026, 2, 1)};
  const CounterBucket day{false, absl::CivilDay(2026, 2, 15)};
  EXPECT_EQ(BucketPrefix(month), std::string("M202602\0", 8));
  EXPECT_EQ(BucketPrefix(day), std::string("D20260215\0", 10));
  EXPECT_EQ(BucketPrefix(day, "inspection-office"),
            std::string("D20260215\0inspection-office\0", 28));
}

TEST(CounterKeyTest, AKeyParsesBackToItsParts) {
  const CounterBucket bucket{false, absl::CivilDay(2026, 2, 15)};
  for (const bool as_sender : {true, false}) {
    const std::string key = absl::StrCat(
        BucketPrefix(bucket, "discipline-commission"), as_sender ? "S" : "R",
        std::string(1, '\0'), "persons_disciplined");
    CounterKey parsed;
    ASSERT_TRUE(ParseCounterKey(key, &parsed));
    EXPECT_EQ(parsed.agency_id, "discipline-commission");
    EXPECT_EQ(parsed.as_sender, as_sender);
    EXPECT_EQ(parsed.figure, "persons_disciplined");
  }
  const std::string zero(1, '\0');
  for (const std::string& malformed :
       {std::string(), std::string("D20260215"),
        absl::StrCat("D20260215", zero, "agency", zero, "S"),
        absl::StrCat("D20260215", zero, zero, "S", zero, "accepted"),
        absl::StrCat("D20260215", zero, "agency", zero, "X", zero, "accepted"),
        absl::StrCat("D20260215", zero, "agency", zero, "S", zero),
        absl::StrCat("D20260215", zero, "agency", zero, "S", zero, "accepted",
                     zero, "more")}) {
    CounterKey parsed;
    EXPECT_FALSE(ParseCounterKey(malformed, &parsed))
        << absl::CEscape(malformed);
  }
}

// CountEvent in a real store: each figure lands in the day's and the
// month's counter of both parties, and adds up.
TEST(CountEventTest, BothPartiesCountInTheDayAndTheMonth) {
  sx::testing::TempDir dir;
  storage::RocksDbStoreOptions options;
  options.path = dir.Sub("db");
  auto store = storage::OpenRocksDbStore(options);
  ASSERT_TRUE(store.ok()) << store.status();

  v1::Referral lead = ReferralOf(v1::REFERRAL_KIND_LEAD);
  *lead.add_feedback()->mutable_outcome() = CaseSixOutcome();
  // 销号 counts the accepted outcome as well as itself.
  v1::Event event = EventOf(v1::EVENT_TYPE_CLOSED);
  // 20:00 UTC on 31 March: 1 April in Beijing.
  *event.mutable_time() = ToTimestamp(absl::FromCivil(
      absl::CivilSecond(2026, 3, 31, 20, 0, 0), absl::UTCTimeZone()));
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE((*store)
                    ->ApplyAndWait([&](storage::Transaction& txn) {
                      return CountEvent(txn, event, lead);
                    })
                    .ok());
  }

  auto counters = (*store)->ReadCounters("", "\xff", 1000);
  ASSERT_TRUE(counters.ok()) << counters.status();
  // 4 figures × (day, month) × (sender, recipient).
  ASSERT_EQ(counters->size(), 16u);
  for (const auto& [key, value] : *counters) {
    CounterKey parsed;
    ASSERT_TRUE(ParseCounterKey(key, &parsed)) << absl::CEscape(key);
    const absl::CivilDay april_1st(2026, 4, 1);
    const bool in_april = key.rfind(BucketPrefix({true, april_1st}), 0) == 0 ||
                          key.rfind(BucketPrefix({false, april_1st}), 0) == 0;
    EXPECT_TRUE(in_april) << absl::CEscape(key);
    EXPECT_EQ(parsed.agency_id, parsed.as_sender ? "stationed-education"
                                                 : "discipline-commission");
    const int64_t expected = parsed.figure == "closed"                ? 2
                             : parsed.figure == "persons_case_filed"  ? 72
                             : parsed.figure == "persons_disciplined" ? 74
                             : parsed.figure == "amount_recovered_fen"
                                 ? 312'480'000
                                 : -1;
    EXPECT_EQ(value, expected) << absl::CEscape(key);
  }
  // A figure-less event writes nothing.
  ASSERT_TRUE((*store)
                  ->ApplyAndWait([&](storage::Transaction& txn) {
                    return CountEvent(
                        txn, EventOf(v1::EVENT_TYPE_INTERIM_FEEDBACK), lead);
                  })
                  .ok());
  EXPECT_EQ((*store)->ReadCounters("", "\xff", 1000)->size(), 16u);
}

}  // namespace
}  // namespace sx::core
