// A plant with a network runs each replication in a child process (SimGrid's engine is one per
// process): failures of any kind come back as the replication's error, Ctrl-C stops the children,
// and another model can wait on messages through Messages::start_exchange (the AGV hook).
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <memory>
#include <csignal>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "run/archive.hpp"
#include "models/plant.hpp"
#include "run/process_runner.hpp"
#include "run/runner.hpp"
#include "scenario/builder.hpp"
#include "scenario/loader.hpp"

using namespace plantwin;

namespace {

constexpr kernel::Tick S = kernel::TICKS_PER_SECOND;

models::PlantParams build(const std::string& yaml) {
  const auto loaded = scenario::load_scenario_text(yaml, "test.yaml");
  INFO(loaded.diagnostics.format_all());
  REQUIRE(loaded.spec.has_value());
  return scenario::build_plant_params(*loaded.spec);
}

const std::string NETWORK = R"(
network:
  nodes: [{id: gnb, kind: cell}, {id: edge, kind: edge}]
  links:
    - {id: radio, kind: 5g, cell: gnb, uplink: 100Mbps, downlink: 400Mbps, latency: 5ms}
    - {id: lan, kind: wired, between: [gnb, edge], bandwidth: 10Gbps, latency: 1ms}
)";

/// One station fed now and then, and the network above; a test adds attachments and messages.
const std::string ONE_STATION = "plantwin: 1\nname: one-station\nhorizon: 1h\nproducts: [{id: p, route: [a]}]\n"
                                "sources: [{id: s, product: p, interarrival: 1000s}]\nstations: [{id: a, process: 1s}]\n" +
                                NETWORK;

run::RunConfig config_of(int replications, kernel::Tick horizon) {
  run::RunConfig c;
  c.seed = 1;
  c.replications = replications;
  c.horizon = horizon;
  c.jobs = 2;
  return c;
}

}  // namespace

TEST_CASE("a child process that is killed becomes an error naming the signal", "[network][runner]") {
  const run::ChildOutcome child = run::run_in_child([]() -> std::string {
    std::raise(SIGTERM);
    return "unreachable";
  });
  CHECK_FALSE(child.ok);
  CHECK_THAT(child.error, Catch::Contains("killed by signal 15"));
}

TEST_CASE("an exception in a child process becomes its error message", "[network][runner]") {
  const run::ChildOutcome child = run::run_in_child([]() -> std::string { throw std::runtime_error("no route to the moon"); });
  CHECK_FALSE(child.ok);
  CHECK(child.error == "no route to the moon");
}

TEST_CASE("a network replication that fails stops the run with the lowest replication's message", "[network][runner]") {
  // Two full stations that feed each other: a deadlock, found in every replication's child.
  const models::PlantParams params = build(R"(
plantwin: 1
name: loop
horizon: 1h
products: [{id: p, route: [a, b, a, b]}]
sources: [{id: s, product: p, saturated: true}]
stations: [{id: a, buffer: 0, process: 10s}, {id: b, buffer: 0, process: 10s}]
)" + NETWORK + R"(  attach: [{station: a, node: gnb}]
messages: [{id: m, after_work: a, to: edge, size: 1kB}]
)");
  const run::RunOutcome out = run::run_replications(params, config_of(3, 3600 * S));
  CHECK_FALSE(out.ok);
  CHECK_THAT(out.error, Catch::StartsWith("replication 0: deadlock at t="));
}

TEST_CASE("Ctrl-C stops every child soon and the run reports the interruption", "[network][runner]") {
  // A run of many simulated years would take minutes; the interrupt comes after 0.3 s.
  const models::PlantParams params = build(R"(
plantwin: 1
name: long
horizon: 1h
products: [{id: p, route: [a]}]
sources: [{id: s, product: p, saturated: true}]
stations: [{id: a, process: 1s}]
)" + NETWORK + R"(  attach: [{station: a, node: gnb}]
messages: [{id: m, after_work: a, to: edge, size: 1kB, blocking: true}]
)");
  std::atomic<bool> interrupt{false};
  run::RunConfig config = config_of(4, 50 * 365 * 86400 * S);
  config.interrupt = &interrupt;
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    interrupt.store(true);
  });
  const auto start = std::chrono::steady_clock::now();
  const run::RunOutcome out = run::run_replications(params, config);
  stopper.join();
  CHECK_FALSE(out.ok);
  CHECK(out.interrupted);
  // Generous for a loaded machine or a sanitizer build (4 s was exceeded under load); without
  // the interrupt the run would take minutes.
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
}

namespace {

/// ONE_STATION with an uplink of `uplink`, a group of `count` sensors on the cell and `flow`.
models::PlantParams sensors(const std::string& uplink, int count, const std::string& flow) {
  std::string yaml = ONE_STATION;
  yaml.replace(yaml.find("uplink: 100Mbps"), 15, "uplink: " + uplink);
  return build(yaml + "  attach: [{device: sensors, node: gnb, count: " + std::to_string(count) + "}]\nmessages: [" + flow + "]\n");
}

}  // namespace

TEST_CASE("a link offered twice its bandwidth stops the run within its first minutes", "[network][overload]") {
  // 10 sensors × 10 kB every 0.4 s on average = 2 Mbit/s on a 1 Mbit/s uplink. Without the
  // check, the messages in flight grow and every one slows SimGrid down: a run that never ends.
  const auto start = std::chrono::steady_clock::now();
  const run::RunOutcome out = run::run_replications(
      sensors("1Mbps", 10, "{id: data, from: sensors, to: edge, size: 10kB, every: {dist: exponential, mean: 400ms}}"),
      config_of(1, 2 * 3600 * S));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
  REQUIRE_FALSE(out.ok);
  CHECK_THAT(out.error, Catch::StartsWith("replication 0: overloaded link: 500 or more messages have been crossing "
                                          "'radio/uplink' without a break since t="));
  CHECK_THAT(out.error, Catch::Contains("of its 1 Mbit/s: more is offered than it carries, and the backlog grows "
                                        "without bound (docs/network.md#overload)"));
  // Stopped after about two simulated minutes, not at the end of the 2 h.
  const auto at = out.error.find("; at t=");
  REQUIRE(at != std::string::npos);
  CHECK(std::stod(out.error.substr(at + 7)) < 300);
}

TEST_CASE("a burst of a thousand messages that drains before the next one is no overload", "[network][overload]") {
  // 1,000 sensors send 100 kB each at the same instant every 1,000 s: 100 MB that a 10 Mbit/s
  // uplink carries in 80 s, then nothing; 8 % of its bandwidth on average.
  const run::RunOutcome out = run::run_replications(
      sensors("10Mbps", 1000, "{id: burst, from: sensors, to: edge, size: 100kB, every: 1000s, phase: 0s}"),
      config_of(1, 2 * 3600 * S));
  INFO(out.error);
  CHECK(out.ok);
}

TEST_CASE("network measures come back from a child exactly as measured", "[network][runner]") {
  models::NetworkMeasures m;
  m.flows.resize(2);
  m.flows[1].started = 7;
  m.flows[1].lost = 2;
  m.flows[1].retransmissions = 3;
  m.flows[1].latency.add(0.25);
  m.flows[1].latency.add(1.0 / 3);
  m.flows[1].latency_histogram.add(250'000'000);
  m.link_down = {0, 42};
  m.usage.channel_bytes = {1.5e6, 0.1};
  m.usage.host_work = {0.2};
  m.usage.transfers = 9;
  run::ArchiveWriter w;
  w(m);
  models::NetworkMeasures back;
  run::ArchiveReader r(w.bytes());
  r(back);
  CHECK(r.done());
  CHECK(back.flows[1].latency.mean() == m.flows[1].latency.mean());
  CHECK(back.flows[1].latency_histogram.quantile(0.5) == m.flows[1].latency_histogram.quantile(0.5));
  CHECK(back.link_down == m.link_down);
  CHECK(back.usage.channel_bytes == m.usage.channel_bytes);
  CHECK(back.usage.transfers == 9);
}

namespace {

// A stand-in for an AGV fleet: before each move of a vehicle it asks the fleet manager (the edge)
// for a command and moves (here: records the time) when the command has arrived.
class FakeFleet final : public kernel::Model, public models::ExchangeClient {
 public:
  FakeFleet(models::Plant& plant, std::size_t flow) : plant_(plant), flow_(flow) {
    id_ = plant.kernel().add_model(*this, "test/fleet");
    // Vehicle v asks at v seconds; vehicle 2 asks twice at once.
    for (std::uint64_t v : {0, 1, 2, 2}) plant.kernel().schedule_at(static_cast<kernel::Tick>(v) * S, id_, 0, v);
  }
  void on_event(const kernel::Event& e) override {
    plant_.messages()->start_exchange(flow_, e.arg, *this, asked_.size());
    asked_.push_back(plant_.kernel().now());
  }
  void exchange_done(std::uint64_t tag, bool delivered) override {
    out_ << tag << ' ' << (plant_.kernel().now() - asked_[tag]) << ' ' << delivered << '\n';
  }
  std::string log() const { return out_.str(); }

 private:
  models::Plant& plant_;
  std::size_t flow_;
  kernel::ModelId id_ = 0;
  std::vector<kernel::Tick> asked_;
  std::ostringstream out_;
};

}  // namespace

TEST_CASE("a fleet can make each move wait for a command message from the fleet manager", "[network][agv]") {
  models::PlantParams params = build(ONE_STATION + R"(  attach: [{device: agv, node: gnb, count: 3}]
messages: [{id: command, from: edge, to: agv, size: 500B, every: 1h}]
)");
  // The loader has no fleet yet (issue 3): the flow is turned into one that a model triggers.
  auto network = std::make_shared<models::NetworkParams>(*params.network);
  network->flows[0].trigger = models::MessageFlowParams::Trigger::EXTERNAL;
  params.network = network;
  const run::ChildOutcome child = run::run_in_child([&] {
    models::Plant plant(params, 1, 0);
    FakeFleet fleet(plant, 0);
    plant.run(0, 10 * S);
    return fleet.log();
  });
  INFO(child.error);
  REQUIRE(child.ok);
  // 1 ms + 5 ms + 500 B at 50 MB/s (10 µs) = 6.01 ms. The two commands to vehicle 2 share the
  // downlink: each gets 25 MB/s, 20 µs; they arrive at one tick, in the order SimGrid reports them.
  std::vector<std::string> lines;
  std::istringstream in(child.bytes);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::sort(lines.begin(), lines.end());
  CHECK(lines == std::vector<std::string>{"0 6010000 1", "1 6010000 1", "2 6020000 1", "3 6020000 1"});
}

TEST_CASE("a plant built from parameters that go away keeps its network alive", "[network][runner]") {
  // The network's parameters are shared: a Plant made from a temporary PlantParams (as the
  // benchmark makes one) must still own them when it runs.
  const std::string yaml = ONE_STATION + R"(  attach: [{device: sensor, node: gnb}]
messages:
  - {id: reading, from: sensor, to: edge, size: 10kB, every: 1s}
)";
  const run::ChildOutcome child = run::run_in_child([&] {
    const models::PlantParams built = build(yaml);  // outlives the plant
    auto plant = std::make_unique<models::Plant>(built, 1, 0);
    const models::ReplicationResult r = plant->run(0, 60 * S);
    return std::to_string(r.network.flows.at(0).latency.count());
  });
  REQUIRE(child.ok);
  CHECK(std::stoi(child.bytes) >= 55);
}
