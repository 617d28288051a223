// The bench's models on the engine: PlantParams built in code (as tests/unit/plant_fixtures.hpp
// does), one Plant, one replication.

#include <chrono>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "bench_models.hpp"
#include "models/plant.hpp"

namespace plantwin::bench {

namespace {

using Clock = std::chrono::steady_clock;
using kernel::Distribution;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

/// Counts the executed events that a filter accepts.
class EventCounter final : public kernel::TraceSink {
 public:
  EventCounter(const kernel::Kernel& kernel, EventFilter filter) : kernel_(kernel), filter_(filter) {}
  void on_event(const kernel::Event& event) override {
    if (filter_(kernel_, event)) ++count_;
  }
  std::uint64_t count() const { return count_; }

 private:
  const kernel::Kernel& kernel_;
  EventFilter filter_;
  std::uint64_t count_ = 0;
};

models::PlantParams mm1_params(const Mm1Model& m) {
  models::PlantParams p;
  p.stations.push_back({"server", models::StationParams{}});
  p.products.push_back({"customer", {{0, Distribution::exponential(1.0 / m.mu)}}});
  models::SourceParams arrivals;
  arrivals.kind = models::SourceParams::Kind::INTERARRIVAL;
  arrivals.mix = {{0, 1.0}};
  arrivals.interarrival = Distribution::exponential(1.0 / m.lambda);
  if (m.customers > 0) arrivals.limit = m.customers;
  p.sources.push_back({"arrivals", arrivals});
  return p;
}

models::PlantParams lines_params(const LineModel& m) {
  models::PlantParams p;
  models::StationParams station;
  station.buffer = m.buffer;
  station.failures = models::FailureParams{Distribution::exponential(m.mtbf_s), Distribution::exponential(m.mttr_s),
                                           models::FailureParams::Basis::OPERATING,
                                           models::FailureParams::Interrupted::RESUME};
  p.stations.reserve(static_cast<std::size_t>(m.station_count()));
  for (int line = 0; line < m.lines; ++line) {
    // One product per line: its route is the line's stations, and its saturated source feeds the
    // line's first station.
    models::ProductParams product{"p" + std::to_string(line), {}};
    for (int k = 0; k < m.stations_per_line; ++k) {
      product.route.push_back({p.stations.size(), Distribution::exponential(m.process_mean_s)});
      p.stations.push_back({line_station_id(line, k), station});
    }
    p.products.push_back(std::move(product));
    models::SourceParams source;
    source.kind = models::SourceParams::Kind::SATURATED;
    source.mix = {{static_cast<models::ProductIndex>(line), 1.0}};
    p.sources.push_back({"src" + std::to_string(line), source});
  }
  return p;
}

}  // namespace

bool is_deferred_event(const kernel::Kernel& kernel, const kernel::Event& event) {
  const char* name = kernel.model(event.target).event_name(event.kind);
  return name != nullptr && (std::strcmp(name, "grant") == 0 || std::strcmp(name, "offer") == 0);
}

RunOutcome run_engine(const std::function<models::PlantParams()>& make_params, double horizon_s, EventFilter counted) {
  RunOutcome out;
  const auto start = Clock::now();
  const models::PlantParams params = make_params();  // outlives the plant
  auto plant = std::make_unique<models::Plant>(params, SEED, 0);
  std::unique_ptr<EventCounter> counter;
  if (counted != nullptr) {
    counter = std::make_unique<EventCounter>(plant->kernel(), counted);
    plant->kernel().set_trace(counter.get());
  }
  out.build_s = seconds_since(start);
  const auto run_start = Clock::now();
  const models::ReplicationResult r = plant->run(0, to_ticks(horizon_s));
  out.run_s = seconds_since(run_start);
  if (r.status != kernel::Kernel::Status::RUNNING) throw std::runtime_error("the model failed: " + r.failure);
  out.simulated_s = kernel::to_seconds(plant->kernel().now());
  const auto teardown_start = Clock::now();
  plant.reset();
  out.teardown_s = seconds_since(teardown_start);
  out.events = r.events;
  out.fingerprint = r.fingerprint;
  out.completed = r.plant.all.completed;
  out.mean_lead_s = r.plant.all.tally.mean();
  out.simgrid_s = r.network.usage.simgrid_wall_s;
  out.transfers = r.network.usage.transfers;
  out.simgrid_transfers = r.network.usage.simgrid_transfers;
  for (double b : r.network.usage.channel_bytes) out.network_bytes += b;
  if (counter) out.counted_events = counter->count();
  return out;
}

std::string line_station_id(int line, int k) { return "l" + std::to_string(line) + "s" + std::to_string(k); }

RunOutcome run_engine_mm1(const Mm1Model& model, EventFilter counted) {
  return run_engine([&] { return mm1_params(model); }, model.horizon_s, counted);
}

RunOutcome run_engine_lines(const LineModel& model, EventFilter counted) {
  return run_engine([&] { return lines_params(model); }, model.horizon_s, counted);
}

}  // namespace plantwin::bench
