// Behaviour of sources and stations on cases small enough to work out by hand.
#include <catch2/catch.hpp>

#include <vector>

#include "plant_fixtures.hpp"

using namespace plantwin;
using namespace plantwin::testing;
using models::ServerState;

TEST_CASE("a deterministic line gives the exact throughput, lead time, WIP and utilisation", "[station]") {
  LineBuilder b;
  b.station("a", constant(8)).station("b", constant(9)).source("src", constant(10));
  const auto r = run_plant(b.build(), 0, 1000 * S);
  // Parts created at 10k leave at 10k + 17: k = 1..98 leave before 1000.
  CHECK(r.plant.all.completed == 98);
  CHECK(r.plant.all.tally.mean() == Approx(17));
  CHECK(r.plant.all.tally.variance() == Approx(0).margin(1e-9));
  // 98 parts for 17 s each, plus the part created at 990 for its last 10 s.
  CHECK(r.plant.wip_mean == Approx(1676.0 / 1000));
  CHECK(fraction(r.stations[0], ServerState::WORKING, 1000 * S) == Approx(0.792));
  CHECK(fraction(r.stations[1], ServerState::WORKING, 1000 * S) == Approx(0.884));
}

TEST_CASE("state times of every station sum to the horizon", "[station]") {
  LineBuilder b;
  b.station("a", Distribution::exponential(9), 2, 3).station("b", Distribution::exponential(5), 1, 1);
  b.last().failures = models::FailureParams{Distribution::exponential(300), Distribution::exponential(30)};
  b.source("src", Distribution::exponential(6));
  const auto r = run_plant(b.build(), 500 * S, 20000 * S);
  Tick servers = 0;
  for (Tick t : r.stations[0].state_ticks) servers += t;
  CHECK(servers == 2 * 20000 * S);
  Tick total = 0;
  for (Tick t : r.stations[1].state_ticks) total += t;
  CHECK(total == 20000 * S);
}

TEST_CASE("a server blocked after service holds its part until the next station has room", "[station]") {
  LineBuilder b;
  b.saturated("src").station("a", constant(1)).station("b", constant(2), 1, 0);
  const auto r = run_plant(b.build(), 10 * S, 100 * S);
  CHECK(fraction(r.stations[0], ServerState::WORKING, 100 * S) == Approx(0.5));
  CHECK(fraction(r.stations[0], ServerState::BLOCKED, 100 * S) == Approx(0.5));
  CHECK(fraction(r.stations[1], ServerState::WORKING, 100 * S) == Approx(1.0));
  CHECK(r.plant.all.completed == 50);
}

TEST_CASE("a saturated source keeps its first station from ever starving", "[station]") {
  LineBuilder b;
  b.saturated("src").station("a", Distribution::exponential(1)).station("b", Distribution::exponential(1.5), 1, 2);
  const auto r = run_plant(b.build(), 0, 5000 * S);
  CHECK(r.stations[0].state_ticks[static_cast<std::size_t>(ServerState::IDLE)] == 0);
}

TEST_CASE("a saturated source stops at its limit", "[station]") {
  LineBuilder b;
  b.saturated("src").station("a", constant(1));
  b.params.sources.back().params.limit = 7;
  const auto r = run_plant(b.build(), 0, 100 * S);
  CHECK(r.plant.all.completed == 7);
}

TEST_CASE("parts wait at their source while the first station is full and count in WIP", "[station]") {
  LineBuilder b;
  b.station("a", constant(10), 1, 0).source("src", constant(1), 3);
  const auto r = run_plant(b.build(), 0, 100 * S);
  // Created at 1, 2, 3; they leave at 11, 21, 31.
  CHECK(r.plant.all.completed == 3);
  CHECK(r.plant.all.tally.mean() == Approx((10 + 19 + 28) / 3.0));
  CHECK(r.plant.wip_mean == Approx((10 + 19 + 28) / 100.0));
}

TEST_CASE("requests to enter a full station are granted in the order they were made", "[station]") {
  models::PlantParams p;
  auto station = [](std::int64_t buffer) {
    models::StationParams s;
    s.buffer = buffer;
    return s;
  };
  p.stations = {{"a", station(-1)}, {"b", station(-1)}, {"c", station(0)}};
  p.products = {{"p1", {{0, constant(0.1)}, {2, constant(10)}}}, {"p2", {{1, constant(0.1)}, {2, constant(10)}}}};
  models::SourceParams s1;
  s1.mix = {{0, 1.0}};
  s1.interarrival = constant(1);
  s1.limit = 2;
  models::SourceParams s2;
  s2.mix = {{1, 1.0}};
  s2.interarrival = constant(1.5);
  s2.limit = 1;
  p.sources = {{"s1", s1}, {"s2", s2}};
  const auto r = run_plant(p, 0, 100 * S);
  // p1#1 holds c from 1.1 to 11.1; p2 asks at 1.6, p1#2 at 2.1: p2 goes first.
  CHECK(r.plant.by_product[1].tally.mean() == Approx(21.1 - 1.5));
  CHECK(r.plant.by_product[0].tally.mean() == Approx((10.1 + 29.1) / 2));
}

namespace {
struct EndWorkLog final : kernel::TraceSink {
  kernel::Kernel& k;
  std::vector<std::pair<Tick, std::uint64_t>> ends;  // (time, server)
  explicit EndWorkLog(kernel::Kernel& kernel) : k(kernel) { k.set_trace(this); }
  void on_event(const kernel::Event& e) override {
    const char* name = k.model(e.target).event_name(e.kind);
    if (name != nullptr && std::string(name) == "end_work") ends.emplace_back(e.time, e.arg);
  }
};
}  // namespace

TEST_CASE("a free server takes the next part at once, the lowest-numbered first", "[station]") {
  LineBuilder b;
  b.station("a", constant(15), 2).source("src", constant(10), 3);
  const models::PlantParams built = b.build();  // outlives the plant
  models::Plant plant(built, 1, 0);
  EndWorkLog log(plant.kernel());
  plant.run(0, 100 * S);
  // Parts at 10, 20, 30: server 0 (10-25), server 1 (20-35), server 0 again (30-45).
  REQUIRE(log.ends.size() == 3);
  CHECK(log.ends[0] == std::pair<Tick, std::uint64_t>{25 * S, 0});
  CHECK(log.ends[1] == std::pair<Tick, std::uint64_t>{35 * S, 1});
  CHECK(log.ends[2] == std::pair<Tick, std::uint64_t>{45 * S, 0});
}

TEST_CASE("operating-basis failures use up time to failure only while working, and resume", "[station][failures]") {
  LineBuilder b;
  b.saturated("src").station("a", constant(10));
  b.last().failures = models::FailureParams{constant(35), constant(5), models::FailureParams::Basis::OPERATING,
                                            models::FailureParams::Interrupted::RESUME};
  const auto r = run_plant(b.build(), 0, 400 * S);
  // Every 80 s: 70 s of work (7 parts) and two 5 s repairs; the 35th part ends exactly at 400.
  CHECK(r.plant.all.completed == 34);
  CHECK(fraction(r.stations[0], ServerState::DOWN, 400 * S) == Approx(0.125));
  CHECK(fraction(r.stations[0], ServerState::WORKING, 400 * S) == Approx(0.875));
}

TEST_CASE("restart repeats the interrupted work in full", "[station][failures]") {
  LineBuilder b;
  b.saturated("src").station("a", constant(10));
  b.last().failures = models::FailureParams{constant(35), constant(5), models::FailureParams::Basis::OPERATING,
                                            models::FailureParams::Interrupted::RESTART};
  const auto r = run_plant(b.build(), 0, 400 * S);
  // Completions at 10, 20, 30, then 3 per 40 s from 50: 30 before 400.
  CHECK(r.plant.all.completed == 30);
  CHECK(fraction(r.stations[0], ServerState::DOWN, 400 * S) == Approx(0.125));
}

TEST_CASE("calendar-basis failures strike idle servers too, and a down server takes no part", "[station][failures]") {
  LineBuilder b;
  b.station("a", constant(10)).source("src", constant(100), 2);
  b.last().failures = models::FailureParams{constant(50), constant(20), models::FailureParams::Basis::CALENDAR,
                                            models::FailureParams::Interrupted::RESUME};
  const auto r = run_plant(b.build(), 0, 300 * S);
  // Down 50-70, 120-140, 190-210, 260-280. Part 1 works 100-110; part 2 arrives at 200 while
  // the server is down and starts at 210.
  CHECK(r.plant.all.tally.mean() == Approx((10 + 20) / 2.0));
  CHECK(fraction(r.stations[0], ServerState::DOWN, 300 * S) == Approx(80.0 / 300));
}

TEST_CASE("a calendar-basis failure interrupts work, which resumes or restarts after repair", "[station][failures]") {
  for (auto [mode, lead] : {std::pair{models::FailureParams::Interrupted::RESUME, 40.0},
                            std::pair{models::FailureParams::Interrupted::RESTART, 50.0}}) {
    LineBuilder b;
    b.station("a", constant(30)).source("src", constant(100), 1);
    b.last().failures = models::FailureParams{constant(110), constant(10), models::FailureParams::Basis::CALENDAR, mode};
    const auto r = run_plant(b.build(), 0, 200 * S);
    CHECK(r.plant.all.tally.mean() == Approx(lead));
  }
}

TEST_CASE("a setup is taken only when the product changes, never before the first part", "[station][setup]") {
  models::PlantParams p;
  models::StationParams st;
  st.setup_pairs = {{0, 1, constant(5)}, {1, 0, constant(7)}};  // a -> b, b -> a
  p.stations = {{"m", st}};
  p.products = {{"a", {{0, constant(10)}}}, {"b", {{0, constant(10)}}}};
  models::SourceParams plan;
  plan.kind = models::SourceParams::Kind::ORDERS;
  // Orders: a, a, b, a (one part each), all released at 0.
  const std::vector<models::ProductIndex> sequence = {0, 0, 1, 0};
  for (std::size_t i = 0; i < sequence.size(); ++i) {
    p.orders.push_back({"o" + std::to_string(i), "plan", sequence[i], 1, 0, std::nullopt});
    plan.orders.push_back({0, sequence[i], 1, static_cast<std::int32_t>(i)});
  }
  p.sources = {{"plan", plan}};
  const auto r = run_plant(p, 0, 100 * S);
  // a 0-10, a 10-20, setup 5 then b 25-35, setup 7 then a 42-52.
  CHECK(r.orders[2].done == 35 * S);
  CHECK(r.orders[3].done == 52 * S);
  CHECK(fraction(r.stations[0], ServerState::SETUP, 100 * S) == Approx(0.12));
}

TEST_CASE("orders release all their parts at once and are done when the last part leaves", "[station][orders]") {
  models::PlantParams p;
  models::StationParams st;
  p.stations = {{"m", st}};
  p.products = {{"a", {{0, constant(10)}}}};
  models::SourceParams plan;
  plan.kind = models::SourceParams::Kind::ORDERS;
  p.orders = {{"first", "plan", 0, 2, 0, 25 * S}, {"second", "plan", 0, 1, 5 * S, 20 * S}};
  plan.orders = {{0, 0, 2, 0}, {5 * S, 0, 1, 1}};
  p.sources = {{"plan", plan}};
  const auto r = run_plant(p, 0, 100 * S);
  CHECK(r.orders[0].done == 20 * S);
  CHECK(r.orders[1].done == 30 * S);
}

TEST_CASE("yield scraps the expected fraction of parts at the station", "[station][yield]") {
  LineBuilder b;
  b.saturated("src").station("a", constant(1)).station("b", constant(0.5));
  b.params.stations[0].params.yield = 0.9;
  const auto r = run_plant(b.build(), 0, 100000 * S);
  const double n = static_cast<double>(r.stations[0].processed);
  REQUIRE(n == Approx(100000).margin(1));
  // Binomial: 5 standard deviations.
  CHECK(std::fabs(static_cast<double>(r.stations[0].scrapped) - 0.1 * n) < 5 * std::sqrt(n * 0.1 * 0.9));
  CHECK(r.plant.scrapped == r.stations[0].scrapped);
  CHECK(r.plant.all.completed + r.plant.scrapped + 2 >= static_cast<std::uint64_t>(n));
}

TEST_CASE("a replication's numbers depend on its index, not on other replications", "[determinism]") {
  LineBuilder b;
  b.station("a", Distribution::exponential(1)).source("src", Distribution::exponential(1.25));
  const auto p = b.build();
  const auto r3 = run_plant(p, 0, 10000 * S, 42, 3);
  const auto r3_again = run_plant(p, 0, 10000 * S, 42, 3);
  const auto r4 = run_plant(p, 0, 10000 * S, 42, 4);
  CHECK(r3.fingerprint == r3_again.fingerprint);
  CHECK(r3.plant.all.tally.mean() == r3_again.plant.all.tally.mean());
  CHECK(r3.fingerprint != r4.fingerprint);
  CHECK(run_plant(p, 0, 10000 * S, 43, 3).fingerprint != r3.fingerprint);
}

TEST_CASE("an unstable line stops with an error instead of exhausting memory", "[station]") {
  // Far more arrivals than the station can serve: the part pool's limit ends the run.
  LineBuilder b;
  b.station("a", constant(1000)).source("src", constant(0.001));
  auto p = b.build();
  p.max_live_parts = 10000;
  const auto r = run_plant(p, 0, 30 * S);
  CHECK(r.status == kernel::Kernel::Status::FAILED);
  CHECK_THAT(r.failure, Catch::Contains("arrivals exceed the line's capacity"));
}

TEST_CASE("a saturated source whose parts pile up after its first station stops with an error", "[station]") {
  // The first station takes a part every ms, the next one every 1000 s through an infinite
  // buffer: the parts pile up there until the part pool's limit ends the run.
  LineBuilder b;
  b.saturated("src").station("a", constant(0.001)).station("b", constant(1000));
  auto p = b.build();
  p.max_live_parts = 10000;
  const auto r = run_plant(p, 0, 30 * S);
  CHECK(r.status == kernel::Kernel::Status::FAILED);
  CHECK_THAT(r.failure, Catch::Contains("source 'src': more than 10000 parts in the plant: the line does not keep pace with its sources"));
  // Through a buffer of 5 places, b holds it back: the same run ends.
  LineBuilder held;
  held.saturated("src").station("a", constant(0.001)).station("b", constant(1000), 1, 5);
  auto q = held.build();
  q.max_live_parts = 10000;
  CHECK(run_plant(q, 0, 30 * S).status != kernel::Kernel::Status::FAILED);
}

TEST_CASE("a failure at the instant work ends does not make restart repeat the finished work", "[station][failures]") {
  LineBuilder b;
  b.station("a", constant(10)).source("src", constant(1), 1);
  b.last().failures = models::FailureParams{constant(10), constant(5), models::FailureParams::Basis::OPERATING,
                                            models::FailureParams::Interrupted::RESTART};
  const auto r = run_plant(b.build(), 0, 100 * S);
  // Work 1-11 meets the failure due at 11; the repair ends at 16 and the part leaves then.
  CHECK(r.plant.all.tally.mean() == Approx(15));
}

namespace {
// `count` independent lines of 10 stations (buffers of 5, exponential work and failures), each
// with its own product and saturated source, named after the line's index from `first`.
models::PlantParams lines(std::size_t first, std::size_t count) {
  models::PlantParams p;
  for (std::size_t j = first; j < first + count; ++j) {
    const std::string line = "l" + std::to_string(j);
    models::ProductParams product{line + "/part", {}};
    for (int k = 0; k < 10; ++k) {
      models::StationParams st;
      st.buffer = 5;
      st.failures = models::FailureParams{Distribution::exponential(60), Distribution::exponential(3),
                                          models::FailureParams::Basis::OPERATING,
                                          models::FailureParams::Interrupted::RESUME};
      product.route.push_back({p.stations.size(), Distribution::exponential(1)});
      p.stations.push_back({line + "/s" + std::to_string(k), st});
    }
    p.products.push_back(product);
    models::SourceParams s;
    s.kind = models::SourceParams::Kind::SATURATED;
    s.mix = {{static_cast<models::ProductIndex>(p.products.size() - 1), 1.0}};
    p.sources.push_back({line + "/source", s});
  }
  return p;
}
}  // namespace

TEST_CASE("a line among 250 others (a plant the kernel prefetches for) runs exactly as it does alone", "[station]") {
  // 2,750 models: the kernel prefetches the next events' stations (Kernel::set_hot,
  // Model::prefetch). Lines share nothing but the calendar, so each line's parts and lead times
  // must be those of the line run alone, to the last bit.
  const models::PlantParams many = lines(0, 250);
  const models::ReplicationResult all = run_plant(many, 0, 400 * S, 3);
  REQUIRE(all.status == kernel::Kernel::Status::RUNNING);
  for (std::size_t j : {std::size_t{0}, std::size_t{137}, std::size_t{249}}) {
    const models::ReplicationResult alone = run_plant(lines(j, 1), 0, 400 * S, 3);
    REQUIRE(alone.status == kernel::Kernel::Status::RUNNING);
    const models::LeadTimes& a = alone.plant.by_product.at(0);
    const models::LeadTimes& b = all.plant.by_product.at(j);
    INFO("line " << j);
    CHECK(a.completed > 100);
    CHECK(a.completed == b.completed);
    CHECK(a.tally.mean() == b.tally.mean());
    for (std::size_t k = 0; k < 10; ++k) {
      CHECK(alone.stations.at(k).state_ticks == all.stations.at(10 * j + k).state_ticks);
      CHECK(alone.stations.at(k).processed == all.stations.at(10 * j + k).processed);
    }
  }
}
