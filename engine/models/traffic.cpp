#include "models/traffic.hpp"

#include <algorithm>
#include <cassert>
#include <iterator>

#include "models/fleet.hpp"
#include "models/station.hpp"

namespace plantwin::models {

Traffic::Traffic(const LayoutParams& layout, PlantContext& ctx)
    : layout_(layout), ctx_(ctx), model_id_(ctx.kernel.add_model(*this, "traffic")) {
  zones_.resize(layout_.node_count() + layout_.segments.size());
  for (std::size_t n = 0; n < layout_.node_count(); ++n) zones_[n].capacity = layout_.node_capacity[n];
  for (std::size_t s = 0; s < layout_.segments.size(); ++s)
    zones_[layout_.node_count() + s].capacity = layout_.segment_capacity[s];
}

void Traffic::add_fleet(Fleet& fleet) {
  fleets_.push_back(&fleet);
  for (Vehicle& v : fleet.vehicles()) {
    v.global = static_cast<std::uint32_t>(vehicles_.size());
    vehicles_.push_back(&v);
  }
}

bool Traffic::acquire(Vehicle& v, ZoneId z) {
  assert(z != NO_ZONE);
  Zone& zone = zones_[z];
  if (zone.waiting.empty() && static_cast<int>(zone.holders.size()) < zone.capacity) {
    zone.holders.push_back(&v);
    return true;
  }
  zone.waiting.push_back(&v);
  v.waiting_zone = z;
  return false;
}

void Traffic::release(Vehicle& v, ZoneId z) {
  Zone& zone = zones_[z];
  const auto it = std::find(zone.holders.begin(), zone.holders.end(), &v);
  assert(it != zone.holders.end());
  zone.holders.erase(it);
  if (zone.waiting.empty()) return;
  // The place goes to the first in line now; it moves once the event runs (no recursion along a
  // queue of vehicles).
  Vehicle* next = zone.waiting.front();
  zone.waiting.pop_front();
  zone.holders.push_back(next);
  next->waiting_zone = NO_ZONE;
  next->grant_pending = true;
  ctx_.kernel.defer(model_id_, GRANTED, (static_cast<std::uint64_t>(z) << 32) | next->global);
}

void Traffic::cancel_wait(Vehicle& v) {
  if (v.waiting_zone == NO_ZONE) return;
  auto& waiting = zones_[v.waiting_zone].waiting;
  waiting.erase(std::find(waiting.begin(), waiting.end(), &v));
  v.waiting_zone = NO_ZONE;
}

const char* Traffic::event_name(std::uint32_t kind) const { return kind == GRANTED ? "granted" : nullptr; }

void Traffic::on_event(const kernel::Event& event) {
  assert(event.kind == GRANTED);
  Vehicle& v = *vehicles_[event.arg & 0xffffffffu];
  v.fleet->zone_granted(v, static_cast<ZoneId>(event.arg >> 32));
}

// ---- deadlock --------------------------------------------------------------------------------

bool Traffic::is_waiting(const Vehicle& v) {
  return (v.state == VehicleState::WAITING_ZONE && v.waiting_zone != NO_ZONE) || v.state == VehicleState::BLOCKED;
}

bool Traffic::blockers(const Vehicle& v, std::vector<const Vehicle*>& out) const {
  out.clear();
  if (v.state == VehicleState::WAITING_ZONE && v.waiting_zone != NO_ZONE) {
    out.assign(zones_[v.waiting_zone].holders.begin(), zones_[v.waiting_zone].holders.end());
    return true;
  }
  if (v.state != VehicleState::BLOCKED || v.blocked_at == nullptr) return false;
  // Loaded, waiting for room in a station. The station makes room by itself unless it is full and
  // every one of its servers holds a finished part waiting for a vehicle: then only vehicles of
  // the fleets those parts wait for can free it.
  const Station& station = *v.blocked_at;
  if (station.has_room()) return false;
  std::uint64_t waiting_parts = 0;
  for (const Fleet* f : fleets_) waiting_parts += f->pending_from(v.dropoff);
  if (waiting_parts < static_cast<std::uint64_t>(station.params().servers)) return false;
  for (const Fleet* f : fleets_)
    if (f->pending_from(v.dropoff) > 0)
      for (const Vehicle& w : f->vehicles()) out.push_back(&w);
  return true;
}

void Traffic::check_deadlock(Vehicle& start) {
  std::vector<const Vehicle*> by;
  // Cheap test first: the common case is a vehicle that waits on one that still moves.
  if (!blockers(start, by)) return;
  for (const Vehicle* b : by)
    if (!is_waiting(*b)) return;
  // The waiting vehicles reachable from `start`, then the greatest subset in which every vehicle
  // waits only on members (as Station::check_deadlock does for stations).
  std::vector<const Vehicle*> reach{&start};
  for (std::size_t i = 0; i < reach.size(); ++i) {
    if (!blockers(*reach[i], by)) continue;
    for (const Vehicle* b : by)
      if (is_waiting(*b) && std::find(reach.begin(), reach.end(), b) == reach.end()) reach.push_back(b);
  }
  std::vector<const Vehicle*> dead = reach;
  for (bool changed = true; changed;) {
    changed = false;
    for (auto it = dead.begin(); it != dead.end();) {
      bool outside = !blockers(**it, by);
      for (const Vehicle* b : by) outside = outside || std::find(dead.begin(), dead.end(), b) == dead.end();
      if (outside) {
        it = dead.erase(it);
        changed = true;
      } else {
        ++it;
      }
    }
  }
  if (std::find(dead.begin(), dead.end(), &start) == dead.end()) return;
  std::sort(dead.begin(), dead.end(), [](const Vehicle* a, const Vehicle* b) { return a->global < b->global; });
  std::string what;
  for (const Vehicle* v : dead) what += (what.empty() ? "" : "; ") + describe(*v);
  ctx_.kernel.fail("deadlock at t=" + std::to_string(kernel::to_seconds(ctx_.kernel.now())) + "s: " + what +
                   ". None of these vehicles can move again: each waits for room that only another of them can "
                   "make (zone capacities or full stations close a loop)");
}

std::string Traffic::zone_name(ZoneId z) const {
  if (is_node(z)) return "node '" + layout_.node_ids[z] + "'";
  return "segment '" + layout_.segment_names[z - layout_.node_count()] + "'";
}

std::string Traffic::describe(const Vehicle& v) const {
  const std::string name = v.fleet->vehicle_name(v);
  if (v.state == VehicleState::BLOCKED) {
    return name + " waits loaded at station '" + v.blocked_at->id() + "' for room, and every server there holds a part "
           "waiting for a vehicle";
  }
  const std::string where = v.on_segment ? "on segment '" + layout_.segment_names[v.segment] + "'"
                                         : "at node '" + layout_.node_ids[v.node] + "'";
  std::string held;
  if (v.held != NO_ZONE) held = " (holding " + zone_name(v.held) + ")";
  return name + " " + where + held + " waits for room in " + zone_name(v.waiting_zone);
}

}  // namespace plantwin::models
