#pragma once
/// ScenarioSpec (names) → models::PlantParams (indices): done once per run, then every
/// replication builds its Plant from the result.

#include "models/plant.hpp"
#include "scenario/spec.hpp"

namespace plantwin::scenario {

/// Precondition: `spec` came from the loader without errors (every id resolves).
models::PlantParams build_plant_params(const ScenarioSpec& spec);

}  // namespace plantwin::scenario
