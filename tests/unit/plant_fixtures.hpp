#pragma once
// Small helpers to describe plants in tests without YAML.

#include <optional>
#include <string>
#include <vector>

#include "models/plant.hpp"

namespace plantwin::testing {

using kernel::Distribution;
using kernel::Tick;

inline constexpr Tick S = kernel::TICKS_PER_SECOND;

inline Distribution constant(double s) { return Distribution::constant(s); }

// A plant of one product whose route is every station in declaration order.
struct LineBuilder {
  models::PlantParams params;

  std::vector<Distribution> process;  // one per station

  LineBuilder& station(const std::string& id, Distribution process_time, int servers = 1,
                       std::int64_t buffer = models::StationParams::INFINITE) {
    models::StationParams p;
    p.servers = servers;
    p.buffer = buffer;
    params.stations.push_back({id, p});
    process.push_back(process_time);
    return *this;
  }
  models::StationParams& last() { return params.stations.back().params; }
  LineBuilder& source(const std::string& id, Distribution interarrival, std::optional<std::int64_t> limit = {}) {
    models::SourceParams s;
    s.kind = models::SourceParams::Kind::INTERARRIVAL;
    s.mix = {{0, 1.0}};
    s.interarrival = interarrival;
    s.limit = limit;
    params.sources.push_back({id, s});
    return *this;
  }
  LineBuilder& saturated(const std::string& id) {
    models::SourceParams s;
    s.kind = models::SourceParams::Kind::SATURATED;
    s.mix = {{0, 1.0}};
    params.sources.push_back({id, s});
    return *this;
  }
  models::PlantParams build() {
    models::PlantParams p = params;
    p.products.clear();
    models::ProductParams product{"part", {}};
    for (std::size_t i = 0; i < p.stations.size(); ++i) product.route.push_back({i, process[i]});
    p.products.push_back(product);
    return p;
  }
};

inline models::ReplicationResult run_plant(const models::PlantParams& p, Tick warmup, Tick horizon,
                                           std::uint64_t seed = 1, std::uint64_t replication = 0) {
  models::Plant plant(p, seed, replication);
  return plant.run(warmup, horizon);
}

inline double fraction(const models::StationMeasures& m, models::ServerState s, Tick planned) {
  return static_cast<double>(m.state_ticks[static_cast<std::size_t>(s)]) / static_cast<double>(planned);
}

}  // namespace plantwin::testing
