#include "tests/support/postgres_install.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace sx::testing {
namespace {

[[noreturn]] void Missing(const std::string& what) {
  std::fprintf(stderr, "TestPostgres: %s\n", what.c_str());
  std::abort();
}

bool HasServer(const std::string& bin) {
  return access((bin + "/postgres").c_str(), X_OK) == 0 &&
         access((bin + "/initdb").c_str(), X_OK) == 0;
}

}  // namespace

const std::string& PostgresBinDir() {
  static const std::string dir = [] {
    if (const char* chosen = std::getenv("SX_POSTGRES_BINDIR")) {
      if (!HasServer(chosen)) {
        Missing(absl::StrCat("SX_POSTGRES_BINDIR=", chosen,
                             " has no postgres and initdb"));
      }
      return std::string(chosen);
    }
    std::string newest;
    int newest_major = -1;
    std::error_code error;
    for (const auto& entry :
         std::filesystem::directory_iterator("/usr/lib/postgresql", error)) {
      int major = 0;
      const std::string bin = entry.path().string() + "/bin";
      if (absl::SimpleAtoi(entry.path().filename().string(), &major) &&
          major > newest_major && HasServer(bin)) {
        newest_major = major;
        newest = bin;
      }
    }
    if (newest.empty()) {
      Missing(
          "no PostgreSQL server under /usr/lib/postgresql/*/bin "
          "(deploy/install-deps.sh installs postgresql-15), and "
          "SX_POSTGRES_BINDIR is not set");
    }
    return newest;
  }();
  return dir;
}

std::string PsqlPath() {
  const std::string beside_server = PostgresBinDir() + "/psql";
  return access(beside_server.c_str(), X_OK) == 0 ? beside_server : "psql";
}

const std::optional<RunAs>& PostgresServerUser() {
  static const std::optional<RunAs> user = []() -> std::optional<RunAs> {
    if (geteuid() != 0) return std::nullopt;
    const passwd* entry = getpwnam("postgres");
    if (entry == nullptr) {
      Missing(
          "running as root, which PostgreSQL refuses, and there is no "
          "`postgres` user to run the server as (postgresql-common creates "
          "it)");
    }
    return RunAs{entry->pw_uid, entry->pw_gid};
  }();
  return user;
}

}  // namespace sx::testing
