// Stall detection (models/stall.hpp): every pair of model kinds that can close a loop of waits
// stops the run at the instant the loop closes, whichever kind starts waiting last; the
// plant-level guard stops a plant whose parts can no longer move even when no check caught it.
#include <catch2/catch.hpp>

#include <fstream>

#include "cli_support.hpp"
#include "plant_fixtures.hpp"
#include "test_transport_support.hpp"

using namespace plantwin;
using namespace plantwin::testing;
using namespace plantwin::transport_testing;

namespace {

constexpr const char* NONE_CAN_MOVE = ". None of these can move again: each waits for something only another of them can give";

// Two saturated stations without waiting places feed each other; `hop_ab` and `hop_ba` are how a
// part gets from a to b and from b to a (a plain step, or `via` a fleet or conveyor).
std::string two_way(const std::string& hop_ab, const std::string& hop_ba, const std::string& transport) {
  return R"(plantwin: 1
name: two-way
horizon: 1h
products:
  - {id: p, route: [a, )" + hop_ab + R"(]}
  - {id: q, route: [b, )" + hop_ba + R"(]}
sources:
  - {id: sp, product: p, saturated: true}
  - {id: sq, product: q, saturated: true}
stations:
  - {id: a, buffer: 0, process: 10s}
  - {id: b, buffer: 0, process: 100s}
)" + transport;
}

const std::string LAYOUT = R"(layout:
  nodes: [{id: n1, x: 0, y: 0}, {id: n2, x: 10, y: 0}]
  segments: [{from: n1, to: n2}]
  places: {a: n1, b: n2}
)";

}  // namespace

TEST_CASE("a loop through a fleet that closes when a station's server starts waiting stops the run", "[stall][transport]") {
  // The issue's plant: agv[0] carries p1 to b and waits there loaded from 21 s (b works on q1 until
  // 100 s); at 100 s b's server asks the only vehicle to carry q1: nothing can move again.
  const std::string yaml = two_way("{station: b, via: agv}", "{station: a, via: agv}",
                                   LAYOUT + "fleets:\n  - {id: agv, vehicles: 1, speed: 1, home: n1}\n");
  CHECK(run_error(yaml) ==
        std::string("replication 0: deadlock at t=100.000000s: station 'b' server 0 holds a part of 'q' and waits for "
                    "fleet 'agv'; agv[0] holds a part of 'p' and waits for room at station 'b'") +
            NONE_CAN_MOVE);
}

TEST_CASE("the command line reports the frozen plant with exit code 3 and no report", "[stall][cli]") {
  const std::string file = test_path("silent_agv_deadlock.yaml");
  std::ofstream(file) << two_way("{station: b, via: agv}", "{station: a, via: agv}",
                                 LAYOUT + "fleets:\n  - {id: agv, vehicles: 1, speed: 1, home: n1}\n");
  for (const std::string command : {"run ", "run --json ", "run --replications 3 --jobs 2 "}) {
    const CliResult r = run_cli(command + file);
    INFO(command);
    CHECK(r.exit_code == 3);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::Contains("replication 0: deadlock at t=100.000000s: station 'b' server 0"));
  }
  std::remove(file.c_str());
}

TEST_CASE("two stations whose servers wait for each other's room stop the run", "[stall][station]") {
  // a's server holds p1 from 10 s waiting for b; b's holds q1 from 100 s waiting for a.
  CHECK(run_error(two_way("b", "a", "")) ==
        std::string("replication 0: deadlock at t=100.000000s: station 'b' server 0 holds a part of 'q' and waits for "
                    "room at station 'a'; station 'a' server 0 holds a part of 'p' and waits for room at station 'b'") +
            NONE_CAN_MOVE);
}

TEST_CASE("a loop through a full conveyor stops the run", "[stall][conveyor]") {
  // p1 rides c1 (5 s) and waits at its end from 15 s for b; p2 finds c1 full at 20 s and waits on
  // a's server; at 100 s q1 waits for a.
  const std::string yaml =
      two_way("{station: b, via: c1}", "a", "conveyors:\n  - {id: c1, length: 5, speed: 1, capacity: 1}\n");
  CHECK(run_error(yaml) ==
        std::string("replication 0: deadlock at t=100.000000s: station 'b' server 0 holds a part of 'q' and waits for "
                    "room at station 'a'; station 'a' server 0 holds a part of 'p' and waits for room on conveyor 'c1'; "
                    "conveyor 'c1' holds 1 part(s); the first, of 'p', waits at its end for room at station 'b'") +
            NONE_CAN_MOVE);
  SECTION("with room for both parts on the conveyor it still closes, later") {
    const std::string roomy =
        two_way("{station: b, via: c1}", "a", "conveyors:\n  - {id: c1, length: 5, speed: 1, capacity: 2}\n");
    CHECK_THAT(run_error(roomy), Catch::StartsWith("replication 0: deadlock at t=100.000000s: station 'b' server 0"));
  }
}

TEST_CASE("two conveyors that feed each other's stations stop the run", "[stall][conveyor]") {
  const std::string yaml = R"(plantwin: 1
name: conveyor-loop
horizon: 1h
products:
  - {id: p, route: [a, {station: b, via: c1}, {station: a, via: c2}]}
sources:
  - {id: sp, product: p, saturated: true}
stations:
  - {id: a, buffer: 0, process: 10s}
  - {id: b, buffer: 0, process: 10s}
conveyors:
  - {id: c1, length: 5, speed: 1, capacity: 1}
  - {id: c2, length: 5, speed: 1, capacity: 1}
)";
  const std::string error = run_error(yaml);
  CHECK_THAT(error, Catch::StartsWith("replication 0: deadlock at t=") && Catch::Contains("conveyor 'c1'") &&
                        Catch::Contains("conveyor 'c2'") && Catch::EndsWith(NONE_CAN_MOVE));
}

TEST_CASE("two fleets whose vehicles wait loaded at each other's stations stop the run", "[stall][transport]") {
  // Both stations end their first parts at 10 s; f1[0] takes p1 from a, f2[0] takes q1 from b
  // (load 1 s, drive 10 s, unload 1 s); both servers finish their second parts at 21 s and wait for
  // a vehicle. At 22 s f1[0] waits loaded at b (f2[0] still unloads), then f2[0] waits loaded at a.
  const std::string yaml = R"(plantwin: 1
name: two-fleets
horizon: 1h
products:
  - {id: p, route: [a, {station: b, via: f1}]}
  - {id: q, route: [b, {station: a, via: f2}]}
sources:
  - {id: sp, product: p, saturated: true}
  - {id: sq, product: q, saturated: true}
stations:
  - {id: a, buffer: 0, process: 10s}
  - {id: b, buffer: 0, process: 10s}
)" + LAYOUT + R"(fleets:
  - {id: f1, vehicles: 1, speed: 1, load: 1s, unload: 1s, home: n1}
  - {id: f2, vehicles: 1, speed: 1, load: 1s, unload: 1s, home: n2}
)";
  CHECK(run_error(yaml) ==
        std::string("replication 0: deadlock at t=22.000000s: f2[0] holds a part of 'q' and waits for room at station "
                    "'a'; station 'a' server 0 holds a part of 'p' and waits for fleet 'f1'; f1[0] holds a part of 'p' "
                    "and waits for room at station 'b'; station 'b' server 0 holds a part of 'q' and waits for fleet 'f2'") +
            NONE_CAN_MOVE);
  SECTION("a second vehicle only delays it: both wait loaded too") {
    Run r = load_text(yaml, {"fleets.f1.vehicles=2"});
    execute(r, false);
    CHECK_THAT(r.outcome.error, Catch::StartsWith("replication 0: deadlock at t=33.000000s: f1[1] holds a part of 'p'"));
  }
  SECTION("with unlimited buffers the fleets keep both stations going") {
    Run r = load_text(yaml, {"stations.a.buffer=inf", "stations.b.buffer=inf"});
    execute(r);
    CHECK(value(r.doc, {"kpis", "completed"}) > 100);
  }
}

TEST_CASE("a conveyor and a fleet that close a loop stop the run", "[stall][transport][conveyor]") {
  // Parts go a -> c1 -> b -> agv -> a. The vehicle waits loaded at a (its server waits for a full
  // c1, whose first part waits for b); at 215 s b's server asks for the vehicle.
  const std::string yaml = R"(plantwin: 1
name: conveyor-and-fleet
horizon: 1h
products:
  - {id: p, route: [a, {station: b, via: c1}, {station: a, via: agv}]}
sources:
  - {id: sp, product: p, saturated: true}
stations:
  - {id: a, buffer: 0, process: 10s}
  - {id: b, buffer: 0, process: 100s}
conveyors:
  - {id: c1, length: 5, speed: 1, capacity: 1}
)" + LAYOUT + "fleets:\n  - {id: agv, vehicles: 1, speed: 1, home: n2}\n";
  const std::string error = run_error(yaml);
  CHECK_THAT(error, Catch::StartsWith("replication 0: deadlock at t=215.000000s: station 'b' server 0") &&
                        Catch::Contains("conveyor 'c1'") && Catch::Contains("agv[0] holds a part of 'p'") &&
                        Catch::EndsWith(NONE_CAN_MOVE));
}

TEST_CASE("a job shop whose AGVs all wait loaded at full stations stops the run", "[stall][transport]") {
  // Three products between two finite-buffer machines, four AGVs: the kind of plant that froze
  // silently before (its report then named no saturated station).
  const std::string yaml = R"(plantwin: 1
name: job-shop-finite
seed: 3
horizon: 44h
products:
  - {id: shaft, route: [saw, {station: mill, via: agv}, {station: lathe, via: agv}, {station: ship, via: agv}]}
  - {id: flange, route: [saw, {station: lathe, via: agv}, {station: mill, via: agv}, {station: ship, via: agv}]}
  - {id: bolt, route: [lathe, {station: mill, via: agv}, {station: ship, via: agv}]}
sources:
  - {id: o1, product: shaft, interarrival: {dist: exponential, mean: 200s}}
  - {id: o2, product: flange, interarrival: {dist: exponential, mean: 250s}}
  - {id: o3, product: bolt, interarrival: {dist: exponential, mean: 300s}}
stations:
  - {id: saw, servers: 2, buffer: 2, process: {dist: lognormal, mean: 60s, cv: 0.2}}
  - {id: mill, servers: 2, buffer: 1, process: {dist: lognormal, mean: 150s, cv: 0.3}}
  - {id: lathe, servers: 2, buffer: 1, process: {dist: lognormal, mean: 140s, cv: 0.3}}
  - {id: ship, process: {dist: uniform, min: 20s, max: 40s}}
layout:
  nodes: [{id: sw, x: 0, y: 0}, {id: s1, x: 40, y: 0}, {id: s2, x: 80, y: 0}, {id: n1, x: 40, y: 60}]
  segments: [{path: [sw, s1, s2, n1, sw]}]
  places: {saw: sw, mill: s1, lathe: s2, ship: n1}
fleets:
  - {id: agv, vehicles: 4, speed: 1.0, load: 15s, unload: 15s, home: sw}
)";
  const std::string error = run_error(yaml);
  CHECK_THAT(error, Catch::StartsWith("replication 0: deadlock at t=") && Catch::Contains("agv[0]") &&
                        Catch::Contains("agv[3]") && Catch::EndsWith(NONE_CAN_MOVE));
  SECTION("with unlimited buffers the same shop runs its 44 hours") {
    Run r = load_text(yaml, {"stations.mill.buffer=inf", "stations.lathe.buffer=inf", "stations.saw.buffer=inf"});
    execute(r);
    CHECK(value(r.doc, {"kpis", "completed"}) > 1000);
  }
}

// ---- the plant-level guard -------------------------------------------------------------------

namespace {

// Takes every part at once and keeps it: a model that waits for nothing the graph knows of.
// `stuck`: it says it waits for an item that can never move (ANY of none); otherwise it claims to
// move on by itself although it schedules nothing.
class Keeper final : public kernel::Model, public models::EntryTarget, public models::Waitable {
 public:
  Keeper(kernel::Kernel& k, bool stuck) : stuck_(stuck) { k.add_model(*this, "test/keeper"); }
  void request_entry(models::EntryRequester& r, std::uint64_t tag, const models::Transfer&) override {
    r.hand_over(tag);
    ++kept;
  }
  models::ServerState waiting_state() const override { return models::ServerState::WAITING_TRANSPORT; }
  models::WaitItem entry_wait(const models::EntryRequester&, std::uint64_t) const override { return {this, 0}; }
  std::string entry_name() const override { return "the keeper"; }
  models::WaitKind waits_for(std::uint32_t, std::vector<models::WaitItem>&) const override {
    return stuck_ ? models::WaitKind::ANY : models::WaitKind::MOVES;
  }
  std::string describe_wait(std::uint32_t) const override { return "the keeper holds " + std::to_string(kept) + " part(s)"; }
  void holders(std::vector<models::WaitItem>& out) const override {
    if (kept > 0) out.push_back({this, 0});
  }
  void on_event(const kernel::Event&) override {}
  int kept = 0;

 private:
  bool stuck_;
};

// src -> a -> (keeper) -> b: the keeper swallows every part on its way to b. `b` may fail on the
// calendar basis (events that move no part).
models::ReplicationResult run_with_keeper(bool stuck, std::optional<double> mtbf_s, Tick horizon) {
  LineBuilder b;
  b.source("src", constant(10), 1).station("a", constant(5)).station("b", constant(5));
  if (mtbf_s)
    b.params.stations[1].params.failures = models::FailureParams{constant(*mtbf_s), constant(1), models::FailureParams::Basis::CALENDAR,
                                                                 models::FailureParams::Interrupted::RESUME};
  const models::PlantParams built = b.build();  // outlives the plant
  models::Plant plant(built, 1, 0);
  Keeper keeper(plant.kernel(), stuck);
  plant.context().stalls->add(keeper);
  const_cast<models::RouteStep&>(plant.routes()[0][1]).via = &keeper;
  return plant.run(0, horizon);
}

}  // namespace

TEST_CASE("a calendar that runs dry while parts are in the plant stops the run as a stall", "[stall][guard]") {
  // The one part is kept from 15 s on; nothing is left on the calendar.
  const auto r = run_with_keeper(false, std::nullopt, 1000 * S);
  REQUIRE(r.status == kernel::Kernel::Status::FAILED);
  CHECK(r.failure ==
        "stall at t=15.000000s: 1 part(s) are in the plant and no event is left that can move them: the keeper holds 1 part(s)");
}

TEST_CASE("a stuck part found while other events go on stops the run once no part has moved for a while", "[stall][guard]") {
  // Station b fails every 2 s for 1 s: about 10,000 events in the run, none of them moves a part.
  const auto r = run_with_keeper(true, 1.0, 10000 * S);
  REQUIRE(r.status == kernel::Kernel::Status::FAILED);
  // The keeper waits on nothing: the end of a chain of waits, reported as a stall.
  CHECK_THAT(r.failure, Catch::StartsWith("stall at t=") && Catch::Contains("the keeper holds 1 part(s)"));
  CHECK(r.events < 10000);
}

TEST_CASE("a stuck part found by nothing else stops the run at its end", "[stall][guard]") {
  // b fails every hour: too few events for the periodic check; the check at the end finds it.
  const auto r = run_with_keeper(true, 3600.0, 10000 * S);
  REQUIRE(r.status == kernel::Kernel::Status::FAILED);
  CHECK(r.failure == "stall at t=10000.000000s: the keeper holds 1 part(s). None of these can move again: what they "
                     "wait for never comes back");
}

TEST_CASE("a plant that only waits on its calendar is not a stall", "[stall][guard]") {
  // No part in the plant for most of the run, failures going on: nothing to report.
  LineBuilder b;
  b.source("src", constant(10), 3).station("a", constant(5));
  b.last().failures = models::FailureParams{constant(1), constant(1), models::FailureParams::Basis::CALENDAR,
                                            models::FailureParams::Interrupted::RESUME};
  const auto r = run_plant(b.build(), 0, 20000 * S);
  CHECK(r.status == kernel::Kernel::Status::RUNNING);
  CHECK(r.plant.all.completed == 3);
}

namespace {

// One part (at 10 min) for a station whose work needs an operator of a pool with calendar `c`.
std::string pool_closed(const std::string& until) {
  return R"(plantwin: 1
name: pool-closed
horizon: 1h
calendars:
  - {id: c, closed: [{from: 0s, to: )" + until + R"(}]}
operators:
  - {id: w, count: 1, calendar: c}
products:
  - {id: p, route: [a]}
sources:
  - {id: s, product: p, interarrival: 10min, limit: 1}
stations:
  - {id: a, process: 1min, operators: {work: w}}
)";
}

}  // namespace

TEST_CASE("a part waiting for an operator of a pool closed for good stops the run when it starts waiting", "[stall][planning]") {
  // Closed until 36500 d, the 100-year limit no run reaches: the part that arrives at 600 s waits
  // for ever, though an event for the calendar's change remains on the calendar.
  CHECK(run_error(pool_closed("36500d")) ==
        "replication 0: stall at t=600.000000s: station 'a' server 0 holds a part of 'p' and waits for an operator of "
        "'w'; operator pool 'w' is off shift for good: its calendar 'c' has no on-time left. None of these can move "
        "again: what they wait for never comes back");
}

TEST_CASE("parts waiting for a station off shift for good stop the run, said in words", "[stall][planning]") {
  // A reviewer's plant: b closes at 50 s for 100 years; its buffer fills with parts for it, and
  // the message said "station 'b' server 0 and is off shift for good" until 2026-12-07.
  const std::string text = R"(plantwin: 1
name: station-closed
horizon: 1h
calendars:
  - {id: c, closed: [{from: 50s, to: 36500d}]}
products:
  - {id: p, route: [a, b]}
sources:
  - {id: s, product: p, interarrival: 10s}
stations:
  - {id: a, process: 1s}
  - {id: b, process: 1s, calendar: c}
)";
  CHECK_THAT(run_error(text),
             Catch::Contains("station 'b' server 0 is off shift for good (its calendar 'c' has no on-time left)"));
}

TEST_CASE("a part waiting for a pool's next on-time after the end of the run is no stall", "[stall][planning]") {
  // Closed for a day: the pool comes back after the 1 h horizon; the part merely waits for it.
  const Run r = run_text(pool_closed("1d"));
  CHECK(value(r.doc, {"stations", "a", "states", "waiting_operator"}) == Approx(50.0 / 60));
}

TEST_CASE("a work that restarts after every failure and outlasts the longest time to failure stops the run", "[stall][failures]") {
  // Failures every 3 s exactly; `q`'s 10 s of work start over after each one and never end. `p`'s
  // 1 s fit, so the scenario loads with a warning, and the run stops at the first restart of `q`.
  const std::string text = R"(plantwin: 1
name: restart-for-ever
horizon: 1h
products:
  - {id: p, route: [a]}
  - {id: q, route: [a]}
sources:
  - {id: s, orders: [{id: o1, product: p, quantity: 2}, {id: o2, product: q, quantity: 1, release: 5s}]}
stations:
  - id: a
    process: {p: 1s, q: 10s}
    failures: {mtbf: 3s, mttr: 1s, basis: calendar, interrupted: restart}
)";
  CHECK(run_error(text) ==
        "replication 0: stall at t=7.000000s: station 'a' server 0 holds a part of 'q' whose work of 10s starts over after "
        "each failure (`interrupted: restart`), and a failure comes at most 3s after the last one. None of these can move "
        "again: what they wait for never comes back");
  // The same work with `resume` ends (the failures only pause it).
  std::string resumed = text;
  resumed.replace(resumed.find("restart}"), 7, "resume");
  const Run r = run_text(resumed);
  CHECK(value(r.doc, {"stations", "a", "completed"}) == 3);
}

TEST_CASE("a restart stall is only called where a failure can interrupt the work", "[stall][failures]") {
  const auto plant = [](const std::string& station) {
    return "plantwin: 1\nname: r\nhorizon: 70s\nproducts:\n  - {id: p, route: [a]}\n  - {id: q, route: [a]}\n"
           "sources: [{id: s, mix: {p: 1, q: 1}, saturated: true}]\nstations:\n  - " + station + "\n";
  };
  // The operating basis counts working time only: a 30 s setup is never interrupted, and the run
  // ends at its horizon in the middle of one.
  const Run operating = run_text(plant("{id: a, process: 5s, setup: 30s, failures: {mtbf: 20s, mttr: 5s, interrupted: restart, basis: operating}}"));
  CHECK(value(operating.doc, {"stations", "a", "completed"}) >= 1);
  // On the calendar basis the same setup starts over at every failure.
  CHECK_THAT(run_error(plant("{id: a, process: 5s, setup: 30s, failures: {mtbf: 20s, mttr: 5s, interrupted: restart, basis: calendar}}")),
             Catch::Contains("whose setup of 30s starts over after each failure"));
  // A value of weight 0 is never drawn: failures come at most 20 s apart, and the 30 s work of
  // `q` never ends.
  CHECK_THAT(run_error(plant("{id: a, process: {p: 5s, q: 30s}, failures: {mtbf: {dist: empirical, values: [20s, 100s], "
                             "weights: [1, 0]}, mttr: 5s, interrupted: restart, basis: calendar}}")),
             Catch::Contains("whose work of 30s starts over after each failure") && Catch::Contains("at most 20s after the last one"));
}

TEST_CASE("on the calendar basis a station's shifts can carry a restarted work past the failures", "[stall][failures][planning]") {
  // Closed [40, 50) and [65, 75) s...; failures every 20 s after a 5 s repair. The 30 s work
  // starts at 0, restarts at 25 after the failure at 20, is paused at 40 with 15 s done; the
  // failure at 45 comes off shift and leaves it as it is; 15 s more from 50 end it at 65.
  const Run r = run_text(R"(plantwin: 1
name: shifts
horizon: 66s
calendars: [{id: c, closed: [{from: 40s, to: 50s}, {from: 65s, to: 75s}]}]
products: [{id: p, route: [a]}]
sources: [{id: s, orders: [{id: o, product: p, quantity: 1}]}]
stations:
  - {id: a, process: 30s, calendar: c, failures: {mtbf: 20s, mttr: 5s, interrupted: restart, basis: calendar}}
)");
  CHECK(value(r.doc, {"stations", "a", "completed"}) == 1);
}

TEST_CASE("a kit or a batch that can never complete stops the run while another line keeps working", "[stall][station]") {
  // The plan's order D1 holds the source's WIP limit of 2 with a board and one of the two housings
  // its kit needs; the rest of its components wait behind the limit for ever. The lathe's shafts
  // keep moving: a source of other products must not count as a supply of housings.
  const std::string shafts = R"(
  - {id: shafts, product: shaft, interarrival: 60s}
stations:
  - {id: lathe, process: 30s})";
  const std::string kit = R"(plantwin: 1
name: kit-frozen
horizon: 8h
products:
  - {id: board, route: [smt, box]}
  - {id: housing, route: [mold, box]}
  - {id: device, bom: {board: 1, housing: 2}, route: [box, test]}
  - {id: shaft, route: [lathe]}
sources:
  - id: plan
    wip_limit: 2
    orders:
      - {id: D1, product: device, quantity: 5, release: 0s, due: 4h})" + shafts + R"(
  - {id: smt, process: 60s}
  - {id: mold, process: 20s}
  - {id: box, process: 30s}
  - {id: test, process: 10s}
)";
  const std::string kit_error = run_error(kit);
  CHECK_THAT(kit_error, Catch::StartsWith("replication 0: deadlock at t="));
  CHECK_THAT(kit_error, Catch::Contains("station 'box' has 2 part(s) in its buffer waiting for a kit of 'device' (board 1/1, housing 1/2)"));
  // Five parts of an order can never fill a batch of 12.
  const std::string batch = R"(plantwin: 1
name: batch-frozen
horizon: 8h
products:
  - {id: p, route: [oven]}
  - {id: shaft, route: [lathe]}
sources:
  - id: plan
    orders:
      - {id: P1, product: p, quantity: 5, release: 0s})" + shafts + R"(
  - {id: oven, process: 5min, batch: {max: 12}}
)";
  const std::string batch_error = run_error(batch);
  CHECK_THAT(batch_error, Catch::StartsWith("replication 0: deadlock at t="));
  CHECK_THAT(batch_error, Catch::Contains("station 'oven' has 5 part(s) in its buffer waiting to fill a batch of 12"));
  // The same plants with what they lack: the kits complete (no WIP limit), the batch fills (12
  // parts), beside the same lathe; no stall.
  for (std::string healthy : {kit, batch}) {
    if (const auto at = healthy.find("    wip_limit: 2\n"); at != std::string::npos) healthy.erase(at, 17);
    if (const auto at = healthy.find("quantity: 5, release: 0s}"); at != std::string::npos && healthy.find("oven") != std::string::npos)
      healthy.replace(at, 11, "quantity: 12");
    Run r = load_text(healthy);
    execute(r, false);
    INFO(healthy);
    CHECK(r.outcome.ok);
  }
}

TEST_CASE("a group that can never start stops the run at once while its station works on others", "[stall][station]") {
  // The oven keeps batching the flow's p; the three q of order Q1 can never fill a batch of 12.
  // The oven's buffer moves, its q group does not: the run stops when the third q comes in.
  const std::string batch = R"(plantwin: 1
name: batch-group
horizon: 8h
products:
  - {id: p, route: [a, oven]}
  - {id: q, route: [a, oven]}
sources:
  - {id: flow, product: p, interarrival: 60s}
  - id: plan
    orders:
      - {id: Q1, product: q, quantity: 3, release: 0s, due: 2h}
stations:
  - {id: a, process: 10s}
  - {id: oven, process: 5min, batch: {max: 12}}
)";
  const std::string batch_error = run_error(batch);
  CHECK_THAT(batch_error, Catch::StartsWith("replication 0: deadlock at t=30.000000s: station 'oven' has 3 part(s) in its buffer "
                                            "waiting to fill a batch of 12 of 'q' (no max_wait"));
  CHECK_THAT(batch_error, Catch::Contains("no source can release more parts of 'q'"));
  // A housing source of its own, at its WIP limit of 4, fills the box with housings of no order
  // (their boards are bought at 5h); D1's board and first housing hold the plan's limit of 2:
  // D1's kit never completes.
  const std::string kit = R"(plantwin: 1
name: kit-group
horizon: 8h
products:
  - {id: board, route: [smt, box]}
  - {id: housing, route: [mold, box]}
  - {id: device, bom: {board: 1, housing: 2}, route: [box, test]}
sources:
  - {id: hs, product: housing, interarrival: 10s, wip_limit: 4}
  - id: plan
    wip_limit: 2
    orders:
      - {id: D1, product: device, quantity: 5, release: 1h, due: 4h}
  - id: bought
    orders:
      - {id: B1, product: board, quantity: 2, release: 5h}
stations:
  - {id: smt, process: 60s}
  - {id: mold, process: 20s}
  - {id: box, process: 30s, buffer: 4}
  - {id: test, process: 10s}
)";
  const std::string kit_error = run_error(kit);
  CHECK_THAT(kit_error, Catch::StartsWith("replication 0: deadlock at t=3660.000000s"));
  CHECK_THAT(kit_error, Catch::Contains("station 'box' has 2 part(s) in its buffer waiting for a kit of 'device' "
                                        "(board 1/1, housing 1/2) for order 'D1'"));
  // Without the bought boards, the housings of no order can never make a kit: D1's boards are
  // no supply for them (a kit takes components of one order). The run stops when the first one
  // comes into the box (10 s + 20 s at mold), hours before D1 is released.
  std::string unbought = kit;
  unbought.erase(unbought.find("  - id: bought\n"), unbought.find("stations:") - unbought.find("  - id: bought\n"));
  const std::string orderless = run_error(unbought);
  CHECK_THAT(orderless, Catch::StartsWith("replication 0: stall at t=30.000000s: station 'box' has 1 part(s) in its buffer "
                                          "waiting for a kit of 'device' (board 0/1, housing 1/2); no source can release "
                                          "more parts of 'board' for kits of no order"));
  // D1's own kit waits for D1's components only: with a plan whose WIP limit lets all of D1 in and
  // the bought boards, the run completes D1 and the bought kits; the 4 housings left wait for
  // boards of no order once B1's are used, and the run stops then, not at the horizon.
  std::string free_plan = kit;
  free_plan.erase(free_plan.find("    wip_limit: 2\n"), 17);
  const std::string late = run_error(free_plan);
  CHECK_THAT(late, Catch::StartsWith("replication 0: stall at t="));
  CHECK_THAT(late, !Catch::Contains("t=28800"));
  CHECK_THAT(late, Catch::Contains("waiting for a kit of 'device' (board 0/1"));
  CHECK_THAT(late, !Catch::Contains("for order 'D1'"));
}

TEST_CASE("a saturated mix whose batch of one product can never fill stops the run while another line works", "[stall][station]") {
  // The saturated source creates parts for the oven while fewer than 3 wait; 2 of one product and
  // 1 of the other (or any split short of 3 of one) fill that share, no batch can start, and no
  // part will ever be created again. The mill's line keeps the calendar busy: the oven's groups
  // are found at once, not left to pass.
  const std::string text = R"(plantwin: 1
name: saturated-mix
horizon: 8h
products:
  - {id: p, route: [oven]}
  - {id: q, route: [oven]}
  - {id: r, route: [mill]}
sources:
  - {id: s, mix: {p: 1, q: 1}, saturated: true}
  - {id: other, product: r, interarrival: 60s}
stations:
  - {id: oven, process: 60s, batch: {max: 3}}
  - {id: mill, process: 30s}
)";
  const std::string error = run_error(text);
  CHECK_THAT(error, Catch::StartsWith("replication 0: deadlock at t="));
  CHECK_THAT(error, Catch::Contains("station 'oven' has ") && Catch::Contains("waiting to fill a batch of 3 of '"));
  CHECK_THAT(error, !Catch::Contains("t=28800"));
  // With max_wait a partial batch starts, the server frees, and the source creates again.
  std::string waits = text;
  waits.replace(waits.find("batch: {max: 3}"), 15, "batch: {max: 3, max_wait: 5min}");
  const Run r = run_text(waits);
  CHECK(value(r.doc, {"stations", "oven", "completed"}) > 100);
}

TEST_CASE("parts on their way to an assembly supply the batch of its product downstream", "[stall][station]") {
  // Devices are assembled at box and batched by 4 at the oven. While a group of devices waits at
  // the oven, the boards and housings still on their way are its supply: no stall, 8 devices.
  const std::string text = R"(plantwin: 1
name: asm-batch
horizon: 8h
products:
  - {id: board, route: [smt, box]}
  - {id: housing, route: [mold, box]}
  - {id: device, bom: {board: 1, housing: 2}, route: [box, oven]}
sources:
  - id: plan
    orders:
      - {id: D1, product: device, quantity: 8, release: 0s}
stations:
  - {id: smt, process: 60s}
  - {id: mold, process: 20s}
  - {id: box, process: 30s}
  - {id: oven, process: 5min, batch: {max: 4}}
)";
  const Run r = run_text(text);
  CHECK(value(r.doc, {"stations", "oven", "completed"}) == 8);
  // Nine devices: the ninth can never fill a batch; the run stops when it arrives, not before.
  std::string nine_text = text;
  nine_text.replace(nine_text.find("quantity: 8"), 11, "quantity: 9");
  const std::string nine = run_error(nine_text);
  CHECK_THAT(nine, Catch::StartsWith("replication 0: deadlock at t="));
  CHECK_THAT(nine, Catch::Contains("station 'oven' has 1 part(s) in its buffer waiting to fill a batch of 4 of 'device'"));
}
