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
#include <utility>
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

/// Changes as (PATH, VALUE) pairs, in order (Python's Scenario keeps them so), as overrides.
std::vector<Override> overrides_of(const std::vector<std::pair<std::string, std::string>>& changes);

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

/// Which way a KPI is better: what `check --baseline` counts as worse (run/kpi_traits.hpp has
/// every KPI's; an expectation file may set one KPI's).
enum class Direction {
  NONE,    ///< reported, never gated
  HIGHER,
  LOWER,
};

/// One bound on a value of the result document. `kpi` is a dotted path into it:
/// `throughput_per_h` (the mean of that KPI), `lead_time_s.p95`, `orders.on_time`,
/// `stations.reflow.utilization`, `products.board.lead_time_s.p50`, ... A path that ends at a KPI
/// object means its `mean`. Bounds are in the units of the result document (seconds, per hour,
/// bytes, ...); the file may write them with a unit that fits the KPI's name (`{max: 2h}` for a
/// `_s` KPI).
struct Expectation {
  std::string kpi;
  std::optional<double> min;  ///< the value must be >= min
  std::optional<double> max;  ///< the value must be <= max
  /// Confidence mode: the KPI's two-sided interval at this level (0.95) must lie within
  /// [min, max], not only its mean.
  std::optional<double> confidence;
  Mark mark;             ///< the key
  Mark confidence_mark;  ///< the `confidence` value, for errors only the result document shows
};

/// How `check --baseline` compares a run with an earlier result of the same scenario.
struct BaselineSpec {
  /// A KPI may worsen by this fraction of the baseline's mean (0.02: 2 %) before it fails.
  double tolerance = 0.02;
  /// The level of the difference's interval: a KPI fails when that interval lies entirely beyond
  /// the tolerance, on the worse side.
  double confidence = 0.95;
  /// Settings of single KPIs, or of every KPI a path with `*` names ("stations.*.queue": each
  /// station's); when several apply to a KPI, each later one overrides what it sets.
  struct Kpi {
    std::string kpi;
    Mark mark;
    std::optional<double> tolerance;  ///< relative, replaces the file's
    std::optional<double> absolute;   ///< in the KPI's units: the allowance is max(relative, absolute)
    std::optional<Direction> direction;
  };
  std::vector<Kpi> kpis;
  Mark mark;  ///< the `baseline` key
};

/// A result path as the expectation file names it, wherever it does.
struct PathReference {
  std::string kpi;
  Mark mark;
  std::string where;  ///< "expect" or "baseline.kpis": the diagnostic's path is where + "." + kpi
  bool needs_values = false;  ///< it must end at a KPI object (baseline settings compare values)
};

struct ExpectSpec {
  std::string file;
  std::vector<Expectation> expectations;
  std::optional<std::string> fingerprint;  ///< 16 lowercase hex digits
  Mark fingerprint_mark;
  std::optional<std::uint64_t> seed;      ///< overrides the scenario's seed for the check
  std::optional<int> replications;        ///< overrides the scenario's replications
  std::vector<Override> set;              ///< applied like --set, located in this file
  std::optional<BaselineSpec> baseline;   ///< settings for --baseline
  /// Every result path the file names (in `expect` and `baseline.kpis`), also those whose entry
  /// has errors: the CLI resolves them against the scenario in the same pass as the file's own
  /// errors, so that a bad value does not hide a misspelt path.
  std::vector<PathReference> paths;
};

struct ExpectLoadResult {
  /// Set whenever the file could be read as a map, even with errors (then partial: read what
  /// `paths` and `set` hold, nothing else).
  std::optional<ExpectSpec> spec;
  Diagnostics diagnostics;
};

/// The unit a KPI's name gives it (kpis.md): `_s` seconds, `_per_h` per hour, `_bytes` bytes,
/// `_bytes_per_s` bytes per second, `_m` metres; a percentile (`.p95`) has its KPI's unit.
enum class KpiUnit { NONE, SECONDS, PER_HOUR, BYTES, BYTES_PER_SECOND, METRES };
KpiUnit kpi_unit(std::string_view kpi);

ExpectLoadResult load_expect_file(const std::string& path);
ExpectLoadResult load_expect_text(std::string_view text, const std::string& file);

}  // namespace plantwin::scenario
