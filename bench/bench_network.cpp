// The network measurement: a line plus 1,000 telemetry devices on one 5G cell, built from a
// scenario text through the loader (timed as the build), as `plantwin run` would.

#include "bench_network.hpp"

#include <sstream>
#include <stdexcept>

#include "scenario/builder.hpp"
#include "scenario/loader.hpp"

namespace plantwin::bench {

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

NetworkResult measure_network(const std::string& title, const NetworkModel& model, int reps) {
  NetworkResult result;
  result.title = title;
  Comparison c;  // the engine side only: there is no minimal loop of SimGrid
  measure_sides(c, reps, [&] { return run_engine_network(model); }, {});
  result.engine = std::move(c.engine);
  return result;
}

}  // namespace plantwin::bench
