// The whole content of a file, as bytes; empty if it cannot be read (the
// test's own expectations then say what was missing).
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace sx::testing {

inline std::string ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace sx::testing
