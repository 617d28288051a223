// Batteries and zone control, deterministic cases, and the deadlocks that stop a run with the
// vehicles and places named.
#include "test_transport_support.hpp"

using namespace plantwin;
using namespace plantwin::transport_testing;
using models::VehicleState;

namespace {

// One vehicle kept busy by a saturated station: every trip drives A -> B and back (30 m each,
// 1 Wh per metre). Charger C is 10 m from B. Charges at or below 55 % of 300 Wh, to full, at 3.6 kW.
const std::string BATTERY = R"(plantwin: 1
name: battery
horizon: 360s
products:
  - {id: part, route: [a, {station: b, via: agv}]}
sources:
  - {id: feed, product: part, saturated: true}
stations:
  - {id: a, process: 10s}
  - {id: b, process: 0s}
layout:
  nodes: [{id: A, x: 0, y: 0}, {id: B, x: 30, y: 0}, {id: C, x: 30, y: 10}]
  segments: [{from: A, to: B}, {from: B, to: C}]
  places: {a: A, b: B}
fleets:
  - id: agv
    vehicles: 1
    speed: 1
    load: 5s
    unload: 3s
    home: A
    battery: {capacity: 300, per_metre: 1, charge_rate: 3600, threshold: 0.55, chargers: [C]}
)";

}  // namespace

TEST_CASE("a vehicle that ends a trip at or below the threshold drives to the charger and charges to full", "[transport][battery]") {
  const Run r = run_text(BATTERY);
  // Trips end at 48, 116 and 184 s with 270, 210 and 150 Wh left; 150 <= 165, so after the third
  // it drives to C (10 m, 140 Wh left) and charges 160 Wh at 3.6 kW: 160 s, 194-354.
  const auto& v = r.first().transport.fleets[0].vehicles[0];
  CHECK(v.trips == 3);
  CHECK(v.charges == 1);
  CHECK(ticks_of(v, VehicleState::CHARGING) == Approx(160));
  CHECK(ticks_of(v, VehicleState::TRAVELLING_EMPTY) == Approx(30 + 30 + 10 + 6));  // then C -> B from 354
  CHECK(v.distance_m == Approx(5 * 30 + 10));
  CHECK(value(r.doc, {"fleets", "agv", "by_vehicle", "0", "charges"}) == 1);
  CHECK(value(r.doc, {"fleets", "agv", "states", "charging"}) == Approx(160.0 / 360));
}

TEST_CASE("an idle vehicle whose battery falls to the threshold goes to charge and comes home", "[transport][battery]") {
  // Idle at home, 36 W: from 100 Wh to the 50 Wh threshold in 5000 s; to C (10 s) and 50 Wh at
  // 1.8 kW (100 s), then home (10 s). The only order is released after the horizon.
  const Run r = run_text(BATTERY, {"horizon=6000s", "sources.feed={id: feed, orders: [{product: part, release: 1d}]}",
                                   "fleets.agv.battery={capacity: 100, idle: 36, charge_rate: 1800, threshold: 0.5, chargers: [C]}"});
  const auto& v = r.first().transport.fleets[0].vehicles[0];
  CHECK(v.charges == 1);
  CHECK(ticks_of(v, VehicleState::CHARGING) == Approx(100));
  CHECK(ticks_of(v, VehicleState::TRAVELLING_EMPTY) == Approx(80));  // A-B-C and back, 40 m each way
  CHECK(ticks_of(v, VehicleState::IDLE) == Approx(6000 - 180));
}

TEST_CASE("a battery that runs empty stops the run with the vehicle named", "[transport][battery]") {
  Run r = load_text(BATTERY);
  // 50 Wh and no threshold: 30 Wh to B, and the way back (48-78 s) needs 30 more: the 20 Wh left
  // last 20 m, to 68 s (the error said the segment's end, 78 s, until 2026-12-07).
  r = load_text(BATTERY, {"fleets.agv.battery={capacity: 50, per_metre: 1, charge_rate: 3600, threshold: 0, chargers: [C]}"});
  execute(r, false);
  REQUIRE(!r.outcome.ok);
  CHECK(r.outcome.error ==
        "replication 0: vehicle agv[0] ran out of battery at t=68.000000s on the segment 'A-B', 20 m along its 30 m (raise "
        "battery.threshold or battery.capacity, or add chargers)");
}

TEST_CASE("the vehicle whose battery runs empty first stops the run, at that instant", "[transport][battery]") {
  // f1 loads 10-15 s, drives A -> B (100 m, 50 Wh): empty at 65 s, 50 m along. f2 is on 10 m legs
  // with 65 Wh: empty at 104 s. The run stopped at f2's, noticed at 106 s, before f1's segment
  // ended at 115 s (until 2026-12-07).
  Run r = load_text(R"(plantwin: 1
name: two
horizon: 1000s
products:
  - {id: p1, route: [a, {station: b, via: f1}]}
  - {id: p2, route: [c, {station: d, via: f2}]}
sources:
  - {id: s1, product: p1, saturated: true}
  - {id: s2, product: p2, saturated: true}
stations:
  - {id: a, process: 10s}
  - {id: b, process: 0s}
  - {id: c, process: 10s}
  - {id: d, process: 0s}
layout:
  nodes: [{id: A, x: 0, y: 0}, {id: B, x: 100, y: 0}, {id: C, x: 0, y: 50}, {id: D, x: 10, y: 50}]
  segments: [{from: A, to: B}, {from: C, to: D}]
  places: {a: A, b: B, c: C, d: D}
fleets:
  - {id: f1, vehicles: 1, speed: 1, load: 5s, unload: 3s, home: A,
     battery: {capacity: 50, per_metre: 1, charge_rate: 3600, threshold: 0, chargers: [B]}}
  - {id: f2, vehicles: 1, speed: 1, load: 5s, unload: 3s, home: C,
     battery: {capacity: 65, per_metre: 1, charge_rate: 3600, threshold: 0, chargers: [D]}}
)");
  execute(r, false);
  REQUIRE(!r.outcome.ok);
  CHECK_THAT(r.outcome.error, Catch::StartsWith("replication 0: vehicle f1[0] ran out of battery at t=65.000000s on the "
                                                "segment 'A-B', 50 m along its 100 m"));
  // A draw while loading is settled where the vehicle loaded, not at the node it leaves for.
  r = load_text(BATTERY, {"fleets.agv.battery={capacity: 12, idle: 3600, charge_rate: 3600, threshold: 0, chargers: [C]}"});
  execute(r, false);
  REQUIRE(!r.outcome.ok);
  CHECK_THAT(r.outcome.error, Catch::StartsWith("replication 0: vehicle agv[0] ran out of battery at t=12.000000s at node 'A'"));
}

TEST_CASE("a node of capacity 1 lets one vehicle in at a time, the next waits at the end of its segment", "[transport][zones]") {
  // Two parts ready at a at 10 s; two vehicles drive from H (10 m) and reach A at 20 s. A holds
  // one vehicle: vehicle 0 loads 20-25 and leaves; vehicle 1 waits 20-25, then loads 25-30.
  const Run r = run_text(R"(plantwin: 1
name: zone
horizon: 5min
products:
  - {id: part, route: [a, {station: b, via: agv}]}
sources:
  - id: plan
    orders: [{product: part, quantity: 2}]
stations:
  - {id: a, servers: 2, process: 10s}
  - {id: b, servers: 2, process: 0s}
layout:
  nodes: [{id: H, x: 0, y: -10}, {id: A, x: 0, y: 0, capacity: 1}, {id: B, x: 10, y: 0}]
  segments: [{from: H, to: A}, {from: A, to: B}]
  places: {a: A, b: B}
fleets:
  - {id: agv, vehicles: 2, speed: 1, load: 5s, home: H}
)");
  const auto& fleet = r.first().transport.fleets[0];
  CHECK(ticks_of(fleet.vehicles[0], VehicleState::WAITING_ZONE) == 0);
  CHECK(ticks_of(fleet.vehicles[1], VehicleState::WAITING_ZONE) == Approx(5));
  // Leaving A at 25 and 30, 10 m to b: the parts leave at 35 and 40.
  CHECK(value(r.doc, {"kpis", "lead_time_s"}) == Approx(37.5));
  CHECK(value(r.doc, {"fleets", "agv", "by_vehicle", "1", "states", "waiting_zone"}) == Approx(5.0 / 300));
}

namespace {

// Two fleets of one vehicle, homes at either end of a 20 m segment. Each loads a part at its home
// (10-15 s) for the other end. Nodes A and B hold one vehicle each; the segment holds `capacity`.
std::string head_on(int segment_capacity) {
  return R"(plantwin: 1
name: head-on
horizon: 10min
products:
  - {id: x, route: [a, {station: b, via: f1}]}
  - {id: y, route: [b, {station: a, via: f2}]}
sources:
  - id: plan
    orders: [{product: x}, {product: y}]
stations:
  - {id: a, process: 10s}
  - {id: b, process: 10s}
layout:
  nodes: [{id: A, x: 0, y: 0, capacity: 1}, {id: B, x: 20, y: 0, capacity: 1}]
  segments: [{from: A, to: B, capacity: )" +
         std::to_string(segment_capacity) + R"(}]
  places: {a: A, b: B}
fleets:
  - {id: f1, vehicles: 1, speed: 1, load: 5s, home: A}
  - {id: f2, vehicles: 1, speed: 1, load: 5s, home: B}
)";
}

}  // namespace

TEST_CASE("two vehicles head-on on a one-vehicle segment stop the run with a deadlock naming them", "[transport][zones][deadlock]") {
  // f1 takes the segment at 15 s and leaves A; f2 waits for the segment at B, holding B; f1 reaches
  // the end of the segment at 35 s and waits for B.
  CHECK(run_error(head_on(1)) ==
        "replication 0: deadlock at t=35.000000s: f1[0] on segment 'A-B' (holding segment 'A-B') waits for room in "
        "node 'B'; f2[0] at node 'B' (holding node 'B') waits for room in segment 'A-B'. None of these can move "
        "again: each waits for something only another of them can give");
}

TEST_CASE("the same plant runs when the segment holds two vehicles", "[transport][zones][deadlock]") {
  const Run r = run_text(head_on(2));
  CHECK(value(r.doc, {"kpis", "completed"}) == 2);
  CHECK(value(r.doc, {"kpis", "lead_time_s"}) == Approx(10 + 5 + 20 + 10));
}

namespace {

// One vehicle carries x from a to b and y from b to a; neither station has waiting places.
const std::string SWAP = R"(plantwin: 1
name: swap
horizon: 10min
products:
  - {id: x, route: [a, {station: b, via: agv}]}
  - {id: y, route: [b, {station: a, via: agv}]}
sources:
  - id: plan
    orders: [{product: x}, {product: y}]
stations:
  - {id: a, buffer: 0, process: 10s}
  - {id: b, buffer: 0, process: 10s}
layout:
  nodes: [{id: A, x: 0, y: 0}, {id: B, x: 20, y: 0}]
  segments: [{from: A, to: B}]
  places: {a: A, b: B}
fleets:
  - {id: agv, vehicles: 1, speed: 1, load: 5s, unload: 3s, home: A}
)";

}  // namespace

TEST_CASE("a vehicle waiting loaded at a station whose servers all wait for it is a deadlock", "[transport][deadlock]") {
  // The vehicle loads x at A (10-15), drives to B (15-35), unloads (35-38): b's only server holds
  // y, which waits for the only vehicle.
  CHECK(run_error(SWAP) ==
        "replication 0: deadlock at t=38.000000s: agv[0] holds a part of 'x' and waits for room at station 'b'; "
        "station 'b' server 0 holds a part of 'y' and waits for fleet 'agv'. None of these can move again: each "
        "waits for something only another of them can give");
}

TEST_CASE("with a second vehicle the swap is no deadlock", "[transport][deadlock]") {
  const Run r = run_text(SWAP, {"fleets.agv.vehicles=2"});
  CHECK(value(r.doc, {"kpis", "completed"}) == 2);
}
