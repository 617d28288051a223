#pragma once
/// The material-flow KPIs of the result document (docs/kpis.md, "Material flow"; PLANNING.md §6):
/// per station `rejected` (stations with a `yield` below 1 or `rejects`), `reworked` and
/// `visits_per_good_part` (stations with `rejects`), `consumed` and `kits_waiting`
/// (assembly stations), `batches` (batch stations); per source `backlog` (sources with
/// `wip_limit`). A plant that uses none of them gets none of these keys.

#include "models/plant.hpp"
#include "run/json.hpp"
#include "run/runner.hpp"

namespace plantwin::run {

/// Adds them to `doc`, whose `stations` section is filled.
void add_material_sections(Json& doc, const models::PlantParams& plant, const RunOutcome& outcome);

}  // namespace plantwin::run
