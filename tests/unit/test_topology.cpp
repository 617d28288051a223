#include <catch2/catch.hpp>

#include "plant_fixtures.hpp"
#include "topology/route_graph.hpp"

using namespace plantwin;
using namespace plantwin::testing;

TEST_CASE("the route graph finds stations that no route visits", "[topology]") {
  topology::RouteInput in;
  in.stations = {"a", "b", "c", "d"};
  in.source_count = 1;
  in.products = {{"p", {0}, {{0, 2}}, {2}, {0}}, {"q", {2}, {{2, 1}}, {1}, {}}};
  const topology::RouteGraph g(in);
  CHECK(g.unvisited_stations() == std::vector<std::size_t>{3});
  CHECK(g.cycles().empty());
}

TEST_CASE("the route graph finds routes that loop back", "[topology]") {
  topology::RouteInput in;
  in.stations = {"a", "b", "c", "d", "e"};
  in.source_count = 1;
  // p: a b c a (re-entrant through a, b, c); q: d d (straight back to itself); r: e.
  in.products = {{"p", {0}, {{0, 1}, {1, 2}, {2, 0}}, {0}, {0}},
                 {"q", {3}, {{3, 3}}, {3}, {0}},
                 {"r", {4}, {}, {4}, {0}}};
  const topology::RouteGraph g(in);
  CHECK(g.cycles() == std::vector<std::vector<std::size_t>>{{0, 1, 2}, {3}});
}

TEST_CASE("the route graph sees alternatives and rework loops", "[topology][material]") {
  topology::RouteInput in;
  in.stations = {"a", "m1", "m2", "test", "repair"};
  in.source_count = 1;
  // p: a, any [m1, m2], test; test's rejects go to repair and back.
  in.products = {{"p", {0}, {{0, 1}, {0, 2}, {1, 3}, {2, 3}, {3, 4}, {4, 3}}, {3}, {0}}};
  const topology::RouteGraph g(in);
  CHECK(g.unvisited_stations().empty());
  CHECK(g.cycles() == std::vector<std::vector<std::size_t>>{{3, 4}});
}

TEST_CASE("a re-entrant route with full finite buffers stops the run with a deadlock error", "[station][deadlock]") {
  models::PlantParams p;
  models::StationParams a, b;
  a.buffer = 0;
  b.buffer = 0;
  p.stations = {{"a", a}, {"b", b}};
  p.products = {{"p", {{0, constant(1)}, {1, constant(1)}, {0, constant(1)}, {1, constant(1)}}}};
  models::SourceParams s;
  s.kind = models::SourceParams::Kind::SATURATED;
  s.mix = {{0, 1.0}};
  p.sources = {{"src", s}};
  const auto r = run_plant(p, 0, 1000 * S);
  REQUIRE(r.status == kernel::Kernel::Status::FAILED);
  CHECK_THAT(r.failure, Catch::Contains("deadlock") && Catch::Contains("'a'") && Catch::Contains("'b'"));
}

TEST_CASE("a blocked serial line is not mistaken for a deadlock", "[station][deadlock]") {
  LineBuilder b;
  b.saturated("src").station("a", Distribution::exponential(1), 1, 0).station("b", Distribution::exponential(1), 1, 0);
  b.station("c", Distribution::exponential(3), 1, 0);
  const auto r = run_plant(b.build(), 0, 10000 * S);
  CHECK(r.status == kernel::Kernel::Status::RUNNING);
}
