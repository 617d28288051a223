#pragma once
/// `plantwin validate-log` (docs/twin.md, "Validation"; TWIN.md §3): the twin run over the log's
/// period with the log's own releases, and its KPIs set beside the log's.
///
/// The window is from the log's first row to its last, both included. The twin runs from time 0 to the window's end,
/// measuring the window (the time before it is its warm-up), with every release of the log at
/// its time (grouped by first station, one source each; a saturated source of the scenario stays,
/// and its products' releases are not replayed) and the log's orders (a due time from the
/// scenario's order of the same id). Each KPI row holds the log's value, the mean of R
/// replications and a prediction interval for one run, mean ± t(1 − α/2m, R − 1) · s · √(1 + 1/R)
/// with α = 1 − confidence and m rows (Bonferroni: a log of the scenario itself is inside on
/// every row with probability at least `confidence`). Counts (throughput) and station shares reach
/// one part beyond the replications' extremes, so replications that all agree do not reject a log
/// with one part more or fewer.
///
/// Rows: throughput_per_h per product, lead_time_s mean, p50 and p95, wip, and per station
/// utilization and the share of each state. Without plantwin's `state` rows a log cannot say
/// when a server waited for transport, an operator or its shift: the station rows are then
/// utilization (working share of all time), working, setup and down, on both sides. Rows where
/// the log and every replication are 0 are left out. The two-sample Kolmogorov–Smirnov test of
/// the log's lead times against the twin's (all replications pooled) is reported beside the
/// rows and does not decide the exit code: lead times of one run are correlated, which makes its
/// p-value too small.

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "run/json.hpp"
#include "scenario/spec.hpp"
#include "twin/log_reader.hpp"

namespace plantwin::twin {

struct ValidateOptions {
  int replications = 50;
  double confidence = 0.95;
  std::optional<Epoch> epoch;
  int jobs = 0;
  const std::atomic<bool>* interrupt = nullptr;
};

struct ValidateRow {
  std::string kpi;       ///< "throughput_per_h.board", "stations.reflow.utilization", ...
  std::string station;   ///< the station a station row is about
  double log = 0;        ///< the log's value
  double mean = 0, sd = 0;  ///< over the replications
  double low = 0, high = 0;  ///< the prediction interval
  bool inside = true;
  std::string verdict;   ///< "inside", "above by 0.12 (2.3 half-widths)"
  double half_widths = 0;  ///< |log − mean| in half-widths of the interval (infinite for a zero-width one)
};

struct ValidateResult {
  enum class Outcome { PASSED, FAILED, BAD_LOG, RUN_FAILED };
  Outcome outcome = Outcome::BAD_LOG;
  std::vector<LogDiagnostic> diagnostics;
  std::string error;  ///< RUN_FAILED: why
  std::vector<ValidateRow> rows;
  double window_begin_s = 0, window_end_s = 0;
  std::uint64_t rows_read = 0, releases = 0;
  /// Log releases that replaced a scrapped component (not replayed: the twin replaces its own).
  std::uint64_t replacements = 0;
  int replications = 0;
  double confidence = 0.95, row_level = 0.95;  ///< family-wise and per row
  bool state_rows = false;
  // Lead times: two-sample Kolmogorov–Smirnov.
  std::uint64_t lead_n_log = 0, lead_n_twin = 0;
  double ks_d = 0, ks_p = 1;
  std::vector<std::string> stations_out;  ///< stations with a row outside, most out first

  int exit_code() const;
};

ValidateResult validate_log(const std::string& log_path, const scenario::ScenarioSpec& spec, const ValidateOptions& options);

std::string validate_report_text(const ValidateResult& r, const std::string& log_path, const std::string& scenario_path);
run::Json validate_report_json(const ValidateResult& r, const std::string& log_path, const std::string& scenario_path);

}  // namespace plantwin::twin
