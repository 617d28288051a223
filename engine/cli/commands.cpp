#include "cli/commands.hpp"

#include <unistd.h>

#include <charconv>
#include <csignal>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <variant>

#include "cli/report.hpp"
#include "run/json.hpp"
#include "run/output_file.hpp"
#include "run/result_document.hpp"
#include "run/runner.hpp"
#include "run/session.hpp"
#include "run/trace.hpp"
#include "scenario/builder.hpp"
#include "scenario/loader.hpp"

namespace plantwin::cli {

namespace {

using scenario::Override;
using scenario::ScenarioSpec;

int fail_usage(const std::string& message) {
  std::cerr << "plantwin: error: " << message << "\n";
  return EXIT_USAGE;
}

// Parses a whole decimal integer in [lo, hi].
std::optional<long long> parse_int(const std::string& text, long long lo, long long hi) {
  long long v = 0;
  const char* end = text.data() + text.size();
  const auto res = std::from_chars(text.data(), end, v);
  if (res.ec != std::errc() || res.ptr != end || v < lo || v > hi) return std::nullopt;
  return v;
}

std::optional<std::vector<Override>> parse_sets(const std::vector<std::string>& sets) {
  std::vector<Override> out;
  for (const auto& s : sets) {
    auto o = scenario::parse_override(s);
    if (!o) {
      fail_usage("--set expects PATH=VALUE, got '" + s + "'");
      return std::nullopt;
    }
    out.push_back(*o);
  }
  return out;
}

// Prints a file's diagnostics: its errors when it has any (warnings then are mostly their echoes,
// such as "no source produces 'board'" after "unknown product 'bord'"), else its warnings.
void print_diagnostics(const scenario::Diagnostics& diagnostics) {
  for (const auto& d : diagnostics.items())
    if ((d.severity == scenario::Diagnostic::Severity::ERROR) == diagnostics.has_errors()) std::cerr << d.format() << "\n";
}

// Loads the scenario with its overrides.
std::optional<ScenarioSpec> load(const std::string& file, const std::vector<Override>& overrides) {
  auto result = scenario::load_scenario_file(file, overrides);
  print_diagnostics(result.diagnostics);
  if (result.diagnostics.has_errors()) return std::nullopt;
  return std::move(result.spec);
}

// Applies --seed, --replications, --horizon, --warmup (already checked as text) to the spec.
int apply_run_options(const Options& opt, ScenarioSpec& spec) {
  if (opt.seed) {
    auto v = parse_int(*opt.seed, 0, INT64_MAX);
    if (!v) return fail_usage("--seed: expected an integer from 0 to 9223372036854775807, got '" + *opt.seed + "'");
    spec.seed = static_cast<std::uint64_t>(*v);
  }
  if (opt.replications) {
    auto v = parse_int(*opt.replications, 1, 100000);
    if (!v) return fail_usage("--replications: expected an integer from 1 to 100000, got '" + *opt.replications + "'");
    spec.replications = static_cast<int>(*v);
  }
  for (auto [flag, text, field] : {std::tuple{"--horizon", &opt.horizon, &spec.horizon},
                                   std::tuple{"--warmup", &opt.warmup, &spec.warmup}}) {
    if (!*text) continue;
    std::string error;
    auto t = scenario::parse_duration_text(**text, &error);
    if (!t) return fail_usage(std::string(flag) + ": " + error);
    *field = *t;
  }
  if (spec.horizon <= 0) return fail_usage("--horizon: the horizon must be longer than 0s");
  if (spec.warmup > kernel::MAX_RUN_TICKS - spec.horizon)
    return fail_usage("warm-up + horizon must be at most 100 years");
  return EXIT_OK;
}

std::optional<int> parse_jobs(const Options& opt) {
  if (!opt.jobs) return 0;
  auto v = parse_int(*opt.jobs, 0, 4096);
  if (!v) {
    fail_usage("--jobs: expected an integer from 0 (all cores) to 4096, got '" + *opt.jobs + "'");
    return std::nullopt;
  }
  return static_cast<int>(*v);
}

// "interrupted (SIGTERM)": which signal stopped the run, when one did.
std::string interruption(const std::string& error) {
  const int signal = stop_signal.load();
  if (signal == 0) return error;
  const char* name = signal == SIGINT ? "SIGINT, Ctrl-C" : signal == SIGTERM ? "SIGTERM" : signal == SIGHUP ? "SIGHUP" : nullptr;
  return error + " (" + (name != nullptr ? name : "signal " + std::to_string(signal)) + ")";
}

// Runs and returns the result document, or the exit code of the failure.
std::variant<run::Json, int> simulate(const ScenarioSpec& spec, const run::SessionOptions& options) {
  run::SessionResult result = run::run_session(spec, options);
  if (!result.ok) {
    std::cerr << "plantwin: error: " << spec.file << ": " << (result.interrupted ? interruption(result.error) : result.error)
              << "\n";
    return EXIT_RUN;
  }
  return std::move(result.document);
}

bool write_file(const std::string& path, const std::string& text) {
  run::OutputFile f(path);
  if (f.is_open()) f.stream() << text;
  if (!f.close()) {
    std::cerr << "plantwin: error: cannot write " << path << ": " << f.error() << "\n";
    return false;
  }
  return true;
}

}  // namespace

std::atomic<int> stop_signal{0};

bool print_out(std::string_view text) {
  std::cout.flush();
  if (const int error = run::write_all(STDOUT_FILENO, text); error != 0) {
    std::cerr << "plantwin: error: cannot write to standard output: " << std::strerror(error) << "\n";
    return false;
  }
  return true;
}

int command_validate(const Options& opt) {
  auto overrides = parse_sets(opt.sets);
  if (!overrides) return EXIT_USAGE;
  auto spec = load(opt.file, *overrides);
  if (!spec) return EXIT_USAGE;
  std::ostringstream line;
  line << opt.file << ": valid: '" << spec->name << "', " << spec->products.size() << " product(s), "
       << spec->sources.size() << " source(s), " << spec->stations.size() << " station(s)\n";
  return print_out(line.str()) ? EXIT_OK : EXIT_RUN;
}

int command_run(const Options& opt, const std::atomic<bool>* interrupt) {
  auto overrides = parse_sets(opt.sets);
  if (!overrides) return EXIT_USAGE;
  auto jobs = parse_jobs(opt);
  if (!jobs) return EXIT_USAGE;
  auto spec = load(opt.file, *overrides);
  if (!spec) return EXIT_USAGE;
  if (int rc = apply_run_options(opt, *spec); rc != EXIT_OK) return rc;

  std::filesystem::path out_dir;
  if (opt.out_dir) {
    out_dir = *opt.out_dir;
    std::error_code ec;
    std::filesystem::create_directories(out_dir, ec);
    if (ec || !std::filesystem::is_directory(out_dir))
      return fail_usage("--out: cannot create directory '" + *opt.out_dir + "': " + ec.message());
  }
  std::optional<run::OutputFile> trace_file;
  std::unique_ptr<run::CsvTrace> trace;
  run::SessionOptions options{*jobs, interrupt, false, {}, {}};
  if (opt.trace) {
    trace_file.emplace(*opt.trace);
    if (!trace_file->is_open()) return fail_usage("--trace: cannot write '" + *opt.trace + "': " + trace_file->error());
    options.on_first_plant = [&](models::Plant& plant) {
      trace = std::make_unique<run::CsvTrace>(plant, trace_file->stream());
    };
    // With a network, replication 0 runs in a child process: the trace is written there, and a
    // write error there fails the replication with its reason.
    options.on_first_plant_done = [&] {
      if (!trace_file->flush()) throw std::runtime_error("cannot write the trace " + *opt.trace + ": " + trace_file->error());
    };
  }

  auto result = simulate(*spec, options);
  // Also after a failure: the trace then ends with the last event that ran, on a complete line.
  if (trace_file && !trace_file->close()) {
    std::cerr << "plantwin: error: cannot write the trace " << *opt.trace << ": " << trace_file->error() << "\n";
    return EXIT_RUN;
  }
  if (std::holds_alternative<int>(result)) return std::get<int>(result);
  const run::Json& doc = std::get<run::Json>(result);
  const std::string json = opt.json || opt.out_dir ? doc.dump(2) + "\n" : std::string();
  if (!print_out(opt.json ? json : format_report(doc))) return EXIT_RUN;
  if (opt.out_dir) {
    const std::string error = run::write_files_together(
        out_dir.string(),
        {{"result.json", json}, {"stations.csv", stations_csv(doc)}, {"products.csv", products_csv(doc)},
         {"replications.csv", replications_csv(doc)}},
        [interrupt] { return interrupt != nullptr && interrupt->load(); });
    if (!error.empty()) {
      std::cerr << "plantwin: error: --out: " << (stop_signal.load() != 0 ? interruption(error) : error) << "\n";
      return EXIT_RUN;
    }
  }
  return EXIT_OK;
}

int command_check(const Options& opt, const std::atomic<bool>* interrupt) {
  auto cli_overrides = parse_sets(opt.sets);
  if (!cli_overrides) return EXIT_USAGE;
  auto jobs = parse_jobs(opt);
  if (!jobs) return EXIT_USAGE;
  auto expect = scenario::load_expect_file(*opt.expect);
  print_diagnostics(expect.diagnostics);
  if (expect.diagnostics.has_errors()) return EXIT_USAGE;
  // The expectation file's own `set:` first, then the command line's.
  std::vector<Override> overrides = expect.spec->set;
  overrides.insert(overrides.end(), cli_overrides->begin(), cli_overrides->end());
  auto spec = load(opt.file, overrides);
  if (!spec) return EXIT_USAGE;
  if (expect.spec->seed) spec->seed = *expect.spec->seed;
  if (expect.spec->replications) spec->replications = *expect.spec->replications;

  // Resolve every KPI path before running: a typo should not cost a whole run.
  if (!check_paths_resolvable(*expect.spec, run::result_skeleton(*spec))) return EXIT_USAGE;

  auto result = simulate(*spec, run::SessionOptions{*jobs, interrupt, false, {}, {}});
  if (std::holds_alternative<int>(result)) return std::get<int>(result);
  const run::Json& doc = std::get<run::Json>(result);
  const CheckReport report = evaluate_expectations(*expect.spec, doc);
  if (!print_out(format_check_report(report, opt.file))) return EXIT_RUN;
  if (opt.junit && !write_file(*opt.junit, junit_xml(report, opt.file))) return EXIT_RUN;
  return report.failed > 0 ? EXIT_EXPECTATION : EXIT_OK;
}

}  // namespace plantwin::cli
