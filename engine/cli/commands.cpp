#include "cli/commands.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <variant>

#include "cli/check.hpp"
#include "cli/report.hpp"
#include "run/json.hpp"
#include "run/output_file.hpp"
#include "run/result_document.hpp"
#include "run/runner.hpp"
#include "run/session.hpp"
#include "run/trace.hpp"
#include "scenario/builder.hpp"
#include "scenario/loader.hpp"
#include "twin/state.hpp"

namespace plantwin::cli {

namespace {

using scenario::Override;
using scenario::ScenarioSpec;

int fail_usage(const std::string& message) {
  std::cerr << "plantwin: error: " << message << "\n";
  return EXIT_USAGE;
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

// --seed, --replications, --horizon and --warmup are overrides of the scenario's keys: read and
// checked by the loader like the file's own (ranges checked once), located at the option.
void add_run_options(const Options& opt, std::vector<Override>& overrides) {
  for (const auto& [flag, key, value] : {std::tuple{"--seed", "seed", &opt.seed},
                                         std::tuple{"--replications", "replications", &opt.replications},
                                         std::tuple{"--horizon", "horizon", &opt.horizon},
                                         std::tuple{"--warmup", "warmup", &opt.warmup}})
    if (*value) overrides.push_back(Override{key, **value, scenario::Mark{flag, 0, 0}});
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

// Creates --out DIR before the run: a directory that cannot be made should not cost a run.
int make_out_dir(const Options& opt) {
  if (!opt.out_dir) return EXIT_OK;
  std::error_code ec;
  std::filesystem::create_directories(*opt.out_dir, ec);
  if (ec || !std::filesystem::is_directory(*opt.out_dir))
    return fail_usage("--out: cannot create directory '" + *opt.out_dir + "': " + ec.message());
  return EXIT_OK;
}

// The files of --out DIR (the directory exists).
// The --out files, all or none: written beside and renamed into place together (run/output_file.hpp).
bool write_outputs(const std::string& out_dir, const run::Json& doc, const std::atomic<bool>* interrupt) {
  const std::string error = run::write_files_together(
      out_dir,
      {{"result.json", doc.dump(2) + "\n"}, {"stations.csv", stations_csv(doc)}, {"products.csv", products_csv(doc)},
       {"replications.csv", replications_csv(doc)}},
      [interrupt] { return interrupt != nullptr && interrupt->load(); });
  if (error.empty()) return true;
  std::cerr << "plantwin: error: --out: " << (stop_signal.load() != 0 ? interruption(error) : error) << "\n";
  return false;
}

}  // namespace

std::atomic<int> stop_signal{0};

std::optional<long long> parse_int(const std::string& text, long long lo, long long hi) {
  long long v = 0;
  const char* end = text.data() + text.size();
  const auto res = std::from_chars(text.data(), end, v);
  if (res.ec != std::errc() || res.ptr != end || v < lo || v > hi) return std::nullopt;
  return v;
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

std::string clashing_output(const std::vector<std::pair<std::string, std::string>>& outputs,
                            const std::vector<std::pair<std::string, std::string>>& inputs) {
  namespace fs = std::filesystem;
  const auto key = [](const std::string& path) {
    std::error_code ec;
    const fs::path p = fs::weakly_canonical(fs::path(path), ec);
    return ec ? fs::absolute(fs::path(path), ec).lexically_normal() : p;
  };
  // Two names of one existing file (a hard link) are the same file too; a device (/dev/null) is
  // no file to lose.
  const auto same = [](const fs::path& a, const fs::path& b) {
    std::error_code ec;
    return a == b || (fs::exists(a, ec) && fs::exists(b, ec) && fs::equivalent(a, b, ec));
  };
  std::vector<std::pair<std::string, fs::path>> seen;
  for (const auto& [what, path] : inputs) seen.emplace_back(what, key(path));
  for (const auto& [option, path] : outputs) {
    const fs::path k = key(path);
    std::error_code ec;
    if (fs::exists(k, ec) && !fs::is_regular_file(k, ec)) continue;
    for (const auto& [what, other] : seen)
      if (same(k, other)) return option + ": the same file as " + what + " (" + path + ")";
    seen.emplace_back(option, k);
  }
  return "";
}

bool writable(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path file(path);
  const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
  std::string why;
  if (fs::is_directory(file, ec))
    why = "Is a directory";
  else if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    why = "Not a directory";
  else if (fs::exists(file, ec) ? ::access(path.c_str(), W_OK) != 0 : ::access(dir.c_str(), W_OK | X_OK) != 0)
    why = std::strerror(errno);
  if (why.empty()) return true;
  std::cerr << "plantwin: error: cannot write " << path << ": " << why << " (nothing written)\n";
  return false;
}

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
  add_run_options(opt, *overrides);
  auto spec = load(opt.file, *overrides);
  if (!spec) return EXIT_USAGE;

  twin::LoadedState state;
  if (opt.from) {
    // A run from the plant's state at a time (docs/twin.md): every replication starts there.
    state = twin::load_state(*opt.from, *spec);
    print_diagnostics(state.diagnostics);
    if (!state.warm) return EXIT_USAGE;
  }

  if (int rc = make_out_dir(opt); rc != EXIT_OK) return rc;
  std::optional<run::OutputFile> trace_file;
  std::unique_ptr<run::CsvTrace> trace;
  run::SessionOptions options{*jobs, interrupt, false, {}, {}, opt.events};
  options.warm_start = state.warm;
  if (opt.events) {
    const run::OutputFile probe(*opt.events);  // a path that cannot be written is a usage error, as for --trace
    if (!probe.is_open()) return fail_usage("--events: cannot write '" + *opt.events + "': " + probe.error());
  }
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
  run::Json& doc = std::get<run::Json>(result);
  if (state.warm) twin::add_forecast(doc, *state.warm, *opt.from);
  const std::string json = opt.json ? doc.dump(2) + "\n" : std::string();
  if (!print_out(opt.json ? json : format_forecast(doc) + format_report(doc))) return EXIT_RUN;
  if (opt.out_dir && !write_outputs(*opt.out_dir, doc, interrupt)) return EXIT_RUN;
  return EXIT_OK;
}

namespace {

/// Copies what is written to std::cerr while it lives (and still writes it): the errors of a
/// check that stops early go into its JUnit report too.
class StderrCapture final : public std::streambuf {
 public:
  StderrCapture() : original_(std::cerr.rdbuf(this)) {}
  ~StderrCapture() override { std::cerr.rdbuf(original_); }
  StderrCapture(const StderrCapture&) = delete;
  StderrCapture& operator=(const StderrCapture&) = delete;
  const std::string& text() const { return text_; }

 protected:
  int overflow(int c) override {
    if (c == traits_type::eof()) return traits_type::not_eof(c);
    text_ += static_cast<char>(c);
    return original_->sputc(static_cast<char>(c));
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    text_.append(s, static_cast<std::size_t>(n));
    return original_->sputn(s, n);
  }
  int sync() override { return original_->pubsync(); }

 private:
  std::streambuf* original_;
  std::string text_;
};

/// What stopped a check early, for its JUnit report.
struct CheckStop {
  std::string type = "invalid input";
  bool junit_written = false;  ///< the report was written (or writing it failed: no second try)
};

/// The expectation file's errors with those of its result paths, in the file's order; printed like
/// a scenario's (errors, or the warnings when there is none).
bool print_expectation_diagnostics(std::vector<scenario::Diagnostic> items) {
  std::stable_sort(items.begin(), items.end(), [](const scenario::Diagnostic& a, const scenario::Diagnostic& b) {
    if (a.mark.file.empty() != b.mark.file.empty()) return b.mark.file.empty();  // summaries last
    if (a.mark.line != b.mark.line) return a.mark.line < b.mark.line;
    return a.mark.column < b.mark.column;
  });
  const bool errors = std::any_of(items.begin(), items.end(), [](const scenario::Diagnostic& d) {
    return d.severity == scenario::Diagnostic::Severity::ERROR;
  });
  for (const auto& d : items)
    if ((d.severity == scenario::Diagnostic::Severity::ERROR) == errors) std::cerr << d.format() << "\n";
  return !errors;
}

int check(const Options& opt, const std::atomic<bool>* interrupt, CheckStop& stop) {
  auto cli_overrides = parse_sets(opt.sets);
  if (!cli_overrides) return EXIT_USAGE;
  auto jobs = parse_jobs(opt);
  if (!jobs) return EXIT_USAGE;
  FingerprintMode mode = FingerprintMode::FAIL;
  if (opt.fingerprint) {
    const auto m = parse_fingerprint_mode(*opt.fingerprint);
    if (!m) return fail_usage("--fingerprint: expected fail, warn or ignore, got '" + *opt.fingerprint + "'");
    mode = *m;
  }
  scenario::ExpectLoadResult expect;
  if (opt.expect) expect = scenario::load_expect_file(*opt.expect);
  else expect.spec = scenario::ExpectSpec{};
  if (!expect.spec) {
    print_diagnostics(expect.diagnostics);
    return EXIT_USAGE;
  }
  // The expectation file's own `set:` first, then the command line's.
  std::vector<Override> overrides = expect.spec->set;
  overrides.insert(overrides.end(), cli_overrides->begin(), cli_overrides->end());
  auto loaded = scenario::load_scenario_file(opt.file, overrides);
  std::vector<scenario::Diagnostic> expect_items = expect.diagnostics.items();
  std::optional<run::Json> skeleton;
  if (loaded.spec) {
    // The file's seed and replications, unless the command line sets them (it has the last word).
    const auto on_command_line = [&](const char* key) {
      return std::any_of(cli_overrides->begin(), cli_overrides->end(), [&](const Override& o) { return o.path == key; });
    };
    if (expect.spec->seed && !on_command_line("seed")) loaded.spec->seed = *expect.spec->seed;
    if (expect.spec->replications && !on_command_line("replications")) loaded.spec->replications = *expect.spec->replications;
    // Every result path is resolved before running, and in the same pass as the file's own
    // errors: a typo should cost no run, and a bad value should not hide it.
    skeleton = run::result_skeleton(*loaded.spec);
    for (auto& d : check_paths(*expect.spec, *skeleton, loaded.spec->replications)) expect_items.push_back(std::move(d));
  }
  // The scenario's errors at the expectation file's `set:` values belong with the file's own, in
  // its order; the rest (and its warnings, shown only when it has no error) are the scenario's.
  std::vector<scenario::Diagnostic> scenario_items;
  for (const auto& d : loaded.diagnostics.items())
    (opt.expect && d.mark.file == *opt.expect && d.severity == scenario::Diagnostic::Severity::ERROR ? expect_items
                                                                                                      : scenario_items)
        .push_back(d);
  const bool expect_ok = print_expectation_diagnostics(std::move(expect_items));
  for (const auto& d : scenario_items)
    if ((d.severity == scenario::Diagnostic::Severity::ERROR) == loaded.diagnostics.has_errors()) std::cerr << d.format() << "\n";
  if (!expect_ok || !loaded.spec) return EXIT_USAGE;
  const ScenarioSpec& spec = *loaded.spec;

  const bool expects = !expect.spec->expectations.empty() || (expect.spec->fingerprint && mode != FingerprintMode::IGNORE);
  if (!opt.baseline && !expects)
    return fail_usage(*opt.expect + ": nothing to check without --baseline RESULT.json" +
                      (expect.spec->fingerprint ? " (the fingerprint is ignored)" : ""));
  std::optional<Baseline> baseline;
  if (opt.baseline) {
    std::vector<scenario::Diagnostic> errors;
    baseline = load_baseline(*opt.baseline, *skeleton, spec.seed, spec.replications, errors);
    for (const auto& d : errors) std::cerr << d.format() << "\n";
    if (!baseline) return EXIT_USAGE;
  }
  if (int rc = make_out_dir(opt); rc != EXIT_OK) return rc;

  stop.type = "run failure";
  auto result = simulate(spec, run::SessionOptions{*jobs, interrupt, false, {}, {}});
  if (std::holds_alternative<int>(result)) {
    if (interrupt != nullptr && interrupt->load()) stop.type = "interrupted";
    return std::get<int>(result);
  }
  run::Json& doc = std::get<run::Json>(result);
  const CheckReport report =
      evaluate_check(*expect.spec, doc, CheckOptions{mode, baseline ? &*baseline : nullptr, opt.expect.value_or("")});
  doc["check"] = report.section;
  // With --json the document alone is on stdout, so that it can be piped; the report goes to stderr.
  const std::string text = format_check_report(report, opt.file);
  if (opt.json) {
    if (!print_out(doc.dump(2) + "\n")) return EXIT_RUN;
    std::cerr << text;
  } else if (!print_out(text)) {
    return EXIT_RUN;
  }
  stop.type = "output";
  if (opt.out_dir && !write_outputs(*opt.out_dir, doc, interrupt)) return EXIT_RUN;
  if (opt.junit) {
    stop.junit_written = true;
    if (!write_file(*opt.junit, junit_xml(report, opt.file))) return EXIT_RUN;
  }
  return report.exit_code();
}

}  // namespace

bool write_check_usage_error(const std::string& junit, const std::string& scenario_file, const std::string& details) {
  return write_file(junit, junit_error_xml(scenario_file, "invalid input", details));
}

int command_check(const Options& opt, const std::atomic<bool>* interrupt) {
  StderrCapture capture;
  CheckStop stop;
  const int rc = check(opt, interrupt, stop);
  // A dashboard should show a red test, not "no results", when the check could not run.
  if (opt.junit && !stop.junit_written && (rc == EXIT_USAGE || rc == EXIT_RUN)) {
    if (!write_file(*opt.junit, junit_error_xml(opt.file, rc == EXIT_USAGE ? "invalid input" : stop.type, capture.text())))
      return EXIT_RUN;
  }
  return rc;
}

}  // namespace plantwin::cli
