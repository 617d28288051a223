#pragma once
/// The transport sections of a scenario as typed structs (docs/transport.md): `layout` (the AGV
/// path network and where stations are on it), `fleets`, `conveyors` and `arms`. Ids are names
/// here; every element keeps its Mark for errors found after reading. The builder
/// (build_transport.cpp) turns them into models::TransportParams.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kernel/distribution.hpp"
#include "models/transport_params.hpp"
#include "scenario/diagnostics.hpp"

namespace plantwin::scenario {

struct NodeSpec {
  std::string id;
  double x = 0, y = 0;  ///< metres
  int capacity = 0;     ///< vehicles at the node at once; 0: no limit
  Mark mark;
};

struct SegmentSpec {
  std::string id;  ///< optional; "" when not given
  std::string from, to;
  Mark from_mark, to_mark;
  /// Where it was written, for messages: "layout.segments[3]", and its ends' paths (".from" and
  /// ".to", or ".path[2]" and ".path[3]" for a segment of a `path`).
  std::string path, from_path, to_path;
  std::optional<double> length;  ///< metres; from the coordinates when not given
  bool one_way = false;
  int capacity = 0;  ///< vehicles on it at once (both directions); 0: no limit
  Mark mark;
};

/// `places: {station: node}`: where a station's parts are picked up and dropped off.
struct PlaceSpec {
  std::string station;
  std::string node;
  Mark station_mark, node_mark;
};

struct LayoutSpec {
  std::vector<NodeSpec> nodes;
  std::vector<SegmentSpec> segments;  ///< `path:` entries expanded, one per consecutive pair
  std::vector<PlaceSpec> places;
  Mark mark;
};

/// `battery:` of a fleet: its declared values, and the chargers by node id beside.
struct BatterySpec {
  models::BatteryParams params;
  std::vector<std::string> chargers;
  std::vector<Mark> charger_marks;
  Mark mark;
};

/// A fleet: its declared values (models/transport_params.hpp), its home and battery beside.
struct FleetSpec {
  models::FleetParams params;
  std::string home;
  Mark home_mark;
  std::optional<BatterySpec> battery;
  Mark mark;
};

struct ConveyorSpec {
  models::ConveyorParams params;
  Mark mark;
};

/// A robot arm: its declared values, and the stations it serves by id beside.
struct ArmSpec {
  models::ArmParams params;
  std::vector<std::string> stations;
  std::vector<Mark> station_marks;
  Mark mark;
};

struct TransportSpec {
  std::optional<LayoutSpec> layout;
  std::vector<FleetSpec> fleets;
  std::vector<ConveyorSpec> conveyors;
  std::vector<ArmSpec> arms;
  /// The sections read without error: the checks across sections need them whole.
  bool clean = true;
  bool any() const { return layout || !fleets.empty() || !conveyors.empty() || !arms.empty(); }
};

}  // namespace plantwin::scenario
