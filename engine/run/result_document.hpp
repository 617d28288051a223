#pragma once
/// The result document (PRODUCT.md, "The result document"): what `plantwin run --json` prints,
/// what `check` tests and what Python's Result.to_dict() returns. KPI definitions are in
/// docs/kpis.md; this is the one place that computes them from the replications' measures.

#include <initializer_list>
#include <string>
#include <vector>

#include "kernel/stats.hpp"
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

/// A KPI object {mean, ci95, ci_low, ci_high, values} of one value per replication (kpis.md,
/// "KPI objects"). Its interval (ci95, ci_low, ci_high) is null until add_intervals() fills it:
/// the interval depends on what the KPI is (kpi_traits.hpp), which its place in the document says.
Json kpi(std::vector<double> values);
/// The same with quantiles of every observation of every replication pooled, in seconds:
/// `{"p50", 0.50}` adds "p50" (null when nothing was observed). `means`: one per replication.
Json kpi(std::vector<double> means, const kernel::Histogram& pooled,
         std::initializer_list<std::pair<const char*, double>> quantiles);

/// Fills the interval of every KPI object of `doc`, at 95 %, by its traits: ci_low and ci_high
/// from kernel::estimate_mean(), ci95 = max(mean − ci_low, ci_high − mean).
void add_intervals(Json& doc);

/// The fingerprint as 16 lowercase hex digits.
std::string fingerprint_hex(std::uint64_t fingerprint);

}  // namespace plantwin::run
