// An agency's signature of a step it asked for. The server checks it
// (server/step_signature_check.h) before the step reaches the core; the core
// keeps it with the step's event and stores the signing certificate once.
#pragma once

#include <string>

#include "supervision/v1/referral.pb.h"

namespace sx::core {

struct SignedStep {
  ::supervision::v1::StepSignature signature;
  // The DER certificate whose SHA-256 signature.certificate_sha256 is.
  std::string certificate_der;
};

}  // namespace sx::core
