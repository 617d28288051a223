#pragma once
// The three commands of the CLI, behind main()'s argument parsing.

#include <atomic>
#include <optional>
#include <string>
#include <string_view>
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
  std::optional<std::string> seed, replications, horizon, warmup, jobs, out_dir, expect, junit, trace, events, baseline,
      fingerprint, from;
  std::vector<std::string> sets;
  bool json = false;
};

/// The signal that stopped the command (SIGINT, SIGTERM or SIGHUP); 0 while none has. Set by
/// main()'s signal handler, with the interrupt flag it passes to the commands.
extern std::atomic<int> stop_signal;

/// Writes `text` to standard output, all of it. When it cannot (a full disk, /dev/full, a
/// closed pipe) it says so on stderr with the reason and returns false: the command exits with 3.
bool print_out(std::string_view text);
/// Parses a whole decimal integer in [lo, hi].
std::optional<long long> parse_int(const std::string& text, long long lo, long long hi);
/// Writes `text` to the file `path` (created or truncated); false after an error message.
bool write_file(const std::string& path, const std::string& text);
/// Before a command writes several files: whether `path` can be written (a directory that is
/// there and writable, not a directory itself); false after an error message, nothing written.
bool writable(const std::string& path);
/// The first of `outputs` that is one of `inputs` or an earlier output (the same file, whatever
/// the spelling: `./a.yaml` and `a.yaml`, a symbolic or hard link), as "--out: the same file as
/// LOG"; "" when none is. An output that is a device (/dev/null) clashes with nothing.
std::string clashing_output(const std::vector<std::pair<std::string, std::string>>& outputs,
                            const std::vector<std::pair<std::string, std::string>>& inputs);

int command_validate(const Options& opt);
int command_run(const Options& opt, const std::atomic<bool>* interrupt);
int command_check(const Options& opt, const std::atomic<bool>* interrupt);
/// The JUnit report (--junit) of a check whose command line is wrong: `details` as its error.
/// False (after an error message) when the file cannot be written.
bool write_check_usage_error(const std::string& junit, const std::string& scenario_file, const std::string& details);

}  // namespace plantwin::cli
