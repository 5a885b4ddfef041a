// The TLS part of the start checks (startup_checks.h): tls.cert_file,
// key_file, ca_file and crl_directory, checked the way gRPC's handshake and
// the hub's own CRL reading will use them.
#pragma once

#include <string>

#include "server/startup_problems.h"
#include "supervision/v1/config.pb.h"

namespace sx::server {

// Adds a problem for each thing wrong with the TLS files. Returns the
// private key's PEM text if tls.key_file loaded ("" if not), for the
// checkpoint signing key check (the TLS key signs by default).
std::string CheckTlsFiles(const ::supervision::v1::TlsConfig& tls,
                          StartupProblems& problems);

}  // namespace sx::server
