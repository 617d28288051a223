// Conveyors and robot arms, deterministic cases with exact answers.
#include "test_transport_support.hpp"

using namespace plantwin;
using namespace plantwin::transport_testing;
using models::ServerState;

namespace {

const std::string CONVEYOR = R"(plantwin: 1
name: conveyor
horizon: 5min
products:
  - {id: part, route: [a, {station: b, via: belt}]}
sources:
  - id: plan
    orders: [{product: part}]
stations:
  - {id: a, process: 10s}
  - {id: b, process: 10s}
conveyors:
  - {id: belt, length: 10, speed: 0.5, capacity: 4}
)";

}  // namespace

TEST_CASE("a part rides the conveyor for its length divided by its speed", "[transport][conveyor]") {
  const Run r = run_text(CONVEYOR);
  CHECK(value(r.doc, {"kpis", "lead_time_s"}) == Approx(10 + 20 + 10));
  CHECK(value(r.doc, {"conveyors", "belt", "time_on_s"}) == Approx(20));
  CHECK(value(r.doc, {"conveyors", "belt", "occupancy"}) == Approx(20.0 / 300));
  CHECK(value(r.doc, {"conveyors", "belt", "moved"}) == 1);
}

TEST_CASE("a full conveyor blocks its feeder and parts accumulate at its end", "[transport][conveyor]") {
  // a makes a part in 1 s; the belt holds 2 and rides 20 s; b (no waiting place) takes 10 s. After
  // the start-up b works all the time, the belt is always full and a works 1 s in every 10 s.
  const Run r = run_text(CONVEYOR, {"warmup=200s", "horizon=1000s", "sources.plan={id: plan, product: part, saturated: true}",
                                    "stations.a.process=1s", "stations.b.buffer=0", "conveyors.belt.capacity=2"});
  CHECK(value(r.doc, {"stations", "b", "utilization"}) == Approx(1));
  CHECK(value(r.doc, {"stations", "a", "states", "working"}) == Approx(0.1));
  CHECK(value(r.doc, {"stations", "a", "states", "blocked"}) == Approx(0.9));
  CHECK(value(r.doc, {"stations", "a", "states", "waiting_transport"}) == 0);
  CHECK(value(r.doc, {"conveyors", "belt", "occupancy"}) == Approx(2));
  CHECK(value(r.doc, {"conveyors", "belt", "full"}) == Approx(1));
  CHECK(value(r.doc, {"conveyors", "belt", "time_on_s"}) == Approx(20));
  CHECK(value(r.doc, {"conveyors", "belt", "moved"}) == 100);
}

TEST_CASE("an arm loads before work and unloads after it, and the server waits for it meanwhile", "[transport][arm]") {
  // Each part: load 2 s, work 10 s, unload 2 s: 14 s per part at a saturated station (the 100th
  // leaves at 1400 s, the end of the window).
  const Run r = run_text(R"(plantwin: 1
name: arm
horizon: 1400s
products:
  - {id: part, route: [test]}
sources:
  - {id: feed, product: part, saturated: true}
stations:
  - {id: test, process: 10s}
arms:
  - {id: robot, stations: [test], cycle: 2s}
)");
  CHECK(value(r.doc, {"kpis", "completed"}) == 99);
  CHECK(value(r.doc, {"stations", "test", "states", "working"}) == Approx(10.0 / 14));
  CHECK(value(r.doc, {"stations", "test", "states", "waiting_transport"}) == Approx(4.0 / 14));
  CHECK(value(r.doc, {"arms", "robot", "utilization"}) == Approx(4.0 / 14));
  CHECK(value(r.doc, {"arms", "robot", "cycles"}) == 199);
  // OEE counts waiting for the arm as lost availability.
  CHECK(value(r.doc, {"stations", "test", "availability"}) == Approx(10.0 / 14));
}

TEST_CASE("an arm that only unloads leaves the load to the machine", "[transport][arm]") {
  const Run r = run_text(R"(plantwin: 1
name: arm
horizon: 1200s
products:
  - {id: part, route: [test]}
sources:
  - {id: feed, product: part, saturated: true}
stations:
  - {id: test, process: 10s}
arms:
  - {id: robot, stations: [test], cycle: 2s, load: false}
)");
  CHECK(value(r.doc, {"kpis", "completed"}) == 99);
  CHECK(value(r.doc, {"arms", "robot", "utilization"}) == Approx(2.0 / 12));
}

TEST_CASE("one arm serves two stations first come first served", "[transport][arm]") {
  // Two saturated stations of 10 s share an arm of 3 s per load or unload. s1 is loaded 0-3 and s2
  // 3-6; from 16 s on, every 19 s: s2 unloaded (its request came first), s1 loaded, s2 loaded, s1
  // works, s1 unloaded while s2 works, and so on. The arm works 4 cycles, 12 s, in every 19 s.
  const Run r = run_text(R"(plantwin: 1
name: shared-arm
warmup: 16s
horizon: 1140s
products:
  - {id: p1, route: [s1]}
  - {id: p2, route: [s2]}
sources:
  - {id: f1, product: p1, saturated: true}
  - {id: f2, product: p2, saturated: true}
stations:
  - {id: s1, process: 10s}
  - {id: s2, process: 10s}
arms:
  - {id: robot, stations: [s1, s2], cycle: 3s}
)");
  CHECK(value(r.doc, {"arms", "robot", "utilization"}) == Approx(12.0 / 19));
  CHECK(value(r.doc, {"stations", "s1", "states", "working"}) == Approx(10.0 / 19));
  CHECK(value(r.doc, {"stations", "s1", "states", "waiting_transport"}) == Approx(9.0 / 19));
  CHECK(value(r.doc, {"kpis", "completed"}) == 120);
  // The arm, busy 63 % of the time, is the busiest resource: the bottleneck.
  const run::Json& resource = *r.doc.find("bottleneck")->find("resource");
  CHECK(resource.find("kind")->string() == "arm");
  CHECK(resource.find("id")->string() == "robot");
}
