#include "scenario/transport.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "scenario/checks.hpp"
#include "scenario/declared.hpp"
#include "scenario/id_index.hpp"
#include "scenario/text.hpp"
#include "topology/path_network.hpp"
#include "scenario/transport_layout.hpp"

namespace plantwin::scenario {

namespace {

using namespace transport_layout;

constexpr std::int64_t MAX_TOTAL_VEHICLES = 100'000;
// The run's table of shortest paths holds one distance and one segment (12 bytes) per
// destination and node: 25 million entries are 300 MB in every replication.
constexpr std::size_t MAX_PATH_TABLE_ENTRIES = 25'000'000;

class TransportChecker {
 public:
  TransportChecker(ReadContext& ctx, const ScenarioSpec& spec)
      : ctx_(ctx), spec_(spec), t_(spec.transport), station_index_(spec.stations) {
    for (const StationSpec& s : spec.stations) {
      stations_named_ = stations_named_ && !s.id.empty();
      station_ids_.push_back(s.id);
    }
  }

  void run(bool routes_ok) {
    check_ids();
    if (t_.layout) check_layout(*t_.layout);
    check_fleets();
    check_arms();
    if (routes_ok) check_vias();
    if (routes_ok && t_.layout && layout_.complete) check_reachable();
  }

 private:
  struct Leg;  // a fleet's trip between two stations (below)
  void check_ids() {
    std::vector<Declaration> transport, nodes, segments;
    for (std::size_t i = 0; i < t_.fleets.size(); ++i)
      transport.push_back({t_.fleets[i].params.id, t_.fleets[i].mark, item_path("fleets", i) + ".id", "fleet"});
    for (std::size_t i = 0; i < t_.conveyors.size(); ++i)
      transport.push_back({t_.conveyors[i].params.id, t_.conveyors[i].mark, item_path("conveyors", i) + ".id", "conveyor"});
    for (std::size_t i = 0; i < t_.arms.size(); ++i)
      transport.push_back({t_.arms[i].params.id, t_.arms[i].mark, item_path("arms", i) + ".id", "arm"});
    check_unique(ctx_, transport);
    if (!t_.layout) return;
    for (std::size_t i = 0; i < t_.layout->nodes.size(); ++i)
      nodes.push_back({t_.layout->nodes[i].id, t_.layout->nodes[i].mark, item_path("layout.nodes", i) + ".id", "node"});
    check_unique(ctx_, nodes);
    for (const SegmentSpec& s : t_.layout->segments) segments.push_back({s.id, s.mark, s.path + ".id", "segment"});
    check_unique(ctx_, segments);
  }

  /// Reports an unknown node id (with "did you mean"); true when it is known.
  bool known_node(const std::string& id, const Mark& at, const std::string& path) {
    if (!t_.layout) return false;
    if (layout_.find(id)) return true;
    ctx_.error(at, path, "unknown node " + quoted(id, '\'') + ctx_.suggest(id, node_ids_));
    return false;
  }

  void check_layout(const LayoutSpec& layout) {
    layout_ = resolve_layout(layout);
    for (const NodeSpec& n : layout.nodes) node_ids_.push_back(n.id);
    for (const SegmentSpec& s : layout.segments) {
      const std::string& path = s.path;
      const bool from_ok = known_node(s.from, s.from_mark, s.from_path);
      const bool to_ok = known_node(s.to, s.to_mark, s.to_path);
      if (!from_ok || !to_ok) continue;
      if (s.from == s.to) {
        ctx_.error(s.to_mark, path, "a segment joins two different nodes; both ends are " + quoted(s.from, '\''));
        continue;
      }
      const NodeSpec &a = layout.nodes[*layout_.find(s.from)], &b = layout.nodes[*layout_.find(s.to)];
      if (!s.length && !(std::hypot(b.x - a.x, b.y - a.y) > 0))
        ctx_.error(s.mark, path,
                   "segment " + quoted(segment_name(s), '\'') + " has length 0: nodes " + quoted(s.from, '\'') + " and " +
                       quoted(s.to, '\'') + " are at the same place; give it a `length`");
    }
    for (const PlaceSpec& p : layout.places) {
      const std::string path = "layout.places." + p.station;
      written_places_.insert(p.station);
      if (stations_named_ && !station_index_.contains(p.station)) {
        ctx_.error(p.station_mark, "layout.places",
                   "unknown station " + quoted(p.station, '\'') + ctx_.suggest(p.station, station_ids_));
        places_known_ = false;
      }
      if (known_node(p.node, p.node_mark, path)) place_.emplace(p.station, *layout_.find(p.node));
    }
  }

  void check_fleets() {
    std::int64_t vehicles = 0;
    for (std::size_t i = 0; i < t_.fleets.size(); ++i) {
      const FleetSpec& f = t_.fleets[i];
      const std::string path = item_path("fleets", i);
      // Each vehicle costs memory in every replication: a file cannot ask for millions of them.
      if (vehicles <= MAX_TOTAL_VEHICLES && (vehicles += f.params.vehicles) > MAX_TOTAL_VEHICLES)
        ctx_.error(f.mark, path,
                   "the fleets of a scenario have at most " + std::to_string(MAX_TOTAL_VEHICLES) +
                       " vehicles in all; this fleet brings them to " + std::to_string(vehicles));
      if (!t_.layout) {
        ctx_.error(f.mark, path, "a fleet needs a layout: add `layout` with the nodes and segments its vehicles drive on");
        continue;
      }
      known_node(f.home, f.home_mark, path + ".home");
      if (f.battery)
        for (std::size_t c = 0; c < f.battery->chargers.size(); ++c)
          known_node(f.battery->chargers[c], f.battery->charger_marks[c], item_path(path + ".battery.chargers", c));
    }
  }

  void check_arms() {
    std::unordered_map<std::string, const ArmSpec*> served_by;
    for (std::size_t i = 0; i < t_.arms.size(); ++i) {
      const ArmSpec& a = t_.arms[i];
      for (std::size_t k = 0; k < a.stations.size(); ++k) {
        const std::string& s = a.stations[k];
        const std::string path = item_path(item_path("arms", i) + ".stations", k);
        if (stations_named_ && !station_index_.contains(s)) {
          ctx_.error(a.station_marks[k], path, "unknown station " + quoted(s, '\'') + ctx_.suggest(s, station_ids_));
          continue;
        }
        const auto [it, inserted] = served_by.emplace(s, &a);
        // A second arm of the same id: its duplicate id is the error.
        if (!inserted && (it->second == &a || it->second->params.id != a.params.id))
          ctx_.error(a.station_marks[k], path,
                     "station " + quoted(s, '\'') + " is already served by the arm " + quoted(it->second->params.id, '\'') +
                         (it->second == &a ? "" : " (line " + std::to_string(it->second->mark.line) + ")") +
                         "; a station has at most one arm");
      }
    }
  }

  void check_vias() {
    std::unordered_map<std::string, std::pair<char, std::size_t>> carriers;  // 'f' fleet, 'c' conveyor, 'a' arm
    std::vector<std::string> names;
    for (std::size_t i = 0; i < t_.fleets.size(); ++i) {
      carriers.emplace(t_.fleets[i].params.id, std::pair{'f', i});
      names.push_back(t_.fleets[i].params.id);
    }
    for (std::size_t i = 0; i < t_.conveyors.size(); ++i) {
      carriers.emplace(t_.conveyors[i].params.id, std::pair{'c', i});
      names.push_back(t_.conveyors[i].params.id);
    }
    for (std::size_t i = 0; i < t_.arms.size(); ++i) carriers.emplace(t_.arms[i].params.id, std::pair{'a', i});
    std::vector<bool> fleet_used(t_.fleets.size(), false), conveyor_used(t_.conveyors.size(), false);
    std::vector<const std::string*> conveyor_to(t_.conveyors.size(), nullptr);
    std::vector<std::string> conveyor_first_use(t_.conveyors.size());
    for (std::size_t p = 0; p < spec_.products.size(); ++p) {
      const ProductSpec& product = spec_.products[p];
      for (std::size_t k = 0; k < product.route.size(); ++k) {
        const std::string& via = product.route[k].via;
        if (via.empty()) continue;
        const Mark& at = product.route[k].via_mark;
        const std::string path = item_path(item_path("products", p) + ".route", k) + ".via";
        if (k == 0) {
          ctx_.error(at, path,
                     "parts reach the first station of their route from their source; only later steps can be "
                     "reached via a fleet or a conveyor");
          continue;
        }
        const auto it = carriers.find(via);
        if (it == carriers.end()) {
          ctx_.error(at, path, "unknown fleet or conveyor " + quoted(via, '\'') + ctx_.suggest(via, names));
          continue;
        }
        const auto [kind, index] = it->second;
        if (kind == 'a') {
          ctx_.error(at, path,
                     quoted(via, '\'') + " is a robot arm, which loads and unloads machines; a route step is reached via "
                                          "a fleet or a conveyor");
          continue;
        }
        if (kind == 'c') {
          conveyor_used[index] = true;
          for (const std::string& to : product.route[k].stations) {
            if (!conveyor_to[index]) {
              conveyor_to[index] = &to;
              conveyor_first_use[index] = item_path(item_path("products", p) + ".route", k);
            } else if (*conveyor_to[index] != to) {
              ctx_.error(at, path,
                         "conveyor " + quoted(via, '\'') + " delivers to " + quoted(*conveyor_to[index], '\'') + " (" +
                             conveyor_first_use[index] + "); a conveyor ends at one station, not also at " + quoted(to, '\''));
              break;
            }
          }
          continue;
        }
        fleet_used[index] = true;
        // Every pair of a station the part can leave and one it can go to (alternatives).
        for (const std::string& from_station : product.route[k - 1].stations)
          for (const std::string& to_station : product.route[k].stations)
            check_leg(index, via, from_station, to_station, at, path);
      }
    }
    // A second carrier of one id is never used by a route: its duplicate id is the error.
    const auto first_of_id = [&](const std::string& id, char kind, std::size_t i) {
      return carriers.at(id) == std::pair{kind, i};
    };
    for (std::size_t i = 0; i < t_.conveyors.size(); ++i)
      if (!conveyor_used[i] && first_of_id(t_.conveyors[i].params.id, 'c', i))
        ctx_.error(t_.conveyors[i].mark, item_path("conveyors", i),
                   "conveyor " + quoted(t_.conveyors[i].params.id, '\'') +
                       " carries no route step; use it in a route: {station: <next station>, via: " + t_.conveyors[i].params.id + "}");
    for (std::size_t i = 0; i < t_.fleets.size(); ++i)
      if (!fleet_used[i] && first_of_id(t_.fleets[i].params.id, 'f', i))
        ctx_.warning(t_.fleets[i].mark, item_path("fleets", i),
                     "fleet " + quoted(t_.fleets[i].params.id, '\'') + " carries no route step: its vehicles stay idle");
  }

  /// Every place a vehicle must be able to reach: from its home and from every place it becomes
  /// free at (a drop-off, home, a charger) to every pickup and charger; from a pickup to its
  /// drop-offs; back home when it returns home. Answered by the layout's strongly connected
  /// components, not by the run's table of shortest paths (places × nodes: 1.2 GB for 10,000
  /// places), which is refused here when it would be too large.
  void check_reachable() {
    std::vector<topology::NodeIndex> targets;
    for (const PlaceSpec& p : t_.layout->places)
      if (const auto node = layout_.find(p.node)) targets.push_back(*node);
    for (const FleetSpec& f : t_.fleets) {
      if (auto home = layout_.find(f.home)) targets.push_back(*home);
      if (f.battery)
        for (const std::string& c : f.battery->chargers)
          if (auto n = layout_.find(c)) targets.push_back(*n);
    }
    std::sort(targets.begin(), targets.end());
    targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
    const std::size_t nodes = t_.layout->nodes.size();
    if (targets.size() * nodes > MAX_PATH_TABLE_ENTRIES) {
      ctx_.error(t_.layout->mark, "layout",
                 "the vehicles' table of shortest paths would hold " + std::to_string(targets.size()) +
                     " destinations (places, homes and chargers) x " + std::to_string(nodes) + " nodes = " +
                     std::to_string(targets.size() * nodes) + " entries; at most " + std::to_string(MAX_PATH_TABLE_ENTRIES) +
                     " (use fewer nodes or fewer places)");
      return;
    }
    const topology::Reachability reach = topology::PathNetwork(nodes, layout_.segments).reachability();
    std::vector<std::vector<const Leg*>> legs_of(t_.fleets.size());  // in leg order
    for (const Leg& leg : legs_)
      if (leg.fleet < legs_of.size()) legs_of[leg.fleet].push_back(&leg);
    for (std::size_t i = 0; i < t_.fleets.size(); ++i) check_fleet_reach(i, legs_of[i], reach);
  }

  void check_fleet_reach(std::size_t index, const std::vector<const Leg*>& fleet_legs, const topology::Reachability& reach) {
    const FleetSpec& f = t_.fleets[index];
    const auto home = layout_.find(f.home);
    if (!home) return;
    std::vector<topology::NodeIndex> chargers;
    if (f.battery)
      for (const std::string& c : f.battery->chargers) {
        const auto n = layout_.find(c);
        if (!n) return;
        chargers.push_back(*n);
      }
    // The fleet's legs, each pair of places once (100,000 products may take the same leg).
    struct PlacedLeg {
      const Leg* leg;
      topology::NodeIndex from, to;
    };
    std::vector<PlacedLeg> legs;
    std::set<std::pair<topology::NodeIndex, topology::NodeIndex>> seen;
    for (const Leg* leg : fleet_legs) {
      const topology::NodeIndex from = place_.at(leg->from), to = place_.at(leg->to);
      if (seen.emplace(from, to).second) legs.push_back({leg, from, to});
    }
    // Every question below is answered yes when all the fleet's nodes lie in one strongly
    // connected component, the usual layout: then nothing is left to check.
    const std::uint32_t component = reach.component(*home);
    bool one_component = true;
    for (topology::NodeIndex c : chargers) one_component = one_component && reach.component(c) == component;
    for (const PlacedLeg& leg : legs)
      one_component = one_component && reach.component(leg.from) == component && reach.component(leg.to) == component;
    if (one_component) return;

    const std::string path = item_path("fleets", index);
    std::set<std::pair<topology::NodeIndex, topology::NodeIndex>> reported;
    const std::size_t errors_before = ctx_.error_count();
    // A layout cut in many pieces fails many pairs: the first errors say enough.
    const auto enough = [&] { return ctx_.error_count() - errors_before >= Diagnostics::MAX_ERRORS; };
    const auto check = [&](topology::NodeIndex from, topology::NodeIndex to, const Mark& at, const std::string& at_path,
                           const std::string& from_what, const std::string& to_what) {
      if (reach.reachable(from, to)) return true;
      if (reported.emplace(from, to).second)
        ctx_.error(at, at_path,
                   "fleet " + quoted(f.params.id, '\'') + " cannot drive from " + from_what + " to " + to_what +
                       ": no path on the layout (check the segments and their one_way)");
      return false;
    };
    const auto node_name = [&](topology::NodeIndex n) { return "node " + quoted(t_.layout->nodes[n].id, '\''); };
    const auto station_at = [&](const std::string& s) {
      return "station " + quoted(s, '\'') + " (" + node_name(place_.at(s)) + ")";
    };
    for (const auto& [leg, from, to] : legs) {
      if (enough()) return;
      check(from, to, leg->mark, leg->path, station_at(leg->from), station_at(leg->to));
      check(*home, from, f.home_mark, path + ".home", "its home (" + node_name(*home) + ")", station_at(leg->from));
      if (f.params.return_home)
        check(to, *home, leg->mark, leg->path, station_at(leg->to), "its home (" + node_name(*home) + ")");
      // After a delivery a vehicle takes any waiting request.
      for (const PlacedLeg& other : legs)
        if (reach.component(to) != reach.component(other.from) && !reach.reachable(to, other.from)) {
          if (enough()) return;
          check(to, other.from, leg->mark, leg->path, station_at(leg->to), station_at(other.leg->from));
        }
    }
    if (chargers.empty()) return;
    // Wherever a vehicle becomes free, it must reach a charger; after charging, every pickup and home.
    std::vector<std::pair<topology::NodeIndex, std::string>> free_at{{*home, "its home (" + node_name(*home) + ")"}};
    for (const PlacedLeg& leg : legs) free_at.emplace_back(leg.to, station_at(leg.leg->to));
    for (const auto& [node, what] : free_at) {
      if (enough()) return;
      bool any = false;
      for (topology::NodeIndex c : chargers) any = any || reach.reachable(node, c);
      if (!any && reported.emplace(node, chargers.front()).second)
        ctx_.error(f.battery->mark, path + ".battery",
                   "fleet " + quoted(f.params.id, '\'') + " cannot drive from " + what + " to any of its chargers: no path on the layout");
    }
    for (std::size_t c = 0; c < chargers.size(); ++c) {
      if (enough()) return;
      const std::string at_path = item_path(path + ".battery.chargers", c);
      const std::string what = "its charger " + quoted(f.battery->chargers[c], '\'');
      for (const PlacedLeg& leg : legs)
        check(chargers[c], leg.from, f.battery->charger_marks[c], at_path, what, station_at(leg.leg->from));
      if (f.params.return_home) check(chargers[c], *home, f.battery->charger_marks[c], at_path, what, "its home (" + node_name(*home) + ")");
    }
  }

  /// A move of fleet `index` from station `from` to `to`: both need a place on the layout; the
  /// pair is kept for the reachability checks.
  void check_leg(std::size_t index, const std::string& via, const std::string& from, const std::string& to,
                 const Mark& at, const std::string& path) {
    bool placed = true;
    // A place written with an unknown node, or a misspelt station in `places`, is reported
    // there already.
    for (const std::string* s : {&from, &to})
      if (t_.layout && places_known_ && !written_places_.count(*s) && station_index_.contains(*s)) {
        ctx_.error(at, path,
                   "station " + quoted(*s, '\'') + " has no place on the layout, so fleet " + quoted(via, '\'') +
                       " cannot " + (s == &from ? "pick parts up" : "deliver parts") + " there (add it to layout.places)");
        placed = false;
      }
    if (placed && t_.layout && place_.count(from) && place_.count(to)) legs_.push_back({index, from, to, at, path});
  }

  struct Leg {
    std::size_t fleet;
    std::string from, to;  // stations
    Mark mark;
    std::string path;
  };

  ReadContext& ctx_;
  const ScenarioSpec& spec_;
  const TransportSpec& t_;
  bool stations_named_ = true;
  std::vector<std::string> station_ids_, node_ids_;
  IdIndex station_index_;
  ResolvedLayout layout_;
  std::unordered_map<std::string, topology::NodeIndex> place_;  // station -> node, only queried
  std::unordered_set<std::string> written_places_;  // stations written in `places`, only queried
  bool places_known_ = true;  // every station in `places` exists
  std::vector<Leg> legs_;
};

}  // namespace

void check_transport(ReadContext& ctx, const ScenarioSpec& spec, bool routes_ok) {
  bool any_via = false;
  for (const ProductSpec& p : spec.products)
    for (const RouteEntrySpec& e : p.route) any_via = any_via || !e.via.empty();
  if (!spec.transport.any() && !any_via) return;
  // Checks across sections would only repeat an error of the transport sections in other words.
  if (!spec.transport.clean) return;
  TransportChecker(ctx, spec).run(routes_ok);
}

}  // namespace plantwin::scenario
