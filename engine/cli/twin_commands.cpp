#include "cli/twin_commands.hpp"

#include <algorithm>
#include <cmath>
#include <csignal>
#include <iostream>
#include <map>
#include <optional>
#include <set>

#include "cli/check.hpp"
#include "cli/commands.hpp"
#include "live/live_twin.hpp"
#include "scenario/loader.hpp"
#include "scenario/yaml_tree.hpp"
#include "twin/fit.hpp"
#include "twin/log_reader.hpp"
#include "twin/state.hpp"
#include "twin/validate.hpp"
#include "scenario/units.hpp"
#include <sstream>

namespace plantwin::cli {

const char* TWIN_USAGE =
    "       plantwin fit LOG --scenario BASE.yaml --out FITTED.yaml [--report REPORT.json] [--epoch ISO]\n"
    "                        [--min-observations N]\n"
    "       plantwin validate-log LOG SCENARIO.yaml [--replications R] [--confidence 0.95] [--junit FILE]\n"
    "                        [--json] [--epoch ISO] [--jobs J] [--set PATH=VALUE]...\n"
    "       plantwin state LOG --scenario S.yaml --at T [--out FILE] [--epoch ISO]\n"
    "       plantwin twin SCENARIO.yaml --broker mqtt://HOST:PORT [--plant NAME] [--every 5min] [--replications R]\n"
    "                        [--horizon DUR] [--seed N] [--jobs J] [--epoch ISO] [--set PATH=VALUE]...\n"
    "       plantwin replay LOG --broker mqtt://HOST:PORT (--plant NAME | --scenario S.yaml) [--speed 60|max]\n"
    "                        [--epoch ISO]\n";

namespace {

int usage(const std::string& command, const std::string& message) {
  std::cerr << "plantwin " << command << ": error: " << message << "\nusage:\n" << TWIN_USAGE;
  return EXIT_USAGE;
}

/// A command's arguments: positional ones, options with values (repeatable ones keep every
/// value), flags.
struct Arguments {
  std::vector<std::string> positional;
  std::map<std::string, std::vector<std::string>> values;
  std::set<std::string> flags;
  std::optional<std::string> value(const std::string& name) const {
    const auto it = values.find(name);
    if (it == values.end() || it->second.empty()) return std::nullopt;
    return it->second.back();
  }
};

std::optional<Arguments> parse_arguments(const std::vector<std::string>& args, const std::set<std::string>& with_value,
                                         const std::set<std::string>& flags, std::string& error) {
  Arguments out;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("--", 0) == 0) {
      std::string name = a, value;
      bool inline_value = false;
      if (const auto eq = a.find('='); eq != std::string::npos) {
        name = a.substr(0, eq);
        value = a.substr(eq + 1);
        inline_value = true;
      }
      if (with_value.count(name)) {
        if (!inline_value) {
          if (i + 1 >= args.size()) {
            error = name + " needs a value";
            return std::nullopt;
          }
          value = args[++i];
        }
        out.values[name].push_back(value);
      } else if (flags.count(name) && !inline_value) {
        out.flags.insert(name);
      } else {
        error = "unknown option '" + a + "'";
        return std::nullopt;
      }
    } else if (a.size() > 1 && a[0] == '-') {
      error = "unknown option '" + a + "'";
      return std::nullopt;
    } else {
      out.positional.push_back(a);
    }
  }
  return out;
}

/// Prints a log's errors (or, when it has none, its warnings); returns what it printed.
std::string print_log_diagnostics(const std::vector<twin::LogDiagnostic>& diagnostics) {
  const bool errors = std::any_of(diagnostics.begin(), diagnostics.end(), [](const auto& d) { return d.error; });
  std::string text;
  for (const auto& d : diagnostics)
    if (d.error == errors) text += d.format() + "\n";
  std::cerr << text;
  return text;
}

/// The scenario file's text and spec (its errors printed).
struct Loaded {
  std::string text;
  scenario::ScenarioSpec spec;
};
std::optional<Loaded> load_scenario(const std::string& path, const std::vector<scenario::Override>& overrides = {}) {
  std::vector<scenario::Diagnostic> errors;
  auto text = scenario::read_text_file(path, errors);
  if (!text) {
    for (const auto& d : errors) std::cerr << d.format() << "\n";
    return std::nullopt;
  }
  auto result = scenario::load_scenario_text(*text, path, overrides);
  for (const auto& d : result.diagnostics.items())
    if ((d.severity == scenario::Diagnostic::Severity::ERROR) == result.diagnostics.has_errors()) std::cerr << d.format() << "\n";
  if (!result.spec) return std::nullopt;
  return Loaded{std::move(*text), std::move(*result.spec)};
}

std::optional<std::optional<twin::Epoch>> epoch_option(const std::string& command, const Arguments& a) {
  const auto text = a.value("--epoch");
  if (!text) return std::optional<twin::Epoch>();
  std::string error;
  const auto epoch = twin::parse_epoch(*text, &error);
  if (!epoch) {
    usage(command, "--epoch: " + error);
    return std::nullopt;
  }
  return epoch;
}

int command_fit(const std::vector<std::string>& args) {
  std::string error;
  const auto a = parse_arguments(args, {"--scenario", "--out", "--report", "--epoch", "--min-observations"}, {}, error);
  if (!a) return usage("fit", error);
  if (a->positional.size() != 1) return usage("fit", a->positional.empty() ? "fit needs a LOG" : "one LOG at a time");
  if (!a->value("--scenario")) return usage("fit", "fit needs --scenario BASE.yaml");
  if (!a->value("--out")) return usage("fit", "fit needs --out FITTED.yaml");
  std::vector<std::pair<std::string, std::string>> fit_outputs{{"--out", *a->value("--out")}};
  if (const auto report = a->value("--report")) fit_outputs.emplace_back("--report", *report);
  if (const std::string clash = clashing_output(fit_outputs, {{"the LOG", a->positional.front()},
                                                              {"--scenario", *a->value("--scenario")}});
      !clash.empty())
    return usage("fit", clash);
  twin::FitOptions options;
  const auto epoch = epoch_option("fit", *a);
  if (!epoch) return EXIT_USAGE;
  options.epoch = *epoch;
  if (const auto n = a->value("--min-observations")) {
    const auto v = parse_int(*n, 2, 1'000'000'000);
    if (!v) return usage("fit", "--min-observations: expected an integer from 2, got '" + *n + "'");
    options.min_observations = static_cast<std::size_t>(*v);
  }
  const std::string log = a->positional.front();
  const auto base = load_scenario(*a->value("--scenario"));
  if (!base) return EXIT_USAGE;
  const twin::FitResult result = twin::fit_log(log, base->spec, base->text, options);
  print_log_diagnostics(result.diagnostics);
  if (!result.ok) return std::any_of(result.diagnostics.begin(), result.diagnostics.end(), [](const auto& d) {
                           return d.error && d.message.rfind("internal error", 0) == 0;
                         })
                             ? EXIT_RUN
                             : EXIT_USAGE;
  // Both files or neither: a report that cannot be written stops the fitted scenario too.
  const auto report = a->value("--report");
  if (!writable(*a->value("--out")) || (report && !writable(*report))) return EXIT_RUN;
  if (!write_file(*a->value("--out"), result.text)) return EXIT_RUN;
  if (report)
    if (!write_file(*report, twin::fit_report_json(result, log, *a->value("--scenario"), options).dump(2) + "\n"))
      return EXIT_RUN;
  return print_out(twin::fit_report_text(result, log)) ? EXIT_OK : EXIT_RUN;
}

int validate_log(const std::vector<std::string>& args, const std::atomic<bool>* interrupt, std::string& errors) {
  std::string error;
  const auto a = parse_arguments(args, {"--replications", "--confidence", "--junit", "--epoch", "--jobs", "--set"}, {"--json"}, error);
  const auto fail = [&](const std::string& message) {
    errors += "plantwin validate-log: error: " + message + "\n";
    return usage("validate-log", message);
  };
  if (!a) return fail(error);
  if (a->positional.size() != 2) return fail("validate-log needs a LOG and a SCENARIO.yaml");
  twin::ValidateOptions options;
  options.interrupt = interrupt;
  const auto epoch = epoch_option("validate-log", *a);
  if (!epoch) return EXIT_USAGE;
  options.epoch = *epoch;
  if (const auto v = a->value("--replications")) {
    const auto n = parse_int(*v, 2, 100000);
    if (!n) return fail("--replications: expected an integer from 2 to 100000, got '" + *v + "'");
    options.replications = static_cast<int>(*n);
  }
  if (const auto v = a->value("--confidence")) {
    const auto c = scenario::parse_number(*v, nullptr);
    if (!c || !(*c > 0 && *c < 1)) return fail("--confidence: expected a number between 0 and 1 (0.95), got '" + *v + "'");
    options.confidence = *c;
  }
  if (const auto v = a->value("--jobs")) {
    const auto n = parse_int(*v, 0, 4096);
    if (!n) return fail("--jobs: expected an integer from 0 (all cores) to 4096, got '" + *v + "'");
    options.jobs = static_cast<int>(*n);
  }
  std::vector<scenario::Override> overrides;
  if (const auto it = a->values.find("--set"); it != a->values.end())
    for (const auto& text : it->second) {
      auto o = scenario::parse_override(text);
      if (!o) return fail("--set expects PATH=VALUE, got '" + text + "'");
      overrides.push_back(*o);
    }
  const std::string& log = a->positional[0];
  const std::string& scenario_file = a->positional[1];
  std::ostringstream captured;
  auto* original = std::cerr.rdbuf(captured.rdbuf());
  const auto loaded = load_scenario(scenario_file, overrides);
  std::cerr.rdbuf(original);
  std::cerr << captured.str();
  errors += captured.str();
  if (!loaded) return EXIT_USAGE;
  const twin::ValidateResult result = twin::validate_log(log, loaded->spec, options);
  errors += print_log_diagnostics(result.diagnostics);
  if (result.outcome == twin::ValidateResult::Outcome::BAD_LOG) return EXIT_USAGE;
  if (result.outcome == twin::ValidateResult::Outcome::RUN_FAILED) {
    const std::string message = "plantwin: error: " + scenario_file + ": " + result.error + "\n";
    std::cerr << message;
    errors += message;
    return EXIT_RUN;
  }
  const std::string text = twin::validate_report_text(result, log, scenario_file);
  if (a->flags.count("--json")) {
    if (!print_out(twin::validate_report_json(result, log, scenario_file).dump(2) + "\n")) return EXIT_RUN;
    std::cerr << text;
  } else if (!print_out(text)) {
    return EXIT_RUN;
  }
  if (const auto junit = a->value("--junit")) {
    CheckReport report;
    for (const twin::ValidateRow& row : result.rows) {
      CheckCase c;
      c.name = row.kpi;
      c.passed = row.inside;
      c.type = "outside";
      c.message = "log " + run::format_number(row.log) + ", twin " + run::format_number(row.mean) + " [" +
                  run::format_number(row.low) + ", " + run::format_number(row.high) + "]: " + row.verdict;
      report.cases.push_back(std::move(c));
    }
    errors.clear();  // written: no second report
    if (!write_file(*junit, junit_xml(report, log, "validate-log"))) return EXIT_RUN;
  }
  return result.exit_code();
}

int command_validate_log(const std::vector<std::string>& args, const std::atomic<bool>* interrupt) {
  std::string errors;
  const int rc = validate_log(args, interrupt, errors);
  // A pipeline's dashboard shows a red test, not "no results", when the log could not be read.
  std::optional<std::string> junit;
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--junit" && i + 1 < args.size()) junit = args[i + 1];
    else if (args[i].rfind("--junit=", 0) == 0) junit = args[i].substr(8);
  }
  if (junit && !errors.empty() && (rc == EXIT_USAGE || rc == EXIT_RUN)) {
    const std::string file = args.size() > 1 ? args[1] : "";
    if (!write_file(*junit, junit_error_xml(file, rc == EXIT_USAGE ? "invalid input" : "run failure", errors, "validate-log")))
      return EXIT_RUN;
  }
  return rc;
}

int command_state(const std::vector<std::string>& args) {
  std::string error;
  const auto a = parse_arguments(args, {"--scenario", "--at", "--out", "--epoch"}, {}, error);
  if (!a) return usage("state", error);
  if (a->positional.size() != 1) return usage("state", a->positional.empty() ? "state needs a LOG" : "one LOG at a time");
  if (!a->value("--scenario")) return usage("state", "state needs --scenario S.yaml");
  if (!a->value("--at")) return usage("state", "state needs --at T (seconds after time 0, a duration or ISO 8601)");
  if (const auto out = a->value("--out")) {
    const std::string clash =
        clashing_output({{"--out", *out}}, {{"the LOG", a->positional.front()}, {"--scenario", *a->value("--scenario")}});
    if (!clash.empty()) return usage("state", clash);
  }
  twin::StateOptions options;
  const auto epoch = epoch_option("state", *a);
  if (!epoch) return EXIT_USAGE;
  options.epoch = *epoch;
  const auto loaded = load_scenario(*a->value("--scenario"));
  if (!loaded) return EXIT_USAGE;
  const std::string& log = a->positional.front();
  const twin::StateResult result = twin::plant_state(log, loaded->spec, *a->value("--at"), options);
  print_log_diagnostics(result.diagnostics);
  if (!result.ok) return EXIT_USAGE;
  if (const auto out = a->value("--out")) {
    if (!write_file(*out, result.yaml)) return EXIT_RUN;
    return print_out(*out + ": the state at " + run::format_number(kernel::to_seconds(result.at)) + " s, " +
                     std::to_string(result.parts) + " part(s) in the plant\n")
               ? EXIT_OK
               : EXIT_RUN;
  }
  return print_out(result.yaml) ? EXIT_OK : EXIT_RUN;
}

/// A topic level: no wildcards, no separators (MQTT 3.1.1, 4.7).
bool valid_plant(const std::string& name) {
  return !name.empty() && name.find_first_of("/+#") == std::string::npos && name.find('\0') == std::string::npos;
}

/// The arguments of `twin` and `replay`: one positional (`what`) and a --broker, read into `broker`.
std::optional<Arguments> live_arguments(const std::vector<std::string>& args, const std::set<std::string>& with_value,
                                        const char* what, live::BrokerAddress& broker) {
  const std::string& command = args[0];
  std::string error;
  auto a = parse_arguments(args, with_value, {}, error);
  if (!a) return usage(command, error), std::nullopt;
  if (a->positional.size() != 1)
    return usage(command, a->positional.empty() ? command + " needs a " + what : std::string("one ") + what + " at a time"), std::nullopt;
  if (!a->value("--broker")) return usage(command, command + " needs --broker mqtt://HOST:PORT"), std::nullopt;
  const auto b = live::parse_broker(*a->value("--broker"), &error);
  if (!b) return usage(command, error), std::nullopt;
  broker = *b;
  return a;
}

/// A broker that closes the connection while the twin or the replayer writes to it must not end
/// the process: libmosquitto's write then fails with EPIPE, and the client reconnects.
void ignore_sigpipe() { std::signal(SIGPIPE, SIG_IGN); }

int command_live_twin(const std::vector<std::string>& args, const std::atomic<bool>* interrupt) {
  live::LiveTwinOptions o;
  const auto a = live_arguments(args, {"--broker", "--plant", "--every", "--replications", "--horizon", "--seed", "--jobs", "--epoch", "--set"},
                                "SCENARIO", o.broker);
  if (!a) return EXIT_USAGE;
  std::string error;
  if (const auto every = a->value("--every")) {
    const auto t = scenario::parse_duration_text(*every, &error);
    if (!t) return usage("twin", "--every: " + error + " (0 for forecasts on request only)");
    o.every = *t;
  }
  if (const auto r = a->value("--replications")) {
    const auto v = parse_int(*r, 1, 100000);
    if (!v) return usage("twin", "--replications: expected an integer from 1 to 100000, got '" + *r + "'");
    o.replications = static_cast<int>(*v);
  }
  if (const auto h = a->value("--horizon")) {
    const auto t = scenario::parse_duration_text(*h, &error);
    if (!t || *t <= 0) return usage("twin", "--horizon: " + (t ? std::string("the forecast's window must be longer than 0s") : error));
    o.look_ahead = *t;
  }
  if (const auto s = a->value("--seed")) {
    const auto v = parse_int(*s, 0, INT64_MAX);
    if (!v) return usage("twin", "--seed: expected an integer from 0 to 9223372036854775807, got '" + *s + "'");
    o.seed = static_cast<std::uint64_t>(*v);
  }
  if (const auto j = a->value("--jobs")) {
    const auto v = parse_int(*j, 0, 4096);
    if (!v) return usage("twin", "--jobs: expected an integer from 0 (all cores) to 4096, got '" + *j + "'");
    o.jobs = static_cast<int>(*v);
  }
  const auto epoch = epoch_option("twin", *a);
  if (!epoch) return EXIT_USAGE;
  o.epoch = *epoch;
  std::vector<scenario::Override> overrides;
  if (const auto it = a->values.find("--set"); it != a->values.end())
    for (const std::string& text : it->second) {
      const auto ov = scenario::parse_override(text);
      if (!ov) return usage("twin", "--set expects PATH=VALUE, got '" + text + "'");
      overrides.push_back(*ov);
    }
  const auto loaded = load_scenario(a->positional.front(), overrides);
  if (!loaded) return EXIT_USAGE;
  o.plant = a->value("--plant").value_or(loaded->spec.name);
  if (!valid_plant(o.plant))
    return usage("twin", "--plant: '" + o.plant + "' cannot be a topic level (no '/', '+' or '#')" +
                             (a->value("--plant") ? "" : " (the scenario's name; give --plant NAME)"));
  o.stop = interrupt;
  o.log = &std::cerr;
  ignore_sigpipe();
  const live::LiveTwinSummary s = live::run_live_twin(loaded->spec, o);
  std::cerr << "plantwin twin: stopped: " << s.events.text() << "; " << s.requests
            << " request(s), " << s.forecasts << " forecast(s) published, " << s.forecast_failures << " failed, " << s.superseded
            << " superseded\n";
  // A stop signal is how a twin ends: a clean stop.
  return EXIT_OK;
}

int command_replay(const std::vector<std::string>& args, const std::atomic<bool>* interrupt) {
  live::ReplayOptions o;
  const auto a = live_arguments(args, {"--broker", "--plant", "--scenario", "--speed", "--epoch"}, "LOG", o.broker);
  if (!a) return EXIT_USAGE;
  if (const auto speed = a->value("--speed")) {
    const auto v = scenario::parse_number(*speed, nullptr);
    if (*speed == "max") o.speed = 0;
    else if (!v || !(*v > 0) || !std::isfinite(*v)) return usage("replay", "--speed: expected a factor above 0 (60: an hour a minute) or 'max', got '" + *speed + "'");
    else o.speed = *v;
  }
  const auto epoch = epoch_option("replay", *a);
  if (!epoch) return EXIT_USAGE;
  o.epoch = *epoch;
  if (const auto scenario_file = a->value("--scenario")) {
    const auto loaded = load_scenario(*scenario_file);
    if (!loaded) return EXIT_USAGE;
    o.plant = loaded->spec.name;
    if (!o.epoch) o.epoch = twin::epoch_of(loaded->spec);
  }
  if (const auto plant = a->value("--plant")) o.plant = *plant;
  if (o.plant.empty()) return usage("replay", "replay needs --plant NAME or --scenario S.yaml (the topic is plantwin/<plant>/events)");
  if (!valid_plant(o.plant)) return usage("replay", "--plant: '" + o.plant + "' cannot be a topic level (no '/', '+' or '#')");
  o.stop = interrupt;
  o.log = &std::cerr;
  ignore_sigpipe();
  const live::ReplaySummary s = live::replay_log(a->positional.front(), o);
  print_log_diagnostics(s.diagnostics);
  if (s.published == 0 && !s.stopped && !s.ok && s.diagnostics.size() > 0 && s.wall_s == 0) return EXIT_USAGE;  // no header
  std::cerr << "plantwin replay: " << s.published << " row(s) published to plantwin/" << o.plant << "/events in "
            << run::format_number(std::round(s.wall_s * 1000) / 1000) << " s" << (s.skipped > 0 ? ", " + std::to_string(s.skipped) + " skipped" : "")
            << (s.stopped ? " (stopped)" : "") << "\n";
  if (s.stopped) return EXIT_RUN;
  return s.ok ? EXIT_OK : EXIT_USAGE;
}

}  // namespace

int command_twin(const std::vector<std::string>& args, const std::atomic<bool>* interrupt) {
  if (args[0] == "fit") return command_fit(args);
  if (args[0] == "validate-log") return command_validate_log(args, interrupt);
  if (args[0] == "state") return command_state(args);
  if (args[0] == "twin") return command_live_twin(args, interrupt);
  if (args[0] == "replay") return command_replay(args, interrupt);
  return usage(args[0], "unknown command");
}

}  // namespace plantwin::cli
