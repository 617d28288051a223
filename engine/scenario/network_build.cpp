#include "scenario/network.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <tuple>
#include <unordered_set>

#include "scenario/text.hpp"
#include "scenario/id_index.hpp"
#include "topology/network_graph.hpp"

#include "scenario/network_layout.hpp"

namespace plantwin::scenario {

namespace {
using namespace network_layout;
using Tick = kernel::Tick;
}  // namespace

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

  const IdIndex station_index(spec.stations), product_index(spec.products);
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
