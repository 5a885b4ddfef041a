#include "server/console/console_access.h"

#include "gtest/gtest.h"
#include "sx/core/testing/test_config.h"

namespace sx::console {
namespace {

using core::Identity;

TEST(ConsoleAccessTest, OperatorsAndSupervisorsSignInOrdinaryAgenciesDoNot) {
  const auto config = core::TestHubConfig();
  EXPECT_TRUE(AuthorizeConsole(*config, {Identity::Kind::kAdmin, "ops"},
                               ConsoleEndpoint::kPage)
                  .ok());
  EXPECT_TRUE(AuthorizeConsole(*config, {Identity::Kind::kAuditor, "audit"},
                               ConsoleEndpoint::kPage)
                  .ok());
  EXPECT_TRUE(AuthorizeConsole(*config,
                               {Identity::Kind::kAgency,
                                core::kDisciplineCommission},
                               ConsoleEndpoint::kPage)
                  .ok());
  const absl::Status ordinary = AuthorizeConsole(
      *config, {Identity::Kind::kAgency, core::kInspectionOffice},
      ConsoleEndpoint::kPage);
  EXPECT_EQ(ordinary.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(ordinary.message().find("supervising agencies"),
            absl::string_view::npos)
      << ordinary;
}

TEST(ConsoleAccessTest, AdminFiguresAndActionsAreForAdministratorsOnly) {
  const auto config = core::TestHubConfig();
  const Identity admin{Identity::Kind::kAdmin, "ops"};
  const Identity auditor{Identity::Kind::kAuditor, "audit"};
  const Identity supervisor{Identity::Kind::kAgency,
                            core::kDisciplineCommission};
  for (ConsoleEndpoint endpoint :
       {ConsoleEndpoint::kOverview, ConsoleEndpoint::kInboxes,
        ConsoleEndpoint::kDeadLetters, ConsoleEndpoint::kRedrive}) {
    EXPECT_TRUE(AuthorizeConsole(*config, admin, endpoint).ok());
    // The words of AdminService's own refusal.
    const absl::Status refused = AuthorizeConsole(*config, auditor, endpoint);
    EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied);
    EXPECT_NE(refused.message().find("the admin service is for admin"),
              absl::string_view::npos)
        << refused;
    EXPECT_EQ(AuthorizeConsole(*config, supervisor, endpoint).code(),
              absl::StatusCode::kPermissionDenied);
  }
}

TEST(ConsoleAccessTest, TheLedgerIsForSupervisingAgenciesOnly) {
  const auto config = core::TestHubConfig();
  EXPECT_TRUE(AuthorizeConsole(*config,
                               {Identity::Kind::kAgency,
                                core::kDisciplineCommission},
                               ConsoleEndpoint::kLedger)
                  .ok());
  for (const Identity& refused :
       {Identity{Identity::Kind::kAdmin, "ops"},
        Identity{Identity::Kind::kAuditor, "audit"},
        Identity{Identity::Kind::kAgency, core::kInspectionOffice}}) {
    EXPECT_EQ(AuthorizeConsole(*config, refused, ConsoleEndpoint::kLedger)
                  .code(),
              absl::StatusCode::kPermissionDenied)
        << refused.name;
  }
}

}  // namespace
}  // namespace sx::console
