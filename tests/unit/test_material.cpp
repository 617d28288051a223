// Material flow as plants run it (PLANNING.md §4–5, docs/planning.md): batches, release control,
// rework, alternative stations, assembly and queue disciplines, from YAML to the result document,
// with the exact cases worked by hand.
#include <catch2/catch.hpp>

#include "cli/report.hpp"
#include "test_transport_support.hpp"

using namespace plantwin;
using namespace plantwin::transport_testing;

TEST_CASE("a batch oven of 8 parts and 5 min fed without limit makes 96 parts an hour", "[material][batch]") {
  const Run r = run_text(R"(plantwin: 1
name: batch
horizon: 10h
warmup: 1h
products: [{id: p, route: [oven]}]
sources: [{id: s, product: p, saturated: true}]
stations:
  - {id: oven, process: 5min, batch: {max: 8}}
)");
  CHECK(value(r.doc, {"kpis", "throughput_per_h"}) == Approx(96));
  CHECK(value(r.doc, {"stations", "oven", "batches", "count"}) == 120);
  CHECK(value(r.doc, {"stations", "oven", "batches", "mean_size"}) == 8);
  CHECK(value(r.doc, {"stations", "oven", "batches", "fill_wait_s"}) == 0);
  CHECK(value(r.doc, {"stations", "oven", "utilization"}) == 1.0);
}

TEST_CASE("a batch starts below max once its oldest part has waited max_wait", "[material][batch]") {
  // Parts at 50, 100, 150, 200 s; the oldest has waited 3 min at 230 s: a batch of 4 starts.
  const Run r = run_text(R"(plantwin: 1
name: batch-wait
horizon: 240s
products: [{id: p, route: [oven]}]
sources: [{id: s, product: p, interarrival: 50s}]
stations:
  - {id: oven, process: 1min, batch: {max: 8, min: 2, max_wait: 3min}}
)");
  CHECK(value(r.doc, {"stations", "oven", "batches", "count"}) == 1);
  CHECK(value(r.doc, {"stations", "oven", "batches", "mean_size"}) == 4);
  CHECK(value(r.doc, {"stations", "oven", "batches", "fill_wait_s"}) == 180);
}

TEST_CASE("CONWIP: wip_limit 1 on a 10 s + 20 s + 30 s line releases one part per 60 s", "[material][release]") {
  const Run r = run_text(R"(plantwin: 1
name: conwip
horizon: 10h
warmup: 1h
products: [{id: p, route: [a, b, c]}]
sources: [{id: s, product: p, interarrival: 1s, wip_limit: 1}]
stations:
  - {id: a, process: 10s}
  - {id: b, process: 20s}
  - {id: c, process: 30s}
)");
  CHECK(value(r.doc, {"kpis", "throughput_per_h"}) == Approx(60));
  CHECK(value(r.doc, {"kpis", "wip"}) == Approx(1));
  CHECK(value(r.doc, {"kpis", "lead_time_s"}) == Approx(60));
  CHECK(value(r.doc, {"sources", "s", "backlog"}) > 1000);  // 60 parts a minute held back, 1 released
}

namespace {
const std::string REWORK = R"(plantwin: 1
name: rework
horizon: 300h
products: [{id: p, route: [test, pack]}]
sources: [{id: s, product: p, interarrival: {dist: exponential, mean: 10s}}]
stations:
  - id: test
    process: 1s
    yield: 0.8
    rejects: {route: [repair], then: back}
  - {id: repair, process: 2s}
  - {id: pack, process: 1s}
)";
}

TEST_CASE("rework: a part is tested 1/y times on average, and max_attempts scraps (1-y)^k of them", "[material][rework]") {
  const Run back = run_text(REWORK);
  const double good = value(back.doc, {"stations", "test", "completed"});
  const double rejected = value(back.doc, {"stations", "test", "rejected"});
  REQUIRE(good > 100000);
  // Tests per good part: 1/y = 1.25; each failed test is one repair.
  CHECK((good + rejected) / good == Approx(1.25).epsilon(0.01));
  CHECK(value(back.doc, {"stations", "test", "visits_per_good_part"}) == Approx(1.25).epsilon(0.01));
  CHECK(value(back.doc, {"stations", "test", "reworked"}) == rejected);
  CHECK(value(back.doc, {"stations", "repair", "completed"}) == Approx(rejected).margin(2));
  CHECK(value(back.doc, {"stations", "test", "scrapped"}) == 0);
  CHECK(value(back.doc, {"stations", "test", "quality"}) == Approx(0.8).epsilon(0.01));
  CHECK(value(back.doc, {"stations", "pack", "completed"}) == Approx(good).margin(2));

  const Run limited = run_text(REWORK, {"stations.test.rejects.max_attempts=2"});
  const double parts = value(limited.doc, {"stations", "pack", "completed"}) + value(limited.doc, {"kpis", "scrapped"});
  const double scrap_share = value(limited.doc, {"kpis", "scrapped"}) / parts;
  // (1 - y)^2 = 0.04; about 108,000 parts: a standard error of 0.0006.
  CHECK(scrap_share == Approx(0.04).margin(0.003));

  const Run next = run_text(REWORK, {"stations.test.rejects.then=next"});
  // Tested once each: rejects are repaired and go on to pack.
  const double tested = value(next.doc, {"stations", "test", "completed"}) + value(next.doc, {"stations", "test", "rejected"});
  CHECK(value(next.doc, {"stations", "test", "rejected"}) / tested == Approx(0.2).margin(0.005));
  CHECK(value(next.doc, {"stations", "pack", "completed"}) == Approx(tested).margin(3));
}

TEST_CASE("a station with a yield below 1 and no rejects reports its failed passes as rejected", "[material][rework]") {
  // yield 0: every pass fails and scraps its part. Passes end at 10 s, 20 s, ..., 90 s (the one at
  // 100 s is outside the window): 9 rejected, 9 scrapped, none completed.
  const Run r = run_text(R"(plantwin: 1
name: scrap-all
horizon: 100s
products: [{id: p, route: [smt, pack]}]
sources: [{id: s, product: p, saturated: true}]
stations:
  - {id: smt, process: 10s, yield: 0}
  - {id: pack, process: 1s}
)");
  CHECK(value(r.doc, {"stations", "smt", "rejected"}) == 9);
  CHECK(value(r.doc, {"stations", "smt", "scrapped"}) == 9);
  CHECK(value(r.doc, {"stations", "smt", "completed"}) == 0);
  // Rework's own keys stay with `rejects`; a station that cannot fail a part has no `rejected`.
  CHECK(r.doc.find("stations")->find("smt")->find("reworked") == nullptr);
  CHECK(r.doc.find("stations")->find("pack")->find("rejected") == nullptr);
  // The CLI's material table shows it, with the rework column blank.
  const std::string table = cli::format_material_report(r.doc);
  CHECK_THAT(table, Catch::Contains("smt"));
  CHECK_THAT(table, !Catch::Contains("pack"));
}

TEST_CASE("alternatives: the least-loaded station per server, ties by list order, weights draw", "[material][alternatives]") {
  // Deterministic: a part every 60 s, 100 s on either mill. Part 1 finds both empty: m1 (list
  // order); part 2 finds m1 busy: m2; part 3 finds m1 free again: m1; ... they alternate.
  const std::string yaml = R"(plantwin: 1
name: mills
horizon: 10h
products: [{id: p, route: [{any: [m1, m2]}]}]
sources: [{id: s, product: p, interarrival: 60s}]
stations:
  - {id: m1, process: 100s}
  - {id: m2, process: 100s}
)";
  const Run r = run_text(yaml);
  const double m1 = value(r.doc, {"stations", "m1", "completed"}), m2 = value(r.doc, {"stations", "m2", "completed"});
  CHECK(m1 + m2 == value(r.doc, {"kpis", "completed"}));
  CHECK(m1 - m2 >= 0);
  CHECK(m1 - m2 <= 1);
  CHECK(value(r.doc, {"kpis", "lead_time_s"}) == Approx(100));  // never waits

  const Run weighted =
      run_text(yaml, {"products.p.route.0={any: [m1, m2], weights: {m1: 3, m2: 1}}", "horizon=1000h", "stations.m1.process=1s",
                      "stations.m2.process=1s"});
  const double w1 = value(weighted.doc, {"stations", "m1", "completed"});
  const double w2 = value(weighted.doc, {"stations", "m2", "completed"});
  CHECK(w1 / (w1 + w2) == Approx(0.75).margin(0.01));  // 60,000 draws: a standard error of 0.0018
}

TEST_CASE("assembly: components become one device per kit, consumed where it is assembled", "[material][assembly]") {
  // Ten devices, each of 1 board (60 s at smt) and 2 housings (20 s at mold); box 30 s, test 10 s.
  // Device k is assembled when board k arrives at 60k s (its housings came earlier): done at
  // 60k + 40 s; lead times from time 0 (its earliest component): mean 60 * 5.5 + 40 = 370 s.
  const Run r = run_text(R"(plantwin: 1
name: assembly
horizon: 10h
products:
  - {id: board, route: [smt, box]}
  - {id: housing, route: [mold, box]}
  - {id: device, bom: {board: 1, housing: 2}, route: [box, test]}
sources:
  - id: plan
    orders: [{id: o1, product: device, quantity: 10, release: 0s, due: 2h}]
stations:
  - {id: smt, process: 60s}
  - {id: mold, process: 20s}
  - {id: box, process: {device: 30s}}
  - {id: test, process: 10s}
)");
  CHECK(value(r.doc, {"kpis", "completed"}) == 10);
  CHECK(value(r.doc, {"stations", "box", "consumed"}) == 30);
  CHECK(value(r.doc, {"stations", "smt", "completed"}) == 10);
  CHECK(value(r.doc, {"stations", "mold", "completed"}) == 20);
  CHECK(value(r.doc, {"kpis", "lead_time_s"}) == Approx(370));
  CHECK(value(r.doc, {"orders", "by_order", "o1", "done_s"}) == 640);
}

TEST_CASE("a scrapped component is made again by its source: every kit completes", "[material][assembly]") {
  // Half the boards are scrapped at smt: each one scrapped is released again, so the order's ten
  // devices are all made, from 10 good boards out of about 20.
  const Run r = run_text(R"(plantwin: 1
name: assembly-scrap
horizon: 10h
replications: 3
products:
  - {id: board, route: [smt, box]}
  - {id: housing, route: [mold, box]}
  - {id: device, bom: {board: 1, housing: 2}, route: [box, test]}
sources:
  - id: plan
    orders: [{id: o1, product: device, quantity: 10, release: 0s}]
stations:
  - {id: smt, process: 60s, yield: 0.5}
  - {id: mold, process: 20s}
  - {id: box, process: {device: 30s}}
  - {id: test, process: 10s}
)");
  CHECK(value(r.doc, {"kpis", "completed"}) == 10);
  CHECK(value(r.doc, {"stations", "box", "consumed"}) == 30);
  CHECK(value(r.doc, {"stations", "smt", "completed"}) == 10);
  CHECK(value(r.doc, {"stations", "smt", "scrapped"}) == value(r.doc, {"kpis", "scrapped"}));
  CHECK(value(r.doc, {"orders", "completed"}) == 1);
}

TEST_CASE("under a WIP limit of one kit, a scrapped component's replacement takes its place ahead of the backlog", "[material][assembly]") {
  // The plan lets one kit's 3 components in at a time. A scrapped board frees its place: the board
  // made again takes it. Were it released behind the backlog, the next kit's housing would take
  // the place, and two housings and a third would hold the whole limit at the box while the board
  // waits outside: replication 0 froze at t=416 s that way.
  const Run r = run_text(R"(plantwin: 1
name: assembly-scrap-limit
horizon: 1d
replications: 20
products:
  - {id: board, route: [smt, box]}
  - {id: housing, route: [mold, box]}
  - {id: device, bom: {board: 1, housing: 2}, route: [box, test]}
sources:
  - id: plan
    wip_limit: 3
    orders:
      - {id: D1, product: device, quantity: 8, release: 0s}
      - {id: D2, product: device, quantity: 8, release: 1h}
stations:
  - {id: smt, process: {dist: exponential, mean: 60s}, yield: 0.6}
  - {id: mold, process: {dist: exponential, mean: 25s}}
  - {id: box, process: {device: 30s}}
  - {id: test, process: 10s}
)");
  CHECK(value(r.doc, {"kpis", "completed"}) == 16);
  CHECK(value(r.doc, {"orders", "completed"}) == 2);
  CHECK(value(r.doc, {"stations", "smt", "completed"}) == 16);
  CHECK(value(r.doc, {"kpis", "scrapped"}) > 5);
}

namespace {
// Three orders at one instant at one machine of 10 s (products with 30, 10 and 20 s at spt's
// station): the discipline alone decides the order.
const std::string DISCIPLINES = R"(plantwin: 1
name: disciplines
horizon: 1h
products: [{id: a, route: [m]}, {id: b, route: [m]}, {id: c, route: [m]}]
sources:
  - id: plan
    orders:
      - {id: A, product: a, priority: 1, due: 100s}
      - {id: B, product: b, priority: 5, due: 300s}
      - {id: C, product: c, priority: 3, due: 50s}
stations:
  - {id: m, process: {a: 30s, b: 10s, c: 20s}}
)";
std::vector<double> done(const Run& r) {
  return {value(r.doc, {"orders", "by_order", "A", "done_s"}), value(r.doc, {"orders", "by_order", "B", "done_s"}),
          value(r.doc, {"orders", "by_order", "C", "done_s"})};
}
}  // namespace

TEST_CASE("queue disciplines pick by arrival, priority, due date and process time", "[material][queue]") {
  CHECK(done(run_text(DISCIPLINES)) == std::vector<double>{30, 40, 60});                       // A B C
  CHECK(done(run_text(DISCIPLINES, {"stations.m.queue=priority"})) == std::vector<double>{60, 10, 30});  // B C A
  CHECK(done(run_text(DISCIPLINES, {"stations.m.queue=edd"})) == std::vector<double>{50, 60, 20});       // C A B
  CHECK(done(run_text(DISCIPLINES, {"stations.m.queue=spt"})) == std::vector<double>{60, 10, 30});       // B C A
}

TEST_CASE("at an assembly station, spt and setup judge a kit by its assembled product", "[material][queue][assembly]") {
  // A reviewer's cases. X's kit (dev1, 100 s) is built 10-110 s; Y's (dev1) completes at 20 s, Z's
  // (dev2, 10 s) at 60 s. At 110 s, spt takes Z (done 120 s) before Y (220 s). With a 50 s setup
  // and the orders X, Z, Y, `setup` keeps dev1: Y is done at 210 s, Z at 210 + 50 + 10 = 270 s, and
  // the server sets up once (50 s of 1,000). Until 2026-12-07 both rules compared the components'
  // own products and steps (no process time here, never the server's last product): arrival order.
  const std::string kits = R"(plantwin: 1
name: kits
horizon: 1000s
products:
  - {id: c1, route: [s1, box]}
  - {id: c2, route: [s2, box]}
  - {id: dev1, bom: {c1: 1}, route: [box]}
  - {id: dev2, bom: {c2: 1}, route: [box]}
sources:
  - id: plan
    orders:
      - {id: X, product: dev1, release: 0s}
      - {id: Y, product: dev1, release: 1s}
      - {id: Z, product: dev2, release: 50s}
stations:
  - {id: s1, process: 10s}
  - {id: s2, process: 10s}
  - {id: box, process: {dev1: 100s, dev2: 10s}, queue: spt}
)";
  const auto done_s = [](const Run& r, const char* order) { return value(r.doc, {"orders", "by_order", order, "done_s"}); };
  const Run spt = run_text(kits);
  CHECK(done_s(spt, "Z") == 120);
  CHECK(done_s(spt, "Y") == 220);
  std::string setup = kits;
  setup.replace(setup.find("Y, product: dev1, release: 1s"), 29, "Y, product: dev1, release: 2s");
  setup.replace(setup.find("Z, product: dev2, release: 50s"), 30, "Z, product: dev2, release: 1s");
  setup.replace(setup.find("queue: spt"), 10, "setup: 50s, queue: setup");
  const Run kept = run_text(setup);
  CHECK(done_s(kept, "Y") == 210);
  CHECK(done_s(kept, "Z") == 270);
  CHECK(value(kept.doc, {"stations", "box", "states", "setup"}) == Approx(0.05));
  // `priority` and `edd` read the kit's order: B's board (an order of the component, priority 9,
  // due 20 s) makes a kit of no order, which goes after D's (priority 5, due 500 s). D is done at
  // 210 s; B's board is consumed when its kit starts, at 210 s too. Until a reviewer's case on
  // 2026-12-07 the board's own order put its kit first (B done at 110 s, D at 310 s).
  const std::string orders = R"(plantwin: 1
name: kits-prio
horizon: 1000s
products:
  - {id: c1, route: [s1, box]}
  - {id: dev1, bom: {c1: 1}, route: [box]}
sources:
  - id: plan
    orders:
      - {id: X, product: dev1, release: 0s}
      - {id: B, product: c1, release: 1s, priority: 9, due: 20s}
      - {id: D, product: dev1, release: 2s, priority: 5, due: 500s}
stations:
  - {id: s1, process: 10s}
  - {id: box, process: {dev1: 100s}, queue: priority}
)";
  for (const char* queue : {"priority", "edd"}) {
    const Run r = run_text(orders, {std::string("stations.box.queue=") + queue});
    CHECK(done_s(r, "D") == 210);
    CHECK(done_s(r, "B") == 210);
  }
}

TEST_CASE("material flow's errors are located", "[material][loader]") {
  const std::string base = R"(plantwin: 1
name: bad
horizon: 1h
products: [{id: p, route: [{any: [m1]}]}]
sources: [{id: s, product: p, interarrival: 1min}]
stations: [{id: m1, process: 10s}]
)";
  CHECK_THAT(load_error(base), Catch::Contains("products[0].route[0].any: alternatives need at least two stations"));
  CHECK_THAT(load_error(base, {"products.p.route.0={any: [m1, m1]}"}), Catch::Contains("listed twice"));
  {
    // Said once at each repeat, however often the station came before.
    const auto thrice = *scenario::parse_override("products.p.route.0={any: [m1, m1, m1]}");
    const auto result = scenario::load_scenario_text(base, "t.yaml", {thrice});
    CHECK(result.diagnostics.error_count() == 2);
    CHECK(result.diagnostics.first_error() == "--set[1]:1:31: error: products[0].route[0].any[1]: station 'm1' is listed twice");
  }
  CHECK_THAT(load_error(base, {"products.p.route.0=m1", "stations.m1.batch={max: 2, min: 3}"}),
             Catch::Contains("stations[0].batch.min: min 3 is more than max 2"));
  CHECK_THAT(load_error(base, {"products.p.route.0=m1", "stations.m1.rejects={route: [m1]}", "stations.m1.yield=0.9"}),
             Catch::Contains("a rework route leads away from the station"));
  CHECK_THAT(load_error(base, {"products.p.route.0=m1", "stations.m1.queue=lifo"}), Catch::Contains("stations[0].queue"));
  CHECK_THAT(load_error(base, {"products.p.route.0=m1", "sources.s.wip_limit=0"}), Catch::Contains("sources[0].wip_limit"));
  // A component that visits its assembly station before the end of its route was assembled at
  // that first visit and never went on (a reviewer's case, refused since 2026-12-07).
  const std::string revisit = R"(plantwin: 1
name: bad
horizon: 1h
products:
  - {id: c1, route: [box, s1, box]}
  - {id: dev1, bom: {c1: 1}, route: [box]}
sources: [{id: plan, orders: [{id: o, product: dev1, release: 0s}]}]
stations: [{id: s1, process: 10s}, {id: box, process: {dev1: 10s}}]
)";
  CHECK(load_error(revisit) ==
        "t.yaml:5:22: error: products[0].route[0]: component 'c1' would be assembled into 'dev1' here, at its first visit to "
        "'box', and never go on: a component visits its assembly station only at the end of its route");
}

TEST_CASE("a kit that can never complete and a batch that can never fill stop the run as stalls", "[material][stall]") {
  // One board for two devices: the second kit waits for ever.
  const std::string kit = run_error(R"(plantwin: 1
name: kit-stall
horizon: 1h
products:
  - {id: board, route: [smt, box]}
  - {id: housing, route: [mold, box]}
  - {id: device, bom: {board: 1, housing: 1}, route: [box]}
sources:
  - {id: boards, product: board, interarrival: 60s, limit: 1}
  - {id: housings, product: housing, interarrival: 60s, limit: 2}
stations:
  - {id: smt, process: 10s}
  - {id: mold, process: 10s}
  - {id: box, process: {device: 30s}}
)");
  CHECK_THAT(kit, Catch::Contains("station 'box' has 1 part(s) in its buffer waiting for a kit of 'device' (board 0/1, housing 1/1)"));
  // Three parts for a batch of four without max_wait: they wait for ever once the supply ends.
  const std::string batch = run_error(R"(plantwin: 1
name: batch-stall
horizon: 1h
products: [{id: p, route: [oven]}]
sources: [{id: s, product: p, interarrival: 60s, limit: 3}]
stations:
  - {id: oven, process: 5min, batch: {max: 4}}
)");
  CHECK_THAT(batch, Catch::Contains("station 'oven' has 3 part(s) in its buffer waiting to fill a batch of 4"));
}

TEST_CASE("a batch that can never fill stops the run even while shifts keep the calendar ticking", "[material][stall]") {
  // The shift's boundaries are events until the horizon, so the calendar never runs dry. The 13th
  // part is stuck once the batch of the first 12 has left (7h + 12 x 60s + 20min = 27,120 s): the
  // oven picks then, and nothing else can bring a part of 'p'.
  const std::string text = R"(plantwin: 1
name: shift-batch-stall
horizon: 2d
calendars: [{id: day, shifts: [{from: 7h, to: 15h}]}]
products: [{id: p, route: [a, oven]}]
sources: [{id: s, orders: [{id: o, product: p, quantity: 13, release: 7h}]}]
stations:
  - {id: a, process: 60s, calendar: day}
  - {id: oven, process: 20min, calendar: day, batch: {max: 12}}
)";
  const std::string batch = run_error(text);
  CHECK_THAT(batch, Catch::Contains("deadlock at t=27120.000000s"));
  CHECK_THAT(batch, Catch::Contains("station 'oven' has 1 part(s) in its buffer waiting to fill a batch of 12 of 'p'"));
  CHECK_THAT(batch, Catch::Contains("no source can release more parts of 'p' (none left, or held back by a WIP limit)"));
  // With parts still to come (an order released after the horizon), the same buffer is no stall.
  const Run later = run_text(text, {"sources.s.orders=[{id: o, product: p, quantity: 13, release: 7h}, {id: o2, product: p, quantity: 11, release: 3d}]"});
  CHECK(value(later.doc, {"stations", "oven", "completed"}) == 12);
}

TEST_CASE("least-loaded alternatives sit between an M/M/2 and two separate M/M/1 queues", "[material][alternatives][theory]") {
  // lambda = 1/60 s, mu = 1/100 s per mill (rho = 0.833). One shared queue (M/M/2): W = 327.3 s;
  // a random split into two M/M/1 queues: W = 600 s. Joining the shorter queue, with the choice
  // final, lies between; the two mills share the work evenly.
  const Run r = run_text(R"(plantwin: 1
name: jsq
horizon: 400h
warmup: 20h
replications: 4
products: [{id: p, route: [{any: [m1, m2]}]}]
sources: [{id: s, product: p, interarrival: {dist: exponential, mean: 60s}}]
stations:
  - {id: m1, process: {dist: exponential, mean: 100s}}
  - {id: m2, process: {dist: exponential, mean: 100s}}
)");
  const double w = value(r.doc, {"kpis", "lead_time_s"});
  CHECK(w > 327.3 * 1.02);
  CHECK(w < 600 * 0.8);
  const double u1 = value(r.doc, {"stations", "m1", "utilization"}), u2 = value(r.doc, {"stations", "m2", "utilization"});
  CHECK(u1 + u2 == Approx(2 * 100.0 / 60 / 2).epsilon(0.02));
  CHECK(u1 - u2 == Approx(0.08).margin(0.06));  // ties go to m1: 0.876 against 0.792 in 4 x 200 h
}
