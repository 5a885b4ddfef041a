// Early-return helpers for absl::Status / absl::StatusOr. Debian's Abseil
// (20220623) lacks ABSL_RETURN_IF_ERROR, so the project defines its own once.
//
//   SX_RETURN_IF_ERROR(store.Put(key, value));
//   SX_ASSIGN_OR_RETURN(Referral referral, LoadReferral(id));
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define SX_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::absl::Status sx_status_ = (expr);      \
    if (!sx_status_.ok()) return sx_status_; \
  } while (0)

#define SX_STATUS_CONCAT_INNER_(a, b) a##b
#define SX_STATUS_CONCAT_(a, b) SX_STATUS_CONCAT_INNER_(a, b)

#define SX_ASSIGN_OR_RETURN(lhs, expr)                                      \
  SX_ASSIGN_OR_RETURN_IMPL_(SX_STATUS_CONCAT_(sx_statusor_, __LINE__), lhs, \
                            expr)

#define SX_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                              \
  if (!statusor.ok()) return statusor.status();        \
  lhs = std::move(statusor).value()
