#include "client_sdk/sxctl/attachment_files.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "client_sdk/sxctl/local_files.h"

namespace sx::sxctl {
namespace {

// Extensions seen in supervision work: office documents, China's OFD
// e-document format, scans, spreadsheets of transfers, recordings.
constexpr std::pair<const char*, const char*> kMediaTypes[] = {
    {"pdf", "application/pdf"},
    {"ofd", "application/ofd"},
    {"txt", "text/plain"},
    {"md", "text/markdown"},
    {"csv", "text/csv"},
    {"htm", "text/html"},
    {"html", "text/html"},
    {"json", "application/json"},
    {"xml", "application/xml"},
    {"doc", "application/msword"},
    {"docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    {"xls", "application/vnd.ms-excel"},
    {"xlsx",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    {"ppt", "application/vnd.ms-powerpoint"},
    {"pptx",
     "application/"
     "vnd.openxmlformats-officedocument.presentationml.presentation"},
    {"wps", "application/vnd.ms-works"},
    {"rtf", "application/rtf"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"tif", "image/tiff"},
    {"tiff", "image/tiff"},
    {"bmp", "image/bmp"},
    {"mp3", "audio/mpeg"},
    {"wav", "audio/wav"},
    {"amr", "audio/amr"},
    {"mp4", "video/mp4"},
    {"zip", "application/zip"},
    {"7z", "application/x-7z-compressed"},
    {"rar", "application/vnd.rar"},
};

constexpr char kDefaultMediaType[] = "application/octet-stream";

// A remote party chose this name: keep only something that stays inside the
// target directory.
std::string SafeFileName(const std::string& name, size_t index) {
  std::string safe = name;
  for (char& c : safe) {
    if (c == '/' || c == '\\' || c == '\0' ||
        (static_cast<unsigned char>(c) < 0x20)) {
      c = '_';
    }
  }
  if (safe.empty() || safe == "." || safe == ".." || safe[0] == '.') {
    safe = absl::StrCat("attachment-", index + 1,
                        safe == "." || safe == ".." ? "" : safe);
  }
  return safe;
}

absl::StatusOr<std::vector<std::string>> WriteAll(
    const std::vector<client::Attachment>& attachments,
    const std::filesystem::path& directory) {
  std::vector<std::string> paths;
  if (attachments.empty()) return paths;
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) {
    return FileError("create directory", directory.string(), error.value());
  }
  std::set<std::string> used;
  for (size_t i = 0; i < attachments.size(); ++i) {
    std::string name = SafeFileName(attachments[i].name, i);
    // Two attachments of one name must not overwrite each other.
    if (!used.insert(name).second) {
      name = absl::StrCat(i + 1, "-", name);
      used.insert(name);
    }
    const std::string path = (directory / name).string();
    // Errors name the attachment by number: its name is part of the lead,
    // and a lead's content never goes to stderr.
    const std::string what = absl::StrCat("write attachment ", i + 1, " into");
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    if (!file) return FileError(what, directory.string(), errno);
    file.write(attachments[i].content.data(),
               static_cast<std::streamsize>(attachments[i].content.size()));
    file.close();
    if (!file) return FileError(what, directory.string(), errno);
    paths.push_back(path);
  }
  return paths;
}

}  // namespace

std::string GuessMediaType(absl::string_view file_name) {
  const size_t dot = file_name.rfind('.');
  if (dot == absl::string_view::npos) return kDefaultMediaType;
  const std::string extension =
      absl::AsciiStrToLower(file_name.substr(dot + 1));
  for (const auto& [known, media_type] : kMediaTypes) {
    if (extension == known) return media_type;
  }
  return kDefaultMediaType;
}

absl::StatusOr<std::vector<client::Attachment>> ReadAttachmentFiles(
    const std::vector<std::string>& paths) {
  std::vector<client::Attachment> attachments;
  for (const std::string& path : paths) {
    absl::StatusOr<std::string> content =
        ReadLocalFile(path, "read attachment");
    if (!content.ok()) return content.status();
    client::Attachment attachment;
    attachment.name = std::filesystem::path(path).filename().string();
    attachment.media_type = GuessMediaType(attachment.name);
    attachment.content = *std::move(content);
    attachment.size_bytes = static_cast<int64_t>(attachment.content.size());
    attachments.push_back(std::move(attachment));
  }
  return attachments;
}

absl::StatusOr<SavedAttachments> SaveAttachments(
    const client::Referral& referral, const std::string& directory) {
  SavedAttachments saved;
  const std::filesystem::path root(directory);
  absl::StatusOr<std::vector<std::string>> lead =
      WriteAll(referral.lead.attachments, root);
  if (!lead.ok()) return lead.status();
  saved.lead = *std::move(lead);
  for (size_t i = 0; i < referral.feedback.size(); ++i) {
    absl::StatusOr<std::vector<std::string>> feedback =
        WriteAll(referral.feedback[i].attachments,
                 root / absl::StrCat("feedback-", i + 1));
    if (!feedback.ok()) return feedback.status();
    saved.feedback.push_back(*std::move(feedback));
  }
  return saved;
}

}  // namespace sx::sxctl
