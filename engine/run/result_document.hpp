#pragma once
/// The result document (PRODUCT.md, "The result document"): what `plantwin run --json` prints,
/// what `check` tests and what Python's Result.to_dict() returns. KPI definitions are in
/// docs/kpis.md; this is the one place that computes them from the replications' measures.

#include <string>
#include <vector>

#include "models/plant.hpp"
#include "run/json.hpp"
#include "run/runner.hpp"
#include "scenario/spec.hpp"

namespace plantwin::run {

/// Precondition: outcome.ok (every replication ran to the end of its horizon).
Json result_document(const std::string& scenario_name, const models::PlantParams& plant, const RunConfig& config,
                     const RunOutcome& outcome);

/// A document of the same shape as result_document() with every number 0: tells which KPI paths
/// exist before a run.
Json result_skeleton(const std::string& scenario_name, const models::PlantParams& plant, const RunConfig& config);
/// The same for a scenario.
Json result_skeleton(const scenario::ScenarioSpec& spec);

/// A KPI object {mean, ci95, values} of one value per replication (kpis.md, "KPI objects").
Json kpi(std::vector<double> values);

/// The fingerprint as 16 lowercase hex digits.
std::string fingerprint_hex(std::uint64_t fingerprint);

}  // namespace plantwin::run
