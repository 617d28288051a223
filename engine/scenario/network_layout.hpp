#pragma once
/// The network sections of a scenario with their ids resolved (nodes, endpoints, the wired graph),
/// and the routes between endpoints: what the network's checks (network_check.cpp) and its builder
/// (network_build.cpp) share. Internal to the scenario layer.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "scenario/spec.hpp"
#include "topology/network_graph.hpp"

namespace plantwin::scenario::network_layout {

/// The longest latency a link may have (read), and how long a fleet manager waits before it sends
/// a failed command again unless `resend` says otherwise (build).
inline constexpr kernel::Tick MAX_LINK_LATENCY = 10 * kernel::TICKS_PER_SECOND;
inline constexpr kernel::Tick DEFAULT_RESEND = kernel::TICKS_PER_SECOND;


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

  /// Whether `e` is attached to a cell that has no 5g link (an error of the attachment).
  bool on_radioless_cell(const Endpoint& e) const { return on_cell(e) && cell_link[node_of(e)] < 0; }

  /// The hops from device `df` of `from` to device `dt` of `to`; nullopt when no path joins them
  /// (or an end is on a cell without its 5g link).
  std::optional<std::vector<RouteHop>> route(const Endpoint& from, std::size_t df, const Endpoint& to, std::size_t dt) const {
    if (on_radioless_cell(from) || on_radioless_cell(to)) return std::nullopt;
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


}  // namespace plantwin::scenario::network_layout
