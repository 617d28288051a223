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
#include "scenario/text.hpp"
#include "topology/path_network.hpp"

namespace plantwin::scenario {

namespace {

constexpr double MAX_COORDINATE_M = 1e7;  // 10,000 km: any plant fits
constexpr double MAX_LENGTH_M = 1e7;
constexpr int MAX_ZONE_CAPACITY = 10'000;

const NumberIn COORDINATE{-MAX_COORDINATE_M, MAX_COORDINATE_M};
const NumberIn POSITIVE_LENGTH{0, MAX_LENGTH_M, true};


/// A reference to a node by id, read as any scalar (unknown ones are reported once every node is
/// known).
std::optional<std::string> read_node_ref(ReadContext& ctx, const YamlNode& node, const std::string& path) {
  const std::string* text = scalar_text(ctx, node, path, "a node id");
  if (!text) return std::nullopt;
  return *text;
}

// ---- layout -----------------------------------------------------------------------------------

NodeSpec read_node(ReadContext& ctx, const YamlNode& node, const std::string& path) {
  NodeSpec n;
  n.mark = ctx.mark(node);
  MapReader map(ctx, node, path, "a node (a map with id, x and y)");
  map.required("id", n.id, read_id);
  map.required("x", n.x, COORDINATE);
  map.required("y", n.y, COORDINATE);
  map.optional("capacity", n.capacity, IntegerIn<int>{1, MAX_ZONE_CAPACITY});
  return n;
}

/// One segment (`from`, `to`) or a chain of them (`path: [a, b, c]`).
void read_segment(ReadContext& ctx, const YamlNode& node, const std::string& path, std::vector<SegmentSpec>& out) {
  MapReader map(ctx, node, path, "a segment (a map with from and to, or with path)");
  if (!map.valid()) return;
  SegmentSpec s;
  s.mark = ctx.mark(node);
  s.path = path;
  s.from_path = map.child_path("from");
  s.to_path = map.child_path("to");
  map.optional("id", s.id, read_id);
  map.optional("length", s.length, POSITIVE_LENGTH);
  map.optional("one_way", s.one_way, read_bool);
  map.optional("capacity", s.capacity, IntegerIn<int>{1, MAX_ZONE_CAPACITY});
  if (!map.has("path")) {
    for (auto [key, id, mark] : {std::tuple{"from", &s.from, &s.from_mark}, std::tuple{"to", &s.to, &s.to_mark}})
      if (const YamlNode* value = map.get_required(key)) {
        *mark = ctx.mark(*value);
        *id = read_node_ref(ctx, *value, map.child_path(key)).value_or("");
      }
    out.push_back(std::move(s));
    return;
  }
  for (const char* key : {"from", "to"})
    if (map.has(key)) {
      ctx.error(*map.key_node(key), path, "give `from` and `to`, or `path`, not both");
      map.get(key);
    }
  if (map.has("length"))
    ctx.error(*map.key_node("length"), path,
              "`length` is for one segment (from, to); the segments of a `path` take their lengths from the coordinates");
  if (map.has("id")) ctx.error(*map.key_node("id"), path, "`id` names one segment (from, to), not a `path`");
  const YamlNode& list = *map.get("path");
  const std::string list_path = map.child_path("path");
  std::vector<std::pair<std::string, Mark>> nodes;
  const bool is_list = for_each_item(ctx, list, list_path, "a list of node ids",
                                     [&](const YamlNode& item, const std::string& item_path, std::size_t) {
                                       if (auto id = read_node_ref(ctx, item, item_path)) nodes.emplace_back(*id, ctx.mark(item));
                                     });
  if (is_list && list.entries.size() < 2) ctx.error(list, list_path, "a path needs at least two nodes");
  for (std::size_t i = 0; i + 1 < nodes.size(); ++i) {
    SegmentSpec piece = s;
    piece.id.clear();
    piece.length.reset();
    piece.from = nodes[i].first;
    piece.from_mark = nodes[i].second;
    piece.to = nodes[i + 1].first;
    piece.to_mark = nodes[i + 1].second;
    piece.from_path = item_path(list_path, i);
    piece.to_path = item_path(list_path, i + 1);
    piece.mark = nodes[i].second;
    out.push_back(std::move(piece));
  }
}

std::optional<LayoutSpec> read_layout(ReadContext& ctx, const YamlNode& node, const std::string& path) {
  MapReader map(ctx, node, path, "a map with nodes, segments and places");
  if (!map.valid()) return std::nullopt;
  LayoutSpec layout;
  layout.mark = ctx.mark(node);
  if (const YamlNode* nodes = map.get_required("nodes")) {
    const bool is_list = for_each_item(ctx, *nodes, map.child_path("nodes"), "a list of nodes",
                                       [&](const YamlNode& item, const std::string& item_path, std::size_t) {
                                         layout.nodes.push_back(read_node(ctx, item, item_path));
                                       });
    if (is_list && layout.nodes.empty()) ctx.error(*nodes, map.child_path("nodes"), "expected at least one node");
  }
  if (const YamlNode* segments = map.get("segments"))
    for_each_item(ctx, *segments, map.child_path("segments"), "a list of segments",
                  [&](const YamlNode& item, const std::string& item_path, std::size_t) {
                    read_segment(ctx, item, item_path, layout.segments);
                  });
  if (const YamlNode* places = map.get("places")) {
    MapReader entries(ctx, *places, map.child_path("places"), "a map station -> node");
    if (entries.valid())
      for (const YamlEntry* e : entries.entries()) {
        const auto target = read_node_ref(ctx, *e->value, child_path(entries.path(), e->key->text));
        if (target) layout.places.push_back({e->key->text, *target, ctx.mark(*e->key), ctx.mark(*e->value)});
      }
  }
  return layout;
}

// ---- fleets, conveyors, arms ------------------------------------------------------------------

std::optional<BatterySpec> read_battery(ReadContext& ctx, const YamlNode& node, const std::string& path) {
  MapReader map(ctx, node, path, "a map with capacity, chargers and charge_rate");
  if (!map.valid()) return std::nullopt;
  BatterySpec b;
  b.mark = ctx.mark(node);
  bool ok = read_declared(map, b.params);
  if (ok && !(b.params.threshold < b.params.charge_to)) {
    const char* key = map.has("threshold") ? "threshold" : "charge_to";
    const auto text = [&](const char* k, const char* fallback) {
      const YamlNode* v = map.get(k);
      return v ? v->text : std::string(fallback);
    };
    ctx.error(*map.get(key), map.child_path(key),
              "threshold " + text("threshold", "0.2") + " must be below charge_to " + text("charge_to", "1") +
                  ": a vehicle would go back to charge at once");
    ok = false;
  }
  if (const YamlNode* chargers = map.get_required("chargers")) {
    const bool is_list = for_each_item(ctx, *chargers, map.child_path("chargers"), "a list of node ids",
                                       [&](const YamlNode& item, const std::string& item_path, std::size_t) {
                                         if (auto id = read_node_ref(ctx, item, item_path)) {
                                           b.chargers.push_back(*id);
                                           b.charger_marks.push_back(ctx.mark(item));
                                         } else {
                                           ok = false;
                                         }
                                       });
    if (is_list && chargers->entries.empty()) {
      ctx.error(*chargers, map.child_path("chargers"), "expected at least one charger node");
      ok = false;
    }
    ok = ok && is_list;
  }
  if (!ok) return std::nullopt;
  return b;
}

FleetSpec read_fleet(ReadContext& ctx, const YamlNode& node, const std::string& path) {
  FleetSpec f;
  f.mark = ctx.mark(node);
  MapReader map(ctx, node, path, "a fleet (a map)");
  if (!map.valid()) return f;
  map.required("id", f.params.id, read_id);
  read_declared(map, f.params);
  if (const YamlNode* home = map.get_required("home")) {
    f.home_mark = ctx.mark(*home);
    f.home = read_node_ref(ctx, *home, map.child_path("home")).value_or("");
  }
  map.optional("battery", f.battery, read_battery);
  return f;
}

ConveyorSpec read_conveyor(ReadContext& ctx, const YamlNode& node, const std::string& path) {
  ConveyorSpec c;
  c.mark = ctx.mark(node);
  MapReader map(ctx, node, path, "a conveyor (a map)");
  if (!map.valid()) return c;
  map.required("id", c.params.id, read_id);
  read_declared(map, c.params);
  return c;
}

ArmSpec read_arm(ReadContext& ctx, const YamlNode& node, const std::string& path) {
  ArmSpec a;
  a.mark = ctx.mark(node);
  MapReader map(ctx, node, path, "an arm (a map)");
  if (!map.valid()) return a;
  map.required("id", a.params.id, read_id);
  if (const YamlNode* stations = map.get_required("stations")) {
    const bool is_list = for_each_item(ctx, *stations, map.child_path("stations"), "a list of station ids",
                                       [&](const YamlNode& item, const std::string& item_path, std::size_t) {
                                         if (const std::string* id = scalar_text(ctx, item, item_path, "a station id")) {
                                           a.stations.push_back(*id);
                                           a.station_marks.push_back(ctx.mark(item));
                                         }
                                       });
    if (is_list && stations->entries.empty())
      ctx.error(*stations, map.child_path("stations"), "expected at least one station");
  }
  if (read_declared(map, a.params) && !a.params.load && !a.params.unload)
    ctx.error(node, path, "an arm that neither loads nor unloads does nothing: set `load` or `unload` to true");
  return a;
}

template <class Item, class Read>
void read_list(ReadContext& ctx, MapReader& top, const char* key, const char* what, std::vector<Item>& out, Read read) {
  if (const YamlNode* node = top.get(key))
    for_each_item(ctx, *node, key, what, [&](const YamlNode& item, const std::string& path, std::size_t) {
      out.push_back(read(ctx, item, path));
    });
}


}  // namespace

void read_transport(ReadContext& ctx, MapReader& top, TransportSpec& out) {
  const std::size_t errors_before = ctx.error_count();
  top.optional("layout", out.layout, read_layout);
  read_list(ctx, top, "fleets", "a list of fleets", out.fleets, read_fleet);
  read_list(ctx, top, "conveyors", "a list of conveyors", out.conveyors, read_conveyor);
  read_list(ctx, top, "arms", "a list of arms", out.arms, read_arm);
  out.clean = ctx.error_count() == errors_before;
}

}  // namespace plantwin::scenario
