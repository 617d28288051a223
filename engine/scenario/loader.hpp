#pragma once
/// YAML → typed, validated ScenarioSpec. The only user of yaml-cpp in plantwin.
///
/// Strict: unknown keys (with "did you mean"), wrong types, duplicate keys, out-of-range and
/// non-finite numbers, unknown ids and unsupported `plantwin:` versions are errors located as
/// FILE:LINE:COLUMN, all of a file's errors in one pass. Hostile input (alias bombs, deep nesting,
/// huge numbers, invalid UTF-8, empty or huge files) gets an error, never a crash or a hang.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/diagnostics.hpp"
#include "scenario/spec.hpp"

namespace plantwin::scenario {

/// One `--set PATH=VALUE`: PATH names a value by keys and, in lists of items with an `id`, by id
/// (`stations.reflow.servers`, `sources.orders.interarrival.mean`, `horizon`). VALUE is YAML
/// (`2`, `30s`, `{dist: exponential, mean: 30s}`, `[printer, aoi]`). A missing key is created; the
/// result goes through the same validation as the file, with errors located in the override
/// (file "--set[N]" where N is the override's 1-based position among the overrides that have no
/// `origin`, line 1, the column in "PATH=VALUE").
struct Override {
  std::string path;
  std::string value;
  /// Where the override was written when it comes from a file (an expectation file's `set:`);
  /// errors in it are then located there instead of at "--set[N]".
  std::optional<Mark> origin;
};

/// Parses "PATH=VALUE"; nullopt when there is no '=' or the path is empty.
std::optional<Override> parse_override(std::string_view text);

struct LoadResult {
  std::optional<ScenarioSpec> spec;  ///< set when there is no error
  Diagnostics diagnostics;           ///< errors and warnings, in the order found
};

/// Reads, overrides and validates a scenario file. Never throws for bad input (std::bad_alloc
/// when memory runs out).
LoadResult load_scenario_file(const std::string& path, const std::vector<Override>& overrides = {});
/// The same for text already in memory; `file` names it in diagnostics.
LoadResult load_scenario_text(std::string_view text, const std::string& file,
                              const std::vector<Override>& overrides = {});

/// Parses a duration ("250ms", "45s", "2.5min", "8h", "1d", or a number of seconds) as `--horizon`
/// and `--warmup` take it. Returns nullopt and sets `error` when it is not one.
std::optional<Tick> parse_duration_text(std::string_view text, std::string* error);

// ---- expectations for `plantwin check` -----------------------------------------------------------

/// One bound on a value of the result document. `kpi` is a dotted path into it:
/// `throughput_per_h` (the mean of that KPI), `lead_time_s.p95`, `orders.on_time`,
/// `stations.reflow.utilization`, `products.board.lead_time_s.p50`, ... A path that ends at a KPI
/// object means its `mean`.
struct Expectation {
  std::string kpi;
  std::optional<double> min;  ///< the value must be >= min
  std::optional<double> max;  ///< the value must be <= max
  Mark mark;
};

struct ExpectSpec {
  std::string file;
  std::vector<Expectation> expectations;
  std::optional<std::string> fingerprint;  ///< 16 lowercase hex digits
  Mark fingerprint_mark;
  std::optional<std::uint64_t> seed;      ///< overrides the scenario's seed for the check
  std::optional<int> replications;        ///< overrides the scenario's replications
  std::vector<Override> set;              ///< applied like --set, located in this file
};

struct ExpectLoadResult {
  std::optional<ExpectSpec> spec;
  Diagnostics diagnostics;
};

ExpectLoadResult load_expect_file(const std::string& path);
ExpectLoadResult load_expect_text(std::string_view text, const std::string& file);

}  // namespace plantwin::scenario
