#pragma once
// The files a test writes (scenarios, logs, --out directories, JUnit reports) go to one directory
// of the test process's own, removed with its contents when the process exits: nothing is left
// under /tmp, and tests that run side by side (ctest -j) never share a name.

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace plantwin::testing {

class TestDir {
 public:
  TestDir() : owner_(::getpid()) {
    std::string pattern = (std::filesystem::temp_directory_path() / "plantwin_test_XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("cannot create a directory from " + pattern);
    path_ = pattern;
  }
  ~TestDir() {
    if (::getpid() != owner_) return;  // a forked child that exits leaves its parent's files alone
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TestDir(const TestDir&) = delete;
  TestDir& operator=(const TestDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  pid_t owner_;
  std::string path_;
};

/// `name` in this process's test directory (created on first use).
inline std::string test_path(const std::string& name) {
  static const TestDir dir;
  return dir.path() + "/" + name;
}

}  // namespace plantwin::testing
