// Which settings a config reload cannot apply to a running hub (its
// address, data directory, TLS files, ...), so that a SIGHUP can say which
// changes wait for a restart instead of dropping them silently.
#pragma once

#include <string>

#include "supervision/v1/config.pb.h"

namespace sx::server {

// The settings a reload cannot apply that differ between `running` and
// `next`, comma-separated ("" if none).
std::string RestartOnlyChanges(const ::supervision::v1::HubConfig& running,
                               const ::supervision::v1::HubConfig& next);

}  // namespace sx::server
