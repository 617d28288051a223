#include "cli/serve_runs.hpp"

#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <iostream>
#include <new>

#include "cli/commands.hpp"
#include "network/backend.hpp"
#include "run/archive.hpp"
#include "run/run_server.hpp"
#include "run/session.hpp"
#include "scenario/loader.hpp"
#include "twin/state.hpp"

namespace plantwin::cli {

namespace {

std::atomic<bool> stop_requested{false};
std::atomic<bool> caller_gone{false};

extern "C" void on_serve_sigint(int) { stop_requested.store(true); }

// The caller's end of the request socket is closed (it exited or was killed). POLLRDHUP says so
// even while a request it sent before it went is still unread. Async-signal-safe.
bool caller_closed() {
  pollfd p{0, POLLRDHUP, 0};
  return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP)) != 0;
}

// SIGIO: something happened on the request socket. When it is the end of the caller's side, a run
// in progress stops; the next read ends the server.
extern "C" void on_serve_sigio(int) {
  const int saved = errno;
  if (caller_closed()) {
    caller_gone.store(true);
    stop_requested.store(true);
  }
  errno = saved;
}

// The caller's PLANTWIN_* variables replace the server's own for the run (they choose the network's
// shortcuts, its log...), and its umask applies to the files the run writes.
void take_callers_environment(const run::ServedRun& request) {
  for (const auto& [name, value] : run::plantwin_variables()) ::unsetenv(name.c_str());
  for (const auto& [name, value] : request.environment) ::setenv(name.c_str(), value.c_str(), 1);
  ::umask(static_cast<mode_t>(request.umask & 0777));
}

run::ServedOutcome serve(const run::ServedRun& request) {
  run::ServedOutcome out;
  const auto fail = [&](const std::string& why) {
    out.error = why;
    return out;
  };
  if (request.build != run::build_stamp()) {
    out.other_build = true;
    std::error_code ec;
    const std::string self = std::filesystem::read_symlink("/proc/self/exe", ec).string();
    return fail("is another build: " + (ec ? std::string("plantwin-server") : self) + " was built from other sources (" +
                run::build_stamp() + ") than this process (" + request.build + "); build them again together");
  }
  if (::chdir(request.cwd.c_str()) != 0) return fail("could not enter " + request.cwd + ": " + std::strerror(errno));
  take_callers_environment(request);
  const scenario::LoadResult loaded = scenario::load_scenario_text(request.text, request.file, scenario::overrides_of(request.changes));
  if (!loaded.spec) {
    const auto& items = loaded.diagnostics.items();
    return fail("could not load the scenario again" + (items.empty() ? std::string() : ": " + items.front().format()));
  }
  run::SessionOptions options;
  options.jobs = request.jobs;
  options.interrupt = &stop_requested;
  options.events_path = request.events_path;
  options.record_timeline = request.record_timeline;
  if (request.state_path) {
    twin::LoadedState state = twin::load_state(*request.state_path, *loaded.spec);
    if (!state.warm) return fail("could not read the state file " + *request.state_path + " again");
    options.warm_start = state.warm;
  }
  out.served = true;
  run::SessionResult result = run::run_session(*loaded.spec, options);
  out.ok = result.ok;
  out.interrupted = result.interrupted;
  out.error = result.error;
  if (result.ok) out.document = result.document.dump();
  out.timeline = std::move(result.timeline);
  return out;
}

}  // namespace

int command_serve_runs(const std::vector<std::string>& args) {
  long parent = 0;
  if (args.size() != 2 || std::from_chars(args[1].data(), args[1].data() + args[1].size(), parent).ec != std::errc()) {
    std::cerr << "plantwin: error: serve-runs PARENT_PID is started by plantwin's Python package, not by hand\n";
    return EXIT_USAGE;
  }
  // Started by its caller (a parent already gone is seen here, or by the first read).
  if (::getppid() != static_cast<pid_t>(parent)) return EXIT_RUN;
  // SIGINT (from the caller, or Ctrl-C in its terminal) stops the running request, not the server.
  struct sigaction action {};
  action.sa_handler = on_serve_sigint;
  action.sa_flags = SA_RESTART;
  ::sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, nullptr);
  action.sa_handler = on_serve_sigio;
  ::sigaction(SIGIO, &action, nullptr);
  ::fcntl(0, F_SETOWN, ::getpid());
  ::fcntl(0, F_SETFL, ::fcntl(0, F_GETFL) | O_ASYNC);
  ::signal(SIGPIPE, SIG_IGN);
  // The caller's thread's blocked signals survive exec (an ignored SIGCHLD is undone in main()).
  // The client starts the server with SIGINT and SIGIO blocked, so that one sent before the
  // handlers above were in place waits for them instead of killing the server.
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  // A caller gone before SIGIO was armed sent no signal: seen here, before the first request runs.
  if (caller_closed()) caller_gone.store(true);
  try {
    network::load_backend_module();  // once, before the first fork; a failure is the runs' to report
  } catch (const std::exception&) {
  }
  for (;;) {
    std::optional<std::string> frame;
    try {
      frame = run::read_frame(0);
    } catch (const std::bad_alloc&) {
    }
    if (!frame || caller_gone.load()) break;
    stop_requested.store(false);
    run::ServedOutcome out;
    try {
      run::ServedRun request;
      run::ArchiveReader reader(*frame);
      reader(request);
      out = serve(request);
    } catch (const std::bad_alloc&) {
      out = run::ServedOutcome{};
      out.error = "ran out of memory";
    } catch (const std::exception& e) {
      out = run::ServedOutcome{};
      out.error = std::string("failed: ") + e.what();
    }
    run::ArchiveWriter writer;
    writer(out);
    if (!run::write_frame(0, writer.bytes())) break;
    // The run's memory back to the system: the next run's forks copy the page tables of what is
    // mapped, and a large document or plant would otherwise stay mapped in the free lists.
    ::malloc_trim(0);
  }
  return EXIT_OK;
}

}  // namespace plantwin::cli
