#include "storage/postgres_derived_rebuild.h"

#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "storage/keys.h"
#include "storage/postgres_records.h"
#include "sx/base/status_macros.h"

namespace sx::storage {
namespace {

namespace v1 = ::supervision::v1;

// Referrals read per round trip.
constexpr int64_t kReferralsPerPage = 1000;

absl::Status Rederive(PgConnection& connection,
                      const ReferralDeriver& deriver) {
  // Derived counters start with "g/": "g0" is the first key after them.
  SX_RETURN_IF_ERROR(
      connection
          .Run("clear derived counters",
               "DELETE FROM counters WHERE key >= $1 AND key < $2",
               PgParams().Bytes(kDerivedCounterPrefix).Bytes("g0"))
          .status());
  SX_RETURN_IF_ERROR(connection.Exec(
      "clear watch list and index",
      "DELETE FROM watch_list; DELETE FROM referral_index"));
  std::map<std::string, int64_t> counts;
  std::string after;
  for (;;) {
    SX_ASSIGN_OR_RETURN(
        PgResult page,
        connection.Run("read referrals",
                       "SELECT referral_id, record FROM referrals WHERE "
                       "referral_id > $1 ORDER BY referral_id LIMIT $2::bigint",
                       PgParams().Text(after).Int(kReferralsPerPage)));
    for (int row = 0; row < page.rows(); ++row) {
      SX_ASSIGN_OR_RETURN(
          v1::Referral referral,
          ParseRecord<v1::Referral>(page.Bytes(row, 1), "referral"));
      const DerivedEntries entries = deriver.derive(referral);
      for (const std::string& key : entries.counters) ++counts[key];
      for (const auto& [key, value] : entries.watched) {
        SX_RETURN_IF_ERROR(
            connection
                .Run("watch",
                     "INSERT INTO watch_list (key, value) VALUES ($1, $2) "
                     "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                     PgParams().Bytes(key).Bytes(value))
                .status());
      }
      for (const std::string& key : entries.indexed) {
        SX_RETURN_IF_ERROR(connection
                               .Run("index",
                                    "INSERT INTO referral_index (key) VALUES "
                                    "($1) ON CONFLICT DO NOTHING",
                                    PgParams().Bytes(key))
                               .status());
      }
    }
    if (page.rows() < kReferralsPerPage) break;
    after = page.Bytes(page.rows() - 1, 0);
  }
  for (const auto& [key, count] : counts) {
    SX_RETURN_IF_ERROR(
        connection
            .Run("count",
                 "INSERT INTO counters (key, value) VALUES ($1, $2::bigint)",
                 PgParams().Bytes(key).Int(count))
            .status());
  }
  return connection
      .Run("record derived version",
           "INSERT INTO hub_settings (key, value) VALUES ($1, $2) "
           "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
           PgParams().Text(keys::kDerivedVersionKey).Bytes(deriver.version))
      .status();
}

}  // namespace

absl::Status RederiveIfStale(PgConnection& connection,
                             const ReferralDeriver& deriver) {
  if (!deriver.derive) return absl::OkStatus();
  SX_ASSIGN_OR_RETURN(
      PgResult stored,
      connection.Run("read derived version",
                     "SELECT value FROM hub_settings WHERE key = $1",
                     PgParams().Text(keys::kDerivedVersionKey)));
  if (stored.rows() == 1 && stored.Bytes(0, 0) == deriver.version) {
    return absl::OkStatus();
  }
  SX_RETURN_IF_ERROR(connection.Exec("begin rederive", "BEGIN"));
  absl::Status derived = Rederive(connection, deriver);
  if (derived.ok()) derived = connection.Exec("commit rederive", "COMMIT");
  if (!derived.ok()) {
    connection.Exec("roll back rederive", "ROLLBACK").IgnoreError();
  }
  return derived;
}

}  // namespace sx::storage
