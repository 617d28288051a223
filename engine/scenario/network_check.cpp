#include "scenario/network.hpp"
#include "scenario/material.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <optional>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "scenario/text.hpp"
#include "topology/network_graph.hpp"

#include "scenario/checks.hpp"
#include "scenario/id_index.hpp"
#include "scenario/network_layout.hpp"

namespace plantwin::scenario {

namespace {

using namespace network_layout;
using Tick = kernel::Tick;

// ---- checks -----------------------------------------------------------------------------------

std::vector<std::string> ids_of(const std::unordered_map<std::string, std::size_t>& map) {
  std::vector<std::string> ids;
  for (const auto& [id, index] : map) ids.push_back(id);
  std::sort(ids.begin(), ids.end());  // did_you_mean's ties go the same way in every run
  return ids;
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
                "the slices' shares add up to " + significant(shares, 6) + "; they divide the link and add up to at most 1");
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

/// What losses do to one leg (the request or the reply) of a flow's exchange: the chance that an
/// attempt gets through every lossy link of its route, and the shortest retransmit timeout among
/// those links (after a loss, a message waits at least that long before it is sent again).
struct LegLoss {
  double through = 1;
  Tick shortest_timeout = std::numeric_limits<Tick>::max();
  std::vector<std::size_t> lossy;  ///< the lossy links, in route order (twice for a radio crossed up and down)
  bool outages = false;            ///< a link of the route has outages or failures within the run
};

LegLoss leg_loss(const NetworkSpec& net, const std::vector<RouteHop>& hops, Tick run_ticks) {
  LegLoss leg;
  for (const RouteHop& h : hops) {
    if (h.port) continue;
    const NetworkLinkSpec& l = net.links[h.link];
    // An outage that starts within the run, or failures a mean time apart shorter than the run.
    leg.outages = leg.outages || std::any_of(l.outages.begin(), l.outages.end(), [&](const OutageSpec& o) { return o.start < run_ticks; }) ||
                  (l.failures && l.failures->mtbf.mean() < kernel::to_seconds(run_ticks));
    // (A loss of 1 or more is an error of its own, said at the link.)
    if (!(l.loss > 0 && l.loss < 1) || !l.retransmit_timeout) continue;
    leg.through *= 1 - l.loss;
    leg.shortest_timeout = std::min(leg.shortest_timeout, *l.retransmit_timeout);
    leg.lossy.push_back(h.link);
  }
  return leg;
}

/// A flow without `max_retransmissions` resends a lost message until it gets through. With a loss
/// near 1 that takes longer than the replication: the messages arrive, on average, after the run,
/// and each retries for the whole run (a loss of 0.9999999 and a timeout of 200ms: 2e6 s a
/// message; periodic and non-blocking flows pile them up, about 1e10 attempts in a shift of 4
/// messages a second). The mean wait of a leg is at least its lost attempts, (1 - s) / s for a
/// chance s of getting through, times the shortest timeout of its lossy links (the attempts' own
/// transfer times come on top). Refused, at the flow, when the request's and the reply's bounds
/// together exceed warmup + horizon. Not judged: a fleet's command flow (`before_move`: one
/// exchange per vehicle at a time, and the fleet manager sends a new one after a failed one, so
/// `max_retransmissions` would not shorten the wait), and a flow with `on_outage: drop` whose route
/// has an outage that starts within the run or failures less than a run apart on average (a retry
/// that meets one is dropped: messages do not live for ever).
void check_losses(ReadContext& ctx, const MessageSpec& m, const std::string& path, const NetworkSpec& net, Tick run_ticks,
                  const std::vector<const std::vector<RouteHop>*>& legs) {
  if (m.max_retransmissions || run_ticks <= 0 || m.trigger == MessageSpec::Trigger::BEFORE_MOVE) return;
  double attempts = 0, wait = 0;
  // Each lossy link once, in route order, with the most times one leg crosses it.
  std::vector<std::pair<std::size_t, std::size_t>> lossy;
  for (const std::vector<RouteHop>* hops : legs) {
    const LegLoss leg = leg_loss(net, *hops, run_ticks);
    if (leg.outages && m.on_outage == MessageSpec::OnOutage::DROP) return;
    if (leg.lossy.empty()) {
      attempts += 1;
      continue;
    }
    attempts += 1 / leg.through;
    wait += (1 - leg.through) / leg.through * kernel::to_seconds(leg.shortest_timeout);
    for (std::size_t l : leg.lossy) {
      const auto times = static_cast<std::size_t>(std::count(leg.lossy.begin(), leg.lossy.end(), l));
      const auto it = std::find_if(lossy.begin(), lossy.end(), [l](const auto& seen) { return seen.first == l; });
      if (it == lossy.end()) lossy.emplace_back(l, times);
      else it->second = std::max(it->second, times);
    }
  }
  if (lossy.empty() || wait <= kernel::to_seconds(run_ticks)) return;
  std::string links;
  for (const auto& [l, crossed] : lossy) {
    if (!links.empty()) links += ", ";
    links += quoted(net.links[l].id, '\'') + " (loss " + significant(net.links[l].loss, 10) +
             (crossed == 2 ? ", crossed twice, up and down" : crossed > 2 ? ", crossed " + std::to_string(crossed) + " times" : std::string()) + ")";
  }
  ctx.error(m.mark, path,
            "flow " + quoted(m.id, '\'') + " resends a lost message until it gets through (no `max_retransmissions`), and its route crosses " +
                links + ": an exchange takes " + significant(attempts) + " attempts on average and waits at least " +
                significant(wait) + "s for their retransmit timeouts, longer than a replication of " + kernel::seconds_text(run_ticks) +
                " (warmup + horizon): on average its messages would arrive after the run, each retried all through it. Give the flow "
                "`max_retransmissions` (a message that runs out of them is lost), or a lower loss");
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
  const IdIndex product_index(spec.products);  // the first of each id, as find_product
  std::optional<std::vector<std::vector<std::size_t>>> visitors;  // by station, when a flow names products
  const auto visited = [&](std::size_t product, const StationSpec& station) {
    if (!visitors) visitors = station_visitors(spec);
    return visits((*visitors)[static_cast<std::size_t>(&station - spec.stations.data())], product);
  };
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
        const std::size_t product = product_index.find(m.products[k]);
        if (product == IdIndex::NONE) {
          ctx.error(m.product_marks[k], path + ".products",
                    "unknown product " + quoted(m.products[k], '\'') + ctx.suggest(m.products[k], product_ids));
        } else if (station && !visited(product, *station)) {
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
      // (A cell without its 5g link is an error of the attachment, said already.)
      if (!layout.on_radioless_cell(*from) && !layout.on_radioless_cell(*to))
        ctx.error(m.to_mark, path + ".to", "no route from " + quoted(from_id, '\'') + " to " + quoted(m.to, '\'') + ": no links join their nodes");
      continue;
    }
    {
      std::optional<std::vector<RouteHop>> back;
      std::vector<const std::vector<RouteHop>*> legs{&*hops};
      if (m.reply && (back = layout.route(*to, 0, *from, 0))) legs.push_back(&*back);
      check_losses(ctx, m, path, net, input.run_ticks, legs);
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
  const auto mbit = [](double bytes_per_s) { return significant(bytes_per_s * 8 / 1e6, 6) + " Mbit/s"; };
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
                    significant(std::round(100 * offer.bytes_per_s / bandwidth), 6) + " % of its " + mbit(bandwidth) +
                    ": the messages in flight grow without bound, and a run stops when the backlog shows");
  }
}


}  // namespace

void check_network_sections(ReadContext& ctx, const ScenarioSpec& spec, const NetworkCheckInput& input) {
  std::vector<Declaration> flows;
  for (std::size_t i = 0; i < spec.messages.size(); ++i)
    flows.push_back({spec.messages[i].id, spec.messages[i].mark, item_path("messages", i) + ".id", "message flow"});
  check_unique(ctx, flows);
  for (std::size_t i = 0; i < spec.messages.size(); ++i)
    if (const MessageSpec& m = spec.messages[i]; m.trigger == MessageSpec::Trigger::EVERY)
      check_recurrences(ctx, input.run_ticks, m.every_mark, item_path("messages", i) + ".every", m.every.mean(), "message",
                        "messages of each sender", "every");
  if (!spec.network) return;
  const NetworkSpec& net = *spec.network;
  // Endpoints are named by id in flows: nodes, device groups and stations share one namespace.
  std::vector<Declaration> endpoints, links;
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
  for (const Declaration& d : endpoints)
    if (const auto it = stations.find(d.id); !d.id.empty() && it != stations.end())
      ctx.error(d.mark, d.path,
                "duplicate id " + quoted(d.id, '\'') + " (first used by the station at line " + std::to_string(it->second->mark.line) +
                    "): messages name stations, devices and nodes by id");
  for (std::size_t i = 0; i < net.links.size(); ++i)
    links.push_back({net.links[i].id, net.links[i].mark, item_path("network.links", i) + ".id", "link"});
  check_unique(ctx, links);
  for (std::size_t i = 0; i < net.links.size(); ++i)
    if (const auto& f = net.links[i].failures)
      check_recurrences(ctx, input.run_ticks, f->mtbf_mark, item_path("network.links", i) + ".failures.mtbf",
                        f->mtbf.mean() + f->mttr.mean(), "failure", "failures of the link", "mtbf + mttr");

  std::unordered_map<std::string, std::size_t> nodes;
  for (std::size_t i = 0; i < net.nodes.size(); ++i) nodes.emplace(net.nodes[i].id, i);
  const std::vector<std::ptrdiff_t> cell_link = check_links(ctx, net, nodes);
  check_attachments(ctx, spec, nodes, cell_link, input.stations_named);
  if (!layout_sound(spec, nodes)) return;
  const Layout layout(spec);
  check_messages(ctx, spec, layout, input);
  if (ctx.error_count() == 0) warn_periodic_overload(ctx, spec, layout);
}


}  // namespace plantwin::scenario
