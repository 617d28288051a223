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
/// A vehicle that waits for a place is an item of the waits-for graph (models/stall.hpp): a full
/// zone moves when any vehicle holding it does, so vehicles that each wait for room only another
/// of them can make stop the run with the vehicles and places named.

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

class Traffic final : public kernel::Model, public Waitable {
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
  /// The item of the waits-for graph of zone `z`.
  WaitItem zone_item(ZoneId z) const { return {this, z}; }
  /// "agv[0] at node 'n1' (holding node 'n1') waits for room in segment 'n1-n2'".
  std::string describe_zone_wait(const Vehicle& v) const;

  void on_event(const kernel::Event& event) override;
  const char* event_name(std::uint32_t kind) const override;

  // Waitable: a zone moves when it has room, else when any vehicle holding it moves.
  WaitKind waits_for(std::uint32_t item, std::vector<WaitItem>& on) const override;
  std::string describe_wait(std::uint32_t /*item*/) const override { return ""; }
  void holders(std::vector<WaitItem>& /*out*/) const override {}

 private:
  enum EventKind : std::uint32_t { GRANTED };
  struct Zone {
    int capacity = 0;
    std::vector<Vehicle*> holders;
    std::deque<Vehicle*> waiting;  // in the order they asked
  };
  std::string zone_name(ZoneId z) const;

  const LayoutParams& layout_;
  PlantContext& ctx_;
  kernel::ModelId model_id_;
  std::vector<Zone> zones_;
  std::vector<Vehicle*> vehicles_;  // by global index
  std::vector<Fleet*> fleets_;
};

}  // namespace plantwin::models
