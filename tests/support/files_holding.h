// Which files of a directory tree hold some bytes: how tests prove that a
// lead's contents never reach the data directory, a backup or a log.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/read_file.h"

namespace sx::testing {

// Every regular file under `directory` (recursively; none if it does not
// exist) whose bytes contain `needle`.
inline std::vector<std::string> FilesHolding(const std::string& directory,
                                             const std::string& needle) {
  std::vector<std::string> found;
  if (!std::filesystem::exists(directory)) return found;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(directory)) {
    if (entry.is_regular_file() &&
        ReadFile(entry.path().string()).find(needle) != std::string::npos) {
      found.push_back(entry.path().string());
    }
  }
  return found;
}

}  // namespace sx::testing
