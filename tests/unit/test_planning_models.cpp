// The planner's vocabulary at the model level (PLANNING.md §1–3): calendars, planned maintenance
// and operator pools, with the exact cases of the spec.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "plant_fixtures.hpp"
#include "run/result_document.hpp"
#include "run/runner.hpp"

using namespace plantwin;
using namespace plantwin::testing;
using models::ServerState;

namespace {

constexpr Tick MIN = 60 * S;
constexpr Tick H = 3600 * S;

models::CalendarParams calendar(std::vector<models::TimeWindow> shifts, std::vector<models::TimeWindow> breaks = {},
                                std::vector<models::TimeWindow> closed = {}) {
  models::CalendarParams c;
  c.id = "cal";
  c.shifts = std::move(shifts);
  c.breaks = std::move(breaks);
  c.closed = std::move(closed);
  c.compile();
  return c;
}

Tick ticks(const models::StationMeasures& m, ServerState s) { return m.state_ticks[static_cast<std::size_t>(s)]; }

}  // namespace

// ---- calendars ---------------------------------------------------------------------------------

TEST_CASE("a calendar's on-time is its shifts on its days minus breaks and closed windows", "[planning][calendar]") {
  models::CalendarParams c;
  c.start = models::Weekday::MON;  // time 0 is Monday 00:00
  c.days = {{true, true, true, true, true, false, false}};
  c.shifts = {{6 * H, 14 * H}, {14 * H, 22 * H}};
  c.breaks = {{10 * H, 10 * H + 30 * MIN}};
  c.closed = {{2 * models::DAY, 2 * models::DAY + 8 * H}};
  c.compile();
  CHECK_FALSE(c.is_on(0));
  CHECK(c.is_on(6 * H));
  CHECK(c.is_on(14 * H));  // two shifts that touch are one stretch of on-time
  CHECK_FALSE(c.is_on(10 * H));
  CHECK(c.is_on(10 * H + 30 * MIN));
  CHECK(c.next_change(0) == 6 * H);
  CHECK(c.next_change(6 * H) == 10 * H);
  CHECK(c.next_change(10 * H) == 10 * H + 30 * MIN);
  CHECK(c.next_change(11 * H) == 22 * H);
  // Wednesday is closed until 08:00: on from 08:00 to 10:00.
  CHECK_FALSE(c.is_on(2 * models::DAY + 7 * H));
  CHECK(c.next_change(2 * models::DAY) == 2 * models::DAY + 8 * H);
  // Friday 22:00 to Monday 06:00 is off: the weekend.
  CHECK(c.next_change(4 * models::DAY + 12 * H) == 4 * models::DAY + 22 * H);
  CHECK(c.next_change(4 * models::DAY + 22 * H) == 7 * models::DAY + 6 * H);
  // A week: 5 days of 16 h minus 30 min of break, minus the 2 h that Wednesday's closing takes.
  CHECK(c.on_time(0, models::WEEK) == 5 * (16 * H - 30 * MIN) - 2 * H);
  SECTION("a calendar whose week starts on Saturday") {
    c.start = models::Weekday::SAT;
    c.closed.clear();
    c.compile();
    CHECK_FALSE(c.is_on(6 * H));
    CHECK(c.is_on(2 * models::DAY + 6 * H));  // Monday
  }
  SECTION("a calendar that is always on never changes") {
    const models::CalendarParams always = calendar({});
    CHECK(always.is_on(123 * H));
    CHECK(always.next_change(0) == models::NEVER);
  }
}

TEST_CASE("a calendar closed thousands of times changes exactly where its windows say", "[planning][calendar]") {
  // Two shifts a day and 3,000 closed windows (some overlapping, some touching, some inside off
  // time): next_change and on_time against a walk over every edge.
  std::vector<models::TimeWindow> closed;
  for (Tick k = 0; k < 3000; ++k) {
    const Tick from = k * 5 * H + (k % 7) * 13 * MIN;
    closed.push_back({from, from + (1 + k % 5) * H});  // k % 5 == 4: reaches into the next one
  }
  const models::CalendarParams c = calendar({{6 * H, 14 * H}, {14 * H, 22 * H}}, {{10 * H, 10 * H + 30 * MIN}}, closed);
  // Every instant where is_on could change: the week pattern's edges and the closed windows'.
  std::vector<Tick> edges;
  for (Tick d = 0; d < 700; ++d)
    for (Tick e : {6 * H, 10 * H, 10 * H + 30 * MIN, 22 * H}) edges.push_back(d * models::DAY + e);
  for (const auto& w : closed) {
    edges.push_back(w.from);
    edges.push_back(w.to);
  }
  std::sort(edges.begin(), edges.end());
  const auto expected_next = [&](Tick t) {
    for (auto it = std::upper_bound(edges.begin(), edges.end(), t); it != edges.end(); ++it)
      if (c.is_on(*it) != c.is_on(t)) return *it;
    return models::NEVER;
  };
  constexpr Tick STEP = 37 * MIN + 11 * S;
  Tick on = 0, t = 0;
  for (; t < 15000 * H; t += STEP) {
    INFO("t = " << t);
    REQUIRE(c.next_change(t) == expected_next(t));
    on += c.on_time(t, t + STEP);
  }
  CHECK(on == c.on_time(0, t));
  CHECK(on > 0);
}

TEST_CASE("one shift a day: work in progress pauses at the end of the shift and resumes the next day", "[planning][calendar]") {
  // PLANNING.md §1: process 50 min, saturated source, shifts 06:00-14:00 every day, pause.
  LineBuilder b;
  b.saturated("src").station("m", constant(3000));
  b.last().calendar = 0;
  models::PlantParams p = b.build();
  p.calendars.push_back(calendar({{6 * H, 14 * H}}));
  for (const Tick horizon : {24 * H, 48 * H}) {
    models::Plant plant(p, 1, 0);
    plant.record_timeline();
    const auto r = plant.run(0, horizon);
    REQUIRE(r.status == kernel::Kernel::Status::RUNNING);
    const auto& exits = r.timeline->exits;
    REQUIRE(exits.size() >= 9);
    for (std::size_t i = 0; i < 9; ++i) CHECK(exits[i].time == 6 * H + static_cast<Tick>(i + 1) * 50 * MIN);
    if (horizon == 24 * H) {
      CHECK(exits.size() == 9);
      CHECK(ticks(r.stations[0], ServerState::OFF_SHIFT) == 16 * H);
      CHECK(ticks(r.stations[0], ServerState::WORKING) == 8 * H);
      run::RunConfig config;
      config.horizon = horizon;
      run::RunOutcome outcome;
      outcome.replications.push_back(r);
      const run::Json doc = run::result_document("shift", p, config, outcome);
      const run::Json& station = *doc.find("stations")->find("m");
      CHECK(station.find("states")->find("off_shift")->number() == Approx(16.0 / 24));
      CHECK(station.find("utilization")->find("mean")->number() == 1.0);
      CHECK(station.find("oee")->find("mean")->number() == 1.0);
    } else {
      // The 10th part started at 13:30, paused at 14:00 with 20 min left, ends at 06:20 next day.
      REQUIRE(exits.size() >= 10);
      CHECK(exits[9].time == 30 * H + 20 * MIN);
    }
  }
}

TEST_CASE("with at_shift_end finish the part in hand is finished in overtime", "[planning][calendar]") {
  LineBuilder b;
  b.saturated("src").station("m", constant(3000));
  b.last().calendar = 0;
  b.last().at_shift_end = models::StationParams::AtShiftEnd::FINISH;
  models::PlantParams p = b.build();
  p.calendars.push_back(calendar({{6 * H, 14 * H}}));
  models::Plant plant(p, 1, 0);
  plant.record_timeline();
  const auto r = plant.run(0, 24 * H);
  REQUIRE(r.timeline->exits.size() == 10);
  CHECK(r.timeline->exits[9].time == 14 * H + 20 * MIN);
  // Overtime is working time: the server is off shift only from 14:20.
  CHECK(ticks(r.stations[0], ServerState::WORKING) == 8 * H + 20 * MIN);
  CHECK(ticks(r.stations[0], ServerState::OFF_SHIFT) == 16 * H - 20 * MIN);
}

TEST_CASE("a finished part blocked on an off-shift server waits for its on-time, parts behind it may enter", "[planning][calendar]") {
  // a (one shift, 06:00-07:00) feeds b (always on, no waiting place, 30 min per part); a second
  // source feeds b directly. a's part finished at 06:50 finds b busy and waits blocked; at 07:00 a
  // goes off shift: its request keeps its place but b takes the other source's part first.
  models::PlantParams p;
  models::StationParams a, b;
  a.calendar = 0;
  b.buffer = 0;
  p.stations = {{"a", a}, {"b", b}};
  p.products = {{"x", {{0, constant(3000)}, {1, constant(1800)}}}, {"y", {{1, constant(1800)}}}};
  models::SourceParams one;
  one.kind = models::SourceParams::Kind::ORDERS;
  one.mix = {{0, 1.0}};
  p.orders = {{"x1", "sx", 0, 1, 6 * H, std::nullopt},
              {"y1", "sy", 1, 1, 6 * H + 40 * MIN, std::nullopt},
              {"y2", "sy", 1, 1, 6 * H + 55 * MIN, std::nullopt}};
  one.orders = {{6 * H, 0, 1, 0}};
  models::SourceParams two;
  two.kind = models::SourceParams::Kind::ORDERS;
  two.mix = {{1, 1.0}};
  two.orders = {{6 * H + 40 * MIN, 1, 1, 1}, {6 * H + 55 * MIN, 1, 1, 2}};
  p.sources = {{"sx", one}, {"sy", two}};
  p.calendars.push_back(calendar({{6 * H, 7 * H}}));
  models::Plant plant(p, 1, 0);
  plant.record_timeline();
  const auto r = plant.run(0, 48 * H);
  // b: y1 06:40-07:10; then y2 (requested at 06:55, behind x1 from 06:50, which is held) 07:10-07:40;
  // x1 enters b the next day at 06:00 and leaves at 06:30.
  REQUIRE(r.timeline->exits.size() == 3);
  CHECK(r.timeline->exits[0].time == 7 * H + 10 * MIN);
  CHECK(r.timeline->exits[1].time == 7 * H + 40 * MIN);
  CHECK(r.timeline->exits[1].product == 1);
  CHECK(r.timeline->exits[2].time == 30 * H + 30 * MIN);
  CHECK(r.timeline->exits[2].product == 0);
}

TEST_CASE("an interarrival clock runs only in its calendar's on-time", "[planning][calendar]") {
  LineBuilder b;
  b.source("src", constant(1800)).station("m", constant(1));
  models::PlantParams p = b.build();
  p.sources[0].params.calendar = 0;
  p.calendars.push_back(calendar({{6 * H, 8 * H}}));
  models::Plant plant(p, 1, 0);
  plant.record_timeline();
  const auto r = plant.run(0, 48 * H);
  // 06:30, 07:00, 07:30, 08:00 (the clock runs out at the very end of on-time), then the next day.
  std::vector<Tick> created;
  for (const auto& e : r.timeline->exits) created.push_back(e.created);
  REQUIRE(created.size() == 8);
  CHECK(created[0] == 6 * H + 30 * MIN);
  CHECK(created[3] == 8 * H);
  CHECK(created[4] == 30 * H + 30 * MIN);
}

// ---- maintenance -------------------------------------------------------------------------------

TEST_CASE("calendar-basis maintenance waits for the part in hand, then stops the server", "[planning][maintenance]") {
  // Saturated, 10 s per part; due at 25 s (the third part is in hand until 30 s), 10 min long,
  // then every 1 h after it ended.
  LineBuilder b;
  b.saturated("src").station("m", constant(10));
  b.last().maintenance = models::MaintenanceParams{H, constant(600), models::MaintenanceParams::Basis::CALENDAR, 25 * S,
                                                   models::MaintenanceParams::Scope::STATION};
  const models::PlantParams built = b.build();  // outlives the plant
  models::Plant plant(built, 1, 0);
  plant.record_timeline();
  const auto r = plant.run(0, 2 * H);
  const auto& exits = r.timeline->exits;
  REQUIRE(exits.size() > 4);
  CHECK(exits[2].time == 30 * S);
  CHECK(exits[3].time == 640 * S);  // the next part starts at 630 s
  // Maintenance from 30 s to 630 s and from 4230 s to 4830 s.
  CHECK(ticks(r.stations[0], ServerState::MAINTENANCE) == 1200 * S);
  CHECK(ticks(r.stations[0], ServerState::WORKING) == 2 * H - 1200 * S);
}

TEST_CASE("operating-basis maintenance comes after its working time, scope station stops every server", "[planning][maintenance]") {
  SECTION("scope server: each server after 100 s of its own work") {
    LineBuilder b;
    b.saturated("src").station("m", constant(30));
    b.last().maintenance = models::MaintenanceParams{100 * S, constant(50), models::MaintenanceParams::Basis::OPERATING,
                                                     std::nullopt, models::MaintenanceParams::Scope::SERVER};
    const models::PlantParams built = b.build();  // outlives the plant
    models::Plant plant(built, 1, 0);
    plant.record_timeline();
    const auto r = plant.run(0, 340 * S);
    // Parts end at 30, 60, 90, 120 (due inside the 4th); maintenance 120-170; 200, 230, 260, 290;
    // maintenance 290-340.
    const auto& exits = r.timeline->exits;
    REQUIRE(exits.size() == 8);
    CHECK(exits[3].time == 120 * S);
    CHECK(exits[4].time == 200 * S);
    CHECK(ticks(r.stations[0], ServerState::MAINTENANCE) == 100 * S);
  }
  SECTION("scope station: two servers, due after 100 s of the station working") {
    LineBuilder b;
    b.saturated("src").station("m", constant(30), 2);
    b.last().maintenance = models::MaintenanceParams{100 * S, constant(50), models::MaintenanceParams::Basis::OPERATING,
                                                     std::nullopt, models::MaintenanceParams::Scope::STATION};
    const models::PlantParams built = b.build();  // outlives the plant
    models::Plant plant(built, 1, 0);
    const auto r = plant.run(0, 170 * S);
    // Both work 0-30, 30-60, 60-90, 90-120; due at 100 s; both stop at 120, maintained 120-170.
    CHECK(r.stations[0].completed == 8);
    CHECK(ticks(r.stations[0], ServerState::MAINTENANCE) == 2 * 50 * S);
  }
}

// ---- operators ---------------------------------------------------------------------------------

TEST_CASE("two stations sharing one operator for their work complete one part every 10 s together", "[planning][operators]") {
  // PLANNING.md §3, exact case (a).
  models::PlantParams p;
  models::StationParams st;
  st.operators[static_cast<std::size_t>(models::OperatorTask::WORK)] = 0;
  p.stations = {{"a", st}, {"b", st}};
  p.products = {{"x", {{0, constant(10)}}}, {"y", {{1, constant(10)}}}};
  models::SourceParams sa, sb;
  sa.kind = sb.kind = models::SourceParams::Kind::SATURATED;
  sa.mix = {{0, 1.0}};
  sb.mix = {{1, 1.0}};
  p.sources = {{"sa", sa}, {"sb", sb}};
  p.operators.push_back({"crew", 1, std::nullopt});
  models::Plant plant(p, 1, 0);
  plant.record_timeline();
  const auto r = plant.run(0, 1000 * S);
  // Parts leave at 10 s, 20 s, ...: 99 of them before the end at 1000 s.
  REQUIRE(r.timeline->exits.size() == 99);
  for (std::size_t i = 0; i < 99; ++i) CHECK(r.timeline->exits[i].time == static_cast<Tick>(i + 1) * 10 * S);
  // Each station waits for the operator half of the time.
  CHECK(ticks(r.stations[0], ServerState::WAITING_OPERATOR) == 500 * S);
  CHECK(ticks(r.stations[1], ServerState::WAITING_OPERATOR) == 500 * S);
  REQUIRE(r.operators.size() == 1);
  CHECK(r.operators[0].busy[static_cast<std::size_t>(models::OperatorTask::WORK)] == Approx(1000));
  // Granted at 0 s, 10 s, ..., 990 s: without a warm-up the window opens with the run, so the
  // grant made while the stations start counts too.
  CHECK(r.operators[0].wait.count() == 100);
  CHECK(r.operators[0].wait.mean() == Approx(99 * 10.0 / 100));
}

namespace {

// The stationary fraction of machines down in the machine-repairman model M/M/R//N: N machines
// fail at rate lambda each while up, R technicians repair at rate mu each.
double repairman_down_fraction(int n, int r, double lambda, double mu) {
  std::vector<double> pi(static_cast<std::size_t>(n) + 1);
  pi[0] = 1;
  for (int k = 1; k <= n; ++k)
    pi[static_cast<std::size_t>(k)] = pi[static_cast<std::size_t>(k) - 1] * (n - k + 1) * lambda / (std::min(k, r) * mu);
  double total = 0, down = 0;
  for (int k = 0; k <= n; ++k) {
    total += pi[static_cast<std::size_t>(k)];
    down += k * pi[static_cast<std::size_t>(k)];
  }
  return down / total / n;
}

}  // namespace

TEST_CASE("the machine-repairman model: the fraction of machines down matches M/M/R//N", "[planning][operators][theory]") {
  // 6 machines, mtbf 100 s, mttr 40 s (exponential, calendar basis), 2 technicians.
  constexpr int N = 6, R = 2;
  models::PlantParams p;
  for (int i = 0; i < N; ++i) {
    models::StationParams st;
    st.failures = models::FailureParams{Distribution::exponential(100), Distribution::exponential(40),
                                        models::FailureParams::Basis::CALENDAR, models::FailureParams::Interrupted::RESUME};
    st.operators[static_cast<std::size_t>(models::OperatorTask::REPAIR)] = 0;
    p.stations.push_back({"m" + std::to_string(i), st});
    p.products.push_back({"p" + std::to_string(i), {{static_cast<std::size_t>(i), constant(100)}}});
    models::SourceParams s;
    s.kind = models::SourceParams::Kind::SATURATED;
    s.mix = {{static_cast<models::ProductIndex>(i), 1.0}};
    p.sources.push_back({"s" + std::to_string(i), s});
  }
  p.operators.push_back({"technicians", R, std::nullopt});
  run::RunConfig config;
  config.seed = 7;
  config.replications = 8;
  config.warmup = 2000 * S;
  config.horizon = 200000 * S;
  const run::RunOutcome outcome = run::run_replications(p, config);
  REQUIRE(outcome.ok);
  std::vector<double> fractions;
  for (const auto& r : outcome.replications) {
    Tick down = 0;
    for (const auto& m : r.stations) down += ticks(m, ServerState::DOWN);
    fractions.push_back(static_cast<double>(down) / static_cast<double>(N * config.horizon));
  }
  const kernel::Summary s = kernel::Summary::of(fractions);
  const double exact = repairman_down_fraction(N, R, 1.0 / 100, 1.0 / 40);
  INFO("simulated " << s.mean << " ± " << s.ci95 << ", exact " << exact);
  CHECK(std::abs(s.mean - exact) < std::max(3 * s.ci95, 0.005));
  // The technicians' utilization: the mean number of repairs in progress over R.
  const run::Json doc = run::result_document("repairman", p, config, outcome);
  const run::Json& pool = *doc.find("operators")->find("technicians");
  CHECK(pool.find("busy")->find("repair")->find("mean")->number() == Approx(pool.find("utilization")->find("mean")->number()));
  CHECK(doc.find("stations")->find("m0")->find("repair_wait_s") != nullptr);
}

TEST_CASE("an operator pool off its calendar takes no new step, the one in hand ends in overtime", "[planning][operators]") {
  // One station, 40 min per part, its work needs an operator from a pool on shift 06:00-08:00.
  LineBuilder b;
  b.saturated("src").station("m", constant(2400));
  b.last().operators[static_cast<std::size_t>(models::OperatorTask::WORK)] = 0;
  models::PlantParams p = b.build();
  p.calendars.push_back(calendar({{6 * H, 8 * H}}));
  p.operators.push_back({"crew", 1, std::size_t{0}});
  models::Plant plant(p, 1, 0);
  plant.record_timeline();
  const auto r = plant.run(0, 24 * H);
  // 06:00-06:40, 06:40-07:20, 07:20-08:00 (the third ends at the end of on-time); none after.
  REQUIRE(r.timeline->exits.size() == 3);
  CHECK(r.timeline->exits[2].time == 8 * H);
  CHECK(r.operators[0].on_time == Approx(2 * 3600));
  CHECK(ticks(r.stations[0], ServerState::WAITING_OPERATOR) == 22 * H);
}
