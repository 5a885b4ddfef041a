// Fixtures shared by the domain core's tests: who calls, a store on disk,
// waiting for asynchronous core calls, and realistic leads from
// docs/CASES.md.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/notification.h"
#include "supervision/v1/referral.pb.h"
#include "sx/core/current_conditions.h"
#include "sx/core/identity.h"
#include "sx/storage/store.h"
#include "tests/support/test_storage.h"

namespace sx::core {

// An agency as the server names a caller from its certificate.
inline Identity Agency(absl::string_view id) {
  return Identity{Identity::Kind::kAgency, std::string(id)};
}

// A RocksDB store in `path` (or, with SX_TEST_STORAGE=postgres, a
// PostgreSQL database that stands for it), its referral ids prefixed with
// the test config's hub id ("test-hub-0000000001").
inline absl::StatusOr<std::unique_ptr<storage::Store>> OpenTestStore(
    const std::string& path) {
  storage::RocksDbStoreOptions options;
  options.path = path;
  options.id_prefix = "test-hub";
  options.referral_deriver = CurrentConditionsDeriver();
  return testing::OpenTestBackend(options);
}

// Runs an asynchronous core call and waits for its callback, which runs on
// the store's writer thread (or inline, for requests refused up front).
template <typename T>
T Await(const std::function<void(std::function<void(T)>)>& start) {
  absl::Notification done;
  std::optional<T> result;
  start([&](T value) {
    result.emplace(std::move(value));
    done.Notify();
  });
  done.WaitForNotification();
  return *std::move(result);
}

// docs/CASES.md case 1: found by a county inspection group, handed over on the
// fast track (边巡边查绿色通道) to the discipline commission.
inline ::supervision::v1::Lead LandReserveLead(
    ::supervision::v1::Urgency urgency =
        ::supervision::v1::URGENCY_FAST_TRACK) {
  ::supervision::v1::Lead lead;
  lead.set_subject("张某某");
  lead.set_subject_organization("某县土地储备中心");
  lead.set_subject_position("主任");
  lead.set_category("进一步了解关注类");
  lead.set_summary(
      "县土地储备中心通过工作人员个人账户、他人账户及现金方式收取大额土地出让金"
      "，"
      "未及时缴入国库");
  lead.set_source("巡察个别谈话");
  lead.set_sensitivity(::supervision::v1::SENSITIVITY_HIGHLY_SENSITIVE);
  lead.set_urgency(urgency);
  ::supervision::v1::Attachment* attachment = lead.add_attachments();
  attachment->set_name("转账记录.pdf");
  attachment->set_media_type("application/pdf");
  attachment->set_content("%PDF-1.7 个人账户收取土地出让金转账记录");
  return lead;
}

}  // namespace sx::core
