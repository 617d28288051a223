#include "scenario/declared.hpp"

#include "scenario/units.hpp"

namespace plantwin::scenario::declared_detail {

std::optional<kernel::Tick> read_duration_at_least(ReadContext& ctx, const YamlNode& node, const std::string& path,
                                                   bool positive) {
  const auto t = read_duration(ctx, node, path);
  if (t && positive && *t <= 0) {
    report_expected(ctx, node, path, "a duration > 0");
    return std::nullopt;
  }
  return t;
}

std::optional<kernel::Distribution> read_distribution_for(ReadContext& ctx, const YamlNode& node, const std::string& path,
                                                          std::string_view key, std::string_view because) {
  auto d = read_distribution(ctx, node, path);
  if (d && !because.empty() && !(d->mean() > 0)) {
    ctx.error(node, path, std::string(key) + " must have a positive mean: " + std::string(because));
    return std::nullopt;
  }
  return d;
}

std::optional<std::int64_t> read_capacity(ReadContext& ctx, const YamlNode& node, const std::string& path, std::int64_t min,
                                          std::int64_t max, std::int64_t infinite) {
  const std::string what = "an integer from " + std::to_string(min) + " to " + std::to_string(max) + " or inf";
  const std::string* text = scalar_text(ctx, node, path, what);
  if (!text) return std::nullopt;
  for (const std::string_view inf : {"inf", ".inf", ".Inf", ".INF", "Inf"})
    if (*text == inf) return infinite;
  std::string error;
  const auto value = parse_integer(*text, min, max, &error);
  if (!value) {
    ctx.error(node, path, "expected " + what + ", got " + quoted(*text));
    return std::nullopt;
  }
  return *value;
}

}  // namespace plantwin::scenario::declared_detail
