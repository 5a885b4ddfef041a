#include "storage/postgres_connection.h"

#include <libpq-fe.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace sx::storage {
namespace {

constexpr unsigned int kByteaOid = 17;
constexpr unsigned int kTextOid = 25;
constexpr unsigned int kInt8Oid = 20;
constexpr unsigned int kTextArrayOid = 1009;
constexpr unsigned int kByteaArrayOid = 1001;
constexpr unsigned int kInt8ArrayOid = 1016;

void AppendBigEndian(uint64_t value, int length, std::string& out) {
  for (int shift = (length - 1) * 8; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

// PostgreSQL's binary array format (array_send): dimensions, no NULLs,
// the element type, then each element as its length and its binary form.
std::string BinaryArray(PgType element,
                        absl::Span<const PgField* const> values) {
  const unsigned int element_oid = element == PgType::kText  ? kTextOid
                                   : element == PgType::kBytes ? kByteaOid
                                                               : kInt8Oid;
  std::string out;
  AppendBigEndian(values.empty() ? 0 : 1, 4, out);  // dimensions
  AppendBigEndian(0, 4, out);                       // has NULLs
  AppendBigEndian(element_oid, 4, out);
  if (values.empty()) return out;
  AppendBigEndian(values.size(), 4, out);  // length of the dimension
  AppendBigEndian(1, 4, out);              // its lower bound
  for (const PgField* value : values) {
    if (element == PgType::kInt) {
      AppendBigEndian(8, 4, out);
      AppendBigEndian(static_cast<uint64_t>(std::get<int64_t>(*value)), 8,
                      out);
    } else {
      const std::string& bytes = std::get<std::string>(*value);
      AppendBigEndian(bytes.size(), 4, out);
      out.append(bytes);
    }
  }
  return out;
}

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

PgParams& PgParams::Field(PgType type, const PgField& value) {
  switch (type) {
    case PgType::kText:
      return Text(std::get<std::string>(value));
    case PgType::kBytes:
      return Bytes(std::get<std::string>(value));
    case PgType::kInt:
      return Int(std::get<int64_t>(value));
  }
  return *this;
}

PgParams& PgParams::Array(PgType element,
                          absl::Span<const PgField* const> values) {
  values_.push_back(BinaryArray(element, values));
  types_.push_back(element == PgType::kText    ? kTextArrayOid
                   : element == PgType::kBytes ? kByteaArrayOid
                                               : kInt8ArrayOid);
  formats_.push_back(1);
  return *this;
}

std::vector<const char*> PgParams::Pointers() const {
  std::vector<const char*> pointers;
  pointers.reserve(values_.size());
  for (const std::string& value : values_) pointers.push_back(value.c_str());
  return pointers;
}

std::vector<int> PgParams::Lengths() const {
  std::vector<int> lengths;
  lengths.reserve(values_.size());
  for (const std::string& value : values_) {
    lengths.push_back(static_cast<int>(value.size()));
  }
  return lengths;
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

void PgConnection::LimitUnacknowledgedTime(absl::Duration limit) {
  const int socket = PQsocket(conn_);
  if (socket < 0) return;
  const auto milliseconds =
      static_cast<unsigned int>(absl::ToInt64Milliseconds(limit));
  // Fails on a local socket, which no network cut can leave hanging.
  setsockopt(socket, IPPROTO_TCP, TCP_USER_TIMEOUT, &milliseconds,
             sizeof(milliseconds));
}

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

std::pair<std::string, bool> PgConnection::PreparedName(
    const std::string& sql) {
  auto prepared = prepared_.find(sql);
  if (prepared != prepared_.end()) return {prepared->second, false};
  return {absl::StrCat("s", next_statement_number_++), true};
}

absl::StatusOr<PgResult> PgConnection::Run(absl::string_view what,
                                           const std::string& sql,
                                           const PgParams& params) {
  const int count = static_cast<int>(params.values_.size());
  const auto [name, unprepared] = PreparedName(sql);
  if (unprepared) {
    PgResult made(PQprepare(conn_, name.c_str(), sql.c_str(), count,
                            params.types_.data()));
    // A statement that fails to prepare is a bug in the store's SQL or a
    // lost connection: either way nothing was prepared under the name.
    if (PQresultStatus(made.result_) != PGRES_COMMAND_OK) {
      return ErrorOf(what, made.result_);
    }
    prepared_.emplace(sql, name);
  }
  const std::vector<const char*> values = params.Pointers();
  const std::vector<int> lengths = params.Lengths();
  PgResult result(PQexecPrepared(conn_, name.c_str(), count, values.data(),
                                 lengths.data(), params.formats_.data(),
                                 /*resultFormat=*/1));
  const ExecStatusType status = PQresultStatus(result.result_);
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    return ErrorOf(what, result.result_);
  }
  return result;
}

absl::StatusOr<std::optional<std::string>> PgConnection::ReadOne(
    absl::string_view what, const std::string& sql, const PgParams& params) {
  absl::StatusOr<PgResult> result = Run(what, sql, params);
  if (!result.ok()) return result.status();
  if (result->rows() == 0 || result->IsNull(0, 0)) return std::nullopt;
  return result->Bytes(0, 0);
}

absl::Status PgConnection::PipelineResult(absl::string_view what,
                                          bool* aborted) {
  PgResult result(PQgetResult(conn_));
  if (result.result_ == nullptr) return ErrorOf(what, nullptr);
  const ExecStatusType status = PQresultStatus(result.result_);
  absl::Status outcome = absl::OkStatus();
  *aborted = status == PGRES_PIPELINE_ABORTED;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && !*aborted) {
    outcome = ErrorOf(what, result.result_);
  }
  // Each command's results end with a null result.
  PgResult end(PQgetResult(conn_));
  return outcome;
}

absl::Status PgConnection::RunTransaction(
    absl::Span<const PgStatement> statements, bool* outcome_unknown) {
  *outcome_unknown = false;
  if (PQenterPipelineMode(conn_) != 1) return ErrorOf("pipeline", nullptr);
  // What was sent, in order, for reading the results back: the statement's
  // name for errors, and whether it is a PREPARE of the statement after it.
  struct Sent {
    absl::string_view what;
    std::string prepared_sql;  // set for a PREPARE
    std::string name;
  };
  std::vector<Sent> sent;
  bool sending = PQsendQueryParams(conn_, "BEGIN", 0, nullptr, nullptr,
                                   nullptr, nullptr, 0) == 1;
  sent.push_back({"begin", "", ""});
  for (const PgStatement& statement : statements) {
    if (!sending) break;
    const PgParams& params = statement.params;
    const int count = static_cast<int>(params.values_.size());
    const auto [name, unprepared] = PreparedName(statement.sql);
    if (unprepared) {
      sending = PQsendPrepare(conn_, name.c_str(), statement.sql.c_str(), count,
                              params.types_.data()) == 1;
      sent.push_back({statement.what, statement.sql, name});
    }
    const std::vector<const char*> values = params.Pointers();
    const std::vector<int> lengths = params.Lengths();
    sending = sending &&
              PQsendQueryPrepared(conn_, name.c_str(), count, values.data(),
                                  lengths.data(), params.formats_.data(),
                                  /*resultFormat=*/1) == 1;
    sent.push_back({statement.what, "", ""});
  }
  sending = sending &&
            PQsendQueryParams(conn_, "COMMIT", 0, nullptr, nullptr, nullptr,
                              nullptr, 0) == 1 &&
            PQpipelineSync(conn_) == 1;
  if (!sending) {
    // Nothing reached the server as a whole; the connection is broken.
    return ErrorOf("send transaction", nullptr);
  }
  sent.push_back({"commit", "", ""});
  absl::Status first_error = absl::OkStatus();
  for (size_t i = 0; i < sent.size(); ++i) {
    bool aborted = false;
    absl::Status result = PipelineResult(sent[i].what, &aborted);
    const bool is_commit = i + 1 == sent.size();
    if (!usable() || (is_commit && !result.ok() && first_error.ok())) {
      // The COMMIT may have been carried out: only a retry can tell.
      *outcome_unknown = first_error.ok();
      return first_error.ok() ? result : first_error;
    }
    if (!result.ok() && first_error.ok()) first_error = result;
    if (result.ok() && !aborted && !sent[i].prepared_sql.empty()) {
      prepared_.emplace(sent[i].prepared_sql, sent[i].name);
    }
  }
  PgResult sync(PQgetResult(conn_));
  if (sync.result_ == nullptr ||
      PQresultStatus(sync.result_) != PGRES_PIPELINE_SYNC ||
      PQexitPipelineMode(conn_) != 1) {
    *outcome_unknown = first_error.ok();
    return first_error.ok() ? ErrorOf("end of pipeline", nullptr)
                            : first_error;
  }
  return first_error;
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
