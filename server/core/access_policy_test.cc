#include "sx/core/access_policy.h"

#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "sx/core/testing/test_config.h"

namespace sx::core {

namespace v1 = ::supervision::v1;
namespace {

class AccessPolicyTest : public ::testing::Test {
 protected:
  AccessPolicyTest() : config_(TestHubConfig()) {
    // 巡察办 fed a problem list back to 组织部 (case 9); 审计局 is an
    // observer because it sent the ancestor referral. 纪委监委 supervises but
    // is not a party.
    referral_.set_referral_id("test-hub-0000000007");
    referral_.set_kind(v1::REFERRAL_KIND_PROBLEM_LIST);
    referral_.set_sender_agency_id(kInspectionOffice);
    referral_.set_recipient_agency_id(kOrganizationDept);
    referral_.set_state(v1::REFERRAL_STATE_DELIVERED);
    referral_.add_observer_agency_ids(kAuditBureau);
  }

  std::shared_ptr<const HubConfig> config_;
  v1::Referral referral_;
};

TEST_F(AccessPolicyTest, EachIdentityKindUsesOnlyItsOwnService) {
  const Identity agency{Identity::Kind::kAgency, kInspectionOffice};
  const Identity admin{Identity::Kind::kAdmin, "ops"};
  const Identity auditor{Identity::Kind::kAuditor, "chain-auditor"};
  struct Case {
    const Identity& who;
    Service service;
    bool allowed;
  };
  const Case cases[] = {
      {agency, Service::kExchange, true},   {agency, Service::kAdmin, false},
      {agency, Service::kAudit, false},     {admin, Service::kExchange, false},
      {admin, Service::kAdmin, true},       {admin, Service::kAudit, false},
      {auditor, Service::kExchange, false}, {auditor, Service::kAdmin, false},
      {auditor, Service::kAudit, true},
  };
  for (const Case& c : cases) {
    absl::Status status = CheckServiceAccess(c.who, c.service);
    SCOPED_TRACE(
        absl::StrCat(c.who.name, " service ", static_cast<int>(c.service)));
    if (c.allowed) {
      EXPECT_TRUE(status.ok()) << status;
    } else {
      EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << status;
      EXPECT_TRUE(absl::StrContains(status.message(), c.who.name)) << status;
    }
  }
}

// WhoAmI is how any certificate checks its setup, so no kind is refused.
TEST_F(AccessPolicyTest, EveryIdentityKindUsesHubInfo) {
  for (const Identity& who :
       {Identity{Identity::Kind::kAgency, kInspectionOffice},
        Identity{Identity::Kind::kAgency, kDisciplineCommission},
        Identity{Identity::Kind::kAdmin, "ops"},
        Identity{Identity::Kind::kAuditor, "chain-auditor"}}) {
    const absl::Status status = CheckServiceAccess(who, Service::kHubInfo);
    EXPECT_TRUE(status.ok()) << who.name << ": " << status;
  }
}

// The caller is named as its certificate's URI names it
// (spiffe://<trust-domain>/admin/ops: admin "ops"), and told which
// certificate the service wants.
TEST_F(AccessPolicyTest, ServiceRefusalsNameTheCertificate) {
  EXPECT_EQ(CheckServiceAccess(Identity{Identity::Kind::kAdmin, "ops"},
                               Service::kExchange)
                .message(),
            "the exchange service is for agency certificates, and the "
            "caller's certificate names admin \"ops\"; call it with an "
            "agency's certificate");
  EXPECT_EQ(CheckServiceAccess(Identity{Identity::Kind::kAgency,
                                        kInspectionOffice},
                               Service::kAdmin)
                .message(),
            "the admin service is for admin certificates, and the caller's "
            "certificate names agency \"inspection-office\"; call it with an "
            "admin's certificate");
  EXPECT_EQ(CheckServiceAccess(
                Identity{Identity::Kind::kAdmin, "ops"}, Service::kAudit)
                .message(),
            "the audit service is for auditor certificates, and the caller's "
            "certificate names admin \"ops\"; call it with an auditor's "
            "certificate");
  EXPECT_TRUE(absl::StrContains(
      CheckServiceAccess(Identity{Identity::Kind::kAuditor, "chain-auditor"},
                         Service::kExchange)
          .message(),
      "names auditor \"chain-auditor\""));
}

TEST_F(AccessPolicyTest, PartyOfEachRelation) {
  EXPECT_EQ(PartyOf(*config_, kInspectionOffice, referral_), Party::kSender);
  EXPECT_EQ(PartyOf(*config_, kOrganizationDept, referral_), Party::kRecipient);
  EXPECT_EQ(PartyOf(*config_, kDisciplineCommission, referral_),
            Party::kSupervisor);
  EXPECT_EQ(PartyOf(*config_, kAuditBureau, referral_), Party::kObserver);
  EXPECT_EQ(PartyOf(*config_, kStationedEducation, referral_),
            Party::kStranger);
  EXPECT_EQ(PartyOf(*config_, "no-such-agency", referral_), Party::kStranger);
}

TEST_F(AccessPolicyTest, SupervisorThatIsAPartyActsAsThatParty) {
  referral_.set_recipient_agency_id(kDisciplineCommission);
  EXPECT_EQ(PartyOf(*config_, kDisciplineCommission, referral_),
            Party::kRecipient);
  referral_.set_sender_agency_id(kDisciplineCommission);
  referral_.set_recipient_agency_id(kOrganizationDept);
  EXPECT_EQ(PartyOf(*config_, kDisciplineCommission, referral_),
            Party::kSender);
}

TEST_F(AccessPolicyTest, SenderRecipientAndObserverMayRead) {
  for (const char* agency :
       {kInspectionOffice, kOrganizationDept, kAuditBureau}) {
    absl::Status status = CheckCanRead(*config_, agency, referral_);
    EXPECT_TRUE(status.ok()) << agency << ": " << status;
  }
}

TEST_F(AccessPolicyTest, SupervisorMayNotReadUnlessAParty) {
  absl::Status status =
      CheckCanRead(*config_, kDisciplineCommission, referral_);
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), kDisciplineCommission))
      << status;
  EXPECT_TRUE(absl::StrContains(status.message(), referral_.referral_id()))
      << status;

  // A supervisor that is also an observer (it sent an ancestor) may read.
  referral_.add_observer_agency_ids(kDisciplineCommission);
  EXPECT_TRUE(CheckCanRead(*config_, kDisciplineCommission, referral_).ok());
}

TEST_F(AccessPolicyTest, StrangersMayNotRead) {
  for (const char* agency : {kStationedEducation, "no-such-agency"}) {
    EXPECT_EQ(CheckCanRead(*config_, agency, referral_).code(),
              absl::StatusCode::kPermissionDenied)
        << agency;
  }
}

TEST_F(AccessPolicyTest, AuthorizeStepUsesThePartyOfTheCaller) {
  absl::StatusOr<Step> step =
      AuthorizeStep(*config_, kOrganizationDept, referral_, Action::kAccept);
  ASSERT_TRUE(step.ok()) << step.status();
  EXPECT_EQ(step->to, v1::REFERRAL_STATE_ACCEPTED);

  // The supervisor may remind (督办) but not accept; an observer may do
  // neither.
  step = AuthorizeStep(*config_, kDisciplineCommission, referral_,
                       Action::kRemind);
  ASSERT_TRUE(step.ok()) << step.status();
  EXPECT_EQ(step->to, v1::REFERRAL_STATE_DELIVERED);
  EXPECT_EQ(step->notify, Notify::kRecipient);
  EXPECT_EQ(
      AuthorizeStep(*config_, kDisciplineCommission, referral_, Action::kAccept)
          .status()
          .code(),
      absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(AuthorizeStep(*config_, kAuditBureau, referral_, Action::kRemind)
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(
      AuthorizeStep(*config_, kInspectionOffice, referral_, Action::kClose)
          .status()
          .code(),
      absl::StatusCode::kFailedPrecondition);
}

TEST_F(AccessPolicyTest, CheckRouteUnknownRecipientIsNotFound) {
  absl::Status status =
      CheckRoute(*config_, kInspectionOffice, "provincial-commission",
                 v1::REFERRAL_KIND_LEAD);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "provincial-commission"))
      << status;
}

TEST_F(AccessPolicyTest, CheckRouteToSelfIsInvalidArgument) {
  absl::Status status =
      CheckRoute(*config_, kDisciplineCommission, kDisciplineCommission,
                 v1::REFERRAL_KIND_LEAD);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "recipient_agency_id"))
      << status;
}

TEST_F(AccessPolicyTest, CheckRouteMissingRouteIsPermissionDenied) {
  // No route at all from organization_department.
  absl::Status status =
      CheckRoute(*config_, kOrganizationDept, kDisciplineCommission,
                 v1::REFERRAL_KIND_LEAD);
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "organization_department"))
      << status;
  // The route exists for problem lists, not for leads.
  status = CheckRoute(*config_, kInspectionOffice, kOrganizationDept,
                      v1::REFERRAL_KIND_LEAD);
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << status;
  // The kind as sxctl spells it (--kind lead), the types and the recipient.
  EXPECT_EQ(status.message(),
            "no route lets an agency of type inspection_office send a "
            "referral of kind lead to \"organization-dept\", of type "
            "organization_department (the hub administrator can add one to "
            "the config's routes)");
  // Routes are directed: 纪委监委 may not send to 审计局.
  EXPECT_EQ(CheckRoute(*config_, kDisciplineCommission, kAuditBureau,
                       v1::REFERRAL_KIND_LEAD)
                .code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(AccessPolicyTest, CheckRouteUnknownSenderIsPermissionDenied) {
  const absl::Status status = CheckRoute(
      *config_, "removed-agency", kDisciplineCommission, v1::REFERRAL_KIND_LEAD);
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(absl::StrContains(status.message(),
                                "agency \"removed-agency\" is no longer "
                                "configured"))
      << status;
}

TEST_F(AccessPolicyTest, CheckRouteAllowedRoutesAreOk) {
  struct Case {
    const char* from;
    const char* to;
    v1::ReferralKind kind;
  };
  const Case cases[] = {
      {kInspectionOffice, kDisciplineCommission, v1::REFERRAL_KIND_LEAD},
      {kInspectionOffice, kDisciplineCommission,
       v1::REFERRAL_KIND_PROBLEM_LIST},
      {kInspectionOffice, kOrganizationDept, v1::REFERRAL_KIND_PROBLEM_LIST},
      {kAuditBureau, kDisciplineCommission, v1::REFERRAL_KIND_AUDIT_FINDING},
      {kStationedEducation, kDisciplineCommission, v1::REFERRAL_KIND_LEAD},
      {kStationedEducation, kInspectionOffice, v1::REFERRAL_KIND_LEAD},
      {kDisciplineCommission, kOrganizationDept, v1::REFERRAL_KIND_LEAD},
  };
  for (const Case& c : cases) {
    absl::Status status = CheckRoute(*config_, c.from, c.to, c.kind);
    EXPECT_TRUE(status.ok()) << c.from << " → " << c.to << ": " << status;
  }
}

}  // namespace
}  // namespace sx::core
