#include "run/session.hpp"

#include <new>

#include "run/result_document.hpp"
#include "run/runner.hpp"
#include "scenario/builder.hpp"

namespace plantwin::run {

SessionResult run_session(const scenario::ScenarioSpec& spec, const SessionOptions& options) {
  SessionResult result;
  // Out of memory is a failure of the run like any other (a million stations, the document of
  // 5,000 replications of a large plant), said with the step that ran out.
  const char* step = "building the plant";
  try {
    result.params = scenario::build_plant_params(spec);
    if (options.interrupt != nullptr && options.interrupt->load()) {
      result.interrupted = true;
      result.error = "interrupted";
      return result;
    }
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
    step = "running the replications";
    RunOutcome outcome = run_replications(result.params, config);
    result.ok = outcome.ok;
    result.interrupted = outcome.interrupted;
    result.error = outcome.error;
    if (!outcome.ok) return result;
    step = "building the result document";
    result.document = result_document(spec.name, result.params, config, outcome);
    if (!outcome.replications.empty()) result.timeline = std::move(outcome.replications.front().timeline);
  } catch (const std::bad_alloc&) {
    result = SessionResult{};
    result.error = std::string("out of memory while ") + step;
  }
  return result;
}

}  // namespace plantwin::run
