#include "cli/twin_commands.hpp"

#include <algorithm>
#include <charconv>
#include <iostream>
#include <map>
#include <optional>
#include <set>

#include "cli/commands.hpp"
#include "run/output_file.hpp"
#include "scenario/loader.hpp"
#include "scenario/yaml_tree.hpp"
#include "twin/fit.hpp"
#include "twin/log_reader.hpp"

namespace plantwin::cli {

const char* TWIN_USAGE =
    "       plantwin fit LOG --scenario BASE.yaml --out FITTED.yaml [--report REPORT.json] [--epoch ISO]\n"
    "                        [--min-observations N]\n"
    "       plantwin validate-log LOG SCENARIO.yaml [--replications R] [--confidence 0.95] [--junit FILE]\n"
    "                        [--json] [--epoch ISO] [--jobs J] [--set PATH=VALUE]...\n"
    "       plantwin state LOG --scenario S.yaml --at T [--out FILE] [--epoch ISO]\n";

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

std::optional<long long> parse_int(const std::string& text, long long lo, long long hi) {
  long long v = 0;
  const char* end = text.data() + text.size();
  const auto res = std::from_chars(text.data(), end, v);
  if (res.ec != std::errc() || res.ptr != end || v < lo || v > hi) return std::nullopt;
  return v;
}

void print_log_diagnostics(const std::vector<twin::LogDiagnostic>& diagnostics) {
  const bool errors = std::any_of(diagnostics.begin(), diagnostics.end(), [](const auto& d) { return d.error; });
  for (const auto& d : diagnostics)
    if (d.error == errors || !errors) std::cerr << d.format() << "\n";
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

bool write_text(const std::string& path, const std::string& text) {
  run::OutputFile f(path);
  if (f.is_open()) f.stream() << text;
  if (!f.close()) {
    std::cerr << "plantwin: error: cannot write " << path << ": " << f.error() << "\n";
    return false;
  }
  return true;
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
  if (!write_text(*a->value("--out"), result.text)) return EXIT_RUN;
  if (const auto report = a->value("--report"))
    if (!write_text(*report, twin::fit_report_json(result, log, *a->value("--scenario"), options).dump(2) + "\n"))
      return EXIT_RUN;
  return print_out(twin::fit_report_text(result, log)) ? EXIT_OK : EXIT_RUN;
}

}  // namespace

int command_twin(const std::vector<std::string>& args, const std::atomic<bool>* interrupt) {
  (void)interrupt;
  if (args[0] == "fit") return command_fit(args);
  return usage(args[0], "unknown command");
}

}  // namespace plantwin::cli
