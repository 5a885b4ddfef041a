// The hub configuration shared by the domain core's unit tests: five agencies
// of a city (纪委监委, 巡察办, 组织部, 审计局, a stationed group) with the
// routes a real deployment would open, plus an administrator and an auditor.
//
//   std::shared_ptr<const HubConfig> config = TestHubConfig();
#pragma once

#include <cstdlib>
#include <iostream>
#include <memory>

#include "google/protobuf/text_format.h"
#include "sx/core/hub_config.h"

namespace sx::core {

// Deliberately missing, so that tests can hit a closed route:
//   organization_department sends nothing;
//   audit_bureau → organization_department;
//   inspection_office → organization_department for REFERRAL_KIND_LEAD
//     (only problem lists go there);
//   discipline_commission → audit_bureau.
inline constexpr char kTestHubConfigText[] = R"pb(
  hub_id: "test-hub"
  listen_address: "127.0.0.1:0"
  data_dir: "/nonexistent/sxhub-test"
  trust_domain: "supervision.test"
  tls { ca_file: "ca.pem" cert_file: "hub.pem" key_file: "hub.key" }
  agencies {
    id: "discipline-commission"
    type: "discipline_commission"
    display_name: "市纪委监委"
    supervisor: true
  }
  agencies {
    id: "inspection-office"
    type: "inspection_office"
    display_name: "市委巡察办"
  }
  agencies {
    id: "organization-dept"
    type: "organization_department"
    display_name: "市委组织部"
  }
  agencies { id: "audit-bureau" type: "audit_bureau" display_name: "市审计局" }
  agencies {
    id: "stationed-education"
    type: "stationed_group"
    display_name: "市纪委监委驻市教育局纪检监察组"
  }
  operators { name: "ops" role: ROLE_ADMIN }
  operators { name: "chain-auditor" role: ROLE_AUDITOR }
  # Tests that move the clock count the hub's overdue flags; the staged
  # warnings before them have tests of their own, which turn them on.
  deadlines { warnings { disabled: true } }
  routes {
    from_type: "inspection_office"
    to_types: "discipline_commission"
    kinds: REFERRAL_KIND_LEAD
    kinds: REFERRAL_KIND_PROBLEM_LIST
  }
  routes {
    from_type: "inspection_office"
    to_types: "organization_department"
    kinds: REFERRAL_KIND_PROBLEM_LIST
  }
  routes {
    from_type: "audit_bureau"
    to_types: "discipline_commission"
    kinds: REFERRAL_KIND_AUDIT_FINDING
    kinds: REFERRAL_KIND_LEAD
  }
  routes {
    from_type: "stationed_group"
    to_types: "discipline_commission"
    to_types: "inspection_office"
    to_types: "organization_department"
    kinds: REFERRAL_KIND_LEAD
  }
  routes {
    from_type: "discipline_commission"
    to_types: "organization_department"
    to_types: "stationed_group"
    kinds: REFERRAL_KIND_LEAD
    kinds: REFERRAL_KIND_PROBLEM_LIST
  }
)pb";

// Agency ids of the test config.
inline constexpr char kDisciplineCommission[] = "discipline-commission";
inline constexpr char kInspectionOffice[] = "inspection-office";
inline constexpr char kOrganizationDept[] = "organization-dept";
inline constexpr char kAuditBureau[] = "audit-bureau";
inline constexpr char kStationedEducation[] = "stationed-education";

// The test config as a proto, before validation, for tests that break it.
inline ::supervision::v1::HubConfig TestHubConfigProto() {
  ::supervision::v1::HubConfig proto;
  if (!google::protobuf::TextFormat::ParseFromString(kTestHubConfigText,
                                                     &proto)) {
    std::cerr << "test_config.h: kTestHubConfigText does not parse\n";
    std::abort();
  }
  return proto;
}

// The validated test config, with defaults filled in.
inline std::shared_ptr<const HubConfig> TestHubConfig() {
  auto config = HubConfig::Parse(kTestHubConfigText, "test_config.h");
  if (!config.ok()) {
    std::cerr << "test_config.h: " << config.status() << "\n";
    std::abort();
  }
  return *std::move(config);
}

}  // namespace sx::core
