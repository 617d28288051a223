#include "scenario/builder.hpp"

#include <algorithm>
#include <cassert>

#include "scenario/load_transport.hpp"
#include "scenario/load_network.hpp"

namespace plantwin::scenario {

namespace {

template <class T>
std::size_t index_of(const std::vector<T>& items, const std::string& id) {
  for (std::size_t i = 0; i < items.size(); ++i)
    if (items[i].id == id) return i;
  assert(false && "the loader guarantees that ids resolve");
  return 0;
}

models::StationParams station_params(const ScenarioSpec& spec, const StationSpec& st) {
  models::StationParams p;
  p.servers = st.servers;
  p.buffer = st.buffer ? *st.buffer : models::StationParams::INFINITE;
  if (st.failures) {
    const FailureSpec& f = *st.failures;
    p.failures = models::FailureParams{
        f.mtbf, f.mttr,
        f.basis == FailureSpec::Basis::OPERATING ? models::FailureParams::Basis::OPERATING
                                                 : models::FailureParams::Basis::CALENDAR,
        f.interrupted == FailureSpec::Interrupted::RESUME ? models::FailureParams::Interrupted::RESUME
                                                          : models::FailureParams::Interrupted::RESTART};
  }
  if (st.setup) {
    p.setup_any = st.setup->any;
    for (const auto& e : st.setup->matrix) {
      const auto from = static_cast<models::ProductIndex>(index_of(spec.products, e.from));
      const auto to = static_cast<models::ProductIndex>(index_of(spec.products, e.to));
      if (from != to) p.setup_pairs.push_back({from, to, e.dist});
    }
    std::sort(p.setup_pairs.begin(), p.setup_pairs.end(),
              [](const auto& a, const auto& b) { return std::pair{a.from, a.to} < std::pair{b.from, b.to}; });
  }
  p.yield = st.yield;
  return p;
}

// The process time of `product` at `station`: its own entry, else the station's one distribution.
Distribution process_time(const StationSpec& station, const std::string& product) {
  for (const auto& pd : station.process_by_product)
    if (pd.product == product) return pd.dist;
  assert(station.process && "the loader guarantees a process time for every product that visits");
  return station.process ? *station.process : Distribution{};
}

}  // namespace

models::PlantParams build_plant_params(const ScenarioSpec& spec) {
  models::PlantParams plant;
  for (const auto& pr : spec.products) {
    models::ProductParams p{pr.id, {}};
    for (const auto& station : pr.route) {
      const std::size_t s = index_of(spec.stations, station);
      p.route.push_back({s, process_time(spec.stations[s], pr.id)});
    }
    plant.products.push_back(std::move(p));
  }
  for (const auto& st : spec.stations) plant.stations.push_back({st.id, station_params(spec, st)});
  for (const auto& so : spec.sources) {
    models::SourceParams p;
    switch (so.kind) {
      case SourceSpec::Kind::INTERARRIVAL: p.kind = models::SourceParams::Kind::INTERARRIVAL; break;
      case SourceSpec::Kind::SATURATED: p.kind = models::SourceParams::Kind::SATURATED; break;
      case SourceSpec::Kind::ORDERS: p.kind = models::SourceParams::Kind::ORDERS; break;
    }
    for (const auto& m : so.mix)
      p.mix.emplace_back(static_cast<models::ProductIndex>(index_of(spec.products, m.product)), m.weight);
    p.interarrival = so.interarrival;
    p.limit = so.limit;
    // Orders: released in the listed order, stably sorted by release.
    std::vector<std::size_t> order_index(so.orders.size());
    for (std::size_t i = 0; i < order_index.size(); ++i) order_index[i] = i;
    std::stable_sort(order_index.begin(), order_index.end(),
                     [&](std::size_t a, std::size_t b) { return so.orders[a].release < so.orders[b].release; });
    for (std::size_t i : order_index) {
      const OrderSpec& o = so.orders[i];
      const auto product = static_cast<models::ProductIndex>(index_of(spec.products, o.product));
      const auto global = static_cast<std::int32_t>(plant.orders.size());
      plant.orders.push_back(models::OrderParams{o.id, so.id, product, o.quantity, o.release, o.due});
      p.orders.push_back(models::OrderRelease{o.release, product, o.quantity, global});
    }
    plant.sources.push_back({so.id, std::move(p)});
  }
  plant.transport = build_transport(spec);
  plant.has_transport = plant.transport != nullptr;
  plant.network = build_network_params(spec);
  plant.has_network = plant.network != nullptr;
  return plant;
}

}  // namespace plantwin::scenario
