// The transport vocabulary's located errors: every new kind of bad input, with its message.
#include <catch2/catch.hpp>

#include <string>
#include <string_view>

#include "scenario/builder.hpp"
#include "scenario/loader.hpp"
#include "test_loader_support.hpp"

using namespace plantwin;
using namespace plantwin::scenario;
using namespace plantwin::scenario::testing;

namespace {

// A valid plant with one fleet. Lines: 6 route, 16 layout, 18-20 nodes, 22-23 segments,
// 24 places, 25 fleets, 26-31 the fleet.
const std::string CELL = R"(plantwin: 1
name: cell
horizon: 8h
products:
  - id: board
    route: [printer, {station: test, via: agv}]
sources:
  - id: src
    product: board
    interarrival: 60s
stations:
  - id: printer
    process: 30s
  - id: test
    process: 40s
layout:
  nodes:
    - {id: depot, x: 0, y: 0}
    - {id: n1, x: 10, y: 0}
    - {id: n2, x: 10, y: 20}
  segments:
    - {from: depot, to: n1}
    - {from: n1, to: n2}
  places: {printer: n1, test: n2}
fleets:
  - id: agv
    vehicles: 2
    speed: 1.2
    load: 10s
    unload: 10s
    home: depot
)";

/// CELL with `from` replaced by `to` (`from` must occur).
std::string edit(std::string_view from, std::string_view to) {
  std::string text = CELL;
  const auto at = text.find(from);
  if (at == std::string::npos) return "<edit: text not found: " + std::string(from) + ">";
  return text.replace(at, from.size(), to);
}

std::string first_error(const std::string& text, const std::vector<std::string>& sets = {}) {
  std::vector<Override> overrides;
  for (const std::string& s : sets) overrides.push_back(*parse_override(s));
  return load_scenario_text(text, "t.yaml", overrides).diagnostics.first_error();
}

std::string all_errors(const std::string& text) { return load_scenario_text(text, "t.yaml").diagnostics.format_all(); }

}  // namespace

TEST_CASE("the transport cell is valid and builds its shortest paths once", "[transport][loader]") {
  const auto loaded = load_scenario_text(CELL, "t.yaml");
  INFO(loaded.diagnostics.format_all());
  REQUIRE(loaded.spec);
  const auto& route = loaded.spec->products[0];
  CHECK(vias_of(route) == std::vector<std::string>{"", "agv"});
  const auto params = build_plant_params(*loaded.spec);
  REQUIRE(params.transport);
  CHECK(params.has_transport);
  const auto& layout = *params.transport->layout;
  CHECK(layout.node_count() == 3);
  CHECK(layout.segments[1].length == 20);
  // Targets: the two places and the home.
  CHECK(layout.paths.target_count() == 3);
  CHECK(params.transport->vias.size() == 1);
  CHECK(params.transport->vias[0].from_station == 0);
  CHECK(params.transport->vias[0].to_station == 1);
}

TEST_CASE("a plain station id in a route still means the part moves there at once", "[transport][loader]") {
  const auto loaded = load_scenario_text(edit("{station: test, via: agv}", "{station: test}"), "t.yaml");
  REQUIRE(loaded.spec);
  CHECK(stations_of(loaded.spec->products[0]) == std::vector<std::string>{"printer", "test"});
  CHECK(vias_of(loaded.spec->products[0]) == std::vector<std::string>{"", ""});
  // The fleet carries nothing: a warning, not an error.
  CHECK(loaded.diagnostics.format_all().find("warning: fleets[0]: fleet 'agv' carries no route step") != std::string::npos);
}

TEST_CASE("layout errors are located at the node or segment", "[transport][loader]") {
  CHECK(first_error(edit("to: n2}", "to: n3}")) == "t.yaml:23:22: error: layout.segments[1].to: unknown node 'n3' (did you mean 'n1'?)");
  CHECK(first_error(edit("{id: n2, x: 10, y: 20}", "{id: n1, x: 10, y: 20}")) ==
        "t.yaml:20:7: error: layout.nodes[2].id: duplicate id 'n1' (first used by the node at line 19)");
  CHECK(first_error(edit("{id: n2, x: 10, y: 20}", "{id: n2, x: 10, y: 0}")) ==
        "t.yaml:23:7: error: layout.segments[1]: segment 'n1-n2' has length 0: nodes 'n1' and 'n2' are at the same place; "
        "give it a `length`");
  CHECK(first_error(edit("{from: n1, to: n2}", "{from: n2, to: n2}")) ==
        "t.yaml:23:22: error: layout.segments[1]: a segment joins two different nodes; both ends are 'n2'");
  CHECK(first_error(edit("{id: n1, x: 10, y: 0}", "{id: n1, x: 10, y: .nan}")) ==
        "t.yaml:19:26: error: layout.nodes[1].y: expected a finite number, got \".nan\"");
  CHECK(first_error(edit("{id: n1, x: 10, y: 0}", "{id: n1, x: 10, y: 0, capacity: 0}")) ==
        "t.yaml:19:39: error: layout.nodes[1].capacity: expected an integer from 1 to 10000, got \"0\"");
  CHECK(first_error(edit("{from: n1, to: n2}", "{from: n1, to: n2, lenght: 3}")) ==
        "t.yaml:23:26: error: layout.segments[1]: unknown key 'lenght' (did you mean 'length'?)");
  CHECK(first_error(edit("{from: n1, to: n2}", "{from: n1, to: n2, length: -3}")) ==
        "t.yaml:23:34: error: layout.segments[1].length: expected a number > 0 and <= 1e+07, got \"-3\"");
}

TEST_CASE("a path of segments is checked like its segments", "[transport][loader]") {
  CHECK(first_error(edit("{from: n1, to: n2}", "{path: [n1, n2], length: 3}")) ==
        "t.yaml:23:24: error: layout.segments[1]: `length` is for one segment (from, to); the segments of a `path` take "
        "their lengths from the coordinates");
  CHECK(first_error(edit("{from: n1, to: n2}", "{path: [n1, n2], from: n1}")) ==
        "t.yaml:23:24: error: layout.segments[1]: give `from` and `to`, or `path`, not both");
  CHECK(first_error(edit("{from: n1, to: n2}", "{path: [n1]}")) ==
        "t.yaml:23:14: error: layout.segments[1].path: a path needs at least two nodes");
  CHECK(first_error(edit("{from: n1, to: n2}", "{path: [n1, n7]}")) ==
        "t.yaml:23:19: error: layout.segments[1].path[1]: unknown node 'n7' (did you mean 'n1'?)");
  const auto loaded = load_scenario_text(edit("{from: depot, to: n1}\n    - {from: n1, to: n2}", "{path: [depot, n1, n2]}"), "t.yaml");
  REQUIRE(loaded.spec);
  CHECK(loaded.spec->transport.layout->segments.size() == 2);
}

TEST_CASE("places name known stations and nodes", "[transport][loader]") {
  CHECK(first_error(edit("places: {printer: n1", "places: {printr: n1")) ==
        "t.yaml:24:12: error: layout.places: unknown station 'printr' (did you mean 'printer'?)");
  CHECK(first_error(edit("test: n2}", "test: n9}")) ==
        "t.yaml:24:31: error: layout.places.test: unknown node 'n9' (did you mean 'n1'?)");
  CHECK(first_error(edit("test: n2}", "test: n2, test: n1}")) ==
        "t.yaml:24:35: error: layout.places: duplicate key 'test' (first at line 24)");
  CHECK(first_error(edit("places: {printer: n1, test: n2}", "places: {printer: n1}")) ==
        "t.yaml:6:43: error: products[0].route[1].via: station 'test' has no place on the layout, so fleet 'agv' cannot "
        "deliver parts there (add it to layout.places)");
}

TEST_CASE("a route step's via names a fleet or a conveyor, never for the first station", "[transport][loader]") {
  CHECK(first_error(edit("via: agv}", "via: agw}")) ==
        "t.yaml:6:43: error: products[0].route[1].via: unknown fleet or conveyor 'agw' (did you mean 'agv'?)");
  CHECK(first_error(edit("route: [printer, {station: test, via: agv}]", "route: [{station: printer, via: agv}, test]")) ==
        "t.yaml:6:37: error: products[0].route[0].via: parts reach the first station of their route from their source; "
        "only later steps can be reached via a fleet or a conveyor");
  CHECK(first_error(edit("via: agv}", "via: rob}]\narms: [{id: rob, stations: [test], cycle: 5s}")) ==
        "t.yaml:6:43: error: products[0].route[1].via: 'rob' is a robot arm, which loads and unloads machines; a route "
        "step is reached via a fleet or a conveyor");
  CHECK(first_error(edit("{station: test, via: agv}", "{station: test, vai: agv}")) ==
        "t.yaml:6:38: error: products[0].route[1]: unknown key 'vai' (did you mean 'via'?)");
  CHECK(first_error(edit("{station: test, via: agv}", "{via: agv}")) ==
        "t.yaml:6:22: error: products[0].route[1]: missing required key 'station' (or 'any': a list of alternative stations)");
  CHECK(first_error(edit("{station: test, via: agv}", "{station: tset, via: agv}")) ==
        "t.yaml:6:32: error: products[0].route[1].station: unknown station 'tset' (did you mean 'test'?)");
  CHECK(first_error(edit("{station: test, via: agv}", "{station: test, via: 3agv}")) ==
        "t.yaml:6:43: error: products[0].route[1].via: expected an id (a letter or '_', then letters, digits, '_' or "
        "'-'), got \"3agv\"");
}

TEST_CASE("a place a vehicle must reach but cannot is a located error", "[transport][loader]") {
  // n1 -> n2 one-way: after delivering at test (n2) a vehicle can reach neither home nor printer.
  CHECK(all_errors(edit("{from: n1, to: n2}", "{from: n1, to: n2, one_way: true}")) ==
        "t.yaml:6:43: error: products[0].route[1].via: fleet 'agv' cannot drive from station 'test' (node 'n2') to its "
        "home (node 'depot'): no path on the layout (check the segments and their one_way)\n"
        "t.yaml:6:43: error: products[0].route[1].via: fleet 'agv' cannot drive from station 'test' (node 'n2') to "
        "station 'printer' (node 'n1'): no path on the layout (check the segments and their one_way)\n");
  // Without the segment to the depot, home cannot reach the pickup (nor test home, reported first).
  CHECK(all_errors(edit("    - {from: depot, to: n1}\n", "")).find(
            "t.yaml:30:11: error: fleets[0].home: fleet 'agv' cannot drive from its home (node 'depot') to station "
            "'printer' (node 'n1'): no path on the layout (check the segments and their one_way)\n") != std::string::npos);
  // A charger nobody can reach.
  CHECK(first_error(edit("    - {id: n2, x: 10, y: 20}", "    - {id: n2, x: 10, y: 20}\n    - {id: c, x: 50, y: 50}") +
                    "    battery: {capacity: 100, charge_rate: 1000, chargers: [c]}\n") ==
        "t.yaml:33:14: error: fleets[0].battery: fleet 'agv' cannot drive from its home (node 'depot') to any of its "
        "chargers: no path on the layout");
}

TEST_CASE("fleet errors are located at the key", "[transport][loader]") {
  CHECK(first_error(edit("home: depot", "home: dpot")) == "t.yaml:31:11: error: fleets[0].home: unknown node 'dpot' (did you mean 'depot'?)");
  CHECK(first_error(edit("speed: 1.2", "speed: 0")) == "t.yaml:28:12: error: fleets[0].speed: expected a number > 0 and <= 1000, got \"0\"");
  CHECK(first_error(edit("speed: 1.2", "sped: 1.2")) == "t.yaml:28:5: error: fleets[0]: unknown key 'sped' (did you mean 'speed'?)");
  CHECK(first_error(edit("vehicles: 2", "vehicles: 2.5")) ==
        "t.yaml:27:15: error: fleets[0].vehicles: expected an integer, got \"2.5\"");
  CHECK(first_error(edit("    home: depot\n", "")) == "t.yaml:26:5: error: fleets[0]: missing required key 'home'");
  CHECK(first_error(edit("home: depot", "home: depot\n    dispatch: nearest_idel")) ==
        "t.yaml:32:15: error: fleets[0].dispatch: expected first_request or nearest_idle, got \"nearest_idel\" (did you "
        "mean 'nearest_idle'?)");
  CHECK(first_error(edit("load: 10s", "load: {dist: exponential, mean: -1s}")) ==
        "t.yaml:29:37: error: fleets[0].load.mean: expected a duration >= 0, got \"-1s\"");
  CHECK(first_error(edit("layout:", "layot:")) == "t.yaml:16:1: error: unknown key 'layot' (did you mean 'layout'?)");
  // A fleet and a conveyor of one id: the duplicate id alone (the conveyor, never looked up by the
  // route's `via: agv`, was also said to carry no route step until 2026-12-07).
  CHECK(all_errors(edit("fleets:\n", "conveyors: [{id: agv, length: 5, speed: 1, capacity: 3}]\nfleets:\n")) ==
        "t.yaml:27:5: error: fleets[0].id: duplicate id 'agv' (first used by the conveyor at line 25)\n");
  // The same for two conveyors (the first, unused, is said to be).
  const std::string belts = edit("fleets:\n", "conveyors: [{id: belt, length: 5, speed: 1, capacity: 3},\n"
                                              "            {id: belt, length: 5, speed: 1, capacity: 3}]\nfleets:\n");
  CHECK_THAT(all_errors(belts), Catch::Contains("conveyors[0]: conveyor 'belt' carries no route step"));
  CHECK_THAT(all_errors(belts), !Catch::Contains("conveyors[1]: conveyor 'belt' carries no route step"));
  CHECK_THAT(all_errors(belts), Catch::Contains("conveyors[1].id: duplicate id 'belt' (first used by the conveyor at line 25)"));
}

TEST_CASE("a fleet without a layout is an error", "[transport][loader]") {
  std::string text = CELL;
  text.erase(text.find("layout:"), text.find("fleets:") - text.find("layout:"));
  CHECK(first_error(text) ==
        "t.yaml:17:5: error: fleets[0]: a fleet needs a layout: add `layout` with the nodes and segments its vehicles drive on");
}

TEST_CASE("battery errors are located in the battery", "[transport][loader]") {
  const auto with = [](const std::string& battery) { return edit("home: depot", "home: depot\n    battery: " + battery); };
  CHECK(first_error(with("{capacity: 100, charge_rate: 1000, chargers: [c1]}")) ==
        "t.yaml:32:60: error: fleets[0].battery.chargers[0]: unknown node 'c1' (did you mean 'n1'?)");
  CHECK(first_error(with("{capacity: 100, charge_rate: 1000, threshold: 0.9, charge_to: 0.8, chargers: [n1]}")) ==
        "t.yaml:32:60: error: fleets[0].battery.threshold: threshold 0.9 must be below charge_to 0.8: a vehicle would go "
        "back to charge at once");
  CHECK(first_error(with("{capacity: 100, charge_rate: 1000, chargers: []}")) ==
        "t.yaml:32:59: error: fleets[0].battery.chargers: expected at least one charger node");
  CHECK(first_error(with("{capacity: 0, charge_rate: 1000, chargers: [n1]}")) ==
        "t.yaml:32:25: error: fleets[0].battery.capacity: expected a number > 0 and <= 1e+12, got \"0\"");
  CHECK(first_error(with("{capacity: 100, chargers: [n1]}")) ==
        "t.yaml:32:14: error: fleets[0].battery: missing required key 'charge_rate'");
  CHECK(first_error(with("{capacity: 100, charge_rate: 1000, threshold: 1.5, chargers: [n1]}")) ==
        "t.yaml:32:60: error: fleets[0].battery.threshold: expected a number from 0 to 1, got \"1.5\"");
}

TEST_CASE("arm and conveyor errors are located in their section", "[transport][loader]") {
  const auto with = [](const std::string& section) { return edit("fleets:\n", section + "\nfleets:\n"); };
  CHECK(first_error(with("arms: [{id: rob, stations: [tset], cycle: 5s}]")) ==
        "t.yaml:25:29: error: arms[0].stations[0]: unknown station 'tset' (did you mean 'test'?)");
  CHECK(first_error(with("arms: [{id: rob, stations: [test], cycle: 5s}, {id: rob2, stations: [test], cycle: 5s}]")) ==
        "t.yaml:25:70: error: arms[1].stations[0]: station 'test' is already served by the arm 'rob' (line 25); a station "
        "has at most one arm");
  // Two arms of one id: the duplicate id alone, not also that the station is served twice.
  CHECK(all_errors(with("arms: [{id: rob, stations: [test], cycle: 5s}, {id: rob, stations: [test], cycle: 5s}]")) ==
        "t.yaml:25:48: error: arms[1].id: duplicate id 'rob' (first used by the arm at line 25)\n");
  CHECK(first_error(with("arms: [{id: rob, stations: [test], cycle: 5s, load: false, unload: false}]")) ==
        "t.yaml:25:8: error: arms[0]: an arm that neither loads nor unloads does nothing: set `load` or `unload` to true");
  CHECK(first_error(with("arms: [{id: rob, stations: [], cycle: 5s}]")) ==
        "t.yaml:25:28: error: arms[0].stations: expected at least one station");
  CHECK(first_error(with("arms: [{id: rob, stations: [test]}]")) == "t.yaml:25:8: error: arms[0]: missing required key 'cycle'");
  CHECK(first_error(with("conveyors: [{id: belt, length: 5, speed: 1, capacity: 0}]")) ==
        "t.yaml:25:55: error: conveyors[0].capacity: expected an integer from 1 to 1000000, got \"0\"");
  // A conveyor ends at one station.
  std::string two_ends = edit("route: [printer, {station: test, via: agv}]",
                              "route: [printer, {station: test, via: belt}]\n  - id: b2\n    route: [printer, {station: printer, via: belt}]");
  two_ends.replace(two_ends.find("fleets:"), 7, "conveyors: [{id: belt, length: 5, speed: 1, capacity: 3}]\nfleets:");
  CHECK(first_error(two_ends) ==
        "t.yaml:8:46: error: products[1].route[1].via: conveyor 'belt' delivers to 'test' (products[0].route[1]); a "
        "conveyor ends at one station, not also at 'printer'");
}

TEST_CASE("overrides reach the transport sections by id", "[transport][loader]") {
  CHECK(first_error(CELL, {"fleets.agv.vehicles=0"}) ==
        "--set[1]:1:21: error: fleets[0].vehicles: expected an integer from 1 to 10000, got \"0\"");
  CHECK(first_error(CELL, {"layout.nodes.n2.x=oops"}) == "--set[1]:1:19: error: layout.nodes[2].x: expected a number, got \"oops\"");
  CHECK(first_error(CELL, {"fleets.agw.vehicles=3"}) == "--set[1]:1:8: error: no fleet 'agw' in fleets (did you mean 'agv'?)");
  const auto loaded = load_scenario_text(CELL, "t.yaml",
                                         {*parse_override("fleets.agv.vehicles=8"), *parse_override("layout.places.test=n1"),
                                          *parse_override("products.board.route.1.via=agv")});
  REQUIRE(loaded.spec);
  CHECK(loaded.spec->transport.fleets[0].params.vehicles == 8);
  CHECK(loaded.spec->transport.layout->places[1].node == "n1");
}
