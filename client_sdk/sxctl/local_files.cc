#include "client_sdk/sxctl/local_files.h"

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

#include "absl/strings/str_cat.h"

namespace sx::sxctl {

absl::Status FileError(absl::string_view what, const std::string& path,
                       int error_number) {
  return absl::ErrnoToStatus(error_number,
                             absl::StrCat("cannot ", what, " ", path));
}

absl::StatusOr<std::string> ReadLocalFile(const std::string& path,
                                          absl::string_view what) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    return FileError(what, path, EISDIR);
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) return FileError(what, path, errno);
  std::string content((std::istreambuf_iterator<char>(file)),
                      std::istreambuf_iterator<char>());
  if (file.bad()) return FileError(what, path, errno);
  return content;
}

absl::Status WriteLocalFile(const std::string& path, absl::string_view content,
                            absl::string_view what) {
  const std::string temporary = absl::StrCat(path, ".partial");
  std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
  if (!file) return FileError(what, path, errno);
  file.write(content.data(), static_cast<std::streamsize>(content.size()));
  file.close();
  if (!file || std::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error_number = errno;
    std::remove(temporary.c_str());
    return FileError(what, path, error_number);
  }
  return absl::OkStatus();
}

}  // namespace sx::sxctl
