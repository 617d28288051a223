#pragma once
// `plantwin check`: a run tested against an expectation file (bounds on KPIs, in mean or
// confidence mode, and the fingerprint) and against a baseline (an earlier result document of the
// same scenario), reported as text, as the document's `check` section and as JUnit XML
// (docs/cli.md, "plantwin check").

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "run/json.hpp"
#include "scenario/diagnostics.hpp"
#include "scenario/loader.hpp"

namespace plantwin::cli {

/// What a fingerprint that differs from the expected one does (--fingerprint).
enum class FingerprintMode {
  FAIL,    ///< a failure of its own: exit code 4 when nothing else failed
  WARN,    ///< a WARN line; the exit code does not change
  IGNORE,  ///< not compared
};
std::optional<FingerprintMode> parse_fingerprint_mode(std::string_view text);

/// Located errors for every result path of the expectation file that the scenario's result
/// document (`skeleton`) does not have, or that ends at something else than a number or a KPI
/// object; for `confidence` on a value without an interval (a pooled percentile) or with fewer
/// than two replications; for baseline settings of a value without per-replication values.
std::vector<scenario::Diagnostic> check_paths(const scenario::ExpectSpec& expect, const run::Json& skeleton,
                                              int replications);

/// An earlier result document, checked against the scenario about to run.
struct Baseline {
  std::string file;
  run::Json document;
  /// Same seed and replication count as this run: replication k of both used the same random
  /// numbers (common random numbers), so KPIs are compared on pairs; otherwise by Welch's test.
  bool paired = false;
};

/// Reads `file` (a result document of `plantwin run --json`, `--out` or `check --json`) and checks
/// that it is a result of this scenario: the same name, horizon and warm-up and the same KPIs as
/// `skeleton`, each with one value per replication. Errors are located (FILE:LINE:COLUMN, JSON
/// syntax errors at their place) and returned in `errors`; nullopt after any.
std::optional<Baseline> load_baseline(const std::string& file, const run::Json& skeleton, std::uint64_t seed,
                                      int replications, std::vector<scenario::Diagnostic>& errors);

/// One JUnit test case: a bound, the fingerprint or a gated KPI compared with the baseline.
struct CheckCase {
  std::string name;     ///< "throughput_per_h >= 50", "fingerprint == 8d95...", "baseline: wip (lower is better)"
  bool passed = true;
  std::string type;     ///< of a failure: "expectation", "fingerprint", "baseline"
  std::string message;  ///< the measured value with its interval, and what it broke
  bool warning = false; ///< a fingerprint mismatch in WARN mode: passed, with a note
};

struct CheckReport {
  std::vector<CheckCase> cases;
  std::vector<std::string> lines;  ///< the text report, without its summary line
  std::string summary;             ///< "N of M expectation(s) met; ..." (after "FILE: ")
  int failed_expectations = 0;
  int failed_baseline = 0;
  bool fingerprint_failed = false;  ///< a mismatch in FAIL mode
  run::Json section;                ///< the document's `check` section
  /// 1 when an expectation or a baseline comparison failed, else 4 when the fingerprint failed, else 0.
  int exit_code() const;
};

struct CheckOptions {
  FingerprintMode fingerprint = FingerprintMode::FAIL;
  const Baseline* baseline = nullptr;
  std::string expect_file;  ///< "" when there is none (--baseline alone)
};

/// Tests the run's result document.
CheckReport evaluate_check(const scenario::ExpectSpec& expect, const run::Json& doc, const CheckOptions& options);
/// The text report: one line per expectation, the fingerprint, the baseline's failures and
/// counts, then "FILE: summary".
std::string format_check_report(const CheckReport& report, const std::string& scenario_file);
/// JUnit XML: one test case per expectation, the fingerprint and each gated baseline KPI.
/// `command` names the suite and the test cases' class ("check": "plantwin check", "plantwin.check").
std::string junit_xml(const CheckReport& report, const std::string& scenario_file, std::string_view command = "check");
/// JUnit XML of a check that stopped before it could test anything: one test case in error,
/// `type` ("invalid input", "run failure", "interrupted", "output"), its message the first line of
/// `details` (what the command printed on stderr), its text all of them.
std::string junit_error_xml(const std::string& scenario_file, std::string_view type, const std::string& details,
                            std::string_view command = "check");

}  // namespace plantwin::cli
