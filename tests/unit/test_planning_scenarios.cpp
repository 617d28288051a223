// The planner's vocabulary from YAML to the result document: calendars, maintenance and operator
// pools as a planner writes them (docs/planning.md), with PLANNING.md's exact cases.
#include <catch2/catch.hpp>

#include <cmath>

#include "test_transport_support.hpp"

using namespace plantwin;
using namespace plantwin::transport_testing;

namespace {

const std::string ONE_SHIFT = R"(plantwin: 1
name: one-shift
horizon: 1d
products: [{id: p, route: [m]}]
sources: [{id: s, product: p, saturated: true}]
calendars:
  - {id: day, shifts: [{from: 6h, to: 14h}]}
stations:
  - {id: m, process: 50min, calendar: day}
)";

}  // namespace

TEST_CASE("one 8-hour shift a day: 9 parts by 13:30, off_shift 16/24, utilization 1 over planned time", "[planning][yaml]") {
  const Run r = run_text(ONE_SHIFT);
  CHECK(value(r.doc, {"kpis", "completed"}) == 9);
  CHECK(value(r.doc, {"stations", "m", "states", "off_shift"}) == Approx(16.0 / 24));
  CHECK(value(r.doc, {"stations", "m", "states", "working"}) == Approx(8.0 / 24));
  CHECK(value(r.doc, {"stations", "m", "utilization"}) == 1.0);
  CHECK(value(r.doc, {"stations", "m", "oee"}) == 1.0);
  SECTION("the 10th part, paused at 14:00 with 20 min left, ends at 06:20 the next day") {
    const Run two = run_text(ONE_SHIFT, {"horizon=2d"});
    // Day one: 9 parts; day two: the 10th at 06:20, then 06:20 + 50 min ... by 14:00: 9 more.
    CHECK(value(two.doc, {"kpis", "completed"}) == 19);
    CHECK(two.first().plant.all.tally.max() == Approx((30 * 60 + 20) * 60 - 13.5 * 3600));
  }
  SECTION("finish: the 10th part is finished in overtime, at 14:20") {
    const Run overtime = run_text(ONE_SHIFT, {"stations.m.at_shift_end=finish"});
    CHECK(value(overtime.doc, {"kpis", "completed"}) == 10);
    CHECK(value(overtime.doc, {"stations", "m", "states", "working"}) == Approx((8 * 60 + 20) / (24.0 * 60)));
    CHECK(value(overtime.doc, {"stations", "m", "utilization"}) == 1.0);
  }
}

TEST_CASE("days, breaks and compound times of day shape the on-time", "[planning][yaml]") {
  // Two shifts with half-hour breaks, Monday to Friday, a week: 5 x (16 h - 1 h) of work at 1 h a part.
  const Run r = run_text(R"(plantwin: 1
name: two-shifts
horizon: 1w
products: [{id: p, route: [m]}]
sources: [{id: s, product: p, saturated: true}]
calendars:
  - id: week
    days: [mon, tue, wed, thu, fri]
    shifts: [{from: 6h, to: 14h}, {from: 14h, to: 22h}]
    breaks: [{from: 10h, to: 10h30min}, {from: 18h, to: 18h30min}]
stations:
  - {id: m, process: 1h, calendar: week}
)");
  CHECK(value(r.doc, {"kpis", "completed"}) == 75);
  CHECK(value(r.doc, {"stations", "m", "states", "off_shift"}) == Approx(1 - 75.0 / 168));
}

TEST_CASE("from YAML: two stations sharing one operator for their work complete one part every 10 s together", "[planning][yaml]") {
  const Run r = run_text(R"(plantwin: 1
name: one-operator
horizon: 1000s
products: [{id: x, route: [a]}, {id: y, route: [b]}]
sources: [{id: sa, product: x, saturated: true}, {id: sb, product: y, saturated: true}]
operators: [{id: crew, count: 1}]
stations:
  - {id: a, process: 10s, operators: {work: crew}}
  - {id: b, process: 10s, operators: {work: crew}}
)");
  CHECK(value(r.doc, {"kpis", "completed"}) == 99);  // at 10 s, 20 s, ..., 990 s
  CHECK(value(r.doc, {"stations", "a", "states", "waiting_operator"}) == Approx(0.5));
  CHECK(value(r.doc, {"operators", "crew", "utilization"}) == Approx(1.0));
  CHECK(value(r.doc, {"operators", "crew", "busy", "work"}) == Approx(1.0));
  CHECK(r.doc.find("bottleneck")->find("resource")->find("kind")->string() == "operators");
}

TEST_CASE("without a warm-up the operator grants made at time 0 count: PLANNING.md's case (a) over 100 s", "[planning][yaml]") {
  const std::string yaml = R"(plantwin: 1
name: ops-a
horizon: 100s
operators: [{id: w, count: 1}]
products: [{id: p, route: [a]}, {id: q, route: [b]}]
sources: [{id: sp, product: p, saturated: true}, {id: sq, product: q, saturated: true}]
stations:
  - {id: a, process: 10s, operators: {work: w}}
  - {id: b, process: 10s, operators: {work: w}}
)";
  // Grants at 0 (a, asked at 0), 10 (b, asked at 0), 20 (a, asked at 10), ..., 90: ten grants,
  // the first without a wait and nine after 10 s each.
  const Run r = run_text(yaml);
  CHECK(value(r.doc, {"operators", "w", "requests"}) == 10);
  CHECK(value(r.doc, {"operators", "w", "wait_s"}) == Approx(9.0));
  // Parts end at 10 (a), 20 (b), ..., 90 (a); the one ending at 100 s is outside the window.
  CHECK(value(r.doc, {"stations", "a", "completed"}) == 5);
  CHECK(value(r.doc, {"stations", "b", "completed"}) == 4);
  SECTION("with a warm-up of 5 s the window [5 s, 105 s) holds the grants at 10, ..., 100") {
    const Run warm = run_text(yaml, {"warmup=5s"});
    CHECK(value(warm.doc, {"operators", "w", "requests"}) == 10);
    CHECK(value(warm.doc, {"operators", "w", "wait_s"}) == Approx(10.0));
  }
}

TEST_CASE("a station closed for the whole window has no planned time: its time-based KPIs are null", "[planning][yaml]") {
  const Run r = run_text(R"(plantwin: 1
name: closed
horizon: 1d
calendars: [{id: c, closed: [{from: 0s, to: 2d}]}]
products: [{id: p, route: [m]}]
sources: [{id: s, product: p, saturated: true}]
stations:
  - {id: m, process: 1h, calendar: c}
)");
  const run::Json& m = *r.doc.find("stations")->find("m");
  CHECK(value(r.doc, {"stations", "m", "states", "off_shift"}) == 1.0);
  for (const char* kpi : {"utilization", "availability", "performance", "oee"}) {
    INFO(kpi);
    const run::Json& mean = *m.find(kpi)->find("mean");
    CHECK((mean.is_null() || std::isnan(mean.number())));  // NaN, written as null
  }
  CHECK(value(r.doc, {"stations", "m", "quality"}) == 1.0);
}

TEST_CASE("a weekly maintenance on the calendar basis stops the station for its duration", "[planning][yaml]") {
  const Run r = run_text(R"(plantwin: 1
name: maintained
horizon: 2w
products: [{id: p, route: [oven]}]
sources: [{id: s, product: p, saturated: true}]
stations:
  - id: oven
    process: 10min
    maintenance: {every: 1w, for: 4h, first: 5d22h}
)");
  // Due at 5d22h (between two parts), then one week after it ended: 12d26h = 13d2h.
  CHECK(value(r.doc, {"stations", "oven", "states", "maintenance"}) == Approx(8.0 / (14 * 24)));
  CHECK(value(r.doc, {"stations", "oven", "utilization"}) == Approx(1.0));
  // 328 h of work at 10 min a part: the 1968th ends at the very end of the horizon (not in it).
  CHECK(value(r.doc, {"kpis", "completed"}) == (14 * 24 - 8) * 6 - 1);
}

TEST_CASE("a break outside every shift is a warning", "[planning][yaml]") {
  const auto loaded = scenario::load_scenario_text(R"(plantwin: 1
name: w
horizon: 1d
products: [{id: p, route: [m]}]
sources: [{id: s, product: p, saturated: true}]
calendars:
  - {id: day, shifts: [{from: 6h, to: 14h}], breaks: [{from: 16h, to: 17h}]}
stations:
  - {id: m, process: 50min, calendar: day}
)", "w.yaml");
  REQUIRE(loaded.spec);
  REQUIRE(loaded.diagnostics.items().size() == 1);
  CHECK(loaded.diagnostics.items()[0].format() ==
        "w.yaml:7:55: warning: calendars[0].breaks[0]: break 16h-17h is outside every shift: it takes no time away");
}

TEST_CASE("a bare number up to 24 in a shift or break is a warning: it is seconds, not hours", "[planning][yaml]") {
  const auto loaded = scenario::load_scenario_text(R"(plantwin: 1
name: w
horizon: 1d
products: [{id: p, route: [m]}]
sources: [{id: s, product: p, saturated: true}]
calendars:
  - {id: day, shifts: [{from: 0, to: 14}, {from: 22h, to: 86400}], closed: [{from: 5, to: 10}]}
stations:
  - {id: m, process: 5s, calendar: day}
)", "w.yaml");
  REQUIRE(loaded.spec);
  // 0 (midnight), 86400 (the day's end) and the absolute `closed` windows say nothing.
  REQUIRE(loaded.diagnostics.items().size() == 1);
  CHECK(loaded.diagnostics.items()[0].format() == "w.yaml:7:38: warning: calendars[0].shifts[0].to: a bare number is "
                                                  "seconds: `to: 14` is 14 s after midnight; write 14h for 14:00");
}

TEST_CASE("a calendar on an orders source is ignored, with a warning", "[planning][yaml]") {
  // PLANNING.md §1: orders sources ignore calendars; their parts come at their release times.
  const std::string text = R"(plantwin: 1
name: w
horizon: 1d
products: [{id: p, route: [m]}]
sources: [{id: s, calendar: day, orders: [{id: o1, product: p, quantity: 2, release: 20h}]}]
calendars: [{id: day, shifts: [{from: 6h, to: 14h}]}]
stations: [{id: m, process: 10min}]
)";
  const auto loaded = scenario::load_scenario_text(text, "w.yaml");
  REQUIRE(loaded.spec);
  REQUIRE(loaded.diagnostics.items().size() == 1);
  CHECK(loaded.diagnostics.items()[0].format() ==
        "w.yaml:5:29: warning: sources[0].calendar: ignored: an orders source releases its parts at their orders' release "
        "times, on shift or not");
  const Run r = run_text(text);
  CHECK(value(r.doc, {"kpis", "completed"}) == 2);  // released at 20:00, off the calendar's shift
}

TEST_CASE("a pool for a task the station never does is a warning", "[planning][yaml]") {
  const auto loaded = scenario::load_scenario_text(R"(plantwin: 1
name: w
horizon: 1d
products: [{id: p, route: [m]}]
sources: [{id: s, product: p, saturated: true}]
operators: [{id: crew, count: 1}]
stations: [{id: m, process: 10min, operators: {work: crew, repair: crew, setup: crew}}]
)",
                                                   "w.yaml");
  REQUIRE(loaded.spec);
  REQUIRE(loaded.diagnostics.items().size() == 2);
  CHECK(loaded.diagnostics.items()[0].format() ==
        "w.yaml:7:68: warning: stations[0].operators.repair: pool 'crew' is never asked: the station has no failures to repair");
  CHECK(loaded.diagnostics.items()[1].format() ==
        "w.yaml:7:81: warning: stations[0].operators.setup: pool 'crew' is never asked: the station has no setups");
}

TEST_CASE("at_shift_end without a calendar is a warning, an empty list of shifts an error", "[planning][yaml]") {
  const auto warned = scenario::load_scenario_text(R"(plantwin: 1
name: w
horizon: 1d
products: [{id: p, route: [m]}]
sources: [{id: s, product: p, saturated: true}]
stations: [{id: m, process: 10min, at_shift_end: finish}]
)",
                                                   "w.yaml");
  REQUIRE(warned.spec);
  REQUIRE(warned.diagnostics.items().size() == 1);
  CHECK(warned.diagnostics.items()[0].format() ==
        "w.yaml:6:50: warning: stations[0].at_shift_end: ignored: the station has no calendar, so its shifts never end");
  // `days: []` is an error; so is `shifts: []` (left out, the calendar is on all day).
  const auto refused = scenario::load_scenario_text(R"(plantwin: 1
name: w
horizon: 1d
products: [{id: p, route: [m]}]
sources: [{id: s, product: p, saturated: true}]
calendars: [{id: day, shifts: []}]
stations: [{id: m, process: 10min, calendar: day}]
)",
                                                    "w.yaml");
  CHECK_FALSE(refused.spec);
  REQUIRE_FALSE(refused.diagnostics.items().empty());
  CHECK(refused.diagnostics.items()[0].format() ==
        "w.yaml:6:31: error: calendars[0].shifts: expected at least one shift (without `shifts` the calendar is on all day)");
  // A bad `days` is one error: until 2026-12-07 "calendar 'day' has no on-time" came with it.
  for (const char* days : {"[]", "mon", "[xyz]"}) {
    std::string text = R"(plantwin: 1
name: w
horizon: 1d
products: [{id: p, route: [m]}]
sources: [{id: s, product: p, saturated: true}]
calendars: [{id: day, days: DAYS}]
stations: [{id: m, process: 10min, calendar: day}]
)";
    text.replace(text.find("DAYS"), 4, days);
    const auto bad_days = scenario::load_scenario_text(text, "w.yaml");
    CHECK_FALSE(bad_days.spec);
    CHECK(bad_days.diagnostics.items().size() == 1);
  }
}

TEST_CASE("restart after failures that always come before the work can end is an error, a work that may is a warning",
          "[planning][yaml][failures]") {
  // A part restarts its 10 s after each failure, and failures come every 3 s: it never leaves.
  const auto text = [](const std::string& process, const std::string& mtbf) {
    return "plantwin: 1\nname: w\nhorizon: 1h\nproducts: [{id: p, route: [a]}]\n"
           "sources: [{id: s, orders: [{id: o, product: p, quantity: 1}]}]\n"
           "stations:\n  - id: a\n    process: " +
           process + "\n    failures: {mtbf: " + mtbf + ", mttr: 2s, basis: calendar, interrupted: restart}\n";
  };
  const auto never = scenario::load_scenario_text(text("10s", "3s"), "w.yaml");
  CHECK_FALSE(never.spec);
  REQUIRE(never.diagnostics.items().size() == 1);
  CHECK(never.diagnostics.items()[0].format() ==
        "w.yaml:9:15: error: stations[0].failures: with `interrupted: restart` a work starts over after each failure, and a "
        "failure comes at most 3s after the last one, before the shortest work (10s) can end: no part would ever leave the station");
  const auto maybe = scenario::load_scenario_text(text("{dist: uniform, min: 1s, max: 5s}", "{dist: uniform, min: 2.5s, max: 3.5s}"), "w.yaml");
  REQUIRE(maybe.spec);
  REQUIRE(maybe.diagnostics.items().size() == 1);
  CHECK(maybe.diagnostics.items()[0].format() ==
        "w.yaml:9:15: warning: stations[0].failures: with `interrupted: restart` a work starts over after each failure, and a "
        "failure comes at most 3.5s after the last one: a work drawn longer than that never ends, and the station stops for good");
  // A nanosecond over is over, and said exactly.
  CHECK(scenario::load_scenario_text(text("20.000000001s", "20s"), "w.yaml").diagnostics.first_error() ==
        "w.yaml:9:15: error: stations[0].failures: with `interrupted: restart` a work starts over after each failure, and a "
        "failure comes at most 20s after the last one, before the shortest work (20.000000001s) can end: no part would ever "
        "leave the station");
  // Unbounded times to failure, or work that always fits, or `resume`: nothing to say.
  CHECK(scenario::load_scenario_text(text("10s", "{dist: exponential, mean: 3s}"), "w.yaml").diagnostics.items().empty());
  CHECK(scenario::load_scenario_text(text("3s", "3s"), "w.yaml").diagnostics.items().empty());
}

TEST_CASE("availability losses are shares of the planned time and add up to the lost availability", "[planning][kpi]") {
  // A station on one shift with a break shares its one operator: it loses time waiting for it,
  // and its planned time is 7.5 h of the day's 24.
  const Run r = run_text(R"(plantwin: 1
name: losses
horizon: 1d
replications: 1
calendars: [{id: day, shifts: [{from: 6h, to: 14h}], breaks: [{from: 10h, to: 10h30min}]}]
operators: [{id: crew, count: 1}]
products: [{id: p, route: [cut, fold]}]
sources: [{id: s, product: p, interarrival: 100s}]
stations:
  - {id: cut, process: 60s, calendar: day, operators: {work: crew}}
  - {id: fold, process: 50s, operators: {work: crew}}
)");
  const double availability = value(r.doc, {"stations", "cut", "availability", "mean"});
  const double operator_loss = value(r.doc, {"stations", "cut", "availability_losses", "operator"});
  CHECK(availability < 1);
  CHECK(operator_loss == Approx(1 - availability).epsilon(1e-9));
}

TEST_CASE("components released by orders of their own product make kits among themselves", "[planning][assembly]") {
  // An order of 2 boards and one of 4 housings: 2 devices, the kits started at 0 and 30 s; each
  // component order is done when its last component is consumed (at 30 s).
  const Run r = run_text(R"(plantwin: 1
name: bought
horizon: 2h
replications: 1
products:
  - {id: board, route: [box]}
  - {id: housing, route: [box]}
  - {id: device, bom: {board: 1, housing: 2}, route: [box]}
sources:
  - {id: sb, orders: [{id: OB, product: board, quantity: 2}]}
  - {id: sh, orders: [{id: OH, product: housing, quantity: 4}]}
stations: [{id: box, process: 30s}]
)");
  CHECK(value(r.doc, {"kpis", "completed", "mean"}) == 2);
  CHECK(value(r.doc, {"stations", "box", "consumed", "mean"}) == 6);
  CHECK(value(r.doc, {"orders", "by_order", "OB", "done_s", "mean"}) == 30);
  CHECK(value(r.doc, {"orders", "by_order", "OH", "done_s", "mean"}) == 30);
}
