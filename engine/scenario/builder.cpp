#include "scenario/builder.hpp"

#include <algorithm>
#include <cassert>
#include <string>

#include "scenario/id_index.hpp"
#include "scenario/transport.hpp"
#include "scenario/planning.hpp"
#include "scenario/material.hpp"
#include "scenario/network.hpp"

namespace plantwin::scenario {

namespace {

models::StationParams station_params(const IdIndex& products, const StationSpec& st) {
  // The declared values as read; the builder only resolves what names other things.
  models::StationParams p = st.params;
  if (st.setup) {
    p.setup_any = st.setup->any;
    for (const auto& e : st.setup->matrix) {
      const auto from = static_cast<models::ProductIndex>(products.at(e.from));
      const auto to = static_cast<models::ProductIndex>(products.at(e.to));
      if (from != to) p.setup_pairs.push_back({from, to, e.dist});
    }
    std::sort(p.setup_pairs.begin(), p.setup_pairs.end(),
              [](const auto& a, const auto& b) { return std::pair{a.from, a.to} < std::pair{b.from, b.to}; });
  }
  return p;
}

}  // namespace

models::PlantParams build_plant_params(const ScenarioSpec& spec) {
  models::PlantParams plant;
  const IdIndex station_index(spec.stations);
  const IdIndex product_index(spec.products);
  const ProcessTimes process_time(spec.stations);
  const std::vector<bool> component = component_products(spec);
  plant.products.reserve(spec.products.size());
  for (std::size_t k = 0; k < spec.products.size(); ++k) {
    const ProductSpec& pr = spec.products[k];
    models::ProductParams p;
    p.id = pr.id;
    // Its steps: the route, then what alternatives and rework add (scenario/material.cpp).
    p.route = build_route_steps(
        spec, pr, component[k], [&](const std::string& id) { return station_index.at(id); },
        [&](std::size_t s, const std::string& product) {
          const Distribution* d = process_time.find(s, product);
          assert(d && "the loader guarantees a process time for every product that visits");
          return d ? *d : Distribution{};
        });
    for (const BomEntrySpec& line : pr.bom)
      p.bom.push_back({static_cast<models::ProductIndex>(product_index.at(line.product)), line.count});
    plant.products.push_back(std::move(p));
  }
  plant.stations.reserve(spec.stations.size());
  for (const auto& st : spec.stations) plant.stations.push_back({st.id, station_params(product_index, st)});
  for (const auto& so : spec.sources) {
    models::SourceParams p;
    switch (so.kind) {
      case SourceSpec::Kind::INTERARRIVAL: p.kind = models::SourceParams::Kind::INTERARRIVAL; break;
      case SourceSpec::Kind::SATURATED: p.kind = models::SourceParams::Kind::SATURATED; break;
      case SourceSpec::Kind::ORDERS: p.kind = models::SourceParams::Kind::ORDERS; break;
    }
    for (const auto& m : so.mix)
      p.mix.emplace_back(static_cast<models::ProductIndex>(product_index.at(m.product)), m.weight);
    p.interarrival = so.interarrival;
    p.limit = so.limit;
    p.wip_limit = so.wip_limit;
    // Orders: released in the listed order, stably sorted by release.
    std::vector<std::size_t> order_index(so.orders.size());
    for (std::size_t i = 0; i < order_index.size(); ++i) order_index[i] = i;
    std::stable_sort(order_index.begin(), order_index.end(),
                     [&](std::size_t a, std::size_t b) { return so.orders[a].release < so.orders[b].release; });
    for (std::size_t i : order_index) {
      const OrderSpec& o = so.orders[i];
      const auto product = static_cast<models::ProductIndex>(product_index.at(o.product));
      const auto global = static_cast<std::int32_t>(plant.orders.size());
      plant.orders.push_back(models::OrderParams{o.id, so.id, product, o.quantity, o.release, o.due, o.priority});
      p.orders.push_back(models::OrderRelease{o.release, product, o.quantity, global});
    }
    plant.sources.push_back({so.id, std::move(p)});
  }
  build_planning(spec, plant);
  plant.transport = build_transport(spec);
  plant.has_transport = plant.transport != nullptr;
  plant.network = build_network_params(spec);
  plant.has_network = plant.network != nullptr;
  return plant;
}

}  // namespace plantwin::scenario
