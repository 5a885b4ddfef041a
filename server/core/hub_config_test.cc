#include "sx/core/hub_config.h"

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "sx/core/testing/test_config.h"
#include "tests/support/temp_dir.h"

namespace sx::core {

namespace v1 = ::supervision::v1;
namespace {

constexpr uint32_t kKiB = 1024;
constexpr uint32_t kMiB = 1024 * kKiB;

TEST(HubConfigTest, ValidConfigParsesWithDefaultsFilled) {
  auto config = HubConfig::Parse(kTestHubConfigText, "hub.textproto");
  ASSERT_TRUE(config.ok()) << config.status();
  const v1::HubConfig& proto = (*config)->proto();
  EXPECT_EQ(proto.hub_id(), "test-hub");
  EXPECT_EQ(proto.agencies_size(), 5);
  EXPECT_EQ(proto.tls().refresh_interval_seconds(), 60u);

  const v1::Limits& limits = (*config)->limits();
  EXPECT_EQ(limits.max_message_bytes(), 16 * kMiB);
  EXPECT_EQ(limits.max_metadata_bytes(), 16 * kKiB);
  EXPECT_EQ(limits.max_attachment_bytes(), 8 * kMiB);
  EXPECT_EQ(limits.max_attachments(), 20u);
  EXPECT_EQ(limits.max_text_bytes(), 64 * kKiB);
  EXPECT_EQ(limits.max_inbox_streams_per_agency(), 4u);
  EXPECT_EQ(limits.max_call_memory_megabytes(), 512u);

  const v1::Deadlines& deadlines = (*config)->deadlines();
  EXPECT_EQ(deadlines.accept_within_hours(), 72u);
  EXPECT_EQ(deadlines.feedback_within_days(), 30u);
  EXPECT_EQ(deadlines.fast_track_accept_within_hours(), 24u);
  EXPECT_EQ(deadlines.fast_track_feedback_within_days(), 7u);

  const v1::Agency* commission = (*config)->FindAgency(kDisciplineCommission);
  ASSERT_NE(commission, nullptr);
  EXPECT_EQ(commission->certificate_identity(),
            "spiffe://supervision.test/agency/discipline-commission");
  EXPECT_TRUE(commission->supervisor());
  EXPECT_EQ(commission->display_name(), "市纪委监委");
  const v1::Agency* office = (*config)->FindAgency(kInspectionOffice);
  ASSERT_NE(office, nullptr);
  EXPECT_EQ(office->certificate_identity(),
            "spiffe://supervision.test/agency/inspection-office");
  EXPECT_FALSE(office->supervisor());
  EXPECT_EQ((*config)->FindAgency("petition-bureau"), nullptr);

  ASSERT_EQ(proto.operators_size(), 2);
  EXPECT_EQ(proto.operators(0).certificate_identity(),
            "spiffe://supervision.test/admin/ops");
  EXPECT_EQ(proto.operators(1).certificate_identity(),
            "spiffe://supervision.test/auditor/chain-auditor");
}

TEST(HubConfigTest, ExplicitValuesAreKept) {
  v1::HubConfig proto = TestHubConfigProto();
  proto.mutable_limits()->set_max_attachments(5);
  proto.mutable_limits()->set_max_text_bytes(1000);
  proto.mutable_deadlines()->set_accept_within_hours(48);
  proto.mutable_deadlines()->set_fast_track_feedback_within_days(3);
  proto.mutable_tls()->set_refresh_interval_seconds(5);
  proto.mutable_agencies(1)->set_certificate_identity(
      "spiffe://supervision.test/agency/city-inspection");
  auto config = HubConfig::FromProto(proto);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ((*config)->limits().max_attachments(), 5u);
  EXPECT_EQ((*config)->limits().max_text_bytes(), 1000u);
  EXPECT_EQ((*config)->limits().max_message_bytes(), 16 * kMiB);
  EXPECT_EQ((*config)->deadlines().accept_within_hours(), 48u);
  EXPECT_EQ((*config)->deadlines().feedback_within_days(), 30u);
  EXPECT_EQ((*config)->deadlines().fast_track_feedback_within_days(), 3u);
  EXPECT_EQ((*config)->proto().tls().refresh_interval_seconds(), 5u);
  EXPECT_EQ((*config)->FindAgency(kInspectionOffice)->certificate_identity(),
            "spiffe://supervision.test/agency/city-inspection");
}

TEST(HubConfigTest, LoadFileReadsTextFormat) {
  sx::testing::TempDir dir;
  const std::string path = dir.Sub("hub.textproto");
  {
    std::ofstream file(path);
    file << kTestHubConfigText;
  }
  auto config = HubConfig::LoadFile(path);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_NE((*config)->FindAgency(kAuditBureau), nullptr);

  auto missing = HubConfig::LoadFile(dir.Sub("absent.textproto"));
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(missing.status().message(), "absent.textproto"))
      << missing.status();
}

// Relative file names in a config file mean "next to the config file";
// absolute ones are kept. Parse has no file, so it keeps them as written.
TEST(HubConfigTest, LoadFileResolvesRelativePathsNextToTheFile) {
  sx::testing::TempDir dir;
  std::filesystem::create_directories(dir.Sub("etc"));
  const std::string path = dir.Sub("etc/hub.textproto");
  v1::HubConfig proto = TestHubConfigProto();
  proto.set_data_dir("data");
  proto.mutable_tls()->set_ca_file("../pki/ca.pem");
  proto.mutable_tls()->set_cert_file("/etc/sxhub/pki/hub.pem");
  proto.mutable_tls()->set_crl_directory("crl");
  proto.mutable_encryption()->set_key_file("at-rest.keys");
  std::string text;
  ASSERT_TRUE(google::protobuf::TextFormat::PrintToString(proto, &text));
  {
    std::ofstream file(path);
    file << text;
  }
  auto config = HubConfig::LoadFile(path);
  ASSERT_TRUE(config.ok()) << config.status();
  const v1::HubConfig& loaded = (*config)->proto();
  EXPECT_EQ(loaded.encryption().key_file(), dir.Sub("etc/at-rest.keys"));
  EXPECT_EQ(loaded.data_dir(), dir.Sub("etc/data"));
  EXPECT_EQ(loaded.tls().ca_file(), dir.Sub("pki/ca.pem"));
  EXPECT_EQ(loaded.tls().cert_file(), "/etc/sxhub/pki/hub.pem");
  EXPECT_EQ(loaded.tls().key_file(), dir.Sub("etc/hub.key"));
  EXPECT_EQ(loaded.tls().crl_directory(), dir.Sub("etc/crl"));

  auto parsed = HubConfig::Parse(text, "inline");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ((*parsed)->proto().data_dir(), "data");
  EXPECT_EQ((*parsed)->proto().tls().key_file(), "hub.key");
}

// Resolving paths must not switch encryption on for a config without it.
TEST(HubConfigTest, LoadFileLeavesAConfigWithoutEncryptionWithout) {
  sx::testing::TempDir dir;
  const std::string path = dir.Sub("hub.textproto");
  std::string text;
  ASSERT_TRUE(
      google::protobuf::TextFormat::PrintToString(TestHubConfigProto(), &text));
  std::ofstream(path) << text;
  auto config = HubConfig::LoadFile(path);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_FALSE((*config)->proto().has_encryption());
}

TEST(HubConfigTest, AnEncryptionSectionNeedsItsKeyFile) {
  v1::HubConfig proto = TestHubConfigProto();
  proto.mutable_encryption()->set_cipher(
      v1::AtRestEncryption::CIPHER_SM4_CTR_HMAC_SM3);
  auto config = HubConfig::FromProto(proto);
  ASSERT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(
      absl::StrContains(config.status().message(), "encryption.key_file"))
      << config.status();
}

TEST(HubConfigTest, WhoMustSignFollowsTheStepSignaturesSection) {
  v1::HubConfig proto = TestHubConfigProto();
  const std::string first = proto.agencies(0).id();
  const std::string second = proto.agencies(1).id();
  // Without the section nobody must sign, and nobody may be required to.
  auto without = HubConfig::FromProto(proto);
  ASSERT_TRUE(without.ok()) << without.status();
  EXPECT_FALSE((*without)->RequiresSignatures(first));
  proto.mutable_agencies(0)->set_require_signatures(true);
  auto required_unchecked = HubConfig::FromProto(proto);
  ASSERT_EQ(required_unchecked.status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(required_unchecked.status().message(),
                                "requires signatures"))
      << required_unchecked.status();

  // One agency at a time, then all.
  proto.mutable_step_signatures()->set_ca_file("signing-ca.crt");
  auto one = HubConfig::FromProto(proto);
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_TRUE((*one)->RequiresSignatures(first));
  EXPECT_FALSE((*one)->RequiresSignatures(second));
  proto.mutable_step_signatures()->set_require_all(true);
  auto all = HubConfig::FromProto(proto);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_TRUE((*all)->RequiresSignatures(second));

  proto.mutable_step_signatures()->clear_ca_file();
  auto no_ca = HubConfig::FromProto(proto);
  ASSERT_EQ(no_ca.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(
      absl::StrContains(no_ca.status().message(), "step_signatures.ca_file"))
      << no_ca.status();
}

TEST(HubConfigTest, LoadFileErrorsNameTheFile) {
  sx::testing::TempDir dir;
  const std::string path = dir.Sub("hub.textproto");
  v1::HubConfig proto = TestHubConfigProto();
  proto.mutable_operators(0)->set_role(v1::Operator::ROLE_UNSPECIFIED);
  std::string text;
  ASSERT_TRUE(google::protobuf::TextFormat::PrintToString(proto, &text));
  {
    std::ofstream file(path);
    file << text;
  }
  auto config = HubConfig::LoadFile(path);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(config.status().message(), path))
      << config.status();
  EXPECT_TRUE(absl::StrContains(config.status().message(), "operators[0].role"))
      << config.status();

  {
    std::ofstream file(path);
    file << "hub_id: \"test-hub\"\nagencies {\n  id: \"x\"\n  bogus: 1\n}\n";
  }
  config = HubConfig::LoadFile(path);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(config.status().message(), "line 4,"))
      << config.status();
  EXPECT_TRUE(absl::StrContains(config.status().message(), path))
      << config.status();
}

// One broken config and the field its error must name.
struct InvalidCase {
  std::string name;
  std::function<void(v1::HubConfig&)> breakit;
  std::string field;
};

std::vector<InvalidCase> InvalidCases() {
  return {
      {"duplicate agency id",
       [](v1::HubConfig& c) {
         c.mutable_agencies(3)->set_id(kInspectionOffice);
       },
       "agencies[3].id"},
      {"upper-case agency id",
       [](v1::HubConfig& c) {
         c.mutable_agencies(1)->set_id("Inspection-Office");
       },
       "agencies[1].id"},
      {"agency id with '_'",
       [](v1::HubConfig& c) {
         c.mutable_agencies(1)->set_id("inspection_office");
       },
       "agencies[1].id"},
      {"agency id in Chinese",
       [](v1::HubConfig& c) { c.mutable_agencies(1)->set_id("巡察办"); },
       "agencies[1].id"},
      {"agency id ending in '-'",
       [](v1::HubConfig& c) { c.mutable_agencies(1)->set_id("inspection-"); },
       "agencies[1].id"},
      {"empty agency id",
       [](v1::HubConfig& c) { c.mutable_agencies(0)->clear_id(); },
       "agencies[0].id"},
      {"agency type with '-'",
       [](v1::HubConfig& c) {
         c.mutable_agencies(2)->set_type("organization-department");
       },
       "agencies[2].type"},
      {"agency without display name",
       [](v1::HubConfig& c) { c.mutable_agencies(4)->clear_display_name(); },
       "agencies[4].display_name"},
      {"route to unknown type",
       [](v1::HubConfig& c) {
         c.mutable_routes(0)->add_to_types("petition_bureau");
       },
       "routes[0].to_types"},
      {"route from unknown type",
       [](v1::HubConfig& c) {
         c.mutable_routes(2)->set_from_type("petition_bureau");
       },
       "routes[2].from_type"},
      {"route without destination",
       [](v1::HubConfig& c) { c.mutable_routes(1)->clear_to_types(); },
       "routes[1].to_types"},
      {"route without kinds",
       [](v1::HubConfig& c) { c.mutable_routes(1)->clear_kinds(); },
       "routes[1].kinds"},
      {"route with unspecified kind",
       [](v1::HubConfig& c) {
         c.mutable_routes(1)->add_kinds(v1::REFERRAL_KIND_UNSPECIFIED);
       },
       "routes[1].kinds"},
      {"missing tls ca_file",
       [](v1::HubConfig& c) { c.mutable_tls()->clear_ca_file(); }, "tls"},
      {"missing tls cert_file",
       [](v1::HubConfig& c) { c.mutable_tls()->clear_cert_file(); }, "tls"},
      {"missing tls key_file",
       [](v1::HubConfig& c) { c.mutable_tls()->clear_key_file(); }, "tls"},
      {"no tls section", [](v1::HubConfig& c) { c.clear_tls(); }, "tls"},
      {"one agency",
       [](v1::HubConfig& c) {
         c.mutable_agencies()->DeleteSubrange(1, c.agencies_size() - 1);
         c.clear_routes();
       },
       "agencies"},
      {"no agencies",
       [](v1::HubConfig& c) {
         c.clear_agencies();
         c.clear_routes();
       },
       "agencies"},
      {"operator without role",
       [](v1::HubConfig& c) {
         c.mutable_operators(0)->set_role(v1::Operator::ROLE_UNSPECIFIED);
       },
       "operators[0].role"},
      {"operator without name",
       [](v1::HubConfig& c) { c.mutable_operators(1)->clear_name(); },
       "operators[1].name"},
      {"duplicate operator name",
       [](v1::HubConfig& c) { c.mutable_operators(1)->set_name("ops"); },
       "operators[1].name"},
      {"two agencies with one certificate identity",
       [](v1::HubConfig& c) {
         c.mutable_agencies(2)->set_certificate_identity(
             "spiffe://supervision.test/agency/inspection-office");
       },
       // agencies[1] derives this URI; agencies[2] claims it explicitly.
       "agencies[2].certificate_identity"},
      {"operator with an agency's certificate identity",
       [](v1::HubConfig& c) {
         c.mutable_operators(0)->set_certificate_identity(
             "spiffe://supervision.test/agency/audit-bureau");
       },
       "operators[0].certificate_identity"},
      {"missing hub_id", [](v1::HubConfig& c) { c.clear_hub_id(); }, "hub_id"},
      {"hub_id with spaces", [](v1::HubConfig& c) { c.set_hub_id("city hub"); },
       "hub_id"},
      {"missing listen_address",
       [](v1::HubConfig& c) { c.clear_listen_address(); }, "listen_address"},
      {"missing data_dir", [](v1::HubConfig& c) { c.clear_data_dir(); },
       "data_dir"},
      {"missing trust_domain", [](v1::HubConfig& c) { c.clear_trust_domain(); },
       "trust_domain"},
      {"trust_domain with '/'",
       [](v1::HubConfig& c) { c.set_trust_domain("supervision.test/agency"); },
       "trust_domain"},
      {"attachment limit not below message limit",
       [](v1::HubConfig& c) {
         // The default attachment limit (8 MiB) no longer fits.
         c.mutable_limits()->set_max_message_bytes(4 * kMiB);
       },
       "limits.max_attachment_bytes"},
      {"call memory quota below four largest messages",
       [](v1::HubConfig& c) {
         c.mutable_limits()->set_max_call_memory_megabytes(63);
       },
       "limits.max_call_memory_megabytes"},
  };
}

TEST(HubConfigTest, TheUnbrokenProtoIsValid) {
  auto config = HubConfig::FromProto(TestHubConfigProto());
  EXPECT_TRUE(config.ok()) << config.status();
}

TEST(HubConfigTest, EachInvalidConfigIsRejectedNamingTheField) {
  for (const InvalidCase& c : InvalidCases()) {
    SCOPED_TRACE(c.name);
    v1::HubConfig proto = TestHubConfigProto();
    c.breakit(proto);
    auto config = HubConfig::FromProto(proto);
    ASSERT_FALSE(config.ok());
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument)
        << config.status();
    EXPECT_TRUE(absl::StrContains(config.status().message(),
                                  absl::StrCat("config: ", c.field, ":")))
        << config.status();
  }
}

TEST(HubConfigTest, ParseErrorsNameTheOriginAndTheField) {
  v1::HubConfig proto = TestHubConfigProto();
  proto.mutable_agencies(3)->set_id(kInspectionOffice);
  std::string text;
  ASSERT_TRUE(google::protobuf::TextFormat::PrintToString(proto, &text));
  auto config = HubConfig::Parse(text, "/etc/sxhub/hub.textproto");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(
      absl::StrContains(config.status().message(), "/etc/sxhub/hub.textproto"))
      << config.status();
  EXPECT_TRUE(absl::StrContains(config.status().message(), "agencies[3].id"))
      << config.status();
  EXPECT_TRUE(absl::StrContains(config.status().message(), "used twice"))
      << config.status();
}

TEST(HubConfigTest, SyntaxErrorReportsTheLine) {
  // Line 3 lacks the ':' a scalar field needs.
  const char kText[] =
      "hub_id: \"test-hub\"\n"
      "listen_address: \"127.0.0.1:0\"\n"
      "data_dir \"/var/lib/sxhub\"\n"
      "trust_domain: \"supervision.test\"\n";
  auto config = HubConfig::Parse(kText, "hub.textproto");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(config.status().message(), "hub.textproto"))
      << config.status();
  EXPECT_TRUE(absl::StrContains(config.status().message(), "line 3,"))
      << config.status();
}

TEST(HubConfigTest, UnknownFieldReportsTheLineAndTheName) {
  const char kText[] =
      "hub_id: \"test-hub\"\n"
      "listen_adress: \"127.0.0.1:0\"\n";
  auto config = HubConfig::Parse(kText, "hub.textproto");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(config.status().message(), "line 2,"))
      << config.status();
  EXPECT_TRUE(absl::StrContains(config.status().message(), "listen_adress"))
      << config.status();
}

TEST(HubConfigTest, IdentityForUri) {
  std::shared_ptr<const HubConfig> config = TestHubConfig();
  for (const char* agency :
       {kDisciplineCommission, kInspectionOffice, kOrganizationDept,
        kAuditBureau, kStationedEducation}) {
    std::optional<Identity> identity = config->IdentityForUri(
        absl::StrCat("spiffe://supervision.test/agency/", agency));
    ASSERT_TRUE(identity.has_value()) << agency;
    EXPECT_EQ(identity->kind, Identity::Kind::kAgency);
    EXPECT_EQ(identity->name, agency);
    EXPECT_TRUE(identity->is_agency());
  }
  std::optional<Identity> admin =
      config->IdentityForUri("spiffe://supervision.test/admin/ops");
  ASSERT_TRUE(admin.has_value());
  EXPECT_EQ(admin->kind, Identity::Kind::kAdmin);
  EXPECT_EQ(admin->name, "ops");
  EXPECT_FALSE(admin->is_agency());
  std::optional<Identity> auditor =
      config->IdentityForUri("spiffe://supervision.test/auditor/chain-auditor");
  ASSERT_TRUE(auditor.has_value());
  EXPECT_EQ(auditor->kind, Identity::Kind::kAuditor);
  EXPECT_EQ(auditor->name, "chain-auditor");

  // Unknown names, another trust domain, a wrong role path, no URI at all.
  for (const char* uri :
       {"spiffe://supervision.test/agency/petition-bureau",
        "spiffe://other.example/agency/inspection-office",
        "spiffe://supervision.test/auditor/ops",
        "spiffe://supervision.test/admin/chain-auditor",
        "spiffe://supervision.test/agency/inspection-office/",
        "SPIFFE://supervision.test/agency/inspection-office", ""}) {
    EXPECT_FALSE(config->IdentityForUri(uri).has_value()) << uri;
  }
}

TEST(HubConfigTest, ExplicitCertificateIdentityReplacesTheDerivedOne) {
  v1::HubConfig proto = TestHubConfigProto();
  proto.mutable_agencies(1)->set_certificate_identity(
      "spiffe://supervision.test/agency/city-inspection");
  auto config = HubConfig::FromProto(proto);
  ASSERT_TRUE(config.ok()) << config.status();
  std::optional<Identity> identity = (*config)->IdentityForUri(
      "spiffe://supervision.test/agency/city-inspection");
  ASSERT_TRUE(identity.has_value());
  EXPECT_EQ(identity->name, kInspectionOffice);
  EXPECT_FALSE(
      (*config)
          ->IdentityForUri("spiffe://supervision.test/agency/inspection-office")
          .has_value());
}

TEST(HubConfigTest, RouteAllowed) {
  std::shared_ptr<const HubConfig> config = TestHubConfig();
  struct Case {
    const char* from;
    const char* to;
    v1::ReferralKind kind;
    bool allowed;
  };
  const Case cases[] = {
      {"inspection_office", "discipline_commission", v1::REFERRAL_KIND_LEAD,
       true},
      {"inspection_office", "discipline_commission",
       v1::REFERRAL_KIND_PROBLEM_LIST, true},
      {"inspection_office", "discipline_commission",
       v1::REFERRAL_KIND_AUDIT_FINDING, false},
      {"inspection_office", "organization_department",
       v1::REFERRAL_KIND_PROBLEM_LIST, true},
      {"inspection_office", "organization_department", v1::REFERRAL_KIND_LEAD,
       false},
      {"audit_bureau", "discipline_commission", v1::REFERRAL_KIND_AUDIT_FINDING,
       true},
      {"audit_bureau", "organization_department",
       v1::REFERRAL_KIND_AUDIT_FINDING, false},
      {"stationed_group", "discipline_commission", v1::REFERRAL_KIND_LEAD,
       true},
      {"discipline_commission", "organization_department",
       v1::REFERRAL_KIND_LEAD, true},
      {"discipline_commission", "stationed_group",
       v1::REFERRAL_KIND_PROBLEM_LIST, true},
      // Routes are directed.
      {"discipline_commission", "inspection_office", v1::REFERRAL_KIND_LEAD,
       false},
      {"organization_department", "discipline_commission",
       v1::REFERRAL_KIND_LEAD, false},
      {"discipline_commission", "audit_bureau", v1::REFERRAL_KIND_LEAD, false},
      {"petition_bureau", "discipline_commission", v1::REFERRAL_KIND_LEAD,
       false},
      {"inspection_office", "discipline_commission",
       v1::REFERRAL_KIND_UNSPECIFIED, false},
      // Agency ids are not types.
      {"inspection-office", "discipline-commission", v1::REFERRAL_KIND_LEAD,
       false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(config->RouteAllowed(c.from, c.to, c.kind), c.allowed)
        << c.from << " → " << c.to << " " << v1::ReferralKind_Name(c.kind);
  }
}

TEST(HubConfigTest, AnExerciseClockNeedsAStartAndASpeed) {
  v1::HubConfig proto = TestHubConfigProto();
  v1::ExerciseClock& clock = *proto.mutable_exercise_clock();
  clock.set_start("2026-02-13T10:00:00+08:00");
  clock.set_days_per_minute(40);
  ASSERT_TRUE(HubConfig::FromProto(proto).ok());
  absl::StatusOr<ExerciseClockSettings> settings = ExerciseClockOf(clock);
  ASSERT_TRUE(settings.ok());
  EXPECT_EQ(settings->start, absl::FromUnixSeconds(1770948000));
  EXPECT_DOUBLE_EQ(settings->speed, 40 * 1440.0);

  clock.set_start("13 Feb 2026");
  auto config = HubConfig::FromProto(proto);
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(config.status().message().find("exercise_clock.start"),
            std::string::npos)
      << config.status();
  clock.set_start("2026-02-13T10:00:00+08:00");
  for (uint32_t speed : {0u, 1441u}) {
    clock.set_days_per_minute(speed);
    config = HubConfig::FromProto(proto);
    EXPECT_NE(config.status().message().find("exercise_clock.days_per_minute"),
              std::string::npos)
        << speed << ": " << config.status();
  }
}

}  // namespace
}  // namespace sx::core
