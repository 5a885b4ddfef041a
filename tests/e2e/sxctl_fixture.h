// The fixture of sxctl's end-to-end tests: a dev PKI, a real sxhub, and the
// real sxctl binary run in child processes with a clean environment, as any
// identity of the PKI. JSON output is read with python3's json module, so
// that "parses as JSON" means what it says.
//
//   class MyTest : public SxctlFixture {};
//   TEST_F(MyTest, Status) {
//     ProcessResult status = Run("admin-ops", {"admin", "status", "--json"});
//     EXPECT_EQ(Json(status.out, "d['hub_id']"), "demo");
//   }
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/e2e/dev_pki_suite.h"
#include "tests/e2e/hub_process.h"
#include "tests/support/read_file.h"
#include "tests/support/temp_dir.h"

namespace sx::testing {

// Identities of the dev PKI.
inline constexpr char kInspection[] = "inspection-office";
inline constexpr char kCommission[] = "discipline-commission";
inline constexpr char kOrganization[] = "organization-dept";
inline constexpr char kAuditBureau[] = "audit-bureau";
inline constexpr char kStationed[] = "stationed-education";
inline constexpr char kAdmin[] = "admin-ops";
inline constexpr char kAuditor[] = "auditor-audit";

// Creates the parent directories as needed.
void WriteFile(const std::string& path, const std::string& content);

struct ProcessResult {
  int exit_code = -1;  // -1: killed by a signal or by the deadline
  std::string out;
  std::string err;
};

// A child process with its stdout and stderr captured in files. A hung
// child fails its test after a deadline instead of hanging the suite.
class ChildProcess {
 public:
  // `env` is the whole environment: the test's own SXCTL_* variables and
  // ~/.config/sxctl/profile must not leak in.
  ChildProcess(const std::vector<std::string>& argv,
               const std::vector<std::string>& env, const std::string& input,
               const TempDir& dir);
  ~ChildProcess();

  std::string out() const;
  void Signal(int signal_number);
  // Polls until stdout contains `text`; false after the deadline.
  bool WaitForOutput(const std::string& text) const;
  ProcessResult Wait();

 private:
  pid_t pid_ = -1;
  std::string out_path_;
  std::string err_path_;
};

class SxctlFixture : public DevPkiSuite {
 protected:
  // Starts `hub_` with the example config, edited by `edit_config_` if set.
  void SetUp() override;

  std::string HubAddress() const;
  // A clean environment with an empty HOME.
  std::vector<std::string> BaseEnv() const;
  // Flags that name the hub and `identity`'s certificate and key.
  std::vector<std::string> ConnectionFlags(const std::string& identity) const;

  ProcessResult RunRaw(const std::vector<std::string>& args,
                       const std::vector<std::string>& extra_env = {});
  // sxctl as `identity`: the connection flags go after the command, which
  // also shows that global flags may follow it.
  ProcessResult Run(const std::string& identity, std::vector<std::string> args);
  std::unique_ptr<ChildProcess> Start(const std::string& identity,
                                      std::vector<std::string> args);

  // `sxctl COMMAND --help` exits 0 and shows the command's usage line.
  void ExpectCommandHelp(const std::string& command);

  // Evaluates the Python expression `expr` over `json` parsed as `d`;
  // strings come back raw, other values as JSON. A parse failure or a
  // missing key comes back as "<python: ...>", which no test expects.
  // `arg` is sys.argv[2], for comparing with text that is awkward to quote.
  std::string Json(const std::string& json, const std::string& expr,
                   const std::string& arg = "");

  std::function<void(std::string&)> edit_config_;
  TempDir work_;
  std::string home_;
  std::unique_ptr<HubProcess> hub_;
};

}  // namespace sx::testing
