// Every tests/bad/NAME.yaml gives the first error line written in tests/bad/NAME.expected, with the
// file named as "tests/bad/NAME.yaml" (the path relative to the source tree, as the CLI would be
// run from there).

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "scenario/loader.hpp"

using namespace plantwin::scenario;
namespace fs = std::filesystem;

namespace {

/// Runs in another working directory until the end of the scope.
class WorkingDirectory {
 public:
  explicit WorkingDirectory(const fs::path& dir) : previous_(fs::current_path()) { fs::current_path(dir); }
  ~WorkingDirectory() {
    std::error_code ec;
    fs::current_path(previous_, ec);
  }
  WorkingDirectory(const WorkingDirectory&) = delete;
  WorkingDirectory& operator=(const WorkingDirectory&) = delete;

 private:
  fs::path previous_;
};

std::vector<std::string> bad_scenario_names() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(fs::path(PLANTWIN_SOURCE_DIR) / "tests" / "bad"))
    if (entry.path().extension() == ".yaml") names.push_back(entry.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("every bad scenario under tests/bad gives its expected first error", "[loader][bad]") {
  const WorkingDirectory in_source_tree(PLANTWIN_SOURCE_DIR);
  const std::vector<std::string> names = bad_scenario_names();
  CHECK(names.size() >= 16);
  for (const std::string& name : names) {
    const std::string yaml = "tests/bad/" + name + ".yaml";
    std::ifstream expected_file("tests/bad/" + name + ".expected");
    INFO(yaml);
    REQUIRE(expected_file);
    std::string expected;
    std::getline(expected_file, expected);
    CHECK(load_scenario_file(yaml).diagnostics.first_error() == expected);
  }
}
