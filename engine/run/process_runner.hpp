#pragma once
/// Replications in child processes: what a plant with a network needs, because SimGrid's engine
/// is one per process and cannot be restarted. Each replication forks a child that builds its
/// Plant, runs it and sends its ReplicationResult back through a pipe (run/archive.hpp); at
/// most `jobs` children run at once, and results are gathered by index, so any --jobs gives the
/// same results. The parent never builds a network.
///
/// A child that fails is a failed replication with a message saying how: its kernel's failure,
/// an exception, "out of memory", a signal ("killed by signal 11 (Segmentation fault)"), or an
/// exit without a result. When `config.interrupt` becomes true (Ctrl-C) the parent stops starting
/// children, asks the running ones to stop (SIGINT; they stop within 4,096 events), waits for
/// them, and kills any that have not stopped 5 s later.

#include <functional>
#include <string>

#include "models/plant.hpp"
#include "run/runner.hpp"

namespace plantwin::run {

/// Runs every replication in a child process of its own; the same contract as run_replications.
/// `config.on_first_plant` runs in replication 0's child.
RunOutcome run_replications_in_processes(const models::PlantParams& params, const RunConfig& config);

/// What a child process gave back.
struct ChildOutcome {
  bool ok = false;
  std::string bytes;  ///< what `work` returned (ok)
  std::string error;  ///< why not ok: the child's exception, its signal or its exit status
};

/// Runs `work` in a forked child and returns what it returned (for tests and tools that need a
/// fresh process, such as anything that builds a network::Simulator).
ChildOutcome run_in_child(const std::function<std::string()>& work);

}  // namespace plantwin::run
