#pragma once
/// The `operators` section of the result document (docs/kpis.md, "Operators"): per pool its
/// utilization, busy shares by task, waits and requests; and pools among the resources that
/// `bottleneck.resource` compares.

#include "models/plant.hpp"
#include "run/json.hpp"
#include "run/runner.hpp"

namespace plantwin::run {

/// Adds `operators` to `doc` (filled up to `bottleneck` and the transport sections) when the
/// plant has pools, and makes the busiest pool `bottleneck.resource` when it is busier than
/// what is there.
void add_operator_sections(Json& doc, const models::PlantParams& plant, const RunOutcome& outcome);

}  // namespace plantwin::run
