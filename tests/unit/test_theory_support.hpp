#pragma once
// Shared by the test_theory*.cpp files: run a scenario of tests/theory/ through the whole stack
// (loader, builder, runner, result document) and compare what the document says with theory.
//
// Statistical policy (fixed before any result was looked at):
// - Every scenario fixes its seed, so every test is deterministic.
// - An estimate is the mean of R independent replications (R = 10 or 20). It agrees with theory
//   when |mean - theory| <= h, where h = t(0.9995, R-1) * s / sqrt(R) is the half-width of the
//   two-sided 99.9 % Student-t interval and s the sample standard deviation of the replications'
//   values.
// - The estimate must also be precise enough to mean something: h <= (stated relative size) *
//   |theory|. The relative size is stated per check; it is what sizes the run lengths. A check
//   that fails this requirement says the run is too short, not that the engine is wrong.
// - Setting PLANTWIN_THEORY_REPORT in the environment prints one line per comparison
//   (theory, mean, half-width, allowed half-width) to stdout.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "kernel/stats.hpp"
#include "models/plant.hpp"
#include "run/json.hpp"
#include "run/result_document.hpp"
#include "run/runner.hpp"
#include "scenario/builder.hpp"
#include "scenario/loader.hpp"

namespace plantwin::theory {

/// One scenario run as `plantwin run --json` would run it.
struct TheoryRun {
  scenario::ScenarioSpec spec;
  models::PlantParams params;
  run::RunConfig config;
  run::RunOutcome outcome;
  run::Json doc;
};

inline std::string theory_file(const std::string& name) {
  return std::string(PLANTWIN_SOURCE_DIR) + "/tests/theory/" + name;
}

/// Loads tests/theory/`name` with `sets` applied like `--set PATH=VALUE`, and builds it.
inline TheoryRun load_theory_scenario(const std::string& name, const std::vector<std::string>& sets = {}) {
  std::vector<scenario::Override> overrides;
  for (const std::string& s : sets) {
    auto o = scenario::parse_override(s);
    REQUIRE(o.has_value());
    overrides.push_back(*o);
  }
  auto loaded = scenario::load_scenario_file(theory_file(name), overrides);
  INFO(loaded.diagnostics.format_all());
  REQUIRE(!loaded.diagnostics.has_errors());
  TheoryRun r{*loaded.spec, scenario::build_plant_params(*loaded.spec), {}, {}, {}};
  r.config.seed = r.spec.seed;
  r.config.replications = r.spec.replications;
  r.config.warmup = r.spec.warmup;
  r.config.horizon = r.spec.horizon;
  r.config.jobs = 0;
  return r;
}

/// Runs the replications and builds the result document.
inline void execute(TheoryRun& r) {
  r.outcome = run::run_replications(r.params, r.config);
  INFO(r.outcome.error);
  REQUIRE(r.outcome.ok);
  r.doc = run::result_document(r.spec.name, r.params, r.config, r.outcome);
}

inline TheoryRun run_theory_scenario(const std::string& name, const std::vector<std::string>& sets = {}) {
  TheoryRun r = load_theory_scenario(name, sets);
  execute(r);
  return r;
}

/// The member of `doc` at `path` (object keys, outermost first). Fails the test when missing.
inline const run::Json& at(const run::Json& doc, std::initializer_list<std::string_view> path) {
  const run::Json* j = &doc;
  for (std::string_view key : path) {
    INFO("key " << key);
    j = j->find(key);
    REQUIRE(j != nullptr);
  }
  return *j;
}

inline double number_at(const run::Json& doc, std::initializer_list<std::string_view> path) {
  const run::Json& j = at(doc, path);
  REQUIRE(j.is_number());
  return j.number();
}

/// The per-replication `values` of a KPI object.
inline std::vector<double> values_of(const run::Json& kpi) {
  const run::Json* v = kpi.find("values");
  REQUIRE(v != nullptr);
  std::vector<double> out;
  for (const run::Json& x : v->items()) {
    REQUIRE(x.is_number());
    out.push_back(x.number());
  }
  return out;
}

inline std::vector<double> values_at(const run::Json& doc, std::initializer_list<std::string_view> path) {
  return values_of(at(doc, path));
}

/// The state fraction of one station in each replication (the document keeps only their mean,
/// under `stations.<id>.states`; this also checks that the mean is what the document says).
inline std::vector<double> state_values(const TheoryRun& r, const std::string& station, models::ServerState state) {
  std::size_t index = r.params.stations.size();
  for (std::size_t s = 0; s < r.params.stations.size(); ++s)
    if (r.params.stations[s].id == station) index = s;
  REQUIRE(index < r.params.stations.size());
  const double planned = static_cast<double>(r.config.horizon) * r.params.stations[index].params.servers;
  std::vector<double> out;
  double sum = 0;
  for (const auto& rep : r.outcome.replications) {
    out.push_back(static_cast<double>(rep.stations[index].state_ticks[static_cast<std::size_t>(state)]) / planned);
    sum += out.back();
  }
  const double shown = number_at(r.doc, {"stations", station, "states", models::server_state_name(state)});
  CHECK(shown == Approx(sum / static_cast<double>(out.size())).epsilon(1e-12));
  return out;
}

/// Mean and 99.9 % Student-t half-width of one value per replication.
struct Estimate {
  double mean = 0;
  double half_width = 0;
};

inline Estimate estimate(const std::vector<double>& values) {
  REQUIRE(values.size() >= 2);
  const auto n = static_cast<double>(values.size());
  double sum = 0;
  for (double v : values) sum += v;
  const double mean = sum / n;
  double ss = 0;
  for (double v : values) ss += (v - mean) * (v - mean);
  const double sd = std::sqrt(ss / (n - 1));
  const double t = kernel::student_t_quantile(0.9995, static_cast<int>(values.size()) - 1);
  return {mean, t * sd / std::sqrt(n)};
}

inline void report(const std::string& what, double theory, double measured, double half_width, double allowed,
                   bool pass) {
  if (std::getenv("PLANTWIN_THEORY_REPORT") == nullptr) return;
  std::printf("THEORY | %-48s | %12.6g | %12.6g ± %-10.3g | %-10.3g | %s\n", what.c_str(), theory, measured,
              half_width, allowed, pass ? "pass" : "FAIL");
}

/// The policy above: |mean - theory| within the 99.9 % half-width, and the half-width at most
/// `max_relative_half_width` of |theory|.
inline void check_theory(const std::string& what, const std::vector<double>& values, double theory,
                         double max_relative_half_width) {
  const Estimate e = estimate(values);
  const double allowed = max_relative_half_width * std::fabs(theory);
  const bool precise = e.half_width <= allowed;
  const bool agrees = std::fabs(e.mean - theory) <= e.half_width;
  report(what, theory, e.mean, e.half_width, allowed, precise && agrees);
  INFO(what << ": theory " << theory << ", replication mean " << e.mean << " ± " << e.half_width
            << " (99.9 %, R = " << values.size() << "), half-width allowed " << allowed);
  CHECK(precise);
  CHECK(agrees);
}

/// For a quantity whose theoretical value is 0 (a difference that an identity makes vanish):
/// |mean| within the 99.9 % half-width, and the half-width at most `max_half_width`.
inline void check_zero(const std::string& what, const std::vector<double>& values, double max_half_width) {
  const Estimate e = estimate(values);
  const bool precise = e.half_width <= max_half_width;
  const bool agrees = std::fabs(e.mean) <= e.half_width;
  report(what, 0, e.mean, e.half_width, max_half_width, precise && agrees);
  INFO(what << ": replication mean " << e.mean << " ± " << e.half_width << " (99.9 %, R = " << values.size()
            << "), half-width allowed " << max_half_width);
  CHECK(precise);
  CHECK(agrees);
}

/// Little's law per replication: wip - throughput * lead time (both from the document), which is
/// 0 in expectation when no part is scrapped (boundary terms at the window's ends cancel in a
/// stationary run). Checked with check_zero, the half-width at most `max_relative` of the mean WIP.
inline void check_little(const std::string& what, const run::Json& doc, double max_relative) {
  const auto wip = values_at(doc, {"kpis", "wip"});
  const auto throughput = values_at(doc, {"kpis", "throughput_per_h"});
  const auto lead = values_at(doc, {"kpis", "lead_time_s"});
  std::vector<double> gap;
  double wip_sum = 0;
  for (std::size_t k = 0; k < wip.size(); ++k) {
    gap.push_back(wip[k] - throughput[k] / 3600.0 * lead[k]);
    wip_sum += wip[k];
  }
  check_zero(what, gap, max_relative * wip_sum / static_cast<double>(wip.size()));
}

}  // namespace plantwin::theory
