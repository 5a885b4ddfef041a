// Drives referrals through an ExchangeCore the way agencies do, for the
// core's flow tests: submit a lead, take a step, remind, record a
// disposition and send final feedback, each as a named agency.
//
//   ExchangeFlow flow(*core);
//   const std::string id = flow.Submit(kStationedEducation, kOrganizationDept);
//   ASSERT_TRUE(flow.Step(kOrganizationDept, Action::kAccept, id).ok());
#pragma once

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "supervision/v1/exchange.pb.h"
#include "sx/core/exchange_core.h"
#include "sx/core/step_request.h"
#include "sx/core/testing/core_test_fixtures.h"

namespace sx::core {

class ExchangeFlow {
 public:
  using ReferralOr = absl::StatusOr<::supervision::v1::Referral>;

  explicit ExchangeFlow(ExchangeCore& core) : core_(core) {}

  // A normal lead (docs/CASES.md case 1) from `from` to `to`.
  std::string Submit(absl::string_view from, absl::string_view to) {
    ::supervision::v1::SubmitReferralRequest request;
    request.set_request_id(absl::StrCat("submit-", ++requests_));
    request.set_recipient_agency_id(std::string(to));
    request.set_kind(::supervision::v1::REFERRAL_KIND_LEAD);
    *request.mutable_lead() =
        LandReserveLead(::supervision::v1::URGENCY_NORMAL);
    ReferralOr submitted =
        Await<ReferralOr>([&](std::function<void(ReferralOr)> done) {
          core_.Submit(Agency(from), request, request.request_id(),
                       std::move(done));
        });
    EXPECT_TRUE(submitted.ok()) << submitted.status();
    return submitted.ok() ? submitted->referral_id() : "";
  }

  // `action` on `id` by `caller`; `fill` sets what the step carries.
  ReferralOr Step(absl::string_view caller, Action action,
                  const std::string& id,
                  const std::function<void(StepRequest&)>& fill = nullptr) {
    StepRequest step;
    step.action = action;
    step.referral_id = id;
    step.request_id = absl::StrCat("req-", ++requests_);
    step.request_fingerprint = step.request_id;
    step.method = step.request_id;
    if (fill) fill(step);
    return Await<ReferralOr>([&](std::function<void(ReferralOr)> done) {
      core_.TakeStep(Agency(caller), step, std::move(done));
    });
  }

  ReferralOr Remind(const std::string& id, absl::string_view caller,
                    ::supervision::v1::SupervisionLevel level) {
    return Step(caller, Action::kRemind, id, [level](StepRequest& step) {
      step.text = "请于3日内报告核查进展";
      step.supervision_level = level;
    });
  }

  ReferralOr Dispose(const std::string& id, absl::string_view by,
                     ::supervision::v1::DispositionMethod method) {
    return Step(by, Action::kDispose, id,
                [method](StepRequest& step) { step.disposition = method; });
  }

  ReferralOr Feedback(const std::string& id, absl::string_view from,
                      ::supervision::v1::FeedbackKind kind) {
    const Action action = kind == ::supervision::v1::FEEDBACK_KIND_FINAL
                              ? Action::kFinalFeedback
                              : Action::kInterimFeedback;
    return Step(from, action, id, [kind](StepRequest& step) {
      step.feedback.set_kind(kind);
      step.feedback.set_text("经初步核实，反映问题部分属实，已立案审查");
    });
  }

 private:
  ExchangeCore& core_;
  int requests_ = 0;
};

}  // namespace sx::core
