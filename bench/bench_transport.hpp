#pragma once
/// The transport measurement of plantwin_bench: the AGV grid of bench_models.hpp (TransportModel)
/// on the engine, its events per second and its cost per event next to the line-only models
/// measured in the same run.

#include <string>
#include <vector>

#include "bench_measure.hpp"
#include "bench_models.hpp"
#include "run/json.hpp"

namespace plantwin::bench {

struct TransportResult {
  TransportModel model;
  SideResult engine;                  ///< the timed repetitions
  std::uint64_t transport_events = 0;  ///< of the events, those of fleets and zone control (counted apart)
  std::string error;
};

/// Runs `reps` timed repetitions (each in a child) and one untimed counting run.
TransportResult measure_transport(const TransportModel& model, int reps);
/// The section of the table; `rows` are the line-only comparisons of the same run.
void print_transport(const TransportResult& t, const std::vector<Comparison>& rows);
run::Json transport_json(const TransportResult& t, const std::vector<Comparison>& rows);

}  // namespace plantwin::bench
