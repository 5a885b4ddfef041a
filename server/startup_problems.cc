#include "server/startup_problems.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sx::server {

std::string Because(int error) {
  std::string text = std::strerror(error);
  if (error == EACCES || error == EPERM) {
    const passwd* user = getpwuid(geteuid());
    absl::StrAppend(&text, " (as user ",
                    user != nullptr ? absl::StrCat("\"", user->pw_name, "\"")
                                    : absl::StrCat(geteuid()),
                    ")");
  }
  return text;
}

absl::StatusOr<std::string> ReadRegularFile(const std::string& path) {
  // Non-blocking, so that a FIFO in the place of a file fails below instead
  // of hanging the check.
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot be read: ", Because(errno)));
  }
  struct stat info {};
  std::string bytes;
  absl::Status status;
  if (fstat(fd, &info) != 0) {
    status = absl::FailedPreconditionError(
        absl::StrCat("cannot be examined: ", Because(errno)));
  } else if (S_ISDIR(info.st_mode)) {
    status = absl::FailedPreconditionError("is a directory, not a file");
  } else if (!S_ISREG(info.st_mode)) {
    status = absl::FailedPreconditionError("is not a regular file");
  } else {
    char buffer[16384];
    for (;;) {
      const ssize_t got = read(fd, buffer, sizeof(buffer));
      if (got == 0) break;
      if (got < 0) {
        if (errno == EINTR) continue;
        status = absl::FailedPreconditionError(
            absl::StrCat("cannot be read: ", Because(errno)));
        break;
      }
      bytes.append(buffer, static_cast<size_t>(got));
    }
  }
  close(fd);
  if (!status.ok()) return status;
  return bytes;
}

}  // namespace sx::server
