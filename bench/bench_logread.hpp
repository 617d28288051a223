#pragma once
/// The event-log measurement of plantwin_bench (docs/performance.md, "Reading event logs"): a
/// synthetic log of a 10-station line, in the format `plantwin run --events` writes (docs/twin.md),
/// read by twin::LogReader alone and replayed by twin::LogReplay (what fit, validate-log and state
/// do), each in a child process of its own for its peak memory, after a tenth of the rows and
/// after all of them: the same peak means memory does not grow with the log.

#include <cstdint>
#include <string>
#include <vector>

#include "run/json.hpp"

namespace plantwin::bench {

struct LogReadPass {
  std::string what;            ///< "read", "read + replay"
  std::string times;           ///< "seconds" or "ISO 8601"
  std::uint64_t rows = 0;      ///< rows read
  double seconds = 0;          ///< median of the repetitions
  long max_rss_kib = 0;        ///< the highest peak over the repetitions
  std::string error;
};

struct LogReadResult {
  std::uint64_t rows = 0;
  std::uint64_t bytes_seconds = 0, bytes_iso = 0;  ///< the two files' sizes
  double write_s = 0;                              ///< writing both files
  std::vector<LogReadPass> passes;
  std::string error;
};

/// Writes a log of `rows` rows (twice: times in seconds and in ISO 8601) and reads it `reps` times
/// per pass. The files are removed afterwards.
LogReadResult measure_logread(std::uint64_t rows, int reps);
void print_logread(const LogReadResult& r);
run::Json logread_json(const LogReadResult& r);

}  // namespace plantwin::bench
