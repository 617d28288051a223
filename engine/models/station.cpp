#include "models/station.hpp"

#include <algorithm>
#include <cassert>
#include <iterator>
#include <limits>

#include "models/sink.hpp"
#include "models/timeline.hpp"
#include "models/source.hpp"

namespace plantwin::models {

const Distribution* StationParams::setup_between(ProductIndex from, ProductIndex to) const {
  if (from == to) return nullptr;
  const auto it = std::lower_bound(setup_pairs.begin(), setup_pairs.end(), std::pair{from, to},
                                   [](const SetupParams& s, const std::pair<ProductIndex, ProductIndex>& key) {
                                     return std::pair{s.from, s.to} < key;
                                   });
  if (it != setup_pairs.end() && it->from == from && it->to == to) return &it->duration;
  return setup_any ? &*setup_any : nullptr;
}

Station::Station(std::string id, StationParams params, PlantContext& ctx, std::uint32_t number)
    : id_(std::move(id)),
      params_(std::move(params)),
      ctx_(ctx),
      number_(number),
      model_id_(ctx.kernel.add_model(*this, "station/" + id_)),
      capacity_(params_.buffer == StationParams::INFINITE ? std::numeric_limits<std::size_t>::max()
                                                          : static_cast<std::size_t>(params_.buffer)),
      has_setups_(params_.setup_any.has_value() || !params_.setup_pairs.empty()),
      process_rng_(ctx.stream("station/" + id_ + "/process")),
      setup_rng_(ctx.stream("station/" + id_ + "/setup")),
      yield_rng_(ctx.stream("station/" + id_ + "/yield")) {
  assert(params_.servers >= 1);
  servers_.reserve(static_cast<std::size_t>(params_.servers));
  for (int k = 0; k < params_.servers; ++k) {
    // One stream per server and quantity: adding a server leaves the others' failures unchanged.
    const std::string prefix = "station/" + id_ + "/server/" + std::to_string(k);
    servers_.emplace_back(ctx.stream(prefix + "/ttf"), ctx.stream(prefix + "/ttr"));
  }
  free_servers_ = servers_.size();
}

void Station::start() {
  if (params_.failures) {
    for (std::uint32_t i = 0; i < servers_.size(); ++i) {
      Server& s = servers_[i];
      const kernel::Tick ttf = params_.failures->time_to_failure.sample_ticks(s.ttf_rng);
      if (params_.failures->basis == FailureParams::Basis::OPERATING)
        s.ttf_remaining = ttf;
      else
        ctx_.kernel.schedule_in(ttf, model_id_, FAIL, i);
    }
  }
  if (saturating_ != nullptr) grant();
}

// ---- state accounting -----------------------------------------------------------------------

void Station::set_state(Server& s, ServerState next) {
  const kernel::Tick now = ctx_.kernel.now();
  s.state_ticks[static_cast<std::size_t>(shown_state(s))] += now - s.state_since;
  s.state_since = now;
  // A server is free when idle and up: only a change to or from idle moves the count.
  if (!s.down) free_servers_ += static_cast<std::size_t>(next == ServerState::IDLE) - static_cast<std::size_t>(s.state == ServerState::IDLE);
  s.state = next;
  if (ctx_.observer != nullptr) notify(s);
}

void Station::notify(const Server& s) {
  ctx_.observer->server_state(number_, static_cast<std::uint32_t>(&s - servers_.data()), shown_state(s), ctx_.kernel.now());
}

void Station::set_down(Server& s, bool down) {
  const kernel::Tick now = ctx_.kernel.now();
  const bool was_free = is_free(s);
  s.state_ticks[static_cast<std::size_t>(shown_state(s))] += now - s.state_since;
  s.state_since = now;
  s.down = down;
  free_servers_ += static_cast<std::size_t>(is_free(s)) - static_cast<std::size_t>(was_free);
  if (ctx_.observer != nullptr) notify(s);
}

void Station::reset_statistics() {
  const kernel::Tick now = ctx_.kernel.now();
  for (Server& s : servers_) {
    s.state_ticks.fill(0);
    s.state_since = now;
  }
  completed_ = scrapped_ = processed_ = 0;
  queue_length_.reset(now);
  window_start_ = now;
}

StationMeasures Station::measures() const {
  const kernel::Tick now = ctx_.kernel.now();
  StationMeasures m;
  for (const Server& s : servers_) {
    for (std::size_t k = 0; k < SERVER_STATE_COUNT; ++k) m.state_ticks[k] += s.state_ticks[k];
    m.state_ticks[static_cast<std::size_t>(shown_state(s))] += now - s.state_since;
  }
  m.completed = completed_;
  m.scrapped = scrapped_;
  m.processed = processed_;
  m.queue_mean = queue_length_.mean(now);
  return m;
}

// ---- entry ---------------------------------------------------------------------------------

void Station::request_entry(EntryRequester& requester, std::uint64_t tag, const Transfer& /*transfer*/) {
  // Inside grant() the loop re-checks the room after every part, so a request made meanwhile
  // waits its turn behind the ones already there.
  if (requests_.empty() && !granting_ && has_room()) {
    accept(requester.hand_over(tag));
    return;
  }
  requests_.push_back(Request{&requester, tag});
}

void Station::accept(PartId part) {
  ++ctx_.moves;
  if (free_servers_ > 0 && queue_.empty()) {
    for (std::uint32_t i = 0;; ++i)
      if (is_free(servers_[i])) {
        start_part(i, part);
        return;
      }
  }
  queue_.push_back(part);
  queue_length_.set(ctx_.kernel.now(), static_cast<double>(queue_.size()));
}

void Station::dispatch() {
  while (free_servers_ > 0 && !queue_.empty()) {
    const PartId part = queue_.pop_front();
    queue_length_.set(ctx_.kernel.now(), static_cast<double>(queue_.size()));
    for (std::uint32_t i = 0;; ++i)
      if (is_free(servers_[i])) {
        start_part(i, part);
        break;
      }
  }
}

void Station::grant() {
  if (granting_) return;
  granting_ = true;
  while (has_room()) {
    if (!requests_.empty()) {
      const Request r = requests_.pop_front();
      accept(r.requester->hand_over(r.tag));
    } else if (saturating_ != nullptr && free_servers_ > 0 && queue_.empty() && saturating_->can_create()) {
      accept(saturating_->create_part());
    } else {
      break;
    }
  }
  granting_ = false;
}

PartId Station::hand_over(std::uint64_t server) {
  Server& s = servers_[server];
  assert(s.state == ServerState::BLOCKED || s.state == ServerState::WAITING_TRANSPORT);
  const PartId part = s.part;
  ++completed_;
  s.waiting_on = nullptr;
  ++ctx_.moves;
  set_state(s, ServerState::IDLE);
  dispatch();
  // Granting our own waiting requests here could recurse up a long blocked line: defer it.
  if (wants_grant() && !grant_deferred_) {
    grant_deferred_ = true;
    ctx_.kernel.defer(model_id_, GRANT);
  }
  return part;
}

// ---- the server cycle ----------------------------------------------------------------------

void Station::start_part(std::uint32_t index, PartId part) {
  Server& s = servers_[index];
  s.part = part;
  const Part& p = ctx_.parts[part];
  const std::int64_t previous = s.last_product;
  s.last_product = p.product;
  if (has_setups_ && previous >= 0) {
    if (const Distribution* setup = params_.setup_between(static_cast<ProductIndex>(previous), p.product)) {
      start_activity(index, Activity::SETUP, setup->sample_ticks(setup_rng_));
      return;
    }
  }
  begin_gates(index, GatePhase::BEFORE_WORK);
}

void Station::start_work(std::uint32_t index) {
  const Part& p = ctx_.parts[servers_[index].part];
  start_activity(index, Activity::WORK, ctx_.routes[p.product][p.step].process->sample_ticks(process_rng_));
}

void Station::begin_gates(std::uint32_t index, GatePhase phase) {
  // Most stations have no gates: go straight on, without the gate bookkeeping of pass_gates().
  if (phase == GatePhase::BEFORE_WORK ? gates_before_.empty() : gates_after_.empty()) {
    if (phase == GatePhase::BEFORE_WORK)
      start_work(index);
    else
      move_on(index);
    return;
  }
  Server& s = servers_[index];
  s.gate_phase = phase;
  s.gate_index = 0;
  pass_gates(index);
}

void Station::pass_gates(std::uint32_t index) {
  Server& s = servers_[index];
  const std::vector<Gate*>& gates = s.gate_phase == GatePhase::BEFORE_WORK ? gates_before_ : gates_after_;
  while (s.gate_index < gates.size()) {
    Gate* gate = gates[s.gate_index++];
    set_state(s, gate->waiting_state());
    s.gate_pending = 1;
    s.gate_requesting = 1;
    gate->request(*this, index, *this, s.part);
    s.gate_requesting = 0;
    if (s.gate_pending) return;  // the gate calls gate_passed() later
  }
  if (s.gate_phase == GatePhase::BEFORE_WORK)
    start_work(index);
  else
    move_on(index);
}

void Station::gate_passed(std::uint64_t server) {
  Server& s = servers_[server];
  assert(s.gate_pending);
  s.gate_pending = 0;
  // Passed inside Gate::request(): pass_gates() is still in its loop and goes on by itself.
  if (!s.gate_requesting) pass_gates(static_cast<std::uint32_t>(server));
}

void Station::start_activity(std::uint32_t index, Activity activity, kernel::Tick duration) {
  Server& s = servers_[index];
  s.activity = activity;
  s.activity_duration = duration;
  s.activity_remaining = duration;
  set_state(s, activity == Activity::SETUP ? ServerState::SETUP : ServerState::WORKING);
  // A gate may have let the part on while the server was down: it starts at the repair.
  if (!s.down) run_activity(index);
}

void Station::run_activity(std::uint32_t index) {
  Server& s = servers_[index];
  const kernel::Tick now = ctx_.kernel.now();
  s.run_start = now;
  if (s.activity == Activity::WORK && params_.failures &&
      params_.failures->basis == FailureParams::Basis::OPERATING && s.ttf_remaining <= s.activity_remaining) {
    s.activity_event = ctx_.kernel.schedule_at(now + s.ttf_remaining, model_id_, FAIL, index);
    return;
  }
  s.activity_event =
      ctx_.kernel.schedule_at(now + s.activity_remaining, model_id_, s.activity == Activity::SETUP ? END_SETUP : END_WORK, index);
}

void Station::end_setup(std::uint32_t index) {
  Server& s = servers_[index];
  s.activity_event = {};
  s.activity = Activity::NONE;
  begin_gates(index, GatePhase::BEFORE_WORK);
}

void Station::end_work(std::uint32_t index) {
  Server& s = servers_[index];
  const kernel::Tick now = ctx_.kernel.now();
  s.activity_event = {};
  s.activity = Activity::NONE;
  if (params_.failures && params_.failures->basis == FailureParams::Basis::OPERATING)
    s.ttf_remaining -= now - s.run_start;
  ++processed_;
  ++ctx_.moves;
  const PartId part = s.part;
  if (params_.yield < 1.0 && !(yield_rng_.uniform() < params_.yield)) {
    ++scrapped_;
    set_state(s, ServerState::IDLE);
    ctx_.sink.part_left(part, false);
    server_freed();
    return;
  }
  begin_gates(index, GatePhase::AFTER_WORK);
}

void Station::move_on(std::uint32_t index) {
  Server& s = servers_[index];
  const PartId part = s.part;
  Part& p = ctx_.parts[part];
  const auto& route = ctx_.routes[p.product];
  if (++p.step >= route.size()) {
    ++completed_;
    set_state(s, ServerState::IDLE);
    ctx_.sink.part_left(part, true);
    server_freed();
    return;
  }
  const RouteStep& next = route[p.step];
  EntryTarget& target = next.via != nullptr ? *next.via : static_cast<EntryTarget&>(*next.station);
  const ServerState waiting = target.waiting_state();
  set_state(s, waiting);
  s.waiting_on = &target;
  target.request_entry(*this, index, Transfer{part, this, next.station});
  if (s.waiting_on != nullptr && ctx_.stalls != nullptr && all_servers_wait()) ctx_.stalls->check({this, index});
}

bool Station::all_servers_wait() const {
  if (has_room()) return false;
  for (const Server& s : servers_)
    if (s.waiting_on == nullptr) return false;
  return true;
}

// ---- the waits-for graph ---------------------------------------------------------------------

WaitItem Station::entry_wait(const EntryRequester& /*requester*/, std::uint64_t /*tag*/) const { return {this, ROOM}; }

WaitKind Station::waits_for(std::uint32_t item, std::vector<WaitItem>& on) const {
  if (item == ROOM && has_room()) return WaitKind::MOVES;
  if (item == ROOM || item == BUFFER) {
    // Room appears, and a waiting part gets a server, only when a server lets its part go.
    for (std::uint32_t k = 0; k < servers_.size(); ++k) on.push_back({this, k});
    return WaitKind::ANY;
  }
  const Server& s = servers_[item];
  if (s.waiting_on == nullptr) return WaitKind::MOVES;  // working, in setup, at a gate, down or idle
  on.push_back(s.waiting_on->entry_wait(*this, item));
  return WaitKind::ANY;
}

std::string Station::describe_wait(std::uint32_t item) const {
  if (item == ROOM) return "";
  if (item == BUFFER)
    return "station '" + id_ + "' has " + std::to_string(queue_.size()) + " part(s) in its buffer waiting for a server";
  const Server& s = servers_[item];
  std::string what = "station '" + id_ + "' server " + std::to_string(item) + " holds a part of '" +
                     ctx_.product_name(s.part) + "'";
  if (s.waiting_on != nullptr) return what + " and waits for " + s.waiting_on->entry_name();
  return what;
}

void Station::holders(std::vector<WaitItem>& out) const {
  for (std::uint32_t k = 0; k < servers_.size(); ++k)
    if (servers_[k].state != ServerState::IDLE) out.push_back({this, k});
  if (!queue_.empty()) out.push_back({this, BUFFER});
}

void Station::server_freed() {
  dispatch();
  if (wants_grant()) grant();
}

void Station::fail(std::uint32_t index) {
  Server& s = servers_[index];
  const FailureParams& f = *params_.failures;
  const kernel::Tick now = ctx_.kernel.now();
  if (s.activity_event) {
    // Interrupt the running setup or work. A failure at the very instant the activity ends does
    // not undo it, even with `restart`: the activity ends when the repair does.
    if (f.basis == FailureParams::Basis::CALENDAR) ctx_.kernel.cancel(s.activity_event);
    s.activity_event = {};
    const kernel::Tick left = s.activity_remaining - (now - s.run_start);
    s.activity_remaining = f.interrupted == FailureParams::Interrupted::RESTART && left > 0 ? s.activity_duration : left;
  }
  if (f.basis == FailureParams::Basis::OPERATING) s.ttf_remaining = 0;
  set_down(s, true);
  ctx_.kernel.schedule_in(f.time_to_repair.sample_ticks(s.ttr_rng), model_id_, REPAIR, index);
}

void Station::repair(std::uint32_t index) {
  Server& s = servers_[index];
  const FailureParams& f = *params_.failures;
  set_down(s, false);
  const kernel::Tick ttf = f.time_to_failure.sample_ticks(s.ttf_rng);
  if (f.basis == FailureParams::Basis::OPERATING)
    s.ttf_remaining = ttf;
  else
    ctx_.kernel.schedule_in(ttf, model_id_, FAIL, index);
  if (s.activity != Activity::NONE) {
    run_activity(index);
  } else if (s.state == ServerState::IDLE) {
    server_freed();
  }
}

const char* Station::event_name(std::uint32_t kind) const {
  static constexpr const char* names[] = {"end_setup", "end_work", "fail", "repair", "grant"};
  return kind < std::size(names) ? names[kind] : nullptr;
}

void Station::on_event(const kernel::Event& event) {
  const auto index = static_cast<std::uint32_t>(event.arg);
  switch (event.kind) {
    case END_SETUP: end_setup(index); break;
    case END_WORK: end_work(index); break;
    case FAIL: fail(index); break;
    case REPAIR: repair(index); break;
    case GRANT:
      grant_deferred_ = false;
      grant();
      break;
    default: assert(false);
  }
}

}  // namespace plantwin::models
