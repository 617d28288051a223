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

// ---- the waits-for graph ---------------------------------------------------------------------

WaitKind Traffic::waits_for(std::uint32_t item, std::vector<WaitItem>& on) const {
  const Zone& zone = zones_[item];
  if (static_cast<int>(zone.holders.size()) < zone.capacity) return WaitKind::MOVES;
  for (const Vehicle* h : zone.holders) on.push_back({h->fleet, h->index});
  return WaitKind::ANY;
}

std::string Traffic::zone_name(ZoneId z) const {
  if (is_node(z)) return "node '" + layout_.node_ids[z] + "'";
  return "segment '" + layout_.segment_names[z - layout_.node_count()] + "'";
}

std::string Traffic::describe_zone_wait(const Vehicle& v) const {
  const std::string where = v.on_segment ? "on segment '" + layout_.segment_names[v.segment] + "'"
                                         : "at node '" + layout_.node_ids[v.node] + "'";
  std::string held;
  if (v.held != NO_ZONE) held = " (holding " + zone_name(v.held) + ")";
  return v.fleet->vehicle_name(v) + " " + where + held + " waits for room in " + zone_name(v.waiting_zone);
}

}  // namespace plantwin::models
