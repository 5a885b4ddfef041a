// Attachments between local files and the hub: reads --attach FILE into an
// Attachment, and writes the attachments of a fetched referral into a
// directory (show --attachments-to DIR) without letting a remote file name
// escape that directory.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sx/client/types.h"

namespace sx::sxctl {

// The media type for a file name, by its extension (case-insensitive);
// application/octet-stream when unknown.
std::string GuessMediaType(absl::string_view file_name);

// Each file as an Attachment named by its base name, with its content. The
// digest is left to the hub. NOT_FOUND (or another errno-derived code) names
// the first file that cannot be read.
absl::StatusOr<std::vector<client::Attachment>> ReadAttachmentFiles(
    const std::vector<std::string>& paths);

// Where each attachment of a referral was written, parallel to
// referral.lead.attachments and referral.feedback[i].attachments.
struct SavedAttachments {
  std::vector<std::string> lead;
  std::vector<std::vector<std::string>> feedback;
};

// Writes the lead's attachments to DIR/NAME and those of feedback number i
// (from 1) to DIR/feedback-i/NAME, creating directories as needed and
// overwriting older files. Names are reduced to a safe base name.
absl::StatusOr<SavedAttachments> SaveAttachments(
    const client::Referral& referral, const std::string& directory);

}  // namespace sx::sxctl
