// plantwin — the command line.
//   plantwin run FILE      [--seed N] [--replications R] [--horizon DUR] [--warmup DUR] [--jobs J]
//                          [--set PATH=VALUE]... [--json] [--out DIR] [--trace FILE] [--events FILE] [--from STATE]
//   plantwin validate FILE [--set PATH=VALUE]...
//   plantwin fit, validate-log, state, twin, replay: cli/twin_commands.cpp
//   plantwin check FILE [--expect EXPECT.yaml] [--baseline RESULT.json] [--fingerprint fail|warn|ignore]
//                       [--junit REPORT.xml] [--json] [--out DIR] [--jobs J] [--set PATH=VALUE]...
//   plantwin view LOG --scenario FILE --out DIR [--result RESULT.json] [--set PATH=VALUE]...
// Exit codes: 0 success; 1 an expectation failed or a KPI got worse than its baseline (check); 2
// invalid scenario or usage; 3 failure while running (including Ctrl-C); 4 only the fingerprint
// differs (check).

#include <signal.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/serve_runs.hpp"
#include "cli/twin_commands.hpp"
#include "cli/view.hpp"

namespace {

const std::string USAGE =
    std::string("usage: plantwin run FILE [--seed N] [--replications R] [--horizon DUR] [--warmup DUR] [--jobs J]\n"
                "                         [--set PATH=VALUE]... [--json] [--out DIR] [--trace FILE] [--events FILE]\n"
                "                         [--from STATE.yaml]\n"
                "       plantwin validate FILE [--set PATH=VALUE]...\n"
                "       plantwin check FILE [--expect EXPECT.yaml] [--baseline RESULT.json] [--fingerprint fail|warn|ignore]\n"
                "                           [--junit REPORT.xml] [--json] [--out DIR] [--jobs J] [--set PATH=VALUE]...\n"
                "       plantwin view LOG --scenario FILE --out DIR [--result RESULT.json] [--set PATH=VALUE]...\n") +
    plantwin::cli::TWIN_USAGE +
    "       plantwin --version | --help\n"
    "Exit codes: 0 success, 1 expectation failed or worse than the baseline, 2 invalid scenario or usage,\n"
    "3 failure while running, 4 only the fingerprint differs.\n"
    "Documentation: docs/cli.md\n";

int usage_error(const std::string& message) {
  std::cerr << "plantwin: error: " << message << "\n" << USAGE;
  return plantwin::cli::EXIT_USAGE;
}

/// The value of `--junit` among the arguments, wherever it stands ("" when absent): a check whose
/// command line is wrong still reports the error in its JUnit file.
std::string junit_argument(const std::vector<std::string>& args) {
  std::string junit;
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--junit" && i + 1 < args.size()) junit = args[++i];
    else if (args[i].rfind("--junit=", 0) == 0) junit = args[i].substr(8);
  }
  return junit;
}

std::atomic<bool> interrupted{false};

constexpr int STOP_SIGNALS[] = {SIGINT, SIGTERM, SIGHUP};

extern "C" void on_stop_signal(int signal) {
  plantwin::cli::stop_signal.store(signal);
  interrupted.store(true);
  // The next one, of any of the three, ends the process at once (sigaction is async-signal-safe).
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (const int s : STOP_SIGNALS) ::sigaction(s, &dfl, nullptr);
}

// Ctrl-C (SIGINT), SIGTERM (a CI time-out, `kill`, a container stopping) and SIGHUP (the terminal
// closed) all stop the run the same way: the replications stop within a few thousand events,
// nothing is written to --out, the trace ends with its last complete line, and the exit code is
// 3. The handlers are reset after the first signal: a second one ends the process at once (its
// replication processes die with it).
void handle_stop_signals() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  ::sigemptyset(&action.sa_mask);
  for (const int signal : STOP_SIGNALS) ::sigaddset(&action.sa_mask, signal);
  for (const int signal : STOP_SIGNALS) ::sigaction(signal, &action, nullptr);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace plantwin::cli;
  // An ignored SIGCHLD survives exec (a CI runner, a Python process that set it): the kernel would
  // reap the replications' processes itself and their waitpid would fail.
  ::signal(SIGCHLD, SIG_DFL);
  // A closed pipe (`plantwin run ... | head`) and a file size limit (`ulimit -f`) are write errors
  // every output reports (docs/cli.md, Faults: exit 3 and what happened), not signals that kill
  // the process silently and leave --out's temporary file behind.
  ::signal(SIGPIPE, SIG_IGN);
  ::signal(SIGXFSZ, SIG_IGN);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return usage_error("missing command");
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") return print_out(USAGE) ? EXIT_OK : EXIT_RUN;
  if (args[0] == "--version") return print_out(std::string("plantwin ") + PLANTWIN_VERSION + "\n") ? EXIT_OK : EXIT_RUN;

  if (args[0] == "view") return command_view(args);  // the Python package writes the page
  if (args[0] == "serve-runs") return command_serve_runs(args);  // internal: Python's run server

  if (args[0] == "fit" || args[0] == "validate-log" || args[0] == "state" || args[0] == "twin" || args[0] == "replay") {
    handle_stop_signals();
    try {
      return command_twin(args, &interrupted);
    } catch (const std::bad_alloc&) {
      std::cerr << "plantwin: error: out of memory while running '" << args[0] << "'\n";
    } catch (const std::exception& e) {
      std::cerr << "plantwin: error: " << args[0] << ": " << e.what() << "\n";
    }
    return EXIT_RUN;
  }
  Options opt;
  opt.command = args[0];
  if (opt.command != "run" && opt.command != "validate" && opt.command != "check")
    return usage_error("unknown command '" + opt.command + "'");
  const auto usage_error = [&](const std::string& message) {
    const int rc = ::usage_error(message);
    if (const std::string junit = junit_argument(args); opt.command == "check" && !junit.empty())
      if (!write_check_usage_error(junit, opt.file, "plantwin: error: " + message + "\n")) return EXIT_RUN;
    return rc;
  };

  auto value_of = [&](std::size_t& i, const std::string& flag, std::string* out) {
    if (i + 1 >= args.size()) return false;
    *out = args[++i];
    (void)flag;
    return true;
  };
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    std::string v;
    // --flag=value is accepted as well as --flag value.
    std::string flag = a;
    std::optional<std::string> inline_value;
    if (a.rfind("--", 0) == 0) {
      const auto eq = a.find('=');
      if (eq != std::string::npos && a.rfind("--set", 0) != 0) {
        flag = a.substr(0, eq);
        inline_value = a.substr(eq + 1);
      }
    }
    auto take = [&](std::string* out) {
      if (inline_value) {
        *out = *inline_value;
        return true;
      }
      return value_of(i, flag, out);
    };
    const bool takes_value = flag == "--seed" || flag == "--replications" || flag == "--horizon" || flag == "--warmup" ||
                             flag == "--jobs" || flag == "--set" || flag == "--out" || flag == "--expect" ||
                             flag == "--junit" || flag == "--trace" || flag == "--events" || flag == "--baseline" || flag == "--fingerprint" || flag == "--from";
    if (takes_value) {
      if (!take(&v)) return usage_error(flag + " needs a value");
      if (flag == "--seed") opt.seed = v;
      else if (flag == "--replications") opt.replications = v;
      else if (flag == "--horizon") opt.horizon = v;
      else if (flag == "--warmup") opt.warmup = v;
      else if (flag == "--jobs") opt.jobs = v;
      else if (flag == "--set") opt.sets.push_back(v);
      else if (flag == "--out") opt.out_dir = v;
      else if (flag == "--expect") opt.expect = v;
      else if (flag == "--junit") opt.junit = v;
      else if (flag == "--trace") opt.trace = v;
      else if (flag == "--events") opt.events = v;
      else if (flag == "--baseline") opt.baseline = v;
      else if (flag == "--fingerprint") opt.fingerprint = v;
      else if (flag == "--from") opt.from = v;
    } else if (a.rfind("--set=", 0) == 0) {
      opt.sets.push_back(a.substr(6));
    } else if (a == "--json") {
      opt.json = true;
    } else if (a.rfind("-", 0) == 0 && a != "-") {
      return usage_error("unknown option '" + a + "'");
    } else if (opt.file.empty()) {
      opt.file = a;
    } else {
      return usage_error("unexpected argument '" + a + "' (one scenario file per command)");
    }
  }
  if (opt.file.empty()) return usage_error(opt.command + " needs a scenario FILE");
  const bool run_only = opt.seed || opt.replications || opt.horizon || opt.warmup || opt.trace || opt.events || opt.from;
  if (opt.command != "run" && run_only)
    return usage_error("--seed, --replications, --horizon, --warmup, --trace, --events and --from are options of 'run'");
  if (opt.from && opt.warmup) return usage_error("--warmup and --from: a run from a state has no warm-up");
  if (opt.command == "validate" && (opt.json || opt.out_dir))
    return usage_error("--json and --out are options of 'run' and 'check'");
  if (opt.command != "check" && (opt.expect || opt.junit || opt.baseline || opt.fingerprint))
    return usage_error("--expect, --baseline, --fingerprint and --junit are options of 'check'");
  if (opt.command == "check" && !opt.expect && !opt.baseline)
    return usage_error("check needs --expect EXPECT.yaml, --baseline RESULT.json or both");
  if (opt.command == "validate" && opt.jobs) return usage_error("--jobs is an option of 'run' and 'check'");

  handle_stop_signals();
  // Whatever runs out of memory (reading a huge file, building a plant, a result document of
  // thousands of replications) ends here with a message and exit code 3, never an abort.
  try {
    if (opt.command == "validate") return command_validate(opt);
    if (opt.command == "run") return command_run(opt, &interrupted);
    return command_check(opt, &interrupted);
  } catch (const std::bad_alloc&) {
    const char* doing = opt.command == "validate" ? "validating " : opt.command == "run" ? "running " : "checking ";
    std::cerr << "plantwin: error: out of memory while " << doing << opt.file << "\n";
  } catch (const std::exception& e) {
    std::cerr << "plantwin: error: " << opt.file << ": " << e.what() << "\n";
  }
  return EXIT_RUN;
}
