#pragma once
/// Numbers and quantities of the scenario format, parsed from the text as written: our own code,
/// locale-independent (std::from_chars), with no library's idea of what a number may look like.
///
/// Numbers are decimal: an optional sign, digits with an optional fraction, an optional exponent
/// ("12", "-3", "2.5", ".5", "1e-3"). No hex, no digit separators ("1_000"), no "inf" or "nan".
///
/// Quantities are a number, then optionally one space, then a unit (case-sensitive):
///   durations  ns, us, ms, s, min, h, d, w (a bare number is seconds)     "250ms", "2.5min", "45 s"
///              or compound, units in decreasing order, each once, no spaces: "10h30min", "2d8h"
///              at most 100 years (kernel::MAX_DURATION_TICKS)
///   sizes      B, kB = 1000 B, MB, GB, KiB = 1024 B, MiB, GiB (a bare number is bytes)
///              at most MAX_SIZE_BYTES
///   rates      bps, kbps, Mbps, Gbps (bits per second, SI: 100Mbps = 1e8 bit/s = 1.25e7 B/s) and
///              Bps, kBps, MBps, GBps (bytes per second); a bare number is an error, because bits and
///              bytes per second are too easily confused; at most MAX_RATE_BYTES_PER_S
///   frequencies  a count per unit of time, "/s", "/min", "/h", "/d" ("50/h", "0.8 /min"), in
///              events per hour (for bounds on `_per_h` KPIs); a bare number is an error
/// Quantities are never negative (a written '-' is an error, even "-0"), never NaN or infinite.
///
/// Every parser returns nullopt on bad input and then sets `*error` (when not null) to a full
/// message, for example: expected a duration like "12s", got "fast".

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kernel/time.hpp"

namespace plantwin::scenario {

/// The largest size: 1 PB.
inline constexpr double MAX_SIZE_BYTES = 1e15;
/// The largest rate: 1 PB/s (8 Pbps).
inline constexpr double MAX_RATE_BYTES_PER_S = 1e15;

/// A finite decimal number. A number too small to represent reads as 0 (with its sign).
std::optional<double> parse_number(std::string_view text, std::string* error);

/// A decimal integer in [min, max]. Also accepts an integral number written with a fraction or an
/// exponent ("1e3", "2.0"); rejects "2.5", and "-0" when min >= 0.
std::optional<std::int64_t> parse_integer(std::string_view text, std::int64_t min, std::int64_t max,
                                          std::string* error);

/// A duration in seconds, at most 100 years.
std::optional<double> parse_duration_seconds(std::string_view text, std::string* error);
/// A duration in ticks (1 ns), rounded to the nearest tick, at most kernel::MAX_DURATION_TICKS.
std::optional<kernel::Tick> parse_duration_ticks(std::string_view text, std::string* error);
/// A size in bytes.
std::optional<double> parse_size_bytes(std::string_view text, std::string* error);
/// A rate in bytes per second.
std::optional<double> parse_rate_bytes_per_second(std::string_view text, std::string* error);
/// A frequency, in events per hour.
std::optional<double> parse_frequency_per_hour(std::string_view text, std::string* error);

/// An instant in ISO 8601 with its UTC offset: "2026-03-02T06:00:12.5+08:00" (or "Z"; a space
/// may stand for the "T"; the seconds may be left out, "06:00+08:00", and the offset written
/// "+0800"). `require_offset`: an instant without one is an error.
struct Instant {
  std::int64_t unix_seconds = 0;  ///< whole seconds since 1970-01-01T00:00:00Z
  std::int64_t nanos = 0;         ///< and the fraction, 0 .. 999,999,999
  int offset_minutes = 0;         ///< the offset it was written in
  bool has_offset = false;
};
std::optional<Instant> parse_instant(std::string_view text, bool require_offset, std::string* error);

}  // namespace plantwin::scenario
