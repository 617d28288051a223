// What a file can ask for, and text that means something else than it shows: every case is a
// located error (or, for old Mac line ends, a file read as meant), quickly.

#include <catch2/catch.hpp>

#include <string>

#include "models/plant.hpp"
#include "scenario/builder.hpp"
#include "scenario/loader.hpp"
#include "test_loader_support.hpp"

using namespace plantwin;
using namespace plantwin::scenario;
using namespace plantwin::scenario::testing;

namespace {

/// One product through `n` stations s0 .. s{n-1}.
std::string line_of(int n) {
  std::string text = "plantwin: 1\nname: long\nhorizon: 1h\nproducts:\n  - id: p\n    route: [";
  for (int i = 0; i < n; ++i) text += (i ? ", s" : "s") + std::to_string(i);
  text += "]\nsources: [{id: src, product: p, interarrival: 60s}]\nstations:\n";
  for (int i = 0; i < n; ++i) text += "  - {id: s" + std::to_string(i) + ", process: 1s}\n";
  return text;
}

/// A line of `n` stations, each step after the first carried by an AGV fleet on a layout of `n`
/// nodes in a row, one place per station.
std::string agv_line_of(int n) {
  std::string text = "plantwin: 1\nname: agv\nhorizon: 1h\nproducts:\n  - id: p\n    route:\n      - s0\n";
  for (int i = 1; i < n; ++i) text += "      - {station: s" + std::to_string(i) + ", via: agv}\n";
  text += "sources: [{id: src, product: p, interarrival: 60s}]\nstations:\n";
  for (int i = 0; i < n; ++i) text += "  - {id: s" + std::to_string(i) + ", process: 1s}\n";
  text += "layout:\n  nodes:\n";
  for (int i = 0; i < n; ++i) text += "    - {id: n" + std::to_string(i) + ", x: " + std::to_string(i) + ", y: 0}\n";
  text += "  segments:\n    - {path: [";
  for (int i = 0; i < n; ++i) text += (i ? ", n" : "n") + std::to_string(i);
  text += "]}\n  places:\n";
  for (int i = 0; i < n; ++i) text += "    s" + std::to_string(i) + ": n" + std::to_string(i) + "\n";
  return text + "fleets:\n  - {id: agv, vehicles: 2, speed: 1.0, home: n0}\n";
}

const std::string NETWORK_PLANT = R"(plantwin: 1
name: net
horizon: 1h
products: [{id: p, route: [a]}]
sources: [{id: s, product: p, interarrival: 60s}]
stations: [{id: a, process: 1s}]
)";

}  // namespace

TEST_CASE("a YAML tag is refused, not ignored", "[loader][hostile]") {
  struct Case {
    const char *from, *to, *at, *tag;
  };
  for (const Case& c : {Case{"name: line", "name: !!binary aGVsbG8=", "2:7", "!!binary"},
                        Case{"route: [printer]", "route: !!python/object:os.system [printer]", "6:12", "!!python/object:os.system"},
                        Case{"process: 30s", "process: !!str 30s", "13:14", "!!str"},
                        Case{"stations:", "stations: !local", "11:11", "!local"}})
    CHECK(first_error(edit(MINIMAL, c.from, c.to)) ==
          std::string("x.yaml:") + c.at + ": error: YAML tag '" + c.tag +
              "' is not supported: a scenario's values take their type from the key (remove the tag)");
}

TEST_CASE("a file whose lines end with a carriage return alone reads like one with line feeds", "[loader][hostile]") {
  // Old Mac line ends: yaml-cpp read the whole file as one line ("empty document").
  std::string cr = MINIMAL;
  for (char& c : cr)
    if (c == '\n') c = '\r';
  CHECK(load(cr).diagnostics.error_count() == 0);
  // Errors are placed as in the same file with line feeds.
  const std::string bad = edit(MINIMAL, "process: 30s", "process: 30s\n    servers: two");
  std::string bad_cr = bad;
  for (char& c : bad_cr)
    if (c == '\n') c = '\r';
  CHECK(first_error(bad_cr) == first_error(bad));
  CHECK(first_error(bad_cr) == "x.yaml:14:14: error: stations[0].servers: expected an integer, got \"two\"");
}

TEST_CASE("a name refuses C1 and bidirectional control characters and shows them escaped", "[loader][hostile]") {
  CHECK(first_error(edit(MINIMAL, "name: line", "name: \"price\\u202Etxt.exe\"")) ==
        "x.yaml:2:7: error: name: a name is one line of text, without control characters; got \"price\\u202etxt.exe\"");
  CHECK(first_error(edit(MINIMAL, "name: line", "name: \"a\\u0085b\"")) ==
        "x.yaml:2:7: error: name: a name is one line of text, without control characters; got \"a\\u0085b\"");
  CHECK(first_error(edit(MINIMAL, "name: line", "name: \"a\\u2028b\"")) ==
        "x.yaml:2:7: error: name: a name is one line of text, without control characters; got \"a\\u2028b\"");
  // Other text outside ASCII is a name like any other.
  CHECK(load(edit(MINIMAL, "name: line", "name: Ligne d'assemblage — été")).diagnostics.error_count() == 0);
}

TEST_CASE("a scenario has at most a million servers in all", "[loader][limits]") {
  std::string text = line_of(101);
  for (int i = 0; i < 101; ++i)
    text = edit(text, "{id: s" + std::to_string(i) + ", process", "{id: s" + std::to_string(i) + ", servers: 10000, process");
  CHECK(first_error(text) ==
        "x.yaml:109:25: error: stations[100].servers: the stations of a scenario have at most 1000000 servers in all; "
        "this one brings the total to 1010000");
}

TEST_CASE("a network has at most 10,000 nodes and 10,000 links, and its flows 20,000 device routes", "[loader][limits]") {
  std::string nodes = NETWORK_PLANT + "network:\n  nodes:\n    - {id: gnb, kind: cell}\n";
  for (int i = 0; i < 10'000; ++i) nodes += "    - {id: e" + std::to_string(i) + ", kind: edge}\n";
  nodes += "  links: [{id: radio, kind: 5g, cell: gnb, uplink: 100Mbps, downlink: 100Mbps, latency: 1ms}]\n";
  CHECK(first_error(nodes) ==
        "x.yaml:10009:7: error: network.nodes[10000]: a network has at most 10000 nodes; this list has 10001");

  std::string links = NETWORK_PLANT + "network:\n  nodes: [{id: sw, kind: switch}, {id: edge, kind: edge}]\n  links:\n";
  for (int i = 0; i <= 10'000; ++i)
    links += "    - {id: l" + std::to_string(i) + ", kind: wired, between: [sw, edge], bandwidth: 1Gbps, latency: 1ms}\n";
  CHECK(first_error(links) ==
        "x.yaml:10010:7: error: network.links[10000]: a network has at most 10000 links; this list has 10001");

  std::string flows = NETWORK_PLANT + R"(network:
  nodes: [{id: gnb, kind: cell}, {id: edge, kind: edge}]
  links:
    - {id: radio, kind: 5g, cell: gnb, uplink: 100Mbps, downlink: 400Mbps, latency: 5ms}
    - {id: lan, kind: wired, between: [gnb, edge], bandwidth: 10Gbps, latency: 1ms}
  attach: [{device: sensors, node: gnb, count: 4000}]
messages:
)";
  for (int i = 0; i < 6; ++i) flows += "  - {id: f" + std::to_string(i) + ", from: sensors, to: edge, size: 1kB, every: 10min}\n";
  CHECK(first_error(flows) ==
        "x.yaml:19:5: error: messages[5]: the flows of a network have at most 20000 device routes in all (a flow with a "
        "group of n devices has n); this flow brings them to 24000");
}

TEST_CASE("fleets have at most 100,000 vehicles in all", "[loader][limits]") {
  std::string text = agv_line_of(3);
  for (int i = 0; i < 10; ++i) text += "  - {id: f" + std::to_string(i) + ", vehicles: 10000, speed: 1.0, home: n0}\n";
  CHECK(first_error(text) ==
        "x.yaml:37:5: error: fleets[10]: the fleets of a scenario have at most 100000 vehicles in all; this fleet "
        "brings them to 100002");
}

TEST_CASE("a layout whose table of shortest paths would not fit is refused, quickly", "[loader][limits]") {
  // 20,000 places on 20,000 nodes: 400 million entries (4.8 GB). Checking that the vehicles reach
  // every place took 4 minutes and that table.
  const std::string text = agv_line_of(20'000);
  std::string error;
  CHECK(seconds_taken([&] { error = first_error(text); }) < 2 * A_SECOND);
  CHECK(error ==
        "x.yaml:40010:3: error: layout: the vehicles' table of shortest paths would hold 20000 destinations (places, "
        "homes and chargers) x 20000 nodes = 400000000 entries; at most 25000000 (use fewer nodes or fewer places)");
}

TEST_CASE("checking that vehicles reach 5,000 places needs no table of every pair", "[loader][limits]") {
  // Before: 5,000 runs of Dijkstra and 25 million pairs of places, seconds; now the layout's
  // strongly connected components.
  const std::string text = agv_line_of(5000);
  LoadResult result;
  CHECK(seconds_taken([&] { result = load(text); }) < A_SECOND);
  CHECK(result.diagnostics.error_count() == 0);
  // A one-way row: no vehicle can drive back, in thousands of pairs; the first 200 say enough,
  // and finding them takes no longer.
  const std::string one_way = edit(text, "]}\n  places:", "], one_way: true}\n  places:");
  CHECK(seconds_taken([&] { result = load(one_way); }) < A_SECOND);
  CHECK(result.diagnostics.error_count() == Diagnostics::MAX_ERRORS);
  CHECK(result.diagnostics.first_error() ==
        "x.yaml:8:28: error: products[0].route[1].via: fleet 'agv' cannot drive from station 's1' (node 'n1') to its "
        "home (node 'n0'): no path on the layout (check the segments and their one_way)");
}

TEST_CASE("building the plant takes time linear in its number of stations", "[loader][limits]") {
  // A linear scan per route step took 45 s for 100,000 stations before the first event.
  // Absolute times differ between an optimised and a sanitized build; the growth from n to 4n
  // does not (about 4 when linear, 16 when quadratic).
  const auto spec_of = [](int n) {
    auto loaded = load(line_of(n));
    REQUIRE(loaded.spec.has_value());
    return *loaded.spec;
  };
  const ScenarioSpec small = spec_of(5'000), large = spec_of(20'000);
  const auto build = [](const ScenarioSpec& spec) {
    const models::PlantParams params = build_plant_params(spec);
    const models::Plant plant(params, 1, 0);
  };
  build(small);  // warm up the allocator
  const double small_seconds = least_seconds_taken([&] { build(small); });
  const double large_seconds = least_seconds_taken([&] { build(large); });
  CHECK(large_seconds < 8 * small_seconds + 0.05);
}

TEST_CASE("a flow whose messages would almost never get through a lossy link is refused, unless its resends are bounded",
          "[loader][limits]") {
  // One hour (3600 s). Without `max_retransmissions` a lost message is sent again until it gets
  // through: at least (1 - s) / s lost attempts for a chance s per attempt, each followed by the
  // retransmit timeout (200ms here).
  const auto lossy = [](const std::string& loss, const std::string& flow) {
    return NETWORK_PLANT + R"(network:
  nodes: [{id: gnb, kind: cell}, {id: edge, kind: edge}]
  links:
    - {id: radio, kind: 5g, cell: gnb, uplink: 100Mbps, downlink: 400Mbps, latency: 5ms, loss: )" +
           loss + R"(, retransmit_timeout: 200ms}
    - {id: lan, kind: wired, between: [gnb, edge], bandwidth: 10Gbps, latency: 1ms}
  attach: [{device: agv, node: gnb}]
messages:
  - {id: telemetry, from: agv, to: edge, size: 1kB, every: 250ms)" +
           flow + "}\n";
  };
  // 1e7 attempts, 2e6 s of timeouts: far beyond the hour.
  CHECK(first_error(lossy("0.9999999", "")) ==
        "x.yaml:14:5: error: messages[0]: flow 'telemetry' resends a lost message until it gets through (no "
        "`max_retransmissions`), and its route crosses 'radio' (loss 0.9999999): an exchange takes 1e+07 attempts on "
        "average and waits at least 2e+06s for their retransmit timeouts, longer than a replication of 3600s (warmup + "
        "horizon): on average its messages would arrive after the run, each retried all through it. Give the flow "
        "`max_retransmissions` (a message that runs out of them is lost), or a lower loss");
  // Bounded resends: each message is given up after them.
  CHECK(load(lossy("0.9999999", ", max_retransmissions: 5")).diagnostics.error_count() == 0);
  // Up to 1e11, as docs/network.md says (the loader stopped at 1e9 until 2026-12-07).
  CHECK(load(lossy("0.5", ", max_retransmissions: 100000000000")).diagnostics.error_count() == 0);
  CHECK_THAT(first_error(lossy("0.5", ", max_retransmissions: 100000000001")), Catch::Contains("from 0 to 100000000000"));
  // The bound is the hour: 0.9999 waits 1999.8 s at least (a slow run, not refused), 0.99995 3999.8 s.
  CHECK(load(lossy("0.9999", "")).diagnostics.error_count() == 0);
  CHECK_THAT(first_error(lossy("0.99995", "")), Catch::Contains("an exchange takes 2e+04 attempts on average and waits at least 4e+03s"));
  // A reply crosses the radio again: its wait adds to the request's (2 x 1999.8 s).
  CHECK_THAT(first_error(lossy("0.9999", ", reply: 100B")),
             Catch::Contains("an exchange takes 2e+04 attempts on average and waits at least 4e+03s"));
  // From one device to another on the cell, a message crosses the radio up and down: two draws.
  const std::string d2d = edit(edit(lossy("0.995", ""), "attach: [{device: agv, node: gnb}]",
                                    "attach: [{device: agv, node: gnb}, {device: cam, node: gnb}]"),
                               "to: edge", "to: cam");
  CHECK_THAT(first_error(d2d), Catch::Contains("crosses 'radio' (loss 0.995, crossed twice, up and down): an exchange takes 4e+04 "
                                               "attempts on average and waits at least 8e+03s"));
  // A route without loss is not judged; a loss of 1 is an error of the link alone.
  CHECK(load(lossy("0", "")).diagnostics.error_count() == 0);
  CHECK(load(lossy("1", "")).diagnostics.error_count() == 1);
  // Dropped at an outage, a message does not retry for ever: with outages on the route, not judged.
  const std::string outage = ", outages: [{start: 10min, duration: 1min}]";
  CHECK(load(edit(lossy("0.9999999", ", on_outage: drop"), "retransmit_timeout: 200ms", "retransmit_timeout: 200ms" + outage))
            .diagnostics.error_count() == 0);
  CHECK(first_error(lossy("0.9999999", ", on_outage: drop")) != "");
  // An outage after the run (the hour) does not.
  CHECK(first_error(edit(lossy("0.9999999", ", on_outage: drop"), "retransmit_timeout: 200ms",
                         "retransmit_timeout: 200ms, outages: [{start: 2h, duration: 1min}]")) != "");
  CHECK(first_error(edit(lossy("0.9999999", ""), "retransmit_timeout: 200ms", "retransmit_timeout: 200ms" + outage)) != "");
}
