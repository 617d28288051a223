#pragma once
/// Zone control on the path network, shared by every fleet of a plant, and the detection of
/// vehicles that can never move again.
///
/// A node or segment with a capacity k > 0 holds at most k vehicles at once (a two-way segment
/// counts both directions together). A vehicle holds at most one such place at a time:
/// - it holds a node from entering it until it starts the next segment (while it loads, unloads,
///   charges or waits there), and a segment from starting it until it enters the node at its end
///   (it drives to the end of the segment and waits there when that node is full);
/// - before starting a segment it needs room on it (else it waits at the node, still holding the
///   node); before entering a node it needs room in it (else it waits at the end of the segment,
///   still holding the segment);
/// - a free vehicle that stands idle at a node stands aside: it holds no place;
/// - waiting vehicles get room in the order they asked for it.
///
/// A vehicle that starts waiting (for a place, or loaded for room in a station) triggers a
/// deadlock check: the greatest set of waiting vehicles each of which waits only on vehicles of the
/// set can never move. If the vehicle is in such a set, the run stops (Kernel::fail) with the
/// vehicles and places named.

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "kernel/kernel.hpp"
#include "models/plant_context.hpp"
#include "models/transport_params.hpp"

namespace plantwin::models {

class Fleet;
struct Vehicle;

/// A node (index < node count) or a segment (node count + segment index) under zone control.
using ZoneId = std::uint32_t;
inline constexpr ZoneId NO_ZONE = 0xffffffffu;

class Traffic final : public kernel::Model {
 public:
  Traffic(const LayoutParams& layout, PlantContext& ctx);

  /// Registers a fleet's vehicles (their `global` index is set here).
  void add_fleet(Fleet& fleet);

  /// The zone of a node or segment, or NO_ZONE when it has no capacity limit.
  ZoneId node_zone(NodeIndex n) const { return layout_.node_capacity[n] > 0 ? n : NO_ZONE; }
  ZoneId segment_zone(SegmentIndex s) const {
    return layout_.segment_capacity[s] > 0 ? static_cast<ZoneId>(layout_.node_count() + s) : NO_ZONE;
  }
  bool is_node(ZoneId z) const { return z < layout_.node_count(); }

  /// Asks for a place in zone `z` (not NO_ZONE) for `v`. True: granted now. False: `v` waits in
  /// line (v.waiting_zone is set) and its fleet's zone_granted() is called when it gets the place.
  bool acquire(Vehicle& v, ZoneId z);
  /// `v` leaves zone `z`; the first vehicle waiting for it gets the place.
  void release(Vehicle& v, ZoneId z);
  /// `v` no longer waits for its zone (its plans changed).
  void cancel_wait(Vehicle& v);
  /// Called when `v` starts waiting: stops the run if it can never move again.
  void check_deadlock(Vehicle& v);

  void on_event(const kernel::Event& event) override;
  const char* event_name(std::uint32_t kind) const override;

 private:
  enum EventKind : std::uint32_t { GRANTED };
  struct Zone {
    int capacity = 0;
    std::vector<Vehicle*> holders;
    std::deque<Vehicle*> waiting;  // in the order they asked
  };
  /// What `v` waits on: false when it is not waiting or waits on something outside the vehicles
  /// (a station that can still make room by itself); else the vehicles that must move first.
  bool blockers(const Vehicle& v, std::vector<const Vehicle*>& out) const;
  static bool is_waiting(const Vehicle& v);
  std::string describe(const Vehicle& v) const;
  std::string zone_name(ZoneId z) const;

  const LayoutParams& layout_;
  PlantContext& ctx_;
  kernel::ModelId model_id_;
  std::vector<Zone> zones_;
  std::vector<Vehicle*> vehicles_;  // by global index
  std::vector<Fleet*> fleets_;
};

}  // namespace plantwin::models
