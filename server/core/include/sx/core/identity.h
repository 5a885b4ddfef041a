// Who is calling: derived only from the peer certificate's URI SAN by the
// server's identity layer, never from a request field.
#pragma once

#include <string>

namespace sx::core {

struct Identity {
  enum class Kind { kAgency, kAdmin, kAuditor };
  Kind kind;
  // The agency id, or the operator's name for admins and auditors.
  std::string name;

  bool is_agency() const { return kind == Kind::kAgency; }
};

}  // namespace sx::core
