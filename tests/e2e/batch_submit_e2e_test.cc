// SubmitReferrals through the SDK's SubmitBatch against the real hub: each
// item is taken as SubmitReferral would take it (its own checks and result,
// one refused not refusing the others), a batch sent again with the same
// request ids returns the same referrals, and what the hub acknowledged
// survives a kill -9.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "sx/client/exchange_client.h"
#include "tests/e2e/lead_exchange_suite.h"
#include "tests/e2e/sdk_options.h"

namespace sx::testing {
namespace {

client::NewReferral LeadTo(const std::string& recipient,
                           const std::string& subject) {
  client::NewReferral referral;
  referral.recipient_agency_id = recipient;
  referral.kind = client::ReferralKind::kLead;
  referral.lead.subject = subject;
  referral.lead.subject_organization = "县自然资源局";
  referral.lead.category = "进一步了解关注类";
  referral.lead.summary = "巡察发现土地出让金未及时缴入国库";
  referral.lead.source = "巡察个别谈话";
  referral.lead.sensitivity = client::Sensitivity::kSensitive;
  referral.lead.urgency = client::Urgency::kNormal;
  return referral;
}

class BatchSubmitE2eTest : public LeadExchangeSuite {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StartHub([](std::string& config) {
      absl::StrReplaceAll({{"limits {", "limits {\n  max_batch_submits: 5"}},
                          &config);
    }));
  }

  std::unique_ptr<client::ExchangeClient> Sdk(const std::string& name) const {
    auto connected =
        client::ConnectExchangeClient(SdkOptions(*hub_, *pki_, name));
    EXPECT_TRUE(connected.ok()) << connected.status();
    return connected.ok() ? *std::move(connected) : nullptr;
  }
};

TEST_F(BatchSubmitE2eTest, EachItemStandsOnItsOwn) {
  std::unique_ptr<client::ExchangeClient> inspection = Sdk("inspection-office");
  ASSERT_NE(inspection, nullptr);
  std::vector<client::BatchSubmission> batch = {
      {LeadTo("discipline-commission", "县土地储备中心"), "batch-1"},
      {LeadTo("no-such-unit", "市住建局"), "batch-2"},
      // No route lets the inspection office send a lead to the audit bureau.
      {LeadTo("audit-bureau", "市审计局"), "batch-3"},
      {LeadTo("organization-dept", "某区委组织部"), "batch-4"},
  };
  batch[3].referral.lead.subject.clear();  // a required field missing
  absl::StatusOr<client::BatchResults> results = inspection->SubmitBatch(batch);
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_EQ(results->size(), 4u);
  ASSERT_TRUE((*results)[0].ok()) << (*results)[0].status();
  EXPECT_EQ((*results)[0]->state, client::ReferralState::kSubmitted);
  EXPECT_EQ((*results)[1].status().code(), absl::StatusCode::kNotFound)
      << (*results)[1].status();
  EXPECT_EQ((*results)[2].status().code(), absl::StatusCode::kPermissionDenied)
      << (*results)[2].status();
  EXPECT_EQ((*results)[3].status().code(), absl::StatusCode::kInvalidArgument)
      << (*results)[3].status();
  EXPECT_NE((*results)[3].status().message().find("subject"), std::string::npos)
      << (*results)[3].status();

  // The same batch again: the kept item returns its referral, not a second.
  absl::StatusOr<client::BatchResults> again = inspection->SubmitBatch(batch);
  ASSERT_TRUE(again.ok()) << again.status();
  ASSERT_TRUE((*again)[0].ok());
  EXPECT_EQ((*again)[0]->referral_id, (*results)[0]->referral_id);
  client::ListQuery sent;
  sent.role = client::PartyRole::kSender;
  absl::StatusOr<client::ReferralPage> page = inspection->List(sent);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->referrals.size(), 1u);
}

TEST_F(BatchSubmitE2eTest, TheBatchFailsAsAWholeOnlyForItsSize) {
  std::unique_ptr<client::ExchangeClient> inspection = Sdk("inspection-office");
  ASSERT_NE(inspection, nullptr);
  absl::StatusOr<client::BatchResults> empty = inspection->SubmitBatch({});
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<client::BatchSubmission> six;
  for (int i = 0; i < 6; ++i) {
    six.push_back({LeadTo("discipline-commission", absl::StrCat("单位", i)),
                   absl::StrCat("six-", i)});
  }
  absl::StatusOr<client::BatchResults> too_many = inspection->SubmitBatch(six);
  EXPECT_EQ(too_many.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(too_many.status().message().find("max_batch_submits"),
            std::string::npos)
      << too_many.status();
  client::ListQuery sent;
  sent.role = client::PartyRole::kSender;
  absl::StatusOr<client::ReferralPage> page = inspection->List(sent);
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->referrals.empty()) << "a refused batch keeps nothing";
}

TEST_F(BatchSubmitE2eTest, AcknowledgedItemsSurviveAKillNine) {
  std::vector<client::BatchSubmission> batch;
  for (int i = 0; i < 5; ++i) {
    batch.push_back({LeadTo("discipline-commission", absl::StrCat("单位", i)),
                     absl::StrCat("durable-", i)});
  }
  std::vector<std::string> ids;
  {
    std::unique_ptr<client::ExchangeClient> inspection =
        Sdk("inspection-office");
    ASSERT_NE(inspection, nullptr);
    absl::StatusOr<client::BatchResults> results =
        inspection->SubmitBatch(batch);
    ASSERT_TRUE(results.ok()) << results.status();
    for (const auto& result : *results) {
      ASSERT_TRUE(result.ok()) << result.status();
      ids.push_back(result->referral_id);
    }
  }
  hub_->Kill();
  ASSERT_TRUE(hub_->Start().ok());
  std::unique_ptr<client::ExchangeClient> commission =
      Sdk("discipline-commission");
  ASSERT_NE(commission, nullptr);
  for (const std::string& id : ids) {
    absl::StatusOr<client::Referral> referral = commission->Get(id);
    ASSERT_TRUE(referral.ok()) << id << ": " << referral.status();
    EXPECT_EQ(referral->lead.subject_organization, "县自然资源局");
  }
}

}  // namespace
}  // namespace sx::testing
