// What a start needs beyond a config that parses: files that read and fit
// together, addresses with ports, directories the hub can write. Checked
// without opening the database or binding a port, by `sxhub --check-config`
// (systemd's ExecStartPre) and by Hub::Create before anything else, so that
// both refuse the same configs with the same words.
//
//   absl::Status startable = CheckStartable(*config);
//   if (!startable.ok()) { print startable.message(); exit 1; }
#pragma once

#include "absl/status/status.h"
#include "sx/core/hub_config.h"

namespace sx::server {

// OK, or FAILED_PRECONDITION listing every problem found, not only the first,
// so that an operator fixes them in one go. Each problem names the setting as
// the config file spells it and its value, e.g.
//   tls.key_file "/etc/sxhub/hub.key": cannot be read: No such file or
//   directory
// The message is "config: <problem>" for one, and for several
// "config: N problems:" followed by one indented line per problem.
// Checks: tls.cert_file, key_file and ca_file read and parse as PEM; the key
// belongs to the certificate; the certificate is not a CA, may serve TLS
// (extendedKeyUsage serverAuth and keyUsage digitalSignature, where present),
// is within its validity period and verifies against tls.ca_file, which holds
// a CA; tls.crl_directory loads as the hub loads it and its CRLs do not refuse
// the hub's own certificate (as they would every client of the same CA);
// the checkpoint signing key loads; the audit log's hash is available; the
// encryption key file is its owner's alone and holds well-formed keys, and
// the cipher works with them;
// listen_address, metrics_address and console_address are HOST:PORT (the
// console on a port of its own); data_dir and backup_dir
// exist and are writable, or can be created. Results depend on the user that
// runs it: run it as the hub's user.
absl::Status CheckStartable(const core::HubConfig& config);

}  // namespace sx::server
