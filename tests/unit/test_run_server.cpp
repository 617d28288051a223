// The run server (run/run_server.hpp, `plantwin serve-runs`): what Python's package uses to fork
// a network's replications from a small process. Its answers equal run_session's, its errors say
// what went wrong, an interrupt reaches it, and a dead server is seen and replaced.

#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

#include "cli_support.hpp"
#include "run/build_stamp.hpp"
#include "run/json.hpp"
#include "run/process_runner.hpp"
#include "run/run_server.hpp"
#include "run/session.hpp"
#include "scenario/loader.hpp"

using namespace plantwin;

namespace {

const std::string EDGE = "scenarios/examples/edge_inspection.yaml";

run::ServedRun edge_request(std::vector<std::pair<std::string, std::string>> changes) {
  run::ServedRun request;
  request.cwd = PLANTWIN_SOURCE_DIR;
  request.file = EDGE;
  request.text = testing::read_text(std::string(PLANTWIN_SOURCE_DIR) + "/" + EDGE);
  request.changes = std::move(changes);
  request.jobs = 2;
  return request;
}

std::string without_wall(const std::string& document) {
  std::optional<run::Json> doc = run::parse_json(document, nullptr);
  REQUIRE(doc.has_value());
  auto& members = doc->members();
  std::erase_if(members, [](const auto& m) { return m.first == "wall_s"; });
  return doc->dump();
}

const std::vector<std::pair<std::string, std::string>> SHORT{{"warmup", "1min"}, {"horizon", "5min"}, {"replications", "3"}};

}  // namespace

TEST_CASE("the run server answers with the document run_session makes, and runs again", "[run_server]") {
  run::RunServerClient client(PLANTWIN_CLI);
  std::string error;
  REQUIRE(client.start(&error));
  const pid_t pid = client.pid();
  std::atomic<bool> interrupt{false};
  const auto answer = client.run(edge_request(SHORT), interrupt);
  REQUIRE(answer.has_value());
  REQUIRE(answer->ok);
  // The same scenario, loaded and run here (in a child: one SimGrid engine per process).
  const run::ChildOutcome here = run::run_in_child([] {
    const auto request = edge_request(SHORT);
    const auto loaded = scenario::load_scenario_text(request.text, request.file, scenario::overrides_of(request.changes));
    run::SessionOptions options;
    options.jobs = 2;
    return run::run_session(*loaded.spec, options).document.dump();
  });
  REQUIRE(here.ok);
  CHECK(without_wall(answer->document) == without_wall(here.bytes));
  // A second request, to the same server.
  REQUIRE(client.start());
  CHECK(client.pid() == pid);
  const auto again = client.run(edge_request(SHORT), interrupt);
  REQUIRE((again && again->ok));
  CHECK(without_wall(again->document) == without_wall(answer->document));
}

TEST_CASE("the run server says why it could not run a request, for the caller to run it", "[run_server]") {
  run::RunServerClient client(PLANTWIN_CLI);
  REQUIRE(client.start());
  std::atomic<bool> interrupt{false};
  const auto refused = [&](run::ServedRun request) {
    const auto answer = client.run(request, interrupt);
    REQUIRE(answer.has_value());
    CHECK_FALSE(answer->served);
    CHECK_FALSE(answer->ok);
    return answer->error;
  };
  CHECK_THAT(refused(edge_request({{"stations.aoi.servers", "0"}})), Catch::StartsWith("could not load the scenario again: --set[1]"));
  auto lost = edge_request(SHORT);
  lost.cwd = "/no/such/directory";
  CHECK(refused(lost) == "could not enter /no/such/directory: No such file or directory");
  auto stateless = edge_request(SHORT);
  stateless.state_path = "no_such_state.yaml";
  CHECK(refused(stateless) == "could not read the state file no_such_state.yaml again");
}

TEST_CASE("the run server runs with the caller's PLANTWIN_ variables of the moment", "[run_server]") {
  run::RunServerClient client(PLANTWIN_CLI);
  REQUIRE(client.start());
  std::atomic<bool> interrupt{false};
  auto request = edge_request(SHORT);
  request.environment = {{"PLANTWIN_NETWORK_SHORTCUTS", "bogus"}};
  const auto answer = client.run(request, interrupt);
  REQUIRE((answer && answer->served));  // a run's own failure is served: the caller reports it
  CHECK_FALSE(answer->ok);
  CHECK_THAT(answer->error, Catch::Contains("PLANTWIN_NETWORK_SHORTCUTS: expected on, off, alone or run-ahead, got 'bogus'"));
  request.environment.clear();  // and without them again
  const auto again = client.run(request, interrupt);
  REQUIRE((again && again->ok));
  // What a request takes from this process.
  ::setenv("PLANTWIN_TEST_VARIABLE", "x", 1);
  run::ServedRun taken;
  taken.take_environment();
  ::unsetenv("PLANTWIN_TEST_VARIABLE");
  CHECK(std::find(taken.environment.begin(), taken.environment.end(), std::pair<std::string, std::string>{"PLANTWIN_TEST_VARIABLE", "x"}) !=
        taken.environment.end());
}

TEST_CASE("an interrupt stops the run server's run, and the server runs the next one", "[run_server]") {
  // At once (the server has not yet installed its handlers: the SIGINT waits for them, blocked
  // since the spawn, rather than kill it), and once it runs.
  const int after_ms = GENERATE(0, 300);
  CAPTURE(after_ms);
  run::RunServerClient client(PLANTWIN_CLI);
  REQUIRE(client.start());
  std::atomic<bool> interrupt{after_ms == 0};
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(after_ms));
    interrupt = true;
  });
  const auto started = std::chrono::steady_clock::now();
  const auto answer = client.run(edge_request({{"horizon", "36000d"}, {"replications", "2"}}), interrupt);
  stopper.join();
  REQUIRE(answer.has_value());
  CHECK_FALSE(answer->ok);
  CHECK(answer->interrupted);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(30));  // not 36,000 days (a sanitizer build, under load)
  interrupt = false;
  const auto next = client.run(edge_request(SHORT), interrupt);
  REQUIRE((next && next->ok));
}

TEST_CASE("a dead run server is seen and started again, a missing one is an error", "[run_server]") {
  run::RunServerClient client(PLANTWIN_CLI);
  REQUIRE(client.start());
  const pid_t first = client.pid();
  std::atomic<bool> interrupt{false};
  std::thread killer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ::kill(first, SIGTERM);
  });
  std::string why;
  CHECK_FALSE(client.run(edge_request({{"horizon", "36000d"}, {"replications", "2"}}), interrupt, &why).has_value());
  killer.join();
  CHECK(why == "ended without answering (it was killed by signal 15, Terminated)");  // the caller runs it itself
  CHECK(client.pid() == -1);
  REQUIRE(client.start());
  CHECK(client.pid() != first);
  const auto answer = client.run(edge_request(SHORT), interrupt);
  REQUIRE((answer && answer->ok));

  run::RunServerClient nowhere("/no/such/plantwin-server");
  std::string error;
  CHECK_FALSE(nowhere.start(&error));
  CHECK(error == "cannot start /no/such/plantwin-server: No such file or directory");
  CHECK(nowhere.pid() == -1);
}

TEST_CASE("a run server reaped by the kernel is forgotten without a signal to its pid's next owner", "[run_server]") {
  // With SIGCHLD ignored the kernel reaps a dead server at once, and its pid is free: here it is
  // given to a child of this process, as a replication forked later could get it. The client
  // must neither take that child for its server nor signal it.
  const auto old_handler = ::signal(SIGCHLD, SIG_IGN);
  run::RunServerClient client(PLANTWIN_CLI);
  REQUIRE(client.start());
  const pid_t server = client.pid();
  REQUIRE(::kill(server, SIGKILL) == 0);
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (::kill(server, 0) == 0 && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  REQUIRE(::kill(server, 0) != 0);  // reaped by the kernel
  // The next process this one forks gets the server's pid (ns_last_pid: root only).
  pid_t impostor = -1;
  for (int attempt = 0; attempt < 50 && impostor != server; ++attempt) {
    if (impostor > 0) ::kill(impostor, SIGKILL);
    std::ofstream("/proc/sys/kernel/ns_last_pid") << server - 1 << std::flush;
    impostor = ::fork();
    REQUIRE(impostor >= 0);
    if (impostor == 0) {
      ::pause();
      ::_exit(0);
    }
  }
  if (impostor != server) WARN("the server's pid could not be given to another process (not root?): checked without it");
  CHECK(client.pid() == -1);
  std::atomic<bool> interrupt{false};
  std::string why;
  CHECK_FALSE(client.run(edge_request(SHORT), interrupt, &why).has_value());
  CHECK(why == "is not running");
  CHECK(::kill(impostor, 0) == 0);  // not signalled: still there
  ::kill(impostor, SIGKILL);
  REQUIRE(client.start());
  CHECK(client.run(edge_request(SHORT), interrupt).has_value());
  ::signal(SIGCHLD, old_handler);
}

TEST_CASE("a run server built from other sources refuses to run, and is not started again", "[run_server]") {
  run::RunServerClient client(PLANTWIN_CLI);
  REQUIRE(client.start());
  const pid_t server = client.pid();
  std::atomic<bool> interrupt{false};
  run::ServedRun request = edge_request(SHORT);
  CHECK(request.build == run::build_stamp());
  CHECK(request.build.size() == 16);
  request.build = "0123456789abcdef";  // as a module built from other sources would send
  const auto answer = client.run(request, interrupt);
  REQUIRE(answer.has_value());
  CHECK_FALSE(answer->served);
  CHECK(answer->other_build);
  CHECK(answer->error == std::string("is another build: ") + PLANTWIN_CLI + " was built from other sources (" + run::build_stamp() +
                             ") than this process (0123456789abcdef); build them again together");
  CHECK(client.other_build());
  CHECK(client.pid() == -1);
  CHECK(::kill(server, 0) != 0);  // ended and reaped
  std::string error;
  CHECK_FALSE(client.start(&error));
  CHECK(error == answer->error);
  CHECK(client.pid() == -1);
}

TEST_CASE("serve-runs is not a command for users", "[run_server][cli]") {
  const auto by_hand = testing::run_cli("serve-runs");
  CHECK(by_hand.exit_code == 2);
  CHECK(by_hand.first_err_line() == "plantwin: error: serve-runs PARENT_PID is started by plantwin's Python package, not by hand");
  // Started by another process than the one it names: it stops at once.
  CHECK(testing::run_cli("serve-runs 1 </dev/null").exit_code == 3);
}

TEST_CASE("a network run works when the process that starts the CLI ignores SIGCHLD", "[run_server][cli]") {
  // An ignored SIGCHLD survives exec: the kernel would reap the replications' processes itself.
  const std::string cmd = std::string("trap '' CHLD; cd '") + PLANTWIN_SOURCE_DIR + "' && '" + PLANTWIN_CLI + "' run " + EDGE +
                          " --set horizon=5min --set warmup=0s --replications 2 --json >/dev/null 2>&1";
  const int status = std::system(cmd.c_str());
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("the run server stops its run and ends when its caller goes", "[run_server]") {
  // The caller is a child process that starts the server, sends an endless run and dies: the
  // server sees its socket end (SIGIO), stops the run and exits, and its replications with it.
  // At once (the server may not have armed SIGIO yet, and finds the request with the socket
  // closed behind it) and once the run has started.
  const int after_ms = GENERATE(0, 500);
  CAPTURE(after_ms);
  int report[2];
  REQUIRE(::pipe(report) == 0);
  const pid_t caller = ::fork();
  REQUIRE(caller >= 0);
  if (caller == 0) {
    ::close(report[0]);
    run::RunServerClient client(PLANTWIN_CLI);
    if (!client.start()) ::_exit(1);
    const pid_t server = client.pid();
    if (::write(report[1], &server, sizeof server) != sizeof server) ::_exit(1);
    std::thread([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(after_ms == 0 ? 10 : after_ms));
      ::_exit(0);
    }).detach();
    std::atomic<bool> interrupt{false};
    client.run(edge_request({{"horizon", "36000d"}, {"replications", "2"}}), interrupt);
    ::_exit(2);
  }
  ::close(report[1]);
  pid_t server = -1;
  REQUIRE(::read(report[0], &server, sizeof server) == sizeof server);
  ::close(report[0]);
  int status = 0;
  REQUIRE(::waitpid(caller, &status, 0) == caller);
  CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  // The server was the dead caller's child: it is reparented, so it is seen through /proc.
  const auto running = [](pid_t pid) {
    const std::string stat = testing::read_text("/proc/" + std::to_string(pid) + "/stat");
    return !stat.empty() && stat[stat.rfind(')') + 2] != 'Z';
  };
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (running(server) && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK_FALSE(running(server));
}
