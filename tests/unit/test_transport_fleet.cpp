// AGV fleets, deterministic cases with exact answers: where a vehicle drives (shortest path by
// length, one-way segments), what a trip takes (loading and unloading in the cycle), dispatching
// rules, capacity, and the time split of every vehicle.
#include "test_transport_support.hpp"

using namespace plantwin;
using namespace plantwin::transport_testing;
using models::ServerState;
using models::VehicleState;

TEST_CASE("a part's lead time adds the empty drive, loading, the shortest loaded drive and unloading", "[transport][fleet]") {
  const Run r = run_text(DETOUR);
  // a works 0-10; the AGV drives depot -> A (10 m, 5 s) 10-15, loads 15-20, drives A-C-D-B
  // (90 m, 45 s) 20-65, unloads 65-68; b works 68-78.
  CHECK(value(r.doc, {"kpis", "lead_time_s"}) == Approx(78).epsilon(1e-12));
  const auto& station_a = r.first().stations[0];
  CHECK(station_seconds(station_a, ServerState::WAITING_TRANSPORT) == Approx(10));  // 10-20
  const auto& v = r.first().transport.fleets[0].vehicles[0];
  // Then home again from B: B-D-C-A-depot, 100 m in 50 s, 68-118.
  CHECK(v.distance_m == Approx(10 + 90 + 100));
  CHECK(v.trips == 1);
  CHECK(ticks_of(v, VehicleState::TRAVELLING_EMPTY) == Approx(5 + 50));
  CHECK(ticks_of(v, VehicleState::TRAVELLING_LOADED) == Approx(45));
  CHECK(ticks_of(v, VehicleState::LOADING) == Approx(5));
  CHECK(ticks_of(v, VehicleState::UNLOADING) == Approx(3));
  CHECK(ticks_of(v, VehicleState::IDLE) == Approx(600 - 108));
  CHECK(value(r.doc, {"fleets", "agv", "request_wait_s"}) == Approx(5));  // requested at 10, loading from 15
  CHECK(value(r.doc, {"fleets", "agv", "moved"}) == 1);
}

TEST_CASE("with the aisle shorter than the detour the vehicle takes the aisle", "[transport][fleet]") {
  const Run r = run_text(DETOUR, {"layout.segments.1.length=80"});
  // A -> B 80 m, 40 s: b starts at 10 + 5 + 5 + 40 + 3 = 63 and ends at 73.
  CHECK(value(r.doc, {"kpis", "lead_time_s"}) == Approx(73));
  CHECK(r.first().transport.fleets[0].vehicles[0].distance_m == Approx(10 + 80 + 90));
}

TEST_CASE("a vehicle drives a one-way segment only forwards and comes back the long way", "[transport][fleet]") {
  // A -> B one-way, 30 m; back B - C - A, 80 m. Home at A, 1 m/s, load 5 s, unload 3 s.
  const Run r = run_text(R"(plantwin: 1
name: one-way
horizon: 5min
products:
  - id: part
    route: [a, {station: b, via: agv}]
sources:
  - id: plan
    orders: [{product: part, quantity: 2}]
stations:
  - {id: a, process: 10s}
  - {id: b, process: 10s}
layout:
  nodes: [{id: A, x: 0, y: 0}, {id: B, x: 30, y: 0}, {id: C, x: 15, y: 40}]
  segments:
    - {from: A, to: B, one_way: true}
    - {from: B, to: C, length: 40}
    - {from: C, to: A, length: 40}
  places: {a: A, b: B}
fleets:
  - {id: agv, vehicles: 1, speed: 1, load: 5s, unload: 3s, home: A}
)");
  // Part 1: a 0-10, loaded 10-15 (the AGV waits at A, its home), A -> B 15-45, unloaded 45-48,
  // b 48-58. Part 2: a 15-25, waits for the AGV: B -> C -> A 48-128, loaded 128-133, A -> B
  // 133-163, unloaded 163-166, b 166-176. Lead times 58 and 176.
  CHECK(value(r.doc, {"kpis", "lead_time_s"}) == Approx((58.0 + 176.0) / 2));
  const auto& v = r.first().transport.fleets[0].vehicles[0];
  CHECK(v.distance_m == Approx(30 + 80 + 30 + 80));  // and home again, 166-246
  CHECK(v.trips == 2);
  CHECK(value(r.doc, {"fleets", "agv", "request_wait_s"}) == Approx((0.0 + (128 - 25)) / 2));
}

TEST_CASE("loading and unloading take their time in every cycle of a busy vehicle", "[transport][fleet]") {
  // A saturated station keeps the one vehicle busy: every cycle is load 5 + drive 30 + unload 3 +
  // drive back 30 = 68 s. After the start-up, 100 cycles fill the window exactly.
  const Run r = run_text(R"(plantwin: 1
name: cycle
warmup: 680s
horizon: 6800s
products:
  - id: part
    route: [a, {station: b, via: agv}]
sources:
  - {id: feed, product: part, saturated: true}
stations:
  - {id: a, process: 10s}
  - {id: b, process: 10s}
layout:
  nodes: [{id: A, x: 0, y: 0}, {id: B, x: 30, y: 0}]
  segments: [{from: A, to: B}]
  places: {a: A, b: B}
fleets:
  - {id: agv, vehicles: 1, speed: 1, load: 5s, unload: 3s, home: A}
)");
  const auto& v = r.first().transport.fleets[0].vehicles[0];
  CHECK(v.trips == 100);
  CHECK(value(r.doc, {"fleets", "agv", "states", "loading"}) == Approx(5.0 / 68).epsilon(1e-12));
  CHECK(value(r.doc, {"fleets", "agv", "states", "unloading"}) == Approx(3.0 / 68).epsilon(1e-12));
  CHECK(value(r.doc, {"fleets", "agv", "states", "travelling_loaded"}) == Approx(30.0 / 68).epsilon(1e-12));
  CHECK(value(r.doc, {"fleets", "agv", "states", "travelling_empty"}) == Approx(30.0 / 68).epsilon(1e-12));
  CHECK(value(r.doc, {"fleets", "agv", "states", "idle"}) == Approx(0).margin(1e-12));
  CHECK(value(r.doc, {"fleets", "agv", "utilization"}) == Approx(1));
  CHECK(value(r.doc, {"kpis", "throughput_per_h"}) == Approx(3600.0 / 68));
  // The station waits for the vehicle 68 - 10 s of every 68 s cycle.
  CHECK(value(r.doc, {"stations", "a", "states", "waiting_transport"}) == Approx(58.0 / 68).epsilon(1e-12));
  CHECK(value(r.doc, {"fleets", "agv", "distance_m"}) == Approx(6000));
  // The fleet is the bottleneck: its vehicle is never idle; station b works 10 s of 68.
  CHECK(r.doc.find("bottleneck")->find("resource")->find("kind")->string() == "fleet");
}

namespace {

// Two vehicles, both at home H (x = 0) at the start, `return_home: false`. A part from s1 (at H)
// to d (x = 50) at t = 0; a part from s2 (x = 100) to d released at 1000 s. At 1010 s vehicle 0
// stands at d (50 m from s2) and vehicle 1 at H (100 m): it has been available the longest.
std::string dispatching(const std::string& rule) {
  return R"(plantwin: 1
name: dispatch
horizon: 30min
products:
  - {id: x, route: [s1, {station: d, via: agv}]}
  - {id: y, route: [s2, {station: d, via: agv}]}
sources:
  - id: plan
    orders: [{product: x, quantity: 1}, {product: y, quantity: 1, release: 1000s}]
stations:
  - {id: s1, process: 10s}
  - {id: s2, process: 10s}
  - {id: d, process: 0s}
layout:
  nodes: [{id: H, x: 0, y: 0}, {id: M, x: 50, y: 0}, {id: F, x: 100, y: 0}]
  segments: [{path: [H, M, F]}]
  places: {s1: H, d: M, s2: F}
fleets:
  - {id: agv, vehicles: 2, speed: 1, home: H, return_home: false, dispatch: )" +
         rule + "}\n";
}

}  // namespace

TEST_CASE("first_request gives a new request the vehicle that has been available the longest", "[transport][fleet][dispatch]") {
  const Run r = run_text(dispatching("first_request"));
  // y: ready at 1010; vehicle 1 drives H -> F (100 s) and F -> M (50 s): leaves d at 1160.
  CHECK(value(r.doc, {"products", "y", "lead_time_s"}) == Approx(160));
  CHECK(r.first().transport.fleets[0].vehicles[0].distance_m == Approx(50));
  CHECK(r.first().transport.fleets[0].vehicles[1].distance_m == Approx(150));
}

TEST_CASE("nearest_idle gives a new request the available vehicle nearest to the pickup", "[transport][fleet][dispatch]") {
  const Run r = run_text(dispatching("nearest_idle"));
  // y: vehicle 0 drives M -> F (50 s) and back (50 s): leaves d at 1110.
  CHECK(value(r.doc, {"products", "y", "lead_time_s"}) == Approx(110));
  CHECK(r.first().transport.fleets[0].vehicles[0].distance_m == Approx(50 + 100));
  CHECK(r.first().transport.fleets[0].vehicles[1].distance_m == Approx(0));
}

TEST_CASE("nearest_idle breaks ties by vehicle index", "[transport][fleet][dispatch]") {
  // y is released at 0: both vehicles stand at H, equal distances, vehicle 0 goes (H -> F -> M).
  // x is released at 500: vehicle 1 is at s1 itself (nearest) and has been available the longest
  // (first_request): vehicle 1 goes either way.
  for (const char* rule : {"nearest_idle", "first_request"}) {
    const Run r = run_text(dispatching(rule), {"sources.plan.orders.1.release=0s", "sources.plan.orders.0.release=500s"});
    INFO(rule);
    CHECK(r.first().transport.fleets[0].vehicles[0].distance_m == Approx(150));
    CHECK(r.first().transport.fleets[0].vehicles[1].distance_m == Approx(50));
  }
}

TEST_CASE("a vehicle carries up to its capacity of requests with the same pickup and destination", "[transport][fleet]") {
  // Four parts ready at a at 10 s (four servers); one vehicle of capacity 3 at A, 1 m/s, A - B 20 m,
  // load 2 s and unload 1 s per part.
  const Run r = run_text(R"(plantwin: 1
name: capacity
horizon: 10min
products:
  - {id: part, route: [a, {station: b, via: agv}]}
sources:
  - id: plan
    orders: [{product: part, quantity: 4}]
stations:
  - {id: a, servers: 4, process: 10s}
  - {id: b, servers: 4, process: 0s}
layout:
  nodes: [{id: A, x: 0, y: 0}, {id: B, x: 20, y: 0}]
  segments: [{from: A, to: B}]
  places: {a: A, b: B}
fleets:
  - {id: agv, vehicles: 1, speed: 1, load: 2s, unload: 1s, home: A, capacity: 3}
)");
  // The four requests come one after the other at 10 s; the vehicle, at A, takes the first and
  // starts loading at once, and takes two more when it has loaded it (its capacity is 3).
  // Trip 1: loads three parts 10-16, drives 16-36, unloads 36-37, 37-38, 38-39 (lead 37, 38, 39).
  // Trip 2: back 39-59, loads 59-61, drives 61-81, unloads 81-82 (lead 82).
  CHECK(value(r.doc, {"kpis", "lead_time_s"}) == Approx((37.0 + 38 + 39 + 82) / 4));
  CHECK(r.first().transport.fleets[0].vehicles[0].trips == 2);
  CHECK(value(r.doc, {"fleets", "agv", "request_wait_s"}) == Approx((0.0 + 2 + 4 + 49) / 4));
}
