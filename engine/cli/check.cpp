#include "cli/check.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <iterator>
#include <limits>
#include <set>

#include "cli/report.hpp"
#include "kernel/stats.hpp"
#include "run/kpi_traits.hpp"
#include "scenario/text.hpp"
#include "scenario/yaml_tree.hpp"

namespace plantwin::cli {

namespace {

using run::Json;
using scenario::Diagnostic;
using scenario::Direction;

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
/// A baseline holds one value per replication of every KPI: larger than a scenario may be.
constexpr std::size_t MAX_BASELINE_BYTES = 256u << 20;

Diagnostic error_at(const scenario::Mark& mark, std::string path, std::string message) {
  return {Diagnostic::Severity::ERROR, mark, std::move(path), std::move(message)};
}

// ---- result paths ------------------------------------------------------------------------------

/// A dotted path walked in a result document; a KPI object at its end stands for its mean.
struct Resolved {
  const Json* node = nullptr;
  std::vector<std::string> names;  ///< from the top of the document ("kpis" included)
  std::string missing;             ///< the first name not found
  std::string parent;              ///< where it was looked for
  std::vector<std::string> candidates;
};

Resolved resolve(const Json& doc, const std::string& path) {
  Resolved r;
  const Json* node = &doc;
  // Plant KPIs are named without their section: `throughput_per_h` means `kpis.throughput_per_h`.
  const std::string first = path.substr(0, path.find('.'));
  if (doc.find(first) == nullptr) {
    if (const Json* kpis = doc.find("kpis"); kpis != nullptr && kpis->find(first) != nullptr) {
      node = kpis;
      r.names.push_back("kpis");
    }
  }
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t dot = path.find('.', start);
    const std::string name = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    const Json* next = node->is_object() ? node->find(name) : nullptr;
    if (next == nullptr) {
      r.missing = name;
      for (const std::string& n : r.names) r.parent += (r.parent.empty() ? "" : ".") + n;
      if (node->is_object())
        for (const auto& [k, v] : node->members()) r.candidates.push_back(k);
      // At the top, the plant KPIs are candidates too: they are named without `kpis.`.
      if (node == &doc)
        if (const Json* kpis = doc.find("kpis"))
          for (const auto& [k, v] : kpis->members()) r.candidates.push_back(k);
      return r;
    }
    node = next;
    r.names.push_back(name);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  r.node = node;
  return r;
}

bool is_kpi(const Json& j) { return j.is_object() && j.find("mean") != nullptr && j.find("values") != nullptr; }

/// Whether a path of the expectation file, in which `*` stands for any one name, names the KPI at
/// `names` (written out, or a plant KPI by its bare name).
bool names_kpi(const std::string& pattern, const std::vector<std::string>& names) {
  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    const std::size_t dot = pattern.find('.', start);
    parts.push_back(pattern.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  const auto match = [&](std::size_t skip) {
    if (names.size() - skip != parts.size()) return false;
    for (std::size_t i = 0; i < parts.size(); ++i)
      if (parts[i] != "*" && parts[i] != names[i + skip]) return false;
    return true;
  };
  return match(0) || (names.size() > 1 && names.front() == "kpis" && match(1));
}

/// A KPI's path as check names it: plant KPIs by their bare name.
std::string display_path(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = names.size() > 1 && names.front() == "kpis" ? 1 : 0; i < names.size(); ++i)
    out += (out.empty() ? "" : ".") + names[i];
  return out;
}

std::vector<double> values_of(const Json& kpi) {
  std::vector<double> out;
  if (const Json* values = kpi.find("values"))
    for (const Json& v : values->items()) out.push_back(v.is_number() ? v.number() : NaN);
  return out;
}

/// Every KPI object of a document with its names, in document order (the `check` section aside).
void each_kpi(const Json& node, std::vector<std::string>& names,
              const std::function<void(const std::vector<std::string>&, const Json&)>& visit) {
  if (!node.is_object()) return;
  if (is_kpi(node)) {
    visit(names, node);
    return;
  }
  for (const auto& [key, child] : node.members()) {
    if (names.empty() && key == "check") continue;
    names.push_back(key);
    each_kpi(child, names, visit);
    names.pop_back();
  }
}

// ---- words and numbers -------------------------------------------------------------------------

std::string level_words(double level) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g %%", 100 * level);
  return buf;
}

std::string signed_fixed(double v) { return (v > 0 ? "+" : "") + fixed(v); }

// XML 1.0 allows tab, newline, carriage return and characters from U+0020 on (but surrogates,
// U+FFFE and U+FFFF); a file name or a message may hold anything. What it cannot hold, and bytes
// that are no UTF-8, become U+FFFD. In an attribute, tab and line ends are written as references
// (a parser would turn them into spaces).
std::string xml_escape(const std::string& s, bool attribute = true) {
  static const std::string REPLACEMENT = "\xEF\xBF\xBD";
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\t': out += attribute ? "&#9;" : "\t"; break;
        case '\n': out += attribute ? "&#10;" : "\n"; break;
        case '\r': out += "&#13;"; break;
        default: out += c < 0x20 ? REPLACEMENT : std::string(1, static_cast<char>(c));
      }
      continue;
    }
    // A UTF-8 sequence: its length from the lead byte, then continuation bytes, no overlong form.
    const std::size_t length = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    std::uint32_t code = length == 2 ? c & 0x1Fu : length == 3 ? c & 0x0Fu : c & 0x07u;
    bool valid = length != 0 && i + length <= s.size();
    for (std::size_t k = 1; valid && k < length; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      valid = (b & 0xC0) == 0x80;
      code = (code << 6) | (b & 0x3Fu);
    }
    valid = valid && !(length == 3 && code < 0x800) && !(length == 4 && (code < 0x10000 || code > 0x10FFFF)) &&
            !(code >= 0xD800 && code <= 0xDFFF) && code != 0xFFFE && code != 0xFFFF;
    if (valid) {
      out.append(s, i, length);
      i += length;
    } else {
      out += REPLACEMENT;
      ++i;
    }
  }
  return out;
}

std::string bound_name(const scenario::Expectation& e) {
  std::string name = e.kpi;
  if (e.min) name += " >= " + run::format_number(*e.min);
  if (e.min && e.max) name += " and";
  if (e.max) name += " <= " + run::format_number(*e.max);
  if (e.confidence) name += " (" + level_words(*e.confidence) + " confidence)";
  return name;
}

Json optional_number(const std::optional<double>& v) { return v ? Json(*v) : Json(); }

// ---- expectations ------------------------------------------------------------------------------

/// Whether the KPI path, split by `resolve()`, names a number of the scenario the document repeats (an order's due time, a
/// fleet's vehicles): the same in every replication, no measurement.
bool is_setting(const std::vector<std::string>& names) {
  if (names.size() == 3)
    return (names[0] == "operators" && names[2] == "count") || (names[0] == "conveyors" && names[2] == "capacity") ||
           (names[0] == "fleets" && names[2] == "vehicles") || (names[0] == "sources" && names[2] == "wip_limit");
  return names.size() == 4 && names[0] == "orders" && names[1] == "by_order" && (names[3] == "due_s" || names[3] == "release_s");
}

void evaluate_expectation(const scenario::Expectation& e, const Json& doc, CheckReport& report) {
  CheckCase c;
  c.name = bound_name(e);
  c.type = "expectation";
  const double reps = number_at(doc, "replications");
  const Resolved r = resolve(doc, e.kpi);
  double value = NaN;
  kernel::Interval interval{NaN, NaN};
  const double level = e.confidence.value_or(0.95);
  std::string measured = e.kpi + " = ";
  if (r.node != nullptr && is_kpi(*r.node)) {
    value = number_at(*r.node, "mean");
    if (e.confidence)
      interval = kernel::estimate_mean(values_of(*r.node), run::kpi_traits(r.names).range, level).interval;
    else
      interval = {number_at(*r.node, "ci_low"), number_at(*r.node, "ci_high")};
    measured += fixed(value);
    if (reps > 1 && std::isfinite(interval.low))
      measured += " (" + level_words(level) + " CI " + fixed(interval.low) + " .. " + fixed(interval.high) + " over " +
                  run::format_number(reps) + " replications)";
  } else if (r.node != nullptr && r.node->is_number()) {
    value = r.node->number();
    measured += fixed(value);
    // Quantiles pool every replication's parts; the document's own numbers are the run's (the
    // seed, the horizon; the events and wall time of all replications); other plain numbers
    // (state fractions, the bottleneck's active share) are means over replications.
    const bool quantile = e.kpi.ends_with(".p50") || e.kpi.ends_with(".p95") || e.kpi.ends_with(".p99");
    const bool of_the_run = r.names.size() == 1 || is_setting(r.names);
    if (reps > 1 && (e.kpi == "events" || e.kpi == "wall_s"))
      measured += " (all " + run::format_number(reps) + " replications)";
    else if (reps > 1 && !of_the_run)
      measured += std::string(quantile ? " (pooled over " : " (mean over ") + run::format_number(reps) +
                  " replications, no interval)";
  } else {
    measured += "undefined";
  }
  const bool has_interval = std::isfinite(interval.low) && std::isfinite(interval.high);
  if (!std::isfinite(value)) {
    c.passed = false;
    // Why, as near as the path tells: an order's end, the orders' due-time KPIs, a pooled
    // percentile (undefined only when no replication measured anything), a lead time.
    const bool quantile = e.kpi.ends_with(".p50") || e.kpi.ends_with(".p95") || e.kpi.ends_with(".p99");
    const char* why = e.kpi.ends_with(".done_s") ? "the order was not done by the horizon in at least one replication"
                      : e.kpi.starts_with("orders.") ? "for example, no order with a due time was measured"
                      : quantile ? "nothing it measures happened in the measured window of any replication"
                      : e.kpi.find("lead_time_s") != std::string::npos
                          ? "no good part left in the measured window, in at least one replication"
                          : "nothing it measures happened in the measured window, in at least one replication";
    c.message = measured + ": undefined in this run (" + why + ")";
  } else if (e.min && value < *e.min) {
    c.passed = false;
    c.message = measured + ": below the minimum " + run::format_number(*e.min);
  } else if (e.max && value > *e.max) {
    c.passed = false;
    c.message = measured + ": above the maximum " + run::format_number(*e.max);
  } else if (e.confidence && e.min && interval.low < *e.min) {
    c.passed = false;
    c.message = measured + ": the interval reaches below the minimum " + run::format_number(*e.min);
  } else if (e.confidence && e.max && interval.high > *e.max) {
    c.passed = false;
    c.message = measured + ": the interval reaches above the maximum " + run::format_number(*e.max);
  } else {
    c.message = measured;
    if (e.confidence && has_interval) c.message += ": the interval is within the bound" + std::string(e.min && e.max ? "s" : "");
    // The mean passes; say so when its interval does not, so that the bound can be tightened into
    // confidence mode knowingly.
    if (!e.confidence && has_interval && reps > 1 && ((e.min && interval.low < *e.min) || (e.max && interval.high > *e.max)))
      c.message += "; only the mean is tested: the interval reaches " +
                   (e.min && interval.low < *e.min ? "below the minimum " + run::format_number(*e.min)
                                                    : "above the maximum " + run::format_number(*e.max));
  }
  report.failed_expectations += c.passed ? 0 : 1;
  report.lines.push_back((c.passed ? "PASS " : "FAIL ") + c.message);

  Json j = Json::object();
  j["path"] = e.kpi;
  j["min"] = optional_number(e.min);
  j["max"] = optional_number(e.max);
  j["confidence"] = optional_number(e.confidence);
  j["value"] = value;
  j["ci_low"] = interval.low;
  j["ci_high"] = interval.high;
  j["level"] = has_interval ? Json(level) : Json();
  j["passed"] = c.passed;
  j["message"] = c.message;
  report.section["expectations"].push_back(std::move(j));
  report.cases.push_back(std::move(c));
}

void evaluate_fingerprint(const scenario::ExpectSpec& expect, const Json& doc, FingerprintMode mode,
                          CheckReport& report) {
  if (!expect.fingerprint || mode == FingerprintMode::IGNORE) {
    report.section["fingerprint"] = Json();
    return;
  }
  const std::string actual = doc.find("fingerprint")->string();
  const bool same = actual == *expect.fingerprint;
  CheckCase c;
  c.name = "fingerprint == " + *expect.fingerprint;
  c.type = "fingerprint";
  c.message = same ? "fingerprint " + actual
                   : "fingerprint " + actual + ": the event trajectory changed (expected " + *expect.fingerprint + ")";
  c.passed = same || mode == FingerprintMode::WARN;
  c.warning = !same && mode == FingerprintMode::WARN;
  report.fingerprint_failed = !c.passed;
  report.lines.push_back((same ? "PASS " : c.warning ? "WARN " : "FAIL ") + c.message);
  Json j = Json::object();
  j["expected"] = *expect.fingerprint;
  j["actual"] = actual;
  j["mode"] = mode == FingerprintMode::WARN ? "warn" : "fail";
  j["same"] = same;
  report.section["fingerprint"] = std::move(j);
  report.cases.push_back(std::move(c));
}

// ---- the baseline ------------------------------------------------------------------------------

/// A KPI's settings: the file's, then its own.
struct Allowance {
  Direction direction = Direction::NONE;
  double relative = 0;
  double absolute = 0;
};

struct BaselineCounts {
  int gated = 0, worse = 0, worse_within = 0, better = 0, same = 0, not_gated = 0, changed = 0, not_compared = 0;
};

void compare_kpi(const std::string& path, const Json& base, const Json& now, kernel::ValueRange range,
                 const Allowance& allowance, const scenario::BaselineSpec& settings, bool paired, BaselineCounts& counts,
                 CheckReport& report) {
  const std::vector<double> a = values_of(base), b = values_of(now);
  const double base_mean = number_at(base, "mean"), mean = number_at(now, "mean");
  kernel::Difference d =
      paired ? kernel::paired_difference(a, b, settings.confidence) : kernel::welch_difference(a, b, settings.confidence);
  // Two shares differ by at most 1 either way: the interval of their difference stays in [-1, 1].
  if (range != kernel::ValueRange::NON_NEGATIVE)
    d.interval = {std::max(d.interval.low, -1.0), std::min(d.interval.high, 1.0)};
  const double tolerance = std::max(allowance.relative * std::fabs(base_mean), allowance.absolute);
  const bool gated = allowance.direction != Direction::NONE;
  // Worsening: the difference turned so that positive is worse.
  const double sign = allowance.direction == Direction::HIGHER ? -1.0 : 1.0;
  const double worse_low = std::min(sign * d.interval.low, sign * d.interval.high);
  const double worse_high = std::max(sign * d.interval.low, sign * d.interval.high);

  std::string verdict;
  bool passed = true;
  if (!std::isfinite(base_mean)) {
    verdict = "not_compared";  // nothing to compare with
    if (gated) ++counts.not_compared;
  } else if (!std::isfinite(mean) || !std::isfinite(d.mean)) {
    verdict = "undefined";
    passed = !gated;
    if (gated) ++counts.worse;
    else ++counts.changed;
  } else if (!gated) {
    const bool changed = d.interval.low > 0 || d.interval.high < 0;
    verdict = changed ? "changed" : "same";
    if (changed) ++counts.changed;
  } else if (worse_low > tolerance) {
    verdict = "worse";
    passed = false;
    ++counts.worse;
  } else if (worse_low > 0) {
    verdict = "worse_within_tolerance";
    ++counts.worse_within;
  } else if (worse_high < 0) {
    verdict = "better";
    ++counts.better;
  } else {
    verdict = "same";
    ++counts.same;
  }
  if (gated && verdict != "not_compared") ++counts.gated;
  if (!gated) ++counts.not_gated;

  const std::string direction = std::string(run::direction_name(allowance.direction));
  std::string message = "baseline " + path + " = " + fixed(mean) + ", was " + fixed(base_mean);
  if (std::isfinite(d.mean) && std::isfinite(base_mean)) {
    message += ": " + signed_fixed(d.mean);
    if (base_mean != 0) {
      char pct[32];
      std::snprintf(pct, sizeof pct, "%+.1f %%", 100 * d.mean / std::fabs(base_mean));
      message += std::string(" (") + pct;
    } else {
      message += " (";
    }
    if (d.has_interval)
      message += std::string(base_mean != 0 ? "; " : "") + (paired ? "paired " : "Welch ") +
                 level_words(settings.confidence) + " CI " + signed_fixed(d.interval.low) + " .. " +
                 signed_fixed(d.interval.high) + ")";
    else
      message += std::string(base_mean != 0 ? "; " : "") + "one replication: no interval)";
  }
  if (verdict == "worse")
    message += ": worse by more than the tolerance " + fixed(tolerance) + " (" + direction + " is better)";
  else if (verdict == "undefined")
    message += ": undefined in this run, defined in the baseline";

  if (gated && verdict != "not_compared") {
    CheckCase c;
    c.name = "baseline: " + path + " (" + direction + " is better)";
    c.type = "baseline";
    c.passed = passed;
    c.message = message;
    report.cases.push_back(std::move(c));
    if (!passed) {
      ++report.failed_baseline;
      report.lines.push_back("FAIL " + message);
    }
  }
  Json j = Json::object();
  j["path"] = path;
  j["direction"] = direction;
  j["baseline"] = base_mean;
  j["value"] = mean;
  j["difference"] = d.mean;
  j["difference_ci_low"] = d.has_interval ? Json(d.interval.low) : Json();
  j["difference_ci_high"] = d.has_interval ? Json(d.interval.high) : Json();
  j["tolerance"] = gated ? Json(tolerance) : Json();
  j["verdict"] = verdict;
  j["passed"] = passed;
  report.section["baseline"]["kpis"].push_back(std::move(j));
}

void evaluate_baseline(const scenario::ExpectSpec& expect, const Json& doc, const Baseline& baseline,
                       CheckReport& report) {
  const scenario::BaselineSpec settings = expect.baseline.value_or(scenario::BaselineSpec{});
  Json& section = report.section["baseline"] = Json::object();
  section["file"] = baseline.file;
  section["paired"] = baseline.paired;
  section["seed"] = *baseline.document.find("seed");
  section["replications"] = *baseline.document.find("replications");
  section["tolerance"] = settings.tolerance;
  section["confidence"] = settings.confidence;
  section["kpis"] = Json::array();

  const std::size_t header = report.lines.size();
  BaselineCounts counts;
  std::vector<std::string> names;
  each_kpi(baseline.document, names, [&](const std::vector<std::string>& path, const Json& base) {
    const Json* now = &doc;
    for (const std::string& n : path) now = now != nullptr ? now->find(n) : nullptr;
    if (now == nullptr || !is_kpi(*now)) return;  // load_baseline() made sure this does not happen
    Allowance allowance{run::kpi_traits(path).direction, settings.tolerance, 0};
    for (const auto& k : settings.kpis) {
      if (!names_kpi(k.kpi, path)) continue;
      if (k.direction) allowance.direction = *k.direction;
      if (k.tolerance) allowance.relative = *k.tolerance;
      if (k.absolute) allowance.absolute = *k.absolute;
    }
    compare_kpi(display_path(path), base, *now, run::kpi_traits(path).range, allowance, settings, baseline.paired, counts,
                report);
  });

  char tolerance[32];
  std::snprintf(tolerance, sizeof tolerance, "%g %%", 100 * settings.tolerance);
  const std::string how =
      baseline.paired ? "paired: the same seed and " + run::format_number(number_at(doc, "replications")) +
                            " replications"
                      : "Welch's test: seed " + run::format_number(number_at(baseline.document, "seed")) + " and " +
                            run::format_number(number_at(baseline.document, "replications")) +
                            " replications there, no pairs";
  report.lines.insert(report.lines.begin() + static_cast<std::ptrdiff_t>(header),
                      "BASELINE " + baseline.file + " (" + how + "; a gated KPI fails when its " +
                          level_words(settings.confidence) + " interval is worse than the baseline by more than " +
                          tolerance + " of its mean)");
  report.lines.push_back("baseline: " + std::to_string(counts.gated) + " KPI(s) gated: " +
                         std::to_string(counts.worse) + " worse beyond the tolerance, " +
                         std::to_string(counts.worse_within) + " worse within it, " + std::to_string(counts.better) +
                         " better, " + std::to_string(counts.same) + " without a significant change; " +
                         std::to_string(counts.not_gated) + " not gated (no direction), " +
                         std::to_string(counts.changed) + " of them changed" +
                         (counts.not_compared > 0 ? "; " + std::to_string(counts.not_compared) +
                                                        " with a direction not compared (undefined in the baseline)"
                                                  : ""));
  section["gated"] = counts.gated;
  section["worse"] = counts.worse;
  section["worse_within_tolerance"] = counts.worse_within;
  section["better"] = counts.better;
  section["not_gated"] = counts.not_gated;
  section["not_compared"] = counts.not_compared;
}

// ---- reading a baseline ------------------------------------------------------------------------

/// The KPI paths of a document, as check names them.
std::set<std::string> kpi_paths(const Json& doc) {
  std::set<std::string> out;
  std::vector<std::string> names;
  each_kpi(doc, names, [&](const std::vector<std::string>& path, const Json&) { out.insert(display_path(path)); });
  return out;
}

std::string first_few(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < 3; ++i) out += (i ? ", " : "") + scenario::quoted(items[i], '\'');
  if (items.size() > 3) out += " and " + std::to_string(items.size() - 3) + " more";
  return out;
}

}  // namespace

std::optional<FingerprintMode> parse_fingerprint_mode(std::string_view text) {
  if (text == "fail") return FingerprintMode::FAIL;
  if (text == "warn") return FingerprintMode::WARN;
  if (text == "ignore") return FingerprintMode::IGNORE;
  return std::nullopt;
}

std::vector<Diagnostic> check_paths(const scenario::ExpectSpec& expect, const Json& skeleton, int replications) {
  std::vector<Diagnostic> out;
  for (const auto& p : expect.paths) {
    const std::string where = p.where + "." + p.kpi;
    if (p.kpi.find('*') != std::string::npos) {
      bool any = false;
      std::vector<std::string> names;
      each_kpi(skeleton, names, [&](const std::vector<std::string>& kpi, const Json&) { any = any || names_kpi(p.kpi, kpi); });
      if (!any) out.push_back(error_at(p.mark, where, "'" + p.kpi + "' names no KPI of this scenario"));
      continue;
    }
    const Resolved r = resolve(skeleton, p.kpi);
    if (r.node == nullptr)
      out.push_back(error_at(p.mark, where,
                             "no '" + r.missing + "' in " + (r.parent.empty() ? "the result document" : "'" + r.parent + "'") +
                                 scenario::did_you_mean(r.missing, r.candidates)));
    else if (!r.node->is_number() && !is_kpi(*r.node))
      out.push_back(error_at(p.mark, where, "'" + p.kpi + "' is not a number or a KPI"));
    else if (p.needs_values && !is_kpi(*r.node))
      out.push_back(error_at(p.mark, where,
                             "'" + p.kpi + "' has no per-replication values: the baseline compares KPI objects only"));
  }
  for (const auto& e : expect.expectations) {
    if (!e.confidence) continue;
    const Resolved r = resolve(skeleton, e.kpi);
    const std::string where = "expect." + e.kpi + ".confidence";
    if (r.node != nullptr && r.node->is_number())
      out.push_back(error_at(e.confidence_mark, where,
                             "'" + e.kpi + "' has no interval (" +
                                 (e.kpi.ends_with(".p50") || e.kpi.ends_with(".p95") || e.kpi.ends_with(".p99")
                                      ? "a percentile pooled over the replications"
                                      : "a plain number") +
                                 "): confidence mode needs a KPI object"));
    else if (r.node != nullptr && replications < 2)
      out.push_back(error_at(e.confidence_mark, where,
                             "confidence mode needs an interval, so at least 2 replications; this check runs " +
                                 std::to_string(replications)));
  }
  return out;
}

std::optional<Baseline> load_baseline(const std::string& file, const Json& skeleton, std::uint64_t seed,
                                      int replications, std::vector<Diagnostic>& errors) {
  const std::size_t before = errors.size();
  const auto fail = [&](std::string path, std::string message) {
    errors.push_back(error_at(scenario::Mark{file, 0, 0}, std::move(path), std::move(message)));
    return std::nullopt;
  };
  const auto text = scenario::read_text_file(file, errors, MAX_BASELINE_BYTES);
  if (!text) return std::nullopt;
  run::JsonError syntax;
  auto document = run::parse_json(*text, &syntax);
  if (!document) {
    errors.push_back(error_at(scenario::Mark{file, syntax.line, syntax.column}, "", syntax.message));
    return std::nullopt;
  }
  const std::string not_a_result = "not a result document (write one with plantwin run --json or --out)";
  if (!document->is_object()) return fail("", "expected a JSON object: " + not_a_result);
  for (const char* key : {"scenario", "seed", "replications", "horizon_s", "warmup_s", "kpis"})
    if (document->find(key) == nullptr) return fail(key, "missing: " + not_a_result);
  const Json& name = *document->find("scenario");
  const std::string expected_name = skeleton.find("scenario")->string();
  if (!name.is_string()) return fail("scenario", "expected a string");
  if (name.string() != expected_name)
    return fail("scenario", "the baseline is a result of '" + name.string() + "', not of '" + expected_name +
                                "': compare a plan with its own earlier results");
  const auto base_seed = document->find("seed")->exact_unsigned();
  const auto base_replications = document->find("replications")->exact_unsigned();
  if (!base_seed) return fail("seed", "expected an integer from 0 to 9223372036854775807");
  if (!base_replications || *base_replications < 1 || *base_replications > 100000)
    return fail("replications", "expected an integer from 1 to 100000");
  for (const char* key : {"horizon_s", "warmup_s"}) {
    const double theirs = number_at(*document, key), ours = number_at(skeleton, key);
    if (theirs != ours)
      fail(key, "the baseline measured " + run::format_number(theirs) + " s, this check " + run::format_number(ours) +
                    " s: KPIs of different windows do not compare");
  }
  // The same KPIs: the same products, stations, orders, fleets, ... (a plan that changed its
  // structure needs a new baseline).
  const std::set<std::string> theirs = kpi_paths(*document), ours = kpi_paths(skeleton);
  std::vector<std::string> only_theirs, only_ours;
  std::set_difference(theirs.begin(), theirs.end(), ours.begin(), ours.end(), std::back_inserter(only_theirs));
  std::set_difference(ours.begin(), ours.end(), theirs.begin(), theirs.end(), std::back_inserter(only_ours));
  if (!only_theirs.empty() || !only_ours.empty()) {
    std::string message = "the baseline's KPIs are not this scenario's:";
    if (!only_ours.empty()) message += " only in this scenario " + first_few(only_ours) + ";";
    if (!only_theirs.empty()) message += " only in the baseline " + first_few(only_theirs) + ";";
    message.back() = ' ';
    fail("", message + "(a plan whose structure changed needs a new baseline)");
  }
  // Every KPI: a mean and one value (or null) per replication.
  std::vector<std::string> names;
  each_kpi(*document, names, [&](const std::vector<std::string>& path, const Json& kpi) {
    if (errors.size() - before > 10) return;
    std::string where;
    for (const std::string& n : path) where += (where.empty() ? "" : ".") + n;
    const Json& mean = *kpi.find("mean");
    const Json& values = *kpi.find("values");
    bool ok = (mean.is_number() || mean.is_null()) && values.is_array() && values.items().size() == *base_replications;
    for (const Json& v : values.items()) ok = ok && (v.is_number() || v.is_null());
    if (!ok) {
      fail(where, "expected a mean and " + std::to_string(*base_replications) +
                      " values (numbers or null, one per replication)");
      return;
    }
    // What plantwin writes: values in the KPI's range, and their mean (null when one is undefined).
    // A file edited by hand can say otherwise; the check compares `values`, so the two must agree.
    const kernel::ValueRange range = run::kpi_traits(path).range;
    const double high = range == kernel::ValueRange::NON_NEGATIVE ? INFINITY : 1.0;
    double sum = 0;
    bool undefined = false;
    for (std::size_t k = 0; k < values.items().size(); ++k) {
      const Json& v = values.items()[k];
      if (v.is_null()) {
        undefined = true;
        continue;
      }
      sum += v.number();
      if (v.number() < -1e-9 || v.number() > high + 1e-9) {
        fail(where + ".values[" + std::to_string(k) + "]",
             run::format_number(v.number()) + " is out of the KPI's range (" +
                 (range == kernel::ValueRange::NON_NEGATIVE ? "0 or more" : "0 to 1") + "): the file was edited");
        return;
      }
    }
    const double average = sum / static_cast<double>(values.items().size());
    if (undefined != mean.is_null() ||
        (!undefined && std::fabs(mean.number() - average) > 1e-6 * std::max(1.0, std::fabs(average))))
      fail(where + ".mean", (mean.is_null() ? std::string("null") : run::format_number(mean.number())) +
                                " is not the mean of its values (" +
                                (undefined ? std::string("null: one is undefined") : run::format_number(average)) +
                                "): the file was edited");
  });
  if (errors.size() > before) return std::nullopt;
  Baseline b;
  b.file = file;
  b.paired = *base_seed == seed && *base_replications == static_cast<std::uint64_t>(replications);
  b.document = std::move(*document);
  return b;
}

int CheckReport::exit_code() const {
  if (failed_expectations + failed_baseline > 0) return 1;
  return fingerprint_failed ? 4 : 0;
}

CheckReport evaluate_check(const scenario::ExpectSpec& expect, const Json& doc, const CheckOptions& options) {
  CheckReport report;
  report.section = Json::object();
  report.section["expect"] = options.expect_file.empty() ? Json() : Json(options.expect_file);
  report.section["expectations"] = Json::array();
  for (const auto& e : expect.expectations) evaluate_expectation(e, doc, report);
  evaluate_fingerprint(expect, doc, options.fingerprint, report);
  report.section["baseline"] = Json();
  if (options.baseline) evaluate_baseline(expect, doc, *options.baseline, report);

  const int bounds = static_cast<int>(expect.expectations.size());
  std::vector<std::string> parts;
  if (bounds > 0)
    parts.push_back(std::to_string(bounds - report.failed_expectations) + " of " + std::to_string(bounds) +
                    " expectation(s) met" +
                    (report.failed_expectations > 0 ? ", " + std::to_string(report.failed_expectations) + " failed" : ""));
  if (options.baseline)
    parts.push_back("baseline: " + std::to_string(report.failed_baseline) + " KPI(s) worse beyond the tolerance");
  if (const Json* f = report.section.find("fingerprint"); f != nullptr && f->is_object())
    parts.push_back(f->find("same")->boolean() ? "fingerprint unchanged"
                    : options.fingerprint == FingerprintMode::WARN ? "fingerprint changed (warning only)"
                                                                    : "fingerprint changed");
  for (std::size_t i = 0; i < parts.size(); ++i) report.summary += (i ? "; " : "") + parts[i];
  report.section["exit_code"] = report.exit_code();
  return report;
}

std::string format_check_report(const CheckReport& report, const std::string& scenario_file) {
  std::string out;
  for (const auto& line : report.lines) out += line + "\n";
  return out + scenario_file + ": " + report.summary + "\n";
}

std::string junit_xml(const CheckReport& report, const std::string& scenario_file, std::string_view command) {
  const std::string name(command);
  int failures = 0;
  for (const auto& c : report.cases) failures += c.passed ? 0 : 1;
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  const std::string counts =
      " tests=\"" + std::to_string(report.cases.size()) + "\" failures=\"" + std::to_string(failures) + "\"";
  out += "<testsuites name=\"plantwin " + name + "\"" + counts + ">\n";
  out += "  <testsuite name=\"" + xml_escape(scenario_file) + "\"" + counts + ">\n";
  for (const auto& c : report.cases) {
    out += "    <testcase classname=\"plantwin." + name + "\" name=\"" + xml_escape(c.name) + "\"";
    if (c.passed && !c.warning) {
      out += "/>\n";
    } else if (c.passed) {
      out += ">\n      <system-out>WARN " + xml_escape(c.message, false) + "</system-out>\n    </testcase>\n";
    } else {
      out += ">\n      <failure type=\"" + xml_escape(c.type) + "\" message=\"" + xml_escape(c.message) + "\"/>\n    </testcase>\n";
    }
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

std::string junit_error_xml(const std::string& scenario_file, std::string_view type, const std::string& details,
                            std::string_view command) {
  const std::string name(command);
  // The message is the first error line (warnings may come before it).
  std::string first = details.substr(0, details.find('\n'));
  for (std::size_t at = 0; at < details.size();) {
    const std::size_t end = std::min(details.find('\n', at), details.size());
    const std::string line = details.substr(at, end - at);
    if (line.find("error: ") != std::string::npos) {
      first = line;
      break;
    }
    at = end + 1;
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  const std::string counts = " tests=\"1\" failures=\"0\" errors=\"1\"";
  out += "<testsuites name=\"plantwin " + name + "\"" + counts + ">\n";
  out += "  <testsuite name=\"" + xml_escape(scenario_file) + "\"" + counts + ">\n";
  out += "    <testcase classname=\"plantwin." + name + "\" name=\"plantwin " + name + " " + xml_escape(scenario_file) + "\">\n";
  out += "      <error type=\"" + xml_escape(std::string(type)) + "\" message=\"" + xml_escape(first) + "\">" +
         xml_escape(details, false) + "</error>\n";
  out += "    </testcase>\n  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace plantwin::cli
