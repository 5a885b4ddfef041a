#include "server/console/console_json.h"

#include "google/protobuf/struct.pb.h"
#include "gtest/gtest.h"
#include "supervision/v1/admin.pb.h"
#include "sx/core/testing/test_config.h"

namespace sx::console {
namespace {

namespace v1 = ::supervision::v1;

TEST(ConsoleJsonTest, AdminMessagesKeepTheirProtoNamesAndZeros) {
  v1::GetTransferCountsResponse counts;
  v1::StateCount& delivered = *counts.add_by_state();
  delivered.set_state(v1::REFERRAL_STATE_DELIVERED);
  delivered.set_count(3);
  const std::string json = ToJson(counts);
  EXPECT_NE(json.find("\"overdue_open\":\"0\""), std::string::npos) << json;
  v1::GetTransferCountsResponse parsed;
  ASSERT_TRUE(FromJson(json, parsed).ok());
  EXPECT_EQ(parsed.SerializeAsString(), counts.SerializeAsString());
}

TEST(ConsoleJsonTest, TheSessionNamesTheCallerAndTheAgencies) {
  const auto config = core::TestHubConfig();
  const std::string json =
      SessionJson(*config, {core::Identity::Kind::kAdmin, "ops"}, "t0k3n");
  google::protobuf::Struct session;
  ASSERT_TRUE(FromJson(json, session).ok()) << json;
  EXPECT_EQ(session.fields().at("kind").string_value(), "admin");
  EXPECT_EQ(session.fields().at("name").string_value(), "ops");
  EXPECT_EQ(session.fields().at("csrf_token").string_value(), "t0k3n");
  const auto& agencies = session.fields().at("agencies").list_value();
  ASSERT_EQ(agencies.values_size(), config->proto().agencies_size());
  const auto& first = agencies.values(0).struct_value().fields();
  EXPECT_EQ(first.at("id").string_value(), core::kDisciplineCommission);
  EXPECT_EQ(first.at("display_name").string_value(), "市纪委监委");
  EXPECT_TRUE(first.at("supervisor").bool_value());
}

TEST(ConsoleJsonTest, AnUnknownFieldInABodyIsRefused) {
  v1::RedriveDeadLettersRequest request;
  EXPECT_EQ(FromJson("{\"agency\":\"x\"}", request).code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(FromJson("{\"agency_id\":\"x\"}", request).ok());
  EXPECT_EQ(request.agency_id(), "x");
}

}  // namespace
}  // namespace sx::console
