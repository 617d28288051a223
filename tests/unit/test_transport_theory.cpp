// Transport against theory: a closed loop of AGVs against exact Mean Value Analysis, Little's law
// for transport requests and conveyors, and the conservation of vehicles. Statistical policy:
// test_theory_support.hpp.
#include <numeric>

#include "test_theory_support.hpp"

using namespace plantwin;
using namespace plantwin::theory;
using models::VehicleState;

namespace {

/// Exact Mean Value Analysis (Reiser & Lavenberg, 1980) of a closed network with one class.
/// Queueing stations are FCFS single servers with exponential service of the given means; delay
/// stations (infinite servers) may have any distribution.
struct Mva {
  double throughput = 0;                    ///< customers per second through the cycle
  std::vector<double> response, queue;      ///< per station: time per visit, mean number there
};

Mva mean_value_analysis(const std::vector<double>& demand, const std::vector<bool>& is_delay, int customers) {
  Mva m;
  m.queue.assign(demand.size(), 0.0);
  m.response.assign(demand.size(), 0.0);
  for (int n = 1; n <= customers; ++n) {
    for (std::size_t k = 0; k < demand.size(); ++k) m.response[k] = is_delay[k] ? demand[k] : demand[k] * (1 + m.queue[k]);
    m.throughput = n / std::accumulate(m.response.begin(), m.response.end(), 0.0);
    for (std::size_t k = 0; k < demand.size(); ++k) m.queue[k] = m.throughput * m.response[k];
  }
  return m;
}

}  // namespace

TEST_CASE("mean value analysis gives the textbook answers", "[transport][theory][mva]") {
  // One customer sees no queue; a single queue with a delay is the machine-repairman model.
  const Mva one = mean_value_analysis({10, 5}, {true, false}, 1);
  CHECK(one.throughput == Approx(1.0 / 15));
  // Two customers, think 10, service 5: R = 5 (1 + Q1), Q1 = X1·5 = 1/3 -> R = 20/3, X = 2 / (10 + 20/3).
  const Mva two = mean_value_analysis({10, 5}, {true, false}, 2);
  CHECK(two.throughput == Approx(2.0 / (10 + 20.0 / 3)));
}

TEST_CASE("a closed loop of AGVs over single-vehicle nodes agrees with exact mean value analysis", "[transport][theory][mva]") {
  // Stations of the loop: drive D -> S (delay 30 s), load at S (FCFS, exp 20 s), drive S -> D
  // (delay 30 s), unload at D (FCFS, exp 15 s).
  const std::vector<double> demand{30, 20, 30, 15};
  const std::vector<bool> delay{true, false, true, false};
  for (int vehicles : {2, 4, 7}) {
    TheoryRun r = run_theory_scenario("agv_loop.yaml", {"fleets.agv.vehicles=" + std::to_string(vehicles)});
    const Mva mva = mean_value_analysis(demand, delay, vehicles);
    const std::string n = " (" + std::to_string(vehicles) + " AGVs)";
    const double horizon_s = kernel::to_seconds(r.config.horizon);
    std::vector<double> trips_per_s;
    for (double trips : values_at(r.doc, {"fleets", "agv", "trips"})) trips_per_s.push_back(trips / horizon_s);
    check_theory("AGV loop throughput" + n, trips_per_s, mva.throughput, 0.02);
    // Each vehicle's time split: loading X·20/N, waiting for a node X·(R_S - 20 + R_D - 15)/N,
    // driving X·60/N.
    const double per_vehicle = mva.throughput / vehicles;
    check_theory("AGV loop loading fraction" + n, values_at(r.doc, {"fleets", "agv", "states", "loading"}),
                 per_vehicle * 20, 0.02);
    check_theory("AGV loop driving fraction" + n, values_at(r.doc, {"fleets", "agv", "states", "travelling_loaded"}),
                 per_vehicle * 30, 0.02);
    const double waiting = per_vehicle * (mva.response[1] - 20 + mva.response[3] - 15);
    if (vehicles > 2) check_theory("AGV loop zone waiting fraction" + n, values_at(r.doc, {"fleets", "agv", "states", "waiting_zone"}), waiting, 0.05);
  }
}

TEST_CASE("transport requests and conveyors obey Little's law", "[transport][theory][little]") {
  const TheoryRun r = run_theory_scenario("agv_open.yaml");
  // Requests waiting for a vehicle to start loading them = rate of requests x mean wait.
  const auto waiting = values_at(r.doc, {"fleets", "agv", "waiting_requests"});
  const auto requests = values_at(r.doc, {"fleets", "agv", "requests"});
  const auto wait = values_at(r.doc, {"fleets", "agv", "request_wait_s"});
  const double horizon_s = kernel::to_seconds(r.config.horizon);
  std::vector<double> gap;
  double mean_waiting = 0;
  for (std::size_t k = 0; k < waiting.size(); ++k) {
    gap.push_back(waiting[k] - requests[k] / horizon_s * wait[k]);
    mean_waiting += waiting[k] / static_cast<double>(waiting.size());
  }
  check_zero("Little's law, transport requests", gap, 0.05 * mean_waiting);
  // Parts on the conveyor = parts leaving it per second x mean time on it.
  const auto occupancy = values_at(r.doc, {"conveyors", "belt", "occupancy"});
  const auto moved = values_at(r.doc, {"conveyors", "belt", "moved"});
  const auto time_on = values_at(r.doc, {"conveyors", "belt", "time_on_s"});
  gap.clear();
  double mean_occupancy = 0;
  for (std::size_t k = 0; k < occupancy.size(); ++k) {
    gap.push_back(occupancy[k] - moved[k] / horizon_s * time_on[k]);
    mean_occupancy += occupancy[k] / static_cast<double>(occupancy.size());
  }
  check_zero("Little's law, conveyor", gap, 0.02 * mean_occupancy);
  // And for the whole plant, transport included.
  check_little("Little's law, plant with transport", r.doc, 0.03);
}

TEST_CASE("every vehicle is in exactly one state at every instant", "[transport][theory][conservation]") {
  const TheoryRun r = run_theory_scenario("agv_open.yaml");
  for (const auto& rep : r.outcome.replications) {
    for (const auto& v : rep.transport.fleets[0].vehicles) {
      kernel::Tick total = 0;
      for (kernel::Tick t : v.state_ticks) total += t;
      CHECK(total == r.config.horizon);
    }
  }
  // So the fleet's fractions sum to 1 in every replication, and the vehicles did charge and queue.
  const auto& states = at(r.doc, {"fleets", "agv", "states"});
  std::vector<double> sum(r.outcome.replications.size(), 0.0);
  for (const auto& [name, kpi] : states.members()) {
    const auto v = values_of(kpi);
    for (std::size_t k = 0; k < v.size(); ++k) sum[k] += v[k];
  }
  for (double s : sum) CHECK(s == Approx(1).epsilon(1e-12));
  CHECK(number_at(r.doc, {"fleets", "agv", "states", "charging", "mean"}) > 0);
  CHECK(number_at(r.doc, {"fleets", "agv", "states", "waiting_zone", "mean"}) > 0);
  // Parts are conserved too: the parts whose loading started in the window are those delivered
  // in it, give or take one part on each of the 3 vehicles at either end of the window.
  const auto moved = values_at(r.doc, {"fleets", "agv", "moved"});
  const auto requests = values_at(r.doc, {"fleets", "agv", "requests"});
  for (std::size_t k = 0; k < moved.size(); ++k) CHECK(std::fabs(moved[k] - requests[k]) <= 3);
}
