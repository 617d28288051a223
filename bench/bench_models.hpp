#pragma once
/// The models that plantwin_bench runs, each twice: on the engine (models::Plant) and on a minimal
/// hand-written event loop of the same model. Both sides draw from the same random streams
/// (kernel::RngStream with the names the engine gives them), so when the loop implements the
/// semantics exactly they follow the same trajectory and report the same numbers: that is how the
/// bench checks that the comparison is honest.

#include <cstdint>
#include <functional>
#include <string>

#include "kernel/time.hpp"

namespace plantwin::kernel {
class Kernel;
struct Event;
}  // namespace plantwin::kernel
namespace plantwin::models {
struct PlantParams;
}

namespace plantwin::bench {

/// The seed of every run (replication 0).
inline constexpr std::uint64_t SEED = 42;

/// M/M/1: Poisson arrivals (rate `lambda`, per second) to one exponential server (rate `mu`).
struct Mm1Model {
  /// Customers created; 0 means no limit (the soak run stops at the horizon instead).
  std::int64_t customers = 1'000'000;
  double lambda = 0.8;  ///< arrivals per second
  double mu = 1.0;      ///< services per second
  /// Simulated time, s: long enough for every customer to leave (1e6 customers arrive in about
  /// 1.25e6 s; the standard deviation of that is about 1.25e3 s).
  double horizon_s = 2.0e6;
};

/// `lines` identical serial lines side by side. Each line has `stations_per_line` single-server
/// stations with input buffers of `buffer` places, exponential process times, blocking after
/// service, and failures on every station (exponential MTBF and MTTR, operating basis, resume). A
/// saturated source feeds each line's first station.
struct LineModel {
  int lines = 1;
  int stations_per_line = 10;
  std::int64_t buffer = 5;
  double process_mean_s = 1.0;
  double mtbf_s = 60.0;  ///< mean operating time between failures, s
  double mttr_s = 3.0;   ///< mean time to repair, s
  double horizon_s = 1.0e5;

  int station_count() const { return lines * stations_per_line; }
};

/// The station id the engine model and the loop both use, so that they name (and so seed) their
/// random streams alike: "l<line>s<k>".
std::string line_station_id(int line, int k);

/// What one run of a model reports. Trivially copyable: a forked child sends it back through a
/// pipe as raw bytes.
struct RunOutcome {
  std::uint64_t events = 0;           ///< events executed (engine: calendar and deferred)
  std::uint64_t counted_events = 0;   ///< engine runs with an EventFilter only: the events it counted
  std::uint64_t completed = 0;        ///< parts that left the plant at the end of their route
  double mean_lead_s = 0;             ///< mean time from creation to leaving, s
  double build_s = 0;                 ///< wall time to build the model, s
  double run_s = 0;                   ///< wall time to run it, s
  double teardown_s = 0;              ///< wall time to destroy it, s
  std::uint64_t fingerprint = 0;      ///< engine only: the kernel's fingerprint
  double simulated_s = 0;             ///< simulated time reached, s
  double simgrid_s = 0;               ///< with a network: wall time inside SimGrid during the run, s
  std::uint64_t transfers = 0;        ///< with a network: transfers started
  std::uint64_t simgrid_transfers = 0;  ///< with a network: of them, carried by SimGrid (in whole or in part)
  double network_bytes = 0;           ///< with a network: bytes that crossed its channels, summed over them

  /// The whole process's work: build, run and teardown, s.
  double total_s() const { return build_s + run_s + teardown_s; }
};

/// Which executed events a counting run counts (RunOutcome::counted_events); nullptr counts none.
using EventFilter = bool (*)(const kernel::Kernel& kernel, const kernel::Event& event);
/// The deferred events (a station's "grant", a source's "offer"), so that the engine's calendar
/// events can be compared one for one with the loop's.
bool is_deferred_event(const kernel::Kernel& kernel, const kernel::Event& event);

/// Builds a plant from `make_params()` (timed as the build), runs it once from time 0 to
/// `horizon_s` and destroys it (timed as the teardown). With `counted`, a trace sink counts the
/// events it accepts (slower: for verification only). Throws when the run fails. A plant with a
/// network must run in a process of its own.
RunOutcome run_engine(const std::function<models::PlantParams()>& make_params, double horizon_s,
                      EventFilter counted = nullptr);

/// Runs the M/M/1 on the engine.
RunOutcome run_engine_mm1(const Mm1Model& model, EventFilter counted = nullptr);
/// Runs the M/M/1 on the minimal loop.
RunOutcome run_loop_mm1(const Mm1Model& model);

/// Runs the lines on the engine.
RunOutcome run_engine_lines(const LineModel& model, EventFilter counted = nullptr);
/// Runs the lines on the minimal loop.
RunOutcome run_loop_lines(const LineModel& model);

/// AGVs on a grid layout (bench_transport.cpp): `vehicles` AGVs on grid_x × grid_y nodes
/// `spacing_m` apart, two-way segments between neighbours; `stations` stations of 4 servers
/// (lognormal 60 s) on nodes spread over the grid; `products` products, each visiting
/// `route_length` stations with every hop after the first by AGV (nearest idle vehicle, 1 m/s,
/// 10 s to load and to unload, no return home). Parts arrive every `interarrival_s` on average
/// over all products: the vehicles are about 75 % active.
struct TransportModel {
  int vehicles = 200;
  int grid_x = 25, grid_y = 20;
  double spacing_m = 10;
  int stations = 50;
  int products = 10;
  int route_length = 5;
  double interarrival_s = 5.0;
  double horizon_s = 6.0e4;
};

/// The model as a scenario file (the loader reads it like any other).
std::string transport_scenario_yaml(const TransportModel& model);
/// The events of the transport models (fleets, zone control).
bool is_transport_event(const kernel::Kernel& kernel, const kernel::Event& event);
/// Runs it on the engine.
RunOutcome run_engine_transport(const TransportModel& model, EventFilter counted = nullptr);

/// Seconds → ticks exactly as the engine converts sampled durations (kernel::duration_from_seconds),
/// so that both sides round every draw alike.
inline kernel::Tick to_ticks(double seconds) { return kernel::duration_from_seconds(seconds); }

}  // namespace plantwin::bench
