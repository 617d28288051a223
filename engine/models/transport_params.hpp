#pragma once
/// Transport of one plant, with every id resolved to an index: the layout (path network and its
/// shortest-path table), AGV fleets, conveyors and robot arms, and which route steps they carry.
/// Built once per scenario by the scenario layer and shared read-only by every replication; the
/// models that use it are in fleet.hpp, conveyor.hpp, robot_arm.hpp and transport.hpp. Also the
/// measures one replication reports about them (sent back from child processes: serialize()).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kernel/distribution.hpp"
#include "kernel/stats.hpp"
#include "kernel/time.hpp"
#include "models/params.hpp"
#include "topology/path_network.hpp"

namespace plantwin::models {

using topology::NodeIndex;
using topology::SegmentIndex;

/// The path network as the models use it. Capacities of 0 mean "no zone control".
struct LayoutParams {
  std::vector<std::string> node_ids;  ///< for messages only
  std::vector<int> node_capacity;     ///< vehicles at a node at once; 0: any number
  std::vector<topology::PathSegment> segments;
  std::vector<std::string> segment_names;  ///< for messages only ("n1-n2" or the segment's id)
  std::vector<int> segment_capacity;       ///< vehicles on a segment (both directions) at once; 0: any
  /// Shortest paths by length to every node vehicles head for (places, homes, chargers).
  topology::PathTable paths;
  std::size_t node_count() const { return node_ids.size(); }
};

struct BatteryParams {
  double capacity_wh = 0;    ///< > 0
  double per_metre_wh = 0;   ///< drawn per metre travelled
  double idle_w = 0;         ///< drawn while neither travelling nor charging
  double charge_w = 0;       ///< > 0: charging power
  double threshold = 0.2;    ///< fraction of capacity at or below which a free vehicle goes to charge
  double charge_to = 1;      ///< fraction of capacity a charge ends at (> threshold)
  std::vector<NodeIndex> chargers;  ///< one charging point each

  static constexpr double MAX_ENERGY = 1e12;  // Wh or W: far beyond any vehicle
  /// Its plain keys; `chargers` (node ids) is read beside.
  static constexpr auto FIELDS = std::tuple{
      decl::Number<BatteryParams>{{"capacity", "Wh", "", "> 0", "Wh; every vehicle starts full"},
                                  &BatteryParams::capacity_wh, 0, MAX_ENERGY, true},
      decl::Number<BatteryParams>{{"per_metre", "Wh", "0", "≥ 0", "Wh drawn per metre driven (loaded or empty)"},
                                  &BatteryParams::per_metre_wh, 0, MAX_ENERGY},
      decl::Number<BatteryParams>{{"idle", "W", "0", "≥ 0",
                                   "W drawn whenever the vehicle is neither driving nor at a charger (idle, loading, "
                                   "unloading, waiting)"},
                                  &BatteryParams::idle_w, 0, MAX_ENERGY},
      decl::Number<BatteryParams>{{"charge_rate", "W", "", "> 0", "W put into the battery while charging"},
                                  &BatteryParams::charge_w, 0, MAX_ENERGY, true},
      decl::Number<BatteryParams>{{"threshold", "", "0.2", "0 .. 1, below `charge_to`",
                                   "fraction of capacity at or below which a free vehicle goes to charge"},
                                  &BatteryParams::threshold, 0, 1},
      decl::Number<BatteryParams>{{"charge_to", "", "1", "> 0, ≤ 1", "fraction of capacity a charge ends at"},
                                  &BatteryParams::charge_to, 0, 1, true},
  };
};

struct FleetParams {
  enum class Dispatch : std::uint8_t { FIRST_REQUEST, NEAREST_IDLE };
  std::string id;
  int vehicles = 1;
  double speed = 1;  ///< m/s
  kernel::Distribution load;    ///< per part
  kernel::Distribution unload;  ///< per part
  NodeIndex home = 0;
  int capacity = 1;  ///< parts per trip
  Dispatch dispatch = Dispatch::FIRST_REQUEST;
  bool return_home = true;
  std::optional<BatteryParams> battery;

  static constexpr double MAX_SPEED = 1000;  // m/s
  /// Its plain keys; `id`, `home` (a node id) and `battery` are read beside.
  static constexpr auto FIELDS = std::tuple{
      decl::Integer<FleetParams>{{"vehicles", "", "", "1 .. 10,000", "how many"}, &FleetParams::vehicles, 1, 10'000},
      decl::Number<FleetParams>{{"speed", "m/s", "", "> 0, ≤ 1000", "m/s, loaded or empty"}, &FleetParams::speed, 0, MAX_SPEED,
                                true},
      decl::Dist<FleetParams>{{"load", "s", "0", "", "time to load one part at the pickup"}, &FleetParams::load},
      decl::Dist<FleetParams>{{"unload", "s", "0", "", "time to unload one part at the drop-off"}, &FleetParams::unload},
      decl::Integer<FleetParams>{{"capacity", "parts", "1", "1 .. 1000", "parts per trip"}, &FleetParams::capacity, 1, 1000},
      decl::Choice<FleetParams, Dispatch, 2>{{"dispatch", "", "first_request", "`first_request`, `nearest_idle`",
                                              "[dispatching rule](#dispatching)"},
                                             &FleetParams::dispatch,
                                             {{{"first_request", Dispatch::FIRST_REQUEST}, {"nearest_idle", Dispatch::NEAREST_IDLE}}}},
      decl::Bool<FleetParams>{{"return_home", "", "true", "",
                               "a vehicle with nothing to do drives home; with `false` it waits where it is"},
                              &FleetParams::return_home},
  };
};

struct ConveyorParams {
  std::string id;
  double length = 1;  ///< m
  double speed = 1;   ///< m/s
  int capacity = 1;   ///< parts on it at once

  /// Its plain keys; `id` is read beside.
  static constexpr auto FIELDS = std::tuple{
      decl::Number<ConveyorParams>{{"length", "m", "", "> 0", "metres"}, &ConveyorParams::length, 0, 1e7, true},
      decl::Number<ConveyorParams>{{"speed", "m/s", "", "> 0", "m/s: a part rides `length / speed` seconds"},
                                   &ConveyorParams::speed, 0, FleetParams::MAX_SPEED, true},
      decl::Integer<ConveyorParams>{{"capacity", "parts", "", "1 .. 1,000,000",
                                     "parts on the conveyor at once, riding or waiting at its end"},
                                    &ConveyorParams::capacity, 1, 1'000'000},
  };
};

struct ArmParams {
  std::string id;
  kernel::Distribution cycle;   ///< one load or one unload
  std::vector<std::size_t> stations;  ///< indices in PlantParams::stations
  bool load = true;    ///< loads each part onto the machine before work
  bool unload = true;  ///< unloads it after work

  /// Its plain keys; `id` and `stations` (ids) are read beside.
  static constexpr auto FIELDS = std::tuple{
      decl::Dist<ArmParams>{{"cycle", "s", "", "", "one load or one unload"}, &ArmParams::cycle},
      decl::Bool<ArmParams>{{"load", "", "true", "", "loads each part onto the machine before work (after any setup)"},
                            &ArmParams::load},
      decl::Bool<ArmParams>{{"unload", "", "true", "", "unloads each good part after work (a scrapped part leaves at once)"},
                            &ArmParams::unload},
  };
};

/// A route step reached by transport: routes[product][step].via.
struct ViaParams {
  enum class Kind : std::uint8_t { FLEET, CONVEYOR };
  std::size_t product = 0;
  std::size_t step = 0;
  Kind kind = Kind::FLEET;
  std::size_t index = 0;  ///< in fleets or conveyors
  std::uint32_t from_station = 0;  ///< the station of step - 1 (step > 0), index in PlantParams::stations
  std::uint32_t to_station = 0;    ///< the station of `step`
};

struct TransportParams {
  std::optional<LayoutParams> layout;  ///< required when there are fleets
  /// The node of each station (indexed like PlantParams::stations); topology::NO_NODE if none.
  std::vector<NodeIndex> station_node;
  std::vector<FleetParams> fleets;
  std::vector<ConveyorParams> conveyors;
  std::vector<ArmParams> arms;
  std::vector<ViaParams> vias;
};

// ---- measures ---------------------------------------------------------------------------------

/// What a vehicle does. At every instant it is in exactly one state.
enum class VehicleState : std::uint8_t {
  IDLE,               ///< free, standing at a node (a free vehicle driving home is TRAVELLING_EMPTY)
  TRAVELLING_EMPTY,   ///< driving without parts (to a pickup, home or a charger)
  TRAVELLING_LOADED,  ///< driving with parts
  LOADING,            ///< taking a part at a pickup
  UNLOADING,          ///< handing a part over at a drop-off
  BLOCKED,            ///< loaded at the drop-off, waiting for room in the station
  WAITING_ZONE,       ///< waiting for room in a node or segment under zone control
  CHARGING,           ///< at a charger: waiting for its charging point or charging
  WAITING_NETWORK,    ///< given a trip, standing until its command has come over the network
  COUNT
};
inline constexpr std::size_t VEHICLE_STATE_COUNT = static_cast<std::size_t>(VehicleState::COUNT);
/// "idle", "travelling_empty", "travelling_loaded", "loading", "unloading", "blocked",
/// "waiting_zone", "charging", "waiting_network".
const char* vehicle_state_name(VehicleState s);
/// Vehicle `index` of fleet `fleet` as logs, messages and state files name it: "agv[2]".
inline std::string vehicle_name(const FleetParams& fleet, std::size_t index) {
  return fleet.id + "[" + std::to_string(index) + "]";
}

struct VehicleMeasures {
  std::array<kernel::Tick, VEHICLE_STATE_COUNT> state_ticks{};
  double distance_m = 0;
  std::uint64_t trips = 0;    ///< trips ended (last part handed over) in the window
  std::uint64_t charges = 0;  ///< charges ended in the window
  template <class A>
  void serialize(A& a) {
    a(state_ticks, distance_m, trips, charges);
  }
};

struct FleetMeasures {
  std::vector<VehicleMeasures> vehicles;
  std::uint64_t requests = 0;  ///< requests whose loading started in the window
  kernel::Tally request_wait;  ///< seconds from a request to the start of its loading
  kernel::Histogram request_wait_histogram;  ///< the same, in ticks
  double waiting_requests_mean = 0;  ///< time-average number of requests not yet being loaded
  std::uint64_t moved = 0;           ///< parts handed over at their destination in the window
  template <class A>
  void serialize(A& a) {
    a(vehicles, requests, request_wait, request_wait_histogram, waiting_requests_mean, moved);
  }
};

struct ConveyorMeasures {
  double occupancy_mean = 0;  ///< time-average number of parts on the conveyor
  double full_fraction = 0;   ///< fraction of the window it held `capacity` parts
  std::uint64_t moved = 0;    ///< parts handed to the next station in the window
  kernel::Tally time_on;      ///< seconds from entering to leaving, for the parts that left
  template <class A>
  void serialize(A& a) {
    a(occupancy_mean, full_fraction, moved, time_on);
  }
};

struct ArmMeasures {
  double busy_fraction = 0;  ///< fraction of the window spent in cycles
  std::uint64_t cycles = 0;  ///< cycles ended in the window
  kernel::Tally wait;        ///< seconds from a request to the start of its cycle
  double queue_mean = 0;     ///< time-average number of requests waiting for the arm
  template <class A>
  void serialize(A& a) {
    a(busy_fraction, cycles, wait, queue_mean);
  }
};

struct TransportMeasures {
  std::vector<FleetMeasures> fleets;
  std::vector<ConveyorMeasures> conveyors;
  std::vector<ArmMeasures> arms;
  template <class A>
  void serialize(A& a) {
    a(fleets, conveyors, arms);
  }
};

}  // namespace plantwin::models
