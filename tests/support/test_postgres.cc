#include "tests/support/test_postgres.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "tests/support/free_port.h"
#include "tests/support/postgres_install.h"
#include "tests/support/postgres_watchdog.h"
#include "tests/support/read_file.h"
#include "tests/support/run_program.h"

namespace sx::testing {
namespace {

constexpr char kUser[] = "sxtest";
// How long a start (with crash recovery) or the end of killed processes
// may take before the test fails.
constexpr std::chrono::seconds kServerTimeout(30);
// Starts that lost their port to another process before giving up: tests
// run side by side, each process with a server of its own.
constexpr int kPortAttempts = 10;
constexpr std::chrono::milliseconds kPollInterval(10);

[[noreturn]] void Fail(const std::string& why) {
  std::fprintf(stderr, "TestPostgres: %s\n", why.c_str());
  std::abort();
}

std::string Tail(const std::string& text, size_t lines = 30) {
  size_t at = text.size();
  for (size_t seen = 0; at > 0 && seen <= lines; --at) {
    if (text[at - 1] == '\n') ++seen;
  }
  return text.substr(at == 0 ? 0 : at + 1);
}

// A port nobody listens on now. Someone may take it before the server
// binds it; StartServer() then tries another.
int FreePort() {
  const int port = FreeLoopbackPort();
  if (port < 0) Fail("no free port on 127.0.0.1");
  return port;
}

// The server's user must be able to walk down to its directory; as root,
// $TMPDIR may be under /root, which it cannot enter.
bool EveryoneCanEnter(std::filesystem::path path) {
  for (path = std::filesystem::absolute(path);; path = path.parent_path()) {
    struct stat info;
    if (stat(path.c_str(), &info) != 0 || (info.st_mode & S_IXOTH) == 0) {
      return false;
    }
    if (path == path.root_path()) return true;
  }
}

// A fresh directory for one server, owned by the server's user.
std::string MakeServerDirectory() {
  const std::optional<RunAs>& server_user = PostgresServerUser();
  std::filesystem::path parent = std::filesystem::temp_directory_path();
  if (server_user.has_value() && !EveryoneCanEnter(parent)) parent = "/tmp";
  std::string directory = (parent / "sx-postgres-XXXXXX").string();
  if (mkdtemp(directory.data()) == nullptr) {
    Fail("mkdtemp failed in " + parent.string());
  }
  if (server_user.has_value() &&
      chown(directory.c_str(), server_user->uid, server_user->gid) != 0) {
    Fail("cannot hand " + directory + " to the postgres user");
  }
  return directory;
}

std::vector<std::string> InitdbArgs(const std::string& data) {
  // -k: data checksums, so that fault tests see damage reported as such.
  // --no-sync: nothing here has to survive a machine crash.
  return {PostgresBinDir() + "/initdb",
          "-D",
          data,
          "-U",
          kUser,
          "--auth=trust",
          "--encoding=UTF8",
          "--locale=C",
          "-k",
          "--no-sync"};
}

void Initdb(const std::string& data) {
  const ProgramResult initdb =
      RunProgram(InitdbArgs(data), PostgresServerUser());
  if (initdb.exit_code != 0) {
    Fail(absl::StrCat("initdb exited with ", initdb.exit_code, ":\n",
                      Tail(initdb.out + initdb.err)));
  }
}

// cp -a: as root it keeps the server's user as the owner, which the server
// insists on for its data directory.
bool CopyTree(const std::string& from, const std::string& to) {
  return RunProgram({"cp", "-a", from, to}).exit_code == 0;
}

// Fills `data` with a new cluster. initdb takes about a second, and every
// test case runs in a process of its own (gtest_discover_tests), each
// starting its own shared server; so the first one's cluster is kept in the
// build tree as a template that later ones copy (in a tenth of the time).
// Named after what made it; made under a name of its own and renamed into
// place, so that a process that loses the race uses the winner's.
void MakeCluster(const std::string& data) {
#ifdef SX_POSTGRES_TEMPLATES
  const std::optional<RunAs>& server_user = PostgresServerUser();
  const std::string recipe =
      absl::StrCat(absl::StrJoin(InitdbArgs("DATA"), " "),
                   " owner=", server_user ? server_user->uid : geteuid());
  const std::string path = absl::StrCat(SX_POSTGRES_TEMPLATES, "/",
                                        std::hash<std::string>()(recipe));
  if (std::filesystem::exists(path)) {
    if (!CopyTree(path, data)) Fail("cannot copy " + path + " to " + data);
    return;
  }
  Initdb(data);
  // Keeping the template is only a saving: a build tree we may not write
  // (another user's) means initdb every time.
  std::error_code error;
  std::filesystem::create_directories(SX_POSTGRES_TEMPLATES, error);
  const std::string made = absl::StrCat(path, ".", getpid());
  if (!CopyTree(data, made) || rename(made.c_str(), path.c_str()) != 0) {
    std::filesystem::remove_all(made, error);
  }
#else
  Initdb(data);
#endif
}

void AppendSettings(const std::string& directory,
                    const TestPostgresOptions& options) {
  const char* fsync = options.fsync ? "on" : "off";
  const std::string path = directory + "/data/postgresql.conf";
  std::ofstream conf(path, std::ios::app);
  // The port is given on the command line: it is only known at start.
  // synchronous_commit stays as it is: the store sets its own.
  conf << "\n# sx::testing::TestPostgres\n"
       << "listen_addresses = '127.0.0.1'\n"
       << "unix_socket_directories = '" << directory << "'\n"
       << "max_connections = 200\n"
       << "shared_buffers = 32MB\n"
       << "fsync = " << fsync << "\n"
       << "full_page_writes = " << fsync << "\n";
  if (!conf.flush()) Fail("cannot write " + path);
}

// What a primary needs for standbys (the defaults, but said here), and
// every standby synchronous. A standby copies these with the rest of the
// configuration, and so has them too once promoted.
void AppendReplicationSettings(const std::string& directory) {
  const std::string path = directory + "/data/postgresql.conf";
  std::ofstream conf(path, std::ios::app);
  conf << "\n# sx::testing::TestPostgres::StartPrimary\n"
       << "wal_level = replica\n"
       << "max_wal_senders = 5\n"
       << "hot_standby = on\n"
       << "synchronous_standby_names = '*'\n";
  if (!conf.flush()) Fail("cannot write " + path);
}

// A copy of the cluster of the server on `primary_port` in `data`, set up
// to stream from it as `application_name` (-R writes standby.signal and
// primary_conninfo from the conninfo given). -c fast: the backup starts
// from a checkpoint made at once rather than spread over minutes.
void BaseBackup(int primary_port, const std::string& application_name,
                const std::string& data) {
  const ProgramResult backup = RunProgram(
      {PostgresBinDir() + "/pg_basebackup", "-d",
       absl::StrCat("host=127.0.0.1 port=", primary_port, " user=", kUser,
                    " application_name=", application_name),
       "-D", data, "-R", "-X", "stream", "-c", "fast", "--no-sync"},
      PostgresServerUser());
  if (backup.exit_code != 0) {
    Fail(absl::StrCat("pg_basebackup of the server on port ", primary_port,
                      " exited with ", backup.exit_code, ":\n",
                      Tail(backup.out + backup.err)));
  }
}

// Runs `sql` until it returns `expected`, or aborts saying `what` did not
// happen in time.
void AwaitRows(const std::string& conninfo, const std::string& sql,
               const std::string& expected, const std::string& what) {
  absl::StatusOr<std::string> rows;
  const auto deadline = std::chrono::steady_clock::now() + kServerTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    rows = RunPsql(conninfo, sql);
    if (rows.ok() && *rows == expected) return;
    std::this_thread::sleep_for(kPollInterval);
  }
  Fail(absl::StrCat(what, " within 30 s; last answer: ",
                    rows.ok() ? *rows : rows.status().ToString()));
}

// The state letter and parent of a process, from /proc; false if it is gone.
bool ReadProcessStat(pid_t pid, char* state, pid_t* parent) {
  const std::string stat = ReadFile(absl::StrCat("/proc/", pid, "/stat"));
  // "pid (name) state ppid ...": the name may hold spaces and parentheses.
  const size_t name_end = stat.rfind(')');
  int ppid = 0;
  if (name_end == std::string::npos ||
      std::sscanf(stat.c_str() + name_end + 1, " %c %d", state, &ppid) != 2) {
    return false;
  }
  *parent = ppid;
  return true;
}

std::vector<pid_t> ChildrenOf(pid_t parent) {
  std::vector<pid_t> children;
  std::error_code error;
  for (const auto& entry :
       std::filesystem::directory_iterator("/proc", error)) {
    pid_t pid = 0;
    char state = 0;
    pid_t its_parent = 0;
    if (absl::SimpleAtoi(entry.path().filename().string(), &pid) &&
        ReadProcessStat(pid, &state, &its_parent) && its_parent == parent) {
      children.push_back(pid);
    }
  }
  return children;
}

// Until it has really stopped: kill() returns before the signal lands.
void WaitUntilStopped(pid_t pid) {
  char state = 0;
  pid_t parent = 0;
  const auto deadline = std::chrono::steady_clock::now() + kServerTimeout;
  while (ReadProcessStat(pid, &state, &parent) && state != 'T') {
    if (std::chrono::steady_clock::now() > deadline) {
      Fail(absl::StrCat("server process ", pid, " ignored SIGSTOP"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

// Gone, or a zombie nobody has reaped yet (the killed server's orphans
// belong to init, which in a container may reap late or never): either way
// it no longer holds the server's shared memory, which a restart checks.
bool Exited(pid_t pid) {
  char state = 0;
  pid_t parent = 0;
  return !ReadProcessStat(pid, &state, &parent) || state == 'Z' || state == 'X';
}

TestPostgres* shared_server = nullptr;

void StopSharedServer() { delete shared_server; }

}  // namespace

TestPostgres& TestPostgres::Shared() {
  static TestPostgres* const server = [] {
    TestPostgresOptions options;
    options.fsync = false;
    shared_server = Start(options).release();
    std::atexit(StopSharedServer);
    return shared_server;
  }();
  return *server;
}

std::unique_ptr<TestPostgres> TestPostgres::Start(
    const TestPostgresOptions& options) {
  std::unique_ptr<TestPostgres> server(new TestPostgres(MakeServerDirectory()));
  MakeCluster(server->directory_ + "/data");
  server->FirstStart(options);
  return server;
}

std::unique_ptr<TestPostgres> TestPostgres::StartPrimary(
    const TestPostgresOptions& options) {
  std::unique_ptr<TestPostgres> server(new TestPostgres(MakeServerDirectory()));
  MakeCluster(server->directory_ + "/data");
  AppendReplicationSettings(server->directory_);
  server->FirstStart(options);
  return server;
}

std::unique_ptr<TestPostgres> TestPostgres::StartStandbyOf(
    const TestPostgres& primary, const TestPostgresOptions& options) {
  std::unique_ptr<TestPostgres> server(new TestPostgres(MakeServerDirectory()));
  // Unique among the primary's standbys, to find this one among them.
  const std::string name =
      std::filesystem::path(server->directory_).filename().string();
  BaseBackup(primary.port(), name, server->directory_ + "/data");
  server->FirstStart(options);
  primary.AwaitStandby(name);
  return server;
}

TestPostgres::TestPostgres(std::string directory)
    : owner_(getpid()),
      directory_(std::move(directory)),
      watchdog_(std::make_unique<PostgresWatchdog>(directory_)) {}

void TestPostgres::FirstStart(const TestPostgresOptions& options) {
  AppendSettings(directory_, options);
  port_ = options.port;
  StartServer(/*may_change_port=*/options.port == 0);
}

TestPostgres::~TestPostgres() {
  if (getpid() != owner_) return;
  if (postmaster_ > 0) {
    // SIGQUIT is what `pg_ctl stop -m immediate` sends: no shutdown
    // checkpoint, which nobody would use.
    kill(postmaster_, SIGQUIT);
    waitpid(postmaster_, nullptr, 0);
  }
  std::error_code error;
  std::filesystem::remove_all(directory_, error);
}

// The postmaster is our own child rather than pg_ctl's daemon: we learn at
// once if it exits (a port lost to someone else), Kill() reaps it, and a
// test binary killed with its process tree (ctest's timeout) takes it along.
void TestPostgres::StartServer(bool may_change_port) {
  const std::string log_path = directory_ + "/postgres.log";
  const std::string pid_path = directory_ + "/data/postmaster.pid";
  for (int attempt = 1; attempt <= kPortAttempts; ++attempt) {
    if (may_change_port) port_ = FreePort();
    const int log =
        open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log < 0) Fail("cannot open " + log_path);
    const off_t log_start = lseek(log, 0, SEEK_END);
    postmaster_ =
        SpawnProgram({PostgresBinDir() + "/postgres", "-D",
                      directory_ + "/data", "-p", absl::StrCat(port_)},
                     log, log, PostgresServerUser());
    close(log);
    if (postmaster_ < 0) Fail("fork for postgres failed");
    watchdog_->ServerStarted(postmaster_);

    // Ready when the postmaster.pid it wrote (not one a killed server left)
    // says so: what `pg_ctl start -w` waits for.
    std::string failure = "did not accept connections within 30 s";
    const auto deadline = std::chrono::steady_clock::now() + kServerTimeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(postmaster_, &status, WNOHANG) == postmaster_) {
        failure = WIFEXITED(status)
                      ? absl::StrCat("exited with code ", WEXITSTATUS(status))
                      : absl::StrCat("died of signal ", WTERMSIG(status));
        postmaster_ = -1;
        watchdog_->ServerGone();
        break;
      }
      const std::vector<std::string> lines =
          absl::StrSplit(ReadFile(pid_path), '\n');
      if (lines.size() >= 8 && lines[0] == absl::StrCat(postmaster_) &&
          absl::StripAsciiWhitespace(lines[7]) == "ready") {
        return;
      }
      std::this_thread::sleep_for(kPollInterval);
    }
    if (postmaster_ > 0) Kill();
    const std::string log_text = ReadFile(log_path).substr(log_start);
    if (!may_change_port ||
        !absl::StrContains(log_text, "Address already in use")) {
      Fail(absl::StrCat("the server in ", directory_, " on port ", port_, " ",
                        failure, "; the end of its log:\n", Tail(log_text)));
    }
  }
  Fail(absl::StrCat("the server in ", directory_, " found no free port in ",
                    kPortAttempts, " attempts"));
}

std::string TestPostgres::ConnInfo(const std::string& database) const {
  return absl::StrCat("host=127.0.0.1 port=", port_, " dbname=", database,
                      " user=", kUser, " connect_timeout=5");
}

std::string TestPostgres::NewDatabase() {
  const std::string name =
      absl::StrCat("sxtest_", owner_, "_", ++databases_made_);
  const absl::StatusOr<std::string> created =
      RunPsql(ConnInfo("postgres"), "CREATE DATABASE " + name);
  if (!created.ok()) {
    Fail(absl::StrCat("CREATE DATABASE ", name, " failed: ",
                      created.status().ToString(), "\nthe end of the log:\n",
                      Tail(ReadFile(directory_ + "/postgres.log"))));
  }
  return ConnInfo(name);
}

void TestPostgres::Kill() {
  if (postmaster_ <= 0) return;
  // Stopped first, so that it starts no backend between the listing and the
  // kill. Its children die too, as in a real crash, and because a restart
  // refuses while any of them still holds the shared memory.
  kill(postmaster_, SIGSTOP);
  WaitUntilStopped(postmaster_);
  const std::vector<pid_t> children = ChildrenOf(postmaster_);
  kill(postmaster_, SIGKILL);
  waitpid(postmaster_, nullptr, 0);
  postmaster_ = -1;
  watchdog_->ServerGone();
  for (pid_t child : children) kill(child, SIGKILL);
  const auto deadline = std::chrono::steady_clock::now() + kServerTimeout;
  for (pid_t child : children) {
    while (!Exited(child)) {
      if (std::chrono::steady_clock::now() > deadline) {
        Fail(absl::StrCat("server process ", child, " outlived SIGKILL"));
      }
      std::this_thread::sleep_for(kPollInterval);
    }
  }
}

void TestPostgres::Restart() {
  if (postmaster_ > 0) Fail("Restart() of a running server; Kill() it first");
  StartServer(/*may_change_port=*/false);
}

void TestPostgres::Promote() {
  // Not pg_promote's own wait, which looks only every 100 ms.
  const absl::StatusOr<std::string> promoted =
      RunPsql(ConnInfo("postgres"), "SELECT pg_promote(wait => false)");
  if (!promoted.ok() || *promoted != "t\n") {
    Fail(absl::StrCat(
        "pg_promote() on port ", port_,
        " failed: ", promoted.ok() ? *promoted : promoted.status().ToString()));
  }
  AwaitRows(ConnInfo("postgres"), "SELECT pg_is_in_recovery()", "f\n",
            absl::StrCat("the server on port ", port_, " was not promoted"));
}

void TestPostgres::AwaitStandby(const std::string& application_name) const {
  AwaitRows(ConnInfo("postgres"),
            absl::StrCat("SELECT count(*) FROM pg_stat_replication "
                         "WHERE application_name = '",
                         application_name,
                         "' AND state = 'streaming' AND "
                         "(sync_state IN ('sync', 'quorum') OR "
                         "current_setting('synchronous_standby_names') = '')"),
            "1\n",
            absl::StrCat("the standby ", application_name, " of port ", port_,
                         " was not streaming"));
}

absl::StatusOr<std::string> RunPsql(const std::string& conninfo,
                                    const std::string& sql) {
  // -X: no ~/.psqlrc; -A -t: bare rows; -q: no command tags.
  const ProgramResult psql =
      RunProgram({PsqlPath(), "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1",
                  "-d", conninfo, "-c", sql});
  switch (psql.exit_code) {
    case 0:
      return psql.out;
    case 2:  // psql: the connection failed or was lost
      return absl::UnavailableError(psql.err);
    default:
      return absl::InternalError(
          absl::StrCat("psql exited with ", psql.exit_code, ": ", psql.err));
  }
}

}  // namespace sx::testing
