#include "scenario/load_network.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "scenario/text.hpp"
#include "topology/network_graph.hpp"

namespace plantwin::scenario {

namespace {

using Tick = kernel::Tick;
constexpr Tick MAX_LINK_LATENCY = 10 * kernel::TICKS_PER_SECOND;
/// A fleet manager sends a failed command again after this, unless `resend` says otherwise.
constexpr Tick DEFAULT_RESEND = kernel::TICKS_PER_SECOND;

// ---- reading ----------------------------------------------------------------------------------

std::optional<Tick> read_latency(ReadContext& ctx, const YamlNode& node, const std::string& path) {
  const auto t = read_duration(ctx, node, path);
  if (t && *t > MAX_LINK_LATENCY) {
    ctx.error(node, path, "expected a latency of at most 10s, got " + describe(node));
    return std::nullopt;
  }
  return t;
}

std::optional<Tick> read_positive_duration(ReadContext& ctx, const YamlNode& node, const std::string& path) {
  const auto t = read_duration(ctx, node, path);
  if (t && *t <= 0) {
    report_expected(ctx, node, path, "a duration > 0");
    return std::nullopt;
  }
  return t;
}

std::optional<double> read_positive_rate(ReadContext& ctx, const YamlNode& node, const std::string& path) {
  const auto r = read_rate(ctx, node, path);
  if (r && !(*r > 0)) {
    report_expected(ctx, node, path, "a rate > 0");
    return std::nullopt;
  }
  return r;
}

/// A message size: at least one byte (SimGrid moves whole bytes).
std::optional<double> read_message_size(ReadContext& ctx, const YamlNode& node, const std::string& path) {
  const auto s = read_size(ctx, node, path);
  if (s && *s < 1) {
    report_expected(ctx, node, path, "a size of at least 1B");
    return std::nullopt;
  }
  return s;
}

/// A reference to an id: any scalar (checked once every id is known).
std::optional<std::string> read_ref(ReadContext& ctx, const YamlNode& node, const std::string& path) {
  const std::string* text = scalar_text(ctx, node, path, "an id");
  if (!text) return std::nullopt;
  return *text;
}

/// Reads `key` (a reference) and keeps the mark of its value.
void ref(MapReader& map, ReadContext& ctx, std::string_view key, std::string& out, Mark& mark, bool required) {
  const YamlNode* node = map.has(key) ? map.get(key) : nullptr;
  if (required)
    map.required(key, out, read_ref);
  else
    map.optional(key, out, read_ref);
  if (node) mark = ctx.mark(*node);
}

/// Reports the keys of `keys` that are present: they do not belong to this kind of item.
void not_for(ReadContext& ctx, MapReader& map, std::initializer_list<const char*> keys, const std::string& why) {
  for (const char* key : keys)
    if (map.has(key)) ctx.error(*map.key_node(key), map.path(), "`" + std::string(key) + "` " + why);
}

template <class Item, class ReadItem>
void read_list(ReadContext& ctx, const YamlNode& node, const std::string& path, std::string_view what,
               std::vector<Item>& items, ReadItem&& read_item) {
  for_each_item(ctx, node, path, what, [&](const YamlNode& item, const std::string& item_path, std::size_t) {
    items.push_back(read_item(item, item_path));
  });
}

NetworkNodeSpec read_node(ReadContext& ctx, const YamlNode& node, const std::string& path) {
  NetworkNodeSpec n;
  n.mark = ctx.mark(node);
  MapReader map(ctx, node, path, "a network node (a map with id and kind)");
  if (!map.valid()) return n;
  map.required("id", n.id, read_id);
  using Kind = NetworkNodeSpec::Kind;
  const bool kind_ok = map.required(
      "kind", n.kind, Choice<Kind>{{{"cell", Kind::CELL}, {"switch", Kind::SWITCH}, {"edge", Kind::EDGE}, {"cloud", Kind::CLOUD}}});
  map.optional("cores", n.cores, IntegerIn<int>{1, 100'000});
  if (kind_ok && (n.kind == Kind::CELL || n.kind == Kind::SWITCH))
    not_for(ctx, map, {"cores"}, "is for edge and cloud nodes, which compute");
  return n;
}

SliceSpec read_slice(ReadContext& ctx, const YamlNode& node, const std::string& path) {
  SliceSpec s;
  s.mark = ctx.mark(node);
  MapReader map(ctx, node, path, "a slice (a map with id and share)");
  if (!map.valid()) return s;
  map.required("id", s.id, read_id);
  map.required("share", s.share, NumberIn{0, 1, true});
  map.optional("latency", s.latency, read_latency);
  return s;
}

OutageSpec read_outage(ReadContext& ctx, const YamlNode& node, const std::string& path) {
  OutageSpec o;
  o.mark = ctx.mark(node);
  MapReader map(ctx, node, path, "an outage (a map with start and duration)");
  if (!map.valid()) return o;
  const bool start_ok = map.required("start", o.start, read_duration);
  o.valid = map.required("duration", o.duration, read_positive_duration) && start_ok;
  return o;
}

std::optional<LinkFailureSpec> read_link_failures(ReadContext& ctx, const YamlNode& node, const std::string& path) {
  MapReader map(ctx, node, path, "a map with mtbf and mttr");
  if (!map.valid()) return std::nullopt;
  LinkFailureSpec f;
  f.mark = ctx.mark(node);
  bool ok = map.required("mtbf", f.mtbf, read_distribution);
  if (ok && !(f.mtbf.mean() > 0)) {
    ctx.error(*map.get("mtbf"), map.child_path("mtbf"), "mtbf must have a positive mean: the link would fail without end");
    ok = false;
  }
  ok = map.required("mttr", f.mttr, read_distribution) && ok;
  if (!ok) return std::nullopt;
  return f;
}

NetworkLinkSpec read_link(ReadContext& ctx, const YamlNode& node, const std::string& path) {
  NetworkLinkSpec l;
  l.mark = ctx.mark(node);
  MapReader map(ctx, node, path, "a link (a map with id, kind and its bandwidth)");
  if (!map.valid()) return l;
  map.required("id", l.id, read_id);
  using Kind = NetworkLinkSpec::Kind;
  const bool kind_ok = map.required("kind", l.kind, Choice<Kind>{{{"5g", Kind::FIVE_G}, {"wired", Kind::WIRED}}});
  // Every key is read whatever the kind, so that a misspelt one gets its "did you mean"; a key of
  // the other kind is then an error of its own.
  const bool five_g = kind_ok && l.kind == Kind::FIVE_G, wired = kind_ok && l.kind == Kind::WIRED;
  ref(map, ctx, "cell", l.cell, l.cell_mark, five_g);
  if (map.has("between") || wired) {
    const YamlNode* between = map.get_required("between");
    if (between) {
      const std::string between_path = map.child_path("between");
      const bool is_list = for_each_item(ctx, *between, between_path, "a list of two node ids",
                                         [&](const YamlNode& item, const std::string& item_path, std::size_t) {
                                           if (auto id = read_ref(ctx, item, item_path)) {
                                             l.between.push_back(*id);
                                             l.between_marks.push_back(ctx.mark(item));
                                           }
                                         });
      if (is_list && between->entries.size() != 2)
        ctx.error(*between, between_path, "expected a list of two node ids, got " + std::to_string(between->entries.size()));
    }
  } else {
    map.get("between");
  }
  if (wired) {
    map.required("bandwidth", l.bandwidth, read_positive_rate);
  } else {
    map.optional("bandwidth", l.bandwidth, read_positive_rate);
  }
  if (five_g) {
    map.required("uplink", l.uplink, read_positive_rate);
    map.required("downlink", l.downlink, read_positive_rate);
  } else {
    map.optional("uplink", l.uplink, read_positive_rate);
    map.optional("downlink", l.downlink, read_positive_rate);
  }
  if (five_g) not_for(ctx, map, {"between", "bandwidth"}, "is for wired links; a 5g link has `cell`, `uplink` and `downlink`");
  if (wired) not_for(ctx, map, {"cell", "uplink", "downlink"}, "is for 5g links; a wired link has `between` and `bandwidth`");
  map.optional("latency", l.latency, read_latency);
  const bool loss_ok = map.optional("loss", l.loss, NumberIn{0, 1});
  if (loss_ok && l.loss >= 1) {
    ctx.error(*map.get("loss"), map.child_path("loss"), "expected a loss probability below 1, got " + describe(*map.get("loss")));
  }
  map.optional("retransmit_timeout", l.retransmit_timeout, read_positive_duration);
  if (loss_ok && l.loss > 0 && !map.has("retransmit_timeout"))
    ctx.error(*map.key_node("loss"), map.path(), "a lossy link needs `retransmit_timeout`: the wait before a lost message is sent again");
  map.optional("jitter", l.jitter, read_distribution);
  if (const YamlNode* slices = map.get("slices")) {
    const std::string slices_path = map.child_path("slices");
    read_list(ctx, *slices, slices_path, "a list of slices", l.slices,
              [&](const YamlNode& item, const std::string& item_path) { return read_slice(ctx, item, item_path); });
    if (slices->is_sequence() && slices->entries.empty()) ctx.error(*slices, slices_path, "expected at least one slice");
  }
  if (const YamlNode* outages = map.get("outages"))
    read_list(ctx, *outages, map.child_path("outages"), "a list of outages", l.outages,
              [&](const YamlNode& item, const std::string& item_path) { return read_outage(ctx, item, item_path); });
  map.optional("failures", l.failures, read_link_failures);
  return l;
}

AttachmentSpec read_attachment(ReadContext& ctx, const YamlNode& node, const std::string& path) {
  AttachmentSpec a;
  a.mark = ctx.mark(node);
  MapReader map(ctx, node, path, "an attachment (a map with station, device or fleet, and node)");
  if (!map.valid()) return a;
  using Kind = AttachmentSpec::Kind;
  std::vector<std::pair<const char*, Kind>> kinds;
  for (const auto& [key, kind] : {std::pair{"station", Kind::STATION}, std::pair{"device", Kind::DEVICE}, std::pair{"fleet", Kind::FLEET}})
    if (map.has(key)) kinds.emplace_back(key, kind);
  if (kinds.size() > 1) ctx.error(*map.key_node(kinds[1].first), path, "give one of `station`, `device` and `fleet`, not several");
  if (kinds.empty()) ctx.error(node, path, "missing required key 'station' (or 'device', or 'fleet')");
  a.kind = kinds.empty() ? Kind::DEVICE : kinds[0].second;
  if (const YamlNode* id = map.get("station")) {
    a.id_mark = ctx.mark(*id);
    map.optional("station", a.id, read_ref);
  }
  if (const YamlNode* id = map.get("device")) {
    a.id_mark = ctx.mark(*id);
    map.optional("device", a.id, read_id);
  }
  if (const YamlNode* id = map.get("fleet")) {
    a.id_mark = ctx.mark(*id);
    map.optional("fleet", a.id, read_ref);
  }
  ref(map, ctx, "node", a.node, a.node_mark, true);
  map.optional("count", a.count, IntegerIn<int>{1, static_cast<std::int64_t>(MAX_NETWORK_DEVICES)});
  if (a.kind == Kind::STATION) not_for(ctx, map, {"count"}, "is for device groups: a station is one device");
  if (a.kind == Kind::FLEET) not_for(ctx, map, {"count"}, "is for device groups: a fleet has one device per vehicle");
  map.optional("bandwidth", a.bandwidth, read_positive_rate);
  map.optional("latency", a.latency, read_latency);
  return a;
}

/// A list of more than `max` items is an error at the first item too many.
void at_most(ReadContext& ctx, const YamlNode& list, const std::string& path, std::size_t max, const char* what) {
  if (!list.is_sequence() || list.entries.size() <= max) return;
  ctx.error(*list.entries[max].value, item_path(path, max),
            "a network has at most " + std::to_string(max) + " " + what + "; this list has " + std::to_string(list.entries.size()));
}

NetworkSpec read_network(ReadContext& ctx, const YamlNode& node) {
  NetworkSpec n;
  n.mark = ctx.mark(node);
  MapReader map(ctx, node, "network", "a map with nodes, links and attach");
  if (!map.valid()) return n;
  if (const YamlNode* nodes = map.get_required("nodes")) {
    read_list(ctx, *nodes, "network.nodes", "a list of network nodes", n.nodes,
              [&](const YamlNode& item, const std::string& path) { return read_node(ctx, item, path); });
    if (nodes->is_sequence() && nodes->entries.empty()) ctx.error(*nodes, "network.nodes", "expected at least one node");
    at_most(ctx, *nodes, "network.nodes", MAX_NETWORK_NODES, "nodes");
  }
  if (const YamlNode* links = map.get_required("links")) {
    read_list(ctx, *links, "network.links", "a list of links", n.links,
              [&](const YamlNode& item, const std::string& path) { return read_link(ctx, item, path); });
    if (links->is_sequence() && links->entries.empty()) ctx.error(*links, "network.links", "expected at least one link");
    at_most(ctx, *links, "network.links", MAX_NETWORK_LINKS, "links");
  }
  if (const YamlNode* attach = map.get("attach"))
    read_list(ctx, *attach, "network.attach", "a list of attachments", n.attach,
              [&](const YamlNode& item, const std::string& path) { return read_attachment(ctx, item, path); });
  return n;
}

MessageSpec read_message(ReadContext& ctx, const YamlNode& node, const std::string& path) {
  MessageSpec m;
  m.mark = ctx.mark(node);
  MapReader map(ctx, node, path, "a message flow (a map)");
  if (!map.valid()) return m;
  map.required("id", m.id, read_id);
  using Trigger = MessageSpec::Trigger;
  std::vector<std::pair<const char*, Trigger>> triggers;
  for (const auto& [key, trigger] : {std::pair{"after_work", Trigger::AFTER_WORK}, std::pair{"before_work", Trigger::BEFORE_WORK},
                                     std::pair{"every", Trigger::EVERY}, std::pair{"before_move", Trigger::BEFORE_MOVE}})
    if (map.has(key)) triggers.emplace_back(key, trigger);
  if (triggers.empty())
    ctx.error(node, path,
              "a message flow needs one of `after_work: STATION`, `before_work: STATION`, `every: DURATION` or `before_move: FLEET`");
  else if (triggers.size() > 1)
    ctx.error(*map.key_node(triggers[1].first), path, "give only one of `after_work`, `before_work`, `every` and `before_move`");
  m.trigger = triggers.empty() ? Trigger::EVERY : triggers[0].second;
  ref(map, ctx, "after_work", m.station, m.station_mark, false);
  ref(map, ctx, "before_work", m.station, m.station_mark, false);
  ref(map, ctx, "before_move", m.fleet, m.fleet_mark, false);
  if (map.optional("every", m.every, read_distribution) && map.has("every") && !(m.every.mean() > 0))
    ctx.error(*map.get("every"), map.child_path("every"), "every must have a positive mean: messages would all leave at one instant");
  map.optional("phase", m.phase, read_distribution);
  std::string from;
  Mark from_mark;
  ref(map, ctx, "from", from, from_mark, false);
  if (map.has("from")) {
    m.from = from;
    m.from_mark = from_mark;
  }
  ref(map, ctx, "to", m.to, m.to_mark, true);
  map.required("size", m.size, read_message_size);
  if (const YamlNode* compute = map.get("compute")) m.compute_mark = ctx.mark(*compute);
  map.optional("compute", m.compute, read_distribution);
  map.optional("reply", m.reply, read_message_size);
  map.optional("blocking", m.blocking, read_bool);
  if (const YamlNode* products = map.get("products")) {
    for_each_item(ctx, *products, map.child_path("products"), "a list of product ids",
                  [&](const YamlNode& item, const std::string& item_path, std::size_t) {
                    if (auto id = read_ref(ctx, item, item_path)) {
                      m.products.push_back(*id);
                      m.product_marks.push_back(ctx.mark(item));
                    }
                  });
  }
  std::string slice;
  Mark slice_mark;
  ref(map, ctx, "slice", slice, slice_mark, false);
  if (map.has("slice")) {
    m.slice = slice;
    m.slice_mark = slice_mark;
  }
  using OnOutage = MessageSpec::OnOutage;
  map.optional("on_outage", m.on_outage, Choice<OnOutage>{{{"wait", OnOutage::WAIT}, {"drop", OnOutage::DROP}}});
  map.optional("max_retransmissions", m.max_retransmissions, IntegerIn<std::int64_t>{0, 1'000'000'000});
  map.optional("resend", m.resend, read_positive_duration);
  // Keys that belong to the other triggers.
  if (triggers.size() == 1) {
    const char* for_stations = "is for flows triggered by a station (`after_work` or `before_work`)";
    if (m.trigger == Trigger::EVERY) not_for(ctx, map, {"blocking", "products"}, for_stations);
    if (m.trigger == Trigger::BEFORE_MOVE) not_for(ctx, map, {"products"}, for_stations);
    if (m.trigger != Trigger::EVERY) not_for(ctx, map, {"phase"}, "is for periodic flows (`every`)");
    if (m.trigger != Trigger::BEFORE_MOVE) not_for(ctx, map, {"resend"}, "is for flows triggered by a fleet's moves (`before_move`)");
  }
  return m;
}

// ---- the layout: ids resolved, routes between endpoints ----------------------------------------

/// Where a message starts or ends: a node that computes (edge, cloud) or an attachment.
struct Endpoint {
  enum class Kind { NODE, ATTACHMENT } kind = Kind::NODE;
  std::size_t index = 0;
};

/// One hop of a route: a scenario link in a direction, or a device's switch port.
struct RouteHop {
  bool port = false;
  std::size_t link = 0;     ///< scenario link, or attachment (port)
  std::size_t device = 0;   ///< port: the device of the attachment
  bool forward = true;      ///< link: a → b / uplink; port: device → switch
};

/// The network sections with ids resolved, built once the sections are known to be consistent
/// enough (every referenced id exists). Used by the checks and by the builder.
struct Layout {
  const ScenarioSpec& spec;
  const NetworkSpec& net;
  std::unordered_map<std::string, std::size_t> nodes;
  std::unordered_map<std::string, Endpoint> endpoints;
  std::vector<std::ptrdiff_t> cell_link;  ///< per node: its 5g link, or -1
  std::vector<std::size_t> wired;         ///< scenario link of each edge of the graph
  std::unique_ptr<topology::NetworkGraph> graph;

  explicit Layout(const ScenarioSpec& s) : spec(s), net(*s.network) {
    for (std::size_t i = 0; i < net.nodes.size(); ++i) {
      nodes.emplace(net.nodes[i].id, i);
      const auto kind = net.nodes[i].kind;
      if (kind == NetworkNodeSpec::Kind::EDGE || kind == NetworkNodeSpec::Kind::CLOUD)
        endpoints.emplace(net.nodes[i].id, Endpoint{Endpoint::Kind::NODE, i});
    }
    for (std::size_t i = 0; i < net.attach.size(); ++i)
      endpoints.emplace(net.attach[i].id, Endpoint{Endpoint::Kind::ATTACHMENT, i});
    cell_link.assign(net.nodes.size(), -1);
    topology::NetworkInput input;
    input.nodes = net.nodes.size();
    for (std::size_t i = 0; i < net.links.size(); ++i) {
      const NetworkLinkSpec& l = net.links[i];
      if (l.kind == NetworkLinkSpec::Kind::FIVE_G) {
        const auto it = nodes.find(l.cell);
        if (it != nodes.end() && cell_link[it->second] < 0) cell_link[it->second] = static_cast<std::ptrdiff_t>(i);
      } else if (l.between.size() == 2 && nodes.count(l.between[0]) && nodes.count(l.between[1])) {
        input.links.push_back({nodes.at(l.between[0]), nodes.at(l.between[1]), l.latency});
        wired.push_back(i);
      }
    }
    graph = std::make_unique<topology::NetworkGraph>(input);
  }

  const AttachmentSpec& attachment(const Endpoint& e) const { return net.attach[e.index]; }
  std::size_t node_of(const Endpoint& e) const {
    return e.kind == Endpoint::Kind::NODE ? e.index : nodes.at(attachment(e).node);
  }
  std::size_t devices(const Endpoint& e) const {
    return e.kind == Endpoint::Kind::ATTACHMENT ? static_cast<std::size_t>(attachment(e).count) : 1;
  }
  bool on_cell(const Endpoint& e) const {
    return e.kind == Endpoint::Kind::ATTACHMENT && net.nodes[node_of(e)].kind == NetworkNodeSpec::Kind::CELL;
  }

  /// The hops from device `df` of `from` to device `dt` of `to`; nullopt when no path joins them.
  std::optional<std::vector<RouteHop>> route(const Endpoint& from, std::size_t df, const Endpoint& to, std::size_t dt) const {
    const auto middle = graph->path(node_of(from), node_of(to));
    if (!middle) return std::nullopt;
    std::vector<RouteHop> hops;
    if (from.kind == Endpoint::Kind::ATTACHMENT) {
      if (on_cell(from))
        hops.push_back({false, static_cast<std::size_t>(cell_link[node_of(from)]), 0, true});
      else
        hops.push_back({true, from.index, df, true});
    }
    for (const topology::Hop& h : *middle) hops.push_back({false, wired[h.link], 0, h.forward});
    if (to.kind == Endpoint::Kind::ATTACHMENT) {
      if (on_cell(to))
        hops.push_back({false, static_cast<std::size_t>(cell_link[node_of(to)]), 0, false});
      else
        hops.push_back({true, to.index, dt, false});
    }
    return hops;
  }
};

// ---- checks -----------------------------------------------------------------------------------

struct Declared {
  std::string id;
  Mark mark;
  std::string path;
  const char* kind;
};

void check_unique(ReadContext& ctx, std::vector<Declared> declared) {
  std::stable_sort(declared.begin(), declared.end(), [](const Declared& a, const Declared& b) {
    return std::pair{a.mark.line, a.mark.column} < std::pair{b.mark.line, b.mark.column};
  });
  std::unordered_map<std::string, const Declared*> first;
  for (const Declared& d : declared) {
    if (d.id.empty()) continue;
    const auto [it, inserted] = first.emplace(d.id, &d);
    if (!inserted)
      ctx.error(d.mark, d.path,
                "duplicate id " + quoted(d.id, '\'') + " (first used by the " + it->second->kind + " at line " +
                    std::to_string(it->second->mark.line) + ")");
  }
}

std::vector<std::string> ids_of(const std::unordered_map<std::string, std::size_t>& map) {
  std::vector<std::string> ids;
  for (const auto& [id, index] : map) ids.push_back(id);
  std::sort(ids.begin(), ids.end());  // did_you_mean's ties go the same way in every run
  return ids;
}

std::string format_share(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

const char* kind_name(NetworkNodeSpec::Kind kind) {
  switch (kind) {
    case NetworkNodeSpec::Kind::CELL: return "cell";
    case NetworkNodeSpec::Kind::SWITCH: return "switch";
    case NetworkNodeSpec::Kind::EDGE: return "edge node";
    case NetworkNodeSpec::Kind::CLOUD: return "cloud node";
  }
  return "node";
}

std::string slice_note(const NetworkLinkSpec& l) {
  std::string names;
  for (const SliceSpec& s : l.slices) {
    if (!names.empty()) names += ", ";
    names += quoted(s.id, '\'');
  }
  return names;
}

/// Checks the links; returns each node's 5g link (or -1).
std::vector<std::ptrdiff_t> check_links(ReadContext& ctx, const NetworkSpec& net, const std::unordered_map<std::string, std::size_t>& nodes) {
  std::vector<std::ptrdiff_t> cell_link(net.nodes.size(), -1);
  const std::vector<std::string> node_ids = ids_of(nodes);
  const auto node_ref = [&](const std::string& id, const Mark& mark, const std::string& path) -> const NetworkNodeSpec* {
    const auto it = nodes.find(id);
    if (it != nodes.end()) return &net.nodes[it->second];
    ctx.error(mark, path, "unknown node " + quoted(id, '\'') + ctx.suggest(id, node_ids));
    return nullptr;
  };
  std::unordered_map<std::string, std::size_t> radio_of_cell;
  for (std::size_t i = 0; i < net.links.size(); ++i) {
    const NetworkLinkSpec& l = net.links[i];
    const std::string path = item_path("network.links", i);
    if (l.id.empty()) continue;
    if (l.kind == NetworkLinkSpec::Kind::FIVE_G && !l.cell.empty()) {
      if (const NetworkNodeSpec* cell = node_ref(l.cell, l.cell_mark, path + ".cell")) {
        if (cell->kind != NetworkNodeSpec::Kind::CELL) {
          ctx.error(l.cell_mark, path + ".cell",
                    "node " + quoted(l.cell, '\'') + " is a " + kind_name(cell->kind) + "; a 5g link is the radio of a node of kind cell");
        } else if (const auto [it, inserted] = radio_of_cell.emplace(l.cell, i); !inserted) {
          ctx.error(l.cell_mark, path + ".cell",
                    "cell " + quoted(l.cell, '\'') + " already has the 5g link " + quoted(net.links[it->second].id, '\'') +
                        " (use slices to share one cell between classes of traffic)");
        } else {
          cell_link[nodes.at(l.cell)] = static_cast<std::ptrdiff_t>(i);
        }
      }
    }
    if (l.kind == NetworkLinkSpec::Kind::WIRED && l.between.size() == 2) {
      node_ref(l.between[0], l.between_marks[0], path + ".between");
      node_ref(l.between[1], l.between_marks[1], path + ".between");
      if (l.between[0] == l.between[1])
        ctx.error(l.between_marks[1], path + ".between", "a link joins two different nodes, got " + quoted(l.between[0], '\'') + " twice");
    }
    double shares = 0;
    std::unordered_set<std::string> slice_ids;
    for (std::size_t k = 0; k < l.slices.size(); ++k) {
      const SliceSpec& s = l.slices[k];
      shares += s.share;
      if (!s.id.empty() && !slice_ids.insert(s.id).second)
        ctx.error(s.mark, item_path(path + ".slices", k), "duplicate slice " + quoted(s.id, '\''));
    }
    if (shares > 1 + 1e-9)
      ctx.error(l.slices.back().mark, path + ".slices",
                "the slices' shares add up to " + format_share(shares) + "; they divide the link and add up to at most 1");
    for (std::size_t k = 1; k < l.outages.size(); ++k) {
      const OutageSpec& a = l.outages[k - 1];
      const OutageSpec& b = l.outages[k];
      if (a.valid && b.valid && b.start < a.start + a.duration)
        ctx.error(b.mark, item_path(path + ".outages", k),
                  "outages are listed in time order without overlap; this one starts before the previous one (line " +
                      std::to_string(a.mark.line) + ") ends");
    }
  }
  return cell_link;
}

std::vector<std::string> fleet_ids_of(const ScenarioSpec& spec) {
  std::vector<std::string> ids;
  for (const FleetSpec& f : spec.transport.fleets) ids.push_back(f.params.id);
  return ids;
}

void check_attachments(ReadContext& ctx, const ScenarioSpec& spec, const std::unordered_map<std::string, std::size_t>& nodes,
                       const std::vector<std::ptrdiff_t>& cell_link, bool stations_named) {
  const NetworkSpec& net = *spec.network;
  std::vector<std::string> station_ids;
  for (const StationSpec& s : spec.stations) station_ids.push_back(s.id);
  const std::vector<std::string> node_ids = ids_of(nodes), fleet_ids = fleet_ids_of(spec);
  std::unordered_map<std::string, std::size_t> attached;
  std::int64_t devices = 0;
  bool devices_reported = false;
  for (std::size_t i = 0; i < net.attach.size(); ++i) {
    const AttachmentSpec& a = net.attach[i];
    const std::string path = item_path("network.attach", i);
    if (a.kind == AttachmentSpec::Kind::STATION && !a.id.empty() && stations_named) {
      if (!spec.find_station(a.id))
        ctx.error(a.id_mark, path + ".station", "unknown station " + quoted(a.id, '\'') + ctx.suggest(a.id, station_ids));
      else if (const auto [it, inserted] = attached.emplace(a.id, i); !inserted)
        ctx.error(a.id_mark, path + ".station",
                  "station " + quoted(a.id, '\'') + " is attached already (line " + std::to_string(net.attach[it->second].mark.line) + ")");
    }
    // (Fleets' transport sections read with errors: their ids are not judged.)
    if (a.kind == AttachmentSpec::Kind::FLEET && !a.id.empty() && spec.transport.clean && !spec.find_fleet(a.id))
      ctx.error(a.id_mark, path + ".fleet", "unknown fleet " + quoted(a.id, '\'') + ctx.suggest(a.id, fleet_ids));
    devices += a.count;
    if (devices > MAX_NETWORK_DEVICES && !devices_reported) {
      devices_reported = true;
      ctx.error(a.mark, path,
                "a network has at most " + std::to_string(MAX_NETWORK_DEVICES) + " devices; this attachment brings it to " +
                    std::to_string(devices));
    }
    if (a.node.empty()) continue;
    const auto node = nodes.find(a.node);
    if (node == nodes.end()) {
      ctx.error(a.node_mark, path + ".node", "unknown node " + quoted(a.node, '\'') + ctx.suggest(a.node, node_ids));
      continue;
    }
    const NetworkNodeSpec& n = net.nodes[node->second];
    if (n.kind == NetworkNodeSpec::Kind::CELL) {
      if (cell_link[node->second] < 0)
        ctx.error(a.node_mark, path + ".node", "cell " + quoted(a.node, '\'') + " has no 5g link (a link with `kind: 5g` and `cell: " + a.node + "`)");
      if (a.bandwidth || a.latency > 0)
        ctx.error(a.mark, path, "a device on a cell shares the cell's 5g link: `bandwidth` and `latency` are for switch ports");
    } else if (n.kind == NetworkNodeSpec::Kind::SWITCH) {
      if (!a.bandwidth) ctx.error(a.mark, path, "a device on a switch needs `bandwidth`: the rate of its port");
    } else {
      ctx.error(a.node_mark, path + ".node",
                "devices attach to a cell or a switch; " + quoted(a.node, '\'') + " is an " + kind_name(n.kind) +
                    " (link it to a switch)");
    }
  }
}

/// Whether the layout can be trusted: every node and link reference resolves.
bool layout_sound(const ScenarioSpec& spec, const std::unordered_map<std::string, std::size_t>& nodes) {
  const NetworkSpec& net = *spec.network;
  for (const NetworkNodeSpec& n : net.nodes)
    if (n.id.empty()) return false;
  for (const NetworkLinkSpec& l : net.links) {
    if (l.id.empty()) return false;
    if (l.kind == NetworkLinkSpec::Kind::WIRED && (l.between.size() != 2 || !nodes.count(l.between[0]) || !nodes.count(l.between[1])))
      return false;
  }
  for (const AttachmentSpec& a : net.attach)
    if (a.id.empty() || !nodes.count(a.node)) return false;
  return true;
}

void check_messages(ReadContext& ctx, const ScenarioSpec& spec, const Layout& layout, const NetworkCheckInput& input) {
  const NetworkSpec& net = *spec.network;
  std::vector<std::string> station_ids, product_ids, endpoint_ids;
  for (const StationSpec& s : spec.stations) station_ids.push_back(s.id);
  for (const ProductSpec& p : spec.products) product_ids.push_back(p.id);
  for (const auto& [id, e] : layout.endpoints) endpoint_ids.push_back(id);
  std::sort(endpoint_ids.begin(), endpoint_ids.end());

  const auto endpoint = [&](const std::string& id, const Mark& mark, const std::string& path) -> std::optional<Endpoint> {
    const auto it = layout.endpoints.find(id);
    if (it != layout.endpoints.end()) {
      if (it->second.kind == Endpoint::Kind::ATTACHMENT && net.attach[it->second.index].node.empty()) return std::nullopt;
      return it->second;
    }
    if (const auto node = layout.nodes.find(id); node != layout.nodes.end()) {
      ctx.error(mark, path,
                "node " + quoted(id, '\'') + " is a " + kind_name(net.nodes[node->second].kind) +
                    ": messages go between devices, stations, edge and cloud nodes");
    } else if (spec.find_station(id)) {
      ctx.error(mark, path, "station " + quoted(id, '\'') + " is not attached to the network (add it under network.attach)");
    } else {
      ctx.error(mark, path, "unknown endpoint " + quoted(id, '\'') + ctx.suggest(id, endpoint_ids));
    }
    return std::nullopt;
  };

  const std::vector<std::string> fleet_ids = fleet_ids_of(spec);
  std::unordered_map<std::string, std::size_t> command_flow;  // fleet -> its before_move flow
  std::int64_t routes = 0;
  bool routes_reported = false;
  for (std::size_t i = 0; i < spec.messages.size(); ++i) {
    const MessageSpec& m = spec.messages[i];
    const std::string path = item_path("messages", i);
    const bool station_trigger = m.trigger == MessageSpec::Trigger::AFTER_WORK || m.trigger == MessageSpec::Trigger::BEFORE_WORK;
    // BEFORE_MOVE: the fleet's vehicles, one end of the flow.
    std::optional<Endpoint> vehicles;
    if (m.trigger == MessageSpec::Trigger::BEFORE_MOVE && !m.fleet.empty() && spec.transport.clean) {
      const std::string fleet_path = path + ".before_move";
      if (!spec.find_fleet(m.fleet)) {
        ctx.error(m.fleet_mark, fleet_path, "unknown fleet " + quoted(m.fleet, '\'') + ctx.suggest(m.fleet, fleet_ids));
        continue;
      }
      const auto it = layout.endpoints.find(m.fleet);
      if (it == layout.endpoints.end() || it->second.kind != Endpoint::Kind::ATTACHMENT ||
          net.attach[it->second.index].kind != AttachmentSpec::Kind::FLEET) {
        ctx.error(m.fleet_mark, fleet_path,
                  "fleet " + quoted(m.fleet, '\'') + " is not attached to the network: attach its vehicles under network.attach (`{fleet: " +
                      m.fleet + ", node: CELL}`)");
        continue;
      }
      if (const auto [first, inserted] = command_flow.emplace(m.fleet, i); !inserted) {
        ctx.error(m.fleet_mark, fleet_path,
                  "fleet " + quoted(m.fleet, '\'') + " already waits for the flow " + quoted(spec.messages[first->second].id, '\'') +
                      " (line " + std::to_string(spec.messages[first->second].mark.line) + "): one flow per fleet carries its commands");
        continue;
      }
      vehicles = it->second;
    }
    const StationSpec* station = nullptr;
    if (station_trigger && !m.station.empty() && input.stations_named) {
      station = spec.find_station(m.station);
      if (!station)
        ctx.error(m.station_mark, path, "unknown station " + quoted(m.station, '\'') + ctx.suggest(m.station, station_ids));
    }
    if (input.products_named) {
      for (std::size_t k = 0; k < m.products.size(); ++k) {
        const ProductSpec* product = spec.find_product(m.products[k]);
        if (!product) {
          ctx.error(m.product_marks[k], path + ".products",
                    "unknown product " + quoted(m.products[k], '\'') + ctx.suggest(m.products[k], product_ids));
        } else if (station && std::find(product->route.begin(), product->route.end(), station->id) == product->route.end()) {
          ctx.error(m.product_marks[k], path + ".products",
                    "product " + quoted(m.products[k], '\'') + " never visits station " + quoted(station->id, '\''));
        }
      }
    }
    if (m.to.empty()) continue;
    std::optional<Endpoint> from;
    if (m.from) {
      from = endpoint(*m.from, m.from_mark, path + ".from");
    } else if (station_trigger) {
      if (!station) continue;
      const auto it = layout.endpoints.find(m.station);
      if (it == layout.endpoints.end() || it->second.kind != Endpoint::Kind::ATTACHMENT ||
          net.attach[it->second.index].kind != AttachmentSpec::Kind::STATION) {
        ctx.error(m.station_mark, path,
                  "station " + quoted(m.station, '\'') + " is not attached to the network: attach it under network.attach, or give `from`");
        continue;
      }
      from = it->second;
    } else {
      ctx.error(m.mark, path,
                m.trigger == MessageSpec::Trigger::EVERY
                    ? "missing required key 'from' (a periodic flow has no station to start from)"
                    : "missing required key 'from' (the fleet manager that sends the commands, or the fleet)");
      continue;
    }
    const std::optional<Endpoint> to = endpoint(m.to, m.to_mark, path + ".to");
    if (!from || !to) continue;
    const std::string from_id = m.from ? *m.from : m.station;
    const Mark& from_at = m.from ? m.from_mark : m.station_mark;
    if (from->kind == to->kind && from->index == to->index) {
      ctx.error(m.to_mark, path + ".to", "a message goes from one endpoint to another; both are " + quoted(m.to, '\''));
      continue;
    }
    if (vehicles) {
      const auto same = [](const Endpoint& a, const Endpoint& b) { return a.kind == b.kind && a.index == b.index; };
      const bool from_fleet = same(*from, *vehicles);
      if (!from_fleet && !same(*to, *vehicles)) {
        ctx.error(m.to_mark, path + ".to",
                  "a flow triggered by the moves of fleet " + quoted(m.fleet, '\'') + " goes to or from its vehicles: give `to: " +
                      m.fleet + "` (a command to each vehicle) or `from: " + m.fleet + "`");
        continue;
      }
      const std::string& other = from_fleet ? m.to : from_id;
      if (layout.devices(from_fleet ? *to : *from) > 1) {
        ctx.error(from_fleet ? m.to_mark : from_at, path + (from_fleet ? ".to" : ".from"),
                  "a flow triggered by the moves of a fleet goes between its vehicles and one single endpoint, and " +
                      quoted(other, '\'') + " is a group of devices");
        continue;
      }
    }
    if (layout.devices(*from) > 1 && layout.devices(*to) > 1) {
      ctx.error(m.to_mark, path + ".to",
                "at most one end of a flow is a group of several devices; " + quoted(from_id, '\'') + " and " + quoted(m.to, '\'') + " both are");
      continue;
    }
    if (station_trigger && (layout.devices(*from) > 1 || layout.devices(*to) > 1)) {
      const bool from_group = layout.devices(*from) > 1;
      ctx.error(from_group ? from_at : m.to_mark, path + (from_group ? ".from" : ".to"),
                "a flow triggered by a station goes between two single endpoints, and " +
                    quoted(from_group ? from_id : m.to, '\'') + " is a group of devices");
      continue;
    }
    routes += static_cast<std::int64_t>(std::max(layout.devices(*from), layout.devices(*to)));
    if (routes > MAX_FLOW_ROUTES && !routes_reported) {
      routes_reported = true;
      ctx.error(m.mark, path,
                "the flows of a network have at most " + std::to_string(MAX_FLOW_ROUTES) +
                    " device routes in all (a flow with a group of n devices has n); this flow brings them to " +
                    std::to_string(routes));
    }
    if (m.compute && to->kind != Endpoint::Kind::NODE)
      ctx.error(m.compute_mark, path + ".compute",
                "computation runs on an edge or cloud node, and " + quoted(m.to, '\'') + " is a device");
    const auto hops = layout.route(*from, 0, *to, 0);
    if (!hops) {
      ctx.error(m.to_mark, path + ".to", "no route from " + quoted(from_id, '\'') + " to " + quoted(m.to, '\'') + ": no links join their nodes");
      continue;
    }
    if (m.slice) {
      bool sliced = false;
      for (const RouteHop& h : *hops) {
        if (h.port) continue;
        const NetworkLinkSpec& l = net.links[h.link];
        if (l.slices.empty()) continue;
        sliced = true;
        if (std::none_of(l.slices.begin(), l.slices.end(), [&](const SliceSpec& s) { return s.id == *m.slice; }))
          ctx.error(m.slice_mark, path + ".slice",
                    "link " + quoted(l.id, '\'') + " on this flow's route has no slice " + quoted(*m.slice, '\'') + " (it has " + slice_note(l) + ")");
      }
      if (!sliced) ctx.error(m.slice_mark, path + ".slice", "no link on the route from " + quoted(from_id, '\'') + " to " + quoted(m.to, '\'') + " has slices");
    }
  }
}

/// The load that periodic flows offer is known from the file (size / mean of `every`, per device,
/// and the reply back): above a channel's bandwidth, the messages in flight grow without bound
/// and the run stops when the backlog shows (network/simulator.cpp). Said before any run, at the
/// link or the switch port. Retransmissions and the flows that stations and fleets trigger add to
/// this; their load is not known before a run.
void warn_periodic_overload(ReadContext& ctx, const ScenarioSpec& spec, const Layout& layout) {
  const NetworkSpec& net = *spec.network;
  // A channel: (link, direction, slice) or (port: attachment, device, direction). Ordered keys:
  // the warnings come in the same order every time.
  using Channel = std::tuple<bool, std::size_t, std::size_t, std::size_t>;
  struct Offer {
    double bytes_per_s = 0;
    std::vector<std::string> flows;
  };
  std::map<Channel, Offer> offered;
  for (const MessageSpec& m : spec.messages) {
    if (m.trigger != MessageSpec::Trigger::EVERY || !m.from || !(m.every.mean() > 0)) continue;
    const Endpoint from = layout.endpoints.at(*m.from), to = layout.endpoints.at(m.to);
    const bool fan_from = layout.devices(from) > 1;
    const std::size_t devices = std::max(layout.devices(from), layout.devices(to));
    const auto add = [&](const std::vector<RouteHop>& hops, double bytes) {
      for (const RouteHop& h : hops) {
        std::size_t slice = 0;
        if (!h.port && m.slice)
          for (std::size_t k = 0; k < net.links[h.link].slices.size(); ++k)
            if (net.links[h.link].slices[k].id == *m.slice) slice = k;
        Offer& o = offered[Channel{h.port, h.link, h.port ? h.device : slice, h.forward ? 0 : 1}];
        o.bytes_per_s += bytes / m.every.mean();
        if (o.flows.empty() || o.flows.back() != m.id) o.flows.push_back(m.id);
      }
    };
    for (std::size_t d = 0; d < devices; ++d) {
      const std::size_t df = fan_from ? d : 0, dt = fan_from ? 0 : d;
      if (const auto hops = layout.route(from, df, to, dt)) add(*hops, m.size);
      if (m.reply)
        if (const auto hops = layout.route(to, dt, from, df)) add(*hops, *m.reply);
    }
  }
  const auto mbit = [](double bytes_per_s) { return format_share(bytes_per_s * 8 / 1e6) + " Mbit/s"; };
  for (const auto& [channel, offer] : offered) {
    const auto [port, index, sub, backward] = channel;
    double bandwidth = 0;
    std::string what;
    Mark at;
    std::string path;
    if (port) {
      const AttachmentSpec& a = net.attach[index];
      bandwidth = a.bandwidth.value_or(0);
      what = "the switch port of " + quoted(a.count > 1 ? a.id + "[" + std::to_string(sub) + "]" : a.id, '\'') +
             (backward ? " (towards the device)" : " (from the device)");
      at = a.mark;
      path = item_path("network.attach", index);
    } else {
      const NetworkLinkSpec& l = net.links[index];
      const bool five_g = l.kind == NetworkLinkSpec::Kind::FIVE_G;
      bandwidth = five_g ? (backward ? l.downlink : l.uplink) : l.bandwidth;
      if (!l.slices.empty()) bandwidth *= l.slices[sub].share;
      what = "link " + quoted(l.id, '\'') + " (" + (five_g ? (backward ? "downlink" : "uplink") : (backward ? "backward" : "forward")) +
             (l.slices.empty() ? std::string() : ", slice " + quoted(l.slices[sub].id, '\'')) + ")";
      at = l.mark;
      path = item_path("network.links", index);
    }
    if (!(bandwidth > 0) || offer.bytes_per_s <= bandwidth) continue;
    std::string flows;
    for (const std::string& f : offer.flows) flows += (flows.empty() ? "" : ", ") + quoted(f, '\'');
    ctx.warning(at, path,
                "the periodic flows " + flows + " alone offer " + mbit(offer.bytes_per_s) + " on average to " + what + ", " +
                    format_share(std::round(100 * offer.bytes_per_s / bandwidth)) + " % of its " + mbit(bandwidth) +
                    ": the messages in flight grow without bound, and a run stops when the backlog shows");
  }
}

}  // namespace

// ---- public -----------------------------------------------------------------------------------

void read_network_sections(ReadContext& ctx, MapReader& scenario, ScenarioSpec& spec) {
  if (const YamlNode* network = scenario.get("network")) spec.network = read_network(ctx, *network);
  // A fleet has one device per vehicle (the transport sections are read already).
  if (spec.network)
    for (AttachmentSpec& a : spec.network->attach)
      if (a.kind == AttachmentSpec::Kind::FLEET)
        if (const FleetSpec* f = spec.find_fleet(a.id)) a.count = f->params.vehicles;
  if (const YamlNode* messages = scenario.get("messages")) {
    read_list(ctx, *messages, "messages", "a list of message flows", spec.messages,
              [&](const YamlNode& item, const std::string& path) { return read_message(ctx, item, path); });
    if (!spec.network && messages->is_sequence() && !messages->entries.empty())
      ctx.error(*messages, "messages", "messages need a `network:` section (nodes, links and attachments)");
  }
}

void check_network_sections(ReadContext& ctx, const ScenarioSpec& spec, const NetworkCheckInput& input) {
  std::vector<Declared> flows;
  for (std::size_t i = 0; i < spec.messages.size(); ++i)
    flows.push_back({spec.messages[i].id, spec.messages[i].mark, item_path("messages", i) + ".id", "message flow"});
  check_unique(ctx, flows);
  if (!spec.network) return;
  const NetworkSpec& net = *spec.network;
  // Endpoints are named by id in flows: nodes, device groups and stations share one namespace.
  std::vector<Declared> endpoints, links;
  for (std::size_t i = 0; i < net.nodes.size(); ++i)
    endpoints.push_back({net.nodes[i].id, net.nodes[i].mark, item_path("network.nodes", i) + ".id", "network node"});
  for (std::size_t i = 0; i < net.attach.size(); ++i) {
    const AttachmentSpec& a = net.attach[i];
    if (a.kind == AttachmentSpec::Kind::DEVICE)
      endpoints.push_back({a.id, a.id_mark, item_path("network.attach", i) + ".device", "device group"});
    if (a.kind == AttachmentSpec::Kind::FLEET)
      endpoints.push_back({a.id, a.id_mark, item_path("network.attach", i) + ".fleet", "attached fleet"});
  }
  check_unique(ctx, endpoints);
  std::unordered_map<std::string, const StationSpec*> stations;
  for (const StationSpec& st : spec.stations) stations.emplace(st.id, &st);
  for (const Declared& d : endpoints)
    if (const auto it = stations.find(d.id); !d.id.empty() && it != stations.end())
      ctx.error(d.mark, d.path,
                "duplicate id " + quoted(d.id, '\'') + " (first used by the station at line " + std::to_string(it->second->mark.line) +
                    "): messages name stations, devices and nodes by id");
  for (std::size_t i = 0; i < net.links.size(); ++i)
    links.push_back({net.links[i].id, net.links[i].mark, item_path("network.links", i) + ".id", "link"});
  check_unique(ctx, links);

  std::unordered_map<std::string, std::size_t> nodes;
  for (std::size_t i = 0; i < net.nodes.size(); ++i) nodes.emplace(net.nodes[i].id, i);
  const std::vector<std::ptrdiff_t> cell_link = check_links(ctx, net, nodes);
  check_attachments(ctx, spec, nodes, cell_link, input.stations_named);
  if (!layout_sound(spec, nodes)) return;
  const Layout layout(spec);
  check_messages(ctx, spec, layout, input);
  if (ctx.error_count() == 0) warn_periodic_overload(ctx, spec, layout);
}

// ---- build ------------------------------------------------------------------------------------

std::shared_ptr<const models::NetworkParams> build_network_params(const ScenarioSpec& spec) {
  if (!spec.network) return nullptr;
  const NetworkSpec& net = *spec.network;
  const Layout layout(spec);
  auto params = std::make_shared<models::NetworkParams>();
  network::Platform& platform = params->platform;

  // Hosts: compute nodes, then every device of every attachment.
  std::vector<network::HostIndex> node_host(net.nodes.size(), 0);
  for (std::size_t i = 0; i < net.nodes.size(); ++i) {
    const NetworkNodeSpec& n = net.nodes[i];
    if (n.kind != NetworkNodeSpec::Kind::EDGE && n.kind != NetworkNodeSpec::Kind::CLOUD) continue;
    node_host[i] = static_cast<network::HostIndex>(platform.hosts.size());
    platform.hosts.push_back({n.id, n.cores});
    params->compute_nodes.push_back({n.id, node_host[i], n.cores});
  }
  std::vector<network::HostIndex> first_device(net.attach.size(), 0);
  for (std::size_t i = 0; i < net.attach.size(); ++i) {
    const AttachmentSpec& a = net.attach[i];
    first_device[i] = static_cast<network::HostIndex>(platform.hosts.size());
    for (int k = 0; k < a.count; ++k)
      platform.hosts.push_back({a.count == 1 ? a.id : a.id + "[" + std::to_string(k) + "]", 0});
  }
  const auto host_of = [&](const Endpoint& e, std::size_t device) {
    return e.kind == Endpoint::Kind::NODE ? node_host[e.index] : first_device[e.index] + static_cast<network::HostIndex>(device);
  };

  // Channels: each link's directions × slices, then every switch port's two directions.
  const auto add_channel = [&](std::string name, double bandwidth) {
    platform.channels.push_back({std::move(name), bandwidth});
    return static_cast<network::ChannelIndex>(platform.channels.size() - 1);
  };
  for (const NetworkLinkSpec& l : net.links) {
    models::NetLinkParams p;
    p.id = l.id;
    const bool five_g = l.kind == NetworkLinkSpec::Kind::FIVE_G;
    p.directions = five_g ? std::vector<std::string>{"uplink", "downlink"} : std::vector<std::string>{"forward", "backward"};
    for (const SliceSpec& s : l.slices) p.slices.push_back(s.id);
    for (std::size_t d = 0; d < 2; ++d) {
      const double bandwidth = five_g ? (d == 0 ? l.uplink : l.downlink) : l.bandwidth;
      if (l.slices.empty()) {
        p.channels.push_back(add_channel(l.id + "/" + p.directions[d], bandwidth));
      } else {
        for (const SliceSpec& s : l.slices)
          p.channels.push_back(add_channel(l.id + "/" + p.directions[d] + "/" + s.id, bandwidth * s.share));
      }
    }
    p.loss = l.loss;
    p.retransmit_timeout = l.retransmit_timeout.value_or(0);
    p.jitter = l.jitter;
    for (const OutageSpec& o : l.outages) p.outages.push_back({o.start, o.start + o.duration});
    if (l.failures) p.failures = models::NetLinkParams::Failures{l.failures->mtbf, l.failures->mttr};
    params->links.push_back(std::move(p));
  }
  std::vector<std::vector<network::ChannelIndex>> port_channels(net.attach.size());
  for (std::size_t i = 0; i < net.attach.size(); ++i) {
    const AttachmentSpec& a = net.attach[i];
    if (!a.bandwidth) continue;
    for (int k = 0; k < a.count; ++k) {
      const std::string name = platform.hosts[first_device[i] + static_cast<network::HostIndex>(k)].name + "/port/";
      port_channels[i].push_back(add_channel(name + "up", *a.bandwidth));
      port_channels[i].push_back(add_channel(name + "down", *a.bandwidth));
    }
  }

  // Routes, shared by the flows that take the same channels between the same hosts.
  std::map<std::pair<std::pair<network::HostIndex, network::HostIndex>, std::vector<network::ChannelIndex>>, std::uint32_t> known;
  const auto make_route = [&](const Endpoint& from, std::size_t df, const Endpoint& to, std::size_t dt,
                              const std::optional<std::string>& slice) {
    const std::vector<RouteHop> hops = *layout.route(from, df, to, dt);
    models::NetRouteParams r;
    network::Platform::Route route{host_of(from, df), host_of(to, dt), {}};
    for (const RouteHop& h : hops) {
      if (h.port) {
        route.channels.push_back(port_channels[h.link][2 * h.device + (h.forward ? 0 : 1)]);
        r.latency += net.attach[h.link].latency;
        continue;
      }
      const NetworkLinkSpec& l = net.links[h.link];
      const models::NetLinkParams& p = params->links[h.link];
      std::size_t k = 0;
      Tick latency = l.latency;
      if (!l.slices.empty()) {
        if (slice)
          for (std::size_t s = 0; s < l.slices.size(); ++s)
            if (l.slices[s].id == *slice) k = s;
        latency = l.slices[k].latency.value_or(l.latency);
      }
      route.channels.push_back(p.channels[(h.forward ? 0 : 1) * p.slice_count() + k]);
      r.latency += latency;
      r.links.push_back(static_cast<std::uint32_t>(h.link));
    }
    const auto key = std::pair{std::pair{route.from, route.to}, route.channels};
    const auto found = known.find(key);
    if (found != known.end()) return found->second;
    r.route = static_cast<network::RouteIndex>(platform.routes.size());
    platform.routes.push_back(std::move(route));
    const auto index = static_cast<std::uint32_t>(params->routes.size());
    params->routes.push_back(std::move(r));
    known.emplace(key, index);
    return index;
  };

  std::unordered_map<std::string, std::size_t> station_index, product_index;
  for (std::size_t i = 0; i < spec.stations.size(); ++i) station_index.emplace(spec.stations[i].id, i);
  for (std::size_t i = 0; i < spec.products.size(); ++i) product_index.emplace(spec.products[i].id, i);
  for (const MessageSpec& m : spec.messages) {
    models::MessageFlowParams f;
    f.id = m.id;
    using Trigger = models::MessageFlowParams::Trigger;
    switch (m.trigger) {
      case MessageSpec::Trigger::AFTER_WORK: f.trigger = Trigger::AFTER_WORK; break;
      case MessageSpec::Trigger::BEFORE_WORK: f.trigger = Trigger::BEFORE_WORK; break;
      case MessageSpec::Trigger::EVERY: f.trigger = Trigger::EVERY; break;
      case MessageSpec::Trigger::BEFORE_MOVE: f.trigger = Trigger::EXTERNAL; break;
    }
    if (m.trigger == MessageSpec::Trigger::BEFORE_MOVE) {
      f.fleet = static_cast<std::size_t>(spec.find_fleet(m.fleet) - spec.transport.fleets.data());  // checked by the loader
      f.resend = m.resend.value_or(DEFAULT_RESEND);
    }
    if (m.trigger == MessageSpec::Trigger::AFTER_WORK || m.trigger == MessageSpec::Trigger::BEFORE_WORK)
      f.station = station_index.at(m.station);
    if (!m.products.empty()) {
      f.products.assign(spec.products.size(), false);
      for (const std::string& p : m.products) f.products[product_index.at(p)] = true;
    }
    f.every = m.every;
    f.phase = m.phase ? *m.phase : kernel::Distribution::uniform(0, m.every.mean());
    const Endpoint from = layout.endpoints.at(m.from ? *m.from : m.station);
    const Endpoint to = layout.endpoints.at(m.to);
    const bool fan_from = layout.devices(from) > 1;
    f.devices = std::max(layout.devices(from), layout.devices(to));
    for (std::size_t d = 0; d < f.devices; ++d) {
      const std::size_t df = fan_from ? d : 0, dt = fan_from ? 0 : d;
      f.request_routes.push_back(make_route(from, df, to, dt, m.slice));
      if (m.reply) f.reply_routes.push_back(make_route(to, dt, from, df, m.slice));
    }
    f.size = std::round(m.size);
    f.reply = m.reply ? std::round(*m.reply) : 0;
    f.compute = m.compute;
    if (m.compute) f.compute_host = host_of(to, 0);
    f.blocking = m.blocking;
    f.on_outage = m.on_outage == MessageSpec::OnOutage::WAIT ? models::MessageFlowParams::OnOutage::WAIT
                                                            : models::MessageFlowParams::OnOutage::DROP;
    f.max_retransmissions = m.max_retransmissions;
    params->flows.push_back(std::move(f));
  }
  return params;
}

}  // namespace plantwin::scenario
