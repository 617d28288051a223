// Expectation files for `plantwin check` (ExpectSpec in loader.hpp):
//
//   expect:
//     throughput_per_h: {min: 100}
//     stations.reflow.utilization: {max: 0.9}
//     lead_time_s: {max: 2h, confidence: 0.95}
//   fingerprint: 9f3a0c1d2e3f4a5b      # optional
//   baseline:                          # optional: settings for --baseline
//     tolerance: 0.05
//     confidence: 0.95
//     kpis: {lead_time_s: {tolerance: 0.1}, stations.aoi.utilization: {direction: none}}
//   seed: 7                            # optional
//   replications: 5                    # optional
//   set:                               # optional, like --set, located in this file
//     stations.reflow.servers: 2

#include <algorithm>
#include <limits>

#include "scenario/loader.hpp"
#include "scenario/text.hpp"
#include "scenario/units.hpp"
#include "scenario/yaml_reader.hpp"
#include "scenario/yaml_tree.hpp"

namespace plantwin::scenario {

namespace {

/// An override value is re-emitted as flow YAML for Override::value; an alias bomb must not make
/// that text huge.
constexpr std::size_t MAX_SET_VALUE_BYTES = 64 * 1024;

/// "stations.reflow.utilization": names separated by single dots; with `wildcards`, a name may be
/// `*` ("stations.*.queue"). The names are not checked against the result document here (it does
/// not exist yet), only their shape.
bool is_dotted_path(std::string_view text, bool wildcards) {
  if (text.empty() || text.front() == '.' || text.back() == '.' || text.find("..") != std::string_view::npos)
    return false;
  for (std::size_t at = 0; (at = text.find('*', at)) != std::string_view::npos; ++at)
    if (!wildcards || (at > 0 && text[at - 1] != '.') || (at + 1 < text.size() && text[at + 1] != '.')) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.' || c == '*';
  });
}

/// A bound (or an allowance) on `kpi`: a number in the result document's units, or a quantity
/// in the unit the KPI's name gives it ("2h" for a `_s` KPI).
std::optional<double> read_bound(ReadContext& ctx, const YamlNode& node, const std::string& path, const std::string& kpi) {
  const std::string* text = scalar_text(ctx, node, path, "a number");
  if (!text) return std::nullopt;
  std::string error;
  const auto number = parse_number(*text, &error);
  if (number) return number;
  std::optional<double> value;
  std::string unit;
  switch (kpi_unit(kpi)) {
    case KpiUnit::SECONDS:
      unit = "is in seconds";
      value = parse_duration_seconds(*text, &error);
      break;
    case KpiUnit::PER_HOUR:
      unit = "is per hour";
      value = parse_frequency_per_hour(*text, &error);
      break;
    case KpiUnit::BYTES:
      unit = "is in bytes";
      value = parse_size_bytes(*text, &error);
      break;
    case KpiUnit::BYTES_PER_SECOND:
      unit = "is in bytes per second";
      value = parse_rate_bytes_per_second(*text, &error);
      break;
    case KpiUnit::METRES: unit = "is in metres"; break;  // no length units: parse_number's error
    case KpiUnit::NONE: unit = "has no unit"; break;
  }
  if (value) return value;
  ctx.error(node, path, quoted(kpi, '\'') + " " + unit + ": " + error);
  return std::nullopt;
}

/// A result path as a key: its shape only (the names are resolved later, against the scenario).
bool read_path_key(ReadContext& ctx, const YamlNode& key, const std::string& path, bool wildcards) {
  if (is_dotted_path(key.text, wildcards)) return true;
  ctx.error(key, path,
            "expected a result path like " + std::string(wildcards ? "'stations.*.queue'" : "'stations.reflow.utilization'") +
                ", got " + quoted(key.text, '\''));
  return false;
}

void read_expectation(ReadContext& ctx, const YamlEntry& entry, const std::string& path, ExpectSpec& spec) {
  const YamlNode& key = *entry.key;
  if (!read_path_key(ctx, key, path, false)) return;
  spec.paths.push_back({key.text, ctx.mark(key), path, false});
  const std::string bound_path = child_path(path, key.text);
  MapReader map(ctx, *entry.value, bound_path, "a map with min, max or both");
  if (!map.valid()) return;
  Expectation e;
  e.kpi = key.text;
  e.mark = ctx.mark(key);
  const auto bound = [&](ReadContext& c, const YamlNode& n, const std::string& p) { return read_bound(c, n, p, key.text); };
  bool ok = map.optional("min", e.min, bound);
  ok = map.optional("max", e.max, bound) && ok;
  if (const YamlNode* level = map.get("confidence")) {
    e.confidence_mark = ctx.mark(*level);
    e.confidence = read_number(ctx, *level, map.child_path("confidence"), 0.5, 0.9999, false);
    ok = e.confidence.has_value() && ok;
  }
  if (!map.has("min") && !map.has("max")) {
    // Other keys are reported as unknown (`mni` with "did you mean 'min'"), which says enough.
    if (entry.value->entries.empty() || map.has("confidence"))
      ctx.error(*entry.value, bound_path, "an expectation needs `min`, `max` or both");
    return;
  }
  if (ok && e.min && e.max && *e.min > *e.max) {
    ctx.error(*map.get("max"), map.child_path("max"),
              "max " + describe(*map.get("max")) + " is below min " + describe(*map.get("min")));
    return;
  }
  if (ok) spec.expectations.push_back(std::move(e));
}

void read_baseline_kpi(ReadContext& ctx, const YamlEntry& entry, BaselineSpec& baseline, ExpectSpec& spec) {
  const YamlNode& key = *entry.key;
  if (!read_path_key(ctx, key, "baseline.kpis", true)) return;
  spec.paths.push_back({key.text, ctx.mark(key), "baseline.kpis", true});
  const std::string kpi_path = child_path("baseline.kpis", key.text);
  MapReader map(ctx, *entry.value, kpi_path, "a map with tolerance, absolute or direction");
  if (!map.valid()) return;
  BaselineSpec::Kpi k;
  k.kpi = key.text;
  k.mark = ctx.mark(key);
  map.optional("tolerance", k.tolerance, NumberIn{0, 100});
  map.optional("absolute", k.absolute, [&](ReadContext& c, const YamlNode& n, const std::string& p) -> std::optional<double> {
    const auto value = read_bound(c, n, p, key.text);
    if (value && *value < 0) {
      c.error(n, p, "expected an allowance >= 0, got " + describe(n));
      return std::nullopt;
    }
    return value;
  });
  map.optional("direction", k.direction,
               Choice<Direction>{{{"higher", Direction::HIGHER}, {"lower", Direction::LOWER}, {"none", Direction::NONE}}});
  if (!map.has("tolerance") && !map.has("absolute") && !map.has("direction") && entry.value->entries.empty())
    ctx.error(*entry.value, kpi_path, "give `tolerance`, `absolute` or `direction`");
  baseline.kpis.push_back(std::move(k));
}

void read_baseline(ReadContext& ctx, const YamlNode& node, ExpectSpec& spec) {
  MapReader map(ctx, node, "baseline", "a map with tolerance, confidence or kpis");
  if (!map.valid()) return;
  BaselineSpec baseline;
  baseline.mark = ctx.mark(node);
  map.optional("tolerance", baseline.tolerance, NumberIn{0, 100});
  map.optional("confidence", baseline.confidence, NumberIn{0.5, 0.9999});
  if (const YamlNode* kpis = map.get("kpis")) {
    MapReader entries(ctx, *kpis, "baseline.kpis", "a map result path -> {tolerance, absolute, direction}");
    for (const YamlEntry* entry : entries.entries()) read_baseline_kpi(ctx, *entry, baseline, spec);
  }
  spec.baseline = std::move(baseline);
}

std::optional<std::string> read_fingerprint(ReadContext& ctx, const YamlNode& node, const std::string& path) {
  const std::string* text = scalar_text(ctx, node, path, "a fingerprint");
  if (!text) return std::nullopt;
  const bool hex = text->size() == 16 && std::all_of(text->begin(), text->end(), [](char c) {
                     return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                   });
  if (!hex) {
    report_expected(ctx, node, path, "16 lowercase hexadecimal digits");
    return std::nullopt;
  }
  return *text;
}

void read_expect_file(ReadContext& ctx, const YamlNode& root, ExpectSpec& spec) {
  MapReader map(ctx, root, "", "a map (the expectations)");
  if (!map.valid()) return;
  if (const YamlNode* expect = map.get("expect")) {
    MapReader bounds(ctx, *expect, "expect", "a map result path -> {min, max}");
    if (bounds.valid()) {
      for (const YamlEntry* entry : bounds.entries()) read_expectation(ctx, *entry, "expect", spec);
      if (bounds.entries().empty()) ctx.error(*expect, "expect", "expected at least one expectation");
    }
  }
  if (const YamlNode* baseline = map.get("baseline")) read_baseline(ctx, *baseline, spec);
  if (const YamlNode* fingerprint = map.get("fingerprint")) {
    spec.fingerprint_mark = ctx.mark(*fingerprint);
    spec.fingerprint = read_fingerprint(ctx, *fingerprint, "fingerprint");
  }
  const bool misspelt_check = std::any_of(root.entries.begin(), root.entries.end(), [&](const YamlEntry& e) {
    return e.key->is_scalar() && !ctx.suggest(e.key->text, {"expect", "fingerprint", "baseline"}).empty();
  });
  // Baseline settings alone are something to check (with --baseline, which the CLI requires then).
  if (!map.has("expect") && !map.has("fingerprint") && !map.has("baseline") && !misspelt_check)
    ctx.error(root, "", "nothing to check: give `expect`, `fingerprint` or both");
  map.optional("seed", spec.seed, [](ReadContext& c, const YamlNode& n, const std::string& p) {
    const auto seed = read_integer(c, n, p, 0, std::numeric_limits<std::int64_t>::max());
    return seed ? std::optional(static_cast<std::uint64_t>(*seed)) : std::nullopt;
  });
  map.optional("replications", spec.replications, IntegerIn<int>{1, 100'000});
  if (const YamlNode* set = map.get("set")) {
    MapReader overrides(ctx, *set, "set", "a map path -> value");
    for (const YamlEntry* entry : overrides.entries()) {
      const YamlNode& key = *entry->key;
      if (key.text.empty() || key.text.front() == '.' || key.text.back() == '.' ||
          key.text.find("..") != std::string::npos) {
        ctx.error(key, "set", "expected a path like 'stations.reflow.servers', got " + quoted(key.text, '\''));
        continue;
      }
      const auto value = to_flow_yaml(*entry->value, MAX_SET_VALUE_BYTES);
      if (!value) {
        ctx.error(*entry->value, child_path("set", key.text),
                  "value too large (more than " + std::to_string(MAX_SET_VALUE_BYTES) + " bytes as YAML)");
        continue;
      }
      spec.set.push_back(Override{key.text, *value, ctx.mark(*entry->value)});
    }
  }
}

ExpectLoadResult load_expect(std::optional<std::string_view> text, const std::string& file,
                             std::vector<Diagnostic> file_errors) {
  ExpectLoadResult result;
  YamlDocument document;
  ReadContext ctx(document);
  ctx.add(file_errors);
  if (const YamlNode* root = parse_document(ctx, text, file)) {
    ExpectSpec spec;
    spec.file = file;
    read_expect_file(ctx, *root, spec);
    result.spec = std::move(spec);
  }
  ctx.flush(result.diagnostics);
  return result;
}

}  // namespace

KpiUnit kpi_unit(std::string_view kpi) {
  std::string_view name = kpi.substr(kpi.rfind('.') + 1);  // npos + 1 == 0: the whole path
  // A percentile has its KPI's unit; any `pNN` counts, so that a percentile the document lacks
  // (p90) is reported once, as a missing path, not again as a bound without a unit.
  const bool percentile = name.size() > 1 && name.front() == 'p' &&
                          std::all_of(name.begin() + 1, name.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (percentile && name.size() < kpi.size()) {
    const std::string_view rest = kpi.substr(0, kpi.size() - name.size() - 1);
    name = rest.substr(rest.rfind('.') + 1);
  }
  if (name.ends_with("_bytes_per_s")) return KpiUnit::BYTES_PER_SECOND;
  if (name.ends_with("_per_h")) return KpiUnit::PER_HOUR;
  if (name.ends_with("_bytes")) return KpiUnit::BYTES;
  if (name.ends_with("_s")) return KpiUnit::SECONDS;
  if (name.ends_with("_m")) return KpiUnit::METRES;
  return KpiUnit::NONE;
}

ExpectLoadResult load_expect_file(const std::string& path) {
  std::vector<Diagnostic> errors;
  const auto text = read_text_file(path, errors);
  if (!text) return load_expect(std::nullopt, path, std::move(errors));
  return load_expect(std::string_view(*text), path, {});
}

ExpectLoadResult load_expect_text(std::string_view text, const std::string& file) {
  return load_expect(text, file, {});
}

}  // namespace plantwin::scenario
