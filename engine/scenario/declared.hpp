#pragma once
/// Reads the fields a params struct declares (models/params.hpp) from a YAML map: the one place
/// where declared keys, types, ranges and defaults become reading code. A kind's reader calls
/// read_declared() and reads its other keys (ids, syntaxes of their own) beside.

#include <string>

#include "models/params.hpp"
#include "scenario/text.hpp"
#include "scenario/yaml_reader.hpp"

namespace plantwin::scenario {

namespace declared_detail {

template <class S, class T>
bool read(MapReader& map, S& out, const models::decl::Integer<S, T>& f) {
  const IntegerIn<T> reader{f.min, f.max};
  return f.info.required() ? map.required(f.info.key, out.*f.member, reader) : map.optional(f.info.key, out.*f.member, reader);
}

template <class S>
bool read(MapReader& map, S& out, const models::decl::Number<S>& f) {
  const NumberIn reader{f.min, f.max, f.above_min};
  return f.info.required() ? map.required(f.info.key, out.*f.member, reader) : map.optional(f.info.key, out.*f.member, reader);
}

/// A duration, `> 0` when `positive`.
std::optional<kernel::Tick> read_duration_at_least(ReadContext& ctx, const YamlNode& node, const std::string& path, bool positive);

template <class S>
bool read(MapReader& map, S& out, const models::decl::Duration<S>& f) {
  const auto reader = [&f](ReadContext& c, const YamlNode& n, const std::string& p) {
    return read_duration_at_least(c, n, p, f.positive);
  };
  return f.info.required() ? map.required(f.info.key, out.*f.member, reader) : map.optional(f.info.key, out.*f.member, reader);
}

template <class S>
bool read(MapReader& map, S& out, const models::decl::OptionalDuration<S>& f) {
  return map.optional(f.info.key, out.*f.member, read_duration);
}

/// A distribution whose mean must be > 0 when `because` is not empty ("<key> must have a positive
/// mean: <because>").
std::optional<kernel::Distribution> read_distribution_for(ReadContext& ctx, const YamlNode& node, const std::string& path,
                                                          std::string_view key, std::string_view because);

template <class S>
bool read(MapReader& map, S& out, const models::decl::Dist<S>& f) {
  const auto reader = [&f](ReadContext& c, const YamlNode& n, const std::string& p) {
    return read_distribution_for(c, n, p, f.info.key, f.positive_mean_because);
  };
  return f.info.required() ? map.required(f.info.key, out.*f.member, reader) : map.optional(f.info.key, out.*f.member, reader);
}

template <class S>
bool read(MapReader& map, S& out, const models::decl::Bool<S>& f) {
  return f.info.required() ? map.required(f.info.key, out.*f.member, read_bool) : map.optional(f.info.key, out.*f.member, read_bool);
}

template <class S, class E, std::size_t N>
bool read(MapReader& map, S& out, const models::decl::Choice<S, E, N>& f) {
  Choice<E> reader;
  for (const auto& [name, value] : f.options) reader.options.emplace_back(std::string(name), value);
  return f.info.required() ? map.required(f.info.key, out.*f.member, reader) : map.optional(f.info.key, out.*f.member, reader);
}

/// An integer in [min, max] or `inf` (also `.inf`, `.Inf`, `.INF`, `Inf`): `infinite` for inf.
std::optional<std::int64_t> read_capacity(ReadContext& ctx, const YamlNode& node, const std::string& path, std::int64_t min, std::int64_t max,
                                          std::int64_t infinite);

template <class S>
bool read(MapReader& map, S& out, const models::decl::Capacity<S>& f) {
  const auto reader = [&f](ReadContext& c, const YamlNode& n, const std::string& p) {
    return read_capacity(c, n, p, f.min, f.max, f.infinite);
  };
  return f.info.required() ? map.required(f.info.key, out.*f.member, reader) : map.optional(f.info.key, out.*f.member, reader);
}

}  // namespace declared_detail

/// Reads every field S declares from `map` into `out` (a missing optional field keeps the
/// struct's default). False when one of them had an error (reported at its place).
template <class S>
bool read_declared(MapReader& map, S& out) {
  bool ok = true;
  models::decl::for_each_field<S>([&](const auto& field) { ok = declared_detail::read(map, out, field) && ok; });
  return ok;
}

}  // namespace plantwin::scenario
