#pragma once
/// `plantwin fit` (docs/twin.md, "Fitting"; TWIN.md §2): the scenario's parameters estimated from
/// an event log and written into the base scenario's text, in place.
///
/// What is estimated, each from the rows replay.hpp turns into observations:
///   stations.ID.process            work times net of pauses; per product (`process.PRODUCT`)
///                                  when the base has them per product, or when the products'
///                                  means differ (by more than 3 standard errors and 2 %)
///   stations.ID.setup              setup times: one distribution for every change of product, or
///                                  per pair (`setup.FROM.TO`) when the base has a matrix or the
///                                  pairs differ
///   stations.ID.failures.mtbf/mttr time between failures (up time, or the working time in it on
///                                  the operating basis, as the base says; operating when it has
///                                  no failures), and repair times
///   stations.ID.yield              1 − scrapped / ended
///   sources.ID.interarrival        times between the releases of parts of no order of the
///                                  source's products (a product made by one such source)
///   sources.ID.mix                 the shares of its products among those releases
///   sources.ID.orders              the release plan the log shows (reported, not written)
/// A duration is fitted by families.hpp (maximum likelihood, AIC, Kolmogorov–Smirnov). A
/// quantity with fewer than `min_observations` observations keeps its base value and says so.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kernel/distribution.hpp"
#include "run/json.hpp"
#include "scenario/spec.hpp"
#include "twin/families.hpp"
#include "twin/log_reader.hpp"

namespace plantwin::twin {

struct FitOptions {
  std::optional<Epoch> epoch;      ///< --epoch (else the scenario's)
  std::size_t min_observations = 30;
};

/// One estimated quantity.
struct FitQuantity {
  enum class Status { FITTED, KEPT, REPORTED };
  std::string path;   ///< "stations.printer.process", "sources.plan.orders", ...
  std::string what;   ///< in words: "process time of mainboard"
  Status status = Status::KEPT;
  std::string note;   ///< why it was kept, or what else there is to say
  std::size_t n = 0;  ///< observations
  std::optional<kernel::Distribution> base, fitted;  ///< durations
  std::optional<FamilyFit> fit;
  std::optional<double> base_value, value, se;  ///< yield, mix weights: the value and its standard error
  std::string yaml;   ///< what was written (fitted)
  run::Json detail;   ///< anything else for the report (the release plan)
};

struct FitResult {
  bool ok = false;                        ///< the log read without errors and the scenario was written
  std::vector<LogDiagnostic> diagnostics; ///< the log's (and the fitted text's, should it not load)
  std::vector<FitQuantity> quantities;
  std::string text;                       ///< the fitted scenario
  std::uint64_t rows = 0;
  kernel::Tick first = 0, last = 0;
  std::uint64_t anomalies = 0;
  std::string first_anomaly;
};

/// Fits `base` (read from `base_text`, the file's text as written) to the log at `log_path`.
FitResult fit_log(const std::string& log_path, const scenario::ScenarioSpec& base, const std::string& base_text,
                  const FitOptions& options);

/// A distribution as the scenario format writes it, in flow style: `22.013s`,
/// `{dist: lognormal, mean: 22.013s, cv: 0.0998}` (4 to 5 significant digits, a readable unit).
std::string distribution_yaml(const kernel::Distribution& d);
/// A duration in a readable unit with 5 significant digits: "22.013s", "4.0034h", "12.5min".
std::string duration_yaml(double seconds);

/// The report: one line per quantity (text), and the JSON document `--report` writes (with the
/// tables the Python plots draw: quantiles and a histogram against the fitted distribution).
std::string fit_report_text(const FitResult& result, const std::string& log_path);
run::Json fit_report_json(const FitResult& result, const std::string& log_path, const std::string& scenario_path,
                          const FitOptions& options);

}  // namespace plantwin::twin
