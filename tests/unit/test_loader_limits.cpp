// What a file can ask for: every case is a located error, quickly.

#include <catch2/catch.hpp>

#include <string>

#include "scenario/loader.hpp"
#include "test_loader_support.hpp"

using namespace plantwin;
using namespace plantwin::scenario;
using namespace plantwin::scenario::testing;

namespace {

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

}  // namespace

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
