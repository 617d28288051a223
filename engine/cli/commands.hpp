#pragma once
// The three commands of the CLI, behind main()'s argument parsing.

#include <atomic>
#include <optional>
#include <string>
#include <vector>

namespace plantwin::cli {

inline constexpr int EXIT_OK = 0;
inline constexpr int EXIT_EXPECTATION = 1;
inline constexpr int EXIT_USAGE = 2;  // also: invalid scenario
inline constexpr int EXIT_RUN = 3;
inline constexpr int EXIT_FINGERPRINT = 4;  // check: only the fingerprint differs (--fingerprint fail)

struct Options {
  std::string command;
  std::string file;
  std::optional<std::string> seed, replications, horizon, warmup, jobs, out_dir, expect, junit, trace, baseline,
      fingerprint;
  std::vector<std::string> sets;
  bool json = false;
};

int command_validate(const Options& opt);
int command_run(const Options& opt, const std::atomic<bool>* interrupt);
int command_check(const Options& opt, const std::atomic<bool>* interrupt);
/// The JUnit report (--junit) of a check whose command line is wrong: `details` as its error.
/// False (after an error message) when the file cannot be written.
bool write_check_usage_error(const std::string& junit, const std::string& scenario_file, const std::string& details);

}  // namespace plantwin::cli
