// The network measurement: a line plus 1,000 telemetry devices on one 5G cell, built from a
// scenario text through the loader (timed as the build), as `plantwin run` would.

#include "bench_network.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "bench_measure.hpp"
#include "scenario/builder.hpp"
#include "scenario/loader.hpp"

namespace plantwin::bench {

namespace {

template <class Field>
std::vector<double> collect(const std::vector<RunOutcome>& runs, Field field) {
  std::vector<double> v;
  for (const RunOutcome& r : runs) v.push_back(field(r));
  return v;
}

}  // namespace

std::string NetworkModel::yaml() const {
  const LineModel line;
  std::ostringstream y;
  y << "plantwin: 1\nname: bench-telemetry\nhorizon: " << horizon_s << "\nproducts:\n  - id: p\n    route: [";
  for (int k = 0; k < line.stations_per_line; ++k) y << (k ? ", " : "") << line_station_id(0, k);
  y << "]\nsources: [{id: src, product: p, saturated: true}]\nstations:\n";
  for (int k = 0; k < line.stations_per_line; ++k)
    y << "  - {id: " << line_station_id(0, k) << ", buffer: " << line.buffer << ", process: {dist: exponential, mean: "
      << line.process_mean_s << "}, failures: {mtbf: {dist: exponential, mean: " << line.mtbf_s
      << "}, mttr: {dist: exponential, mean: " << line.mttr_s << "}}}\n";
  y << "network:\n"
       "  nodes: [{id: gnb, kind: cell}, {id: edge, kind: edge}]\n"
       "  links:\n"
       "    - {id: radio, kind: 5g, cell: gnb, uplink: 100Mbps, downlink: 400Mbps, latency: 5ms}\n"
       "    - {id: backhaul, kind: wired, between: [gnb, edge], bandwidth: 10Gbps, latency: 100us}\n"
       "  attach: [{device: sensors, node: gnb, count: "
    << devices
    << "}]\n"
       "messages:\n"
       "  - {id: telemetry, from: sensors, to: edge, size: "
    << size_b << ", every: {dist: exponential, mean: " << every_s << "}}\n";
  return y.str();
}

RunOutcome run_engine_network(const NetworkModel& model) {
  const auto make_params = [&] {
    const scenario::LoadResult loaded = scenario::load_scenario_text(model.yaml(), "bench-telemetry.yaml");
    if (!loaded.spec) throw std::runtime_error("the bench's network scenario is invalid:\n" + loaded.diagnostics.format_all());
    return scenario::build_plant_params(*loaded.spec);
  };
  return run_engine(make_params, model.horizon_s);
}

double NetworkResult::median_total_s() const {
  return median(collect(runs, [](const RunOutcome& r) { return r.total_s(); }));
}
double NetworkResult::median_run_s() const {
  return median(collect(runs, [](const RunOutcome& r) { return r.run_s; }));
}
double NetworkResult::median_simgrid_s() const {
  return median(collect(runs, [](const RunOutcome& r) { return r.simgrid_s; }));
}
double NetworkResult::events_per_s() const { return static_cast<double>(runs.front().events) / median_total_s(); }
double NetworkResult::simgrid_share() const {
  return median(collect(runs, [](const RunOutcome& r) { return r.run_s > 0 ? r.simgrid_s / r.run_s : 0.0; }));
}

NetworkResult measure_network(const std::string& title, const NetworkModel& model, int reps) {
  NetworkResult result;
  result.title = title;
  for (int i = 0; i < reps; ++i) {
    try {
      long rss_kib = 0;
      const RunOutcome out = run_once_in_child([&] { return run_engine_network(model); }, &rss_kib);
      if (!result.runs.empty() && (out.events != result.runs.front().events || out.fingerprint != result.runs.front().fingerprint))
        result.reproducible = false;
      result.runs.push_back(out);
      result.max_rss_kib = std::max(result.max_rss_kib, rss_kib);
    } catch (const std::exception& e) {
      result.error = e.what();
      break;
    }
  }
  return result;
}

}  // namespace plantwin::bench
