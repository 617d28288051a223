#pragma once
/// The `network:` and `messages:` sections: reading (strict, located errors, all in one pass, like
/// the rest of the loader), checks across sections (ids, stations, products, routes), and the
/// build into models::NetworkParams. docs/network.md is the reference of every key.

#include <memory>

#include "models/messages.hpp"
#include "models/plant.hpp"
#include "scenario/spec.hpp"
#include "scenario/yaml_reader.hpp"

namespace plantwin::scenario {

/// Limits on what a file can ask of the network: everything it asks for costs memory and time in
/// every replication's process (routes, SimGrid hosts and links, shortest-path trees).
/// The most devices (stations and device groups' members attached to the network) in a scenario.
inline constexpr std::int64_t MAX_NETWORK_DEVICES = 10000;
/// The most nodes, and the most links, of a network.
inline constexpr std::size_t MAX_NETWORK_NODES = 10'000;
inline constexpr std::size_t MAX_NETWORK_LINKS = 10'000;
/// The most device routes of all the flows together: a flow with a group of n devices at one
/// end has n.
inline constexpr std::int64_t MAX_FLOW_ROUTES = 20'000;

/// Reads the optional `network` and `messages` keys of the scenario's top-level map into `spec`.
void read_network_sections(ReadContext& ctx, MapReader& scenario, ScenarioSpec& spec);

/// What the rest of the scenario is, for the checks across sections.
struct NetworkCheckInput {
  bool stations_named = false;  ///< every station has an id (else station references are not judged)
  bool products_named = false;  ///< every product has an id
  kernel::Tick run_ticks = 0;    ///< warmup + horizon, when both are valid (else 0)
};

/// Checks the network sections against each other and the rest of the scenario: unique ids,
/// references (with "did you mean"), attachments, slices, outages, and a route for every flow.
void check_network_sections(ReadContext& ctx, const ScenarioSpec& spec, const NetworkCheckInput& input);

/// Builds the network of a valid scenario (nullptr when it has none). `plant` gives the station
/// and product indices.
std::shared_ptr<const models::NetworkParams> build_network_params(const ScenarioSpec& spec);

}  // namespace plantwin::scenario
