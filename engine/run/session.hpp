#pragma once
/// One run of a scenario, done the same way for the CLI (`plantwin run`, `check`) and for Python
/// (plantwin.run): build the plant once, run the replications, compute the result document. The
/// same scenario and seed give the same document whichever calls it.

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "models/plant.hpp"
#include "models/timeline.hpp"
#include "run/json.hpp"
#include "scenario/spec.hpp"

namespace plantwin::run {

struct SessionOptions {
  int jobs = 0;                                 ///< threads (or processes); 0: one per core
  const std::atomic<bool>* interrupt = nullptr;  ///< stops the run soon after it becomes true
  bool record_timeline = false;                 ///< record replication 0's state changes and exits
  std::function<void(models::Plant&)> on_first_plant;  ///< e.g. attach a trace to replication 0
  /// Called after replication 0 has run, where it ran (a child process for a plant with a
  /// network): to flush what on_first_plant attached. An exception from it fails replication 0 with
  /// its message (a trace that could not be written).
  std::function<void()> on_first_plant_done;
  /// Write replication 0's event log (warm-up included) to this file (docs/twin.md).
  std::optional<std::string> events_path = {};
  /// Start every replication from this state (models/warm_start.hpp) and measure
  /// [state.at, state.at + horizon) with no warm-up: the document then has `start_s`.
  std::shared_ptr<const models::WarmStart> warm_start = {};
};

struct SessionResult {
  bool ok = false;
  bool interrupted = false;
  std::string error;  ///< "replication K: message" when !ok
  Json document;      ///< the result document (PRODUCT.md) when ok
  models::PlantParams params;
  std::optional<models::Timeline> timeline;  ///< replication 0's, when asked
};

SessionResult run_session(const scenario::ScenarioSpec& spec, const SessionOptions& options);

/// The plant's parameters run_session runs (SessionResult::params): the scenario's, adjusted to
/// the warm start when there is one. Throws what scenario::build_plant_params throws.
models::PlantParams session_params(const scenario::ScenarioSpec& spec, const SessionOptions& options);

}  // namespace plantwin::run
