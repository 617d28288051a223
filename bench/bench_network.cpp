// The network measurement: a line plus 1,000 telemetry devices on one 5G cell, built from a
// scenario text through the loader (timed as the build), as `plantwin run` would.

#include "bench_network.hpp"

#include <cmath>
#include <cstdlib>
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
  if (!model.shortcuts) ::setenv("PLANTWIN_NETWORK_SHORTCUTS", "off", 1);  // in the child only
  const auto make_params = [&] {
    const scenario::LoadResult loaded = scenario::load_scenario_text(model.yaml(), "bench-telemetry.yaml");
    if (!loaded.spec) throw std::runtime_error("the bench's network scenario is invalid:\n" + loaded.diagnostics.format_all());
    return scenario::build_plant_params(*loaded.spec);
  };
  return run_engine(make_params, model.horizon_s);
}

NetworkResult measure_network(const std::string& title, const NetworkModel& model, int reps, bool reference) {
  NetworkResult result;
  result.title = title;
  NetworkModel plain = model;
  plain.shortcuts = false;
  Comparison c;  // the "loop" side is the reference here: there is no minimal loop of SimGrid
  measure_sides(c, reps, [&] { return run_engine_network(model); },
                reference ? std::function<RunOutcome()>([&] { return run_engine_network(plain); }) : nullptr);
  result.engine = std::move(c.engine);
  result.reference = std::move(c.loop);
  // The shortcuts are exact but for a rounding: a transfer handed to SimGrid in mid-flight may end
  // 1 ns apart (docs/network.md), so the delivered messages agree, and the lead times to 1e-9.
  if (!result.engine.runs.empty() && !result.reference.runs.empty()) {
    const RunOutcome& a = result.engine.first();
    const RunOutcome& b = result.reference.first();
    if (a.completed != b.completed || a.transfers != b.transfers || std::abs(a.mean_lead_s - b.mean_lead_s) > 1e-9 * b.mean_lead_s ||
        std::abs(a.network_bytes - b.network_bytes) > 1e-9 * b.network_bytes)
      result.engine.error = "the run with the shortcuts past SimGrid differs from the one without: " +
                            std::to_string(a.transfers) + " transfers, " + std::to_string(a.network_bytes) + " bytes and " +
                            std::to_string(a.completed) + " parts against " + std::to_string(b.transfers) + ", " +
                            std::to_string(b.network_bytes) + " and " + std::to_string(b.completed);
  }
  return result;
}

}  // namespace plantwin::bench
