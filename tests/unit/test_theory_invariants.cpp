// Invariants that hold whatever the numbers, on a plant with a bit of everything
// (tests/theory/messy_plant.yaml), and common random numbers between what-if variants
// (tests/theory/crn_line.yaml). Run through the whole stack; conservation also looks at the models.
//
// State fractions: each server is in exactly one state at every instant, so per replication the
// state times of a station's servers add up to servers × horizon exactly (integer ticks), and the
// document's `states` (means over replications) sum to 1 up to rounding (1e-9).
//
// Little's law (Little 1961; for a finite window, Stidham 1974 / El-Taha & Stidham 1999, ch. 2):
// over the window, ∫ N(t) dt = Σ (time each part spends in the plant inside the window), so
// L = λ W up to boundary terms (parts present at the start or the end of the window), whose
// relative size is about W / T: 72 s / 200,000 s ≈ 0.04 % here. Two checks:
// - With yield 1 (no part is scrapped), wip − throughput · lead time is 0 in expectation: the
//   99.9 % t-interval of its replication mean must contain 0, with a half-width below 0.5 % of L.
// - With yield, `wip` also counts scrapped parts while they are in the plant, which `lead_time_s`
//   leaves out. A scrapped part of product p stays in the plant until its work ends at the station
//   that scraps it; since the yield draw is independent of the part's past, its expected stay is
//   that of any part of p up to that point, no more than the lead time W_p of p's good parts. So
//     Σ_p λ_p W_p <= L <= Σ_p (λ_p + σ_p) W_p
//   with λ_p the good throughput and σ_p the scrap rate of p (each product is scrapped at one
//   station only: alpha at mill, beta at drill). Checked per replication with a slack of 1 % on
//   each side, about 25 times the boundary terms.
//
// Conservation: from time 0 (no warm-up), parts created by the sources = good parts that left +
// parts scrapped + parts still in the plant at the end, exactly, in every replication.
//
// Common random numbers (PRODUCT.md, "Deterministic"): every random quantity has its own stream
// named after its station (and server), so changing station A does not change what station B
// draws. B's process durations are the gaps between its end_work events (it never waits after
// its first part); calendar-basis failures happen at times drawn from their own streams only.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <string>
#include <tuple>
#include <vector>

#include "test_theory_support.hpp"

using namespace plantwin;
using namespace plantwin::theory;
using kernel::Tick;
using models::ServerState;

namespace {

// The events of replication 0, as (time, model name, event name, arg).
struct EventLog final : kernel::TraceSink {
  struct Entry {
    Tick time;
    std::string model;
    std::string event;
    std::uint64_t arg;
  };
  const kernel::Kernel* kernel = nullptr;
  std::vector<Entry> entries;

  void on_event(const kernel::Event& e) override {
    const char* name = kernel->model(e.target).event_name(e.kind);
    entries.push_back({e.time, kernel->model_name(e.target), name != nullptr ? name : "?", e.arg});
  }
  /// (time, arg) of every `event` of `model`.
  std::vector<std::pair<Tick, std::uint64_t>> of(const std::string& model, const std::string& event) const {
    std::vector<std::pair<Tick, std::uint64_t>> out;
    for (const Entry& x : entries)
      if (x.model == model && x.event == event) out.emplace_back(x.time, x.arg);
    return out;
  }
};

// Runs tests/theory/`file` with `sets` and returns replication 0's events.
EventLog traced_run(const std::string& file, const std::vector<std::string>& sets) {
  EventLog log;
  TheoryRun r = load_theory_scenario(file, sets);
  r.config.on_first_plant = [&log](models::Plant& plant) {
    log.kernel = &plant.kernel();
    plant.kernel().set_trace(&log);
  };
  execute(r);
  return log;
}

// Durations between consecutive times.
std::vector<Tick> gaps(const std::vector<std::pair<Tick, std::uint64_t>>& events) {
  std::vector<Tick> out;
  for (std::size_t i = 1; i < events.size(); ++i) out.push_back(events[i].first - events[i - 1].first);
  return out;
}

// The fail and repair events of `model`'s server `server` (every server when server < 0), in order.
std::vector<std::tuple<Tick, std::string, std::uint64_t>> failure_events(const EventLog& log, const std::string& model,
                                                                         int server = -1) {
  std::vector<std::tuple<Tick, std::string, std::uint64_t>> out;
  for (const auto& x : log.entries)
    if (x.model == model && (x.event == "fail" || x.event == "repair") &&
        (server < 0 || x.arg == static_cast<std::uint64_t>(server)))
      out.emplace_back(x.time, x.event, x.arg);
  return out;
}

}  // namespace

TEST_CASE("every station's state fractions sum to 1 on a plant with a bit of everything", "[theory]") {
  const TheoryRun r = run_theory_scenario("messy_plant.yaml");
  for (std::size_t s = 0; s < r.params.stations.size(); ++s) {
    const std::string& id = r.params.stations[s].id;
    INFO("station " << id);
    const Tick planned = r.config.horizon * r.params.stations[s].params.servers;
    for (const auto& rep : r.outcome.replications) {
      Tick total = 0;
      for (Tick t : rep.stations[s].state_ticks) total += t;
      CHECK(total == planned);
    }
    double sum = 0;
    for (const auto& [state, fraction] : at(r.doc, {"stations", id, "states"}).members()) sum += fraction.number();
    CHECK(sum == Approx(1).margin(1e-9));
    CHECK(number_at(r.doc, {"stations", id, "utilization", "mean"}) ==
          Approx(number_at(r.doc, {"stations", id, "states", "working"})).epsilon(1e-12));
  }
  // Every product leaves through inspect; alpha is scrapped only at mill, beta only at drill.
  CHECK(values_at(r.doc, {"stations", "inspect", "completed"}) == values_at(r.doc, {"kpis", "completed"}));
  const auto scrapped = values_at(r.doc, {"kpis", "scrapped"});
  const auto mill = values_at(r.doc, {"stations", "mill", "scrapped"});
  const auto drill = values_at(r.doc, {"stations", "drill", "scrapped"});
  for (std::size_t k = 0; k < scrapped.size(); ++k) CHECK(scrapped[k] == mill[k] + drill[k]);
}

TEST_CASE("Little's law holds on a plant with a bit of everything", "[theory]") {
  SECTION("without scrap, wip = throughput × lead time") {
    const TheoryRun r = run_theory_scenario("messy_plant.yaml", {"stations.mill.yield=1", "stations.drill.yield=1"});
    for (double v : values_at(r.doc, {"kpis", "scrapped"})) REQUIRE(v == 0);
    check_little("messy plant (yield 1) wip - throughput * lead_time", r.doc, 0.005);
  }
  SECTION("with scrap, wip lies between the good parts' share and that plus the scrapped parts' bound") {
    const TheoryRun r = run_theory_scenario("messy_plant.yaml");
    const double hours = kernel::to_seconds(r.config.horizon) / 3600;
    const auto wip = values_at(r.doc, {"kpis", "wip"});
    std::vector<double> lower(wip.size(), 0), upper(wip.size(), 0);
    for (const auto& [product, scrapped_at] : {std::pair{"alpha", "mill"}, std::pair{"beta", "drill"}}) {
      const auto throughput = values_at(r.doc, {"products", product, "throughput_per_h"});
      const auto lead = values_at(r.doc, {"products", product, "lead_time_s"});
      const auto scrapped = values_at(r.doc, {"stations", scrapped_at, "scrapped"});
      for (std::size_t k = 0; k < wip.size(); ++k) {
        lower[k] += throughput[k] / 3600 * lead[k];
        upper[k] += (throughput[k] + scrapped[k] / hours) / 3600 * lead[k];
      }
    }
    for (std::size_t k = 0; k < wip.size(); ++k) {
      INFO("replication " << k << ": " << lower[k] << " <= wip " << wip[k] << " <= " << upper[k]);
      CHECK(wip[k] >= 0.99 * lower[k]);
      CHECK(wip[k] <= 1.01 * upper[k]);
    }
  }
}

TEST_CASE("parts are conserved: created = left good + scrapped + still in the plant", "[theory]") {
  // No warm-up, so the result's counts start at time 0 like the sources' counts.
  TheoryRun r = load_theory_scenario("messy_plant.yaml", {"warmup=0", "horizon=50000", "replications=4"});
  execute(r);
  const auto completed = values_at(r.doc, {"kpis", "completed"});
  const auto scrapped = values_at(r.doc, {"kpis", "scrapped"});
  for (int k = 0; k < r.config.replications; ++k) {
    INFO("replication " << k);
    models::Plant plant(r.params, r.config.seed, static_cast<std::uint64_t>(k));
    const auto result = plant.run(0, r.config.horizon);
    std::uint64_t created = 0;
    for (const auto& source : plant.sources()) created += source->created();
    CHECK(created == result.plant.all.completed + result.plant.scrapped + plant.sink().wip());
    CHECK(plant.sink().wip() > 0);
    CHECK(result.plant.scrapped > 0);
    // The same replication, as the document reports it.
    CHECK(static_cast<double>(result.plant.all.completed) == completed[static_cast<std::size_t>(k)]);
    CHECK(static_cast<double>(result.plant.scrapped) == scrapped[static_cast<std::size_t>(k)]);
  }
}

TEST_CASE("changing one station's process time leaves another station's draws unchanged", "[theory]") {
  const EventLog base = traced_run("crn_line.yaml", {});
  const EventLog slower_a = traced_run("crn_line.yaml", {"stations.a.process={dist: uniform, min: 0.3, max: 0.9}"});
  const auto b_base = base.of("station/b", "end_work"), b_variant = slower_a.of("station/b", "end_work");
  REQUIRE(b_base.size() > 500);
  REQUIRE(b_variant.size() > 500);
  // The variant really differs: A's first part takes longer, so B starts and ends later.
  CHECK(b_variant.front().first > b_base.front().first);
  CHECK(base.of("station/a", "end_work").front().first < slower_a.of("station/a", "end_work").front().first);
  const auto d_base = gaps(b_base), d_variant = gaps(b_variant);
  CHECK(std::equal(d_base.begin(), d_base.begin() + 500, d_variant.begin()));
  // Every gap is one of B's draws from uniform(1 s, 3 s): B never waited for a part.
  CHECK(*std::min_element(d_base.begin(), d_base.end()) >= 1 * kernel::TICKS_PER_SECOND);
  CHECK(*std::max_element(d_base.begin(), d_base.end()) <= 3 * kernel::TICKS_PER_SECOND);
}

TEST_CASE("adding a server to one station leaves the failure draws of every other server unchanged", "[theory]") {
  const std::vector<std::string> failures = {
      "stations.a.failures={mtbf: {dist: exponential, mean: 50}, mttr: {dist: exponential, mean: 5}, basis: calendar}",
      "stations.b.failures={mtbf: {dist: exponential, mean: 80}, mttr: {dist: exponential, mean: 8}, basis: calendar}",
      "stations.b.servers=2"};
  std::vector<std::string> two_servers = failures;
  two_servers.push_back("stations.a.servers=2");
  const EventLog base = traced_run("crn_line.yaml", failures);
  const EventLog variant = traced_run("crn_line.yaml", two_servers);
  const auto b_base = failure_events(base, "station/b"), b_variant = failure_events(variant, "station/b");
  REQUIRE(b_base.size() > 20);
  CHECK(b_base == b_variant);
  // Station A's server 0 keeps its own failures; the new server 1 draws from a stream of its own.
  CHECK(failure_events(base, "station/a", 0) == failure_events(variant, "station/a", 0));
  CHECK(failure_events(base, "station/a", 1).empty());
  CHECK(failure_events(variant, "station/a", 1).size() > 20);
  CHECK(failure_events(variant, "station/a", 1) != failure_events(variant, "station/a", 0));
  // Work did change: A's second server takes parts.
  CHECK(base.of("station/a", "end_work") != variant.of("station/a", "end_work"));
}
