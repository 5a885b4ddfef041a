// `sxhub --check-config` as systemd's ExecStartPre runs it, on the real
// binary: the example config with the dev PKI passes, and each config that a
// start would refuse, or that would start without being able to serve, exits
// 1 with a message naming the setting as the file spells it and the cause.
// A real start on such a config fails with the same message, before it
// creates the database.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "tests/e2e/dev_pki_suite.h"
#include "tests/e2e/hub_process.h"
#include "tests/support/read_file.h"
#include "tests/support/temp_dir.h"

namespace sx::testing {
namespace {

using Edit = std::function<void(std::string&)>;

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Replaces `from`, which the config must contain (else the example changed
// under the test, and the edit would silently test nothing).
void Replace(std::string& config, absl::string_view from,
             absl::string_view to) {
  ASSERT_TRUE(absl::StrContains(config, from))
      << "the example config has no " << from;
  config = absl::StrReplaceAll(config, {{from, to}});
}

class CheckConfigE2eTest : public DevPkiSuite {
 protected:
  // A dev PKI file by name, e.g. "hub.key", "negative/expired.crt", as the
  // loaded config spells it.
  static std::string Pki(absl::string_view name) {
    return absl::StrCat(pki_->dir(), "/pki/", name);
  }

  // The example config, edited, with its pki/ paths pointing at the dev PKI
  // (as HubProcess writes it; its addresses stay as they are: nothing binds).
  std::string WriteConfig(const Edit& edit) {
    std::string config =
        ReadFile(absl::StrCat(SX_SOURCE_DIR, "/deploy/hub.example.textproto"));
    if (edit) edit(config);
    config = absl::StrReplaceAll(
        config, {{"\"pki/", absl::StrCat("\"", pki_->dir(), "/pki/")}});
    const std::string path = work_.Sub("hub.textproto");
    std::ofstream(path) << config;
    return path;
  }

  // sxhub --config=<edited example> --check-config.
  Outcome Check(const Edit& edit) {
    const std::string path = WriteConfig(edit);
    return Run({absl::StrCat("--config=", path), "--check-config"});
  }

  // Runs sxhub with `args` to its exit, capturing its output.
  Outcome Run(const std::vector<std::string>& args) {
    const std::string out_path = work_.Sub("stdout");
    const std::string err_path = work_.Sub("stderr");
    // Built before fork: the child only opens, dups and execs.
    std::vector<char*> argv = {const_cast<char*>(SX_HUB_BINARY)};
    for (const std::string& arg : args) {
      argv.push_back(const_cast<char*>(arg.c_str()));
    }
    argv.push_back(nullptr);
    const pid_t pid = fork();
    if (pid == 0) {
      const int out =
          open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      const int err =
          open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (out < 0 || err < 0) _exit(126);
      dup2(out, STDOUT_FILENO);
      dup2(err, STDERR_FILENO);
      execv(SX_HUB_BINARY, argv.data());
      _exit(127);
    }
    Outcome outcome;
    int status = 0;
    if (pid > 0 && waitpid(pid, &status, 0) == pid) {
      outcome.exit_code =
          WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    outcome.out = ReadFile(out_path);
    outcome.err = ReadFile(err_path);
    return outcome;
  }

  // Refused with exit status 1 and a message that contains `expected`.
  static void ExpectRefused(const Outcome& outcome,
                            const std::string& expected) {
    EXPECT_EQ(outcome.exit_code, 1) << outcome.out << outcome.err;
    EXPECT_TRUE(absl::StrContains(outcome.err, expected))
        << "expected: " << expected << "\nstderr: " << outcome.err;
    EXPECT_FALSE(absl::StrContains(outcome.out, "is valid")) << outcome.out;
  }

  TempDir work_;
};

TEST_F(CheckConfigE2eTest, TheExampleWithTheDevPkiIsValid) {
  const Outcome outcome = Check({});
  EXPECT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_EQ(outcome.out,
            absl::StrCat("sxhub: ", work_.Sub("hub.textproto"), " is valid\n"));
  EXPECT_EQ(outcome.err, "");
  // Checked, not created: nothing of the hub's exists afterwards.
  EXPECT_FALSE(std::filesystem::exists(work_.Sub("data")));
  EXPECT_FALSE(std::filesystem::exists(work_.Sub("data-backups")));
}

TEST_F(CheckConfigE2eTest, AKeyFileTypoIsNamedAsTheFileSpellsIt) {
  const Outcome outcome = Check([](std::string& config) {
    Replace(config, "key_file: \"pki/hub.key\"", "key_file: \"pki/hub.kye\"");
  });
  ExpectRefused(outcome,
                absl::StrCat("sxhub: config: tls.key_file \"", Pki("hub.kye"),
                             "\": cannot be read: No such file or "
                             "directory\n"));
  // Not the checkpoint signing key, a setting the operator never wrote.
  EXPECT_FALSE(absl::StrContains(outcome.err, "signing")) << outcome.err;
}

TEST_F(CheckConfigE2eTest, TheCaCertificateAsTheServingCertificateIsRefused) {
  const Outcome outcome = Check([](std::string& config) {
    Replace(config, "cert_file: \"pki/hub.crt\"", "cert_file: \"pki/ca.crt\"");
  });
  ExpectRefused(outcome,
                absl::StrCat("tls.cert_file \"", Pki("ca.crt"),
                             "\": is a CA certificate (basicConstraints "
                             "CA:TRUE)"));
}

TEST_F(CheckConfigE2eTest, AListenAddressWithoutAPortIsRefused) {
  const Outcome outcome = Check([](std::string& config) {
    Replace(config, "listen_address: \"127.0.0.1:7443\"",
            "listen_address: \"127.0.0.1\"");
  });
  ExpectRefused(outcome,
                "listen_address \"127.0.0.1\": has no port (gRPC would listen "
                "on 443)");
}

TEST_F(CheckConfigE2eTest, AMetricsAddressWithoutAPortIsRefused) {
  const Outcome outcome = Check([](std::string& config) {
    Replace(config, "metrics_address: \"127.0.0.1:9464\"",
            "metrics_address: \"127.0.0.1\"");
  });
  ExpectRefused(outcome, "metrics_address \"127.0.0.1\": has no port");
}

TEST_F(CheckConfigE2eTest, AConsoleAddressIsCheckedLikeTheMetricsAddress) {
  const Outcome outcome = Check([](std::string& config) {
    config += "\nconsole_address: \"console.example:7444\"\n";
  });
  ExpectRefused(outcome,
                "console_address \"console.example:7444\": host "
                "\"console.example\" is not an IPv4 address or \"localhost\"");
}

TEST_F(CheckConfigE2eTest, AConsoleOnTheGrpcPortIsRefused) {
  const Outcome outcome = Check([](std::string& config) {
    config += "\nconsole_address: \"127.0.0.1:7443\"\n";
  });
  ExpectRefused(outcome,
                "console_address \"127.0.0.1:7443\": is also the address of "
                "another listener of this hub");
}

TEST_F(CheckConfigE2eTest, TheKeyOfAnotherCertificateIsRefused) {
  const Outcome outcome = Check([](std::string& config) {
    Replace(config, "key_file: \"pki/hub.key\"",
            "key_file: \"pki/inspection-office.key\"");
  });
  ExpectRefused(outcome,
                absl::StrCat("tls.key_file \"", Pki("inspection-office.key"),
                             "\": is not the key of tls.cert_file \"",
                             Pki("hub.crt"), "\""));
}

// negative/expired is a client certificate (clientAuth only) that expired
// on 2021-01-01: both are reported, in one run.
TEST_F(CheckConfigE2eTest, AnExpiredClientCertificateGetsBothProblems) {
  const Outcome outcome = Check([](std::string& config) {
    Replace(config, "pki/hub.crt", "pki/negative/expired.crt");
    Replace(config, "pki/hub.key", "pki/negative/expired.key");
  });
  const std::string field =
      absl::StrCat("tls.cert_file \"", Pki("negative/expired.crt"), "\": ");
  ExpectRefused(outcome,
                absl::StrCat(field, "expired on 2021-01-01 00:00:00 UTC"));
  ExpectRefused(outcome,
                absl::StrCat(field, "its extendedKeyUsage lacks serverAuth"));
  EXPECT_TRUE(absl::StrContains(outcome.err, "sxhub: config: 2 problems:\n"))
      << outcome.err;
}

TEST_F(CheckConfigE2eTest, ACertificateNotYetValidIsRefused) {
  const Outcome outcome = Check([](std::string& config) {
    Replace(config, "pki/hub.crt", "pki/negative/not-yet-valid.crt");
    Replace(config, "pki/hub.key", "pki/negative/not-yet-valid.key");
  });
  ExpectRefused(outcome, absl::StrCat("tls.cert_file \"",
                                      Pki("negative/not-yet-valid.crt"),
                                      "\": not valid before 2099-01-01"));
}

TEST_F(CheckConfigE2eTest, ACertificateOfAnotherCaIsRefused) {
  const Outcome outcome = Check([](std::string& config) {
    Replace(config, "pki/hub.crt", "pki/negative/foreign.crt");
    Replace(config, "pki/hub.key", "pki/negative/foreign.key");
  });
  ExpectRefused(outcome,
                absl::StrCat("tls.cert_file \"", Pki("negative/foreign.crt"),
                             "\": does not verify against tls.ca_file \"",
                             Pki("ca.crt"), "\""));
}

TEST_F(CheckConfigE2eTest, ARevokedServingCertificateIsRefused) {
  const Outcome outcome = Check([](std::string& config) {
    Replace(config, "pki/hub.crt", "pki/negative/revoked.crt");
    Replace(config, "pki/hub.key", "pki/negative/revoked.key");
  });
  ExpectRefused(outcome,
                absl::StrCat("tls.cert_file \"", Pki("negative/revoked.crt"),
                             "\": is revoked by a CRL in tls.crl_directory"));
}

TEST_F(CheckConfigE2eTest, ACaFileWithoutACaIsRefused) {
  const Outcome outcome = Check([](std::string& config) {
    Replace(config, "ca_file: \"pki/ca.crt\"", "ca_file: \"pki/hub.crt\"");
  });
  ExpectRefused(outcome, absl::StrCat("tls.ca_file \"", Pki("hub.crt"),
                                      "\": holds no CA certificate"));
}

TEST_F(CheckConfigE2eTest, AMissingCrlDirectoryIsRefused) {
  const Outcome outcome = Check([](std::string& config) {
    Replace(config, "crl_directory: \"pki/crl\"",
            "crl_directory: \"pki/no-such-crl\"");
  });
  ExpectRefused(outcome,
                absl::StrCat("tls.crl_directory \"", Pki("no-such-crl"),
                             "\": cannot be read: No such file or directory"));
}

TEST_F(CheckConfigE2eTest, AMissingSigningKeyFileIsNamed) {
  const Outcome outcome = Check([](std::string& config) {
    Replace(config, "# signing_key_file: \"pki/checkpoint.key\"",
            "signing_key_file: \"pki/checkpoint.key\"");
  });
  ExpectRefused(
      outcome,
      absl::StrCat("audit_log.signing_key_file \"", Pki("checkpoint.key"),
                   "\": cannot be read: No such file or directory"));
}

TEST_F(CheckConfigE2eTest, ADataDirWhoseParentIsMissingIsRefused) {
  const std::string data_dir = work_.Sub("missing/data");
  const Outcome outcome = Check([&data_dir](std::string& config) {
    Replace(config, "data_dir: \"data\"",
            absl::StrCat("data_dir: \"", data_dir, "\""));
  });
  ExpectRefused(outcome, absl::StrCat("data_dir \"", data_dir,
                                      "\": does not exist, and neither does \"",
                                      work_.Sub("missing"), "\""));
}

// An operator fixes everything in one go: every problem is listed.
TEST_F(CheckConfigE2eTest, EveryProblemIsListed) {
  const Outcome outcome = Check([](std::string& config) {
    Replace(config, "key_file: \"pki/hub.key\"", "key_file: \"pki/hub.kye\"");
    Replace(config, "listen_address: \"127.0.0.1:7443\"",
            "listen_address: \"127.0.0.1\"");
    Replace(config, "metrics_address: \"127.0.0.1:9464\"",
            "metrics_address: \"127.0.0.1\"");
  });
  ExpectRefused(outcome, "sxhub: config: 3 problems:\n");
  ExpectRefused(outcome, "\n  listen_address \"127.0.0.1\": has no port");
  ExpectRefused(outcome, "\n  metrics_address \"127.0.0.1\": has no port");
  ExpectRefused(outcome, absl::StrCat("\n  tls.key_file \"", Pki("hub.kye"),
                                      "\": cannot be read"));
}

// Start and --check-config share one validation: the start refuses with the
// same message, before it opens (and so creates) the database.
TEST_F(CheckConfigE2eTest, AStartRefusesWhatTheCheckRefusesWithItsMessage) {
  const Edit typo = [](std::string& config) {
    Replace(config, "hub.key\"", "hub.kye\"");
  };
  const Outcome checked = Check(typo);
  ASSERT_EQ(checked.exit_code, 1) << checked.err;

  HubProcess hub(*pki_, typo);
  const absl::Status started = hub.Start();
  ASSERT_FALSE(started.ok()) << "the hub started on a config the check refused";
  EXPECT_TRUE(absl::StrContains(hub.ReadLog(), checked.err))
      << "check: " << checked.err << "start: " << hub.ReadLog();
  EXPECT_FALSE(std::filesystem::exists(hub.data_dir())) << hub.data_dir();
}

}  // namespace
}  // namespace sx::testing
