#include "storage/postgres_connection.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace sx::storage {
namespace {

constexpr unsigned int kByteaOid = 17;

uint64_t BigEndian(const char* bytes, int length) {
  uint64_t value = 0;
  for (int i = 0; i < length; ++i) {
    value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  }
  return value;
}

// SQLSTATEs after which the same request may well succeed elsewhere or
// later: the connection went, the server is shutting down or starting, it
// is a standby now (read-only after a failover), or the transaction lost a
// conflict.
bool IsTransient(absl::string_view sqlstate) {
  return absl::StartsWith(sqlstate, "08") || absl::StartsWith(sqlstate, "57P") ||
         sqlstate == "25006" || sqlstate == "40001" || sqlstate == "40P01" ||
         sqlstate == "53300";
}

}  // namespace

PgParams& PgParams::Text(absl::string_view value) {
  values_.emplace_back(value);
  types_.push_back(0);
  formats_.push_back(0);
  return *this;
}

PgParams& PgParams::Int(int64_t value) {
  values_.push_back(absl::StrCat(value));
  types_.push_back(0);
  formats_.push_back(0);
  return *this;
}

PgParams& PgParams::Bytes(absl::string_view value) {
  values_.emplace_back(value);
  types_.push_back(kByteaOid);
  formats_.push_back(1);
  return *this;
}

PgResult::PgResult(pg_result* result) : result_(result) {}
PgResult::~PgResult() {
  if (result_ != nullptr) PQclear(result_);
}
PgResult::PgResult(PgResult&& other) noexcept
    : result_(std::exchange(other.result_, nullptr)) {}

int PgResult::rows() const { return PQntuples(result_); }

bool PgResult::IsNull(int row, int column) const {
  return PQgetisnull(result_, row, column) != 0;
}

std::string PgResult::Bytes(int row, int column) const {
  return std::string(PQgetvalue(result_, row, column),
                     static_cast<size_t>(PQgetlength(result_, row, column)));
}

int64_t PgResult::Int(int row, int column) const {
  const int length = PQgetlength(result_, row, column);
  const uint64_t raw = BigEndian(PQgetvalue(result_, row, column), length);
  // Sign-extend the 2- and 4-byte forms.
  if (length == 2) return static_cast<int16_t>(raw);
  if (length == 4) return static_cast<int32_t>(raw);
  return static_cast<int64_t>(raw);
}

absl::StatusOr<std::unique_ptr<PgConnection>> PgConnection::Connect(
    const std::string& conninfo, absl::Duration timeout,
    const std::string& application_name) {
  const std::string seconds =
      absl::StrCat(std::max<int64_t>(1, absl::ToInt64Seconds(timeout)));
  // Later keywords win: ours first, so that those set in the conninfo
  // itself (expanded from "dbname") take precedence.
  const char* keywords[] = {"connect_timeout", "application_name", "dbname",
                            nullptr};
  const char* values[] = {seconds.c_str(), application_name.c_str(),
                          conninfo.c_str(), nullptr};
  pg_conn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (conn == nullptr) {
    return absl::ResourceExhaustedError("storage: libpq is out of memory");
  }
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message(absl::StripTrailingAsciiWhitespace(PQerrorMessage(conn)));
    PQfinish(conn);
    return absl::UnavailableError(
        absl::StrCat("storage: cannot connect to PostgreSQL: ", message));
  }
  // The server's notices ("relation ... already exists, skipping") are
  // not the hub's to print: libpq would write them to stderr.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<PgConnection>(new PgConnection(conn));
}

PgConnection::~PgConnection() { PQfinish(conn_); }

bool PgConnection::usable() const { return PQstatus(conn_) == CONNECTION_OK; }

std::string PgConnection::host() const {
  const char* host = PQhost(conn_);
  return host == nullptr ? "" : absl::StrCat(host, ":", PQport(conn_));
}

absl::Status PgConnection::ErrorOf(absl::string_view what,
                                   pg_result* result) const {
  const char* state =
      result == nullptr ? nullptr : PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const absl::string_view sqlstate = state == nullptr ? "" : state;
  const std::string message(absl::StripTrailingAsciiWhitespace(
      result == nullptr ? PQerrorMessage(conn_) : PQresultErrorMessage(result)));
  const std::string text =
      absl::StrCat("storage: ", what, ": PostgreSQL: ", message);
  if (!usable() || sqlstate.empty() || IsTransient(sqlstate)) {
    return absl::UnavailableError(text);
  }
  if (sqlstate == "23505") return absl::AlreadyExistsError(text);
  return absl::InternalError(text);
}

absl::StatusOr<PgResult> PgConnection::Run(absl::string_view what,
                                           const std::string& sql,
                                           const PgParams& params) {
  const int count = static_cast<int>(params.values_.size());
  auto prepared = prepared_.find(sql);
  if (prepared == prepared_.end()) {
    std::string name = absl::StrCat("s", prepared_.size());
    PgResult made(PQprepare(conn_, name.c_str(), sql.c_str(), count,
                            params.types_.data()));
    // A statement that fails to prepare is a bug in the store's SQL or a
    // lost connection: either way nothing was prepared under the name.
    if (PQresultStatus(made.result_) != PGRES_COMMAND_OK) {
      return ErrorOf(what, made.result_);
    }
    prepared = prepared_.emplace(sql, std::move(name)).first;
  }
  std::vector<const char*> values(count);
  std::vector<int> lengths(count);
  for (int i = 0; i < count; ++i) {
    values[i] = params.values_[i].c_str();
    lengths[i] = static_cast<int>(params.values_[i].size());
  }
  PgResult result(PQexecPrepared(conn_, prepared->second.c_str(), count,
                                 values.data(), lengths.data(),
                                 params.formats_.data(), /*resultFormat=*/1));
  const ExecStatusType status = PQresultStatus(result.result_);
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    return ErrorOf(what, result.result_);
  }
  return result;
}

absl::Status PgConnection::Exec(absl::string_view what,
                                const std::string& sql) {
  PgResult result(PQexec(conn_, sql.c_str()));
  const ExecStatusType status = PQresultStatus(result.result_);
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    return ErrorOf(what, result.result_);
  }
  return absl::OkStatus();
}

}  // namespace sx::storage
