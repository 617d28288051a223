#pragma once
/// Replications: each one builds its own Plant (its own kernel and streams) from the same
/// PlantParams and runs on any of `jobs` threads. Replication k's numbers depend only on
/// (seed, k), never on how many replications run or on which thread. A plant with a network runs
/// each replication in a child process instead (run/process_runner.hpp), `jobs` at once.

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "kernel/time.hpp"
#include "models/plant.hpp"

namespace plantwin::run {

struct RunConfig {
  std::uint64_t seed = 1;
  int replications = 1;
  kernel::Tick warmup = 0;
  kernel::Tick horizon = 0;
  /// Threads; 0 means one per hardware core. Never more than the replications.
  int jobs = 0;
  /// Ctrl-C: every replication stops soon after this becomes true.
  const std::atomic<bool>* interrupt = nullptr;
  /// Called with replication 0's plant after it is built and before it runs (to attach a trace).
  std::function<void(models::Plant&)> on_first_plant;
  /// Record replication 0's state changes and exits (ReplicationResult::timeline).
  bool record_timeline = false;
  /// Called after replication 0 has run, where it ran (a child process for a plant with a
  /// network): to flush what on_first_plant attached. An exception from it fails replication 0 with
  /// its message (a trace that could not be written).
  std::function<void()> on_first_plant_done;
  /// Every replication starts from this state at its time (models/warm_start.hpp), which is then
  /// `warmup` (the start of the measured window); the params must have been adjusted by it.
  const models::WarmStart* warm_start = nullptr;
};

struct RunOutcome {
  std::vector<models::ReplicationResult> replications;  ///< in replication order
  double wall_s = 0;
  bool ok = true;
  bool interrupted = false;
  std::string error;  ///< the first failure, "replication K: message"
};

RunOutcome run_replications(const models::PlantParams& params, const RunConfig& config);

/// The number of threads `jobs` means on this machine.
int effective_jobs(int jobs, int replications);

/// Sets ok, interrupted and error from the replications' statuses: the lowest-numbered failure
/// (the same message whatever the number of jobs), else an interruption.
void finish_outcome(RunOutcome& outcome);

}  // namespace plantwin::run
