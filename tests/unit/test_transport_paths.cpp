// The path network's shortest-path table (topology/path_network.hpp): by length, never by hops;
// one-way segments; unreachable nodes.
#include <catch2/catch.hpp>

#include "topology/path_network.hpp"

using namespace plantwin::topology;

namespace {

// A(0) and B(1) joined directly by a winding aisle of 120 m, and by A-C-D-B: 25 + 40 + 25 = 90 m.
std::vector<PathSegment> detour() {
  return {{0, 1, 120, false}, {0, 2, 25, false}, {2, 3, 40, false}, {3, 1, 25, false}};
}

}  // namespace

TEST_CASE("the path table takes the shortest path by length, not the one with the fewest hops", "[transport][paths]") {
  const PathNetwork network(4, detour());
  const PathTable table = network.shortest_paths_to({1, 0});
  const auto to_b = static_cast<std::size_t>(table.slot_of(1));
  CHECK(table.distance(to_b, 0) == 90);
  CHECK(table.next_segment(to_b, 0) == 1);  // A-C, not the one-hop A-B
  CHECK(table.next_segment(to_b, 2) == 2);
  CHECK(table.next_segment(to_b, 3) == 3);
  CHECK(table.next_segment(to_b, 1) == NO_SEGMENT);  // at the target
  CHECK(table.distance(to_b, 1) == 0);
  // The same network with the aisle shorter than the detour takes the aisle.
  auto short_aisle = detour();
  short_aisle[0].length = 80;
  const PathTable direct = PathNetwork(4, short_aisle).shortest_paths_to({1});
  CHECK(direct.distance(0, 0) == 80);
  CHECK(direct.next_segment(0, 0) == 0);
}

TEST_CASE("a one-way segment is driven only from its first node to its second", "[transport][paths]") {
  // A -> B one-way (30 m); B - C - A two-way (40 m each).
  const std::vector<PathSegment> segments{{0, 1, 30, true}, {1, 2, 40, false}, {2, 0, 40, false}};
  const PathTable table = PathNetwork(3, segments).shortest_paths_to({0, 1});
  const auto to_a = static_cast<std::size_t>(table.slot_of(0)), to_b = static_cast<std::size_t>(table.slot_of(1));
  CHECK(table.distance(to_b, 0) == 30);
  CHECK(table.next_segment(to_b, 0) == 0);
  CHECK(table.distance(to_a, 1) == 80);  // back around through C
  CHECK(table.next_segment(to_a, 1) == 1);
  CHECK(table.next_segment(to_a, 2) == 2);
}

TEST_CASE("a node with no path to the target is unreachable", "[transport][paths]") {
  // A -> B one-way, C isolated.
  const PathTable table = PathNetwork(3, {{0, 1, 10, true}}).shortest_paths_to({0, 1, 2});
  CHECK(table.distance(static_cast<std::size_t>(table.slot_of(0)), 1) == UNREACHABLE);
  CHECK(table.next_segment(static_cast<std::size_t>(table.slot_of(0)), 1) == NO_SEGMENT);
  CHECK(table.distance(static_cast<std::size_t>(table.slot_of(2)), 0) == UNREACHABLE);
  CHECK(table.distance(static_cast<std::size_t>(table.slot_of(1)), 0) == 10);
  CHECK(table.slot_of(3) == -1);
}

TEST_CASE("targets given twice get one slot", "[transport][paths]") {
  const PathTable table = PathNetwork(2, {{0, 1, 5, false}}).shortest_paths_to({1, 1, 0});
  CHECK(table.target_count() == 2);
  CHECK(table.target(0) == 1);
  CHECK(table.slot_of(0) == 1);
}
