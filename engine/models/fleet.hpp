#pragma once
/// An AGV fleet: vehicles that carry parts between stations on the path network.
///
/// A route step reached "via" a fleet makes the fleet the EntryTarget of the station the part
/// leaves: the finished part's server asks the fleet to take it (a transport request) and shows
/// WAITING_TRANSPORT until a vehicle has loaded it. At the destination the fleet is an
/// EntryRequester: after unloading a part the vehicle asks the station for room and waits loaded
/// (BLOCKED) until the station takes it.
///
/// A trip: the vehicle drives empty to the pickup station's node, loads its parts one by one
/// (`load` per part; the part leaves its server at the end of its loading), drives loaded to the
/// destination's node, and unloads them one by one (`unload` per part, then the station's room).
/// It carries the parts of up to `capacity` requests with the same pickup and destination, in
/// request order: those no other vehicle has taken when it is given its first request, when it
/// arrives at the pickup and whenever it has loaded a part (it leaves when it has loaded every
/// part it took).
///
/// Dispatching (docs/transport.md): a vehicle is *available* when it has no trip and is not going
/// to or at a charger: standing idle, or driving home. Requests wait in request order.
/// - FIRST_REQUEST: a new request takes the vehicle that has been available the longest; a
///   vehicle that becomes free takes the oldest waiting request.
/// - NEAREST_IDLE: a new request takes the available vehicle nearest to its pickup by path length
///   (from the node it stands at or drives to, plus what is left of its current segment), ties by
///   vehicle index; a vehicle that becomes free takes the oldest waiting request.
/// A free vehicle with no request to take drives home (`return_home`) or stays where it is.
///
/// Batteries: energy goes down per metre driven and, at `idle` power, whenever the vehicle is
/// neither driving nor at a charger. A vehicle that becomes free at or below the threshold (or
/// reaches it while idle) drives to the nearest charger (path length, ties by listed order),
/// waits there for the charging point and charges to `charge_to`, then is free again. A battery
/// that runs empty stops the run with an error.
///
/// Commands over the network (docs/transport.md#commands-over-the-network): with a message flow
/// `before_move` this fleet, every trip a vehicle is given starts an exchange of that flow for the
/// vehicle's device (Messages::start_exchange). With a blocking flow the vehicle does not head for
/// the pickup until the exchange is done: standing, it waits at once (WAITING_NETWORK); driving
/// home, it stops at the end of its segment. A failed exchange is sent again `resend` later, and
/// the vehicle waits on.

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kernel/kernel.hpp"
#include "kernel/rng.hpp"
#include "kernel/stats.hpp"
#include "models/flow.hpp"
#include "models/messages.hpp"
#include "models/plant_context.hpp"
#include "models/traffic.hpp"
#include "models/transport_params.hpp"

namespace plantwin::models {

class Station;

/// The pickup and destination stations of a transfer by a fleet (indices in the plant's stations).
struct FleetLeg {
  std::uint32_t from = 0;
  std::uint32_t to = 0;
};

/// One vehicle's state. Owned by its fleet; Traffic holds pointers to it.
struct Vehicle {
  enum class Mode : std::uint8_t { FREE, TO_PICKUP, LOADING, TO_DROPOFF, UNLOADING, TO_HOME, TO_CHARGER, AT_CHARGER };

  Vehicle(Fleet& f, std::uint32_t k, kernel::RngStream load, kernel::RngStream unload)
      : fleet(&f), index(k), load_rng(load), unload_rng(unload) {}

  Fleet* fleet;
  std::uint32_t index;       ///< in its fleet
  std::uint32_t global = 0;  ///< among all vehicles of the plant
  VehicleState state = VehicleState::IDLE;
  Mode mode = Mode::FREE;
  bool available = true;

  // Where it is: at `node`, or on `segment` (from `from_node`) heading to `node`.
  NodeIndex node = 0;
  NodeIndex from_node = 0;
  bool on_segment = false;
  SegmentIndex segment = 0;
  kernel::Tick segment_end = 0;  ///< when it reaches the end of `segment`
  NodeIndex target = 0;
  bool parked = true;  ///< idle and standing aside: holds no zone
  bool awaiting_command = false;  ///< given a trip, its command not yet delivered

  // Zone control.
  ZoneId held = NO_ZONE;
  ZoneId waiting_zone = NO_ZONE;
  bool grant_pending = false;  ///< granted, its GRANTED event not yet run
  SegmentIndex pending_segment = 0;  ///< the segment it waits to start

  // The trip.
  std::uint32_t pickup = 0, dropoff = 0;  ///< station indices
  std::vector<std::uint32_t> claimed;     ///< requests to load, in order
  std::size_t next_claim = 0;
  std::deque<PartId> carried;
  bool requesting = false;  ///< inside the drop-off station's request_entry()
  bool granted = false;     ///< ... which took the part at once
  Station* blocked_at = nullptr;

  // Battery.
  double level = 0;  ///< Wh
  kernel::Tick level_since = 0;
  kernel::EventHandle low_event;
  std::size_t charger = 0;

  // Measures since the last reset.
  kernel::Tick state_since = 0;
  std::array<kernel::Tick, VEHICLE_STATE_COUNT> state_ticks{};
  double distance = 0;
  std::uint64_t trips = 0, charges = 0;

  kernel::RngStream load_rng, unload_rng;
};

class Fleet final : public kernel::Model, public EntryTarget, public EntryRequester, public ExchangeClient, public Waitable {
 public:
  /// `stations` are the plant's, by index. A request's stations are its transfer's (the station
  /// a part leaves and the one it goes to), whatever route step brought it.
  Fleet(const FleetParams& params, const LayoutParams& layout, const std::vector<NodeIndex>& station_node,
        const std::vector<std::unique_ptr<Station>>& stations, Traffic& traffic, PlantContext& ctx);

  const FleetParams& params() const { return params_; }
  /// Its position among the plant's fleets, for observers.
  void set_number(std::uint32_t number) { number_ = number; }
  std::vector<Vehicle>& vehicles() { return vehicles_; }
  const std::vector<Vehicle>& vehicles() const { return vehicles_; }
  /// "agv[3]".
  std::string vehicle_name(const Vehicle& v) const;

  // EntryTarget: a server asks for transport.
  void request_entry(EntryRequester& requester, std::uint64_t tag, const Transfer& transfer) override;
  ServerState waiting_state() const override { return ServerState::WAITING_TRANSPORT; }
  WaitItem entry_wait(const EntryRequester& requester, std::uint64_t tag) const override;
  std::string entry_name() const override { return "fleet '" + params_.id + "'"; }
  // EntryRequester: a drop-off station takes the part a vehicle holds (tag: the vehicle).
  PartId hand_over(std::uint64_t vehicle) override;

  /// Traffic gave `v` the place it waited for.
  void zone_granted(Vehicle& v, ZoneId zone);

  /// Every trip starts an exchange of `flow` (its params: `params`) for the vehicle's device;
  /// with a blocking flow the vehicle waits for it. Called once, before start().
  void take_commands(Messages& messages, std::size_t flow, const MessageFlowParams& params);
  // ExchangeClient: the command of vehicle `tag` has come (or failed).
  void exchange_done(std::uint64_t tag, bool delivered) override;

  void start();
  /// A run from a state: vehicle `vehicle` starts parked at `node` (not at home), free since
  /// `since` (vehicles are available in that order, then in the order of these calls), with a
  /// battery of `wh` (not its capacity; at or below its threshold it goes to charge first). Called
  /// before start().
  void restore(std::size_t vehicle, std::optional<NodeIndex> node, kernel::Tick since, std::optional<double> wh);
  void reset_statistics();
  FleetMeasures measures() const;

  void on_event(const kernel::Event& event) override;
  const char* event_name(std::uint32_t kind) const override;

  // Waitable (models/stall.hpp): its vehicles by index, and its transport requests.
  static constexpr std::uint32_t REQUEST = 0x80000000u;
  WaitKind waits_for(std::uint32_t item, std::vector<WaitItem>& on) const override;
  std::string describe_wait(std::uint32_t item) const override;
  void holders(std::vector<WaitItem>& out) const override;

 private:
  enum EventKind : std::uint32_t { SEGMENT_END, LOAD_END, UNLOAD_END, CHARGE_END, BATTERY_LOW, CONTINUE, RESEND, RUN_EMPTY };

  struct Request {
    EntryRequester* requester = nullptr;
    std::uint64_t tag = 0;
    PartId part = 0;
    std::uint32_t from = 0, to = 0;  // station indices
    kernel::Tick made = 0;
  };

  void set_state(Vehicle& v, VehicleState next);
  CarrierRef ref(const Vehicle& v) const { return {CarrierRef::Kind::VEHICLE, number_, v.index}; }
  /// Draws the battery for the time since its last update (standing states only).
  void settle_battery(Vehicle& v);
  bool battery_low(const Vehicle& v) const;
  /// Fails the run: the battery ran empty at `at` (at or before now), `where` the vehicle was.
  void out_of_battery(const Vehicle& v, kernel::Tick at, const std::string& where);
  /// The share of its segment a vehicle's battery lasts (1: the whole of it, or no battery).
  double empty_share(const Vehicle& v) const;
  /// The RUN_EMPTY event: the battery ran empty on the segment now.
  void run_empty(const Vehicle& v);

  // Dispatching.
  void dispatch_new_request();
  void make_available(Vehicle& v);
  void assign(Vehicle& v, std::uint32_t request);
  void claim_more(Vehicle& v);
  double distance_to(const Vehicle& v, NodeIndex node) const;
  /// A vehicle takes the request: it no longer waits.
  void take(std::uint32_t request);

  // Commands.
  void ask_command(Vehicle& v);

  // Moving.
  void go(Vehicle& v);
  void depart(Vehicle& v, SegmentIndex segment);
  void segment_end(Vehicle& v);
  void enter_node(Vehicle& v);
  void arrive(Vehicle& v);
  void wait_for_zone(Vehicle& v, ZoneId zone);
  void park(Vehicle& v);

  // Work.
  void load_next(Vehicle& v);
  void load_end(Vehicle& v);
  void unload_next(Vehicle& v);
  void unload_end(Vehicle& v);
  void after_delivery(Vehicle& v);
  void trip_done(Vehicle& v);
  /// A vehicle without a trip: charge, take the oldest request, drive home or stand idle.
  void become_free(Vehicle& v, bool check_battery);
  void go_charge(Vehicle& v);
  void at_charger(Vehicle& v);
  void start_charge(Vehicle& v);
  void charge_end(Vehicle& v);
  void schedule_low(Vehicle& v);

  const FleetParams& params_;
  const LayoutParams& layout_;
  const std::vector<NodeIndex>& station_node_;
  const std::vector<std::unique_ptr<Station>>& stations_;
  Traffic& traffic_;
  PlantContext& ctx_;
  kernel::ModelId model_id_;
  std::uint32_t number_ = 0;
  std::vector<kernel::Tick> segment_ticks_;  // time to drive each segment
  std::vector<Vehicle> vehicles_;
  /// restore()'s `since` and call rank by vehicle (not restored: 0 and the vehicle count), until start().
  std::vector<std::pair<kernel::Tick, std::size_t>> restored_since_;
  std::size_t restored_calls_ = 0;  ///< restore() calls so far: the next call's rank
  std::vector<std::uint32_t> available_;  // in the order they became available

  std::vector<Request> requests_;
  std::vector<std::uint32_t> free_requests_;
  std::deque<std::uint32_t> waiting_;  // requests no vehicle has taken, in request order

  // Chargers: the vehicle charging at each (or none), and those waiting, in arrival order.
  std::vector<std::int64_t> charging_at_;
  std::vector<std::deque<std::uint32_t>> charger_queue_;

  struct Commands {
    Messages* messages = nullptr;
    std::size_t flow = 0;
    bool blocking = false;
    kernel::Tick resend = 0;
  } commands_;

  kernel::TimeAverage open_requests_;  // requests whose loading has not started
  kernel::Tally request_wait_;
  kernel::Histogram request_wait_histogram_;
  std::uint64_t requests_started_ = 0, moved_ = 0;
};

}  // namespace plantwin::models
