// The value of a call a test expects to succeed, for tests that read many
// values in a row.
//
//   EXPECT_EQ(ValueOf(store.EventCount()), 4u);
#pragma once

#include <utility>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"

namespace sx::testing {

// The value, or a test failure naming the status and an empty value, so that
// one broken call does not end the whole binary.
template <typename T>
T ValueOf(absl::StatusOr<T> result) {
  if (!result.ok()) {
    ADD_FAILURE() << result.status();
    return T();
  }
  return *std::move(result);
}

}  // namespace sx::testing
