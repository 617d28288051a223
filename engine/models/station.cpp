#include "models/station.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <iterator>
#include <limits>

#include "models/assembly.hpp"
#include "models/plant.hpp"
#include "models/route.hpp"
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

Station::Station(std::string id, const StationParams& params, PlantContext& ctx, std::uint32_t number)
    : id_(std::move(id)),
      params_(params),
      ctx_(ctx),
      number_(number),
      model_id_(ctx.kernel.add_model(*this, "station/" + id_)),
      capacity_(params_.buffer == StationParams::INFINITE ? std::numeric_limits<std::size_t>::max()
                                                          : static_cast<std::size_t>(params_.buffer)),
      has_setups_(params_.setup_any.has_value() || !params_.setup_pairs.empty()),
      process_rng_(ctx.stream("station/" + id_ + "/process")),
      setup_rng_(ctx.stream("station/" + id_ + "/setup")),
      yield_rng_(ctx.stream("station/" + id_ + "/yield")),
      maintenance_rng_(ctx.stream("station/" + id_ + "/maintenance")) {
  assert(params_.servers >= 1);
  servers_.reserve(static_cast<std::size_t>(params_.servers));
  for (int k = 0; k < params_.servers; ++k) {
    // One stream per server and quantity: adding a server leaves the others' failures unchanged.
    const std::string prefix = "station/" + id_ + "/server/" + std::to_string(k);
    servers_.emplace_back(ctx.stream(prefix + "/ttf"), ctx.stream(prefix + "/ttr"));
  }
  free_servers_ = servers_.size();
  operating_failures_ = params_.failures && params_.failures->basis == FailureParams::Basis::OPERATING;
  judges_ = params_.yield < 1.0;
  ctx.kernel.set_hot(model_id_, {{this, sizeof(Station)}, {servers_.data(), servers_.size() * sizeof(Server)}});
  if (params_.calendar) {
    calendar_ = ctx.calendars[*params_.calendar];
    calendar_->subscribe(*this);
  }
  for (std::size_t t = 0; t < OPERATOR_TASK_COUNT; ++t)
    if (params_.operators[t]) {
      pools_[t] = ctx.pools[*params_.operators[t]];
      has_pools_ = true;
    }
  if (params_.maintenance && params_.maintenance->scope == MaintenanceParams::Scope::SERVER) server_units_.resize(servers_.size());
  has_planning_ = calendar_ != nullptr || params_.maintenance.has_value() || has_pools_;
  if (const auto& f = params_.failures; f && (f->basis == FailureParams::Basis::OPERATING || calendar_ == nullptr))
    if (const std::optional<double> most = f->restart_bound()) {
      restart_limit_ = kernel::duration_from_seconds(*most);
      restart_setups_ = f->restarts(true);
    }
  counts_station_work_ = params_.maintenance && params_.maintenance->basis == MaintenanceParams::Basis::OPERATING &&
                         params_.maintenance->scope == MaintenanceParams::Scope::STATION;
  if (ctx.plant != nullptr && number_ < ctx.assembled_at.size() && !ctx.assembled_at[number_].empty())
    kits_ = std::make_unique<Kits>(*ctx.plant, ctx.assembled_at[number_]);
  // Stations that gather their work pick at the end of the instant (models/station_pick.cpp).
  if (params_.batch)
    gather_ = static_cast<std::size_t>(params_.batch->max);
  else if (kits_)
    gather_ = std::max<std::size_t>(1, kits_->kit_size());
  else if (params_.queue != QueueDiscipline::FIFO)
    gather_ = 1;
}

Station::~Station() = default;

std::size_t Station::parts_inside() const {
  std::size_t n = queue_.size();
  for (const Server& s : servers_)
    if (s.state != ServerState::IDLE) n += s.batch.empty() ? 1 : s.batch.size() - s.batch_next;
  return n;
}

void Station::supply_changed() {
  if (!grant_deferred_) {
    grant_deferred_ = true;
    ctx_.kernel.defer(model_id_, GRANT);
  }
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
  if (calendar_ != nullptr && !calendar_->on())
    for (Server& s : servers_) set_hold(s, HOLD_OFF, true);
  schedule_first_maintenance();
  if (saturating_ != nullptr) grant();
}

void Station::schedule_first_maintenance() {
  if (!params_.maintenance || params_.maintenance->basis != MaintenanceParams::Basis::CALENDAR) return;
  const kernel::Tick first = params_.maintenance->first.value_or(params_.maintenance->every);
  if (server_units_.empty()) {
    schedule_maintenance(STATION_UNIT, first);
  } else {
    for (std::uint32_t k = 0; k < servers_.size(); ++k) schedule_maintenance(k, first);
  }
}

// ---- state accounting -----------------------------------------------------------------------

void Station::change(Server& s, ServerState next, std::uint8_t holds) {
  const kernel::Tick now = ctx_.kernel.now();
  s.state_ticks[static_cast<std::size_t>(shown_state(s))] += now - s.state_since;
  s.state_since = now;
  free_servers_ += static_cast<std::size_t>(next == ServerState::IDLE && holds == 0) -
                   static_cast<std::size_t>(s.state == ServerState::IDLE && s.holds == 0);
  s.state = next;
  s.holds = holds;
  if (ctx_.observer != nullptr) notify(s);
}

void Station::tell(std::uint32_t index, PlantObserver::Step step) {
  const Server& s = servers_[index];
  using Step = PlantObserver::Step;
  // A batch's setup and work are each of its parts'.
  if (!s.batch.empty() && (step == Step::SETUP_START || step == Step::SETUP_END || step == Step::WORK_START)) {
    for (PartId part : s.batch) tell(index, step, part);
    return;
  }
  tell(index, step, s.part);
}

void Station::tell(std::uint32_t index, PlantObserver::Step step, PartId part) {
  const bool with_part = step != PlantObserver::Step::DOWN && step != PlantObserver::Step::UP;
  ctx_.observer->server_step(number_, index, step, part, with_part ? &ctx_.parts[part] : nullptr, ctx_.kernel.now());
}

void Station::notify(const Server& s) {
  ctx_.observer->server_state(number_, static_cast<std::uint32_t>(&s - servers_.data()), shown_state(s), ctx_.kernel.now());
}

void Station::reset_statistics() {
  const kernel::Tick now = ctx_.kernel.now();
  for (Server& s : servers_) {
    s.state_ticks.fill(0);
    s.state_since = now;
  }
  completed_ = scrapped_ = processed_ = 0;
  rejected_ = reworked_ = consumed_ = 0;
  repair_wait_.reset();
  batch_size_.reset();
  fill_wait_.reset();
  kits_waiting_.reset(now);
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
  m.repair_wait = repair_wait_;
  m.rejected = rejected_;
  m.reworked = reworked_;
  m.consumed = consumed_;
  m.batch_size = batch_size_;
  m.fill_wait = fill_wait_;
  m.kits_waiting = kits_ ? kits_waiting_.mean(now) : 0.0;
  return m;
}

// ---- entry ---------------------------------------------------------------------------------

void Station::request_entry(EntryRequester& requester, std::uint64_t tag, const Transfer& /*transfer*/) {
  // Inside grant() the loop re-checks the room after every part, so a request made meanwhile
  // waits its turn behind the ones already there (those of off-shift servers aside).
  if (requests_.size() == held_requests_ && !granting_ && has_room()) {
    accept(requester.hand_over(tag));
    return;
  }
  requests_.push_back(Request{&requester, tag});
}

void Station::set_request_held(const EntryRequester& requester, std::uint64_t tag, bool held) {
  for (std::size_t i = 0; i < requests_.size(); ++i) {
    Request& r = requests_[i];
    if (r.requester != &requester || r.tag != tag) continue;
    if (r.held != held) {
      r.held = held;
      held_requests_ += held ? 1 : static_cast<std::size_t>(-1);
    }
    if (!held && !grant_deferred_) {
      grant_deferred_ = true;
      ctx_.kernel.defer(model_id_, GRANT);
    }
    return;
  }
}

void Station::accept(PartId part) {
  ++ctx_.moves;
  if (ctx_.observer != nullptr) ctx_.observer->part_entered(number_, part, ctx_.parts[part], ctx_.kernel.now());
  if (gather_ != 0) [[unlikely]] {
    // Everything that arrives at this instant is in the buffer before a free server picks.
    Part& p = ctx_.parts[part];
    p.entered = ctx_.kernel.now();
    queue_.push_back(part);
    buffered(p, +1);
    queue_changed();
    request_pick();
    return;
  }
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
  if (gather_ != 0) [[unlikely]] {
    if (free_servers_ > 0 && !queue_.empty()) request_pick();
    return;
  }
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
    if (requests_.size() > held_requests_) {
      // The oldest request whose server is on shift (the front, unless some are held).
      std::size_t i = 0;
      if (held_requests_ > 0)
        while (requests_[i].held) ++i;
      const Request r = i == 0 ? requests_.pop_front() : requests_.erase_at(i);
      accept(r.requester->hand_over(r.tag));
    } else if (saturating_ != nullptr &&
               (gather_ == 0 ? free_servers_ > 0 && queue_.empty() : queue_.size() < free_servers_ * gather_) &&
               saturating_->can_create()) {
      // A gathering station takes what its free servers gather (a batch station: up to `max`).
      const std::optional<PartId> part = saturating_->create_part();
      if (!part) break;  // the run fails: the plant holds the part pool's limit
      accept(*part);
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
  // A rejected part goes on to its rework: its pass does not count as completed.
  if (Part& p = ctx_.parts[part]; p.rejected)
    p.rejected = false;
  else
    ++completed_;
  s.waiting_on = nullptr;
  ++ctx_.moves;
  if (ctx_.observer != nullptr) tell(static_cast<std::uint32_t>(server), PlantObserver::Step::LEAVE);
  if (!s.batch.empty() && next_of_batch(static_cast<std::uint32_t>(server))) [[unlikely]]
    return part;
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
  s.activity_told = false;
  set_state(s, activity == Activity::SETUP ? ServerState::SETUP : ServerState::WORKING);
  // The common case: nothing holds the server and no step needs an operator.
  if (s.holds == 0 && !has_pools_) {
    run_activity(index);
    return;
  }
  proceed(index);
}

OperatorPool* Station::step_pool(const Server& s) const {
  return pools_[static_cast<std::size_t>(s.activity == Activity::SETUP ? OperatorTask::SETUP : OperatorTask::WORK)];
}

void Station::proceed(std::uint32_t index) {
  Server& s = servers_[index];
  // A gate may have let the part on while the server was down or off: it starts when it may.
  if (s.activity == Activity::NONE || s.activity_event || !can_run(s)) return;
  if (OperatorPool* pool = step_pool(s); pool != nullptr && !s.op_held) {
    if (s.op_waiting) return;
    const OperatorTask task = s.activity == Activity::SETUP ? OperatorTask::SETUP : OperatorTask::WORK;
    if (!pool->request(*this, operator_tag(index, task), task)) {
      s.op_waiting = true;
      set_state(s, ServerState::WAITING_OPERATOR);
      // A pool that is off for good never grants it: the run stops now rather than at its end.
      if (ctx_.stalls != nullptr) ctx_.stalls->check({this, index});
      return;
    }
    s.op_held = true;
  }
  if (s.state != activity_state(s)) set_state(s, activity_state(s));
  run_activity(index);
}

void Station::operator_granted(std::uint64_t tag) {
  const auto index = static_cast<std::uint32_t>(tag >> 2);
  Server& s = servers_[index];
  if (static_cast<OperatorTask>(tag & 3) == OperatorTask::REPAIR) {
    s.repair_waiting = false;
    repair_wait_.add(kernel::to_seconds(ctx_.kernel.now() - s.repair_asked));
    ctx_.kernel.schedule_in(s.repair_left, model_id_, REPAIR, index);
    return;
  }
  s.op_waiting = false;
  s.op_held = true;
  set_state(s, activity_state(s));
  run_activity(index);
}

void Station::release_operator(std::uint32_t index) {
  Server& s = servers_[index];
  if (s.op_held) {
    s.op_held = false;
    step_pool(s)->release(s.activity == Activity::SETUP ? OperatorTask::SETUP : OperatorTask::WORK);
  } else if (s.op_waiting) {
    s.op_waiting = false;
    step_pool(s)->withdraw(*this, operator_tag(index, s.activity == Activity::SETUP ? OperatorTask::SETUP : OperatorTask::WORK));
    set_state(s, activity_state(s));
  }
}

void Station::run_activity(std::uint32_t index) {
  Server& s = servers_[index];
  const kernel::Tick now = ctx_.kernel.now();
  s.run_start = now;
  if (ctx_.observer != nullptr && !s.activity_told) {
    // The step starts when it first runs (after any wait for an operator, a repair or a shift).
    s.activity_told = true;
    tell(index, s.activity == Activity::SETUP ? PlantObserver::Step::SETUP_START : PlantObserver::Step::WORK_START);
  }
  if (counts_station_work_ && s.activity == Activity::WORK) working_changed(+1);
  if (s.activity == Activity::WORK && operating_failures_ && s.ttf_remaining <= s.activity_remaining) {
    s.activity_event = ctx_.kernel.schedule_at(now + s.ttf_remaining, model_id_, FAIL, index);
    return;
  }
  s.activity_event =
      ctx_.kernel.schedule_at(now + s.activity_remaining, model_id_, s.activity == Activity::SETUP ? END_SETUP : END_WORK, index);
}

void Station::work_stopped(Server& s, kernel::Tick ran) {
  if (counts_station_work_) working_changed(-1);
  s.maint_worked += ran;
}

void Station::suspend(std::uint32_t index) {
  Server& s = servers_[index];
  const kernel::Tick now = ctx_.kernel.now();
  const kernel::Tick ran = now - s.run_start;
  // An activity that ends at this instant ends: its event (its end, or a failure due at its very
  // end) runs after this one.
  if (ran == s.activity_remaining) return;
  ctx_.kernel.cancel(s.activity_event);
  s.activity_event = {};
  s.activity_remaining -= ran;
  if (s.activity == Activity::WORK) {
    if (operating_failures_) s.ttf_remaining -= ran;
    work_stopped(s, ran);
  }
  release_operator(index);
}

void Station::end_setup(std::uint32_t index) {
  Server& s = servers_[index];
  s.activity_event = {};
  if (ctx_.observer != nullptr) tell(index, PlantObserver::Step::SETUP_END);
  release_operator(index);
  s.activity = Activity::NONE;
  begin_gates(index, GatePhase::BEFORE_WORK);
}

void Station::end_work(std::uint32_t index) {
  Server& s = servers_[index];
  const kernel::Tick now = ctx_.kernel.now();
  s.activity_event = {};
  if (operating_failures_) s.ttf_remaining -= now - s.run_start;
  if (has_planning_) {
    work_stopped(s, now - s.run_start);
    release_operator(index);
    after_work(index);
  }
  s.activity = Activity::NONE;
  s.in_hand = false;
  if (!s.batch.empty()) {
    end_batch(index);
    return;
  }
  ++processed_;
  ++ctx_.moves;
  if (ctx_.observer != nullptr) tell(index, PlantObserver::Step::WORK_END);
  const PartId part = s.part;
  if (judges_ && judge(part) == Verdict::SCRAP) {
    if (ctx_.observer != nullptr) tell(index, PlantObserver::Step::SCRAP);
    set_state(s, ServerState::IDLE);
    ctx_.sink.part_left(part, false);
    server_freed();
    return;
  }
  begin_gates(index, GatePhase::AFTER_WORK);
}

void Station::after_work(std::uint32_t index) {
  Server& s = servers_[index];
  // The work in hand has ended: overtime ends with it, and a maintenance due starts now.
  if (s.overtime) {
    s.overtime = false;
    if (calendar_ != nullptr && !calendar_->on()) set_hold(s, HOLD_OFF, true);
  }
  if (params_.maintenance && params_.maintenance->basis == MaintenanceParams::Basis::OPERATING &&
      !server_units_.empty() && s.maint_worked >= params_.maintenance->every && !(s.holds & (HOLD_DUE | HOLD_MAINT)))
    maintenance_due(index);
  s.in_hand = false;
  if (s.holds & HOLD_DUE) maintenance_ready(index);
}

void Station::move_on(std::uint32_t index) {
  Server& s = servers_[index];
  const PartId part = s.part;
  Part& p = ctx_.parts[part];
  const auto& route = ctx_.routes[p.product];
  std::uint32_t step = p.rejected ? route[p.step].reject : route[p.step].next;
  if (step == ROUTE_END) {
    ++completed_;
    if (ctx_.observer != nullptr) tell(index, PlantObserver::Step::LEAVE);
    const bool more = !s.batch.empty() && next_of_batch(index);
    if (!more) set_state(s, ServerState::IDLE);
    ctx_.sink.part_left(part, true);
    if (!more) server_freed();
    return;
  }
  if (route[step].choice != nullptr) step = choose_step(route, step);
  p.step = step;
  const RouteStep& next = route[step];
  if (next.via == nullptr) [[likely]] {
    // Straight into the next station: Station is final, so neither call is virtual.
    Station& target = *next.station;
    set_state(s, target.waiting_state());
    s.waiting_on = &target;
    target.request_entry(*this, index, Transfer{part, this, next.station});
  } else {
    EntryTarget& target = *next.via;
    set_state(s, target.waiting_state());
    s.waiting_on = &target;
    target.request_entry(*this, index, Transfer{part, this, next.station});
  }
  if (s.waiting_on == nullptr) return;
  // Off shift at once (a part finished in overtime): its request waits for the next on-time.
  if (s.holds & HOLD_OFF) s.waiting_on->set_request_held(*this, index, true);
  if (ctx_.stalls != nullptr && all_servers_wait()) ctx_.stalls->check({this, index});
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
  if (item & GROUP) return group_waits(item & ~GROUP, on);
  const Server& s = servers_[item];
  if (s.waiting_on != nullptr) {
    // A finished part waits for room (or a vehicle) wherever its server is.
    on.push_back(s.waiting_on->entry_wait(*this, item));
    return WaitKind::ANY;
  }
  // Its part's work starts over after every failure, and never lasts until the next one.
  if (restarts_for_ever(s)) return WaitKind::ANY;
  if (s.op_waiting) {
    on.push_back(step_pool(s)->operator_item());
    return WaitKind::ANY;
  }
  if (s.repair_waiting) {
    on.push_back(pools_[static_cast<std::size_t>(OperatorTask::REPAIR)]->operator_item());
    return WaitKind::ANY;
  }
  // A free server of a batch or assembly station with parts in its buffer and nothing to pick or
  // wait out: only parts that come in can give it work, once one of the buffer's groups can start.
  // Off shift counts as free here: the shift's return brings it no parts.
  if (gather_ != 0 && s.state == ServerState::IDLE && (s.holds & ~HOLD_OFF) == 0 && !queue_.empty() &&
      needs_more_parts()) {
    for (const GroupState& g : groups()) on.push_back({this, GROUP | static_cast<std::uint32_t>(g.head)});
    return WaitKind::ANY;
  }
  // Off shift for ever: nothing brings it back.
  if ((s.holds & HOLD_OFF) && calendar_->off_for_good()) return WaitKind::ANY;
  return WaitKind::MOVES;  // working, in setup, at a gate, down, off shift, in maintenance, idle
}

std::string Station::describe_wait(std::uint32_t item) const {
  if (item == ROOM) return "";
  if (item == BUFFER)
    return "station '" + id_ + "' has " + std::to_string(queue_.size()) + " part(s) in its buffer waiting for a server";
  if (item & GROUP) return describe_group(item & ~GROUP);
  const Server& s = servers_[item];
  std::string what = "station '" + id_ + "' server " + std::to_string(item);
  if (s.state != ServerState::IDLE) what += " holds a part of '" + ctx_.product_name(s.part) + "'";
  if (s.waiting_on != nullptr) return what + " and waits for " + s.waiting_on->entry_name();
  if (restarts_for_ever(s))
    return what + " whose " + (s.activity == Activity::SETUP ? "setup" : "work") + " of " + kernel::seconds_text(s.activity_duration) +
           " starts over after each failure (`interrupted: restart`), and a failure comes at most " +
           kernel::seconds_text(restart_limit_) + " after the last one";
  if (s.op_waiting) return what + " and waits for an operator of '" + step_pool(s)->params().id + "'";
  if (gather_ != 0 && s.state == ServerState::IDLE && (s.holds & ~HOLD_OFF) == 0)
    return what + " is free and waits for parts to gather";
  if (s.holds & HOLD_OFF)
    return what + (s.state != ServerState::IDLE ? " and is" : " is") + " off shift for good (its calendar '" +
           calendar_->params().id + "' has no on-time left)";
  return what;
}

bool Station::may_hold(std::uint32_t item, const Wanted& wanted) const {
  if (item == BUFFER) {
    for (std::size_t k = 0; k < queue_.size(); ++k)
      if (wanted.matches(ctx_.parts[queue_[k]])) return true;
    return false;
  }
  if (item == ROOM) return true;
  if (item & GROUP) {
    // A group's parts are at its head and after it.
    const std::size_t head = item & ~GROUP;
    const std::uint64_t key = group_key(ctx_.parts[queue_[head]]);
    for (std::size_t k = head; k < queue_.size(); ++k)
      if (const Part& p = ctx_.parts[queue_[k]]; group_key(p) == key && wanted.matches(p)) return true;
    return false;
  }
  if (item >= servers_.size()) return true;
  const Server& s = servers_[item];
  if (s.state == ServerState::IDLE) return false;
  if (wanted.matches(ctx_.parts[s.part])) return true;
  for (const PartId id : s.batch)
    if (wanted.matches(ctx_.parts[id])) return true;
  return false;
}

void Station::holders(std::vector<WaitItem>& out) const {
  for (std::uint32_t k = 0; k < servers_.size(); ++k)
    if (servers_[k].state != ServerState::IDLE) out.push_back({this, k});
  if (queue_.empty()) return;
  if (!groups_buffer()) {
    out.push_back({this, BUFFER});
    return;
  }
  for (const GroupState& g : groups()) out.push_back({this, GROUP | static_cast<std::uint32_t>(g.head)});
}

void Station::server_freed() {
  dispatch();
  if (wants_grant()) grant();
}

// ---- failures and repairs ----------------------------------------------------------------------

void Station::fail(std::uint32_t index) {
  Server& s = servers_[index];
  const FailureParams& f = *params_.failures;
  const kernel::Tick now = ctx_.kernel.now();
  if (s.activity_event) {
    // Interrupt the running setup or work. A failure at the very instant the activity ends does
    // not undo it, even with `restart`: the activity ends when the repair does.
    if (f.basis == FailureParams::Basis::CALENDAR) ctx_.kernel.cancel(s.activity_event);
    s.activity_event = {};
    const kernel::Tick ran = now - s.run_start;
    const kernel::Tick left = s.activity_remaining - ran;
    s.activity_remaining = f.interrupted == FailureParams::Interrupted::RESTART && left > 0 ? s.activity_duration : left;
    if (ctx_.stalls != nullptr && restarts_for_ever(s)) ctx_.stalls->check({this, index});
    if (has_planning_) {
      if (s.activity == Activity::WORK) work_stopped(s, ran);
      release_operator(index);
    }
  } else if (s.op_waiting) {
    release_operator(index);  // withdraws the request; it asks again after the repair
  }
  if (f.basis == FailureParams::Basis::OPERATING) s.ttf_remaining = 0;
  set_hold(s, HOLD_DOWN, true);
  if (ctx_.observer != nullptr) tell(index, PlantObserver::Step::DOWN);
  const kernel::Tick ttr = f.time_to_repair.sample_ticks(s.ttr_rng);
  if (OperatorPool* technicians = pools_[static_cast<std::size_t>(OperatorTask::REPAIR)]) {
    // The repair waits for a technician; its duration is drawn now, whenever it starts.
    s.repair_left = ttr;
    s.repair_asked = now;
    if (!technicians->request(*this, operator_tag(index, OperatorTask::REPAIR), OperatorTask::REPAIR)) {
      s.repair_waiting = true;
      return;
    }
    repair_wait_.add(0.0);
  }
  ctx_.kernel.schedule_in(ttr, model_id_, REPAIR, index);
}

void Station::repair(std::uint32_t index) {
  Server& s = servers_[index];
  const FailureParams& f = *params_.failures;
  if (OperatorPool* technicians = pools_[static_cast<std::size_t>(OperatorTask::REPAIR)]) technicians->release(OperatorTask::REPAIR);
  set_hold(s, HOLD_DOWN, false);
  if (ctx_.observer != nullptr) tell(index, PlantObserver::Step::UP);
  const kernel::Tick ttf = f.time_to_failure.sample_ticks(s.ttf_rng);
  if (f.basis == FailureParams::Basis::OPERATING)
    s.ttf_remaining = ttf;
  else
    ctx_.kernel.schedule_in(ttf, model_id_, FAIL, index);
  if (s.activity != Activity::NONE) {
    proceed(index);
  } else if (s.state == ServerState::IDLE) {
    server_freed();
  }
}

// ---- calendar: shifts, breaks, closed days -----------------------------------------------------

void Station::calendar_changed(bool on) {
  if (!on) {
    for (std::uint32_t k = 0; k < servers_.size(); ++k) {
      Server& s = servers_[k];
      // `finish`: the part in hand is finished first, in overtime (an operator wait included).
      if (params_.at_shift_end == StationParams::AtShiftEnd::FINISH && s.in_hand) {
        s.overtime = true;
        continue;
      }
      set_hold(s, HOLD_OFF, true);
      if (s.activity_event) {
        suspend(k);
      } else {
        release_operator(k);  // a waiting request is withdrawn
      }
      // A finished part keeps its place at its target, skipped until the next on-time.
      if (s.waiting_on != nullptr) s.waiting_on->set_request_held(*this, k, true);
    }
    return;
  }
  for (std::uint32_t k = 0; k < servers_.size(); ++k) {
    Server& s = servers_[k];
    s.overtime = false;
    if (!(s.holds & HOLD_OFF)) continue;
    set_hold(s, HOLD_OFF, false);
    if (s.waiting_on != nullptr) s.waiting_on->set_request_held(*this, k, false);
    proceed(k);
  }
  server_freed();
}

// ---- maintenance -------------------------------------------------------------------------------

Station::MaintenanceUnit& Station::unit(std::uint32_t u) { return u == STATION_UNIT ? station_unit_ : server_units_[u]; }

void Station::schedule_maintenance(std::uint32_t u, kernel::Tick at) {
  unit(u).event = ctx_.kernel.schedule_at(std::max(at, ctx_.kernel.now()), model_id_, MAINTENANCE_DUE, u);
}

void Station::maintenance_due(std::uint32_t u) {
  MaintenanceUnit& m = unit(u);
  m.event = {};
  m.due = true;
  // Every server of the unit takes no new part; one without work in hand stops at once, the
  // others when their work ends (non-preemptive).
  const std::uint32_t first = u == STATION_UNIT ? 0 : u;
  const std::uint32_t last = u == STATION_UNIT ? static_cast<std::uint32_t>(servers_.size()) : u + 1;
  for (std::uint32_t k = first; k < last; ++k) {
    set_hold(servers_[k], HOLD_DUE, true);
    if (!servers_[k].in_hand) maintenance_ready(k);
  }
}

void Station::maintenance_ready(std::uint32_t index) {
  Server& s = servers_[index];
  change(s, s.state, static_cast<std::uint8_t>((s.holds & ~HOLD_DUE) | HOLD_MAINT));
  const std::uint32_t u = server_units_.empty() ? STATION_UNIT : index;
  MaintenanceUnit& m = unit(u);
  if (m.running) return;
  // Scope station: the station's maintenance starts once all its servers have stopped.
  if (u == STATION_UNIT)
    for (const Server& other : servers_)
      if (!(other.holds & HOLD_MAINT)) return;
  m.running = true;
  const kernel::Tick duration = params_.maintenance->duration.sample_ticks(maintenance_rng_);
  m.event = ctx_.kernel.schedule_in(duration, model_id_, MAINTENANCE_END, u);
}

void Station::maintenance_end(std::uint32_t u) {
  MaintenanceUnit& m = unit(u);
  const MaintenanceParams& p = *params_.maintenance;
  const kernel::Tick now = ctx_.kernel.now();
  m.event = {};
  m.running = false;
  m.due = false;
  // Work done between the due point and the start counts for nobody: the clock starts again now.
  m.worked = 0;
  m.since = now;
  const std::uint32_t first = u == STATION_UNIT ? 0 : u;
  const std::uint32_t last = u == STATION_UNIT ? static_cast<std::uint32_t>(servers_.size()) : u + 1;
  for (std::uint32_t k = first; k < last; ++k) {
    servers_[k].maint_worked = 0;
    set_hold(servers_[k], HOLD_MAINT, false);
  }
  if (p.basis == MaintenanceParams::Basis::CALENDAR) schedule_maintenance(u, now + p.every);
  server_freed();
}

void Station::working_changed(int delta) {
  MaintenanceUnit& m = station_unit_;
  const kernel::Tick now = ctx_.kernel.now();
  if (m.working > 0) m.worked += now - m.since;
  m.since = now;
  m.working += delta;
  if (m.due) return;
  if (m.event) {
    ctx_.kernel.cancel(m.event);
    m.event = {};
  }
  // Scope station, operating basis: due after `every` of time with any server working.
  if (m.working > 0)
    m.event = ctx_.kernel.schedule_in(std::max<kernel::Tick>(0, params_.maintenance->every - m.worked), model_id_,
                                      MAINTENANCE_DUE, STATION_UNIT);
}

// ---- events ------------------------------------------------------------------------------------

const char* Station::event_name(std::uint32_t kind) const {
  static constexpr const char* names[] = {"end_setup",       "end_work", "fail",       "repair",  "grant",
                                          "maintenance_due", "maintenance_end", "pick", "batch_next", "fill_due"};
  return kind < std::size(names) ? names[kind] : nullptr;
}

void Station::prefetch(const kernel::Event& event) const {
  // Its servers and its first lines are in the caches (Kernel::set_hot): what an end of work
  // reads next is the part, the buffer's and the requests' fronts and the parameters.
  if (event.kind == END_WORK && event.arg < servers_.size()) __builtin_prefetch(ctx_.parts.storage(servers_[event.arg].part));
  __builtin_prefetch(queue_.front_storage());
  __builtin_prefetch(requests_.front_storage());
  __builtin_prefetch(&params_);
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
    case MAINTENANCE_DUE: maintenance_due(index); break;
    case MAINTENANCE_END: maintenance_end(index); break;
    case PICK: pick(); break;
    case BATCH_NEXT: move_on(index); break;
    case FILL_DUE:
      fill_timer_ = {};
      request_pick();
      break;
    default: assert(false);
  }
}

}  // namespace plantwin::models
