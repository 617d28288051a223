#include "scenario/units.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <span>

#include "scenario/text.hpp"

namespace plantwin::scenario {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// A decimal number at the start of a text, split into its parts.
struct Decimal {
  std::size_t length = 0;   ///< bytes of the text that belong to the number; 0 when there is none
  bool negative = false;    ///< written with a leading '-'
  bool integral = true;     ///< no fraction and no exponent written
  std::string_view digits;  ///< the number without its sign, as std::from_chars takes it
};

// The grammar is written out here instead of trusting std::from_chars to stop at the right place:
// from_chars also reads "inf", "nan" and "infinity", and stops after "1" in "1e" without
// complaint, which would make "1e" read as one second with the unit "e".
Decimal scan_decimal(std::string_view s) {
  Decimal d;
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    d.negative = s[i] == '-';
    ++i;
  }
  const std::size_t start = i;
  std::size_t mantissa_digits = 0;
  while (i < s.size() && is_digit(s[i])) ++i, ++mantissa_digits;
  if (i < s.size() && s[i] == '.') {
    d.integral = false;
    ++i;
    while (i < s.size() && is_digit(s[i])) ++i, ++mantissa_digits;
  }
  if (mantissa_digits == 0) return {};
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    std::size_t j = i + 1;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    if (j < s.size() && is_digit(s[j])) {
      while (j < s.size() && is_digit(s[j])) ++j;
      i = j;
      d.integral = false;
    }
  }
  d.length = i;
  d.digits = s.substr(start, i - start);
  return d;
}

/// "inf", ".inf", "-.Inf", "nan", "infinity", ... : what YAML or C would read as a non-finite number.
bool is_non_finite_word(std::string_view s) {
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.remove_prefix(1);
  if (!s.empty() && s[0] == '.') s.remove_prefix(1);
  std::string lower;
  for (const char c : s) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return lower == "inf" || lower == "infinity" || lower == "nan";
}

enum class ValueStatus { OK, OVERFLOW };

/// The value of a scanned decimal (without its sign). Underflow reads as 0.
ValueStatus decimal_value(const Decimal& d, double* value) {
  double v = 0;
  const auto [ptr, ec] = std::from_chars(d.digits.data(), d.digits.data() + d.digits.size(), v);
  if (ec == std::errc::result_out_of_range) {
    // from_chars reports both overflow and underflow this way; a negative exponent means the
    // number is too small, and the nearest double is 0.
    const auto e = d.digits.find_first_of("eE");
    if (e != std::string_view::npos && e + 1 < d.digits.size() && d.digits[e + 1] == '-') {
      *value = 0;
      return ValueStatus::OK;
    }
    return ValueStatus::OVERFLOW;
  }
  if (ec != std::errc() || ptr != d.digits.data() + d.digits.size() || !std::isfinite(v)) return ValueStatus::OVERFLOW;
  *value = v;
  return ValueStatus::OK;
}

std::nullopt_t fail(std::string* error, std::string message) {
  if (error) *error = std::move(message);
  return std::nullopt;
}

struct Unit {
  std::string_view name;
  double scale;  ///< base units per unit
};

/// What a kind of quantity is called in messages.
struct QuantityWords {
  std::string_view what;     ///< "a duration"
  std::string_view example;  ///< "\"12s\""
  std::string_view limit;    ///< "100 years"
};

/// Parses "<number>[ ]<unit>" into base units (the units' scales are in base units); `bare_scale`
/// is the scale of a number written without a unit, or 0 when a unit is required.
std::optional<double> parse_quantity(std::string_view text, std::span<const Unit> units, double bare_scale,
                                     double max, const QuantityWords& words, std::string* error) {
  const auto syntax_error = [&] {
    return fail(error, "expected " + std::string(words.what) + " like " + std::string(words.example) + ", got " +
                           quoted(text));
  };
  const Decimal d = scan_decimal(text);
  if (d.length == 0) {
    if (is_non_finite_word(text))
      return fail(error, "expected a finite " + std::string(words.what.substr(2)) + ", got " + quoted(text));
    return syntax_error();
  }
  std::string_view unit = text.substr(d.length);
  if (unit.size() > 1 && unit[0] == ' ') unit.remove_prefix(1);
  double scale = 0;
  if (unit.empty()) {
    scale = bare_scale;
  } else {
    for (const Unit& u : units)
      if (u.name == unit) scale = u.scale;
  }
  if (scale == 0) return syntax_error();
  if (d.negative) return fail(error, "expected " + std::string(words.what) + " >= 0, got " + quoted(text));
  double value = 0;
  const auto too_large = [&] {
    return fail(error, "expected " + std::string(words.what) + " of at most " + std::string(words.limit) + ", got " +
                           quoted(text));
  };
  if (decimal_value(d, &value) != ValueStatus::OK) return too_large();
  const double result = value * scale;
  if (!(result <= max)) return too_large();
  return result;
}

// Durations are scaled to ticks first: value × ticks-per-unit is exact for the usual inputs
// (integers, or a few decimals, times a power of ten), and seconds are then one correctly rounded
// division away.
constexpr std::array<Unit, 8> DURATION_UNITS{{{"ns", 1.0},
                                               {"us", 1e3},
                                               {"ms", 1e6},
                                               {"s", 1e9},
                                               {"min", 60e9},
                                               {"h", 3600e9},
                                               {"d", 86400e9},
                                               {"w", 604800e9}}};
constexpr QuantityWords DURATION_WORDS{"a duration", "\"12s\"", "100 years"};

/// A compound duration, "10h30min", "2d8h", "1h30min15s": two or more number-unit pairs without
/// spaces, units in decreasing order, each once. nullopt (no message) when `text` is not one.
std::optional<double> parse_compound_duration(std::string_view text, std::string* error) {
  double total = 0, previous = 0;
  std::size_t pos = 0;
  int parts = 0;
  while (pos < text.size()) {
    const Decimal d = scan_decimal(text.substr(pos));
    if (d.length == 0 || d.negative) return std::nullopt;
    double value = 0;
    if (decimal_value(d, &value) != ValueStatus::OK) return std::nullopt;
    pos += d.length;
    const std::size_t start = pos;
    while (pos < text.size() && ((text[pos] >= 'a' && text[pos] <= 'z') || (text[pos] >= 'A' && text[pos] <= 'Z'))) ++pos;
    const std::string_view unit = text.substr(start, pos - start);
    double scale = 0;
    for (const Unit& u : DURATION_UNITS)
      if (u.name == unit) scale = u.scale;
    if (scale == 0) return std::nullopt;
    if (parts > 0 && !(scale < previous))
      return fail(error, "expected a duration like \"10h30min\" (units in decreasing order, each once), got " + quoted(text));
    previous = scale;
    total += value * scale;
    ++parts;
  }
  if (parts < 2) return std::nullopt;
  if (!(total <= static_cast<double>(kernel::MAX_DURATION_TICKS)))
    return fail(error, "expected a duration of at most 100 years, got " + quoted(text));
  return total;
}

std::optional<double> parse_duration_in_ticks(std::string_view text, std::string* error) {
  std::string compound_error;
  if (auto compound = parse_compound_duration(text, &compound_error)) return compound;
  if (!compound_error.empty()) return fail(error, compound_error);
  return parse_quantity(text, DURATION_UNITS, static_cast<double>(kernel::TICKS_PER_SECOND),
                        static_cast<double>(kernel::MAX_DURATION_TICKS), DURATION_WORDS, error);
}

constexpr std::array<Unit, 7> SIZE_UNITS{{{"B", 1.0},
                                           {"kB", 1e3},
                                           {"MB", 1e6},
                                           {"GB", 1e9},
                                           {"KiB", 1024.0},
                                           {"MiB", 1024.0 * 1024.0},
                                           {"GiB", 1024.0 * 1024.0 * 1024.0}}};
constexpr QuantityWords SIZE_WORDS{"a size", "\"1500B\" or \"2MB\"", "1 PB"};

constexpr std::array<Unit, 8> RATE_UNITS{{{"bps", 1.0 / 8},
                                           {"kbps", 1e3 / 8},
                                           {"Mbps", 1e6 / 8},
                                           {"Gbps", 1e9 / 8},
                                           {"Bps", 1.0},
                                           {"kBps", 1e3},
                                           {"MBps", 1e6},
                                           {"GBps", 1e9}}};
constexpr QuantityWords RATE_WORDS{"a rate", "\"100Mbps\" or \"10MBps\"", "1 PB/s"};

// Per hour: the unit is written after a slash ("50/h").
constexpr std::array<Unit, 4> FREQUENCY_UNITS{{{"/s", 3600.0}, {"/min", 60.0}, {"/h", 1.0}, {"/d", 1.0 / 24}}};
constexpr QuantityWords FREQUENCY_WORDS{"a frequency", "\"50/h\" or \"0.8/min\"", "1e15 per hour"};

}  // namespace

std::optional<double> parse_number(std::string_view text, std::string* error) {
  const Decimal d = scan_decimal(text);
  if (d.length == 0 || d.length != text.size()) {
    if (is_non_finite_word(text)) return fail(error, "expected a finite number, got " + quoted(text));
    return fail(error, "expected a number, got " + quoted(text));
  }
  double value = 0;
  if (decimal_value(d, &value) != ValueStatus::OK) return fail(error, "expected a finite number, got " + quoted(text));
  return d.negative ? -value : value;
}

std::optional<std::int64_t> parse_integer(std::string_view text, std::int64_t min, std::int64_t max,
                                          std::string* error) {
  const auto range_error = [&] {
    return fail(error, "expected an integer from " + std::to_string(min) + " to " + std::to_string(max) + ", got " +
                           quoted(text));
  };
  const Decimal d = scan_decimal(text);
  if (d.length == 0 || d.length != text.size()) return fail(error, "expected an integer, got " + quoted(text));
  if (d.negative && min >= 0) return range_error();
  if (d.integral) {
    // Read the digits as an unsigned magnitude so that the full int64 range (down to -2^63) works.
    std::uint64_t magnitude = 0;
    const auto [ptr, ec] = std::from_chars(d.digits.data(), d.digits.data() + d.digits.size(), magnitude);
    if (ec != std::errc() || ptr != d.digits.data() + d.digits.size()) return range_error();
    constexpr auto INT64_LIMIT = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    if (magnitude > INT64_LIMIT + (d.negative ? 1 : 0)) return range_error();
    const std::int64_t value =
        d.negative ? (magnitude == INT64_LIMIT + 1 ? std::numeric_limits<std::int64_t>::min()
                                                   : -static_cast<std::int64_t>(magnitude))
                   : static_cast<std::int64_t>(magnitude);
    if (value < min || value > max) return range_error();
    return value;
  }
  double value = 0;
  if (decimal_value(d, &value) != ValueStatus::OK) return range_error();
  if (value != std::floor(value)) return fail(error, "expected an integer, got " + quoted(text));
  if (d.negative) value = -value;
  // 2^63 is exactly representable; anything at or above it does not fit an int64.
  constexpr double TWO_POW_63 = 9223372036854775808.0;
  if (!(value >= -TWO_POW_63 && value < TWO_POW_63)) return range_error();
  const auto integer = static_cast<std::int64_t>(value);
  if (integer < min || integer > max) return range_error();
  return integer;
}

std::optional<double> parse_duration_seconds(std::string_view text, std::string* error) {
  const auto ticks = parse_duration_in_ticks(text, error);
  if (!ticks) return std::nullopt;
  return *ticks / static_cast<double>(kernel::TICKS_PER_SECOND);
}

std::optional<kernel::Tick> parse_duration_ticks(std::string_view text, std::string* error) {
  const auto ticks = parse_duration_in_ticks(text, error);
  if (!ticks) return std::nullopt;
  return static_cast<kernel::Tick>(std::llround(*ticks));
}

std::optional<double> parse_size_bytes(std::string_view text, std::string* error) {
  return parse_quantity(text, SIZE_UNITS, 1.0, MAX_SIZE_BYTES, SIZE_WORDS, error);
}

std::optional<double> parse_rate_bytes_per_second(std::string_view text, std::string* error) {
  return parse_quantity(text, RATE_UNITS, 0.0, MAX_RATE_BYTES_PER_S, RATE_WORDS, error);
}

std::optional<double> parse_frequency_per_hour(std::string_view text, std::string* error) {
  return parse_quantity(text, FREQUENCY_UNITS, 0.0, 1e15, FREQUENCY_WORDS, error);
}

namespace {

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

}  // namespace

std::optional<Instant> parse_instant(std::string_view text, bool require_offset, std::string* error) {
  const auto bad = [&] {
    return fail(error, std::string("expected a date and time like \"2026-03-02T06:00:00+08:00\"") +
                           (require_offset ? " (with its UTC offset)" : "") + ", got " + quoted(text));
  };
  std::size_t pos = 0;
  const auto digits = [&](std::size_t n, int& out) {
    if (pos + n > text.size()) return false;
    out = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const char c = text[pos + i];
      if (c < '0' || c > '9') return false;
      out = out * 10 + (c - '0');
    }
    pos += n;
    return true;
  };
  const auto expect = [&](char c) {
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  };
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(4, year) || !expect('-') || !digits(2, month) || !expect('-') || !digits(2, day)) return bad();
  if (!(expect('T') || expect(' ')) || !digits(2, hour) || !expect(':') || !digits(2, minute)) return bad();
  // The seconds may be left out ("06:00+08:00"), and with them their fraction.
  const bool has_seconds = expect(':');
  if (has_seconds && !digits(2, second)) return bad();
  std::int64_t nanos = 0;
  if (has_seconds && expect('.')) {
    std::size_t n = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (n < 9) nanos = nanos * 10 + (text[pos] - '0');
      ++pos;
      ++n;
    }
    if (n == 0) return bad();
    for (; n < 9; ++n) nanos *= 10;
  }
  Instant out;
  if (expect('Z')) {
    out.has_offset = true;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos++] == '-' ? -1 : 1;
    int oh = 0, om = 0;
    if (!digits(2, oh)) return bad();
    expect(':');  // "+08:00", or as many loggers write it, "+0800"
    if (!digits(2, om) || oh > 14 || om > 59) return bad();
    out.offset_minutes = sign * (oh * 60 + om);
    out.has_offset = true;
  }
  if (pos != text.size()) return bad();
  static constexpr int MONTH_DAYS[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month < 1 || month > 12 || day < 1 || day > MONTH_DAYS[month - 1] || (month == 2 && day == 29 && !leap) ||
      hour > 23 || minute > 59 || second > 59)
    return fail(error, "no such date and time: " + quoted(text));
  if (require_offset && !out.has_offset) return bad();
  out.unix_seconds = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
                     hour * 3600 + minute * 60 + second - static_cast<std::int64_t>(out.offset_minutes) * 60;
  out.nanos = nanos;
  return out;
}

}  // namespace plantwin::scenario
