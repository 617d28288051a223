#pragma once
/// The sections of the result document that a plant with a network adds next to `stations`:
/// `flows` (per message flow), `links` (per link of the scenario) and `nodes` (per compute node).
/// Definitions: docs/kpis.md and docs/network.md.

#include "models/messages.hpp"
#include "run/json.hpp"
#include "run/runner.hpp"

namespace plantwin::run {

/// Adds `flows`, `links` and `nodes` to `doc` from the replications' network measures.
void add_network_sections(Json& doc, const models::NetworkParams& network, const RunConfig& config,
                          const RunOutcome& outcome);

/// Measures of the right shape with every number 0 (for result_skeleton()).
models::NetworkMeasures empty_network_measures(const models::NetworkParams& network);

}  // namespace plantwin::run
