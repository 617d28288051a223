#pragma once
/// The transport sections of a scenario (docs/transport.md): reading them (strict, located
/// errors, like the rest of the loader), checking them against the stations and routes, and
/// building models::TransportParams (the path network's shortest paths computed once here).

#include <memory>

#include "models/transport_params.hpp"
#include "scenario/spec.hpp"
#include "scenario/yaml_reader.hpp"

namespace plantwin::scenario {

/// Reads `layout`, `fleets`, `conveyors` and `arms` from the scenario's top-level map (each
/// optional) into `out`.
void read_transport(ReadContext& ctx, MapReader& top, TransportSpec& out);

/// Checks across sections, once everything is read: ids (unique, known, with "did you mean"),
/// places, segment lengths, the `via` of route steps, and that every place a vehicle must reach
/// can be reached on the path network. `routes_ok`: the products section read without error (the
/// route checks need whole routes).
void check_transport(ReadContext& ctx, const ScenarioSpec& spec, bool routes_ok);

/// The transport of a valid spec with ids resolved to indices; nullptr when it has none.
/// Precondition: the loader returned `spec` without errors.
std::shared_ptr<const models::TransportParams> build_transport(const ScenarioSpec& spec);

}  // namespace plantwin::scenario
