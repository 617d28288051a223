// Expectation files for `plantwin check` (ExpectSpec in loader.hpp):
//
//   expect:
//     throughput_per_h: {min: 100}
//     stations.reflow.utilization: {max: 0.9}
//   fingerprint: 9f3a0c1d2e3f4a5b      # optional
//   seed: 7                            # optional
//   replications: 5                    # optional
//   set:                               # optional, like --set, located in this file
//     stations.reflow.servers: 2

#include <algorithm>
#include <limits>

#include "scenario/loader.hpp"
#include "scenario/text.hpp"
#include "scenario/yaml_reader.hpp"
#include "scenario/yaml_tree.hpp"

namespace plantwin::scenario {

namespace {

/// An override value is re-emitted as flow YAML for Override::value; an alias bomb must not make
/// that text huge.
constexpr std::size_t MAX_SET_VALUE_BYTES = 64 * 1024;

/// "stations.reflow.utilization": names separated by single dots. The names are not checked
/// against the result document here (it does not exist yet), only their shape.
bool is_dotted_path(std::string_view text) {
  if (text.empty() || text.front() == '.' || text.back() == '.' || text.find("..") != std::string_view::npos)
    return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
  });
}

std::optional<Expectation> read_expectation(ReadContext& ctx, const YamlEntry& entry, const std::string& path) {
  const YamlNode& key = *entry.key;
  if (!is_dotted_path(key.text)) {
    ctx.error(key, path,
              "expected a result path like 'stations.reflow.utilization', got " + quoted(key.text, '\''));
    return std::nullopt;
  }
  const std::string bound_path = child_path(path, key.text);
  MapReader map(ctx, *entry.value, bound_path, "a map with min, max or both");
  if (!map.valid()) return std::nullopt;
  Expectation e;
  e.kpi = key.text;
  e.mark = ctx.mark(key);
  constexpr NumberIn ANY{-std::numeric_limits<double>::max(), std::numeric_limits<double>::max()};
  bool ok = map.optional("min", e.min, ANY);
  ok = map.optional("max", e.max, ANY) && ok;
  if (!map.has("min") && !map.has("max")) {
    // Other keys are reported as unknown (`mni` with "did you mean 'min'"), which says enough.
    if (entry.value->entries.empty()) ctx.error(*entry.value, bound_path, "an expectation needs `min`, `max` or both");
    return std::nullopt;
  }
  if (ok && e.min && e.max && *e.min > *e.max) {
    ctx.error(*map.get("max"), map.child_path("max"),
              "max " + describe(*map.get("max")) + " is below min " + describe(*map.get("min")));
    return std::nullopt;
  }
  if (!ok) return std::nullopt;
  return e;
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
      for (const YamlEntry* entry : bounds.entries())
        if (auto e = read_expectation(ctx, *entry, "expect")) spec.expectations.push_back(std::move(*e));
      if (bounds.entries().empty()) ctx.error(*expect, "expect", "expected at least one expectation");
    }
  }
  if (const YamlNode* fingerprint = map.get("fingerprint")) {
    spec.fingerprint_mark = ctx.mark(*fingerprint);
    spec.fingerprint = read_fingerprint(ctx, *fingerprint, "fingerprint");
  }
  const bool misspelt_check = std::any_of(root.entries.begin(), root.entries.end(), [&](const YamlEntry& e) {
    return e.key->is_scalar() && !ctx.suggest(e.key->text, {"expect", "fingerprint"}).empty();
  });
  if (!map.has("expect") && !map.has("fingerprint") && !misspelt_check)
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
    if (ctx.error_count() == 0) result.spec = std::move(spec);
  }
  ctx.flush(result.diagnostics);
  return result;
}

}  // namespace

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
