#include <string>

#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "client_sdk/sxctl/json_writer.h"
#include "client_sdk/sxctl/whoami_json.h"
#include "client_sdk/sxctl/whoami_result.h"
#include "client_sdk/sxctl/whoami_text.h"
#include "gtest/gtest.h"

namespace sx::sxctl {
namespace {

const absl::Time kSent = absl::FromUnixSeconds(1764115200);

client::WhoAmIAnswer Commission() {
  client::WhoAmIAnswer answer;
  answer.caller.kind = client::IdentityKind::kAgency;
  answer.caller.name = "discipline-commission";
  answer.caller.certificate_uri =
      "spiffe://supervision.example/agency/discipline-commission";
  answer.caller.agency_type = "discipline_commission";
  answer.caller.display_name = "市纪委监委";
  answer.caller.supervisor = true;
  answer.hub_id = "demo";
  answer.hub_version = "1.2.3";
  return answer;
}

TEST(WhoAmITest, OffsetIsTakenAtHalfTheRoundTrip) {
  client::WhoAmIAnswer answer = Commission();
  // The hub read its clock 2 ms after the midpoint of a 10 ms round trip.
  answer.hub_time = kSent + absl::Milliseconds(7);
  const WhoAmIResult result =
      MeasureWhoAmI(answer, kSent, kSent + absl::Milliseconds(10));
  EXPECT_EQ(result.round_trip, absl::Milliseconds(10));
  ASSERT_TRUE(result.clock_offset.has_value());
  EXPECT_EQ(*result.clock_offset, absl::Milliseconds(2));
  EXPECT_EQ(result.answer.caller.name, "discipline-commission");

  answer.hub_time = kSent - absl::Seconds(3);
  EXPECT_EQ(MeasureWhoAmI(answer, kSent, kSent).clock_offset,
            -absl::Seconds(3));
}

TEST(WhoAmITest, NoHubTimeNoOffsetAndNoNegativeRoundTrip) {
  const WhoAmIResult result =
      MeasureWhoAmI(Commission(), kSent, kSent - absl::Milliseconds(1));
  EXPECT_EQ(result.round_trip, absl::ZeroDuration());
  EXPECT_FALSE(result.clock_offset.has_value());
  JsonWriter json(JsonWriter::Style::kCompact);
  WriteWhoAmIJson(result, json);
  EXPECT_TRUE(absl::StrContains(json.text(), "\"clock_offset_ms\":null"))
      << json.text();
  EXPECT_TRUE(absl::StrContains(json.text(), "\"hub_time\":null"))
      << json.text();
}

TEST(WhoAmITest, TextShowsWhatAppliesToTheCaller) {
  client::WhoAmIAnswer answer = Commission();
  answer.hub_time = kSent + absl::Microseconds(2500);
  std::string text =
      WhoAmIText(MeasureWhoAmI(answer, kSent, kSent + absl::Milliseconds(8)));
  for (const char* line :
       {"市纪委监委", "discipline_commission", "supervisor    yes",
        "spiffe://supervision.example/agency/discipline-commission",
        "hub version   1.2.3", "round trip    8.000 ms",
        "clock offset  -1.500 ms ± 4.000 ms (hub behind)"}) {
    EXPECT_TRUE(absl::StrContains(text, line)) << line << "\n" << text;
  }

  client::WhoAmIAnswer admin;
  admin.caller.kind = client::IdentityKind::kAdmin;
  admin.caller.name = "ops";
  text = WhoAmIText(MeasureWhoAmI(admin, kSent, kSent));
  EXPECT_TRUE(absl::StartsWith(text, "kind ")) << text;
  EXPECT_TRUE(absl::StrContains(text, " admin\n")) << text;
  EXPECT_FALSE(absl::StrContains(text, "supervisor")) << text;
  EXPECT_FALSE(absl::StrContains(text, "agency type")) << text;
}

TEST(WhoAmITest, JsonNestsTheCaller) {
  client::WhoAmIAnswer answer = Commission();
  answer.hub_time = kSent;
  JsonWriter json(JsonWriter::Style::kCompact);
  WriteWhoAmIJson(MeasureWhoAmI(answer, kSent, kSent + absl::Milliseconds(4)),
                  json);
  EXPECT_EQ(json.text(),
            "{\"caller\":{\"kind\":\"agency\",\"name\":\"discipline-"
            "commission\",\"certificate_uri\":\"spiffe://supervision.example/"
            "agency/discipline-commission\",\"agency_type\":\"discipline_"
            "commission\",\"display_name\":\"市纪委监委\",\"supervisor\":"
            "true},\"hub_id\":\"demo\",\"hub_version\":\"1.2.3\",\"hub_"
            "time\":\"2025-11-26T00:00:00Z\",\"round_trip_ms\":4,\"clock_"
            "offset_ms\":-2}");
}

}  // namespace
}  // namespace sx::sxctl
