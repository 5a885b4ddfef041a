#include "tests/e2e/sxctl_fixture.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tests/support/read_file.h"

namespace sx::testing {
namespace {

// Debian's python3; the test's own PATH may point at another one.
constexpr char kPython[] = "/usr/bin/python3";

constexpr auto kProcessDeadline = std::chrono::seconds(60);

}  // namespace

void WriteFile(const std::string& path, const std::string& content) {
  std::filesystem::create_directories(
      std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv,
                           const std::vector<std::string>& env,
                           const std::string& input, const TempDir& dir) {
  static int counter = 0;
  const std::string base = dir.Sub(absl::StrCat("process-", ++counter));
  out_path_ = base + ".out";
  err_path_ = base + ".err";
  const std::string in_path = base + ".in";
  WriteFile(in_path, input);
  std::vector<char*> args;
  for (const std::string& arg : argv)
    args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  std::vector<char*> envp;
  for (const std::string& var : env)
    envp.push_back(const_cast<char*>(var.c_str()));
  envp.push_back(nullptr);
  pid_ = fork();
  if (pid_ == 0) {
    if (!freopen(in_path.c_str(), "r", stdin) ||
        !freopen(out_path_.c_str(), "w", stdout) ||
        !freopen(err_path_.c_str(), "w", stderr)) {
      _exit(126);
    }
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

std::string ChildProcess::out() const { return ReadFile(out_path_); }

void ChildProcess::Signal(int signal_number) { kill(pid_, signal_number); }

bool ChildProcess::WaitForOutput(const std::string& text) const {
  const auto deadline = std::chrono::steady_clock::now() + kProcessDeadline;
  while (std::chrono::steady_clock::now() < deadline) {
    if (absl::StrContains(out(), text)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

ProcessResult ChildProcess::Wait() {
  ProcessResult result;
  const auto deadline = std::chrono::steady_clock::now() + kProcessDeadline;
  int status = 0;
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pid_ = -1;
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  result.out = ReadFile(out_path_);
  result.err = ReadFile(err_path_);
  return result;
}

void SxctlFixture::SetUp() {
  hub_ = std::make_unique<HubProcess>(*pki_, edit_config_);
  const absl::Status started = hub_->Start();
  ASSERT_TRUE(started.ok()) << started;
  home_ = work_.Sub("home");
  std::filesystem::create_directories(home_);
}

std::string SxctlFixture::HubAddress() const {
  return absl::StrCat("127.0.0.1:", hub_->port());
}

std::vector<std::string> SxctlFixture::BaseEnv() const {
  return {"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + home_, "LANG=C.UTF-8",
          "PYTHONIOENCODING=utf-8"};
}

std::vector<std::string> SxctlFixture::ConnectionFlags(
    const std::string& identity) const {
  return {"--hub", HubAddress(),       "--server-name", "localhost",
          "--ca",  pki_->Cert("ca"),   "--cert",        pki_->Cert(identity),
          "--key", pki_->Key(identity)};
}

ProcessResult SxctlFixture::RunRaw(const std::vector<std::string>& args,
                                   const std::vector<std::string>& extra_env) {
  std::vector<std::string> argv = {SX_SXCTL_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<std::string> env = BaseEnv();
  env.insert(env.end(), extra_env.begin(), extra_env.end());
  return ChildProcess(argv, env, "", work_).Wait();
}

ProcessResult SxctlFixture::Run(const std::string& identity,
                                std::vector<std::string> args) {
  const std::vector<std::string> flags = ConnectionFlags(identity);
  args.insert(args.end(), flags.begin(), flags.end());
  return RunRaw(args);
}

std::unique_ptr<ChildProcess> SxctlFixture::Start(
    const std::string& identity, std::vector<std::string> args) {
  std::vector<std::string> argv = {SX_SXCTL_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  const std::vector<std::string> flags = ConnectionFlags(identity);
  argv.insert(argv.end(), flags.begin(), flags.end());
  return std::make_unique<ChildProcess>(argv, BaseEnv(), "", work_);
}

void SxctlFixture::ExpectCommandHelp(const std::string& command) {
  std::vector<std::string> args = absl::StrSplit(command, ' ');
  args.push_back("--help");
  ProcessResult help = RunRaw(args);
  EXPECT_EQ(help.exit_code, 0) << command;
  EXPECT_TRUE(
      absl::StrContains(help.out, absl::StrCat("usage: sxctl ", command)))
      << help.out;
}

std::string SxctlFixture::Json(const std::string& json, const std::string& expr,
                               const std::string& arg) {
  const std::string program =
      "import json,sys\n"
      "d=json.load(sys.stdin)\n"
      "v=eval(sys.argv[1])\n"
      "print(v if isinstance(v,str) else json.dumps(v,ensure_ascii=False))\n";
  ProcessResult result =
      ChildProcess({kPython, "-c", program, expr, arg}, BaseEnv(), json, work_)
          .Wait();
  if (result.exit_code != 0) {
    return absl::StrCat("<python: ", result.err, ">");
  }
  std::string value = result.out;
  if (absl::EndsWith(value, "\n")) value.pop_back();
  return value;
}

}  // namespace sx::testing
