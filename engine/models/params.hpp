#pragma once
/// How a model kind declares its parameters, once (docs/architecture.md, "Adding a model kind"):
/// each field's key, type, unit, default, range and doc, with the member it fills. A params struct
/// lists its fields as
///
///   static constexpr auto FIELDS = std::tuple{
///       decl::Integer<ConveyorParams>{{"capacity", "parts", "1", "1 .. 10,000", "parts on it at once"},
///                                     &ConveyorParams::capacity, 1, 10'000},
///       ...};
///
/// and every user reads the same list: the scenario layer reads YAML into the struct through it
/// (scenario/declared.hpp), a test checks the reference tables of docs/ against it, and Python
/// shows a loaded scenario's values through it (`scenario.stations["aoi"].servers`). Fields that
/// name other things by id (a calendar, a pool, a node) or have a syntax of their own (a process
/// time per product) are read by the kind's reader, beside the declared ones.

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <tuple>
#include <utility>

#include "kernel/distribution.hpp"
#include "kernel/time.hpp"

namespace plantwin::models::decl {

/// What every field says about itself; `deflt` is the default as the docs write it, empty when
/// the field is required; `range` likewise ("1 .. 10,000", "> 0", "" for none).
struct Info {
  std::string_view key;
  std::string_view unit;
  std::string_view deflt;
  std::string_view range;
  std::string_view doc;
  constexpr bool required() const { return deflt.empty(); }
};

inline constexpr double NO_LIMIT = std::numeric_limits<double>::max();

template <class S, class T = int>
struct Integer {
  static constexpr std::string_view TYPE = "integer";
  Info info;
  T S::*member;
  std::int64_t min, max;
};

template <class S>
struct Number {
  static constexpr std::string_view TYPE = "number";
  Info info;
  double S::*member;
  double min = 0, max = NO_LIMIT;
  bool above_min = false;  ///< (min, max] instead of [min, max]
};

template <class S>
struct Duration {
  static constexpr std::string_view TYPE = "duration";
  Info info;
  kernel::Tick S::*member;
  bool positive = false;  ///< > 0
};

template <class S>
struct OptionalDuration {
  static constexpr std::string_view TYPE = "duration";
  Info info;
  std::optional<kernel::Tick> S::*member;
};

template <class S>
struct Dist {
  static constexpr std::string_view TYPE = "distribution";
  Info info;
  kernel::Distribution S::*member;
  /// Not empty: its mean must be > 0 (a time between events), and this says why.
  std::string_view positive_mean_because = {};
};

template <class S>
struct Bool {
  static constexpr std::string_view TYPE = "boolean";
  Info info;
  bool S::*member;
};

template <class S, class E, std::size_t N>
struct Choice {
  static constexpr std::string_view TYPE = "choice";
  Info info;
  E S::*member;
  std::array<std::pair<std::string_view, E>, N> options;
};

/// A count of places that may be unlimited: an integer, or `inf` (then `infinite` is stored).
template <class S>
struct Capacity {
  static constexpr std::string_view TYPE = "integer or `inf`";
  Info info;
  std::int64_t S::*member;
  std::int64_t max;
  std::int64_t infinite;
  std::int64_t min = 0;
};

/// Calls `f(field)` for every declared field of S, in declaration order.
template <class S, class F>
constexpr void for_each_field(F&& f) {
  std::apply([&](const auto&... field) { (f(field), ...); }, S::FIELDS);
}

}  // namespace plantwin::models::decl
