// The checks a fault drill ends with, once its hubs are stopped: the database
// holds each referral the SDK acknowledged exactly once (none lost with a
// killed hub or database, none made twice by a retry), each one waits in the
// recipient's inbox, and the event chain is one unbroken history.
//
//   hub->Stop();  // the test's own store takes the write lock the hub held
//   ExpectEachAcknowledgedOnce(conninfo, referral_by_request_id, kSender,
//                              kRecipient);
#pragma once

#include <map>
#include <string>

namespace sx::testing {

// Opens the PostgreSQL store at `conninfo` and checks it against
// `referral_by_request_id` (each request id the SDK saw acknowledged → the
// referral id it was answered with), all sent by `sender` to `recipient`.
// Reports gtest failures naming the referral ids lost, added or acknowledged
// twice; returns early (fatal failure) if the store cannot be read.
void ExpectEachAcknowledgedOnce(
    const std::string& conninfo,
    const std::map<std::string, std::string>& referral_by_request_id,
    const std::string& sender, const std::string& recipient);

}  // namespace sx::testing
