// Entries the store derives from each referral's current record and keeps in
// the same transaction as every write of that record: counters (how many
// referrals stand in each condition right now), the watch list (open
// matters someone must follow) and index keys (where to find a referral by
// what it is now, e.g. its state). Counting them when a referral changes, not
// when someone asks, keeps an admin view, a metrics scrape or a supervisor's
// ledger at the same cost whatever the size of the history.
//
// What to derive is the domain's rule, given by the opener of the store:
//
//   options.referral_deriver = {"1", [](const Referral& r) {
//     DerivedEntries entries;
//     entries.counters.push_back(absl::StrCat("g/state/", r.state()));
//     return entries;
//   }};
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "supervision/v1/referral.pb.h"

namespace sx::storage {

struct DerivedEntries {
  // Counters (Store::ReadCounters) in which the referral counts one. They
  // must start with kDerivedCounterPrefix, apart from the figures the
  // statistics add up by themselves.
  std::vector<std::string> counters;
  // Watch-list entries (Store::ReadWatchList): key and value.
  std::vector<std::pair<std::string, std::string>> watched;
  // Index keys (Store::ScanReferralIndex) under which the referral is
  // found, e.g. by party, state and time of creation; they change only
  // when what they are made of does.
  std::vector<std::string> indexed;
};

inline constexpr char kDerivedCounterPrefix[] = "g/";

struct ReferralDeriver {
  // Names the rule. A store opened with another version than the one its
  // entries were derived with derives them all again, once, at open (an
  // upgrade that adds or changes a rule; a data directory written before
  // there were derived entries).
  std::string version;
  std::function<DerivedEntries(const ::supervision::v1::Referral&)> derive;
};

}  // namespace sx::storage
