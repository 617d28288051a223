#include "scenario/network.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "scenario/text.hpp"
#include "scenario/network_layout.hpp"
#include "topology/network_graph.hpp"

namespace plantwin::scenario {

namespace {

using Tick = kernel::Tick;

// ---- reading ----------------------------------------------------------------------------------

std::optional<Tick> read_latency(ReadContext& ctx, const YamlNode& node, const std::string& path) {
  const auto t = read_duration(ctx, node, path);
  if (t && *t > network_layout::MAX_LINK_LATENCY) {
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
  if (const YamlNode* mtbf = map.get("mtbf")) f.mtbf_mark = ctx.mark(*mtbf);
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
  // Not reported beside a misspelt trigger's "unknown key 'evry' (did you mean 'every'?)".
  map.require_one_of({"after_work", "before_work", "every", "before_move"},
                     "a message flow needs one of `after_work: STATION`, `before_work: STATION`, `every: DURATION` or `before_move: FLEET`");
  std::vector<std::pair<const char*, Trigger>> triggers;
  for (const auto& [key, trigger] : {std::pair{"after_work", Trigger::AFTER_WORK}, std::pair{"before_work", Trigger::BEFORE_WORK},
                                     std::pair{"every", Trigger::EVERY}, std::pair{"before_move", Trigger::BEFORE_MOVE}})
    if (map.has(key)) triggers.emplace_back(key, trigger);
  if (triggers.size() > 1)
    ctx.error(*map.key_node(triggers[1].first), path, "give only one of `after_work`, `before_work`, `every` and `before_move`");
  m.trigger = triggers.empty() ? Trigger::EVERY : triggers[0].second;
  ref(map, ctx, "after_work", m.station, m.station_mark, false);
  ref(map, ctx, "before_work", m.station, m.station_mark, false);
  ref(map, ctx, "before_move", m.fleet, m.fleet_mark, false);
  if (const YamlNode* every = map.get("every")) m.every_mark = ctx.mark(*every);
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
  map.optional("max_retransmissions", m.max_retransmissions, IntegerIn<std::int64_t>{0, 100'000'000'000});
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


}  // namespace

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


}  // namespace plantwin::scenario
