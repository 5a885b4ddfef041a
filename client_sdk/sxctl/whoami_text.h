// The human-readable shape of `sxctl whoami`: one "label  value" line per
// fact, those that do not apply (an operator's agency type) left out.
#pragma once

#include <string>

#include "client_sdk/sxctl/whoami_result.h"

namespace sx::sxctl {

std::string WhoAmIText(const WhoAmIResult& result);

}  // namespace sx::sxctl
