#include "server/core/statistics_counting.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "server/core/outcome_figures.h"

namespace sx::core {

namespace v1 = ::supervision::v1;
namespace {

constexpr char kSeparator = '\0';

std::string BucketName(const CounterBucket& bucket) {
  const absl::CivilDay day = bucket.first_day;
  return bucket.month ? absl::StrFormat("M%04d%02d", day.year(), day.month())
                      : absl::StrFormat("D%04d%02d%02d", day.year(),
                                        day.month(), day.day());
}

std::string CounterKeyFor(const CounterBucket& bucket,
                          absl::string_view agency_id, bool as_sender,
                          absl::string_view figure) {
  return absl::StrCat(BucketPrefix(bucket, agency_id), as_sender ? "S" : "R",
                      std::string(1, kSeparator), figure);
}

const char* KindFigure(v1::ReferralKind kind) {
  switch (kind) {
    case v1::REFERRAL_KIND_LEAD:
      return "leads";
    case v1::REFERRAL_KIND_PROBLEM_LIST:
      return "problem_lists";
    case v1::REFERRAL_KIND_AUDIT_FINDING:
      return "audit_findings";
    default:
      return nullptr;
  }
}

const char* DispositionFigure(v1::DispositionMethod method) {
  switch (method) {
    case v1::DISPOSITION_METHOD_TALK_OR_INQUIRY:
      return "talk_or_inquiry";
    case v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION:
      return "preliminary_verification";
    case v1::DISPOSITION_METHOD_KEPT_PENDING:
      return "kept_pending";
    case v1::DISPOSITION_METHOD_CLOSED_WITHOUT_ACTION:
      return "closed_without_action";
    case v1::DISPOSITION_METHOD_CASE_FILED:
      return "case_filed";
    case v1::DISPOSITION_METHOD_TRANSFER:
      return "transferred";
    default:
      return nullptr;
  }
}

void AddOutcome(const v1::Referral& referral,
                std::vector<std::pair<std::string, int64_t>>& figures) {
  if (referral.feedback().empty()) return;
  const v1::FeedbackOutcome& outcome = referral.feedback().rbegin()->outcome();
  for (auto& [figure, value] : OutcomeFigures(outcome)) {
    if (value > 0) figures.emplace_back(figure, value);
  }
}

}  // namespace

std::vector<std::pair<std::string, int64_t>> FiguresOf(
    const v1::Event& event, const v1::Referral& referral) {
  std::vector<std::pair<std::string, int64_t>> figures;
  auto one = [&figures](const char* figure) {
    if (figure != nullptr) figures.emplace_back(figure, 1);
  };
  const int64_t items = event.item_numbers_size();
  switch (event.type()) {
    case v1::EVENT_TYPE_SUBMITTED:
      // `referrals` is the sum of the kinds, added up when read: one
      // counter fewer on the busiest step.
      one(KindFigure(referral.kind()));
      if (items > 0) figures.emplace_back("items_added", items);
      break;
    case v1::EVENT_TYPE_DELIVERED:
      one("delivered");
      break;
    case v1::EVENT_TYPE_ACCEPTED:
      one("accepted");
      break;
    case v1::EVENT_TYPE_RETURNED:
      one("returned");
      break;
    case v1::EVENT_TYPE_REROUTED:
      one("rerouted");
      one("transferred");
      break;
    case v1::EVENT_TYPE_DISPOSITION_RECORDED:
      one(DispositionFigure(event.disposition()));
      break;
    case v1::EVENT_TYPE_FINAL_FEEDBACK:
      one("fed_back");
      break;
    case v1::EVENT_TYPE_CLOSED:
      one("closed");
      // The outcome counts once the sender accepts it: final feedback sent
      // back for more (退回补充) and sent again would otherwise count twice.
      AddOutcome(referral, figures);
      break;
    case v1::EVENT_TYPE_FEEDBACK_REJECTED:
      one("feedback_rejected");
      break;
    case v1::EVENT_TYPE_WITHDRAWN:
      one("withdrawn");
      break;
    case v1::EVENT_TYPE_REMINDED:
      one("reminders");
      if (event.supervision_level() == v1::SUPERVISION_LEVEL_SUPERVISE) {
        one("supervised");
      } else if (event.supervision_level() == v1::SUPERVISION_LEVEL_LISTED) {
        one("listed_supervision");
      }
      break;
    case v1::EVENT_TYPE_DEADLINE_WARNING:
      one(event.warning_level() == v1::WARNING_LEVEL_BLUE ? "blue_warnings"
                                                          : "yellow_warnings");
      break;
    case v1::EVENT_TYPE_DELEGATED:
      one("delegated");
      break;
    case v1::EVENT_TYPE_OVERDUE:
      one(event.reason() == "accept"   ? "accept_overdue"
          : event.reason() == "report" ? "report_overdue"
                                       : "feedback_overdue");
      break;
    case v1::EVENT_TYPE_RECTIFICATION_ITEMS_ADDED:
      figures.emplace_back("items_added", items);
      break;
    case v1::EVENT_TYPE_RECTIFICATION_VERIFIED:
      figures.emplace_back("items_verified", items);
      break;
    case v1::EVENT_TYPE_RECTIFICATION_REJECTED:
      figures.emplace_back("items_rejected", items);
      break;
    case v1::EVENT_TYPE_RECTIFICATION_OVERDUE:
      figures.emplace_back("items_overdue", items);
      break;
    default:
      break;  // interim feedback, restores: no figure
  }
  return figures;
}

absl::Status CountEvent(storage::Transaction& txn, const v1::Event& event,
                        const v1::Referral& referral) {
  const std::vector<std::pair<std::string, int64_t>> figures =
      FiguresOf(event, referral);
  if (figures.empty()) return absl::OkStatus();
  const absl::CivilDay day =
      ReportingDay(absl::FromUnixSeconds(event.time().seconds()));
  const CounterBucket buckets[] = {
      {true, absl::CivilDay(absl::CivilMonth(day))}, {false, day}};
  std::vector<std::pair<std::string, int64_t>> deltas;
  deltas.reserve(figures.size() * 4);
  for (const CounterBucket& bucket : buckets) {
    // Each key is a side's prefix plus a figure: build the prefixes once.
    const std::string sides[] = {
        CounterKeyFor(bucket, referral.sender_agency_id(), /*as_sender=*/true,
                      ""),
        CounterKeyFor(bucket, referral.recipient_agency_id(),
                      /*as_sender=*/false, "")};
    for (const std::string& side : sides) {
      for (const auto& [figure, delta] : figures) {
        deltas.emplace_back(absl::StrCat(side, figure), delta);
      }
    }
  }
  return txn.AddToCounters(deltas);
}

absl::CivilDay ReportingDay(absl::Time time) {
  static const absl::TimeZone kChinaStandardTime =
      absl::FixedTimeZone(8 * 60 * 60);
  return absl::ToCivilDay(time, kChinaStandardTime);
}

std::vector<CounterBucket> BucketsCovering(absl::CivilDay from,
                                           absl::CivilDay to) {
  std::vector<CounterBucket> buckets;
  for (absl::CivilDay day = from; day <= to;) {
    const absl::CivilDay month_start = absl::CivilDay(absl::CivilMonth(day));
    const absl::CivilDay month_end =
        absl::CivilDay(absl::CivilMonth(day) + 1) - 1;
    if (day == month_start && month_end <= to) {
      buckets.push_back({true, day});
      day = month_end + 1;
    } else {
      buckets.push_back({false, day});
      day += 1;
    }
  }
  return buckets;
}

std::string BucketPrefix(const CounterBucket& bucket,
                         absl::string_view agency_id) {
  std::string prefix =
      absl::StrCat(BucketName(bucket), std::string(1, kSeparator));
  if (!agency_id.empty()) {
    absl::StrAppend(&prefix, agency_id, std::string(1, kSeparator));
  }
  return prefix;
}

bool ParseCounterKey(absl::string_view key, CounterKey* parsed) {
  std::vector<absl::string_view> parts =
      absl::StrSplit(key, absl::ByChar(kSeparator));
  if (parts.size() != 4 || parts[1].empty() ||
      (parts[2] != "S" && parts[2] != "R") || parts[3].empty()) {
    return false;
  }
  parsed->agency_id = std::string(parts[1]);
  parsed->as_sender = parts[2] == "S";
  parsed->figure = std::string(parts[3]);
  return true;
}

}  // namespace sx::core
