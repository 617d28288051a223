// The transport model of plantwin_bench: 200 AGVs on a 500-node layout. Built the way a user's
// scenario is, from YAML text through the loader and the builder (Dijkstra tables included), then
// run as one replication. There is no minimal loop of it: it is compared with the line-only
// models of the same run by its cost per event.

#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "bench_transport.hpp"
#include "models/plant.hpp"
#include "scenario/builder.hpp"
#include "scenario/loader.hpp"

namespace plantwin::bench {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

std::string node_id(int x, int y) { return "n" + std::to_string(x) + "_" + std::to_string(y); }

}  // namespace

std::string transport_scenario_yaml(const TransportModel& m) {
  std::ostringstream y;
  y << "plantwin: 1\nname: agv-grid\nhorizon: " << m.horizon_s << "s\n";
  // Stations spread over the grid (station s at node 97 s + 13, modulo the nodes); product p
  // visits stations p·route_length ... p·route_length + route_length - 1, so every station is on a
  // route and consecutive stations of a route are far apart.
  const int nodes = m.grid_x * m.grid_y;
  const auto station_node = [&](int s) { return (s * 97 + 13) % nodes; };
  y << "products:\n";
  for (int p = 0; p < m.products; ++p) {
    y << "  - id: p" << p << "\n    route: [s" << (p * m.route_length) % m.stations;
    for (int j = 1; j < m.route_length; ++j) y << ", {station: s" << (p * m.route_length + j) % m.stations << ", via: agv}";
    y << "]\n";
  }
  y << "sources:\n";
  for (int p = 0; p < m.products; ++p)
    y << "  - {id: src" << p << ", product: p" << p << ", interarrival: {dist: exponential, mean: "
      << m.interarrival_s * m.products << "s}}\n";
  y << "stations:\n";
  for (int s = 0; s < m.stations; ++s)
    y << "  - {id: s" << s << ", servers: 4, process: {dist: lognormal, mean: 60s, cv: 0.3}}\n";
  y << "layout:\n  nodes:\n";
  for (int x = 0; x < m.grid_x; ++x)
    for (int j = 0; j < m.grid_y; ++j)
      y << "    - {id: " << node_id(x, j) << ", x: " << x * m.spacing_m << ", y: " << j * m.spacing_m << "}\n";
  y << "  segments:\n";
  for (int x = 0; x < m.grid_x; ++x)
    for (int j = 0; j < m.grid_y; ++j) {
      if (x + 1 < m.grid_x) y << "    - {from: " << node_id(x, j) << ", to: " << node_id(x + 1, j) << "}\n";
      if (j + 1 < m.grid_y) y << "    - {from: " << node_id(x, j) << ", to: " << node_id(x, j + 1) << "}\n";
    }
  y << "  places:\n";
  for (int s = 0; s < m.stations; ++s) {
    const int n = station_node(s);
    y << "    s" << s << ": " << node_id(n / m.grid_y, n % m.grid_y) << "\n";
  }
  y << "fleets:\n  - {id: agv, vehicles: " << m.vehicles << ", speed: 1.0, load: 10s, unload: 10s, home: "
    << node_id(m.grid_x / 2, m.grid_y / 2) << ", dispatch: nearest_idle, return_home: false}\n";
  return y.str();
}

bool is_transport_event(const kernel::Kernel& kernel, const kernel::Event& event) {
  const std::string& name = kernel.model_name(event.target);
  return name.rfind("fleet/", 0) == 0 || name == "traffic";
}

RunOutcome run_engine_transport(const TransportModel& model, EventFilter counted) {
  // Loading is part of the build, as it is for a user's scenario.
  const auto start = Clock::now();
  const auto loaded = scenario::load_scenario_text(transport_scenario_yaml(model), "agv-grid.yaml");
  if (!loaded.spec) throw std::runtime_error("the transport model does not load: " + loaded.diagnostics.first_error());
  const double load_s = seconds_since(start);
  RunOutcome out = run_engine([&] { return scenario::build_plant_params(*loaded.spec); }, model.horizon_s, counted);
  out.build_s += load_s;
  return out;
}

}  // namespace plantwin::bench

namespace plantwin::bench {

namespace {

/// The engine's ns/event of the line-only comparison `key` in this run; 0 when not measured.
double line_ns_per_event(const std::vector<Comparison>& rows, const std::string& key) {
  for (const Comparison& c : rows)
    if (c.key == key && !c.engine.runs.empty()) return c.engine.ns_per_event();
  return 0;
}

std::string title(const TransportModel& m) {
  const int segments = (m.grid_x - 1) * m.grid_y + m.grid_x * (m.grid_y - 1);
  return std::to_string(m.vehicles) + " AGVs on a " + std::to_string(m.grid_x * m.grid_y) + "-node grid (" +
         std::to_string(segments) + " segments), " + std::to_string(m.stations) + " stations, " +
         std::to_string(m.products) + " products, " + std::to_string(m.route_length - 1) + " AGV hops per part";
}

}  // namespace

TransportResult measure_transport(const TransportModel& model, int reps) {
  TransportResult t;
  t.model = model;
  Comparison c;  // the engine side only: there is no minimal loop of this model
  measure_sides(c, reps, [&] { return run_engine_transport(model); }, {});
  t.engine = std::move(c.engine);
  try {
    t.transport_events = run_once_in_child([&] { return run_engine_transport(model, is_transport_event); }).counted_events;
  } catch (const std::exception& e) {
    t.error = std::string("counting run failed: ") + e.what();
  }
  if (!t.engine.error.empty()) t.error = t.engine.error;
  return t;
}

void print_transport(const TransportResult& t, const std::vector<Comparison>& rows) {
  std::printf("\ntransport: %s\n", title(t.model).c_str());
  if (t.engine.runs.empty()) {
    std::printf("  failed: %s\n", t.error.c_str());
    return;
  }
  const RunOutcome& f = t.engine.first();
  const double share = f.events > 0 ? 100.0 * static_cast<double>(t.transport_events) / static_cast<double>(f.events) : 0;
  std::printf("  %llu events (%.1f %% of them fleet and zone events), %.0f s simulated; build %.3f s, run %.3f s "
              "(medians of %zu)\n",
              static_cast<unsigned long long>(f.events), share, f.simulated_s, f.build_s, t.engine.median_run_s(),
              t.engine.runs.size());
  std::printf("  %.2f M events/s (build + run), %.1f ns/event (run); peak RSS %.1f MiB; %llu parts completed, mean "
              "lead time %.1f s; %s\n",
              t.engine.events_per_s() / 1e6, t.engine.ns_per_event(), static_cast<double>(t.engine.max_rss_kib) / 1024.0,
              static_cast<unsigned long long>(f.completed), f.mean_lead_s,
              t.engine.reproducible ? "every repetition identical" : "REPETITIONS DIFFER");
  const double ns = t.engine.ns_per_event();
  for (const char* key : {"line", "plant"})
    if (const double line = line_ns_per_event(rows, key); line > 0)
      std::printf("  per event: %.2fx the engine's cost on '%s' in this run (%.1f ns/event)\n", ns / line, key, line);
  if (!t.error.empty()) std::printf("  %s\n", t.error.c_str());
}

run::Json transport_json(const TransportResult& t, const std::vector<Comparison>& rows) {
  run::Json j = run::Json::object();
  j["title"] = title(t.model);
  j["vehicles"] = t.model.vehicles;
  j["nodes"] = t.model.grid_x * t.model.grid_y;
  if (!t.error.empty()) j["error"] = t.error;
  if (t.engine.runs.empty()) return j;
  const RunOutcome& f = t.engine.first();
  j["events"] = f.events;
  j["transport_events"] = t.transport_events;
  j["build_s"] = f.build_s;
  j["median_run_s"] = t.engine.median_run_s();
  j["events_per_s"] = t.engine.events_per_s();
  j["ns_per_event"] = t.engine.ns_per_event();
  j["max_rss_kib"] = static_cast<std::int64_t>(t.engine.max_rss_kib);
  j["completed"] = f.completed;
  j["reproducible"] = t.engine.reproducible;
  for (const char* key : {"line", "plant"})
    if (const double line = line_ns_per_event(rows, key); line > 0)
      j[std::string("ns_per_event_ratio_to_") + key] = t.engine.ns_per_event() / line;
  return j;
}

}  // namespace plantwin::bench
