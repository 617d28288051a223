#pragma once
/// The run server: a small process, exec'd once, that runs scenarios with a network for a large
/// one (a Python interpreter holding pandas and a notebook's data, a Dask worker).
///
/// A plant with a network runs each replication in a forked child (run/process_runner.hpp), and
/// a fork costs in proportion to the size of the process forked: forked from Python, about 1.5 ms
/// more per replication than from the CLI. The server is the CLI's executable (`plantwin
/// serve-runs PARENT_PID`, an internal command, engine/cli/serve_runs.cpp): it loads SimGrid once
/// and forks the replications from its own small image. The caller sends it the scenario's recipe
/// (its text, file name and changes, as Python's Scenario keeps them) and gets back the result
/// document's text, the same document `run_session` would have made in the caller.
///
/// Lifetime: the server ends when the caller's end of its socket closes (the caller exited or was
/// killed): between requests it reads the end of the socket; during one, SIGIO on the socket tells
/// it, and it stops the run as on SIGINT (its replications' processes die with it). One request
/// at a time. A server that died is started again by the next `start()`; a request it did not
/// answer, or could not run, is for the caller to run itself, with the same results.

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/timeline.hpp"
#include "run/build_stamp.hpp"

namespace plantwin::run {

/// What the caller asks for: the scenario as Python's Scenario keeps it (scenario/loader.hpp's
/// load_scenario_text with these changes), read in `cwd` (the scenario's relative paths).
struct ServedRun {
  std::string build = build_stamp();  ///< the caller's sources: a server built from others refuses
  std::string cwd;
  std::string file;
  std::string text;
  std::vector<std::pair<std::string, std::string>> changes;  ///< (PATH, VALUE as YAML text), in order
  std::int32_t jobs = 0;
  std::optional<std::string> events_path;  ///< run_session's events_path
  std::optional<std::string> state_path;   ///< start every replication from this state file
  bool record_timeline = false;            ///< run_session's record_timeline
  /// The caller's PLANTWIN_* variables now (the server's own are replaced by them for the run),
  /// and its umask (the event log's permissions).
  std::vector<std::pair<std::string, std::string>> environment;
  std::uint32_t umask = 022;
  template <class A>
  void serialize(A& a) {
    a(build, cwd, file, text, changes, jobs, events_path, state_path, record_timeline, environment, umask);
  }
  /// The PLANTWIN_* variables of this process, sorted, and its umask: what a request carries.
  void take_environment();
};

/// What the server answers: run_session's outcome, the document as its JSON text. `served`
/// false: the server could not run the request (its directory, the scenario's text, its own
/// failure), said in `error`; the caller runs it itself.
struct ServedOutcome {
  bool served = false;
  bool other_build = false;  ///< not served: the server was built from other sources than the caller
  bool ok = false;
  bool interrupted = false;
  std::string error;
  std::string document;
  std::optional<models::Timeline> timeline;  ///< replication 0's, when the request asked for it
  template <class A>
  void serialize(A& a) {
    a(served, other_build, ok, interrupted, error, document, timeline);
  }
};

/// This process's PLANTWIN_* variables, (name, value) sorted by name.
std::vector<std::pair<std::string, std::string>> plantwin_variables();

/// A message on a pipe: its length (8 bytes) and its bytes. False when the pipe is closed or
/// broken; read_frame: nullopt at the end of the pipe, on a short frame or an impossible length.
bool write_frame(int fd, const std::string& bytes);
std::optional<std::string> read_frame(int fd);

/// The caller's side: one server, started on demand.
class RunServerClient {
 public:
  /// `executable`: the CLI binary to exec (`EXECUTABLE serve-runs PID`).
  explicit RunServerClient(std::string executable) : executable_(std::move(executable)) {}
  /// Closes the pipes: the server ends once it has finished what it runs.
  ~RunServerClient();
  RunServerClient(const RunServerClient&) = delete;
  RunServerClient& operator=(const RunServerClient&) = delete;

  /// Starts the server unless one is running for this process. False, and `error`, when it
  /// cannot be started (no executable, no pipes), or when it said it was built from other sources
  /// than this process (then never again: it would say so every time).
  bool start(std::string* error = nullptr);
  /// Runs `request` in the server. While it runs, `interrupt` becoming true is passed on (SIGINT,
  /// repeated until the server answers). nullopt when the server did not answer (it died or its
  /// pipe broke), with the reason in `*why`: the caller runs the request itself; the next start()
  /// starts a new server.
  std::optional<ServedOutcome> run(const ServedRun& request, const std::atomic<bool>& interrupt, std::string* why = nullptr);
  /// The server said it was built from other sources than this process: start() refuses it for good.
  bool other_build() const { return !other_build_.empty(); }
  /// The server's process id when it runs for this process, else -1.
  pid_t pid();
  /// In a child forked from the caller: lets go of the parent's server without touching it (its
  /// socket closed in this process only). For a pthread_atfork child handler.
  void abandon();

 private:
  void forget(std::string* why = nullptr);
  /// Signals and waits go through the server's pidfd, never its pid: once the server is reaped
  /// (by the kernel itself when the caller ignores SIGCHLD), its pid may name another process,
  /// even a replication this process forked. By pid only where the kernel has no pidfds.
  void signal_server(int signal) const;
  /// The server reaped (its wait status in `status`): 1; still running: 0; already reaped
  /// elsewhere or not waitable: -1. `block`: waits for it to end.
  int reap(bool block, int* status) const;

  std::string executable_;
  pid_t owner_ = -1;  ///< the process that started the server (a forked copy of the caller must not share it)
  pid_t pid_ = -1;
  int pidfd_ = -1;
  int to_server_ = -1;
  int from_server_ = -1;
  std::string other_build_;  ///< why the server is refused for good ("" while it is not)
};

}  // namespace plantwin::run
