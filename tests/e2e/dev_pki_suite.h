// Base of test suites that start real hubs: one development PKI per suite
// (a copy of one made by deploy/dev-pki.sh, see DevPki), shared by the
// suite's tests as pki_.
//
//   class MyE2eTest : public DevPkiSuite { ... HubProcess hub(*pki_); ... };
#pragma once

#include "gtest/gtest.h"
#include "tests/e2e/hub_process.h"

namespace sx::testing {

class DevPkiSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { pki_ = new DevPki(); }
  static void TearDownTestSuite() {
    delete pki_;
    pki_ = nullptr;
  }

  static inline DevPki* pki_ = nullptr;
};

}  // namespace sx::testing
