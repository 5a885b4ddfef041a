// Connections for reads outside transactions, shared by every reader
// thread: a read takes a free connection (waiting if all are busy),
// connecting it first if it is new or was lost.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "storage/postgres_connection.h"

namespace sx::storage {

// Thread-safe.
class PgReaderPool {
 public:
  PgReaderPool(std::string conninfo, absl::Duration connect_timeout,
               std::string application_name, size_t size);

  // Runs `read` on a connection of the pool. A connection the database
  // dropped while it sat idle (a restart, a failover) shows only when it is
  // used: the read is then tried once more on a new one.
  template <typename T>
  absl::StatusOr<T> Read(
      const std::function<absl::StatusOr<T>(PgConnection&)>& read) {
    absl::StatusOr<T> result = absl::UnavailableError("storage: not read");
    for (int attempt = 0; attempt < 2; ++attempt) {
      absl::StatusOr<std::unique_ptr<PgConnection>> connection = Take();
      if (!connection.ok()) return connection.status();
      result = read(**connection);
      const bool lost = !(*connection)->usable();
      Give(*std::move(connection));
      if (result.ok() || !lost) break;
    }
    return result;
  }

 private:
  absl::StatusOr<std::unique_ptr<PgConnection>> Take();
  // Keeps the connection for the next read, unless it was lost.
  void Give(std::unique_ptr<PgConnection> connection);
  bool HasRoom() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !idle_.empty() || in_use_ < size_;
  }

  const std::string conninfo_;
  const absl::Duration connect_timeout_;
  const std::string application_name_;
  const size_t size_;
  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<PgConnection>> idle_ ABSL_GUARDED_BY(mu_);
  size_t in_use_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace sx::storage
