#include "twin/state.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

#include "kernel/stats.hpp"
#include "models/plant.hpp"
#include "scenario/material.hpp"
#include "scenario/transport.hpp"
#include "scenario/builder.hpp"
#include "scenario/units.hpp"
#include "scenario/yaml_reader.hpp"
#include "twin/families.hpp"
#include "twin/replay.hpp"

namespace plantwin::twin {

using kernel::Tick;
using run::Json;
using scenario::MapReader;
using scenario::ReadContext;
using scenario::YamlNode;

kernel::Tick FamilyResidual::residual(const kernel::Distribution& d, kernel::Tick done, kernel::RngStream& rng) const {
  return residual_ticks(d, done, rng);
}

namespace {

/// A YAML double-quoted string (ids from a log are free text).
std::string q(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string sec(Tick t) { return run::format_number(kernel::to_seconds(t)); }

/// The route step of a part of `product` at `station` that has entered `enters` stations: the
/// enters-th step when it is that station, else the first visit of that station.
std::int64_t step_at(const scenario::ScenarioSpec& spec, std::int32_t product, std::int32_t station, std::uint32_t enters) {
  if (product < 0 || station < 0) return -1;
  const scenario::ProductSpec& p = spec.products[static_cast<std::size_t>(product)];
  const auto& route = p.route;
  const std::string& id = spec.stations[static_cast<std::size_t>(station)].id;
  // The step of entry k at this station: its own, or that of the alternative it names.
  const auto steps = scenario::entry_steps(p);
  const auto step_of = [&](std::size_t k) -> std::int64_t {
    for (std::size_t a = 0; a < route[k].stations.size(); ++a)
      if (route[k].stations[a] == id) return steps[k][a];
    return -1;
  };
  if (enters >= 1 && enters - 1 < route.size())
    if (const std::int64_t s = step_of(enters - 1); s >= 0) return s;
  for (std::size_t k = 0; k < route.size(); ++k)
    if (const std::int64_t s = step_of(k); s >= 0) return s;
  return -1;
}

/// Parses `at`: a duration (seconds) now, or ISO 8601 once the log's time 0 is known.
std::optional<Tick> parse_at(const std::string& text, const std::optional<Epoch>& time0, std::string& error) {
  std::string e1;
  if (const auto t = scenario::parse_duration_ticks(text, &e1)) return t;
  const auto instant = scenario::parse_instant(text, false, &error);
  if (!instant) {
    error = "--at: expected seconds after time 0, a duration like \"10h\" or a date and time like \"2026-03-02T16:00:00+08:00\", got \"" +
            text + "\"";
    return std::nullopt;
  }
  if (!time0) {
    error = "--at: a date and time needs a log with ISO 8601 times or an epoch (the scenario's `epoch` or --epoch)";
    return std::nullopt;
  }
  const std::int64_t unix_s = instant->has_offset ? instant->unix_seconds : instant->unix_seconds - std::int64_t{time0->offset_minutes} * 60;
  if (unix_s < time0->unix_s) {
    error = "--at " + text + " is before time 0";
    return std::nullopt;
  }
  return (unix_s - time0->unix_s) * kernel::TICKS_PER_SECOND + instant->nanos;
}

std::string iso_of(const Epoch& time0, Tick t) {
  const std::int64_t local = time0.unix_s + t / kernel::TICKS_PER_SECOND + std::int64_t{time0.offset_minutes} * 60;
  std::int64_t days = local / 86400, rem = local % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  // civil from days (H. Hinnant)
  std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  const int off = std::abs(time0.offset_minutes);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld%c%02d:%02d", static_cast<long long>(y), m, d,
                static_cast<long long>(rem / 3600), static_cast<long long>(rem / 60 % 60), static_cast<long long>(rem % 60),
                time0.offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
  return buf;
}

}  // namespace

std::string iso_time(const Epoch& time0, kernel::Tick t) { return iso_of(time0, t); }

VehicleReplay::VehicleReplay(const scenario::ScenarioSpec& spec) {
  if (spec.transport.fleets.empty() || !spec.transport.clean) return;
  transport_ = scenario::build_transport(spec);
  if (!transport_ || !transport_->layout) return;
  for (const models::FleetParams& f : transport_->fleets) {
    for (int k = 0; k < f.vehicles; ++k) {
      index_.emplace(models::vehicle_name(f, static_cast<std::size_t>(k)), names_.size());
      names_.push_back(models::vehicle_name(f, static_cast<std::size_t>(k)));
      Vehicle& v = tracks_.emplace_back();
      v.state = models::vehicle_state_name(models::VehicleState::IDLE);  // parked at home, as it starts
      if (f.battery) {
        v.params = &*f.battery;
        v.level = f.battery->capacity_wh;
      }
    }
  }
  const models::LayoutParams& layout = *transport_->layout;
  for (const topology::PathSegment& s : layout.segments) {
    const std::string &a = layout.node_ids[s.from], &b = layout.node_ids[s.to];
    for (const auto& ends : {std::pair{a, b}, std::pair{b, a}})
      if (const auto [it, added] = length_.emplace(ends, s.length); !added) it->second = std::min(it->second, s.length);
  }
}

void VehicleReplay::Vehicle::settle(kernel::Tick t) {
  if (params != nullptr && standing && params->idle_w > 0) {
    const double drawn = level - params->idle_w * kernel::to_seconds(t - since) / 3600.0;
    // A parked vehicle goes to charge at its threshold (models::Fleet's BATTERY_LOW): one the log
    // shows idle longer (a state taken after the log ends) stays at it.
    const double floor = std::min(level, params->threshold * params->capacity_wh);
    level = state == models::vehicle_state_name(models::VehicleState::IDLE) ? std::max(drawn, floor) : drawn;
  }
  since = t;
}

void VehicleReplay::apply(const LogEvent& e) {
  if (tracks_.empty() || e.carrier.empty()) return;
  const auto it = index_.find(e.carrier);
  if (it == index_.end()) return;
  Vehicle& b = tracks_[it->second];
  if (e.kind == LogEventKind::VEHICLE_STATE) {
    states_seen_ = true;
    b.settle(e.time);
    using models::VehicleState;
    const bool charging = e.state_text == models::vehicle_state_name(VehicleState::CHARGING);
    // Its charge ended (models::Fleet::charge_end) when it leaves `charging`.
    if (b.charging && !charging && b.params != nullptr) b.level = b.params->charge_to * b.params->capacity_wh;
    // It is free (models::Fleet::become_free) when its unloading or its charge ends and it does not
    // go on loaded: it stands, drives home, or drives on empty.
    const auto is = [&](std::string_view s, VehicleState v) { return s == models::vehicle_state_name(v); };
    const bool delivering = is(b.state, VehicleState::UNLOADING) || is(b.state, VehicleState::BLOCKED);
    if ((delivering || b.charging) && !charging && !is(e.state_text, VehicleState::TRAVELLING_LOADED) &&
        !is(e.state_text, VehicleState::UNLOADING) && !is(e.state_text, VehicleState::BLOCKED)) {
      b.free_since = e.time;
      b.free_rank = ++free_count_;
    }
    b.charging = charging;
    b.state = std::string(e.state_text);
    b.standing = !charging && e.state_text != models::vehicle_state_name(VehicleState::TRAVELLING_EMPTY) &&
                 e.state_text != models::vehicle_state_name(VehicleState::TRAVELLING_LOADED);
  } else if (e.kind == LogEventKind::DEPART && b.params != nullptr) {
    if (const auto s = length_.find({std::string(e.from), std::string(e.to)}); s != length_.end())
      b.level -= b.params->per_metre_wh * s->second;
  }
}

std::optional<double> VehicleReplay::level(std::string_view id, kernel::Tick t) const {
  const auto it = index_.find(id);
  if (it == index_.end() || !states_seen_ || tracks_[it->second].params == nullptr) return std::nullopt;
  Vehicle b = tracks_[it->second];
  b.settle(t);
  // Below empty only when the log drew more than the scenario's battery holds: the run starts it
  // empty (it goes to charge at once).
  return std::max(0.0, b.level);
}

std::optional<kernel::Tick> VehicleReplay::free_since(std::string_view id) const {
  const auto it = index_.find(id);
  if (it == index_.end() || !states_seen_) return std::nullopt;
  return tracks_[it->second].free_since;
}

bool VehicleReplay::freed_before(std::string_view a, std::string_view b) const {
  const auto key = [&](std::string_view id) {
    const auto it = index_.find(id);
    if (it == index_.end() || !states_seen_) return std::pair{std::numeric_limits<Tick>::max(), std::uint64_t{0}};
    return std::pair{tracks_[it->second].free_since, tracks_[it->second].free_rank};
  };
  return key(a) < key(b);
}

StateTracker::StateTracker(const scenario::ScenarioSpec& spec)
    : spec_(spec),
      catalog_(LogCatalog::of(spec)),
      replay_(catalog_, replay_rules(spec)),
      vehicles_(spec),
      source_of_(sources_of_products(spec)),
      source_released_(spec.sources.size(), 0),
      source_last_(spec.sources.size()) {
  std::map<std::string_view, std::int32_t> product_index;
  for (std::size_t p = 0; p < spec.products.size(); ++p) product_index.emplace(spec.products[p].id, static_cast<std::int32_t>(p));
  for (const scenario::SourceSpec& src : spec.sources)
    for (const scenario::OrderSpec& os : src.orders)
      if (const auto p = product_index.find(os.product); p != product_index.end())
        planned_.emplace(os.id, std::pair{p->second, os.quantity});
}

void StateTracker::apply(const LogEvent& e, const std::vector<std::string>& order_ids) {
  // An order's first row: the plan's quantity, whose last unit makes it done (docs/twin.md).
  const auto o = static_cast<std::size_t>(e.order);
  if (e.order >= 0 && (o >= order_seen_.size() || !order_seen_[o])) {
    if (o >= order_seen_.size()) order_seen_.resize(o + 1, false);
    order_seen_[o] = true;
    if (const auto plan = planned_.find(order_ids[o]); plan != planned_.end())
      replay_.plan_order(e.order, plan->second.first, plan->second.second);
  }
  const std::uint64_t released = replay_.released();
  replay_.apply(e);
  vehicles_.apply(e);
  // A part of no order released, by a `release` row or (a log that begins after its release) first
  // seen in another row: its source released it, at a time the log shows only in the first case.
  if (replay_.released() > released && e.order < 0 && e.product >= 0) {
    const std::int32_t s = source_of_[static_cast<std::size_t>(e.product)];
    if (s >= 0) {
      ++source_released_[static_cast<std::size_t>(s)];
      if (e.kind == LogEventKind::RELEASE) source_last_[static_cast<std::size_t>(s)] = e.time;
    }
  }
}

StateResult plant_state(const std::string& log_path, const scenario::ScenarioSpec& spec, const std::string& at_text,
                        const StateOptions& options) {
  StateResult r;
  StateTracker tracker(spec);
  const std::optional<Epoch> epoch = options.epoch ? options.epoch : epoch_of(spec);
  LogReader reader(log_path, tracker.catalog(), epoch);
  if (reader.has_vehicle_columns()) tracker.vehicle_rows_shown();
  std::string error;
  std::optional<Tick> at = parse_at(at_text, epoch, error);
  if (!at && epoch) {
    r.diagnostics.push_back({true, log_path, 0, error});
    return r;
  }
  LogEvent e;
  bool past = false;
  while (reader.next(e)) {
    if (!at) {
      at = parse_at(at_text, reader.time0(), error);
      if (!at) {
        r.diagnostics.push_back({true, log_path, 0, error});
        return r;
      }
    }
    // Rows at `at` itself are left to the run from the state, whose window [at, at + horizon)
    // holds them: an uninterrupted run over that window counts what happens at `at`.
    if (e.time >= *at) {
      past = true;
      break;
    }
    tracker.apply(e, reader.orders());
  }
  r.diagnostics = reader.diagnostics();
  if (!reader.ok() || reader.has_errors()) return r;
  if (!at) {
    r.diagnostics.push_back({true, log_path, 0, "the event log has no rows: " + error});
    return r;
  }
  const LogReplay& replay = tracker.replay();
  if (!past && reader.rows() > 0 && reader.last_time() < *at)
    r.diagnostics.push_back({false, log_path, 0, "the log ends at " + sec(reader.last_time()) + " s, before --at " + sec(*at) +
                                                     " s: the state is where the log left the plant"});
  if (replay.anomalies() > 0)
    r.diagnostics.push_back({false, log_path, 0, std::to_string(replay.anomalies()) + " row(s) did not follow a part's path (first: " +
                                                     replay.first_anomaly() + ")"});
  r.at = *at;
  r.parts = replay.parts().size();
  r.yaml = tracker.yaml(*at, log_path, reader.orders(), reader.time0());
  r.ok = true;
  return r;
}

std::string StateTracker::yaml(kernel::Tick t, const std::string& log_path, const std::vector<std::string>& order_ids,
                               const std::optional<Epoch>& time0) const {
  const scenario::ScenarioSpec& spec = spec_;
  const LogReplay& replay = replay_;
  const auto& source_released = source_released_;
  const auto& source_last = source_last_;

  // Parts by place, each list in the order they entered (or were released).
  struct Entry {
    const std::string* id;
    const PartTrack* p;
  };
  std::vector<Entry> at_sources, transit;
  std::vector<std::vector<Entry>> waiting(spec.stations.size());
  for (const auto& [id, p] : replay.parts()) {
    const Entry entry{&id, &p};
    if (p.place == Place::SOURCE) at_sources.push_back(entry);
    else if (p.place == Place::TRANSIT) transit.push_back(entry);
    else if (p.place == Place::BUFFER && p.station >= 0) waiting[static_cast<std::size_t>(p.station)].push_back(entry);
  }
  const auto by_release = [](const Entry& a, const Entry& b) {
    return std::tie(a.p->released, *a.id) < std::tie(b.p->released, *b.id);
  };
  std::sort(at_sources.begin(), at_sources.end(), by_release);
  std::sort(transit.begin(), transit.end(), by_release);
  for (auto& list : waiting)
    std::sort(list.begin(), list.end(), [](const Entry& a, const Entry& b) { return a.p->sequence < b.p->sequence; });

  const auto product_name = [&](std::int32_t p) { return p >= 0 ? spec.products[static_cast<std::size_t>(p)].id : std::string("~"); };
  // A part's fields, each "key: value", and fields written as one flow map's contents.
  const auto part_field_list = [&](const std::string& id, const PartTrack& p) {
    std::vector<std::string> f{"part: " + q(id), "product: " + product_name(p.product)};
    if (p.order >= 0) f.push_back("order: " + q(order_ids[static_cast<std::size_t>(p.order)]));
    f.push_back("released: " + sec(p.released));
    if (p.attempts > 0) f.push_back("attempts: " + std::to_string(p.attempts));
    return f;
  };
  const auto joined = [](const std::vector<std::string>& fields) {
    std::string s;
    for (const std::string& f : fields) s += (s.empty() ? "" : ", ") + f;
    return s;
  };
  const auto part_fields = [&](const std::string& id, const PartTrack& p) { return joined(part_field_list(id, p)); };

  std::ostringstream y;
  y << "# The plant's state at " << sec(t) << " s after time 0";
  if (time0) y << " (" << iso_of(*time0, t) << ")";
  y << ", from " << log_path << " (plantwin state).\n";
  y << "# Run from it: plantwin run SCENARIO --from THIS_FILE (docs/twin.md, \"State and warm start\").\n";
  y << "plantwin_state: 1\n";
  y << "scenario: " << q(spec.name) << "\n";
  y << "log: " << q(log_path) << "\n";
  y << "at: " << sec(t) << "\n";
  if (time0) y << "time: " << q(iso_of(*time0, t)) << "\n";
  y << "released: " << replay.released() << "\n";
  y << "left: " << replay.left() << "\n";
  if (replay.last_number() > 0) y << "last_part: " << replay.last_number() << "\n";
  // Orders the log shows released (none, when it shows only parts of them it had not seen released).
  const bool any_order =
      std::any_of(replay.orders().begin(), replay.orders().end(), [](const OrderTrack& o) { return o.released > 0; });
  y << "orders:" << (any_order ? "" : " []") << "\n";
  for (std::size_t o = 0; o < replay.orders().size(); ++o) {
    const OrderTrack& ot = replay.orders()[o];
    if (ot.released == 0) continue;
    // Done: an order of the plan when its quantity of its product has gone (good, scrapped or, an
    // order of a component, consumed, as the simulator counts it), at the unit that made it. The
    // log alone cannot tell: a source with `wip_limit` holds the rest back, and a log that began
    // late never shows what left before it. An order the plan does not have: when every part the
    // log released of it has left. Its product is the plan's (a log's first release of an
    // assembled order is one of its components).
    const bool planned = ot.plan_product >= 0;
    const kernel::Tick done = planned ? ot.plan_done : (ot.left >= ot.released ? ot.last_left : -1);
    y << "  - {id: " << q(order_ids[o]) << ", product: " << product_name(planned ? ot.plan_product : ot.product)
      << ", released: " << ot.released << ", left: " << ot.left << ", release: " << sec(ot.first_release);
    if (done >= 0) y << ", done: " << sec(done);
    // What a source with `wip_limit` may still hold back: the parts released and scrapped by
    // product. A done order holds nothing back unless it had scraps (a scrapped component's
    // replacement may still be to come). One the plan lacks is read back as one of `released`
    // parts that `left` makes done: without its counts.
    const auto& scrapped = ot.scrapped_by_product;
    const bool scraps = std::any_of(scrapped.begin(), scrapped.end(), [](std::int64_t n) { return n > 0; });
    if (done < 0 || (planned && scraps)) {
      const auto counts = [&](const char* key, const std::vector<std::int64_t>& by) {
        std::string items;
        for (std::size_t p = 0; p < by.size(); ++p)
          if (by[p] > 0) items += (items.empty() ? "" : ", ") + product_name(static_cast<std::int32_t>(p)) + ": " + std::to_string(by[p]);
        if (!items.empty()) y << ", " << key << ": {" << items << "}";
      };
      counts("released_parts", ot.released_by_product);
      counts("scrapped_parts", ot.scrapped_by_product);
      counts("exited_parts", ot.exited_by_product);
      counts("consumed_parts", ot.consumed_by_product);
    }
    y << "}\n";
  }
  y << "sources:\n";
  for (std::size_t s = 0; s < spec.sources.size(); ++s) {
    y << "  - {id: " << spec.sources[s].id << ", released: " << source_released[s];
    if (source_last[s]) y << ", last_release: " << sec(*source_last[s]);
    y << "}\n";
  }
  y << "waiting_at_sources:" << (at_sources.empty() ? " []" : "") << "\n";
  for (const Entry& en : at_sources) y << "  - {" << part_fields(*en.id, *en.p) << "}\n";
  y << "stations:\n";
  for (std::size_t s = 0; s < spec.stations.size(); ++s) {
    y << "  - id: " << spec.stations[s].id << "\n";
    y << "    waiting:" << (waiting[s].empty() ? " []" : "") << "\n";
    for (const Entry& en : waiting[s]) {
      y << "      - {" << part_fields(*en.id, *en.p) << ", entered: " << sec(en.p->entered);
      const std::int64_t step = step_at(spec, en.p->product, static_cast<std::int32_t>(s), en.p->enters);
      if (step >= 0) y << ", step: " << step;
      y << "}\n";
    }
    y << "    servers:\n";
    const auto& servers = replay.servers()[s];
    for (std::size_t k = 0; k < servers.size(); ++k) {
      const ServerTrack& sv = servers[k];
      const models::ServerState shown = replay.shown_at(static_cast<std::int32_t>(s), sv, t);
      std::vector<std::string> f{"server: " + std::to_string(k), std::string("state: ") + models::server_state_name(shown)};
      std::vector<std::string> batch;  // the flow map of each of its batch's other parts
      using A = ServerTrack::Activity;
      if (sv.activity != A::NONE && !sv.part.empty()) {
        const auto it = replay.parts().find(sv.part);
        static const char* NAMES[] = {"", "setup", "working", "finished"};
        f.push_back(std::string("activity: ") + NAMES[static_cast<std::size_t>(sv.activity)]);
        const auto on_server = [&](const std::string& id, const PartTrack& track) {
          std::vector<std::string> pf = part_field_list(id, track);
          const std::int64_t step = step_at(spec, track.product, static_cast<std::int32_t>(s), track.enters);
          if (step >= 0) pf.push_back("step: " + std::to_string(step));
          return pf;
        };
        if (it != replay.parts().end())
          for (std::string& field : on_server(sv.part, it->second)) f.push_back(std::move(field));
        // The batch's other parts, in the order they move on after `part`.
        for (const std::string& id : sv.batch)
          if (const auto member = replay.parts().find(id); member != replay.parts().end())
            batch.push_back("{" + joined(on_server(id, member->second)) + "}");
        if (sv.activity == A::FINISHED) {
          f.push_back("finished: " + sec(sv.finished_at));
        } else {
          f.push_back("started: " + sec(sv.activity_start));
          f.push_back("done: " + sec(sv.activity_done(t)));
          if (sv.activity == A::SETUP && sv.setup_from >= 0) f.push_back("setup_from: " + product_name(sv.setup_from));
        }
      }
      if (sv.last_product >= 0) f.push_back("last_product: " + product_name(sv.last_product));
      if (sv.down) f.push_back("down_since: " + sec(sv.down_since));
      if (sv.last_up) f.push_back("last_repair: " + sec(*sv.last_up));
      f.push_back("time_since_repair: " + sec(t - sv.last_up.value_or(0)));
      f.push_back("working_since_repair: " + sec(sv.worked_since_up(t)));
      if (spec.stations[s].params.maintenance && sv.explicit_known) {
        // Where its planned maintenance is in its cycle (the state rows show it).
        if (sv.maint_since) f.push_back("maintenance_since: " + sec(*sv.maint_since));
        if (sv.maint_end) f.push_back("last_maintenance: " + sec(*sv.maint_end));
        f.push_back("working_since_maintenance: " + sec(sv.work_x.at(t) - sv.work_at_maint_end));
      }
      if (batch.empty()) {
        y << "      - {" << joined(f) << "}\n";
      } else {
        // A block map, a batch part a line: a batch of thousands of parts on one flow line would
        // pass the limit a flow collection has on reading (YamlDocument::MAX_FLOW_BYTES).
        for (std::size_t i = 0; i < f.size(); ++i) y << (i == 0 ? "      - " : "        ") << f[i] << "\n";
        y << "        batch:\n";
        for (const std::string& member : batch) y << "          - " << member << "\n";
      }
    }
  }
  y << "in_transit:" << (transit.empty() ? " []" : "") << "\n";
  for (const Entry& en : transit) {
    y << "  - {" << part_fields(*en.id, *en.p) << ", next_step: " << en.p->enters;
    if (!en.p->carrier.empty()) y << ", carrier: " << q(en.p->carrier);
    y << "}\n";
  }
  // Where each vehicle was last seen, when it last became free, and its battery (a vehicle that
  // never moved: its battery).
  const auto battery = [&](std::string_view id) {
    const std::optional<double> level = vehicles_.level(id, t);
    return level ? ", battery: " + run::format_number(*level) : std::string();
  };
  const auto free_since = [&](std::string_view id) {
    const std::optional<Tick> free = vehicles_.free_since(id);
    return free ? ", free_since: " + sec(*free) : std::string();
  };
  // In the order they became free (a run from the state frees those of one instant in this order).
  std::vector<std::pair<std::string_view, const LogReplay::CarrierTrack*>> listed;
  for (const std::string& id : vehicles_.vehicles()) {
    const auto& carriers = replay.carriers();
    const bool seen = std::any_of(carriers.begin(), carriers.end(), [&](const auto& c) { return c.first == id; });
    if (!seen && vehicles_.level(id, t)) listed.emplace_back(id, nullptr);
  }
  for (const auto& [id, c] : replay.carriers()) listed.emplace_back(id, &c);
  std::stable_sort(listed.begin(), listed.end(),
                   [&](const auto& a, const auto& b) { return vehicles_.freed_before(a.first, b.first); });
  y << "vehicles:" << (listed.empty() ? " []" : "") << "\n";
  for (const auto& [id, c] : listed) {
    y << "  - {id: " << q(std::string(id));
    if (c != nullptr && c->from.empty()) y << ", at: " << q(c->to);
    if (c != nullptr && !c->from.empty())
      y << ", from: " << q(c->from) << ", to: " << q(c->to) << ", loaded: " << (c->loaded ? "true" : "false");
    if (c != nullptr) y << ", since: " << sec(c->since) << free_since(id);
    y << battery(id) << "}\n";
  }
  return y.str();
}

// ---- reading a state file ---------------------------------------------------------------------

namespace {

/// Reads a state file into a WarmStart, resolving every name against the scenario.
class StateReader {
 public:
  StateReader(ReadContext& ctx, const scenario::ScenarioSpec& spec) : ctx_(ctx), spec_(spec), params_(scenario::build_plant_params(spec)) {
    for (std::size_t i = 0; i < spec.stations.size(); ++i) stations_.emplace(spec.stations[i].id, i);
    for (std::size_t i = 0; i < spec.products.size(); ++i) products_.emplace(spec.products[i].id, i);
    for (std::size_t i = 0; i < params_.orders.size(); ++i) orders_.emplace(params_.orders[i].id, i);
    for (const auto& s : spec.stations) station_ids_.push_back(s.id);
    for (const auto& p : spec.products) product_ids_.push_back(p.id);
  }

  std::shared_ptr<models::WarmStart> read(const YamlNode& root) {
    auto w = std::make_shared<models::WarmStart>();
    MapReader map(ctx_, root, "", "a state file (a map: plantwin_state, at, orders, stations, ...)");
    if (!map.valid()) return nullptr;
    map.required("plantwin_state", version_, scenario::IntegerIn<int>{1, 1});
    std::string name;
    if (map.optional("scenario", name, scenario::read_string) && map.has("scenario") && name != spec_.name)
      ctx_.warning(*map.get("scenario"), "scenario", "the state was taken for scenario '" + name + "', this is '" + spec_.name + "'");
    std::string ignored;
    map.optional("log", ignored, scenario::read_string);
    map.optional("time", ignored, scenario::read_string);
    std::int64_t released = 0, left = 0;
    map.optional("released", released, scenario::IntegerIn<std::int64_t>{0, INT64_MAX});
    map.optional("left", left, scenario::IntegerIn<std::int64_t>{0, INT64_MAX});
    if (left > released)
      ctx_.error(*map.get("left"), "left", std::to_string(left) + " parts left, more than the " + std::to_string(released) + " released");
    map.required("at", w->at, scenario::read_duration);
    // Parts released after `at` are numbered after the log's (without last_part: after `released`).
    w->last_part = static_cast<std::uint64_t>(released);
    map.optional("last_part", w->last_part, scenario::IntegerIn<std::uint64_t>{0, INT64_MAX});
    if (w->at > kernel::MAX_RUN_TICKS - spec_.horizon)
      ctx_.error(*map.get("at"), "at", "at + the scenario's horizon must be at most 100 years");
    w->orders.resize(params_.orders.size());
    if (const YamlNode* orders = map.get("orders")) read_orders(*orders, "orders", *w);
    w->stations.resize(spec_.stations.size());
    for (std::size_t s = 0; s < spec_.stations.size(); ++s)
      w->stations[s].servers.resize(static_cast<std::size_t>(spec_.stations[s].params.servers));
    w->sources.resize(spec_.sources.size());
    if (const YamlNode* sources = map.get("sources")) read_sources(*sources, "sources", *w);
    if (const YamlNode* list = map.get("waiting_at_sources")) {
      scenario::for_each_item(ctx_, *list, "waiting_at_sources", "a list of parts", [&](const YamlNode& item, const std::string& path, std::size_t) {
        models::WarmPart part;
        std::int32_t station = -1;
        if (!read_part(item, path, part, PartKind::AT_SOURCE, station, nullptr)) return;
        part.step = 0;
        const std::int64_t source = source_of(part);
        if (source >= 0) w->sources[static_cast<std::size_t>(source)].waiting.push_back(part);
        else w->in_transit.push_back(part);  // no source makes it: it joins its first station
      });
    }
    if (const YamlNode* stations = map.get_required("stations")) read_stations(*stations, "stations", *w);
    if (const YamlNode* list = map.get("in_transit")) {
      scenario::for_each_item(ctx_, *list, "in_transit", "a list of parts", [&](const YamlNode& item, const std::string& path, std::size_t) {
        models::WarmPart part;
        std::int32_t station = -1;
        if (read_part(item, path, part, PartKind::TRANSIT, station, nullptr)) w->in_transit.push_back(part);
      });
    }
    if (const YamlNode* list = map.get("vehicles")) read_vehicles(*list, "vehicles", *w);
    map.finish();
    if (ctx_.error_count() > 0) return nullptr;
    return w;
  }

 private:
  enum class PartKind { AT_SOURCE, WAITING, ON_SERVER, TRANSIT };

  std::optional<std::size_t> lookup(const std::unordered_map<std::string, std::size_t>& index,
                                    const std::vector<std::string>& ids, const YamlNode& node, const std::string& path,
                                    const char* what) {
    const std::string* text = scenario::scalar_text(ctx_, node, path, std::string("a ") + what + " id");
    if (text == nullptr) return std::nullopt;
    const auto it = index.find(*text);
    if (it == index.end()) {
      ctx_.error(node, path, "unknown " + std::string(what) + " '" + *text + "'" + ctx_.suggest(*text, ids) + " (not in the scenario)");
      return std::nullopt;
    }
    return it->second;
  }

  /// The order index of an id: the scenario's, the state's extra ones, or a new extra one.
  std::int32_t order_index(const std::string& id) {
    const auto it = orders_.find(id);
    return it == orders_.end() ? -1 : static_cast<std::int32_t>(it->second);
  }

  // A map product -> count (an order's released_parts, scrapped_parts) into counts by product index.
  void read_counts(MapReader& outer, const char* key, std::vector<std::int64_t>& counts) {
    const YamlNode* node = outer.get(key);
    if (node == nullptr) return;
    MapReader m(ctx_, *node, outer.child_path(key), "a map of product to count");
    if (!m.valid()) return;
    counts.assign(spec_.products.size(), 0);
    for (const scenario::YamlEntry* entry : m.entries()) {
      const std::string path = m.child_path(entry->key->text);
      const auto p = lookup(products_, product_ids_, *entry->key, path, "product");
      const auto n = scenario::IntegerIn<std::int64_t>{0, 1'000'000'000}(ctx_, *entry->value, path);
      if (p && n) counts[*p] = *n;
    }
  }

  void read_orders(const YamlNode& list, const std::string& path, models::WarmStart& w) {
    scenario::for_each_item(ctx_, list, path, "a list of orders", [&](const YamlNode& item, const std::string& item_path, std::size_t) {
      MapReader m(ctx_, item, item_path, "an order (a map with id, product, released, left)");
      if (!m.valid()) return;
      std::string id;
      std::size_t product = 0;
      std::int64_t released = 0, left = 0;
      Tick release = 0, done = -1;
      m.required("id", id, scenario::read_string);
      const YamlNode* pn = m.get_required("product");
      const auto p = pn != nullptr ? lookup(products_, product_ids_, *pn, m.child_path("product"), "product") : std::nullopt;
      if (p) product = *p;
      m.required("released", released, scenario::IntegerIn<std::int64_t>{0, 10'000'000});
      m.required("left", left, scenario::IntegerIn<std::int64_t>{0, 10'000'000});
      m.optional("release", release, scenario::read_duration);
      std::vector<std::int64_t> released_parts, scrapped_parts;
      read_counts(m, "released_parts", released_parts);
      read_counts(m, "scrapped_parts", scrapped_parts);
      std::vector<std::int64_t> exited_parts, consumed_parts;
      read_counts(m, "exited_parts", exited_parts);
      read_counts(m, "consumed_parts", consumed_parts);
      std::optional<Tick> d;
      m.optional("done", d, scenario::read_duration);
      if (d) done = *d;
      if (left > released)
        ctx_.error(*m.get("left"), m.child_path("left"),
                   std::to_string(left) + " parts left, more than the " + std::to_string(released) + " released");
      if (m.has("release")) not_after_at(m, "release", release);
      not_after_at(m, "done", d);
      if (id.empty() || !p) return;
      std::int32_t o = order_index(id);
      if (o < 0) {
        // An order of the log the plan does not have: it joins the plant's orders.
        o = static_cast<std::int32_t>(params_.orders.size() + w.extra_orders.size());
        orders_.emplace(id, static_cast<std::size_t>(o));
        w.extra_orders.push_back(models::OrderParams{id, "state", static_cast<models::ProductIndex>(product), std::max<std::int64_t>(released, 1),
                                                     release, std::nullopt});
        w.orders.resize(static_cast<std::size_t>(o) + 1);
      }
      models::WarmOrder& wo = w.orders[static_cast<std::size_t>(o)];
      wo.released = true;
      wo.released_parts = std::move(released_parts);
      wo.scrapped_parts = std::move(scrapped_parts);
      wo.exited_parts = std::move(exited_parts);
      wo.consumed_parts = std::move(consumed_parts);
      wo.left = left;
      wo.done = done;
    });
  }

  /// Where each vehicle was last seen (it starts parked there) and its `battery`.
  void read_vehicles(const YamlNode& list, const std::string& path, models::WarmStart& w) {
    std::map<std::string, models::WarmVehicle, std::less<>> vehicles;
    std::vector<std::string> with_battery, nodes;
    std::set<std::string, std::less<>> conveyors;
    if (params_.transport) {
      for (std::size_t f = 0; f < params_.transport->fleets.size(); ++f) {
        const models::FleetParams& fleet = params_.transport->fleets[f];
        for (std::size_t k = 0; k < static_cast<std::size_t>(fleet.vehicles); ++k) {
          models::WarmVehicle v;
          v.fleet = f;
          v.vehicle = k;
          vehicles.emplace(models::vehicle_name(fleet, k), v);
          if (fleet.battery) with_battery.push_back(models::vehicle_name(fleet, k));
        }
      }
      for (const models::ConveyorParams& c : params_.transport->conveyors) conveyors.insert(c.id);
      if (params_.transport->layout) nodes = params_.transport->layout->node_ids;
    }
    // What an id in `vehicles` that is no vehicle and no conveyor names instead, if anything.
    const auto named_instead = [&](const std::string& id) -> std::string {
      if (!params_.transport) return {};
      for (const models::FleetParams& fleet : params_.transport->fleets)
        if (fleet.id == id) {
          const auto last = static_cast<std::size_t>(fleet.vehicles - 1);
          return "'" + id + "' is a fleet: a vehicle is named by its fleet and number, '" + models::vehicle_name(fleet, 0) + "'" +
                 (last > 0 ? " to '" + models::vehicle_name(fleet, last) + "'" : "");
        }
      for (const models::ArmParams& arm : params_.transport->arms)
        if (arm.id == id) return "arm '" + id + "': an arm has no battery, and its cycle in progress is not restored";
      return {};
    };
    std::set<std::string> restored;
    const auto read = [&](const YamlNode& item, const std::string& item_path, std::size_t) {
      MapReader m(ctx_, item, item_path, "a vehicle (a map with id, at or from and to, since, free_since, battery)");
      if (!m.valid()) return;
      std::string id, at, from, to;
      std::optional<double> battery;
      std::optional<Tick> since, free_since;
      std::optional<bool> loaded;
      m.required("id", id, scenario::read_string);
      m.optional("at", at, scenario::read_string);
      m.optional("from", from, scenario::read_string);
      m.optional("to", to, scenario::read_string);
      m.optional("loaded", loaded, scenario::read_bool);
      m.optional("since", since, scenario::read_duration);
      not_after_at(m, "since", since);
      m.optional("free_since", free_since, scenario::read_duration);
      not_after_at(m, "free_since", free_since);
      m.optional("battery", battery, scenario::NumberIn{0, models::BatteryParams::MAX_ENERGY});
      m.finish();
      const auto it = vehicles.find(id);
      const bool has_battery = std::find(with_battery.begin(), with_battery.end(), id) != with_battery.end();
      if (battery && !has_battery) {
        const std::string instead = it == vehicles.end() ? named_instead(id) : std::string();
        const std::string what = it != vehicles.end()   ? "vehicle '" + id + "' has no battery (its fleet has no `battery`)"
                                 : conveyors.count(id) ? "conveyor '" + id + "' has no battery (only a fleet's vehicles have one)"
                                 : !instead.empty()    ? instead
                                                       : "'" + id + "' is not a vehicle of a fleet with a battery" +
                                                             ctx_.suggest(id, with_battery) + " (not in the scenario)";
        ctx_.error(*m.get("battery"), m.child_path("battery"), what);
        return;
      }
      if (m.has("from") != m.has("to") || (m.has("at") && m.has("from"))) {
        ctx_.error(item, item_path, "a vehicle is `at` a node, or on a segment `from` one `to` another (both)");
        return;
      }
      if (id.empty()) {
        ctx_.error(*m.get("id"), m.child_path("id"), "an empty id (a vehicle's or conveyor's id)");
        return;
      }
      if (it == vehicles.end() && conveyors.count(id) == 0) {
        const std::string instead = named_instead(id);
        ctx_.warning(item, item_path,
                     (instead.empty() ? "no vehicle or conveyor '" + id + "' in the scenario" : instead) + ": ignored");
        return;
      }
      // Listed twice: the second is refused (a vehicle's once it is valid).
      const auto twice = [&] {
        if (restored.insert(id).second) return false;
        ctx_.error(item, item_path, (it != vehicles.end() ? "vehicle '" : "conveyor '") + id + "' is already in the state");
        return true;
      };
      if (it == vehicles.end()) {
        // A conveyor: its items are not restored (docs/twin.md), nor is where it was seen.
        if (!twice() && (m.has("at") || m.has("from")))
          ctx_.warning(item, item_path,
                       "conveyor '" + id + "': where it was seen is not restored (its items start off the belt): ignored");
        return;
      }
      models::WarmVehicle v = it->second;
      // A node of the layout, by its key; nullopt (reported) when the layout has none of that name.
      const auto node_at = [&](const char* key, const std::string& node) -> std::optional<topology::NodeIndex> {
        const auto n = std::find(nodes.begin(), nodes.end(), node);
        if (n != nodes.end()) return static_cast<topology::NodeIndex>(n - nodes.begin());
        ctx_.error(*m.get(key), m.child_path(key),
                   "unknown node '" + node + "'" + ctx_.suggest(node, nodes) + " (not in the layout)");
        return std::nullopt;
      };
      // On a segment, it starts at the segment's end `to`; `from` must name a node all the same.
      if (m.has("from") && !node_at("from", from)) return;
      const char* key = m.has("at") ? "at" : m.has("to") ? "to" : nullptr;
      if (key != nullptr) {
        const std::string& node = m.has("at") ? at : to;
        v.node = node_at(key, node);
        if (!v.node) return;
        // It must find its way home from there (a node of another fleet's network is no place for it).
        const models::FleetParams& fleet = params_.transport->fleets[v.fleet];
        const topology::PathTable& paths = params_.transport->layout->paths;
        if (paths.distance(static_cast<std::size_t>(paths.slot_of(fleet.home)), *v.node) == topology::UNREACHABLE) {
          ctx_.error(*m.get(key), m.child_path(key),
                     "fleet '" + fleet.id + "' has no path from node '" + node + "' to its home '" + nodes[fleet.home] + "'");
          return;
        }
      }
      if (battery) {
        const double capacity = params_.transport->fleets[v.fleet].battery->capacity_wh;
        if (*battery > capacity) {
          ctx_.error(*m.get("battery"), m.child_path("battery"),
                     run::format_number(*battery) + " Wh, more than the capacity of " + run::format_number(capacity) + " Wh");
          return;
        }
      }
      if (twice()) return;
      v.since = free_since ? *free_since : since.value_or(0);
      v.battery_wh = battery;
      w.vehicles.push_back(v);
    };
    scenario::for_each_item(ctx_, list, path, "a list of vehicles", read);
  }

  void read_sources(const YamlNode& list, const std::string& path, models::WarmStart& w) {
    scenario::for_each_item(ctx_, list, path, "a list of sources", [&](const YamlNode& item, const std::string& item_path, std::size_t) {
      MapReader m(ctx_, item, item_path, "a source (a map with id, released, last_release)");
      if (!m.valid()) return;
      std::string id;
      std::int64_t released = 0;
      std::optional<Tick> last;
      m.required("id", id, scenario::read_string);
      m.optional("released", released, scenario::IntegerIn<std::int64_t>{0, INT64_MAX});
      m.optional("last_release", last, scenario::read_duration);
      not_after_at(m, "last_release", last);
      for (std::size_t s = 0; s < spec_.sources.size(); ++s)
        if (spec_.sources[s].id == id) {
          w.sources[s].created = static_cast<std::uint64_t>(released);
          w.sources[s].last_release = last;
          return;
        }
      if (!id.empty()) ctx_.warning(item, item_path, "no source '" + id + "' in the scenario: ignored");
    });
  }

  /// The source a waiting part belongs to: its order's, else the one source making its product.
  std::int64_t source_of(const models::WarmPart& part) const {
    if (part.order >= 0 && static_cast<std::size_t>(part.order) < params_.orders.size()) {
      const std::string& source = params_.orders[static_cast<std::size_t>(part.order)].source;
      for (std::size_t s = 0; s < params_.sources.size(); ++s)
        if (params_.sources[s].id == source) return static_cast<std::int64_t>(s);
    }
    if (part.order < 0) {
      const std::vector<std::int32_t> by_product = sources_of_products(spec_);
      return by_product[part.product];
    }
    return -1;
  }

  bool read_part(const YamlNode& node, const std::string& path, models::WarmPart& part, PartKind kind, std::int32_t station,
                 MapReader* outer) {
    std::optional<MapReader> own;
    if (outer == nullptr) own.emplace(ctx_, node, path, "a part (a map with part, product, released)");
    MapReader& m = outer != nullptr ? *outer : *own;
    if (!m.valid()) return false;
    const std::size_t errors = ctx_.error_count();
    std::string id, order;
    m.required("part", id, scenario::read_string);
    const YamlNode* pn = m.get_required("product");
    const auto p = pn != nullptr ? lookup(products_, product_ids_, *pn, m.child_path("product"), "product") : std::nullopt;
    if (m.optional("order", order, scenario::read_string) && m.has("order")) {
      part.order = order_index(order);
      if (part.order < 0) ctx_.error(*m.get("order"), m.child_path("order"), "order '" + order + "' is neither the scenario's nor in the state's orders");
    }
    if (m.required("released", part.released, scenario::read_duration)) not_after_at(m, "released", part.released);
    m.optional("attempts", part.attempts, scenario::IntegerIn<std::uint32_t>{0, 1'000'000});
    std::string carrier;
    std::optional<std::int64_t> step;
    switch (kind) {
      case PartKind::AT_SOURCE: break;
      case PartKind::WAITING:
        if (Tick entered = 0; m.optional("entered", entered, scenario::read_duration) && m.has("entered")) {
          part.entered = entered;
          not_after_at(m, "entered", entered);
        }
        m.optional("step", step, scenario::IntegerIn<std::int64_t>{0, 1'000'000});
        break;
      case PartKind::ON_SERVER: m.optional("step", step, scenario::IntegerIn<std::int64_t>{0, 1'000'000}); break;
      case PartKind::TRANSIT:
        m.required("next_step", step, scenario::IntegerIn<std::int64_t>{0, 1'000'000});
        m.optional("carrier", carrier, scenario::read_string);
        break;
    }
    if (!p || ctx_.error_count() != errors) return false;
    part.name = id;
    if (!id.empty()) {
      // One part is in one place.
      const auto [first, added] = part_paths_.emplace(id, path);
      if (!added) {
        ctx_.error(*m.get("part"), m.child_path("part"), "part '" + id + "' is already in the state, at " + first->second);
        return false;
      }
    }
    part.product = static_cast<models::ProductIndex>(*p);
    const auto& route = params_.products[*p].route;
    if (kind == PartKind::TRANSIT) {
      if (step && static_cast<std::size_t>(*step) > route.size()) {
        ctx_.error(*m.get("next_step"), m.child_path("next_step"),
                   "product '" + spec_.products[*p].id + "' has " + std::to_string(route.size()) + " step(s) in its route");
        return false;
      }
      part.step = static_cast<std::uint32_t>(step.value_or(0));
      return part.step < route.size();  // a part past its last step has left
    }
    if (station >= 0) {
      // Its step at this station: as given, else its first visit.
      std::optional<std::size_t> at;
      if (step) {
        const std::string& station_id = spec_.stations[static_cast<std::size_t>(station)].id;
        if (static_cast<std::size_t>(*step) >= route.size()) {
          ctx_.error(*m.get("step"), m.child_path("step"),
                     "step " + std::to_string(*step) + ": product '" + spec_.products[*p].id + "' has " + std::to_string(route.size()) +
                         " step(s) in its route, counted from 0");
          return false;
        }
        const std::size_t there = route[static_cast<std::size_t>(*step)].station;
        if (there != static_cast<std::size_t>(station)) {
          ctx_.error(*m.get("step"), m.child_path("step"),
                     "step " + std::to_string(*step) + " of product '" + spec_.products[*p].id + "' is at station '" +
                         spec_.stations[there].id + "', not at '" + station_id + "'");
          return false;
        }
        at = static_cast<std::size_t>(*step);
      }
      for (std::size_t k = 0; k < route.size() && !at; ++k)
        if (route[k].station == static_cast<std::size_t>(station)) at = k;
      if (!at) {
        ctx_.error(node, path, "product '" + spec_.products[*p].id + "' does not visit station '" +
                                   spec_.stations[static_cast<std::size_t>(station)].id + "'");
        return false;
      }
      part.step = static_cast<std::uint32_t>(*at);
    }
    return true;
  }

  void read_stations(const YamlNode& list, const std::string& path, models::WarmStart& w) {
    scenario::for_each_item(ctx_, list, path, "a list of stations", [&](const YamlNode& item, const std::string& item_path, std::size_t) {
      MapReader m(ctx_, item, item_path, "a station (a map with id, waiting, servers)");
      if (!m.valid()) return;
      const YamlNode* idn = m.get_required("id");
      const auto s = idn != nullptr ? lookup(stations_, station_ids_, *idn, m.child_path("id"), "station") : std::nullopt;
      if (!s) {
        m.ignore_rest();
        return;
      }
      models::WarmStation& ws = w.stations[*s];
      const auto station = static_cast<std::int32_t>(*s);
      if (const YamlNode* waiting = m.get("waiting"))
        scenario::for_each_item(ctx_, *waiting, m.child_path("waiting"), "a list of parts",
                                [&](const YamlNode& pi, const std::string& pp, std::size_t) {
                                  models::WarmPart part;
                                  if (read_part(pi, pp, part, PartKind::WAITING, station, nullptr)) ws.waiting.push_back(part);
                                });
      if (const YamlNode* servers = m.get("servers"))
        scenario::for_each_item(ctx_, *servers, m.child_path("servers"), "a list of servers",
                                [&](const YamlNode& si, const std::string& sp, std::size_t) { read_server(si, sp, ws, station); });
    });
  }

  void read_server(const YamlNode& node, const std::string& path, models::WarmStation& ws, std::int32_t station) {
    MapReader m(ctx_, node, path, "a server (a map with server, state, ...)");
    if (!m.valid()) return;
    const int servers = spec_.stations[static_cast<std::size_t>(station)].params.servers;
    int k = -1;
    if (!m.required("server", k, scenario::IntegerIn<int>{0, servers - 1})) {
      m.ignore_rest();
      return;
    }
    models::WarmServer& w = ws.servers[static_cast<std::size_t>(k)];
    // What it showed: informational but for an operator's wait (they ask last).
    std::optional<models::ServerState> state;
    std::vector<std::pair<std::string, models::ServerState>> state_names;
    for (const models::ServerStateInfo& info : models::SERVER_STATES) state_names.emplace_back(info.name, info.state);
    m.optional("state", state, scenario::Choice<models::ServerState>{std::move(state_names)});
    w.waits_operator = state == models::ServerState::WAITING_OPERATOR;
    using Act = models::WarmServer::Activity;
    Act activity = Act::NONE;
    m.optional("activity", activity, scenario::Choice<Act>{{{"setup", Act::SETUP}, {"working", Act::WORK}, {"finished", Act::FINISHED}}});
    std::optional<Tick> started, done, finished, down_since, last_repair, since_repair, working_since;
    m.optional("started", started, scenario::read_duration);
    m.optional("done", done, scenario::read_duration);
    m.optional("finished", finished, scenario::read_duration);
    m.optional("down_since", down_since, scenario::read_duration);
    m.optional("last_repair", last_repair, scenario::read_duration);
    m.optional("time_since_repair", since_repair, scenario::read_duration);
    m.optional("working_since_repair", working_since, scenario::read_duration);
    const auto maintenance_key = [&](const char* key, std::optional<Tick>& out) {
      if (Tick v = 0; m.optional(key, v, scenario::read_duration) && m.has(key)) out = v;
    };
    maintenance_key("maintenance_since", w.maintenance_since);
    maintenance_key("last_maintenance", w.last_maintenance);
    maintenance_key("working_since_maintenance", w.working_since_maintenance);
    for (const auto& [key, t] : {std::pair{"started", started}, {"finished", finished}, {"down_since", down_since},
                                 {"last_repair", last_repair}, {"maintenance_since", w.maintenance_since},
                                 {"last_maintenance", w.last_maintenance}})
      not_after_at(m, key, t);
    if (state == models::ServerState::DOWN && !down_since)
      ctx_.warning(*m.get("state"), m.child_path("state"),
                   "a server shown down without down_since (when it failed) starts up: give down_since to resume its repair");
    const auto product_key = [&](const char* key, std::int64_t& out) {
      if (const YamlNode* n = m.get(key))
        if (const auto p = lookup(products_, product_ids_, *n, m.child_path(key), "product")) out = static_cast<std::int64_t>(*p);
    };
    product_key("last_product", w.last_product);
    product_key("setup_from", w.setup_from);
    w.activity = activity;
    if (activity != Act::NONE) {
      const YamlNode* batch = m.get("batch");
      const bool batches = spec_.stations[static_cast<std::size_t>(station)].params.batch.has_value();
      if (batch != nullptr && !batches)
        ctx_.error(*batch, m.child_path("batch"), "station '" + spec_.stations[static_cast<std::size_t>(station)].id + "' does not work in batches");
      if (!read_part(node, path, w.part, PartKind::ON_SERVER, station, &m)) {
        w.activity = Act::NONE;
        m.ignore_rest();
        return;
      }
      w.done = done.value_or(0);
      w.finished_at = finished.value_or(0);
      if (batch != nullptr && batches)
        scenario::for_each_item(ctx_, *batch, m.child_path("batch"), "a list of parts",
                                [&](const YamlNode& pi, const std::string& pp, std::size_t) {
                                  models::WarmPart part;
                                  if (read_part(pi, pp, part, PartKind::ON_SERVER, station, nullptr)) w.batch.push_back(part);
                                });
    } else {
      for (const char* key : {"part", "product", "order", "released", "attempts", "step", "batch"}) m.get(key);
    }
    if (down_since) {
      w.down = true;
      w.repair_done = std::max<Tick>(0, at_ - *down_since);
    }
    const auto& failures = spec_.stations[static_cast<std::size_t>(station)].params.failures;
    const bool operating = failures && failures->basis == models::FailureParams::Basis::OPERATING;
    w.ttf_done = operating ? working_since.value_or(0) : since_repair.value_or(0);
  }

 public:
  Tick at_ = 0;  // set before the stations are read (repair times are relative to it)
  bool at_known_ = false;  // whether `at` was read (else instants are not checked against it)

 private:
  /// An instant of the state (`key`, when given) is at `at` or before it.
  void not_after_at(MapReader& m, const char* key, const std::optional<Tick>& t) {
    if (at_known_ && t && *t > at_)
      ctx_.error(*m.get(key), m.child_path(key),
                 kernel::seconds_text(*t) + " is after the state's time (at: " + kernel::seconds_text(at_) + ")");
  }
  std::unordered_map<std::string, std::string> part_paths_;  // part id -> where the state first has it (lookup only)

  ReadContext& ctx_;
  const scenario::ScenarioSpec& spec_;
  models::PlantParams params_;
  std::unordered_map<std::string, std::size_t> stations_, products_, orders_;
  std::vector<std::string> station_ids_, product_ids_;
  int version_ = 1;
};

}  // namespace

namespace {

/// A state lists every order the log released and every part in the plant: 120,000 orders or
/// 160,000 parts in progress write about 15 MiB and 1.8 million YAML nodes, past a scenario's
/// limits (16 MiB, a million nodes); `run --from` reads and runs such a state in 250 to 320 MiB.
/// Four times that is still read (64 MiB, 8 million nodes, each read once or twice); more is
/// refused with a located error.
constexpr scenario::YamlDocument::Limits STATE_LIMITS{64u << 20, 8'000'000, 16'000'000};

}  // namespace

LoadedState load_state_text(const std::string& text, const std::string& file, const scenario::ScenarioSpec& spec) {
  LoadedState out;
  out.file = file;
  scenario::YamlDocument document(STATE_LIMITS);
  ReadContext ctx(document);
  static const FamilyResidual residual;
  if (const YamlNode* root = scenario::parse_document(ctx, text, file)) {
    StateReader reader(ctx, spec);
    // `at` first: a server's repair time so far is `at` minus its failure.
    if (root->is_map())
      if (const scenario::YamlEntry* at = root->find("at")) {
        std::string error;
        if (at->value->is_scalar())
          if (const auto t = scenario::parse_duration_ticks(at->value->text, &error)) {
            reader.at_ = *t;
            reader.at_known_ = true;
          }
      }
    if (auto w = reader.read(*root)) {
      w->residual = &residual;
      out.warm = std::move(w);
    }
  }
  ctx.flush(out.diagnostics);
  if (out.diagnostics.has_errors()) out.warm.reset();
  return out;
}

LoadedState load_state(const std::string& path, const scenario::ScenarioSpec& spec) {
  std::vector<scenario::Diagnostic> errors;
  const auto text = scenario::read_text_file(path, errors, STATE_LIMITS.bytes);
  if (!text) {
    LoadedState out;
    out.file = path;
    for (const auto& d : errors) out.diagnostics.error(d.mark, d.path, d.message);
    return out;
  }
  return load_state_text(*text, path, spec);
}

void add_forecast(Json& doc, const models::WarmStart& state, const std::string& state_file) {
  Json f = Json::object();
  const double from = kernel::to_seconds(state.at);
  const Json* horizon = doc.find("horizon_s");
  f["state"] = state_file;
  f["from_s"] = from;
  f["until_s"] = from + (horizon != nullptr ? horizon->number() : 0.0);
  const Json* kpis = doc.find("kpis");
  for (const char* name : {"throughput_per_h", "completed", "lead_time_s", "wip"}) {
    const Json* k = kpis != nullptr ? kpis->find(name) : nullptr;
    if (k == nullptr) continue;
    Json j = Json::object();
    j["mean"] = *k->find("mean");
    j["ci95"] = *k->find("ci95");
    f[name] = std::move(j);
  }
  Json& orders = f["orders"] = Json::array();
  const Json* all = doc.find("orders");
  const Json* by_order = all != nullptr ? all->find("by_order") : nullptr;
  if (by_order != nullptr) {
    std::size_t i = 0;
    for (const auto& [id, o] : by_order->members()) {
      const bool done_before = i < state.orders.size() && state.orders[i].released && state.orders[i].done >= 0;
      ++i;
      if (done_before) continue;  // done before the state's time: nothing to forecast
      std::vector<double> done;
      std::size_t reps = 0;
      if (const Json* d = o.find("done_s"))
        for (const Json& v : d->find("values")->items()) {
          ++reps;
          if (v.is_number() && std::isfinite(v.number())) done.push_back(v.number());
        }
      Json j = Json::object();
      j["id"] = id;
      j["product"] = *o.find("product");
      j["due_s"] = *o.find("due_s");
      const Json* on_time = o.find("on_time");
      const double p_done = reps > 0 ? static_cast<double>(done.size()) / static_cast<double>(reps) : 0.0;
      // Due after the window and not always done in it: the window cannot tell.
      const Json* due = o.find("due_s");
      const bool unknown = due != nullptr && due->is_number() && due->number() > f.find("until_s")->number() && p_done < 1;
      j["p_on_time"] = on_time != nullptr && !unknown ? *on_time->find("mean") : Json();
      j["p_done"] = p_done;
      Json d = Json::object();
      const kernel::Summary s = kernel::Summary::of(done);
      d["mean"] = done.empty() ? Json() : Json(s.mean);
      d["ci95"] = done.empty() ? Json() : Json(s.ci95);
      j["done_s"] = std::move(d);
      orders.push_back(std::move(j));
    }
  }
  if (const Json* b = doc.find("bottleneck")) f["bottleneck"] = *b;
  // After the KPIs: the headline of a run from a state.
  auto& members = doc.members();
  auto at = std::find_if(members.begin(), members.end(), [](const auto& m) { return m.first == "kpis"; });
  members.insert(at == members.end() ? members.end() : at + 1, {"forecast", std::move(f)});
}

}  // namespace plantwin::twin
