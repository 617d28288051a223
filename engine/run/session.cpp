#include "run/session.hpp"

#include <memory>
#include <new>
#include <stdexcept>

#include "run/event_log.hpp"
#include "run/output_file.hpp"
#include "run/result_document.hpp"
#include "run/runner.hpp"
#include "scenario/builder.hpp"

namespace plantwin::run {

models::PlantParams session_params(const scenario::ScenarioSpec& spec, const SessionOptions& options) {
  models::PlantParams params = scenario::build_plant_params(spec);
  if (options.warm_start) options.warm_start->adjust(params);
  return params;
}

SessionResult run_session(const scenario::ScenarioSpec& spec, const SessionOptions& options) {
  SessionResult result;
  // Out of memory is a failure of the run like any other (a million stations, the document of
  // 5,000 replications of a large plant), said with the step that ran out.
  const char* step = "building the plant";
  try {
    result.params = session_params(spec, options);
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
    if (options.warm_start) {
      // The window is [at, at + horizon): the state's time is where it starts.
      config.warm_start = options.warm_start.get();
      config.warmup = options.warm_start->at;
    }
    // The event log of replication 0, written where it runs (a child process with a network).
    std::optional<OutputFile> events_file;
    std::unique_ptr<EventLogWriter> events;
    if (options.events_path) {
      events_file.emplace(*options.events_path);
      if (!events_file->is_open()) {
        result.error = "cannot write the event log " + *options.events_path + ": " + events_file->error();
        return result;
      }
      config.on_first_plant = [&](models::Plant& plant) {
        if (options.on_first_plant) options.on_first_plant(plant);
        events = std::make_unique<EventLogWriter>(plant.params(), plant.kernel(), events_file->stream(), log_clock(spec));
        plant.add_observer(*events);
      };
      config.on_first_plant_done = [&] {
        if (options.on_first_plant_done) options.on_first_plant_done();
        if (!events_file->flush())
          throw std::runtime_error("cannot write the event log " + *options.events_path + ": " + events_file->error());
      };
    }
    step = "running the replications";
    RunOutcome outcome = run_replications(result.params, config);
    if (events_file && !events_file->close() && outcome.ok) {
      outcome.ok = false;
      outcome.error = "cannot write the event log " + *options.events_path + ": " + events_file->error();
    }
    result.ok = outcome.ok;
    result.interrupted = outcome.interrupted;
    result.error = outcome.error;
    if (!outcome.ok) return result;
    step = "building the result document";
    result.document = result_document(spec.name, result.params, config, outcome);
    if (options.warm_start) {
      // No warm-up: the run starts at `start_s`, from the plant's state there.
      auto& members = result.document.members();
      for (auto it = members.begin(); it != members.end(); ++it)
        if (it->first == "warmup_s") {
          it->second = 0.0;
          members.insert(it + 1, {"start_s", Json(kernel::to_seconds(options.warm_start->at))});
          break;
        }
    }
    if (!outcome.replications.empty()) result.timeline = std::move(outcome.replications.front().timeline);
  } catch (const std::bad_alloc&) {
    result = SessionResult{};
    result.error = std::string("out of memory while ") + step;
  }
  return result;
}

}  // namespace plantwin::run
