// The seams where transport and the network attach to stations: gates a server waits for, and
// targets other than stations that take a part on its way to the next station.
#include <catch2/catch.hpp>

#include <deque>

#include "plant_fixtures.hpp"

using namespace plantwin;
using namespace plantwin::testing;
using models::ServerState;

namespace {

// A gate that lets a server on after a fixed delay (0: at once, inside request()).
class DelayGate final : public kernel::Model, public models::Gate {
 public:
  DelayGate(kernel::Kernel& k, Tick delay, ServerState state) : kernel_(k), delay_(delay), state_(state) {
    id_ = k.add_model(*this, "test/gate");
  }
  void request(models::GateClient& client, std::uint64_t tag, const models::Station&, models::PartId) override {
    ++requests;
    if (delay_ == 0) {
      client.gate_passed(tag);
      return;
    }
    waiting_.push_back({&client, tag});
    kernel_.schedule_in(delay_, id_, 0);
  }
  ServerState waiting_state() const override { return state_; }
  void on_event(const kernel::Event&) override {
    const auto w = waiting_.front();
    waiting_.pop_front();
    w.first->gate_passed(w.second);
  }
  int requests = 0;

 private:
  kernel::Kernel& kernel_;
  kernel::ModelId id_ = 0;
  Tick delay_;
  ServerState state_;
  std::deque<std::pair<models::GateClient*, std::uint64_t>> waiting_;
};

// Takes a part at once and delivers it to its station after a fixed delay (a crude conveyor).
class DelayTarget final : public kernel::Model,
                          public models::EntryTarget,
                          public models::EntryRequester,
                          public models::Waitable {
 public:
  DelayTarget(kernel::Kernel& k, Tick delay, ServerState shown) : kernel_(k), delay_(delay), shown_(shown) {
    id_ = k.add_model(*this, "test/target");
  }
  void request_entry(models::EntryRequester& r, std::uint64_t tag, const models::Transfer& t) override {
    const models::PartId part = r.hand_over(tag);
    in_transit_.push_back({part, const_cast<models::Station*>(t.to)});
    kernel_.schedule_in(delay_, id_, 0);
  }
  ServerState waiting_state() const override { return shown_; }
  // It takes every part at once: nothing waits on it for long.
  models::WaitItem entry_wait(const models::EntryRequester&, std::uint64_t) const override { return {this, 0}; }
  std::string entry_name() const override { return "the test target"; }
  models::WaitKind waits_for(std::uint32_t, std::vector<models::WaitItem>&) const override { return models::WaitKind::MOVES; }
  std::string describe_wait(std::uint32_t) const override { return ""; }
  void holders(std::vector<models::WaitItem>&) const override {}
  void on_event(const kernel::Event&) override {
    arrived_.push_back(in_transit_.front());
    in_transit_.pop_front();
    arrived_.back().second->request_entry(*this, 0, models::Transfer{arrived_.back().first, nullptr, arrived_.back().second});
  }
  models::PartId hand_over(std::uint64_t) override {
    const models::PartId p = arrived_.front().first;
    arrived_.pop_front();
    return p;
  }

 private:
  kernel::Kernel& kernel_;
  kernel::ModelId id_ = 0;
  Tick delay_;
  ServerState shown_;
  std::deque<std::pair<models::PartId, models::Station*>> in_transit_, arrived_;
};

}  // namespace

TEST_CASE("a gate after work holds the server in the gate's waiting state", "[flow]") {
  LineBuilder b;
  b.saturated("src").station("a", constant(10));
  const models::PlantParams built = b.build();  // outlives the plant
  models::Plant plant(built, 1, 0);
  DelayGate gate(plant.kernel(), 3 * S, ServerState::WAITING_NETWORK);
  plant.stations()[0]->add_gate_after_work(gate);
  const auto r = plant.run(0, 1300 * S);
  CHECK(r.plant.all.completed == 99);  // the 100th leaves at 1300, the end of the window
  CHECK(fraction(r.stations[0], ServerState::WAITING_NETWORK, 1300 * S) == Approx(3.0 / 13));
  CHECK(fraction(r.stations[0], ServerState::WORKING, 1300 * S) == Approx(10.0 / 13));
}

TEST_CASE("a gate before work runs after the setup and before the work", "[flow]") {
  LineBuilder b;
  b.saturated("src").station("a", constant(10));
  const models::PlantParams built = b.build();  // outlives the plant
  models::Plant plant(built, 1, 0);
  DelayGate gate(plant.kernel(), 2 * S, ServerState::WAITING_TRANSPORT);
  plant.stations()[0]->add_gate_before_work(gate);
  const auto r = plant.run(0, 1200 * S);
  CHECK(r.plant.all.completed == 99);
  CHECK(fraction(r.stations[0], ServerState::WAITING_TRANSPORT, 1200 * S) == Approx(2.0 / 12));
}

TEST_CASE("a gate that passes at once changes nothing", "[flow]") {
  LineBuilder b;
  b.station("a", Distribution::exponential(1)).station("b", Distribution::exponential(1.2), 1, 2);
  b.source("src", Distribution::exponential(1.5));
  const auto p = b.build();
  const auto plain = run_plant(p, 0, 5000 * S);
  models::Plant plant(p, 1, 0);
  DelayGate before(plant.kernel(), 0, ServerState::WAITING_TRANSPORT), after(plant.kernel(), 0, ServerState::WAITING_NETWORK);
  plant.stations()[0]->add_gate_before_work(before);
  plant.stations()[0]->add_gate_after_work(after);
  const auto gated = plant.run(0, 5000 * S);
  CHECK(before.requests > 3000);
  CHECK(gated.fingerprint == plain.fingerprint);
  CHECK(gated.plant.all.tally.mean() == plain.plant.all.tally.mean());
}

TEST_CASE("a part that passes its gate while the server is down starts work at the repair", "[flow][failures]") {
  LineBuilder b;
  b.station("a", constant(9)).source("src", constant(1), 1);
  b.last().failures = models::FailureParams{constant(2), constant(5), models::FailureParams::Basis::CALENDAR,
                                            models::FailureParams::Interrupted::RESUME};
  const models::PlantParams built = b.build();  // outlives the plant
  models::Plant plant(built, 1, 0);
  DelayGate gate(plant.kernel(), 2 * S, ServerState::WAITING_TRANSPORT);
  plant.stations()[0]->add_gate_before_work(gate);
  const auto r = plant.run(0, 100 * S);
  // Arrives at 1; the gate holds it until 3, while the server is down from 2 to 7. Work starts at
  // the repair and runs only in the up windows [7,9), [14,16), [21,23), [28,30), [35,37): its
  // 9 s end at 36. Lead time 35.
  CHECK(r.plant.all.tally.mean() == Approx(35));
}

TEST_CASE("a hop through another target shows its waiting state and adds its delay", "[flow]") {
  LineBuilder b;
  b.source("src", constant(20), 3).station("a", constant(5)).station("b", constant(5));
  models::PlantParams p = b.build();
  models::Plant plant(p, 1, 0);
  DelayTarget conveyor(plant.kernel(), 7 * S, ServerState::WAITING_TRANSPORT);
  // Route the hop a -> b through the target (the builder does this from YAML for real transport).
  const_cast<models::RouteStep&>(plant.routes()[0][1]).via = &conveyor;
  const auto r = plant.run(0, 100 * S);
  CHECK(r.plant.all.tally.mean() == Approx(5 + 7 + 5));
  CHECK(r.stations[0].state_ticks[static_cast<std::size_t>(ServerState::WAITING_TRANSPORT)] == 0);  // taken at once
}

TEST_CASE("a recorded timeline holds every state change and exit of replication 0", "[timeline]") {
  LineBuilder b;
  b.station("a", constant(8)).station("b", constant(9)).source("src", constant(10), 5);
  const models::PlantParams built = b.build();  // outlives the plant
  models::Plant plant(built, 1, 0);
  plant.record_timeline();
  const auto r = plant.run(0, 1000 * S);
  REQUIRE(r.timeline);
  REQUIRE(r.timeline->exits.size() == 5);
  CHECK(r.timeline->exits[0].time == 27 * S);
  CHECK(r.timeline->exits[0].time - r.timeline->exits[0].created == 17 * S);
  // Station a: working at 10, idle at 18 (its part moves on at once), and so on for 5 parts.
  std::vector<std::pair<Tick, models::ServerState>> a;
  for (const auto& c : r.timeline->states)
    if (c.station == 0) a.emplace_back(c.time, c.state);
  REQUIRE(a.size() == 10);
  CHECK(a[0] == std::pair{10 * S, models::ServerState::WORKING});
  CHECK(a[1] == std::pair{18 * S, models::ServerState::IDLE});
  CHECK_FALSE(r.timeline->truncated);
}
