#pragma once
/// The network measurement of plantwin_bench: a plant whose devices send periodic telemetry over
/// one 5G cell, on the engine with SimGrid (there is no minimal loop of SimGrid to compare with).
/// It reports events per second and the share of the run spent inside SimGrid.

#include <string>

#include "bench_measure.hpp"
#include "bench_models.hpp"

namespace plantwin::bench {

/// The 10-station line of LineModel (failures, saturated source) plus `devices` sensors on one
/// 5G cell (100 Mbps uplink, 5 ms), each sending `size_b` bytes to an edge server with
/// exponential gaps of mean `every_s`.
struct NetworkModel {
  int devices = 1000;
  double every_s = 1.0;
  double size_b = 1000;
  double horizon_s = 300;
  /// false: the network layer without its shortcuts past SimGrid (PLANTWIN_NETWORK_SHORTCUTS=off
  /// in the child), the reference that every transfer goes through SimGrid.
  bool shortcuts = true;

  /// The scenario, as a user would write it.
  std::string yaml() const;
};

/// Builds the plant from the scenario text and runs it once (in the calling process, which must
/// not have simulated a network before: run it in a forked child).
RunOutcome run_engine_network(const NetworkModel& model);

struct NetworkResult {
  std::string title;
  SideResult engine;     ///< the timed repetitions (there is no minimal loop of SimGrid)
  SideResult reference;  ///< the same without the shortcuts past SimGrid (empty when not measured)
};

/// Runs `reps` repetitions, each in a forked child; with `reference`, alternating with as many of
/// the same model without the shortcuts past SimGrid, and checks that both delivered the same.
NetworkResult measure_network(const std::string& title, const NetworkModel& model, int reps, bool reference);

}  // namespace plantwin::bench
