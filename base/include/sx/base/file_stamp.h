// What tells a changed file from an unchanged one when the hub re-reads key,
// certificate and CRL files: size, inode, modification and change time. Tools that keep
// a file's modification time (cp -p, rsync -t) still give it a new inode or
// change time, and files of one kind (keys, CRLs) often have the same size.
#pragma once

#include <sys/stat.h>

#include <string>

#include "absl/strings/str_cat.h"

namespace sx::base {

// "" if the file cannot be examined (e.g. it is missing).
inline std::string FileStamp(const std::string& path) {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) return "";
  return absl::StrCat(info.st_size, " ", info.st_ino, " ", info.st_mtim.tv_sec,
                      ".", info.st_mtim.tv_nsec, " ", info.st_ctim.tv_sec, ".",
                      info.st_ctim.tv_nsec);
}

}  // namespace sx::base
