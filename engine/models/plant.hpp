#pragma once
/// A plant: the models of one replication wired together. PlantParams is the plant with every id
/// resolved to an index (the scenario layer builds it once from the YAML); a Plant is built from
/// it for each replication, with the replication's random streams, and run once.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "kernel/kernel.hpp"
#include "models/calendar.hpp"
#include "models/messages.hpp"
#include "models/operators.hpp"
#include "models/part.hpp"
#include "models/plant_context.hpp"
#include "models/route.hpp"
#include "models/sink.hpp"
#include "models/source.hpp"
#include "models/stall.hpp"
#include "models/station.hpp"
#include "models/timeline.hpp"
#include "models/transport_params.hpp"
#include "models/warm_start.hpp"

namespace plantwin::models {

/// `next` of a step that goes on to the following one in the list (the end after the last).
inline constexpr std::uint32_t FOLLOWING = 0xfffffffdu;

struct RouteStepParams {
  RouteStepParams() = default;
  /// A plain step: a station and the product's process time there, then the following step.
  RouteStepParams(std::size_t station_index, kernel::Distribution process_time)
      : station(station_index), process(std::move(process_time)) {}

  std::size_t station = 0;  ///< index in PlantParams::stations
  kernel::Distribution process;  ///< this product's process time at that station
  /// After a good pass: FOLLOWING, a step's index, or ROUTE_END (models/route.hpp).
  std::uint32_t next = FOLLOWING;
  /// After a rejected pass: the first step of its rework, or NO_STEP (scrapped).
  std::uint32_t reject = NO_STEP;
  /// Not empty: a choice step (`{any: [...]}`); its station and process are unused, a part bound
  /// for it goes to one of these steps.
  std::vector<std::uint32_t> alternatives;
  std::vector<double> weights;  ///< one per alternative, or empty: the least-loaded station
};

/// One line of a bill of materials: `count` parts of `component` make one part of the product.
struct BomLine {
  ProductIndex component = 0;
  std::int64_t count = 1;
};

struct ProductParams {
  ProductParams() = default;
  ProductParams(std::string product_id, std::vector<RouteStepParams> steps)
      : id(std::move(product_id)), route(std::move(steps)) {}

  std::string id;
  /// Its steps: the route in visiting order (a part starts at step 0), then the steps that
  /// alternatives and rework add (non-empty).
  std::vector<RouteStepParams> route;
  /// Not empty: it is assembled at its first station from these components (PLANNING.md §4);
  /// sources that release it release its components instead.
  std::vector<BomLine> bom;
};

struct OrderParams {
  std::string id;
  std::string source;
  ProductIndex product = 0;
  std::int64_t quantity = 1;
  kernel::Tick release = 0;
  std::optional<kernel::Tick> due;
  int priority = 0;  ///< `priority`: higher first at stations with `queue: priority`
};

struct NamedStation {
  std::string id;
  StationParams params;
};

struct NamedSource {
  std::string id;
  SourceParams params;  ///< orders refer to PlantParams::orders by index
};

struct PlantParams {
  std::vector<ProductParams> products;
  /// Calendars (compiled: CalendarParams::compile()) and operator pools, which stations, sources
  /// and pools name by index (docs/planning.md).
  std::vector<CalendarParams> calendars;
  std::vector<OperatorPoolParams> operators;
  std::vector<NamedStation> stations;
  std::vector<NamedSource> sources;
  std::vector<OrderParams> orders;
  /// The most parts in the plant at once before the run stops as unstable.
  std::size_t max_live_parts = PartPool::DEFAULT_MAX_LIVE;
  /// The plant has transport (fleets, conveyors, arms) / a network.
  bool has_transport = false;
  bool has_network = false;
  /// The states its servers can enter (models/server_state.hpp): results report these.
  StateSet possible_states() const;
  /// By product: true when some product's bill of materials has it (a component: a scrapped one
  /// is released again by its source).
  std::vector<bool> components() const;
  /// Fleets, conveyors and robot arms (docs/transport.md); nullptr when there are none.
  std::shared_ptr<const TransportParams> transport;
  /// The network and its messages (docs/network.md); nullptr when the plant has none. A plant
  /// with a network uses SimGrid, whose engine is one per process: run it in a process of its own.
  std::shared_ptr<const NetworkParams> network;
};

/// What one replication measured over [warmup, warmup + horizon).
struct ReplicationResult {
  kernel::Kernel::Status status = kernel::Kernel::Status::RUNNING;
  std::string failure;  ///< why the run stopped, when status is FAILED
  std::uint64_t events = 0;
  std::uint64_t fingerprint = 0;
  double wall_s = 0;
  kernel::Tick warmup = 0, horizon = 0;
  PlantMeasures plant;
  std::vector<StationMeasures> stations;
  std::vector<OrderState> orders;
  /// What happened, when the run was asked to record (Plant::record_timeline).
  std::optional<Timeline> timeline;
  TransportMeasures transport;  ///< empty without transport
  NetworkMeasures network;  ///< empty without a network
  std::vector<OperatorMeasures> operators;  ///< one per pool
  std::vector<SourceMeasures> sources;  ///< one per source

  /// Every field, for run/archive.hpp (a replication run in a child process sends it back).
  template <class A>
  void serialize(A& a) {
    a(status, failure, events, fingerprint, wall_s, warmup, horizon, plant, stations, orders, transport, network, operators,
      sources, timeline);
  }
};

class TransportSystem;

class Plant {
 public:
  /// `params` must outlive the plant: its stations and routes refer to it.
  Plant(const PlantParams& params, std::uint64_t seed, std::uint64_t replication);
  /// Not from a temporary, which would be gone before the plant runs.
  Plant(PlantParams&& params, std::uint64_t seed, std::uint64_t replication) = delete;
  ~Plant();
  Plant(const Plant&) = delete;
  Plant& operator=(const Plant&) = delete;

  kernel::Kernel& kernel() { return kernel_; }
  /// What it was built from (it must outlive the plant).
  const PlantParams& params() const { return *params_; }
  const std::vector<std::unique_ptr<Station>>& stations() const { return stations_; }
  const std::vector<std::unique_ptr<Source>>& sources() const { return sources_; }
  const Sink& sink() const { return *sink_; }
  /// routes()[product][step]: what the plant's builder wires transport into (RouteStep::via).
  const std::vector<std::vector<RouteStep>>& routes() const { return routes_; }
  PlantContext& context() { return *ctx_; }
  /// The fleets, conveyors and arms; nullptr without transport.
  TransportSystem* transport() { return transport_.get(); }

  /// Records every state change and exit of this run into ReplicationResult::timeline.
  void record_timeline();
  /// Tells `observer` what happens in this run (models/observer.hpp), after the observers added
  /// before it. It must outlive the run.
  void add_observer(PlantObserver& observer);
  /// The messages over the network, or nullptr without a network.
  Messages* messages() { return messages_.get(); }
  /// Starts the run at `state.at` from `state` (models/warm_start.hpp) instead of empty at time
  /// 0; run()'s warm-up is then the start of its window (`state.at`). `state` must outlive the
  /// run, and the plant's params must have been adjusted by it (WarmStart::adjust).
  void warm_start(const WarmStart& state) { warm_ = &state; }

  /// Runs the warm-up, discards its statistics, runs the horizon and returns the measures.
  /// `interrupt`, when given, stops the run early (status INTERRUPTED) once it becomes true.
  ReplicationResult run(kernel::Tick warmup, kernel::Tick horizon, const std::atomic<bool>* interrupt = nullptr);

 private:
  const PlantParams* params_;
  kernel::Kernel kernel_;
  PartPool parts_;
  std::vector<std::vector<kernel::Distribution>> process_;  // [product][step], owned: routes_ point here
  std::vector<std::vector<RouteStep>> routes_;
  std::unique_ptr<Sink> sink_;
  std::vector<std::string> product_ids_;
  std::unique_ptr<PlantContext> ctx_;
  std::unique_ptr<StallDetector> stalls_;
  std::vector<std::unique_ptr<Calendar>> calendars_;
  std::vector<std::unique_ptr<OperatorPool>> pools_;
  std::vector<std::unique_ptr<Station>> stations_;
  std::vector<std::unique_ptr<RouteChoice>> choices_;  // the routes' choice steps
  std::vector<std::unique_ptr<Source>> sources_;
  std::unique_ptr<Timeline> timeline_;
  Observers observers_;
  std::unique_ptr<TransportSystem> transport_;
  std::shared_ptr<const NetworkParams> network_;  // Messages refers to it: kept alive with the plant
  std::unique_ptr<Messages> messages_;
  const WarmStart* warm_ = nullptr;
  /// Puts every model in the state of warm_ at its time (models/warm_start.cpp).
  void start_warm();
};

}  // namespace plantwin::models
