#pragma once
/// The transport sections of the result document (docs/transport.md, "KPIs"): `fleets`,
/// `conveyors` and `arms`, and the bottleneck among every resource (stations, fleets, arms) under
/// `bottleneck.resource`.

#include "models/plant.hpp"
#include "run/json.hpp"
#include "run/runner.hpp"

namespace plantwin::run {

/// Adds the sections to `doc`, which result_document() has filled up to `bottleneck`.
/// Replications without transport measures (the skeleton's) count as zeros.
void add_transport_sections(Json& doc, const models::PlantParams& plant, const RunConfig& config,
                            const RunOutcome& outcome);

}  // namespace plantwin::run
