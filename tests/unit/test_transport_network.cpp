// AGV fleets whose trips wait for a command from the fleet manager over the network (a message
// flow `before_move: FLEET`): exact delays, an outage that stops the fleet, what the loader says.
#include "test_transport_support.hpp"

using namespace plantwin;
using namespace plantwin::transport_testing;
using models::VehicleState;

namespace {

constexpr kernel::Tick S = kernel::TICKS_PER_SECOND;

// The network of every case: the AGVs on a 5G cell (10 ms, 1 MB/s up, 2 MB/s down), the fleet
// manager on an edge node 2 ms behind it on a wired link of 125 MB/s. A command of 2 kB goes down
// in 12 ms + 2000 B / 2 MB/s = 13 ms, its 200 B reply up in 12 ms + 200 B / 1 MB/s = 12.2 ms:
// every command takes 25.2 ms.
const std::string NETWORK = R"(
network:
  nodes: [{id: gnb, kind: cell}, {id: edge, kind: edge}]
  links:
    - {id: radio, kind: 5g, cell: gnb, uplink: 8Mbps, downlink: 16Mbps, latency: 10ms}
    - {id: lan, kind: wired, between: [gnb, edge], bandwidth: 1Gbps, latency: 2ms}
  attach:
    - {fleet: agv, node: gnb}
messages:
  - {id: agv_cmd, before_move: agv, from: edge, to: agv, size: 2kB, reply: 200B, blocking: true}
)";
constexpr kernel::Tick COMMAND = 25'200 * kernel::TICKS_PER_SECOND / 1'000'000;

// A shuttle that limits the plant: a (1 s, always a part ready) to b (1 s), 20 m apart at 2 m/s,
// 5 s to load and to unload, no return home. A trip from the drop-off: command, 10 s empty, 5 s
// loading, 10 s loaded, 5 s unloading: 30.0252 s.
const std::string SHUTTLE = R"(plantwin: 1
name: shuttle
horizon: 600s
products:
  - id: part
    route: [a, {station: b, via: agv}]
sources:
  - {id: src, product: part, saturated: true}
stations:
  - {id: a, process: 1s}
  - {id: b, process: 1s}
layout:
  nodes:
    - {id: A, x: 0, y: 0}
    - {id: B, x: 20, y: 0}
  segments:
    - {from: A, to: B}
  places: {a: A, b: B}
fleets:
  - {id: agv, vehicles: 1, speed: 2, load: 5s, unload: 5s, home: A, return_home: false}
)";

}  // namespace

TEST_CASE("a trip starts when its command has come: the lead time grows by the exchange exactly", "[transport][network]") {
  const Run without = run_text(DETOUR);
  const Run with = run_text(DETOUR + NETWORK);
  // Without: a works 0-10, the AGV drives to A 10-15, loads 15-20, drives 45 s, unloads 65-68,
  // b works 68-78. With: the AGV waits for its command from 10 to 10.0252 first.
  CHECK(value(without.doc, {"kpis", "lead_time_s"}) == Approx(78).epsilon(1e-12));
  CHECK(value(with.doc, {"kpis", "lead_time_s"}) == Approx(78.0252).epsilon(1e-12));
  const auto& v = with.first().transport.fleets[0].vehicles[0];
  CHECK(ticks_in(v, VehicleState::WAITING_NETWORK) == COMMAND);
  CHECK(ticks_in(v, VehicleState::TRAVELLING_EMPTY) == 55 * S);  // to A, and home from B
  CHECK(ticks_in(v, VehicleState::TRAVELLING_LOADED) == 45 * S);
  CHECK(ticks_in(v, VehicleState::IDLE) == 600 * S - 108 * S - COMMAND);
  CHECK(value(with.doc, {"fleets", "agv", "request_wait_s"}) == Approx(5.0252).epsilon(1e-12));
  CHECK(value(with.doc, {"fleets", "agv", "states", "waiting_network"}) == Approx(0.0252 / 600).epsilon(1e-9));
  const models::FlowMeasures& flow = with.first().network.flows[0];
  CHECK(flow.started == 1);
  CHECK(flow.latency.mean() == Approx(0.0252).epsilon(1e-12));
}

TEST_CASE("with a flow that does not block, the command is sent and the vehicle goes at once", "[transport][network]") {
  const Run r = run_text(DETOUR + NETWORK, {"messages.agv_cmd.blocking=false"});
  CHECK(value(r.doc, {"kpis", "lead_time_s"}) == Approx(78).epsilon(1e-12));
  CHECK(ticks_in(r.first().transport.fleets[0].vehicles[0], VehicleState::WAITING_NETWORK) == 0);
  CHECK(r.first().network.flows[0].started == 1);
}

TEST_CASE("every trip of a busy shuttle waits for its command: the cycle grows by 25.2 ms", "[transport][network]") {
  const Run without = run_text(SHUTTLE);
  const Run with = run_text(SHUTTLE + NETWORK);
  // Trip k ends at 21 + 30 k without commands (20 by 600 s: the last at 591) and at
  // 21.0252 + 30.0252 k with them (20 too: the last at 591.504).
  const auto& v = with.first().transport.fleets[0].vehicles[0];
  CHECK(without.first().transport.fleets[0].vehicles[0].trips == 20);
  CHECK(v.trips == 20);
  // 21 commands asked by 600 s (the 21st at 591.504), each waited 25.2 ms.
  CHECK(ticks_in(v, VehicleState::WAITING_NETWORK) == 21 * COMMAND);
  CHECK(with.first().network.flows[0].started == 21);
}

TEST_CASE("an outage of the cell stops the fleet until the link is back: throughput drops as predicted", "[transport][network]") {
  // The radio is down 100-160 s. Trip k ends at T(k) = 21.0252 + 30.0252 k; the command of trip 4,
  // asked at T(3) = 111.1008 s, leaves when the radio is back and arrives at 160.0252: the vehicle
  // waits 48.8992 s more, and every later trip ends that much later, T(k) = 69.9244 + 30.0252 k
  // for k >= 4: 18 trips end by 600 s instead of 20.
  const Run r = run_text(SHUTTLE + NETWORK, {"network.links.radio.outages=[{start: 100s, duration: 60s}]"});
  const auto& v = r.first().transport.fleets[0].vehicles[0];
  CHECK(v.trips == 18);
  // 19 commands asked (at 1 s and at T(0) .. T(17) = 580.3528; T(18) is past 600 s), each 25.2 ms,
  // and the wait for the radio.
  const kernel::Tick outage_wait = 160 * S - 111'100'800'000;
  CHECK(ticks_in(v, VehicleState::WAITING_NETWORK) == 19 * COMMAND + outage_wait);
  CHECK(r.first().network.link_down[0] == 60 * S);
  CHECK(value(r.doc, {"fleets", "agv", "moved"}) == 18);
}
