#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <string>

#include "scenario/loader.hpp"
#include "scenario/units.hpp"

using namespace plantwin::scenario;
using plantwin::kernel::Tick;

namespace {

std::string duration_error(std::string_view text) {
  std::string error;
  CHECK_FALSE(parse_duration_ticks(text, &error));
  return error;
}

}  // namespace

TEST_CASE("a bare number is a duration in seconds", "[units]") {
  CHECK(parse_duration_ticks("45", nullptr) == 45'000'000'000);
  CHECK(parse_duration_ticks("0.5", nullptr) == 500'000'000);
  CHECK(parse_duration_seconds("2.5", nullptr) == 2.5);
}

TEST_CASE("every duration unit scales to nanosecond ticks", "[units]") {
  CHECK(parse_duration_ticks("7ns", nullptr) == 7);
  CHECK(parse_duration_ticks("7us", nullptr) == 7'000);
  CHECK(parse_duration_ticks("250ms", nullptr) == 250'000'000);
  CHECK(parse_duration_ticks("45s", nullptr) == 45'000'000'000);
  CHECK(parse_duration_ticks("2.5min", nullptr) == 150'000'000'000);
  CHECK(parse_duration_ticks("8h", nullptr) == 28'800'000'000'000);
  CHECK(parse_duration_ticks("1d", nullptr) == 86'400'000'000'000);
}

TEST_CASE("durations in seconds are exact for usual inputs", "[units]") {
  CHECK(parse_duration_seconds("250ms", nullptr) == 0.25);
  CHECK(parse_duration_seconds("0.1s", nullptr) == 0.1);
  CHECK(parse_duration_seconds("2.5min", nullptr) == 150.0);
  CHECK(parse_duration_seconds("1e-3s", nullptr) == 0.001);
}

TEST_CASE("a fractional duration rounds to the nearest tick", "[units]") {
  CHECK(parse_duration_ticks("1.4ns", nullptr) == 1);
  CHECK(parse_duration_ticks("1.6ns", nullptr) == 2);
  CHECK(parse_duration_ticks("0.1s", nullptr) == 100'000'000);
}

TEST_CASE("one space may separate a number from its unit, not two", "[units]") {
  CHECK(parse_duration_ticks("45 s", nullptr) == 45'000'000'000);
  CHECK(duration_error("45  s") == "expected a duration like \"12s\", got \"45  s\"");
  CHECK(duration_error("45 ") == "expected a duration like \"12s\", got \"45 \"");
}

TEST_CASE("a duration with an unknown unit or no number is rejected", "[units]") {
  CHECK(duration_error("fast") == "expected a duration like \"12s\", got \"fast\"");
  CHECK(duration_error("12sec") == "expected a duration like \"12s\", got \"12sec\"");
  CHECK(duration_error("12S") == "expected a duration like \"12s\", got \"12S\"");
  CHECK(duration_error("") == "expected a duration like \"12s\", got \"\"");
  CHECK(duration_error("s") == "expected a duration like \"12s\", got \"s\"");
}

TEST_CASE("negative durations are rejected, negative zero too", "[units]") {
  CHECK(duration_error("-5s") == "expected a duration >= 0, got \"-5s\"");
  CHECK(duration_error("-0") == "expected a duration >= 0, got \"-0\"");
  CHECK(parse_duration_ticks("+5s", nullptr) == 5'000'000'000);
}

TEST_CASE("durations above 100 years are rejected", "[units]") {
  CHECK(parse_duration_ticks("36500d", nullptr) == 36500 * 86'400'000'000'000);
  CHECK(duration_error("36501d") == "expected a duration of at most 100 years, got \"36501d\"");
  CHECK(duration_error("1e999s") == "expected a duration of at most 100 years, got \"1e999s\"");
}

TEST_CASE("non-finite durations are rejected", "[units]") {
  CHECK(duration_error(".inf") == "expected a finite duration, got \".inf\"");
  CHECK(duration_error("-.inf") == "expected a finite duration, got \"-.inf\"");
  CHECK(duration_error(".nan") == "expected a finite duration, got \".nan\"");
  CHECK(duration_error("inf") == "expected a finite duration, got \"inf\"");
}

TEST_CASE("hex, digit separators and a lone exponent are not numbers", "[units]") {
  CHECK(duration_error("0x10s") == "expected a duration like \"12s\", got \"0x10s\"");
  CHECK(duration_error("1_000") == "expected a duration like \"12s\", got \"1_000\"");
  CHECK(duration_error("1e") == "expected a duration like \"12s\", got \"1e\"");
  std::string error;
  CHECK_FALSE(parse_number("0x10", &error));
  CHECK(error == "expected a number, got \"0x10\"");
}

TEST_CASE("a size is in bytes, with decimal and binary units", "[units]") {
  CHECK(parse_size_bytes("1500B", nullptr) == 1500.0);
  CHECK(parse_size_bytes("1500", nullptr) == 1500.0);
  CHECK(parse_size_bytes("2kB", nullptr) == 2000.0);
  CHECK(parse_size_bytes("2KiB", nullptr) == 2048.0);
  CHECK(parse_size_bytes("2MB", nullptr) == 2e6);
  CHECK(parse_size_bytes("1MiB", nullptr) == 1048576.0);
  CHECK(parse_size_bytes("1GB", nullptr) == 1e9);
  CHECK(parse_size_bytes("1GiB", nullptr) == 1073741824.0);
}

TEST_CASE("a bad size says what a size looks like", "[units]") {
  std::string error;
  CHECK_FALSE(parse_size_bytes("2kb", &error));
  CHECK(error == "expected a size like \"1500B\" or \"2MB\", got \"2kb\"");
  CHECK_FALSE(parse_size_bytes("2PB", &error));
  CHECK_FALSE(parse_size_bytes("2000000GB", &error));
  CHECK(error == "expected a size of at most 1 PB, got \"2000000GB\"");
}

TEST_CASE("a rate in bits per second is an eighth of the same rate in bytes", "[units]") {
  CHECK(parse_rate_bytes_per_second("100Mbps", nullptr) == 1.25e7);
  CHECK(parse_rate_bytes_per_second("1Gbps", nullptr) == 1.25e8);
  CHECK(parse_rate_bytes_per_second("10kbps", nullptr) == 1250.0);
  CHECK(parse_rate_bytes_per_second("8bps", nullptr) == 1.0);
  CHECK(parse_rate_bytes_per_second("10MBps", nullptr) == 1e7);
  CHECK(parse_rate_bytes_per_second("3kBps", nullptr) == 3000.0);
  CHECK(parse_rate_bytes_per_second("1GBps", nullptr) == 1e9);
  CHECK(parse_rate_bytes_per_second("5Bps", nullptr) == 5.0);
}

TEST_CASE("a rate needs a unit, because bits and bytes are easily confused", "[units]") {
  std::string error;
  CHECK_FALSE(parse_rate_bytes_per_second("100", &error));
  CHECK(error == "expected a rate like \"100Mbps\" or \"10MBps\", got \"100\"");
}

TEST_CASE("a frequency is a count per unit of time, in events per hour", "[units]") {
  CHECK(parse_frequency_per_hour("50/h", nullptr) == 50.0);
  CHECK(parse_frequency_per_hour("0.5/min", nullptr) == 30.0);
  CHECK(parse_frequency_per_hour("2 /s", nullptr) == 7200.0);
  CHECK(parse_frequency_per_hour("48/d", nullptr) == 2.0);
  std::string error;
  CHECK_FALSE(parse_frequency_per_hour("50", &error));
  CHECK(error == "expected a frequency like \"50/h\" or \"0.8/min\", got \"50\"");
  CHECK_FALSE(parse_frequency_per_hour("50/hour", &error));
  CHECK_FALSE(parse_frequency_per_hour("-1/h", &error));
  CHECK(error == "expected a frequency >= 0, got \"-1/h\"");
}

TEST_CASE("integers are decimal, whole and in range", "[units]") {
  std::string error;
  CHECK(parse_integer("42", 0, 100, &error) == 42);
  CHECK(parse_integer("1e3", 0, 10000, &error) == 1000);
  CHECK(parse_integer("2.0", 0, 10, &error) == 2);
  CHECK_FALSE(parse_integer("2.5", 1, 10, &error));
  CHECK(error == "expected an integer, got \"2.5\"");
  CHECK_FALSE(parse_integer("1e12", 1, 10000, &error));
  CHECK(error == "expected an integer from 1 to 10000, got \"1e12\"");
  CHECK_FALSE(parse_integer("two", 1, 10, &error));
  CHECK(error == "expected an integer, got \"two\"");
  CHECK_FALSE(parse_integer("0x10", 0, 100, &error));
  CHECK(error == "expected an integer, got \"0x10\"");
  CHECK_FALSE(parse_integer(".inf", 0, 100, &error));
  CHECK(error == "expected an integer, got \".inf\"");
}

TEST_CASE("integers cover the whole int64 range and no more", "[units]") {
  constexpr auto MIN = std::numeric_limits<std::int64_t>::min();
  constexpr auto MAX = std::numeric_limits<std::int64_t>::max();
  std::string error;
  CHECK(parse_integer("9223372036854775807", MIN, MAX, &error) == MAX);
  CHECK(parse_integer("-9223372036854775808", MIN, MAX, &error) == MIN);
  CHECK_FALSE(parse_integer("9223372036854775808", MIN, MAX, &error));
  CHECK_FALSE(parse_integer("99999999999999999999999", 0, MAX, &error));
  CHECK(error == "expected an integer from 0 to 9223372036854775807, got \"99999999999999999999999\"");
  CHECK_FALSE(parse_integer("9.3e18", 0, MAX, &error));
}

TEST_CASE("negative zero is below a lower bound of zero", "[units]") {
  std::string error;
  CHECK_FALSE(parse_integer("-0", 0, 10, &error));
  CHECK(error == "expected an integer from 0 to 10, got \"-0\"");
  CHECK(parse_integer("-0", -5, 5, &error) == 0);
}

TEST_CASE("numbers are finite decimals", "[units]") {
  std::string error;
  CHECK(parse_number(".5", &error) == 0.5);
  CHECK(parse_number("5.", &error) == 5.0);
  CHECK(parse_number("-2.5e-3", &error) == -0.0025);
  CHECK(parse_number("1e-999", &error) == 0.0);
  CHECK_FALSE(parse_number("1e999", &error));
  CHECK(error == "expected a finite number, got \"1e999\"");
  CHECK_FALSE(parse_number(".nan", &error));
  CHECK(error == "expected a finite number, got \".nan\"");
  CHECK_FALSE(parse_number("12 ", &error));
  CHECK(error == "expected a number, got \"12 \"");
}

TEST_CASE("parse_duration_text reads what --horizon and --warmup take", "[units]") {
  std::string error;
  CHECK(parse_duration_text("24h", &error) == 24 * 3'600'000'000'000);
  CHECK_FALSE(parse_duration_text("soon", &error));
  CHECK(error == "expected a duration like \"12s\", got \"soon\"");
}
