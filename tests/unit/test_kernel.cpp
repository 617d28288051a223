#include <catch2/catch.hpp>

#include <memory>
#include <vector>

#include "kernel/kernel.hpp"

using namespace plantwin::kernel;

namespace {
// Records every event it receives; optionally schedules more from inside a handler.
struct Recorder final : Model {
  Kernel& kernel;
  std::vector<Event> seen;
  std::function<void(const Event&)> react;
  explicit Recorder(Kernel& k) : kernel(k) {}
  void on_event(const Event& e) override {
    seen.push_back(e);
    if (react) react(e);
  }
};
std::vector<std::uint32_t> kinds(const Recorder& r) {
  std::vector<std::uint32_t> out;
  for (const auto& e : r.seen) out.push_back(e.kind);
  return out;
}
}  // namespace

TEST_CASE("events run in time order", "[kernel]") {
  Kernel k;
  Recorder r(k);
  const ModelId id = k.add_model(r, "r");
  k.schedule_at(30, id, 3);
  k.schedule_at(10, id, 1);
  k.schedule_at(20, id, 2);
  k.run_until(100);
  CHECK(kinds(r) == std::vector<std::uint32_t>{1, 2, 3});
  CHECK(r.seen[0].time == 10);
  CHECK(k.now() == 100);
}

TEST_CASE("events at the same time run by priority, then in insertion order", "[kernel]") {
  Kernel k;
  Recorder r(k);
  const ModelId id = k.add_model(r, "r");
  k.schedule_at(5, id, 1, 0, 0);
  k.schedule_at(5, id, 2, 0, 0);
  k.schedule_at(5, id, 3, 0, -1);
  k.schedule_at(5, id, 4, 0, 7);
  k.schedule_at(5, id, 5, 0, -1);
  k.run_until(10);
  CHECK(kinds(r) == std::vector<std::uint32_t>{3, 5, 1, 2, 4});
}

TEST_CASE("a cancelled event never runs and is not counted", "[kernel]") {
  Kernel k;
  Recorder r(k);
  const ModelId id = k.add_model(r, "r");
  k.schedule_at(1, id, 1);
  const EventHandle h = k.schedule_at(2, id, 2);
  k.schedule_at(3, id, 3);
  CHECK(k.pending_events() == 3);
  k.cancel(h);
  CHECK(k.pending_events() == 2);
  k.run_until(10);
  CHECK(kinds(r) == std::vector<std::uint32_t>{1, 3});
  CHECK(k.events_executed() == 2);
}

TEST_CASE("run_until stops before events at the end time and resumes there", "[kernel]") {
  Kernel k;
  Recorder r(k);
  const ModelId id = k.add_model(r, "r");
  k.schedule_at(10, id, 1);
  k.schedule_at(20, id, 2);
  k.run_until(20);
  CHECK(kinds(r) == std::vector<std::uint32_t>{1});
  CHECK(k.now() == 20);
  k.run_until(21);
  CHECK(kinds(r) == std::vector<std::uint32_t>{1, 2});
}

TEST_CASE("a pause stops the run after the current event, at its time, and the run goes on after resume", "[kernel]") {
  Kernel k;
  Recorder r(k);
  const ModelId id = k.add_model(r, "r");
  r.react = [&](const Event& e) {
    if (e.kind == 2) {
      k.defer(id, 4);
      k.pause();
    }
  };
  for (std::uint32_t kind : {1, 2, 3}) k.schedule_at(10 * kind, id, kind);
  k.schedule_at(20, id, 5);
  CHECK(k.run_until(100) == Kernel::Status::RUNNING);
  CHECK(kinds(r) == std::vector<std::uint32_t>{1, 2});
  CHECK(k.now() == 20);  // not 100: the rest of the tick (and of the run) is still to come
  CHECK(k.resume());
  CHECK_FALSE(k.resume());
  CHECK(k.run_through(20) == Kernel::Status::RUNNING);
  CHECK(kinds(r) == std::vector<std::uint32_t>{1, 2, 4, 5});
  k.run_until(100);
  CHECK(kinds(r) == std::vector<std::uint32_t>{1, 2, 4, 5, 3});
  CHECK(k.now() == 100);
  CHECK_FALSE(k.resume());
}

TEST_CASE("deferred events run at the current time before any calendar event, in order", "[kernel]") {
  Kernel k;
  Recorder r(k);
  const ModelId id = k.add_model(r, "r");
  r.react = [&](const Event& e) {
    if (e.kind == 1) {
      k.schedule_in(0, id, 9);  // a zero-delay calendar event comes after the deferred ones
      k.defer(id, 2);
      k.defer(id, 3);
    }
  };
  k.schedule_at(4, id, 1);
  k.run_until(10);
  CHECK(kinds(r) == std::vector<std::uint32_t>{1, 2, 3, 9});
  for (const auto& e : r.seen) CHECK(e.time == 4);
}

TEST_CASE("the fingerprint depends on the trajectory and only on it", "[kernel]") {
  auto run = [](Tick second_time, std::uint32_t second_kind) {
    Kernel k;
    Recorder r(k);
    const ModelId id = k.add_model(r, "r");
    k.schedule_at(1, id, 1);
    k.schedule_at(second_time, id, second_kind);
    k.run_until(100);
    return k.fingerprint();
  };
  CHECK(run(5, 2) == run(5, 2));
  CHECK(run(5, 2) != run(6, 2));
  CHECK(run(5, 2) != run(5, 3));
}

TEST_CASE("a zero-time loop stops the run with an error instead of hanging", "[kernel]") {
  Kernel k;
  Recorder r(k);
  const ModelId id = k.add_model(r, "looper");
  r.react = [&](const Event&) {
    r.seen.clear();
    k.schedule_in(0, id, 1);
  };
  k.set_max_events_at_one_time(100000);
  k.schedule_at(7, id, 1);
  CHECK(k.run_until(100) == Kernel::Status::FAILED);
  CHECK_THAT(k.failure(), Catch::Contains("no progress") && Catch::Contains("looper"));
  CHECK(k.now() == 7);
}

TEST_CASE("an interrupt flag stops a long run", "[kernel]") {
  Kernel k;
  Recorder r(k);
  const ModelId id = k.add_model(r, "r");
  std::atomic<bool> stop{false};
  int count = 0;
  r.react = [&](const Event&) {
    if (++count == 10000) stop = true;
    r.seen.clear();  // keep memory flat
    k.schedule_in(1, id, 1);
  };
  k.set_interrupt_flag(&stop);
  k.schedule_at(0, id, 1);
  CHECK(k.run_until(MAX_RUN_TICKS) == Kernel::Status::INTERRUPTED);
}

namespace {
// Many models (a plant large enough for the kernel to prefetch): each records the events it
// runs and the events it was asked to prefetch, into lists shared by all.
struct Prefetched final : Model {
  std::vector<Event>& ran;
  std::vector<Event>& hinted;
  Prefetched(std::vector<Event>& r, std::vector<Event>& h) : ran(r), hinted(h) {}
  void on_event(const Event& e) override { ran.push_back(e); }
  void prefetch(const Event& e) const override { hinted.push_back(e); }
};
}  // namespace

TEST_CASE("in a large plant each model is asked to prefetch for its event just before it runs, and nothing else changes",
          "[kernel]") {
  const auto run = [](std::size_t models, std::vector<Event>& ran, std::vector<Event>& hinted) {
    Kernel k;
    std::vector<std::unique_ptr<Prefetched>> all;
    for (std::size_t i = 0; i < models; ++i) {
      all.push_back(std::make_unique<Prefetched>(ran, hinted));
      const ModelId id = k.add_model(*all.back(), "m");
      k.set_hot(id, {{all.back().get(), sizeof(Prefetched)}});
    }
    // Events at scattered times, some at the same time, addressed to scattered models.
    for (std::uint64_t i = 0; i < 5000; ++i)
      k.schedule_at(static_cast<Tick>((i * 7919) % 1000), static_cast<ModelId>((i * 104729) % models),
                    static_cast<std::uint32_t>(i % 5), i);
    REQUIRE(k.run_until(2000) == Kernel::Status::RUNNING);
  };
  std::vector<Event> ran_small, hinted_small, ran_large, hinted_large;
  run(100, ran_small, hinted_small);
  run(4096, ran_large, hinted_large);
  CHECK(hinted_small.empty());  // a small plant stays in the caches: no hints
  REQUIRE(ran_large.size() == 5000);
  // Every event but the first was hinted exactly once, right before it ran.
  REQUIRE(hinted_large.size() == ran_large.size() - 1);
  for (std::size_t i = 0; i < hinted_large.size(); ++i) {
    CHECK(hinted_large[i].time == ran_large[i + 1].time);
    CHECK(hinted_large[i].target == ran_large[i + 1].target);
    CHECK(hinted_large[i].kind == ran_large[i + 1].kind);
    CHECK(hinted_large[i].arg == ran_large[i + 1].arg);
  }
  // The order of events does not depend on the plant's size.
  REQUIRE(ran_small.size() == ran_large.size());
  for (std::size_t i = 0; i < ran_small.size(); ++i) CHECK(ran_small[i].arg == ran_large[i].arg);
}
