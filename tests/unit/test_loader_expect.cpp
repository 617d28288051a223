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
  CHECK(scenario.spec->stations[0].params.servers == 2);
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
        "e.yaml:2:27: error: expect.throughput_per_h.min: 'throughput_per_h' is per hour: expected a finite "
        "frequency, got \".inf\"");
  CHECK(expect_error("expect:\n  wip: {min: .inf}\n") ==
        "e.yaml:2:14: error: expect.wip.min: 'wip' has no unit: expected a finite number, got \".inf\"");
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

TEST_CASE("a bound may ask for confidence: the interval at that level must lie within it", "[loader][expect]") {
  const auto result = load_expect_text("expect:\n  orders.on_time: {min: 0.6, confidence: 0.95}\n", "e.yaml");
  REQUIRE(result.spec);
  REQUIRE_FALSE(result.diagnostics.has_errors());
  REQUIRE(result.spec->expectations.size() == 1);
  CHECK(result.spec->expectations[0].confidence == 0.95);
  CHECK(result.spec->expectations[0].confidence_mark.line == 2);
  CHECK(result.spec->expectations[0].confidence_mark.column == 42);
  CHECK(expect_error("expect:\n  wip: {max: 3, confidence: 95}\n") ==
        "e.yaml:2:29: error: expect.wip.confidence: expected a number from 0.5 to 0.9999, got \"95\"");
  CHECK(expect_error("expect:\n  wip: {confidence: 0.9}\n") ==
        "e.yaml:2:8: error: expect.wip: an expectation needs `min`, `max` or both");
}

TEST_CASE("a bound takes the unit its KPI's name gives it", "[loader][expect]") {
  const auto result = load_expect_text("expect:\n"
                                       "  lead_time_s: {max: 2h}\n"
                                       "  lead_time_s.p95: {max: 90min}\n"
                                       "  orders.by_order.MB-1.done_s: {max: 1d}\n"
                                       "  throughput_per_h: {min: 0.5/min}\n"
                                       "  products.board.throughput_per_h: {min: 1200/d}\n"
                                       "  wip: {max: 30}\n"
                                       "  links.radio.sent_bytes: {max: 2MB}\n"
                                       "  links.radio.carried_bytes_per_s: {max: 100Mbps}\n",
                                       "e.yaml");
  INFO(result.diagnostics.format_all());
  REQUIRE_FALSE(result.diagnostics.has_errors());
  const auto& e = result.spec->expectations;
  REQUIRE(e.size() == 8);
  CHECK(e[0].max == 7200.0);
  CHECK(e[1].max == 5400.0);
  CHECK(e[2].max == 86400.0);
  CHECK(e[3].min == 30.0);
  CHECK(e[4].min == 50.0);
  CHECK(e[5].max == 30.0);
  CHECK(e[6].max == 2e6);
  CHECK(e[7].max == 1.25e7);
}

TEST_CASE("a unit on a unitless KPI, or the wrong kind of unit, is a located error", "[loader][expect]") {
  CHECK(expect_error("expect:\n  stations.aoi.utilization: {max: 80%}\n") ==
        "e.yaml:2:35: error: expect.stations.aoi.utilization.max: 'stations.aoi.utilization' has no unit: expected a "
        "number, got \"80%\"");
  CHECK(expect_error("expect:\n  lead_time_s: {max: 2MB}\n") ==
        "e.yaml:2:22: error: expect.lead_time_s.max: 'lead_time_s' is in seconds: expected a duration like \"12s\", "
        "got \"2MB\"");
  CHECK(expect_error("expect:\n  throughput_per_h: {min: 50}\n  completed: {min: 2h}\n") ==
        "e.yaml:3:20: error: expect.completed.min: 'completed' has no unit: expected a number, got \"2h\"");
  CHECK(expect_error("expect:\n  fleets.agv.distance_m: {max: 2km}\n") ==
        "e.yaml:2:32: error: expect.fleets.agv.distance_m.max: 'fleets.agv.distance_m' is in metres: expected a "
        "number, got \"2km\"");
  CHECK(expect_error("expect:\n  throughput_per_h: {min: 50/hour}\n") ==
        "e.yaml:2:27: error: expect.throughput_per_h.min: 'throughput_per_h' is per hour: expected a frequency like "
        "\"50/h\" or \"0.8/min\", got \"50/hour\"");
  // min <= max holds after the units: 1h is not below 30min... it is above.
  CHECK(expect_error("expect:\n  lead_time_s: {min: 1h, max: 30min}\n") ==
        "e.yaml:2:31: error: expect.lead_time_s.max: max \"30min\" is below min \"1h\"");
}

TEST_CASE("the unit of a KPI path comes from its name", "[loader][expect]") {
  CHECK(kpi_unit("lead_time_s") == KpiUnit::SECONDS);
  CHECK(kpi_unit("lead_time_s.p95") == KpiUnit::SECONDS);
  CHECK(kpi_unit("flows.x.latency_s.p99") == KpiUnit::SECONDS);
  CHECK(kpi_unit("horizon_s") == KpiUnit::SECONDS);
  CHECK(kpi_unit("arms.a.cycles_per_h") == KpiUnit::PER_HOUR);
  CHECK(kpi_unit("fleets.agv.by_vehicle.0.distance_m") == KpiUnit::METRES);
  CHECK(kpi_unit("x.sent_bytes") == KpiUnit::BYTES);
  CHECK(kpi_unit("x.rate_bytes_per_s") == KpiUnit::BYTES_PER_SECOND);
  CHECK(kpi_unit("stations.s.utilization") == KpiUnit::NONE);
  CHECK(kpi_unit("p95") == KpiUnit::NONE);
  CHECK(kpi_unit("stations.p95.queue") == KpiUnit::NONE);
}

TEST_CASE("baseline settings are read with their KPIs' own", "[loader][expect]") {
  const auto result = load_expect_text("baseline:\n"
                                       "  tolerance: 0.05\n"
                                       "  confidence: 0.99\n"
                                       "  kpis:\n"
                                       "    lead_time_s: {tolerance: 0.1, absolute: 5min}\n"
                                       "    stations.aoi.utilization: {direction: higher}\n"
                                       "    wip: {direction: none}\n",
                                       "e.yaml");
  INFO(result.diagnostics.format_all());
  REQUIRE_FALSE(result.diagnostics.has_errors());
  REQUIRE(result.spec->baseline);
  const BaselineSpec& b = *result.spec->baseline;
  CHECK(b.tolerance == 0.05);
  CHECK(b.confidence == 0.99);
  REQUIRE(b.kpis.size() == 3);
  CHECK(b.kpis[0].kpi == "lead_time_s");
  CHECK(b.kpis[0].tolerance == 0.1);
  CHECK(b.kpis[0].absolute == 300.0);
  CHECK(b.kpis[1].direction == Direction::HIGHER);
  CHECK(b.kpis[2].direction == Direction::NONE);
  // Every KPI path of the file is kept for the CLI to resolve; baseline ones need values.
  REQUIRE(result.spec->paths.size() == 3);
  CHECK(result.spec->paths[0].where == "baseline.kpis");
  CHECK(result.spec->paths[0].needs_values);
  CHECK(BaselineSpec{}.tolerance == 0.02);
  CHECK(BaselineSpec{}.confidence == 0.95);
}

TEST_CASE("bad baseline settings are located errors", "[loader][expect]") {
  CHECK(expect_error("baseline:\n  tolerance: 2%\n") ==
        "e.yaml:2:14: error: baseline.tolerance: expected a number, got \"2%\"");
  CHECK(expect_error("baseline:\n  kpis:\n    wip: {direction: down}\n") ==
        "e.yaml:3:22: error: baseline.kpis.wip.direction: expected higher, lower or none, got \"down\"");
  CHECK(expect_error("baseline:\n  kpis:\n    wip: {}\n") ==
        "e.yaml:3:10: error: baseline.kpis.wip: give `tolerance`, `absolute` or `direction`");
  CHECK(expect_error("baseline:\n  kpis:\n    lead_time_s: {absolute: -5s}\n") ==
        "e.yaml:3:29: error: baseline.kpis.lead_time_s.absolute: 'lead_time_s' is in seconds: expected a duration "
        ">= 0, got \"-5s\"");
  CHECK(expect_error("baseline:\n  tolerence: 0.1\n") ==
        "e.yaml:2:3: error: baseline: unknown key 'tolerence' (did you mean 'tolerance'?)");
}

TEST_CASE("a file with errors still gives every result path it names", "[loader][expect]") {
  // A bad value must not hide a misspelt path: the CLI resolves these in the same pass.
  const auto result =
      load_expect_text("expect:\n  throughput_per_h: {min: fast}\n  stations.reflow.utilisation: {max: 0.9}\n", "e.yaml");
  CHECK(result.diagnostics.has_errors());
  REQUIRE(result.spec);
  REQUIRE(result.spec->paths.size() == 2);
  CHECK(result.spec->paths[1].kpi == "stations.reflow.utilisation");
  CHECK(result.spec->paths[1].mark.line == 3);
  CHECK(result.spec->expectations.size() == 1);  // the valid one
}
