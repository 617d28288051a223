#include "twin/replay.hpp"

#include <algorithm>

#include "models/part.hpp"

namespace plantwin::twin {

using models::ServerState;

std::vector<std::int32_t> sources_of_products(const scenario::ScenarioSpec& spec) {
  std::vector<std::int32_t> out(spec.products.size(), -1);
  std::vector<int> count(spec.products.size(), 0);
  for (std::size_t s = 0; s < spec.sources.size(); ++s) {
    if (spec.sources[s].kind == scenario::SourceSpec::Kind::ORDERS) continue;
    for (const auto& m : spec.sources[s].mix)
      for (std::size_t p = 0; p < spec.products.size(); ++p)
        if (spec.products[p].id == m.product) {
          out[p] = static_cast<std::int32_t>(s);
          ++count[p];
        }
  }
  for (std::size_t p = 0; p < out.size(); ++p)
    if (count[p] != 1) out[p] = -1;
  return out;
}

LogReplay::LogReplay(const LogCatalog& catalog, ReplayRules rules, kernel::Tick window_begin, kernel::Tick window_end)
    : catalog_(catalog), rules_(std::move(rules)), begin_(window_begin), end_(window_end) {
  rules_.restart.resize(catalog.stations.size(), false);
  rules_.calendar.resize(catalog.stations.size());
  rules_.pauses.resize(catalog.stations.size(), true);
  servers_.resize(catalog.stations.size());
  free_from_.assign(catalog.stations.size(), 0);
  open_batch_.assign(catalog.stations.size(), -1);
  for (std::size_t s = 0; s < servers_.size(); ++s) {
    servers_[s].resize(static_cast<std::size_t>(catalog.servers[s]));
    // Paused off shift, a part's work and setup do not go on: their derived time runs in on-time.
    if (rules_.pauses[s])
      for (ServerTrack& k : servers_[s]) k.work_d.calendar = k.setup_d.calendar = rules_.calendar[s];
  }
  window_.states_derived.resize(catalog.stations.size());
  window_.states_explicit.resize(catalog.stations.size());
  window_.scrapped.resize(catalog.stations.size());
  window_.exits.resize(catalog.products.size());
  window_.lead_times_s.resize(catalog.products.size());
}

void LogReplay::anomaly(const LogEvent& e, const std::string& what) {
  if (anomalies_++ == 0)
    first_anomaly_ = "line " + std::to_string(e.line) + ": '" + log_event_name(e.kind) + "' " + what;
}

void LogReplay::add_state_ticks(std::array<kernel::Tick, models::SERVER_STATE_COUNT>& ticks, ServerState state,
                                kernel::Tick from, kernel::Tick to) const {
  const kernel::Tick a = std::max(from, begin_), b = std::min(to, end_);
  if (b > a) ticks[static_cast<std::size_t>(state)] += b - a;
}

bool LogReplay::pauses_off_shift(std::int32_t station, ServerState state) const {
  const bool overtime = !rules_.pauses[static_cast<std::size_t>(station)] &&
                        (state == ServerState::WORKING || state == ServerState::SETUP);
  return rules_.calendar[static_cast<std::size_t>(station)] && state != ServerState::DOWN && !overtime;
}

ServerState LogReplay::shown_at(std::int32_t station, const ServerTrack& s, kernel::Tick t) const {
  if (s.explicit_known) return s.explicit_state;
  const bool off = pauses_off_shift(station, s.derived) && !rules_.calendar[static_cast<std::size_t>(station)]->is_on(t);
  return off ? ServerState::OFF_SHIFT : s.derived;
}

void LogReplay::add_derived_ticks(std::int32_t station, ServerState state, kernel::Tick from, kernel::Tick to) {
  auto& ticks = window_.states_derived[static_cast<std::size_t>(station)];
  const kernel::Tick a = std::max(from, begin_), b = std::min(to, end_);
  if (!pauses_off_shift(station, state) || b <= a) return add_state_ticks(ticks, state, from, to);
  const auto& calendar = rules_.calendar[static_cast<std::size_t>(station)];
  const kernel::Tick on = calendar->on_time(a, b);
  ticks[static_cast<std::size_t>(state)] += on;
  ticks[static_cast<std::size_t>(ServerState::OFF_SHIFT)] += (b - a) - on;
}

void LogReplay::derive(std::int32_t station, ServerTrack& s, kernel::Tick t) {
  using A = ServerTrack::Activity;
  s.work_d.set(t, !s.down && s.activity == A::WORK);
  s.setup_d.set(t, !s.down && s.activity == A::SETUP);
  const ServerState next = s.down                    ? ServerState::DOWN
                           : s.activity == A::SETUP  ? ServerState::SETUP
                           : s.activity == A::WORK   ? ServerState::WORKING
                           : s.activity == A::FINISHED ? ServerState::BLOCKED
                                                     : ServerState::IDLE;
  if (next == s.derived) return;
  add_derived_ticks(station, s.derived, s.derived_since, t);
  s.derived = next;
  s.derived_since = t;
}

void LogReplay::set_explicit(std::int32_t station, ServerTrack& s, ServerState state, kernel::Tick t) {
  s.explicit_known = true;
  if (state == ServerState::MAINTENANCE && s.explicit_state != ServerState::MAINTENANCE) {
    s.maint_since = t;
  } else if (state != ServerState::MAINTENANCE && s.explicit_state == ServerState::MAINTENANCE) {
    s.maint_since.reset();
    s.maint_end = t;
    s.work_at_maint_end = s.work_x.at(t);
  }
  s.work_x.set(t, state == ServerState::WORKING);
  s.setup_x.set(t, state == ServerState::SETUP);
  add_state_ticks(window_.states_explicit[static_cast<std::size_t>(station)], s.explicit_state, s.explicit_since, t);
  s.explicit_state = state;
  s.explicit_since = t;
}

void LogReplay::set_wip(kernel::Tick t, std::int64_t delta) {
  const kernel::Tick a = std::max(wip_since_, begin_), b = std::min(t, end_);
  if (b > a) window_.wip_area += static_cast<double>(wip_) * static_cast<double>(b - a);
  wip_since_ = t;
  wip_ += delta;
}

PartTrack& LogReplay::part(const LogEvent& e) {
  auto it = parts_.find(std::string(e.part));
  if (it != parts_.end()) {
    if (it->second.product < 0) it->second.product = e.product;
    if (it->second.order < 0) it->second.order = e.order;
    return it->second;
  }
  // A part first seen here: in the plant from now on (the log began after its release), and
  // released, as it was before the log began (so that it never leaves more parts than it released).
  anomaly(e, "of part '" + std::string(e.part) + "', which was not released in the log");
  PartTrack& p = parts_[std::string(e.part)];
  p.product = e.product;
  p.order = e.order;
  p.released = e.time;
  set_wip(e.time, +1);
  count_release(e);
  return p;
}

std::int32_t LogReplay::server_of(const LogEvent& e, bool taking) {
  if (e.server >= 0) return e.server;
  const auto station = static_cast<std::size_t>(e.station);
  const auto& servers = servers_[station];
  // A part on a server is there by its track: seat() sets both, and every row that takes it off
  // (let_go) clears the track's server. No walk over the station's servers.
  std::int32_t product = e.product;
  if (const auto it = parts_.find(std::string(e.part)); it != parts_.end()) {
    const PartTrack& p = it->second;
    if (p.station == e.station && p.server >= 0 && static_cast<std::size_t>(p.server) < servers.size() &&
        servers[static_cast<std::size_t>(p.server)].holds(e.part))
      return p.server;
    if (p.product >= 0) product = p.product;
  }
  if (!taking) return -1;
  // A batch started at this instant with this activity, not full, of the part's product unless
  // batches mix them (an unknown product matches any): the part is one of it.
  if (const std::int32_t b = open_batch_[station]; b >= 0) {
    const ServerTrack& s = servers[static_cast<std::size_t>(b)];
    const auto starting = e.kind == LogEventKind::START ? ServerTrack::Activity::WORK : ServerTrack::Activity::SETUP;
    if (!s.part.empty() && s.activity == starting && s.activity_start == e.time &&
        static_cast<std::int64_t>(s.batch.size()) + 1 < rules_.batches[station] &&
        (rules_.batches_mixed[station] || s.product == product || s.product < 0 || product < 0))
      return b;
  }
  // The first free server that is up: none is free below free_from_ (clear_server lowers it).
  std::size_t& k = free_from_[station];
  while (k < servers.size() && !servers[k].part.empty()) ++k;
  for (std::size_t j = k; j < servers.size(); ++j)
    if (servers[j].part.empty() && !servers[j].down) return static_cast<std::int32_t>(j);
  // None: the one up whose part's work ended first, which moves on (a log without `leave` rows:
  // blocked parts leave in the order they finished, as the station's hand-overs are granted, and
  // the row of the start it makes room for may come before the part's next row), else a free one
  // that is down (the log does not say it came up).
  std::int32_t ended = -1;
  for (std::size_t j = 0; j < servers.size(); ++j)
    if (servers[j].activity == ServerTrack::Activity::FINISHED && !servers[j].down &&
        (ended < 0 || servers[j].finished_at < servers[static_cast<std::size_t>(ended)].finished_at))
      ended = static_cast<std::int32_t>(j);
  if (ended >= 0) return ended;
  return k < servers.size() ? static_cast<std::int32_t>(k) : -1;
}

void LogReplay::let_go(std::int32_t station, ServerTrack& s, const std::string& id, kernel::Tick t) {
  if (const auto it = std::find(s.batch.begin(), s.batch.end(), id); it != s.batch.end()) {
    s.batch.erase(it);
  } else if (s.part == id) {
    if (s.batch.empty()) {
      clear_server(station, s, t);
    } else {
      s.part = s.batch.front();
      s.batch.erase(s.batch.begin());
    }
  }
}

void LogReplay::moved_on(const std::string& id, std::int32_t station) {
  if (auto it = parts_.find(id); it != parts_.end()) {
    it->second.place = Place::TRANSIT;
    it->second.left_from = station;
    it->second.station = -1;
    it->second.server = -1;
  }
}

void LogReplay::unseat(PartTrack& p, const std::string& id, kernel::Tick t) {
  if (p.place != Place::SERVER || p.station < 0) return;
  // Every row that takes a part off its server comes here (a log without `leave` rows: the
  // part's next `enter`, `start` elsewhere or `load`).
  p.left_from = p.station;
  if (p.server >= 0)
    let_go(p.station, servers_[static_cast<std::size_t>(p.station)][static_cast<std::size_t>(p.server)], id, t);
}

void LogReplay::clear_server(std::int32_t station, ServerTrack& s, kernel::Tick t) {
  std::size_t& free_from = free_from_[static_cast<std::size_t>(station)];
  free_from = std::min(free_from, static_cast<std::size_t>(&s - servers_[static_cast<std::size_t>(station)].data()));
  s.part.clear();
  s.batch.clear();
  s.product = -1;
  s.activity = ServerTrack::Activity::NONE;
  derive(station, s, t);
}

PartTrack& LogReplay::new_part(const LogEvent& e, kernel::Tick released) {
  auto [it, inserted] = parts_.try_emplace(std::string(e.part));
  if (!inserted) {
    anomaly(e, "of part '" + std::string(e.part) + "', which is already in the plant");
    // Its track starts over, but a part on a server stays there: the rows that follow find it
    // (server_of goes by the track).
    const PartTrack before = it->second;
    it->second = PartTrack{};
    if (before.place == Place::SERVER) {
      it->second.place = Place::SERVER;
      it->second.station = before.station;
      it->second.server = before.server;
    }
  } else {
    set_wip(e.time, +1);
  }
  PartTrack& p = it->second;
  p.product = e.product;
  p.order = e.order;
  p.released = released;
  p.released_seen = true;
  note_number(e.part);
  return p;
}

void LogReplay::note_number(std::string_view id) { last_number_ = std::max(last_number_, models::part_number(id)); }

void LogReplay::remove(const std::string& id, kernel::Tick t, bool consumed) {
  const auto it = parts_.find(id);
  if (it == parts_.end()) return;
  PartTrack& p = it->second;
  unseat(p, id, t);
  if (p.order >= 0) {
    OrderTrack& o = orders_[static_cast<std::size_t>(p.order)];
    ++o.left;
    o.last_left = t;
  }
  if (!consumed) ++left_;  // the plant's `left`: good or scrapped (a component lives on in its assembly)
  parts_.erase(it);
  set_wip(t, -1);
}

namespace {
/// A part enters `station`: a failed pass at the station it left when that station sends its
/// rejects there (ReplayRules::rework_first), else a good one there.
void count_attempts(const ReplayRules& rules, PartTrack& p, std::int32_t station) {
  const std::int32_t from = p.left_from;
  if (from < 0 || static_cast<std::size_t>(from) >= rules.rework_first.size() || rules.rework_first[static_cast<std::size_t>(from)] < 0) return;
  p.attempts = station == rules.rework_first[static_cast<std::size_t>(from)] ? p.attempts + 1 : 0;
}

void count_by_product(std::vector<std::int64_t>& counts, std::int32_t product) {
  if (product < 0) return;
  if (counts.size() <= static_cast<std::size_t>(product)) counts.resize(static_cast<std::size_t>(product) + 1, 0);
  ++counts[static_cast<std::size_t>(product)];
}

/// A part of order `o` went (exited, scrapped or consumed, counted in `counts`) at `t`.
void count_gone(OrderTrack& o, std::vector<std::int64_t> OrderTrack::*counts, std::int32_t product, kernel::Tick t) {
  if (product < 0) return;
  count_by_product(o.*counts, product);
  if (product == o.plan_product && ++o.plan_gone == o.plan_quantity) o.plan_done = t;
}
}  // namespace

void LogReplay::plan_order(std::int32_t order, std::int32_t product, std::int64_t quantity) {
  if (order < 0) return;
  if (static_cast<std::size_t>(order) >= orders_.size()) orders_.resize(static_cast<std::size_t>(order) + 1);
  OrderTrack& o = orders_[static_cast<std::size_t>(order)];
  o.plan_product = product;
  o.plan_quantity = quantity;
}

void LogReplay::count_release(const LogEvent& e) {
  ++released_;
  if (e.order < 0) return;
  OrderTrack& o = orders_[static_cast<std::size_t>(e.order)];
  count_by_product(o.released_by_product, e.product);
  if (o.released++ == 0) {
    o.first_release = e.time;
    o.product = e.product;
  }
}

const Observation& LogReplay::apply(const LogEvent& e) {
  obs_ = Observation{};
  const kernel::Tick t = e.time;
  using A = ServerTrack::Activity;
  if (e.order >= 0 && static_cast<std::size_t>(e.order) >= orders_.size()) orders_.resize(static_cast<std::size_t>(e.order) + 1);
  switch (e.kind) {
    case LogEventKind::RELEASE: {
      new_part(e, t);
      count_release(e);
      break;
    }
    case LogEventKind::ENTER: {
      PartTrack& p = part(e);
      unseat(p, std::string(e.part), t);  // still on a server (a log without `leave` rows): it left
      p.place = Place::BUFFER;
      p.station = e.station;
      p.server = -1;
      p.entered = t;
      p.sequence = ++sequence_;
      ++p.enters;
      count_attempts(rules_, p, e.station);
      p.carrier.clear();
      break;
    }
    case LogEventKind::SETUP_START:
    case LogEventKind::START: {
      PartTrack& p = part(e);
      const std::int32_t k = server_of(e, true);
      if (k < 0) {
        anomaly(e, "of part '" + std::string(e.part) + "': every server of the station holds a part");
        break;
      }
      ServerTrack& s = servers_[static_cast<std::size_t>(e.station)][static_cast<std::size_t>(k)];
      const auto station = static_cast<std::size_t>(e.station);
      const bool batches = station < rules_.batches.size() && rules_.batches[station] > 0;
      const A starting = e.kind == LogEventKind::START ? A::WORK : A::SETUP;
      // A batch's parts each show its setup and its work: the first part's rows start them.
      if (batches && s.part != e.part && s.holds(e.part)) {
        if (s.activity != starting || s.activity_start != t)
          anomaly(e, "of part '" + std::string(e.part) + "', which is in a batch that part '" + s.part + "' did not start then");
        break;
      }
      const auto seat = [&] {
        // A part still on another server left it (a log without `leave` and `enter` rows).
        if (p.station != e.station || p.server != k) unseat(p, std::string(e.part), t);
        if (p.station != e.station) {
          // It never entered (a log without `enter` rows): it does now.
          p.entered = t;
          p.sequence = ++sequence_;
          ++p.enters;
          count_attempts(rules_, p, e.station);
        }
        p.place = Place::SERVER;
        p.station = e.station;
        p.server = k;
      };
      if (batches && !s.part.empty() && !s.holds(e.part) && s.activity == starting && s.activity_start == t) {
        // Started with the batch's first part: the same activity, one more part on the server.
        seat();
        s.batch.push_back(std::string(e.part));
        break;
      }
      if (!s.part.empty() && s.part != e.part && s.activity == A::FINISHED && !s.holds(e.part)) {
        // The parts whose work ended there moved on when the next one started (a log without
        // `leave` rows, an MES export): they are on their way to their next station.
        std::vector<std::string> gone = std::move(s.batch);
        gone.insert(gone.begin(), std::move(s.part));
        clear_server(e.station, s, t);
        for (const std::string& id : gone) moved_on(id, e.station);
      } else if (!s.part.empty() && s.part != e.part) {
        anomaly(e, "of part '" + std::string(e.part) + "' on a server that holds part '" + s.part + "'");
        if (auto other = parts_.find(s.part); other != parts_.end()) other->second.place = Place::TRANSIT;
      }
      seat();
      if (batches) open_batch_[static_cast<std::size_t>(e.station)] = k;
      const bool new_part = s.part != e.part;
      s.part = std::string(e.part);
      s.product = p.product;
      s.activity_start = t;
      if (e.kind == LogEventKind::SETUP_START) {
        s.setup_from = s.last_product;
        s.last_product = p.product;
        s.activity = A::SETUP;
      } else {
        if (new_part) s.last_product = p.product;
        s.activity = A::WORK;
        derive(e.station, s, t);
        s.work_mark_d = s.work_d.at(t);
        s.work_mark_x = s.work_x.at(t);
        break;
      }
      derive(e.station, s, t);
      s.work_mark_d = s.setup_d.at(t);
      s.work_mark_x = s.setup_x.at(t);
      break;
    }
    case LogEventKind::SETUP_END:
    case LogEventKind::END: {
      const std::int32_t k = server_of(e, false);
      if (k < 0) {
        anomaly(e, "of part '" + std::string(e.part) + "', which is on no server of the station");
        break;
      }
      ServerTrack& s = servers_[static_cast<std::size_t>(e.station)][static_cast<std::size_t>(k)];
      const bool setup = e.kind == LogEventKind::SETUP_END;
      // The other parts of a batch whose setup or work has just ended: the activity has been measured.
      if (!s.batch.empty() && s.holds(e.part) && (setup ? s.activity == A::NONE : s.activity == A::FINISHED && s.finished_at == t)) break;
      if (!s.holds(e.part) || s.activity != (setup ? A::SETUP : A::WORK)) {
        anomaly(e, "of part '" + std::string(e.part) + "', which the server did not " + (setup ? "set up for" : "start"));
        break;
      }
      derive(e.station, s, t);
      const kernel::Tick done = s.explicit_known ? (setup ? s.setup_x.at(t) : s.work_x.at(t)) - s.work_mark_x
                                                 : (setup ? s.setup_d.at(t) : s.work_d.at(t)) - s.work_mark_d;
      obs_.product = s.product;
      if (setup) {
        obs_.setup = done;
        obs_.setup_from = s.setup_from;
        s.activity = A::NONE;
      } else {
        obs_.work = done;
        s.activity = A::FINISHED;
        s.finished_at = t;
      }
      derive(e.station, s, t);
      break;
    }
    case LogEventKind::LEAVE: {
      const std::int32_t k = server_of(e, false);
      if (k < 0 || !servers_[static_cast<std::size_t>(e.station)][static_cast<std::size_t>(k)].holds(e.part)) {
        anomaly(e, "of part '" + std::string(e.part) + "', which is on no server of the station");
        break;
      }
      let_go(e.station, servers_[static_cast<std::size_t>(e.station)][static_cast<std::size_t>(k)], std::string(e.part), t);
      moved_on(std::string(e.part), e.station);
      break;
    }
    case LogEventKind::SCRAP: {
      const auto it = parts_.find(std::string(e.part));
      obs_.product = it != parts_.end() ? it->second.product : e.product;
      if (t >= begin_ && t < end_) ++window_.scrapped[static_cast<std::size_t>(e.station)];
      if (it != parts_.end() && it->second.order >= 0 && static_cast<std::size_t>(it->second.order) < orders_.size())
        count_gone(orders_[static_cast<std::size_t>(it->second.order)], &OrderTrack::scrapped_by_product, it->second.product, t);
      remove(std::string(e.part), t);
      break;
    }
    case LogEventKind::CONSUME: {
      // A component consumed by an assembly: it leaves the plant, neither good nor scrapped. One the
      // log has not shown (it began after its release) was released too: its kit's part counts it.
      auto it = parts_.find(std::string(e.part));
      if (it == parts_.end()) {
        part(e);  // an anomaly, counted released
        it = parts_.find(std::string(e.part));
      }
      if (it->second.released_seen)
        consumed_release_ = consumed_release_ ? std::min(*consumed_release_, it->second.released) : it->second.released;
      if (it->second.order >= 0 && static_cast<std::size_t>(it->second.order) < orders_.size())
        count_gone(orders_[static_cast<std::size_t>(it->second.order)], &OrderTrack::consumed_by_product, it->second.product, t);
      remove(std::string(e.part), t, true);
      break;
    }
    case LogEventKind::ASSEMBLE: {
      // The assembled part, in the station's buffer; its lead time runs from its earliest component.
      PartTrack& p = new_part(e, consumed_release_.value_or(t));
      consumed_release_.reset();
      // A part of the order as its components were (each consumed one counted as left).
      if (e.order >= 0) ++orders_[static_cast<std::size_t>(e.order)].released;
      unseat(p, std::string(e.part), t);  // an id already on a server (an anomaly) is off it
      p.place = Place::BUFFER;
      p.station = e.station;
      p.server = -1;
      p.entered = t;
      p.sequence = ++sequence_;
      ++p.enters;
      break;
    }
    case LogEventKind::EXIT: {
      const auto it = parts_.find(std::string(e.part));
      if (it == parts_.end()) {
        anomaly(e, "of part '" + std::string(e.part) + "', which is not in the plant");
        break;
      }
      const PartTrack& p = it->second;
      obs_.product = p.product;
      if (p.released_seen) obs_.lead = t - p.released;
      if (t >= begin_ && t < end_ && p.product >= 0) {
        ++window_.exits[static_cast<std::size_t>(p.product)];
        if (obs_.lead && keep_leads_) window_.lead_times_s[static_cast<std::size_t>(p.product)].push_back(kernel::to_seconds(*obs_.lead));
      }
      if (p.order >= 0 && static_cast<std::size_t>(p.order) < orders_.size())
        count_gone(orders_[static_cast<std::size_t>(p.order)], &OrderTrack::exited_by_product, p.product, t);
      remove(std::string(e.part), t);
      break;
    }
    case LogEventKind::DOWN:
    case LogEventKind::UP: {
      ServerTrack& s = servers_[static_cast<std::size_t>(e.station)][static_cast<std::size_t>(e.server)];
      const bool down = e.kind == LogEventKind::DOWN;
      if (s.down == down) {
        anomaly(e, std::string("of a server that is ") + (down ? "down already" : "not down"));
        break;
      }
      if (down) {
        if (s.last_up) {
          obs_.up_calendar = t - *s.last_up;
          obs_.up_operating = s.worked(t) - (s.explicit_known ? s.work_at_up_x : s.work_at_up_d);
        }
        s.down = true;
        s.down_since = t;
      } else {
        obs_.repair = t - s.down_since;
        s.down = false;
        s.last_up = t;
      }
      derive(e.station, s, t);
      if (!down) {
        s.work_at_up_d = s.work_d.at(t);
        s.work_at_up_x = s.work_x.at(t);
        // `restart`: the interrupted activity starts over; what was done before does not count.
        if (rules_.restart[static_cast<std::size_t>(e.station)] && (s.activity == A::WORK || s.activity == A::SETUP)) {
          s.work_mark_d = s.activity == A::WORK ? s.work_d.at(t) : s.setup_d.at(t);
          s.work_mark_x = s.activity == A::WORK ? s.work_x.at(t) : s.setup_x.at(t);
        }
      }
      break;
    }
    case LogEventKind::STATE: {
      ServerTrack& s = servers_[static_cast<std::size_t>(e.station)][static_cast<std::size_t>(e.server)];
      const bool first = !s.explicit_known;
      set_explicit(e.station, s, static_cast<ServerState>(e.state), t);
      if (first) {
        // State rows begin here: marks taken so far were on the derived accumulators.
        s.work_mark_x = s.activity == A::SETUP ? s.setup_x.at(t) : s.work_x.at(t);
        s.work_at_up_x = s.work_x.at(t);
      }
      break;
    }
    case LogEventKind::LOAD:
    case LogEventKind::UNLOAD: {
      PartTrack& p = part(e);
      if (e.kind == LogEventKind::LOAD) {
        unseat(p, std::string(e.part), t);
        p.place = Place::TRANSIT;
        p.station = -1;
        p.server = -1;
        p.carrier = std::string(e.carrier);
      } else {
        p.carrier.clear();
      }
      break;
    }
    case LogEventKind::DEPART:
    case LogEventKind::ARRIVE: {
      auto it = std::find_if(carriers_.begin(), carriers_.end(), [&](const auto& c) { return c.first == e.carrier; });
      if (it == carriers_.end()) it = carriers_.insert(carriers_.end(), {std::string(e.carrier), CarrierTrack{}});
      it->second.from = e.kind == LogEventKind::DEPART ? std::string(e.from) : std::string();
      it->second.to = std::string(e.to);
      it->second.since = t;
      if (e.kind == LogEventKind::DEPART) it->second.loaded = e.state_text == "loaded";
      break;
    }
    case LogEventKind::VEHICLE_STATE: break;
  }
  return obs_;
}

void LogReplay::finish(kernel::Tick end) {
  for (std::size_t st = 0; st < servers_.size(); ++st)
    for (ServerTrack& s : servers_[st]) {
      add_derived_ticks(static_cast<std::int32_t>(st), s.derived, s.derived_since, end);
      s.derived_since = end;
      add_state_ticks(window_.states_explicit[st], s.explicit_state, s.explicit_since, end);
      s.explicit_since = end;
    }
  set_wip(end, 0);
}

}  // namespace plantwin::twin
