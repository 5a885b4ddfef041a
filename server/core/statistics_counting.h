// How each event counts in the statistics (statistics.proto), and where the
// counts are kept: every event the hub records adds to its parties'
// counters, per day and per month of China Standard Time, in the same
// transaction as the event. Statistics then read a bounded number of
// counters (units × figures × buckets of the period), never the referrals.
//
// Counter keys: <'M' yyyymm | 'D' yyyymmdd> \0 <agency> \0 <'S'|'R'> \0
// <figure>, where <figure> is the name of a SideFigures field.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "supervision/v1/referral.pb.h"
#include "sx/storage/store.h"

namespace sx::core {

// The figures (SideFigures field names) an event adds to, with how much.
// The same for both parties; `referral` is as the event left it. Figures
// that are sums of others (`referrals`, of the kinds) are not counted but
// added up when read.
std::vector<std::pair<std::string, int64_t>> FiguresOf(
    const ::supervision::v1::Event& event,
    const ::supervision::v1::Referral& referral);

// Adds the event's figures to the counters of its sender and recipient.
absl::Status CountEvent(storage::Transaction& txn,
                        const ::supervision::v1::Event& event,
                        const ::supervision::v1::Referral& referral);

// The day an instant falls on in China Standard Time.
absl::CivilDay ReportingDay(absl::Time time);

// One bucket of counters: a whole month, or a single day.
struct CounterBucket {
  bool month;
  absl::CivilDay first_day;
};

// The fewest buckets that cover [from, to] exactly: whole months where the
// period holds them, single days at its ragged ends.
std::vector<CounterBucket> BucketsCovering(absl::CivilDay from,
                                           absl::CivilDay to);

// The key prefix of a bucket's counters, narrowed to one agency if given.
std::string BucketPrefix(const CounterBucket& bucket,
                         absl::string_view agency_id = "");

// A counter key taken apart; false if it is malformed.
struct CounterKey {
  std::string agency_id;
  bool as_sender;
  std::string figure;
};
bool ParseCounterKey(absl::string_view key, CounterKey* parsed);

}  // namespace sx::core
