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
#include <optional>
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

/// A child process that runs `work` while the caller goes on with its own (the live twin's
/// forecast beside its intake of events). The child is fork()ed from the calling thread: it sees
/// the caller's memory as it was then, and must only be started from a process with no other
/// thread (fork copies only the calling thread; a lock another thread held stays locked in the
/// child). It dies with the thread that started it, like a replication's process.
class BackgroundChild {
 public:
  BackgroundChild() = default;
  /// Kills and reaps a child still running.
  ~BackgroundChild();
  BackgroundChild(const BackgroundChild&) = delete;
  BackgroundChild& operator=(const BackgroundChild&) = delete;
  /// Starts `work` in a child; throws std::system_error when it cannot (pipe, fork).
  /// Precondition: none running.
  void start(const std::function<std::string()>& work);
  bool running() const { return pid_ > 0; }
  /// The pipe to poll for the child's output (-1 when none runs).
  int fd() const { return fd_; }
  /// Reads what the child has sent; when it has finished, reaps it and returns its outcome.
  std::optional<ChildOutcome> poll();
  /// Kills (SIGKILL) and reaps the child, if one runs.
  void kill();

 private:
  int pid_ = -1;
  int fd_ = -1;
  std::string bytes_;
};

}  // namespace plantwin::run
