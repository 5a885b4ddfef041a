#include "bench/history_fill.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "supervision/v1/exchange.pb.h"
#include "sx/base/sha256.h"

namespace sx::bench {
namespace {

namespace v1 = ::supervision::v1;

struct Pair {
  const char* sender;
  const char* recipient;
  v1::ReferralKind kind;
};

// Routes of sx/core/testing/test_config.h, busiest first in rotation: most
// traffic goes to the discipline commission, as in docs/CASES.md (cases 1,
// 2, 4 and 6).
constexpr Pair kPairs[] = {
    {"inspection-office", "discipline-commission", v1::REFERRAL_KIND_LEAD},
    {"audit-bureau", "discipline-commission", v1::REFERRAL_KIND_AUDIT_FINDING},
    {"stationed-education", "discipline-commission", v1::REFERRAL_KIND_LEAD},
    {"stationed-education", "inspection-office", v1::REFERRAL_KIND_LEAD},
    {"discipline-commission", "stationed-education", v1::REFERRAL_KIND_LEAD},
    {"inspection-office", "organization-dept", v1::REFERRAL_KIND_PROBLEM_LIST},
    {"discipline-commission", "organization-dept", v1::REFERRAL_KIND_LEAD},
};
constexpr uint64_t kPairCount = sizeof(kPairs) / sizeof(kPairs[0]);

// One referral in this many goes on to 签收, 处置 and final feedback.
constexpr uint64_t kFollowedUpEvery = 10;

// 暂存待查 is left out: it pauses the lead instead of leading to feedback.
// The scale config lets a case be filed without a recorded 初步核实.
constexpr v1::DispositionMethod kMethods[] = {
    v1::DISPOSITION_METHOD_TALK_OR_INQUIRY,
    v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION,
    v1::DISPOSITION_METHOD_CLOSED_WITHOUT_ACTION,
    v1::DISPOSITION_METHOD_CASE_FILED,
};

core::Identity Agency(absl::string_view id) {
  return core::Identity{core::Identity::Kind::kAgency, std::string(id)};
}

// A small lead (about 200 bytes, no attachment) in the words of case 6 of
// docs/CASES.md: public-welfare jobs found by data analysis.
v1::Lead ScaleLead(uint64_t number) {
  v1::Lead lead;
  lead.set_subject(absl::StrCat("王某", number % 1000));
  lead.set_subject_organization(absl::StrCat("某镇", number % 37, "村委会"));
  lead.set_category("问题线索");
  lead.set_summary(
      absl::StrCat("大数据比对发现城乡公益岗人员冒名顶岗、虚报冒领补贴，涉及",
                   number % 9 + 1, "人"));
  lead.set_source("大数据分析");
  lead.set_sensitivity(v1::SENSITIVITY_ORDINARY);
  lead.set_urgency(number % 5 == 0 ? v1::URGENCY_FAST_TRACK
                                   : v1::URGENCY_NORMAL);
  return lead;
}

}  // namespace

HistoryFill::HistoryFill(core::ExchangeCore& exchange, core::FakeClock& clock,
                         int max_in_flight)
    : exchange_(exchange), clock_(clock), max_in_flight_(max_in_flight) {}

FillCounts HistoryFill::counts() const {
  absl::MutexLock lock(&mu_);
  return counts_;
}

absl::Status HistoryFill::Run(uint64_t first, uint64_t last, absl::Time from,
                              absl::Time to) {
  MoveClockTo(from);
  const absl::Duration span = to - from;
  const uint64_t total = last > first ? last - first : 1;
  uint64_t next = first;
  for (;;) {
    std::optional<FollowUp> step;
    {
      absl::MutexLock lock(&mu_);
      // Wait for room, or for the end: nothing to send and nothing out.
      auto can_go = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        if (!first_error_.ok()) return true;
        if (in_flight_ >= max_in_flight_) return false;
        return !ready_.empty() || next < last || in_flight_ == 0;
      };
      mu_.Await(absl::Condition(&can_go));
      if (!first_error_.ok()) {
        // Let what is out finish before reporting.
        mu_.Await(absl::Condition(
            +[](int* in_flight) { return *in_flight == 0; }, &in_flight_));
        return first_error_;
      }
      if (!ready_.empty()) {
        step = std::move(ready_.front());
        ready_.pop_front();
      } else if (next >= last) {
        break;  // in_flight_ == 0 and nothing ready: done
      }
      ++in_flight_;
    }
    // Steps first, so that a referral's loop closes soon after it starts.
    if (step.has_value()) {
      TakeStep(*std::move(step));
    } else {
      MoveClockTo(from + span * (static_cast<double>(next - first) /
                                 static_cast<double>(total)));
      Submit(next++);
    }
  }
  MoveClockTo(to);
  return absl::OkStatus();
}

void HistoryFill::Submit(uint64_t number) {
  const Pair& pair = kPairs[number % kPairCount];
  v1::SubmitReferralRequest request;
  request.set_request_id(absl::StrCat("scale-", number));
  request.set_recipient_agency_id(pair.recipient);
  request.set_kind(pair.kind);
  *request.mutable_lead() = ScaleLead(number);
  std::string fingerprint = Sha256(request.SerializeAsString());
  const std::string recipient = pair.recipient;
  exchange_.Submit(
      Agency(pair.sender), std::move(request), std::move(fingerprint),
      [this, number, recipient](absl::StatusOr<v1::Referral> referral) {
        std::optional<FollowUp> next;
        if (referral.ok() && number % kFollowedUpEvery == 0) {
          next = FollowUp{number, referral->referral_id(), recipient, 0};
        }
        {
          absl::MutexLock lock(&mu_);
          if (referral.ok()) ++counts_.referrals;
        }
        Finished(referral.status(), std::move(next));
      });
}

void HistoryFill::TakeStep(FollowUp follow_up) {
  core::StepRequest step;
  step.referral_id = follow_up.referral_id;
  step.request_id =
      absl::StrCat("scale-", follow_up.number, "-step-", follow_up.stage);
  switch (follow_up.stage) {
    case 0:
      step.action = core::Action::kAccept;
      step.method = "AcceptReferral";
      break;
    case 1:
      step.action = core::Action::kDispose;
      step.method = "RecordDisposition";
      step.disposition = kMethods[(follow_up.number / kFollowedUpEvery) %
                                  (sizeof(kMethods) / sizeof(kMethods[0]))];
      // What 予以了结 needs; the others record it too.
      step.handler = "承办人甲";
      step.approver = "组长乙";
      step.text = "经初步了解，反映问题不属实";
      break;
    default: {
      step.action = core::Action::kFinalFeedback;
      step.method = "SendFeedback";
      step.feedback.set_kind(v1::FEEDBACK_KIND_FINAL);
      step.feedback.set_text("经核查，反映问题基本属实，已追缴违规领取的补贴");
      v1::FeedbackOutcome& outcome = *step.feedback.mutable_outcome();
      outcome.set_persons_case_filed(follow_up.number % 3 == 0 ? 1 : 0);
      outcome.set_persons_disciplined(follow_up.number % 2 == 0 ? 1 : 0);
      outcome.set_amount_recovered_fen(
          static_cast<int64_t>(follow_up.number % 7 + 1) * 120000);
      outcome.set_problems_rectified(1);
      break;
    }
  }
  step.request_fingerprint =
      Sha256(absl::StrCat(step.method, "\n", step.request_id, "\n",
                          step.referral_id, "\n", follow_up.stage));
  const core::Identity recipient = Agency(follow_up.recipient);
  exchange_.TakeStep(recipient, std::move(step),
                     [this, follow_up](absl::StatusOr<v1::Referral> referral) {
                       std::optional<FollowUp> next;
                       if (referral.ok() && follow_up.stage < 2) {
                         next = follow_up;
                         ++next->stage;
                       }
                       {
                         absl::MutexLock lock(&mu_);
                         if (referral.ok()) ++counts_.steps;
                       }
                       Finished(referral.status(), std::move(next));
                     });
}

void HistoryFill::Finished(const absl::Status& status,
                           std::optional<FollowUp> next) {
  absl::MutexLock lock(&mu_);
  --in_flight_;
  if (!status.ok()) {
    if (first_error_.ok()) first_error_ = status;
    return;
  }
  if (next.has_value()) ready_.push_back(*std::move(next));
}

void HistoryFill::MoveClockTo(absl::Time time) {
  const absl::Duration ahead = time - clock_.Now();
  if (ahead > absl::ZeroDuration()) clock_.Advance(ahead);
}

}  // namespace sx::bench
