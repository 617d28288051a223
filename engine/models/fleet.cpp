#include "models/fleet.hpp"

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <iterator>

#include "models/station.hpp"

namespace plantwin::models {

const char* vehicle_state_name(VehicleState s) {
  switch (s) {
    case VehicleState::IDLE: return "idle";
    case VehicleState::TRAVELLING_EMPTY: return "travelling_empty";
    case VehicleState::TRAVELLING_LOADED: return "travelling_loaded";
    case VehicleState::LOADING: return "loading";
    case VehicleState::UNLOADING: return "unloading";
    case VehicleState::BLOCKED: return "blocked";
    case VehicleState::WAITING_ZONE: return "waiting_zone";
    case VehicleState::CHARGING: return "charging";
    case VehicleState::WAITING_NETWORK: return "waiting_network";
    case VehicleState::COUNT: break;
  }
  return "?";
}

namespace {
constexpr double SECONDS_PER_HOUR = 3600.0;
}  // namespace

Fleet::Fleet(const FleetParams& params, const LayoutParams& layout, const std::vector<NodeIndex>& station_node,
             const std::vector<std::unique_ptr<Station>>& stations, Traffic& traffic, PlantContext& ctx)
    : params_(params),
      layout_(layout),
      station_node_(station_node),
      stations_(stations),
      traffic_(traffic),
      ctx_(ctx),
      model_id_(ctx.kernel.add_model(*this, "fleet/" + params.id)) {
  segment_ticks_.reserve(layout_.segments.size());
  for (const auto& s : layout_.segments) segment_ticks_.push_back(kernel::duration_from_seconds(s.length / params_.speed));
  // Traffic keeps pointers to the vehicles: the vector never grows after this.
  vehicles_.reserve(static_cast<std::size_t>(params_.vehicles));
  for (int k = 0; k < params_.vehicles; ++k) {
    // One stream per vehicle and quantity: adding vehicles leaves the others' numbers unchanged.
    const std::string prefix = "fleet/" + params_.id + "/vehicle/" + std::to_string(k);
    vehicles_.emplace_back(*this, static_cast<std::uint32_t>(k), ctx.stream(prefix + "/load"), ctx.stream(prefix + "/unload"));
    Vehicle& v = vehicles_.back();
    v.node = v.target = params_.home;
    if (params_.battery) v.level = params_.battery->capacity_wh;
  }
  if (params_.battery) {
    charging_at_.assign(params_.battery->chargers.size(), -1);
    charger_queue_.resize(params_.battery->chargers.size());
  }
}

std::string Fleet::vehicle_name(const Vehicle& v) const { return models::vehicle_name(params_, v.index); }

void Fleet::restore(std::size_t vehicle, std::optional<NodeIndex> node, kernel::Tick since, std::optional<double> wh) {
  Vehicle& v = vehicles_[vehicle];
  if (node) v.node = v.target = *node;
  if (wh) v.level = *wh;
  if (restored_since_.empty()) restored_since_.assign(vehicles_.size(), {0, vehicles_.size()});
  // Free at the same instant: in the order restore() is called (the state's order).
  restored_since_[vehicle] = {since, restored_calls_++};
}

void Fleet::start() {
  // A run from a state starts at its time, not at 0: a battery drains and a state lasts from now.
  const kernel::Tick now = ctx_.kernel.now();
  std::vector<std::uint32_t> order;
  for (const Vehicle& v : vehicles_) order.push_back(v.index);
  // Restored vehicles are available in the order they became free (the longest free first).
  if (!restored_since_.empty())
    std::stable_sort(order.begin(), order.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return restored_since_[a] < restored_since_[b]; });
  for (const std::uint32_t k : order) {
    Vehicle& v = vehicles_[k];
    v.level_since = v.state_since = now;
    if (!restored_since_.empty() && battery_low(v)) {
      // Restored at or below its threshold: it goes to charge first, as after a trip.
      v.available = false;
      go_charge(v);
      continue;
    }
    available_.push_back(v.index);
    if (params_.return_home && v.node != params_.home) {
      // Restored away from home: it was on its way there, or will go once free.
      v.target = params_.home;
      go(v);
    } else {
      schedule_low(v);
    }
  }
  restored_since_.clear();
  restored_calls_ = 0;
}

// ---- accounting -------------------------------------------------------------------------------

void Fleet::set_state(Vehicle& v, VehicleState next) {
  const kernel::Tick now = ctx_.kernel.now();
  settle_battery(v);
  v.state_ticks[static_cast<std::size_t>(v.state)] += now - v.state_since;
  v.state_since = now;
  v.state = next;
  if (ctx_.observer != nullptr) ctx_.observer->vehicle_state(ref(v), static_cast<std::uint8_t>(next), now);
}

void Fleet::settle_battery(Vehicle& v) {
  if (!params_.battery) return;
  const kernel::Tick now = ctx_.kernel.now();
  const bool standing = v.state != VehicleState::TRAVELLING_EMPTY && v.state != VehicleState::TRAVELLING_LOADED &&
                        v.state != VehicleState::CHARGING;
  if (standing && params_.battery->idle_w > 0) {
    const double before = v.level;
    v.level -= params_.battery->idle_w * kernel::to_seconds(now - v.level_since) / SECONDS_PER_HOUR;
    if (v.level < 0) {
      // It ran empty before now, when the draw since level_since took what it had.
      const double empty_s = std::max(0.0, before) / params_.battery->idle_w * SECONDS_PER_HOUR;
      const kernel::Tick at = std::min(now, v.level_since + kernel::duration_from_seconds(empty_s));
      out_of_battery(v, at, "at node '" + layout_.node_ids[v.node] + "'");
    }
  }
  v.level_since = now;
}

bool Fleet::battery_low(const Vehicle& v) const {
  return params_.battery && v.level <= params_.battery->threshold * params_.battery->capacity_wh;
}

namespace {
std::string metres_text(double m) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", m);
  return buf;
}
}  // namespace

void Fleet::out_of_battery(const Vehicle& v, kernel::Tick at, const std::string& where) {
  ctx_.kernel.fail("vehicle " + vehicle_name(v) + " ran out of battery at t=" + std::to_string(kernel::to_seconds(at)) + "s " +
                   where +
                   " (raise battery.threshold or battery.capacity, or add chargers)");
}

void Fleet::reset_statistics() {
  const kernel::Tick now = ctx_.kernel.now();
  for (Vehicle& v : vehicles_) {
    v.state_ticks.fill(0);
    v.state_since = now;
    v.distance = 0;
    v.trips = v.charges = 0;
  }
  open_requests_.reset(now);
  request_wait_.reset();
  request_wait_histogram_.reset();
  requests_started_ = moved_ = 0;
}

FleetMeasures Fleet::measures() const {
  const kernel::Tick now = ctx_.kernel.now();
  FleetMeasures m;
  for (const Vehicle& v : vehicles_) {
    VehicleMeasures vm;
    vm.state_ticks = v.state_ticks;
    vm.state_ticks[static_cast<std::size_t>(v.state)] += now - v.state_since;
    vm.distance_m = v.distance;
    vm.trips = v.trips;
    vm.charges = v.charges;
    m.vehicles.push_back(vm);
  }
  m.requests = requests_started_;
  m.request_wait = request_wait_;
  m.request_wait_histogram = request_wait_histogram_;
  m.waiting_requests_mean = open_requests_.mean(now);
  m.moved = moved_;
  return m;
}

// ---- requests and dispatching ----------------------------------------------------------------

void Fleet::request_entry(EntryRequester& requester, std::uint64_t tag, const Transfer& transfer) {
  assert(transfer.from != nullptr && transfer.to != nullptr && "a fleet carries parts between stations");
  const FleetLeg leg{transfer.from->number(), transfer.to->number()};
  std::uint32_t id;
  if (!free_requests_.empty()) {
    id = free_requests_.back();
    free_requests_.pop_back();
  } else {
    id = static_cast<std::uint32_t>(requests_.size());
    requests_.emplace_back();
  }
  requests_[id] = Request{&requester, tag, transfer.part, leg.from, leg.to, ctx_.kernel.now()};
  open_requests_.add(ctx_.kernel.now(), 1);
  waiting_.push_back(id);
  dispatch_new_request();
}

void Fleet::take(std::uint32_t request) {
  waiting_.erase(std::find(waiting_.begin(), waiting_.end(), request));
}

void Fleet::dispatch_new_request() {
  if (available_.empty()) return;
  // Vehicles are available only while no request waits, so the new request is the only one.
  std::size_t pick = 0;
  if (params_.dispatch == FleetParams::Dispatch::NEAREST_IDLE) {
    const NodeIndex pickup = station_node_[requests_[waiting_.back()].from];
    double best = topology::UNREACHABLE;
    for (std::size_t i = 0; i < available_.size(); ++i) {
      const double d = distance_to(vehicles_[available_[i]], pickup);
      if (d < best || (d == best && available_[i] < available_[pick])) {
        best = d;
        pick = i;
      }
    }
  }
  Vehicle& v = vehicles_[available_[pick]];
  assign(v, waiting_.front());
}

double Fleet::distance_to(const Vehicle& v, NodeIndex node) const {
  const auto slot = static_cast<std::size_t>(layout_.paths.slot_of(node));
  double d = layout_.paths.distance(slot, v.node);
  if (v.on_segment) {
    const kernel::Tick left = std::max<kernel::Tick>(0, v.segment_end - ctx_.kernel.now());
    d += kernel::to_seconds(left) * params_.speed;
  }
  return d;
}

void Fleet::make_available(Vehicle& v) {
  v.mode = Vehicle::Mode::FREE;
  v.available = true;
  available_.push_back(v.index);
}

void Fleet::assign(Vehicle& v, std::uint32_t request) {
  if (v.available) {
    v.available = false;
    available_.erase(std::find(available_.begin(), available_.end(), v.index));
  }
  if (v.low_event) {
    ctx_.kernel.cancel(v.low_event);
    v.low_event = {};
  }
  take(request);
  const Request& r = requests_[request];
  v.mode = Vehicle::Mode::TO_PICKUP;
  v.pickup = r.from;
  v.dropoff = r.to;
  v.claimed.assign(1, request);
  v.next_claim = 0;
  claim_more(v);
  v.target = station_node_[v.pickup];
  if (commands_.messages) ask_command(v);
  // A vehicle on a segment (driving home) turns towards the pickup at the segment's end; one whose
  // place on the next segment is granted but not yet taken decides in zone_granted().
  if (v.on_segment || v.grant_pending) return;
  if (v.waiting_zone != NO_ZONE) traffic_.cancel_wait(v);
  go(v);
}

void Fleet::claim_more(Vehicle& v) {
  for (std::size_t i = 0; i < waiting_.size() && v.claimed.size() < static_cast<std::size_t>(params_.capacity);) {
    const std::uint32_t id = waiting_[i];
    if (requests_[id].from != v.pickup || requests_[id].to != v.dropoff) {
      ++i;
      continue;
    }
    take(id);
    v.claimed.push_back(id);
  }
}

// ---- commands --------------------------------------------------------------------------------

void Fleet::take_commands(Messages& messages, std::size_t flow, const MessageFlowParams& params) {
  commands_ = Commands{&messages, flow, params.blocking, params.resend};
}

void Fleet::ask_command(Vehicle& v) {
  // Set first: a flow that drops in an outage fails inside start_exchange().
  v.awaiting_command = commands_.blocking;
  commands_.messages->start_exchange(commands_.flow, v.index, *this, v.index);
}

void Fleet::exchange_done(std::uint64_t tag, bool delivered) {
  Vehicle& v = vehicles_[tag];
  if (!v.awaiting_command) return;  // a flow that does not block: the vehicle went on
  if (!delivered) {
    // The fleet manager sends the command again; the vehicle waits on.
    ctx_.kernel.schedule_in(commands_.resend, model_id_, RESEND, v.index);
    return;
  }
  v.awaiting_command = false;
  // A vehicle still driving (or granted its next segment) goes on at the end of it, by go().
  if (v.state == VehicleState::WAITING_NETWORK) go(v);
}

// ---- moving ----------------------------------------------------------------------------------

void Fleet::go(Vehicle& v) {
  if (v.awaiting_command) {
    // Given a trip, it stands where it is (parked, or holding its node) until the command comes.
    set_state(v, VehicleState::WAITING_NETWORK);
    return;
  }
  if (v.node == v.target) {
    if (v.parked) {
      // An idle vehicle stands aside; to work at its node it must first have room in it.
      const ZoneId zone = traffic_.node_zone(v.node);
      if (zone != NO_ZONE && !traffic_.acquire(v, zone)) {
        wait_for_zone(v, zone);
        return;
      }
      v.held = zone;
      v.parked = false;
    }
    arrive(v);
    return;
  }
  const auto slot = static_cast<std::size_t>(layout_.paths.slot_of(v.target));
  const SegmentIndex segment = layout_.paths.next_segment(slot, v.node);
  assert(segment != topology::NO_SEGMENT && "the loader guarantees every place a vehicle heads for is reachable");
  const ZoneId zone = traffic_.segment_zone(segment);
  if (zone != NO_ZONE && !traffic_.acquire(v, zone)) {
    v.pending_segment = segment;
    wait_for_zone(v, zone);
    return;
  }
  depart(v, segment);
}

void Fleet::wait_for_zone(Vehicle& v, ZoneId /*zone*/) {
  set_state(v, VehicleState::WAITING_ZONE);
  if (ctx_.stalls != nullptr) ctx_.stalls->check({this, v.index});
}

void Fleet::depart(Vehicle& v, SegmentIndex segment) {
  if (v.held != NO_ZONE) traffic_.release(v, v.held);
  v.held = traffic_.segment_zone(segment);
  v.parked = false;
  // What it drew standing (loading, unloading, waiting) is settled at the node it leaves.
  settle_battery(v);
  const topology::PathSegment& s = layout_.segments[segment];
  v.from_node = v.node;
  v.node = s.from == v.node ? s.to : s.from;
  v.on_segment = true;
  v.segment = segment;
  v.segment_end = ctx_.kernel.now() + segment_ticks_[segment];
  set_state(v, v.carried.empty() ? VehicleState::TRAVELLING_EMPTY : VehicleState::TRAVELLING_LOADED);
  if (ctx_.observer != nullptr) ctx_.observer->vehicle_departed(ref(v), v.from_node, v.node, !v.carried.empty(), ctx_.kernel.now());
  // A battery too low for the segment stops the run where it runs empty on the way (a segment
  // draws its energy evenly along it), not at the segment's end: a later failure must not win.
  const double share = empty_share(v);
  if (share < 1) {
    const kernel::Tick ticks = segment_ticks_[segment];
    ctx_.kernel.schedule_in(static_cast<kernel::Tick>(share * static_cast<double>(ticks)), model_id_, RUN_EMPTY, v.index);
    return;
  }
  ctx_.kernel.schedule_at(v.segment_end, model_id_, SEGMENT_END, v.index);
}

double Fleet::empty_share(const Vehicle& v) const {
  if (!params_.battery) return 1;
  const double need = params_.battery->per_metre_wh * layout_.segments[v.segment].length;
  return v.level < need ? std::max(0.0, v.level) / need : 1;
}

void Fleet::run_empty(const Vehicle& v) {
  const double length = layout_.segments[v.segment].length;
  out_of_battery(v, ctx_.kernel.now(), "on the segment '" + layout_.segment_names[v.segment] + "', " +
                                           metres_text(empty_share(v) * length) + " m along its " + metres_text(length) + " m");
}

void Fleet::segment_end(Vehicle& v) {
  const double length = layout_.segments[v.segment].length;
  v.distance += length;
  if (params_.battery) {
    settle_battery(v);
    v.level -= params_.battery->per_metre_wh * length;
  }
  const ZoneId zone = traffic_.node_zone(v.node);
  if (zone != NO_ZONE && !traffic_.acquire(v, zone)) {
    wait_for_zone(v, zone);
    return;
  }
  enter_node(v);
}

void Fleet::enter_node(Vehicle& v) {
  if (ctx_.observer != nullptr) ctx_.observer->vehicle_arrived(ref(v), v.node, ctx_.kernel.now());
  if (v.held != NO_ZONE) traffic_.release(v, v.held);
  v.held = traffic_.node_zone(v.node);
  v.on_segment = false;
  go(v);
}

void Fleet::zone_granted(Vehicle& v, ZoneId zone) {
  v.grant_pending = false;
  if (traffic_.is_node(zone)) {
    if (v.on_segment) {
      // Waited at the end of its segment: enter_node() releases the segment, holds the node.
      enter_node(v);
    } else {
      // A parked vehicle got room at its own node.
      v.held = zone;
      v.parked = false;
      go(v);
    }
    return;
  }
  // A segment: still the way to the target (a vehicle driving home may have been given a trip)?
  if (!v.awaiting_command && v.node != v.target &&
      layout_.paths.next_segment(static_cast<std::size_t>(layout_.paths.slot_of(v.target)), v.node) == v.pending_segment) {
    depart(v, v.pending_segment);
    return;
  }
  traffic_.release(v, zone);
  go(v);
}

void Fleet::arrive(Vehicle& v) {
  switch (v.mode) {
    case Vehicle::Mode::TO_PICKUP:
      v.mode = Vehicle::Mode::LOADING;
      claim_more(v);
      load_next(v);
      break;
    case Vehicle::Mode::TO_DROPOFF:
      v.mode = Vehicle::Mode::UNLOADING;
      unload_next(v);
      break;
    case Vehicle::Mode::FREE:  // home, or a free vehicle that stays where it is
      if (battery_low(v)) {
        v.available = false;
        available_.erase(std::find(available_.begin(), available_.end(), v.index));
        go_charge(v);
      } else {
        park(v);
      }
      break;
    case Vehicle::Mode::TO_CHARGER: at_charger(v); break;
    default: assert(false);
  }
}

void Fleet::park(Vehicle& v) {
  if (v.held != NO_ZONE) traffic_.release(v, v.held);
  v.held = NO_ZONE;
  v.parked = true;
  set_state(v, VehicleState::IDLE);
  schedule_low(v);
}

// ---- loading and unloading -------------------------------------------------------------------

void Fleet::load_next(Vehicle& v) {
  const Request& r = requests_[v.claimed[v.next_claim]];
  const kernel::Tick now = ctx_.kernel.now();
  ++requests_started_;
  request_wait_.add(kernel::to_seconds(now - r.made));
  request_wait_histogram_.add(now - r.made);
  open_requests_.add(now, -1);
  set_state(v, VehicleState::LOADING);
  ctx_.kernel.schedule_in(params_.load.sample_ticks(v.load_rng), model_id_, LOAD_END, v.index);
}

void Fleet::load_end(Vehicle& v) {
  const std::uint32_t id = v.claimed[v.next_claim++];
  Request& r = requests_[id];
  // The part leaves its server now: the server was held until the part was on the vehicle.
  v.carried.push_back(r.requester->hand_over(r.tag));
  ++ctx_.moves;
  if (ctx_.observer != nullptr)
    ctx_.observer->carrier_loaded(ref(v), r.from, v.carried.back(), ctx_.parts[v.carried.back()], ctx_.kernel.now());
  r.requester = nullptr;
  free_requests_.push_back(id);
  // Requests that came while it was loading go along too, up to its capacity.
  claim_more(v);
  if (v.next_claim < v.claimed.size()) {
    load_next(v);
    return;
  }
  v.claimed.clear();
  v.next_claim = 0;
  v.mode = Vehicle::Mode::TO_DROPOFF;
  v.target = station_node_[v.dropoff];
  go(v);
}

void Fleet::unload_next(Vehicle& v) {
  set_state(v, VehicleState::UNLOADING);
  ctx_.kernel.schedule_in(params_.unload.sample_ticks(v.unload_rng), model_id_, UNLOAD_END, v.index);
}

void Fleet::unload_end(Vehicle& v) {
  Station& station = *stations_[v.dropoff];
  v.requesting = true;
  v.granted = false;
  station.request_entry(*this, v.index, Transfer{v.carried.front(), nullptr, &station});
  v.requesting = false;
  if (v.granted) {
    after_delivery(v);
    return;
  }
  v.blocked_at = &station;
  set_state(v, VehicleState::BLOCKED);
  if (ctx_.stalls != nullptr) ctx_.stalls->check({this, v.index});
}

PartId Fleet::hand_over(std::uint64_t vehicle) {
  Vehicle& v = vehicles_[vehicle];
  assert(!v.carried.empty());
  const PartId part = v.carried.front();
  v.carried.pop_front();
  ++moved_;
  if (ctx_.observer != nullptr) ctx_.observer->carrier_unloaded(ref(v), v.dropoff, part, ctx_.parts[part], ctx_.kernel.now());
  if (v.requesting) {
    v.granted = true;
  } else {
    // Taken from the station's grant loop: go on once that loop is done.
    ctx_.kernel.defer(model_id_, CONTINUE, v.index);
  }
  return part;
}

void Fleet::after_delivery(Vehicle& v) {
  v.blocked_at = nullptr;
  if (!v.carried.empty()) {
    unload_next(v);
    return;
  }
  ++v.trips;
  become_free(v, true);
}

void Fleet::become_free(Vehicle& v, bool check_battery) {
  v.mode = Vehicle::Mode::FREE;
  if (check_battery && battery_low(v)) {
    go_charge(v);
    return;
  }
  if (!waiting_.empty()) {
    assign(v, waiting_.front());
    return;
  }
  make_available(v);
  if (params_.return_home && v.node != params_.home) {
    v.target = params_.home;
    go(v);
    return;
  }
  v.target = v.node;
  park(v);
}

// ---- batteries -------------------------------------------------------------------------------

void Fleet::schedule_low(Vehicle& v) {
  if (!params_.battery || params_.battery->idle_w <= 0) return;
  const double above = v.level - params_.battery->threshold * params_.battery->capacity_wh;
  const double hours = std::max(0.0, above) / params_.battery->idle_w;
  v.low_event = ctx_.kernel.schedule_in(kernel::duration_from_seconds(hours * SECONDS_PER_HOUR), model_id_, BATTERY_LOW, v.index);
}

void Fleet::go_charge(Vehicle& v) {
  const BatteryParams& b = *params_.battery;
  std::size_t best = 0;
  double best_distance = topology::UNREACHABLE;
  for (std::size_t c = 0; c < b.chargers.size(); ++c) {
    const double d = layout_.paths.distance(static_cast<std::size_t>(layout_.paths.slot_of(b.chargers[c])), v.node);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  v.mode = Vehicle::Mode::TO_CHARGER;
  v.charger = best;
  v.target = b.chargers[best];
  go(v);
}

void Fleet::at_charger(Vehicle& v) {
  v.mode = Vehicle::Mode::AT_CHARGER;
  set_state(v, VehicleState::CHARGING);
  if (charging_at_[v.charger] >= 0) {
    charger_queue_[v.charger].push_back(v.index);
    return;
  }
  start_charge(v);
}

void Fleet::start_charge(Vehicle& v) {
  const BatteryParams& b = *params_.battery;
  charging_at_[v.charger] = v.index;
  const double wh = std::max(0.0, b.charge_to * b.capacity_wh - v.level);
  ctx_.kernel.schedule_in(kernel::duration_from_seconds(wh / b.charge_w * SECONDS_PER_HOUR), model_id_, CHARGE_END, v.index);
}

void Fleet::charge_end(Vehicle& v) {
  const BatteryParams& b = *params_.battery;
  set_state(v, VehicleState::CHARGING);  // accounts the time; the level is set below
  v.level = b.charge_to * b.capacity_wh;
  ++v.charges;
  charging_at_[v.charger] = -1;
  auto& queue = charger_queue_[v.charger];
  if (!queue.empty()) {
    Vehicle& next = vehicles_[queue.front()];
    queue.pop_front();
    start_charge(next);
  }
  become_free(v, false);
}

// ---- the waits-for graph ---------------------------------------------------------------------

WaitItem Fleet::entry_wait(const EntryRequester& requester, std::uint64_t tag) const {
  for (std::uint32_t r = 0; r < requests_.size(); ++r)
    if (requests_[r].requester == &requester && requests_[r].tag == tag) return {this, REQUEST | r};
  return {this, REQUEST | 0x7fffffffu};  // none: the part has been taken (waits_for says MOVES)
}

WaitKind Fleet::waits_for(std::uint32_t item, std::vector<WaitItem>& on) const {
  if (item & REQUEST) {
    const std::uint32_t r = item & ~REQUEST;
    if (r >= requests_.size() || requests_[r].requester == nullptr) return WaitKind::MOVES;
    // A request a vehicle has taken waits for that vehicle; one no vehicle has taken goes to the
    // first vehicle that becomes free.
    for (const Vehicle& v : vehicles_)
      if (std::find(v.claimed.begin() + static_cast<std::ptrdiff_t>(v.next_claim), v.claimed.end(), r) != v.claimed.end()) {
        on.push_back({this, v.index});
        return WaitKind::ANY;
      }
    for (const Vehicle& v : vehicles_) on.push_back({this, v.index});
    return WaitKind::ANY;
  }
  const Vehicle& v = vehicles_[item];
  if (v.state == VehicleState::BLOCKED && v.blocked_at != nullptr) {
    on.push_back(v.blocked_at->entry_wait(*this, v.index));
    return WaitKind::ANY;
  }
  if (v.state == VehicleState::WAITING_ZONE && v.waiting_zone != NO_ZONE) {
    on.push_back(traffic_.zone_item(v.waiting_zone));
    return WaitKind::ANY;
  }
  return WaitKind::MOVES;
}

std::string Fleet::describe_wait(std::uint32_t item) const {
  if (item & REQUEST) return "";
  const Vehicle& v = vehicles_[item];
  if (v.state == VehicleState::WAITING_ZONE && v.waiting_zone != NO_ZONE) return traffic_.describe_zone_wait(v);
  std::string what = vehicle_name(v);
  if (!v.carried.empty()) {
    what += v.carried.size() == 1 ? " holds a part of '" + ctx_.product_name(v.carried.front()) + "'"
                                  : " holds " + std::to_string(v.carried.size()) + " parts";
  }
  if (v.state == VehicleState::BLOCKED && v.blocked_at != nullptr) what += " and waits for " + v.blocked_at->entry_name();
  return what;
}

void Fleet::holders(std::vector<WaitItem>& out) const {
  for (const Vehicle& v : vehicles_)
    if (!v.carried.empty()) out.push_back({this, v.index});
}

// ---- events ----------------------------------------------------------------------------------

const char* Fleet::event_name(std::uint32_t kind) const {
  static constexpr const char* names[] = {"segment_end", "load_end",    "unload_end", "charge_end",
                                          "battery_low", "continue", "resend",   "run_empty"};
  return kind < std::size(names) ? names[kind] : nullptr;
}

void Fleet::on_event(const kernel::Event& event) {
  Vehicle& v = vehicles_[event.arg];
  switch (event.kind) {
    case SEGMENT_END: segment_end(v); break;
    case RUN_EMPTY: run_empty(v); break;
    case LOAD_END: load_end(v); break;
    case UNLOAD_END: unload_end(v); break;
    case CHARGE_END: charge_end(v); break;
    case BATTERY_LOW:
      v.low_event = {};
      settle_battery(v);
      assert(v.available && v.parked);
      v.available = false;
      available_.erase(std::find(available_.begin(), available_.end(), v.index));
      go_charge(v);
      break;
    case CONTINUE: after_delivery(v); break;
    case RESEND: ask_command(v); break;
    default: assert(false);
  }
}

}  // namespace plantwin::models
