#include "cli/commands.hpp"

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <variant>

#include "cli/report.hpp"
#include "run/json.hpp"
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

// Runs and returns the result document, or the exit code of the failure.
std::variant<run::Json, int> simulate(const ScenarioSpec& spec, const run::SessionOptions& options) {
  run::SessionResult result = run::run_session(spec, options);
  if (!result.ok) {
    std::cerr << "plantwin: error: " << spec.file << ": " << result.error << "\n";
    return EXIT_RUN;
  }
  return std::move(result.document);
}

bool write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
  f.close();
  if (!f) {
    std::cerr << "plantwin: error: cannot write " << path.string() << "\n";
    return false;
  }
  return true;
}

}  // namespace

int command_validate(const Options& opt) {
  auto overrides = parse_sets(opt.sets);
  if (!overrides) return EXIT_USAGE;
  auto spec = load(opt.file, *overrides);
  if (!spec) return EXIT_USAGE;
  std::cout << opt.file << ": valid: '" << spec->name << "', " << spec->products.size() << " product(s), "
            << spec->sources.size() << " source(s), " << spec->stations.size() << " station(s)\n";
  return EXIT_OK;
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
  std::ofstream trace_file;
  std::unique_ptr<run::CsvTrace> trace;
  run::SessionOptions options{*jobs, interrupt, false, {}, {}};
  if (opt.trace) {
    trace_file.open(*opt.trace, std::ios::binary);
    if (!trace_file) return fail_usage("--trace: cannot write '" + *opt.trace + "'");
    options.on_first_plant = [&](models::Plant& plant) {
      trace = std::make_unique<run::CsvTrace>(plant, trace_file);
    };
    // With a network, replication 0 runs in a child process: the trace is written there.
    options.on_first_plant_done = [&] { trace_file.flush(); };
  }

  auto result = simulate(*spec, options);
  if (std::holds_alternative<int>(result)) return std::get<int>(result);
  const run::Json& doc = std::get<run::Json>(result);
  if (opt.json)
    std::cout << doc.dump(2) << "\n";
  else
    std::cout << format_report(doc);
  if (opt.out_dir) {
    if (!write_file(out_dir / "result.json", doc.dump(2) + "\n") ||
        !write_file(out_dir / "stations.csv", stations_csv(doc)) ||
        !write_file(out_dir / "products.csv", products_csv(doc)) ||
        !write_file(out_dir / "replications.csv", replications_csv(doc)))
      return EXIT_RUN;
  }
  if (trace_file.is_open()) {
    trace_file.close();
    if (!trace_file) {
      std::cerr << "plantwin: error: cannot write " << *opt.trace << "\n";
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
  std::cout << format_check_report(report, opt.file);
  if (opt.junit && !write_file(*opt.junit, junit_xml(report, opt.file))) return EXIT_RUN;
  return report.failed > 0 ? EXIT_EXPECTATION : EXIT_OK;
}

}  // namespace plantwin::cli
