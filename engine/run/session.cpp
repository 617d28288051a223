#include "run/session.hpp"

#include "run/result_document.hpp"
#include "run/runner.hpp"
#include "scenario/builder.hpp"

namespace plantwin::run {

SessionResult run_session(const scenario::ScenarioSpec& spec, const SessionOptions& options) {
  SessionResult result;
  result.params = scenario::build_plant_params(spec);
  RunConfig config;
  config.seed = spec.seed;
  config.replications = spec.replications;
  config.warmup = spec.warmup;
  config.horizon = spec.horizon;
  config.jobs = options.jobs;
  config.interrupt = options.interrupt;
  config.record_timeline = options.record_timeline;
  config.on_first_plant = options.on_first_plant;
  config.on_first_plant_done = options.on_first_plant_done;
  RunOutcome outcome = run_replications(result.params, config);
  result.ok = outcome.ok;
  result.interrupted = outcome.interrupted;
  result.error = outcome.error;
  if (!outcome.ok) return result;
  result.document = result_document(spec.name, result.params, config, outcome);
  if (!outcome.replications.empty()) result.timeline = std::move(outcome.replications.front().timeline);
  return result;
}

}  // namespace plantwin::run
