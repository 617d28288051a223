#pragma once
// Shared by the test_transport_*.cpp files: run a scenario written inline through the whole stack
// (loader, builder, runner, result document), and read what it says about transport.

#include <catch2/catch.hpp>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "models/plant.hpp"
#include "run/json.hpp"
#include "run/result_document.hpp"
#include "run/runner.hpp"
#include "scenario/builder.hpp"
#include "scenario/loader.hpp"

namespace plantwin::transport_testing {

struct Run {
  scenario::ScenarioSpec spec;
  models::PlantParams params;
  run::RunConfig config;
  run::RunOutcome outcome;
  run::Json doc;
  const models::ReplicationResult& first() const { return outcome.replications.front(); }
};

/// Loads `yaml` (named "t.yaml" in messages); the test fails on any load error.
inline Run load_text(const std::string& yaml, const std::vector<std::string>& sets = {}) {
  std::vector<scenario::Override> overrides;
  for (const std::string& s : sets) overrides.push_back(*scenario::parse_override(s));
  auto loaded = scenario::load_scenario_text(yaml, "t.yaml", overrides);
  INFO(loaded.diagnostics.format_all());
  REQUIRE(!loaded.diagnostics.has_errors());
  Run r{*loaded.spec, scenario::build_plant_params(*loaded.spec), {}, {}, {}};
  r.config.seed = r.spec.seed;
  r.config.replications = r.spec.replications;
  r.config.warmup = r.spec.warmup;
  r.config.horizon = r.spec.horizon;
  return r;
}

/// Runs the replications; `ok` says whether they must succeed.
inline void execute(Run& r, bool ok = true) {
  r.outcome = run::run_replications(r.params, r.config);
  if (!ok) return;
  INFO(r.outcome.error);
  REQUIRE(r.outcome.ok);
  r.doc = run::result_document(r.spec.name, r.params, r.config, r.outcome);
}

inline Run run_text(const std::string& yaml, const std::vector<std::string>& sets = {}) {
  Run r = load_text(yaml, sets);
  execute(r);
  return r;
}

/// The run's error (it must fail).
inline std::string run_error(const std::string& yaml) {
  Run r = load_text(yaml);
  execute(r, false);
  REQUIRE(!r.outcome.ok);
  return r.outcome.error;
}

/// The first error of loading `yaml`.
inline std::string load_error(const std::string& yaml, const std::vector<std::string>& sets = {}) {
  std::vector<scenario::Override> overrides;
  for (const std::string& s : sets) overrides.push_back(*scenario::parse_override(s));
  return scenario::load_scenario_text(yaml, "t.yaml", overrides).diagnostics.first_error();
}

/// The number at `path` in the document; a KPI object stands for its mean.
inline double value(const run::Json& doc, std::initializer_list<std::string_view> path) {
  const run::Json* j = &doc;
  for (std::string_view key : path) {
    INFO("key " << key);
    j = j->find(key);
    REQUIRE(j != nullptr);
  }
  if (const run::Json* mean = j->find("mean")) j = mean;
  REQUIRE(j->is_number());
  return j->number();
}

/// A vehicle's time in state `s`, in ticks (ticks_in) and in seconds (ticks_of).
inline kernel::Tick ticks_in(const models::VehicleMeasures& v, models::VehicleState s) {
  return v.state_ticks[static_cast<std::size_t>(s)];
}
inline double ticks_of(const models::VehicleMeasures& v, models::VehicleState s) { return kernel::to_seconds(ticks_in(v, s)); }

// A part at `a` (10 s) is carried to `b` (10 s) by one AGV at 2 m/s, 5 s to load, 3 s to unload.
// Depot - A 10 m; A - B direct 120 m (a winding aisle, length given), or A-C-D-B 25 + 40 + 25 = 90 m.
inline const std::string DETOUR = R"(plantwin: 1
name: detour
horizon: 10min
products:
  - id: part
    route: [a, {station: b, via: agv}]
sources:
  - id: plan
    orders: [{product: part, quantity: 1}]
stations:
  - {id: a, process: 10s}
  - {id: b, process: 10s}
layout:
  nodes:
    - {id: depot, x: 0, y: -10}
    - {id: A, x: 0, y: 0}
    - {id: B, x: 70, y: 0}
    - {id: C, x: 15, y: 20}
    - {id: D, x: 55, y: 20}
  segments:
    - {from: depot, to: A}
    - {from: A, to: B, length: 120}
    - {path: [A, C, D, B]}
  places: {a: A, b: B}
fleets:
  - {id: agv, vehicles: 1, speed: 2, load: 5s, unload: 3s, home: depot}
)";

inline double station_seconds(const models::StationMeasures& m, models::ServerState s) {
  return kernel::to_seconds(m.state_ticks[static_cast<std::size_t>(s)]);
}

}  // namespace plantwin::transport_testing
