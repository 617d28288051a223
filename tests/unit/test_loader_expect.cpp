// Expectation files for `plantwin check`.

#include <catch2/catch.hpp>

#include "scenario/loader.hpp"
#include "test_loader_support.hpp"

using namespace plantwin::scenario;
using namespace plantwin::scenario::testing;

namespace {

const std::string EXPECT = R"(expect:
  throughput_per_h: {min: 100}
  lead_time_s.p95: {max: 3600}
  orders.on_time: {min: 0.95}
  stations.reflow.utilization: {min: 0.1, max: 0.9}
fingerprint: 9f3a0c1d2e3f4a5b
seed: 7
replications: 5
set:
  stations.printer.servers: 2
  sources.src.interarrival: {dist: exponential, mean: 30s}
)";

std::string expect_error(std::string_view text) { return load_expect_text(text, "e.yaml").diagnostics.first_error(); }

}  // namespace

TEST_CASE("an expectation file is read completely", "[loader][expect]") {
  const auto result = load_expect_text(EXPECT, "e.yaml");
  INFO(result.diagnostics.format_all());
  REQUIRE(result.spec);
  const ExpectSpec& spec = *result.spec;
  CHECK(spec.file == "e.yaml");
  REQUIRE(spec.expectations.size() == 4);
  CHECK(spec.expectations[0].kpi == "throughput_per_h");
  CHECK(spec.expectations[0].min == 100.0);
  CHECK_FALSE(spec.expectations[0].max);
  CHECK(spec.expectations[1].kpi == "lead_time_s.p95");
  CHECK(spec.expectations[1].max == 3600.0);
  CHECK(spec.expectations[3].kpi == "stations.reflow.utilization");
  CHECK(spec.expectations[3].min == 0.1);
  CHECK(spec.expectations[3].max == 0.9);
  CHECK(spec.expectations[3].mark.line == 5);
  CHECK(spec.expectations[3].mark.column == 3);
  CHECK(spec.fingerprint == "9f3a0c1d2e3f4a5b");
  CHECK(spec.fingerprint_mark.line == 6);
  CHECK(spec.seed == 7u);
  CHECK(spec.replications == 5);
}

TEST_CASE("the set entries of an expectation file become overrides located in it", "[loader][expect]") {
  const auto result = load_expect_text(EXPECT, "e.yaml");
  REQUIRE(result.spec);
  const auto& set = result.spec->set;
  REQUIRE(set.size() == 2);
  CHECK(set[0].path == "stations.printer.servers");
  CHECK(set[0].value == "2");
  REQUIRE(set[0].origin);
  CHECK(set[0].origin->file == "e.yaml");
  CHECK(set[0].origin->line == 10);
  CHECK(set[0].origin->column == 29);
  CHECK(set[1].value == "{dist: exponential, mean: 30s}");
  const auto scenario = load(MINIMAL, set);
  INFO(scenario.diagnostics.format_all());
  REQUIRE(scenario.spec);
  CHECK(scenario.spec->stations[0].servers == 2);
}

TEST_CASE("an error in a set value is located in the expectation file", "[loader][expect]") {
  const auto expect = load_expect_text("fingerprint: 0123456789abcdef\nset:\n  stations.printer.servers: two\n", "e.yaml");
  REQUIRE(expect.spec);
  CHECK(load(MINIMAL, expect.spec->set).diagnostics.first_error() ==
        "e.yaml:3:29: error: stations[0].servers: expected an integer, got \"two\"");
}

TEST_CASE("a set value with quotes and special characters survives the round trip", "[loader][expect]") {
  const auto expect = load_expect_text("fingerprint: 0123456789abcdef\nset:\n  name: \"a: \\\"b\\\" # c\"\n", "e.yaml");
  REQUIRE(expect.spec);
  const auto scenario = load(MINIMAL, expect.spec->set);
  REQUIRE(scenario.spec);
  CHECK(scenario.spec->name == "a: \"b\" # c");
}

TEST_CASE("a set value that an alias bomb inflates is refused", "[loader][expect]") {
  std::string text = "fingerprint: 0123456789abcdef\nx: &l0 [aaaaaaaaaa, aaaaaaaaaa, aaaaaaaaaa, aaaaaaaaaa]\n";
  for (int level = 1; level < 8; ++level) {
    const std::string n = std::to_string(level), p = "*l" + std::to_string(level - 1);
    text += "x";
    text += n;
    text += ": &l";
    text += n;
    text += " [";
    for (int i = 0; i < 4; ++i) text += (i ? ", " : "") + p;
    text += "]\n";
  }
  text += "set:\n  name: *l7\n";
  const auto result = load_expect_text(text, "e.yaml");
  CHECK(result.diagnostics.first_error() == "e.yaml:2:1: error: unknown key 'x'");
  REQUIRE(result.diagnostics.items().size() == 9);
  CHECK(result.diagnostics.items()[8].format() == "e.yaml:9:5: error: set.name: value too large (more than 65536 bytes as YAML)");
}

TEST_CASE("an expectation needs min or max, with min <= max", "[loader][expect]") {
  CHECK(expect_error("expect:\n  throughput_per_h: {}\n") ==
        "e.yaml:2:21: error: expect.throughput_per_h: an expectation needs `min`, `max` or both");
  CHECK(expect_error("expect:\n  throughput_per_h: {min: 2, max: 1}\n") ==
        "e.yaml:2:35: error: expect.throughput_per_h.max: max \"1\" is below min \"2\"");
  CHECK(expect_error("expect:\n  throughput_per_h: {mni: 2}\n") ==
        "e.yaml:2:22: error: expect.throughput_per_h: unknown key 'mni' (did you mean 'min'?)");
  CHECK(expect_error("expect:\n  throughput_per_h: {min: .inf}\n") ==
        "e.yaml:2:27: error: expect.throughput_per_h.min: expected a finite number, got \".inf\"");
  CHECK(expect_error("expect:\n  throughput_per_h: 100\n") ==
        "e.yaml:2:21: error: expect.throughput_per_h: expected a map with min, max or both, got \"100\"");
}

TEST_CASE("an expectation key is a dotted path", "[loader][expect]") {
  CHECK(expect_error("expect:\n  stations..utilization: {max: 1}\n") ==
        "e.yaml:2:3: error: expect: expected a result path like 'stations.reflow.utilization', got "
        "'stations..utilization'");
}

TEST_CASE("an expectation file is as strict as a scenario", "[loader][expect]") {
  CHECK(expect_error("expcet:\n  throughput_per_h: {min: 1}\n") ==
        "e.yaml:1:1: error: unknown key 'expcet' (did you mean 'expect'?)");
  CHECK(expect_error("fingerprint: 0123456789abcdef\nseed: 1\nseed: 2\n") ==
        "e.yaml:3:1: error: duplicate key 'seed' (first at line 2)");
  CHECK(expect_error("fingerprint: 0123456789abcdef\nreplications: 0\n") ==
        "e.yaml:2:15: error: replications: expected an integer from 1 to 100000, got \"0\"");
  CHECK(expect_error("") == "e.yaml:1:1: error: empty document");
}

TEST_CASE("a fingerprint is 16 lowercase hex digits", "[loader][expect]") {
  CHECK(expect_error("fingerprint: 9F3A0C1D2E3F4A5B\n") ==
        "e.yaml:1:14: error: fingerprint: expected 16 lowercase hexadecimal digits, got \"9F3A0C1D2E3F4A5B\"");
  CHECK(expect_error("fingerprint: 9f3a\n") ==
        "e.yaml:1:14: error: fingerprint: expected 16 lowercase hexadecimal digits, got \"9f3a\"");
}

TEST_CASE("an expectation file with nothing to check is an error", "[loader][expect]") {
  CHECK(expect_error("seed: 3\n") == "e.yaml:1:1: error: nothing to check: give `expect`, `fingerprint` or both");
}
