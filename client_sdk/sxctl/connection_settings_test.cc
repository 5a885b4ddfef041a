#include "client_sdk/sxctl/connection_settings.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "client_sdk/sxctl/command_table.h"
#include "gtest/gtest.h"

namespace sx::sxctl {
namespace {

Environment FakeEnvironment(std::map<std::string, std::string> variables) {
  return [variables](const std::string& name) -> std::optional<std::string> {
    auto it = variables.find(name);
    if (it == variables.end()) return std::nullopt;
    return it->second;
  };
}

Invocation Flags(const std::vector<std::string>& args) {
  std::vector<std::string> full = args;
  full.insert(full.begin(), "show");
  full.push_back("R-1");
  ParseResult parsed =
      CommandLineParser(Commands(), GlobalOptions()).Parse(full);
  EXPECT_EQ(parsed.error, "");
  return parsed.invocation;
}

TEST(ParseProfileTest, ReadsKeysCommentsQuotesAndRelativePaths) {
  absl::StatusOr<ConnectionSettings> settings = ParseProfile(
      "# dev hub\n"
      "\n"
      "  hub = 10.0.0.1:7443   # the county hub\n"
      "cert = pki/a.crt\n"
      "key=/abs/a.key\n"
      "ca = \"pki/ca # odd.crt\"\n"
      "server-name = hub.example\n"
      "timeout = 2.5\n"
      "cert_ignored_line_is_not_here = x\n",
      "/etc/sxctl", "p", FakeEnvironment({}));
  ASSERT_FALSE(settings.ok());  // the unknown key
  EXPECT_EQ(settings.status().message(),
            "p:9: unknown key 'cert_ignored_line_is_not_here' (known: hub, "
            "cert, key, ca, server_name, timeout, signing_key, signing_cert)");

  settings = ParseProfile(
      "# dev hub\n"
      "  hub = 10.0.0.1:7443   # the county hub\n"
      "cert = pki/a.crt\n"
      "key=/abs/a.key\n"
      "ca = \"pki/ca # odd.crt\"\n"
      "server-name = hub.example\n"
      "timeout = 2.5\n",
      "/etc/sxctl", "p", FakeEnvironment({}));
  ASSERT_TRUE(settings.ok()) << settings.status();
  EXPECT_EQ(settings->hub, "10.0.0.1:7443");
  EXPECT_EQ(settings->cert, "/etc/sxctl/pki/a.crt");
  EXPECT_EQ(settings->key, "/abs/a.key");
  EXPECT_EQ(settings->ca, "/etc/sxctl/pki/ca # odd.crt");
  EXPECT_EQ(settings->server_name, "hub.example");
  EXPECT_EQ(settings->timeout, "2.5");
}

TEST(ParseProfileTest, ReadsTheSigningPairAsPaths) {
  absl::StatusOr<ConnectionSettings> settings = ParseProfile(
      "signing_key = pki/a-signing.key\n"
      "signing-cert = ~/pki/a-signing.crt\n",
      "/etc/sxctl", "p", FakeEnvironment({{"HOME", "/home/ops"}}));
  ASSERT_TRUE(settings.ok()) << settings.status();
  EXPECT_EQ(settings->signing_key, "/etc/sxctl/pki/a-signing.key");
  EXPECT_EQ(settings->signing_cert, "/home/ops/pki/a-signing.crt");
  EXPECT_EQ(ParseProfile("signing_key = a\nsigning-key = b\n", "/", "p",
                         FakeEnvironment({}))
                .status()
                .message(),
            "p:2: 'signing_key' is set twice");
}

TEST(ParseProfileTest, ExpandsHome) {
  absl::StatusOr<ConnectionSettings> settings =
      ParseProfile("cert = ~/pki/a.crt\n", "/etc", "p",
                   FakeEnvironment({{"HOME", "/home/ops"}}));
  ASSERT_TRUE(settings.ok());
  EXPECT_EQ(settings->cert, "/home/ops/pki/a.crt");
}

TEST(ParseProfileTest, RejectsMalformedLines) {
  const Environment env = FakeEnvironment({});
  EXPECT_EQ(ParseProfile("hub 1.2.3.4\n", "/", "p", env).status().message(),
            "p:1: expected 'key = value'");
  EXPECT_EQ(ParseProfile("hub =\n", "/", "p", env).status().message(),
            "p:1: 'hub' has no value");
  EXPECT_EQ(
      ParseProfile("hub = a\nhub = b\n", "/", "p", env).status().message(),
      "p:2: 'hub' is set twice");
}

TEST(ResolveClientOptionsTest, FlagsThenEnvironmentThenDefaults) {
  const Environment env = FakeEnvironment({{"SXCTL_HUB", "env:1"},
                                           {"SXCTL_CERT", "env.crt"},
                                           {"SXCTL_KEY", "env.key"},
                                           {"SXCTL_CA", "env-ca.crt"},
                                           {"SXCTL_TIMEOUT", "3"}});
  absl::StatusOr<client::ClientOptions> options =
      ResolveClientOptions(Flags({"--cert", "flag.crt"}), env);
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->hub_address, "env:1");
  EXPECT_EQ(options->certificate_file, "flag.crt");
  EXPECT_EQ(options->private_key_file, "env.key");
  EXPECT_EQ(options->ca_file, "env-ca.crt");
  EXPECT_EQ(options->server_name_override, "");
  EXPECT_EQ(options->call_timeout, absl::Seconds(3));

  options = ResolveClientOptions(
      Flags({"--cert", "c", "--key", "k", "--ca", "a"}), FakeEnvironment({}));
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->hub_address, "127.0.0.1:7443");
  EXPECT_EQ(options->call_timeout, client::ClientOptions().call_timeout);
}

TEST(ResolveClientOptionsTest, RequiresAnIdentityAndAValidTimeout) {
  absl::StatusOr<client::ClientOptions> none =
      ResolveClientOptions(Flags({}), FakeEnvironment({}));
  EXPECT_EQ(none.status().code(), absl::StatusCode::kInvalidArgument);

  absl::StatusOr<client::ClientOptions> bad_timeout =
      ResolveClientOptions(Flags({"--cert", "c", "--key", "k", "--ca", "a"}),
                           FakeEnvironment({{"SXCTL_TIMEOUT", "soon"}}));
  EXPECT_EQ(bad_timeout.status().message(),
            "SXCTL_TIMEOUT: timeout 'soon' is not a positive number of "
            "seconds");
}

TEST(ResolveClientOptionsTest, SigningPairFromFlagsThenEnvironmentThenProfile) {
  const std::string directory =
      std::filesystem::absolute(::testing::TempDir() + "/sxctl_signing_profile")
          .lexically_normal()
          .string();
  std::filesystem::create_directories(directory);
  const std::string profile = directory + "/profile";
  {
    std::ofstream file(profile);
    file << "cert = c\nkey = k\nca = a\n"
         << "signing_key = profile-signing.key\n"
         << "signing_cert = profile-signing.crt\n";
  }

  absl::StatusOr<client::ClientOptions> options =
      ResolveClientOptions(Flags({"--profile", profile}), FakeEnvironment({}));
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->signing.key_file, directory + "/profile-signing.key")
      << "relative to the profile, like cert and key";
  EXPECT_EQ(options->signing.certificate_file,
            directory + "/profile-signing.crt");

  options = ResolveClientOptions(
      Flags({"--profile", profile, "--signing-cert", "flag-signing.crt"}),
      FakeEnvironment({{"SXCTL_SIGNING_KEY", "env-signing.key"},
                       {"SXCTL_SIGNING_CERT", "env-signing.crt"}}));
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->signing.key_file, "env-signing.key");
  EXPECT_EQ(options->signing.certificate_file, "flag-signing.crt");
  // Not the TLS pair.
  EXPECT_EQ(options->certificate_file, directory + "/c");
  EXPECT_EQ(options->private_key_file, directory + "/k");
  std::filesystem::remove_all(directory);
}

TEST(ResolveClientOptionsTest, NoSigningPairLeavesStepsUnsigned) {
  absl::StatusOr<client::ClientOptions> options = ResolveClientOptions(
      Flags({"--cert", "c", "--key", "k", "--ca", "a"}), FakeEnvironment({}));
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->signing.key_file, "");
  EXPECT_EQ(options->signing.certificate_file, "");
}

TEST(ResolveClientOptionsTest, SigningKeyAndCertificateGoTogether) {
  absl::StatusOr<client::ClientOptions> key_only = ResolveClientOptions(
      Flags({"--cert", "c", "--key", "k", "--ca", "a", "--signing-key", "s"}),
      FakeEnvironment({}));
  EXPECT_EQ(key_only.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(
      absl::StrContains(key_only.status().message(), "give --signing-cert"))
      << key_only.status();
  EXPECT_TRUE(absl::StartsWith(key_only.status().message(), "--signing-key:"))
      << key_only.status();

  absl::StatusOr<client::ClientOptions> certificate_only =
      ResolveClientOptions(Flags({"--cert", "c", "--key", "k", "--ca", "a"}),
                           FakeEnvironment({{"SXCTL_SIGNING_CERT", "s.crt"}}));
  EXPECT_EQ(certificate_only.status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(certificate_only.status().message(),
                                "give --signing-key"))
      << certificate_only.status();
  EXPECT_TRUE(absl::StartsWith(certificate_only.status().message(),
                               "SXCTL_SIGNING_CERT:"))
      << certificate_only.status();
}

TEST(ResolveClientOptionsTest, ExplicitProfileMustExist) {
  absl::StatusOr<client::ClientOptions> options = ResolveClientOptions(
      Flags({"--profile", "/nonexistent/sxctl.profile"}), FakeEnvironment({}));
  EXPECT_EQ(options.status().message(),
            "cannot read profile /nonexistent/sxctl.profile");
  // A missing default profile is fine (HOME without .config/sxctl).
  options =
      ResolveClientOptions(Flags({"--cert", "c", "--key", "k", "--ca", "a"}),
                           FakeEnvironment({{"HOME", "/nonexistent"}}));
  EXPECT_TRUE(options.ok()) << options.status();
}

}  // namespace
}  // namespace sx::sxctl
