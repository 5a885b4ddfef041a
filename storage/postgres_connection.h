// One libpq connection, with the few things the store needs of it:
// parameterized statements (prepared once per connection, reused after),
// binary results, and errors turned into absl::Status with a code the hub
// can act on (UNAVAILABLE when the database is gone or read-only, so that a
// client retries, perhaps on another hub).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

struct pg_conn;
struct pg_result;

namespace sx::storage {

// How a value is sent: text, bytea (any bytes) or a bigint.
enum class PgType { kText, kBytes, kInt };
// One value as sent: the bytes of a kText or kBytes value, or a kInt.
using PgField = std::variant<std::string, int64_t>;

// Parameters of one statement: $1, $2, ... in the order added.
class PgParams {
 public:
  PgParams& Text(absl::string_view value);
  PgParams& Int(int64_t value);
  // Sent as bytea, in binary: any bytes, NUL included.
  PgParams& Bytes(absl::string_view value);
  PgParams& Field(PgType type, const PgField& value);
  // One array parameter (text[], bytea[] or bigint[]), sent in binary:
  // a column of many rows that the statement unnests, so that one
  // statement of a fixed text writes any number of rows.
  PgParams& Array(PgType element, absl::Span<const PgField* const> values);

 private:
  friend class PgConnection;
  // The values as libpq takes them; valid while this PgParams is.
  std::vector<const char*> Pointers() const;
  std::vector<int> Lengths() const;

  std::vector<std::string> values_;
  std::vector<unsigned int> types_;  // Oid; 0 lets the server infer it
  std::vector<int> formats_;         // 0 text, 1 binary
};

// The rows of one statement's result, in binary form.
class PgResult {
 public:
  explicit PgResult(pg_result* result);
  ~PgResult();
  PgResult(PgResult&& other) noexcept;
  PgResult& operator=(PgResult&&) = delete;
  PgResult(const PgResult&) = delete;

  int rows() const;
  bool IsNull(int row, int column) const;
  // text, bytea: the raw bytes.
  std::string Bytes(int row, int column) const;
  // smallint, integer, bigint.
  int64_t Int(int row, int column) const;

 private:
  friend class PgConnection;
  pg_result* result_;
};

// One statement of a transaction run by PgConnection::RunTransaction.
struct PgStatement {
  std::string what;
  std::string sql;
  PgParams params;
};

// Not thread-safe: one user at a time.
class PgConnection {
 public:
  // UNAVAILABLE if the server cannot be reached within `timeout` (unless
  // the conninfo sets its own connect_timeout).
  // `application_name` (unless the conninfo sets one) shows in
  // pg_stat_activity which hub a connection is.
  static absl::StatusOr<std::unique_ptr<PgConnection>> Connect(
      const std::string& conninfo, absl::Duration timeout,
      const std::string& application_name = "sxhub");
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs one statement. `what` names it in errors ("read referral").
  absl::StatusOr<PgResult> Run(absl::string_view what, const std::string& sql,
                               const PgParams& params = PgParams());
  // The first column of the first row (its bytes), or nullopt when there
  // is no row or the value is NULL.
  absl::StatusOr<std::optional<std::string>> ReadOne(absl::string_view what,
                                                     const std::string& sql,
                                                     const PgParams& params);
  // Runs BEGIN, `statements` and COMMIT in one pipeline: one round trip.
  // On failure nothing was committed, unless `*outcome_unknown` is set:
  // the connection was lost after the COMMIT was sent.
  absl::Status RunTransaction(absl::Span<const PgStatement> statements,
                              bool* outcome_unknown);
  // Runs statements without parameters (BEGIN, COMMIT, DDL; several
  // separated by ';' are one round trip).
  absl::Status Exec(absl::string_view what, const std::string& sql);

  // False once the connection is lost: it must be replaced.
  bool usable() const;
  // Bounds how long what is sent may stay unacknowledged before the
  // connection is dropped (TCP_USER_TIMEOUT; nothing on a local socket):
  // a statement sent into a cut network then fails after `limit` rather
  // than after the kernel's retransmissions, about 15 minutes.
  void LimitUnacknowledgedTime(absl::Duration limit);
  // Server name of the host connected to, for logs.
  std::string host() const;

 private:
  explicit PgConnection(pg_conn* conn) : conn_(conn) {}
  absl::Status ErrorOf(absl::string_view what, pg_result* result) const;
  // The prepared name of `sql`, and whether it must be prepared first.
  std::pair<std::string, bool> PreparedName(const std::string& sql);
  // Reads one pipelined command's result (and the end of it): OK or why
  // not, with PGRES_PIPELINE_ABORTED as `aborted`.
  absl::Status PipelineResult(absl::string_view what, bool* aborted);

  pg_conn* conn_;
  // Statement text → its prepared name on this connection.
  absl::flat_hash_map<std::string, std::string> prepared_;
  // Names are never reused: one whose PREPARE failed may be half-known to
  // a pipeline in flight.
  int next_statement_number_ = 0;
};

}  // namespace sx::storage
