#pragma once
/// Simulated time: an integer count of ticks. One tick is one nanosecond.
///
/// Time is never carried around as a raw double: durations from YAML, from distributions and from
/// SimGrid are converted to ticks at the edge (from_seconds) and back only for output
/// (to_seconds). With 64-bit ticks of 1 ns the representable range is ±292 years; plantwin limits
/// a replication (warm-up + horizon) to MAX_RUN_TICKS (100 years) and clamps sampled durations to
/// MAX_DURATION_TICKS, so `now + duration` never overflows.

#include <cstdint>
#include <string>

namespace plantwin::kernel {

using Tick = std::int64_t;

inline constexpr Tick TICKS_PER_SECOND = 1'000'000'000;
inline constexpr double SECONDS_PER_YEAR = 365.0 * 86400.0;
/// The longest replication (warm-up + horizon): 100 years.
inline constexpr Tick MAX_RUN_TICKS = static_cast<Tick>(100 * SECONDS_PER_YEAR) * TICKS_PER_SECOND;
/// Sampled durations are clamped to this (100 years): anything longer never happens in a run.
inline constexpr Tick MAX_DURATION_TICKS = MAX_RUN_TICKS;

/// Ticks → seconds (for output only).
constexpr double to_seconds(Tick t) { return static_cast<double>(t) / static_cast<double>(TICKS_PER_SECOND); }

/// Seconds → ticks, rounded to the nearest tick, clamped to [0, MAX_DURATION_TICKS].
/// Negative and NaN inputs give 0.
inline Tick duration_from_seconds(double s) {
  if (!(s > 0.0)) return 0;
  const double t = s * static_cast<double>(TICKS_PER_SECOND);
  if (t >= static_cast<double>(MAX_DURATION_TICKS)) return MAX_DURATION_TICKS;
  // Round half away from zero exactly as std::llround, without its library call: truncate, then
  // add one when the fraction (exact: t - trunc(t) is representable) is at least a half.
  const auto whole = static_cast<Tick>(t);
  return t - static_cast<double>(whole) >= 0.5 ? whole + 1 : whole;
}

/// A duration for a message, exact to the tick: "95s", "0.25s", "20.000000001s".
inline std::string seconds_text(Tick t) {
  std::string out = t < 0 ? "-" : "";
  const auto u = static_cast<std::uint64_t>(t < 0 ? -t : t);
  constexpr auto per_second = static_cast<std::uint64_t>(TICKS_PER_SECOND);
  out += std::to_string(u / per_second);
  if (const std::uint64_t frac = u % per_second; frac != 0) {
    std::string digits = std::to_string(frac);
    digits.insert(0, 9 - digits.size(), '0');
    digits.erase(digits.find_last_not_of('0') + 1);
    out += "." + digits;
  }
  return out + "s";
}

}  // namespace plantwin::kernel
