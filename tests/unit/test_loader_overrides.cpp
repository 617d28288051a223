// --set PATH=VALUE: applied to the YAML before typed reading, errors located in the override.

#include <catch2/catch.hpp>

#include "scenario/loader.hpp"
#include "test_loader_support.hpp"

using namespace plantwin::scenario;
using namespace plantwin::scenario::testing;
using plantwin::kernel::Distribution;
using plantwin::kernel::TICKS_PER_SECOND;

namespace {

std::vector<Override> sets(std::initializer_list<const char*> texts) {
  std::vector<Override> out;
  for (const char* t : texts) out.push_back(parse_override(t).value());
  return out;
}

/// MINIMAL with a second station `aoi` on the route.
const std::string TWO_STATIONS =
    edit(MINIMAL, "[printer]", "[printer, aoi]") + "  - id: aoi\n    process: 10s\n";

}  // namespace

TEST_CASE("parse_override splits at the first '='", "[loader][overrides]") {
  const auto o = parse_override("stations.reflow.servers=2");
  REQUIRE(o);
  CHECK(o->path == "stations.reflow.servers");
  CHECK(o->value == "2");
  CHECK_FALSE(o->origin);
  CHECK(parse_override("name=a=b")->value == "a=b");
  CHECK(parse_override("name=")->value.empty());
  CHECK_FALSE(parse_override("name"));
  CHECK_FALSE(parse_override("=2"));
}

TEST_CASE("an override names a list item by its id", "[loader][overrides]") {
  const auto result = load(TWO_STATIONS, sets({"stations.aoi.servers=2"}));
  INFO(result.diagnostics.format_all());
  REQUIRE(result.spec);
  CHECK(result.spec->stations[0].params.servers == 1);
  CHECK(result.spec->stations[1].params.servers == 2);
}

TEST_CASE("an override of a top-level key replaces it", "[loader][overrides]") {
  const auto result = load(MINIMAL, sets({"horizon=24h", "seed=7"}));
  REQUIRE(result.spec);
  CHECK(result.spec->horizon == 24 * 3600 * TICKS_PER_SECOND);
  CHECK(result.spec->seed == 7);
}

TEST_CASE("an override creates missing keys, and maps on the way", "[loader][overrides]") {
  const auto result = load(MINIMAL, sets({"stations.printer.buffer=3", "stations.printer.failures.mtbf=8h",
                                          "stations.printer.failures.mttr=5min"}));
  INFO(result.diagnostics.format_all());
  REQUIRE(result.spec);
  CHECK(result.spec->stations[0].params.buffer == 3);
  REQUIRE(result.spec->stations[0].params.failures);
  CHECK(result.spec->stations[0].params.failures->time_to_failure == Distribution::constant(8 * 3600));
}

TEST_CASE("an override value is YAML: a map or a list", "[loader][overrides]") {
  const auto result = load(TWO_STATIONS, sets({"sources.src.interarrival={dist: exponential, mean: 30s}",
                                               "products.board.route=[aoi]", "stations.printer.process=5s"}));
  INFO(result.diagnostics.format_all());
  REQUIRE_FALSE(result.spec);  // printer is now on no route
  CHECK(result.diagnostics.first_error() == "x.yaml:12:5: error: stations[0]: station 'printer' is on no product's route");
  const auto ok = load(TWO_STATIONS, sets({"sources.src.interarrival={dist: exponential, mean: 30s}",
                                           "products.board.route=[aoi, printer]"}));
  REQUIRE(ok.spec);
  CHECK(ok.spec->sources[0].interarrival == Distribution::exponential(30));
  CHECK(stations_of(ok.spec->products[0]) == std::vector<std::string>{"aoi", "printer"});
}

TEST_CASE("an override reaches into a distribution", "[loader][overrides]") {
  const auto result = load(edit(MINIMAL, "interarrival: 40s", "interarrival: {dist: exponential, mean: 40s}"),
                           sets({"sources.src.interarrival.mean=30s"}));
  REQUIRE(result.spec);
  CHECK(result.spec->sources[0].interarrival == Distribution::exponential(30));
}

TEST_CASE("an override names an item of a plain list by index", "[loader][overrides]") {
  const auto result = load(TWO_STATIONS, sets({"products.board.route.1=printer", "products.board.route.0=aoi"}));
  REQUIRE(result.spec);
  CHECK(stations_of(result.spec->products[0]) == std::vector<std::string>{"aoi", "printer"});
  CHECK(first_error(TWO_STATIONS, sets({"products.board.route.5=aoi"})) ==
        "--set[1]:1:22: error: no index 5 in 'products.board.route', which has 2 item(s)");
}

TEST_CASE("a bad override value is located in the override", "[loader][overrides]") {
  // The value starts at column path.size() + 2.
  CHECK(first_error(MINIMAL, sets({"stations.printer.servers=two"})) ==
        "--set[1]:1:26: error: stations[0].servers: expected an integer, got \"two\"");
  CHECK(first_error(MINIMAL, sets({"sources.src.interarrival={dist: exponential, mean: soon}"})) ==
        "--set[1]:1:52: error: sources[0].interarrival.mean: expected a duration like \"12s\", got \"soon\"");
  CHECK(first_error(MINIMAL, sets({"stations.printer.servers="})) ==
        "--set[1]:1:26: error: stations[0].servers: expected an integer, got nothing");
}

TEST_CASE("overrides are numbered from 1 in the order given", "[loader][overrides]") {
  const auto result = load(MINIMAL, sets({"horizon=1h", "stations.printer.servers=0"}));
  CHECK(result.diagnostics.first_error() ==
        "--set[2]:1:26: error: stations[0].servers: expected an integer from 1 to 10000, got \"0\"");
}

TEST_CASE("a reference in an override is checked like one in the file", "[loader][overrides]") {
  // Once: printer is then on no route, but that is the same mistake.
  CHECK(load(MINIMAL, sets({"products.board.route=[printr]"})).diagnostics.format_all() ==
        "--set[1]:1:23: error: products[0].route[0]: unknown station 'printr' (did you mean 'printer'?)\n");
  CHECK(load(TWO_STATIONS, sets({"products.board.route.1=ao"})).diagnostics.format_all() ==
        "--set[1]:1:24: error: products[0].route[1]: unknown station 'ao' (did you mean 'aoi'?)\n");
}

TEST_CASE("an unknown id in an override path gets did-you-mean", "[loader][overrides]") {
  CHECK(first_error(MINIMAL, sets({"stations.printr.servers=2"})) ==
        "--set[1]:1:10: error: no station 'printr' in stations (did you mean 'printer'?)");
}

TEST_CASE("an override of a key the schema does not know is an unknown key", "[loader][overrides]") {
  CHECK(first_error(MINIMAL, sets({"stations.printer.sevrers=2"})) ==
        "--set[1]:1:18: error: stations[0]: unknown key 'sevrers' (did you mean 'servers'?)");
  CHECK(first_error(MINIMAL, sets({"horizn=1h"})) == "--set[1]:1:1: error: unknown key 'horizn' (did you mean 'horizon'?)");
}

TEST_CASE("an override cannot walk into a scalar", "[loader][overrides]") {
  CHECK(first_error(MINIMAL, sets({"stations.printer.process.mean=40s"})) ==
        "--set[1]:1:26: error: cannot set 'mean' in 'stations.printer.process': it is \"30s\", not a map or a list");
}

TEST_CASE("an override path has no empty names", "[loader][overrides]") {
  CHECK(first_error(MINIMAL, sets({"stations..servers=2"})) ==
        "--set[1]:1:10: error: empty name in the path 'stations..servers'");
}

TEST_CASE("an override value with a YAML error is located in the override", "[loader][overrides]") {
  CHECK(first_error(MINIMAL, sets({"name=[a"})) == "--set[1]:1:8: error: invalid YAML: end of sequence flow not found");
  CHECK(first_error(MINIMAL, sets({"name='x"})) == "--set[1]:1:6: error: unterminated quoted string");
}

TEST_CASE("an override through an alias changes only that use", "[loader][overrides]") {
  const std::string text = edit(edit(TWO_STATIONS, "process: 30s", "process: &p {dist: exponential, mean: 30s}"),
                                "process: 10s", "process: *p");
  const auto result = load(text, sets({"stations.aoi.process.mean=40s"}));
  INFO(result.diagnostics.format_all());
  REQUIRE(result.spec);
  CHECK(result.spec->stations[0].process == Distribution::exponential(30));
  CHECK(result.spec->stations[1].process == Distribution::exponential(40));
}

TEST_CASE("an override with an origin is located there", "[loader][overrides]") {
  Override o = parse_override("stations.printer.servers=two").value();
  o.origin = Mark{"check.yaml", 7, 3};
  CHECK(first_error(MINIMAL, {o}) == "check.yaml:7:3: error: stations[0].servers: expected an integer, got \"two\"");
  o = parse_override("stations.printr.servers=2").value();
  o.origin = Mark{"check.yaml", 8, 3};
  CHECK(first_error(MINIMAL, {o}) == "check.yaml:8:3: error: no station 'printr' in stations (did you mean 'printer'?)");
}

TEST_CASE("errors in the file come before errors in overrides", "[loader][overrides]") {
  const auto result = load(edit(MINIMAL, "horizon: 8h", "horizon: 8x"), sets({"stations.printer.servers=two"}));
  CHECK(result.diagnostics.format_all() ==
        "x.yaml:3:10: error: horizon: expected a duration like \"12s\", got \"8x\"\n"
        "--set[1]:1:26: error: stations[0].servers: expected an integer, got \"two\"\n");
}
