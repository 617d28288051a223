// A warm start (models/warm_start.hpp): the members of Plant, Station, Source, Sink and Calendar
// that put a replication in a logged state at its start time, kept together here.

#include "models/warm_start.hpp"

#include <algorithm>
#include <tuple>

#include "models/assembly.hpp"
#include "models/operators.hpp"
#include "models/plant.hpp"
#include "models/transport.hpp"

namespace plantwin::models {

namespace {

// The parts `units` of `product` release, by product: itself, or its bill of materials'
// components (each counted, as a source with `wip_limit` counts them; one level, as the loader
// allows).
void add_parts(const PlantParams& params, ProductIndex product, std::int64_t units, std::vector<std::int64_t>& out) {
  const std::vector<BomLine>& bom = params.products[product].bom;
  if (bom.empty()) out[product] += units;
  for (const BomLine& line : bom) out[line.component] += units * line.count;
}

}  // namespace

void WarmStart::adjust(PlantParams& params) const {
  for (const OrderParams& o : extra_orders) params.orders.push_back(o);
  const std::vector<bool> is_component = params.components();
  for (NamedSource& s : params.sources) {
    if (s.params.kind != SourceParams::Kind::ORDERS) continue;
    std::vector<OrderRelease> kept;
    for (OrderRelease r : s.params.orders) {
      const auto o = static_cast<std::size_t>(r.order);
      if (r.order >= 0 && o < orders.size() && orders[o].released) {
        // Released in part (the rest held back by `wip_limit`): the rest is released at `at`. A
        // scrapped component was released again, or is still to be.
        const WarmOrder& w = orders[o];
        if (w.released_parts.empty()) continue;
        std::vector<std::int64_t> rest(params.products.size(), 0), released(params.products.size(), 0);
        add_parts(params, r.product, r.quantity, rest);
        // An assembled part among those released (a log that began after its assembly showed it
        // first) stands for its components.
        for (std::size_t p = 0; p < w.released_parts.size() && p < released.size(); ++p)
          add_parts(params, static_cast<ProductIndex>(p), w.released_parts[p], released);
        bool any = false;
        for (std::size_t p = 0; p < rest.size(); ++p) {
          if (p < w.scrapped_parts.size() && is_component[p]) rest[p] += w.scrapped_parts[p];
          rest[p] -= released[p];
          rest[p] = std::max<std::int64_t>(rest[p], 0);
          any = any || rest[p] > 0;
        }
        if (!any) continue;
        s.params.partly_released.emplace_back(r.order, std::move(rest));
      }
      r.release = std::max(r.release, at);  // due before `at` but not released in the log: released now
      kept.push_back(r);
    }
    // Stably by release, as the builder sorted them.
    std::stable_sort(kept.begin(), kept.end(), [](const OrderRelease& a, const OrderRelease& b) { return a.release < b.release; });
    s.params.orders = std::move(kept);
  }
}

void Calendar::start_at_now() {
  const bool on = params_.is_on(kernel_.now());
  if (on != on_) {
    on_ = on;
    for (CalendarClient* c : clients_) c->calendar_changed(on_);
  }
  start();
}

void Sink::restore(const std::vector<WarmOrder>& orders) {
  for (std::size_t i = 0; i < orders.size() && i < orders_.size(); ++i) {
    if (!orders[i].released) continue;
    OrderState& o = orders_[i];
    const WarmOrder& w = orders[i];
    if (w.released_parts.empty()) {
      o.remaining -= w.left;
    } else {
      // Units of its own product that left, good, scrapped or (an order of a component) consumed
      // by an assembly; an assembled order's components count for nothing, as in Sink::part_left.
      const auto count = [&](const std::vector<std::int64_t>& by) { return o.product < by.size() ? by[o.product] : 0; };
      o.remaining -= count(w.exited_parts) + count(w.scrapped_parts) + count(w.consumed_parts);
    }
    if (o.remaining <= 0) {
      o.remaining = 0;
      o.done = orders[i].done >= 0 ? orders[i].done : kernel_.now();
    }
  }
}

void Station::restore(const WarmStation& state, const std::vector<PartId>& held,
                      const std::vector<std::vector<PartId>>& batches, const ResidualSampler& residual) {
  const kernel::Tick now = ctx_.kernel.now();
  if (calendar_ != nullptr && !calendar_->on())
    for (std::uint32_t k = 0; k < servers_.size(); ++k) {
      // `finish`: a setup or work in hand at the shift's end (or a break's start) goes on in
      // overtime, as calendar_changed() lets it; the server is off once it ends.
      const WarmServer::Activity a = k < state.servers.size() ? state.servers[k].activity : WarmServer::Activity::NONE;
      // (Calendar::start_at_now() has already held every server off: it saw them empty.)
      if (params_.at_shift_end == StationParams::AtShiftEnd::FINISH && (a == WarmServer::Activity::SETUP || a == WarmServer::Activity::WORK)) {
        set_hold(servers_[k], HOLD_OFF, false);
        servers_[k].overtime = true;
      } else
        set_hold(servers_[k], HOLD_OFF, true);
    }
  restore_maintenance(state, residual);
  for (std::uint32_t k = 0; k < servers_.size(); ++k) {
    Server& s = servers_[k];
    const WarmServer w = k < state.servers.size() ? state.servers[k] : WarmServer{};
    s.last_product = w.last_product;
    kernel::RngStream rng = ctx_.stream("station/" + id_ + "/server/" + std::to_string(k) + "/residual");
    // Failures first: an activity of a server that is down waits for its repair, and the
    // operating basis's clock must be set before work runs.
    if (params_.failures) {
      const FailureParams& f = *params_.failures;
      if (w.down) {
        set_hold(s, HOLD_DOWN, true);
        if (ctx_.observer != nullptr) tell(k, PlantObserver::Step::DOWN);
        const kernel::Tick left = residual.residual(f.time_to_repair, w.repair_done, rng);
        OperatorPool* technicians = pools_[static_cast<std::size_t>(OperatorTask::REPAIR)];
        if (technicians != nullptr) {
          s.repair_left = left;
          s.repair_asked = now;
          if (!technicians->request(*this, operator_tag(k, OperatorTask::REPAIR), OperatorTask::REPAIR)) {
            s.repair_waiting = true;
          } else {
            ctx_.kernel.schedule_in(left, model_id_, REPAIR, k);
          }
        } else {
          ctx_.kernel.schedule_in(left, model_id_, REPAIR, k);
        }
      } else {
        const kernel::Tick ttf = residual.residual(f.time_to_failure, w.ttf_done, rng);
        if (f.basis == FailureParams::Basis::OPERATING)
          s.ttf_remaining = ttf;
        else
          ctx_.kernel.schedule_in(ttf, model_id_, FAIL, k);
      }
    }
    if (w.activity == WarmServer::Activity::NONE || k >= held.size()) continue;
    s.part = held[k];
    s.in_hand = true;
    if (k < batches.size() && !batches[k].empty()) {
      // A batch in progress: its first part and the others, moving on in this order.
      s.batch.assign(1, held[k]);
      s.batch.insert(s.batch.end(), batches[k].begin(), batches[k].end());
      s.batch_next = 0;
    }
    const Part& p = ctx_.parts[s.part];
    if (w.activity == WarmServer::Activity::FINISHED) {
      // Its work has ended: it asks for room once every station is in place (resume_finished).
      s.in_hand = false;
      set_state(s, ServerState::BLOCKED);
      continue;
    }
    const Distribution* d = nullptr;
    if (w.activity == WarmServer::Activity::SETUP) {
      if (w.setup_from >= 0) d = params_.setup_between(static_cast<ProductIndex>(w.setup_from), p.product);
      if (d == nullptr) {
        // The scenario has no such changeover: the part goes on to its work.
        set_state(s, ServerState::SETUP);
        begin_gates(k, GatePhase::BEFORE_WORK);
        continue;
      }
    } else {
      d = ctx_.routes[p.product][p.step].process;
    }
    const Activity activity = w.activity == WarmServer::Activity::SETUP ? Activity::SETUP : Activity::WORK;
    const kernel::Tick left = residual.residual(*d, w.done, rng);
    // With `restart`, the failure that took the server down started its activity over (a setup on
    // the calendar basis only; a failure off shift left a paused one as it was).
    const FailureParams* f = params_.failures ? &*params_.failures : nullptr;
    const bool restarted = w.down && f != nullptr && f->restarts(activity == Activity::SETUP) &&
                           (f->basis == FailureParams::Basis::OPERATING || calendar_ == nullptr ||
                            calendar_->params().is_on(now - w.repair_done));
    s.activity = activity;
    if (w.waits_operator && step_pool(s) != nullptr && !w.down) {
      // It held no operator at `at`: it asks once every activity in progress has its own back.
      set_state(s, ServerState::WAITING_OPERATOR);
      warm_waits_.push_back({k, activity, restarted ? w.done + left : left, w.done + left});
      continue;
    }
    start_activity(k, activity, restarted ? w.done + left : left);
    s.activity_duration = w.done + left;  // `restart` starts the whole activity over
    // The run's log shows an activity in progress start at `at`, also when the server is down or
    // off then: it resumes later without a second start row, as in an uninterrupted run.
    if (ctx_.observer != nullptr && !s.activity_told) {
      s.activity_told = true;
      tell(k, w.activity == WarmServer::Activity::SETUP ? PlantObserver::Step::SETUP_START : PlantObserver::Step::WORK_START);
    }
  }
}

void Station::restore_queue(const std::vector<PartId>& waiting) {
  const kernel::Tick now = ctx_.kernel.now();
  for (PartId part : waiting) {
    queue_.push_back(part);
    // A batch or an assembly counts its groups as parts come in: those already there count too.
    buffered(ctx_.parts[part], +1);
  }
  queue_length_.set(now, static_cast<double>(queue_.size()));
  dispatch();
  if (saturating_ != nullptr) grant();
}

void Station::restore_maintenance(const WarmStation& state, const ResidualSampler& residual) {
  if (!params_.maintenance) return;
  const MaintenanceParams& mp = *params_.maintenance;
  const kernel::Tick now = ctx_.kernel.now();
  const bool per_server = !server_units_.empty();
  const auto units = static_cast<std::uint32_t>(per_server ? servers_.size() : 1);
  for (std::uint32_t u = 0; u < units; ++u) {
    const std::uint32_t first = per_server ? u : 0;
    const std::uint32_t last = per_server ? u + 1 : static_cast<std::uint32_t>(servers_.size());
    // The unit's servers: stopped for it (scope station: it runs once all have stopped), the end
    // of the last one, the working time since (scope station: the most any server worked).
    std::optional<kernel::Tick> since, ended, worked;
    std::uint32_t stopped = 0;
    for (std::uint32_t k = first; k < last && k < state.servers.size(); ++k) {
      const WarmServer& w = state.servers[k];
      if (w.maintenance_since) {
        ++stopped;
        since = std::max(since.value_or(*w.maintenance_since), *w.maintenance_since);
      }
      if (w.last_maintenance) ended = std::max(ended.value_or(*w.last_maintenance), *w.last_maintenance);
      if (w.working_since_maintenance) worked = std::max(worked.value_or(0), *w.working_since_maintenance);
    }
    const std::uint32_t id = per_server ? u : STATION_UNIT;
    MaintenanceUnit& m = unit(id);
    if (stopped == last - first) {
      // In progress: the rest of its duration, drawn as a repair's is.
      for (std::uint32_t k = first; k < last; ++k) change(servers_[k], servers_[k].state, static_cast<std::uint8_t>(servers_[k].holds | HOLD_MAINT));
      m.running = true;
      kernel::RngStream rng = ctx_.stream("station/" + id_ + "/maintenance/" + std::to_string(u) + "/residual");
      m.event = ctx_.kernel.schedule_in(residual.residual(mp.duration, now - *since, rng), model_id_, MAINTENANCE_END, id);
      continue;
    }
    if (stopped > 0) {
      // Due, some servers stopped: those stay stopped (they take no new part before the due event
      // at `at`), the others stop as their work in hand ends.
      m.due = true;
      for (std::uint32_t k = first; k < last && k < state.servers.size(); ++k)
        if (state.servers[k].maintenance_since) set_hold(servers_[k], HOLD_MAINT, true);
      schedule_maintenance(id, now);
      continue;
    }
    if (mp.basis == MaintenanceParams::Basis::CALENDAR) {
      schedule_maintenance(id, ended ? *ended + mp.every : mp.first.value_or(mp.every));
    } else if (per_server) {
      servers_[u].maint_worked = worked.value_or(0);
    } else {
      m.worked = worked.value_or(0);
      m.since = now;
    }
  }
}

void Source::restore(const WarmSource& state, const std::vector<PartId>& waiting, std::int64_t in_plant,
                     const ResidualSampler& residual) {
  created_ = state.created;
  in_plant_ = in_plant;
  for (PartId part : waiting) waiting_.push_back(part);
  switch (params_.kind) {
    case SourceParams::Kind::INTERARRIVAL: {
      // Its arrivals so far are its releases: the log does not show those a `wip_limit` holds back.
      arrivals_ = state.created;
      if (!arrivals_left()) break;
      // The next arrival: the residual of the interarrival time since the last (since time 0 when
      // there was none), counted in its calendar's on-time when it has one.
      const kernel::Tick now = ctx_.kernel.now();
      const kernel::Tick from = std::min(state.last_release.value_or(0), now);
      const kernel::Tick since = calendar_ != nullptr ? calendar_->params().on_time(from, now) : now - from;
      kernel::RngStream rng = ctx_.stream("source/" + id_ + "/residual");
      const kernel::Tick left = residual.residual(params_.interarrival, since, rng);
      if (calendar_ != nullptr && !calendar_->on()) {
        arrival_left_ = left;  // after the next on-time starts, as calendar_changed() does
        break;
      }
      arrival_at_ = now + left;
      arrival_ = ctx_.kernel.schedule_at(arrival_at_, model_id_, ARRIVAL);
      break;
    }
    case SourceParams::Kind::ORDERS:
      if (!params_.orders.empty())
        ctx_.kernel.schedule_at(std::max(params_.orders.front().release, ctx_.kernel.now()), model_id_, RELEASE);
      break;
    case SourceParams::Kind::SATURATED: break;
  }
  offer();
}

void Station::restore_operator_waits() {
  for (const WarmWait& w : warm_waits_) {
    start_activity(w.server, w.activity, w.left);
    servers_[w.server].activity_duration = w.duration;
  }
  warm_waits_.clear();
  warm_waits_.shrink_to_fit();
}

void Plant::start_warm() {
  const WarmStart& w = *warm_;
  kernel_.start_at(w.at);
  const kernel::Tick now = kernel_.now();
  sink_->restore(w.orders);
  for (auto& c : calendars_) c->start_at_now();
  if (transport_) {
    for (const WarmVehicle& v : w.vehicles) transport_->fleets()[v.fleet]->restore(v.vehicle, v.node, v.since, v.battery_wh);
    transport_->start();
  }
  // Every part in the plant, in the order they are placed below; created in the order of their
  // releases, which an event log shows at their times (before `at`).
  const WarmStation no_station;
  const WarmSource no_source;
  const auto station_state = [&](std::size_t s) -> const WarmStation& { return s < w.stations.size() ? w.stations[s] : no_station; };
  const auto source_state = [&](std::size_t i) -> const WarmSource& { return i < w.sources.size() ? w.sources[i] : no_source; };
  std::vector<const WarmPart*> all;
  for (std::size_t s = 0; s < stations_.size(); ++s) {
    for (const WarmServer& server : station_state(s).servers)
      if (server.activity != WarmServer::Activity::NONE) {
        all.push_back(&server.part);
        for (const WarmPart& member : server.batch) all.push_back(&member);
      }
    for (const WarmPart& wp : station_state(s).waiting) all.push_back(&wp);
  }
  for (const WarmPart& wp : w.in_transit)
    if (wp.step < routes_[wp.product].size()) all.push_back(&wp);
  for (std::size_t i = 0; i < sources_.size(); ++i)
    for (const WarmPart& wp : source_state(i).waiting) all.push_back(&wp);
  std::vector<std::size_t> order(all.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return all[a]->released < all[b]->released; });
  // Each part's source, for release control: its order's, else the one source making its product.
  std::vector<std::uint32_t> order_source(params_->orders.size(), NO_SOURCE), product_source(params_->products.size(), NO_SOURCE);
  for (std::size_t i = 0; i < params_->sources.size(); ++i) {
    for (std::size_t o = 0; o < params_->orders.size(); ++o)
      if (params_->orders[o].source == params_->sources[i].id) order_source[o] = static_cast<std::uint32_t>(i);
    for (const auto& [product, weight] : params_->sources[i].params.mix)
      product_source[product] = product_source[product] == NO_SOURCE ? static_cast<std::uint32_t>(i) : NO_SOURCE - 1;
  }
  std::vector<std::int64_t> in_plant(sources_.size(), 0);
  std::vector<PartId> ids(all.size());
  if (ctx_->observer != nullptr) ctx_->observer->parts_resumed(w.last_part);
  for (const std::size_t i : order) {
    const WarmPart& wp = *all[i];
    const PartId id = parts_.create(wp.product, now, wp.order);
    Part& p = parts_[id];
    p.created = std::min(wp.released, now);
    p.entered = std::min(wp.entered.value_or(now), now);
    p.step = wp.step;
    p.attempts = static_cast<std::uint16_t>(std::min<std::uint32_t>(wp.attempts, UINT16_MAX));
    p.source = wp.order >= 0 && static_cast<std::size_t>(wp.order) < order_source.size() ? order_source[wp.order]
                                                                                          : product_source[wp.product];
    if (p.source >= sources_.size()) p.source = NO_SOURCE;
    if (p.source != NO_SOURCE) ++in_plant[p.source];
    sink_->part_created(id);
    if (ctx_->observer != nullptr) ctx_->observer->part_resumed(id, p, p.created, wp.name);
    ids[i] = id;
  }
  std::size_t next = 0;
  // Finished parts ask for room in the order their work ended, after every station is in place.
  std::vector<std::tuple<kernel::Tick, std::size_t, std::uint32_t>> finished;
  std::vector<std::vector<PartId>> queues(stations_.size());
  for (std::size_t s = 0; s < stations_.size(); ++s) {
    const WarmStation& ws = station_state(s);
    std::vector<PartId> held(ws.servers.size(), 0);
    std::vector<std::vector<PartId>> batches(ws.servers.size());
    for (std::size_t k = 0; k < ws.servers.size(); ++k) {
      if (ws.servers[k].activity == WarmServer::Activity::NONE) continue;
      held[k] = ids[next++];
      for (std::size_t i = 0; i < ws.servers[k].batch.size(); ++i) batches[k].push_back(ids[next++]);
      if (ws.servers[k].activity == WarmServer::Activity::FINISHED)
        finished.emplace_back(ws.servers[k].finished_at, s, static_cast<std::uint32_t>(k));
    }
    for (std::size_t i = 0; i < ws.waiting.size(); ++i) queues[s].push_back(ids[next++]);
    stations_[s]->restore(ws, held, batches, *w.residual);
  }
  // Operators: every activity in progress has taken its own back above; then the servers that
  // waited for one ask, then the parts in the buffers start where servers are free.
  for (auto& station : stations_) station->restore_operator_waits();
  for (std::size_t s = 0; s < stations_.size(); ++s) stations_[s]->restore_queue(queues[s]);
  std::sort(finished.begin(), finished.end());
  for (const auto& [at, s, k] : finished) stations_[s]->resume_finished(k);
  for (const WarmPart& wp : w.in_transit)
    if (wp.step < routes_[wp.product].size()) routes_[wp.product][wp.step].station->restore_entry(ids[next++]);
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    std::vector<PartId> waiting;
    for (std::size_t k = 0; k < source_state(i).waiting.size(); ++k) waiting.push_back(ids[next++]);
    sources_[i]->restore(source_state(i), waiting, in_plant[i], *w.residual);
  }
}

}  // namespace plantwin::models
