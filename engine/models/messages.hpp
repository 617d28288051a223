#pragma once
/// Messages over the network: exchanges that plant events trigger (a part finishing at a
/// station), that devices send periodically (telemetry, background traffic), or that another
/// model asks for (an AGV fleet waiting for a command); link outages; and what they measured.
///
/// An exchange is a request of `size` bytes from one endpoint to another, optionally a
/// computation there (on a compute node's cores) and optionally a reply back. Each transfer is a
/// SimGrid communication (network/simulator.hpp). Per transfer attempt:
/// - it waits its route's latency plus a jitter draw for every link with jitter, then its bytes
///   flow, sharing bandwidth max-min with the other transfers;
/// - when it arrives it is lost with each lossy link's probability (links in route order, one
///   uniform each); a lost attempt is sent again the first losing link's retransmit_timeout
///   after it arrived, at most max_retransmissions times (then the exchange fails);
/// - when a link of its route is down (an outage) at its start, or goes down while it flows, the
///   attempt fails: with on_outage WAIT it is sent again from the start once every link of its
///   route is up, with DROP the exchange fails.
/// A blocking exchange holds the part on its server (a Gate: the server shows WAITING_NETWORK);
/// a failed one lets the part go on. Deliveries are kernel events: the fingerprint covers them.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kernel/distribution.hpp"
#include "kernel/kernel.hpp"
#include "kernel/rng.hpp"
#include "kernel/stats.hpp"
#include "models/flow.hpp"
#include "models/plant_context.hpp"
#include "network/platform.hpp"
#include "network/simulator.hpp"

namespace plantwin::models {

/// A link of the scenario: its SimGrid channels and how messages fare on it.
struct NetLinkParams {
  std::string id;
  /// Channels in the order [direction][slice]: channel of (d, k) is channels[d * slice_count + k].
  std::vector<network::ChannelIndex> channels;
  std::vector<std::string> directions;  ///< "uplink", "downlink" (5g) or "forward", "backward" (wired)
  std::vector<std::string> slices;      ///< slice ids; empty when the link is not sliced
  double loss = 0;                      ///< probability that an attempt is lost on this link
  kernel::Tick retransmit_timeout = 0;  ///< after a loss here, the wait before sending again
  std::optional<kernel::Distribution> jitter;  ///< extra latency per attempt
  struct Window {
    kernel::Tick start = 0, end = 0;
  };
  std::vector<Window> outages;  ///< absolute, sorted, disjoint
  struct Failures {
    kernel::Distribution time_to_failure, time_to_repair;
  };
  std::optional<Failures> failures;  ///< random outages (calendar time)

  std::size_t slice_count() const { return slices.empty() ? 1 : slices.size(); }
};

/// One way a message goes: its SimGrid route, its latency and the scenario's links it crosses.
struct NetRouteParams {
  network::RouteIndex route = 0;
  kernel::Tick latency = 0;            ///< sum of the latencies of every hop (access links included)
  std::vector<std::uint32_t> links;    ///< NetLinkParams indices, in crossing order
};

struct MessageFlowParams {
  enum class Trigger { AFTER_WORK, BEFORE_WORK, EVERY, EXTERNAL };
  enum class OnOutage { WAIT, DROP };
  std::string id;
  Trigger trigger = Trigger::EVERY;
  std::size_t station = 0;        ///< AFTER_WORK, BEFORE_WORK: the station (index in PlantParams)
  std::vector<bool> products;     ///< station triggers: [product] triggers; empty = every product
  kernel::Distribution every;     ///< EVERY: time between two messages of one device
  kernel::Distribution phase;     ///< EVERY: time to a device's first message
  std::size_t devices = 1;        ///< exchanges run independently per device of this many
  std::vector<std::uint32_t> request_routes, reply_routes;  ///< per device (NetRouteParams indices)
  double size = 0;                ///< request bytes (>= 1)
  double reply = 0;               ///< reply bytes; 0: no reply
  std::optional<kernel::Distribution> compute;  ///< work at the destination, seconds on an idle core
  network::HostIndex compute_host = 0;
  bool blocking = false;          ///< station triggers: the part waits for the exchange
  OnOutage on_outage = OnOutage::WAIT;
  std::optional<std::int64_t> max_retransmissions;  ///< per message; none: no limit
  /// EXTERNAL: the fleet (index in TransportParams::fleets) whose vehicles ask for a command
  /// before each trip; device k is vehicle k. None: another model starts the exchanges.
  std::optional<std::size_t> fleet;
  kernel::Tick resend = 0;  ///< fleet commands: the wait before a failed command is sent again
};

struct ComputeNodeParams {
  std::string id;
  network::HostIndex host = 0;
  int cores = 1;
};

/// The network and its messages, every id resolved (the scenario layer builds it).
struct NetworkParams {
  network::Platform platform;
  std::vector<NetLinkParams> links;
  std::vector<NetRouteParams> routes;
  std::vector<MessageFlowParams> flows;
  std::vector<ComputeNodeParams> compute_nodes;
};

/// One flow's measures over the window. `latency` holds the exchanges that ended delivered in the
/// window (from their start to the delivery of the last message); a failed exchange counts in
/// `lost` only.
struct FlowMeasures {
  std::uint64_t started = 0;          ///< exchanges started in the window
  std::uint64_t lost = 0;             ///< exchanges that failed in the window (given up or dropped)
  std::uint64_t retransmissions = 0;  ///< attempts sent again after a loss or an outage, in the window
  kernel::Tally latency;              ///< seconds
  kernel::Histogram latency_histogram;  ///< ticks
  template <class A>
  void serialize(A& a) {
    a(started, lost, retransmissions, latency, latency_histogram);
  }
};

struct NetworkMeasures {
  std::vector<FlowMeasures> flows;
  std::vector<kernel::Tick> link_down;  ///< per link: time it was down in the window
  network::NetworkUsage usage;
  template <class A>
  void serialize(A& a) {
    a(flows, link_down, usage);
  }
};

/// Told when an exchange started with Messages::start_exchange() ends.
class ExchangeClient {
 public:
  /// `delivered` is false when the exchange failed.
  virtual void exchange_done(std::uint64_t tag, bool delivered) = 0;

 protected:
  ~ExchangeClient() = default;
};

class Station;

class Messages final : public kernel::Model, public network::ActivityClient {
 public:
  /// Builds the network (SimGrid: once per process) and adds a gate to the station of every
  /// station-triggered flow, in the order of the flows.
  Messages(const NetworkParams& params, PlantContext& ctx, const std::vector<std::unique_ptr<Station>>& stations);
  ~Messages() override;
  Messages(const Messages&) = delete;
  Messages& operator=(const Messages&) = delete;

  /// Called once at time 0: starts periodic flows and link outages.
  void start();
  /// Runs the plant and the network to `end` (see network::Simulator::run); `at_warmup` restarts
  /// the plant's statistics, this model's (reset_statistics) among them.
  kernel::Kernel::Status run(kernel::Tick warmup, kernel::Tick end, const std::function<void()>& at_warmup);
  /// Forgets what was measured so far: the window starts now.
  void reset_statistics();
  NetworkMeasures measures() const;

  /// Starts one exchange of flow `flow` for its device `device` (< MessageFlowParams::devices);
  /// client.exchange_done(tag, delivered) follows when it ends. For models that wait on messages
  /// themselves: an AGV fleet calls it before each move and moves in exchange_done().
  void start_exchange(std::size_t flow, std::size_t device, ExchangeClient& client, std::uint64_t tag);

  void on_event(const kernel::Event& event) override;
  const char* event_name(std::uint32_t kind) const override;
  void activity_done(std::uint64_t tag, bool ok) override;

 private:
  class FlowGate;
  enum EventKind : std::uint32_t { SEND_PERIODIC, RETRY, OUTAGE_BEGIN, OUTAGE_END, LINK_FAIL, LINK_REPAIR };
  enum class Phase : std::uint8_t { REQUEST, COMPUTE, REPLY };
  enum class Waiter : std::uint8_t { NONE, GATE, CLIENT };

  struct Exchange {
    std::uint32_t flow = 0;
    std::uint32_t device = 0;
    Phase phase = Phase::REQUEST;
    Waiter waiter = Waiter::NONE;
    std::int64_t retransmissions = 0;  // of the current message
    kernel::Tick started = 0;
    GateClient* gate_client = nullptr;
    ExchangeClient* client = nullptr;
    std::uint64_t tag = 0;
  };

  std::uint32_t begin(std::size_t flow, std::size_t device);
  void gate_request(std::size_t flow, GateClient& client, std::uint64_t tag, PartId part);
  const NetRouteParams& route_of(const Exchange& ex) const;
  bool route_up(const NetRouteParams& route) const;
  void send(std::uint32_t ex);
  void resend_later(std::uint32_t ex, kernel::Tick delay);
  void after_delivery(std::uint32_t ex);
  void finish(std::uint32_t ex, bool delivered);
  void link_down(std::uint32_t link, bool down);

  const NetworkParams& params_;
  PlantContext& ctx_;
  kernel::ModelId model_id_;
  std::unique_ptr<network::Simulator> simulator_;
  std::vector<std::unique_ptr<FlowGate>> gates_;

  std::vector<Exchange> exchanges_;
  std::vector<std::uint32_t> free_exchanges_;
  std::vector<std::uint32_t> parked_;  // waiting for their route to come up, in the order they came

  struct FlowStreams {
    kernel::RngStream loss, jitter, compute;
    std::vector<kernel::RngStream> every;  // per device
  };
  std::vector<FlowStreams> streams_;
  struct LinkState {
    int down = 0;  // causes that hold it down (an outage window, a failure)
    kernel::Tick down_since = 0;
    kernel::Tick down_ticks = 0;
    kernel::RngStream ttf, ttr;
  };
  std::vector<LinkState> links_;

  std::vector<FlowMeasures> flow_measures_;
  kernel::Tick window_start_ = 0;
};

}  // namespace plantwin::models
