// Base of end-to-end suites whose tests play a lead from the inspection
// office to the discipline commission on a hub of their own, started on the
// example config as the test edits it (rules, intervals).
//
//   class MyE2eTest : public LeadExchangeSuite {};
//   TEST_F(MyE2eTest, Works) {
//     ASSERT_NO_FATAL_FAILURE(StartHub());
//     const std::string id = AcceptedLead(MyLead());
//   }
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "supervision/v1/referral.pb.h"
#include "tests/e2e/agency_client.h"
#include "tests/e2e/dev_pki_suite.h"
#include "tests/e2e/hub_process.h"

namespace sx::testing {

class LeadExchangeSuite : public DevPkiSuite {
 protected:
  // Starts the hub, with clients for the inspection office and the
  // commission. `edit_config` changes the example config's text first.
  void StartHub(std::function<void(std::string&)> edit_config = {}) {
    hub_ = std::make_unique<HubProcess>(*pki_, std::move(edit_config));
    const absl::Status started = hub_->Start();
    ASSERT_TRUE(started.ok()) << started;
    Connect();
  }

  // Fresh clients: after a hub restart, the first call on an old channel
  // may still fail on the connection the killed hub dropped.
  virtual void Connect() {
    inspection_ = std::make_unique<AgencyClient>(*hub_, "inspection-office");
    commission_ =
        std::make_unique<AgencyClient>(*hub_, "discipline-commission");
  }

  // `lead` from the inspection office, signed for (签收) by the commission.
  std::string AcceptedLead(const ::supervision::v1::Lead& lead) {
    const std::string id = inspection_->Submit(commission_->agency(), lead);
    EXPECT_FALSE(id.empty());
    const grpc::Status status = commission_->Accept(id);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return id;
  }

  std::unique_ptr<HubProcess> hub_;
  std::unique_ptr<AgencyClient> inspection_;
  std::unique_ptr<AgencyClient> commission_;
};

}  // namespace sx::testing
