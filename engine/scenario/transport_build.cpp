#include "scenario/transport.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "scenario/checks.hpp"
#include "scenario/material.hpp"
#include "scenario/declared.hpp"
#include "scenario/id_index.hpp"
#include "scenario/text.hpp"
#include "topology/path_network.hpp"
#include "scenario/transport_layout.hpp"

namespace plantwin::scenario {

using namespace transport_layout;

// ---- building ------------------------------------------------------------------------------------

std::shared_ptr<const models::TransportParams> build_transport(const ScenarioSpec& spec) {
  const TransportSpec& t = spec.transport;
  bool any_via = false;
  for (const ProductSpec& p : spec.products)
    for (const RouteEntrySpec& e : p.route) any_via = any_via || !e.via.empty();
  if (!t.any() && !any_via) return nullptr;

  auto out = std::make_shared<models::TransportParams>();
  const IdIndex station_index(spec.stations);
  out->station_node.assign(spec.stations.size(), topology::NO_NODE);

  ResolvedLayout resolved;
  if (t.layout) {
    resolved = resolve_layout(*t.layout);
    models::LayoutParams layout;
    for (const NodeSpec& n : t.layout->nodes) {
      layout.node_ids.push_back(n.id);
      layout.node_capacity.push_back(n.capacity);
    }
    layout.segments = resolved.segments;
    for (const SegmentSpec& s : t.layout->segments) {
      layout.segment_names.push_back(segment_name(s));
      layout.segment_capacity.push_back(s.capacity);
    }
    for (const PlaceSpec& p : t.layout->places) out->station_node[station_index.at(p.station)] = *resolved.find(p.node);
    // The nodes vehicles head for: every place, home and charger.
    std::vector<topology::NodeIndex> targets;
    for (topology::NodeIndex n : out->station_node)
      if (n != topology::NO_NODE) targets.push_back(n);
    for (const FleetSpec& f : t.fleets) {
      targets.push_back(*resolved.find(f.home));
      if (f.battery)
        for (const std::string& c : f.battery->chargers) targets.push_back(*resolved.find(c));
    }
    std::sort(targets.begin(), targets.end());
    layout.paths = topology::PathNetwork(layout.node_ids.size(), layout.segments).shortest_paths_to(targets);
    out->layout = std::move(layout);
  }

  for (const FleetSpec& f : t.fleets) {
    models::FleetParams p = f.params;
    p.home = *resolved.find(f.home);
    if (f.battery) {
      models::BatteryParams b = f.battery->params;
      for (const std::string& c : f.battery->chargers) b.chargers.push_back(*resolved.find(c));
      p.battery = std::move(b);
    }
    out->fleets.push_back(std::move(p));
  }
  for (const ConveyorSpec& c : t.conveyors) out->conveyors.push_back(c.params);
  for (const ArmSpec& a : t.arms) {
    models::ArmParams p = a.params;
    for (const std::string& s : a.stations) p.stations.push_back(station_index.at(s));
    out->arms.push_back(std::move(p));
  }

  std::unordered_map<std::string, std::pair<models::ViaParams::Kind, std::size_t>> carriers;
  for (std::size_t i = 0; i < t.fleets.size(); ++i) carriers.emplace(t.fleets[i].params.id, std::pair{models::ViaParams::Kind::FLEET, i});
  for (std::size_t i = 0; i < t.conveyors.size(); ++i)
    carriers.emplace(t.conveyors[i].params.id, std::pair{models::ViaParams::Kind::CONVEYOR, i});
  for (std::size_t p = 0; p < spec.products.size(); ++p) {
    const ProductSpec& product = spec.products[p];
    // Each step an entry stands for (its alternatives') is reached via the entry's carrier.
    const auto steps = entry_steps(product);
    for (std::size_t k = 1; k < product.route.size(); ++k) {
      const RouteEntrySpec& e = product.route[k];
      if (e.via.empty()) continue;
      const auto [kind, index] = carriers.at(e.via);
      for (std::size_t a = 0; a < steps[k].size(); ++a)
        out->vias.push_back({p, steps[k][a], kind, index,
                             static_cast<std::uint32_t>(station_index.at(product.route[k - 1].station())),
                             static_cast<std::uint32_t>(station_index.at(e.stations[a]))});
    }
  }
  return out;
}

}  // namespace plantwin::scenario
