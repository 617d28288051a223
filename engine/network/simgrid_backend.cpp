// The SimGrid backend of the network layer: the only file of plantwin that includes SimGrid. It is
// built as the module libplantwin_simgrid.so and loaded on demand (see backend.hpp).
#include <cmath>
#include <csignal>
#include <deque>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include <simgrid/kernel/Timer.hpp>
#include <simgrid/s4u/Comm.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Exec.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Link.hpp>
#include <simgrid/s4u/NetZone.hpp>
#include <xbt/log.h>

#include "network/backend.hpp"

namespace plantwin::network {

namespace {

namespace sg = simgrid::s4u;
using simgrid::kernel::timer::Timer;

// SimGrid takes a communication's size in whole bytes, but a transfer that the network layer
// carried alone and hands over when another starts beside it has a fraction of a byte left. So
// bytes and bandwidths are given to SimGrid in units of 2^-12 byte: a power of two, so every
// quotient, sum and product SimGrid forms (durations, max-min shares) is the same double as in
// bytes, and a transfer's size is exact to 2.4e-4 byte (0.2 ps at 10 Gbit/s). A scenario's largest
// message (scenario/units.hpp, 1e15 bytes) is 4.1e18 units, within SimGrid's 64-bit sizes.
constexpr double UNITS_PER_BYTE = 4096.0;

class SimGridBackend final : public Backend {
 public:
  explicit SimGridBackend(const char* log) {
    xbt_log_control_set(log);
    static int argc = 1;
    static char name[] = "plantwin";
    static char* argv[] = {name, nullptr};
    // SimGrid's engine installs its own handlers: on SIGINT it prints its actors and exits, on
    // SIGSEGV and SIGBUS it reports a stack overflow of an actor. plantwin runs no actor, and
    // Ctrl-C must stop the replication the way the rest of plantwin does (and the sanitizers keep
    // their handlers): the handlers in place before are put back.
    constexpr int SIGNALS[] = {SIGINT, SIGSEGV, SIGBUS};
    struct sigaction before[std::size(SIGNALS)];
    for (std::size_t i = 0; i < std::size(SIGNALS); ++i) ::sigaction(SIGNALS[i], nullptr, &before[i]);
    engine_ = std::make_unique<sg::Engine>(&argc, argv);
    for (std::size_t i = 0; i < std::size(SIGNALS); ++i) ::sigaction(SIGNALS[i], &before[i], nullptr);
    // CM02 with its corrections off: on an idle link S bytes take S / bandwidth exactly. LV08
    // (the default) multiplies latencies by 13.01 and bandwidths by 0.97 and weights sharing by
    // RTT (weight-S); cross-traffic makes every transfer also load its reverse route with 5 % of
    // its rate; TCP-gamma caps a transfer's rate at gamma / (2 · latency). Every one of these is
    // set here rather than left to the model's defaults.
    sg::Engine::set_config("network/model:CM02");
    sg::Engine::set_config("network/crosstraffic:0");
    sg::Engine::set_config("network/TCP-gamma:0");
    sg::Engine::set_config("network/bandwidth-factor:1");
    sg::Engine::set_config("network/latency-factor:1");
    sg::Engine::set_config("network/weight-S:0");
    sg::Activity::on_completion_cb([this](const sg::Activity& a) { completed(a); });
  }

  void build(const Platform& platform) override {
    // A star zone, whose memory grows with the routes and their links: a full zone holds a table
    // of every pair of hosts (8 bytes each: 512 MB for 8,000 devices and nodes, before a single
    // route). The routes are the topology layer's, not SimGrid's: each one gets a host of its own
    // whose links "up" are the route's channels, and every transfer goes from its route's host to
    // one sink whose links "down" are none. So a transfer crosses exactly its route's channels,
    // in order, and the max-min sharing between transfers is the same as between the hosts of a
    // full zone. Only hosts that compute get a host of their own; a device is no SimGrid host.
    sg::NetZone* zone = sg::create_star_zone("plant");
    hosts_.assign(platform.hosts.size(), nullptr);
    for (std::size_t i = 0; i < platform.hosts.size(); ++i) {
      const Platform::Host& h = platform.hosts[i];
      if (h.cores == 0) continue;
      sg::Host* host = zone->create_host(h.name, 1.0);
      if (h.cores > 1) host->set_core_count(h.cores);
      hosts_[i] = host->seal();
    }
    for (const Platform::Channel& c : platform.channels)
      links_.push_back(zone->create_link(c.name, c.bandwidth * UNITS_PER_BYTE)->set_latency(0)->seal());
    // Names with a slash: no id of a scenario has one.
    sg::Host* sink = zone->create_host("/sink", 1.0)->seal();
    routes_.reserve(platform.routes.size());
    for (std::size_t r = 0; r < platform.routes.size(); ++r) {
      std::vector<sg::LinkInRoute> hops;
      hops.reserve(platform.routes[r].channels.size());
      for (ChannelIndex c : platform.routes[r].channels) hops.emplace_back(links_[c]);
      sg::Host* from = zone->create_host("route/" + std::to_string(r), 1.0)->seal();
      zone->add_route(from->get_netpoint(), nullptr, nullptr, nullptr, hops, false);
      routes_.push_back({from, sink});
    }
    zone->seal();
  }

  double clock() const override { return sg::Engine::get_clock(); }

  void* set_timer(double date, std::function<void()> callback) override { return Timer::set(date, std::move(callback)); }
  void remove_timer(void* timer) override { static_cast<Timer*>(timer)->remove(); }

  void start_transfer(std::uint32_t slot, RouteIndex route, double bytes) override {
    sg::CommPtr comm = sg::Comm::sendto_init(routes_[route].first, routes_[route].second);
    comm->set_payload_size(static_cast<std::uint64_t>(std::llround(bytes * UNITS_PER_BYTE)));
    start(slot, comm, true);
  }

  void start_compute(std::uint32_t slot, HostIndex host, double work) override {
    sg::ExecPtr exec = sg::Exec::init();
    exec->set_host(hosts_[host])->set_flops_amount(work);
    start(slot, exec, false);
  }

  double remaining(std::uint32_t slot) const override {
    const Slot& s = slots_[slot];
    return s.activity->get_remaining() / (s.is_transfer ? UNITS_PER_BYTE : 1.0);
  }

  void cancel(std::uint32_t slot) override {
    Slot& s = slots_[slot];
    s.live = false;
    s.activity->cancel();
  }

  void set_link_on(ChannelIndex channel, bool on) override {
    if (on)
      links_[channel]->turn_on();
    else
      links_[channel]->turn_off();
  }

  void on_end(std::function<void(std::uint32_t, bool, double)> callback) override { on_end_ = std::move(callback); }

  void run() override { engine_->run(); }

 private:
  // The activity of each slot. The object stays alive until the slot is reused: SimGrid may
  // still refer to it just after its end (a cancelled one is reported twice).
  struct Slot {
    sg::ActivityPtr activity;
    std::uint32_t index = 0;
    bool live = false;
    bool is_transfer = false;  // its amounts are in UNITS_PER_BYTE
  };

  template <class A>
  void start(std::uint32_t slot, A activity, bool is_transfer) {
    while (slots_.size() <= slot) slots_.emplace_back();
    Slot& s = slots_[slot];
    s.activity = activity;
    s.index = slot;
    s.live = true;
    s.is_transfer = is_transfer;
    activity->set_data(&s);  // a deque: slots do not move
    activity->start();
  }

  void completed(const sg::Activity& activity) {
    auto* s = activity.get_data<Slot>();
    if (s == nullptr || !s->live || s->activity.get() != &activity) return;
    s->live = false;
    const bool ok = activity.get_state() == sg::Activity::State::FINISHED;
    on_end_(s->index, ok, ok ? 0.0 : activity.get_remaining() / (s->is_transfer ? UNITS_PER_BYTE : 1.0));
  }

  std::unique_ptr<sg::Engine> engine_;
  std::vector<sg::Host*> hosts_;
  std::vector<sg::Link*> links_;
  std::vector<std::pair<sg::Host*, sg::Host*>> routes_;
  std::deque<Slot> slots_;
  std::function<void(std::uint32_t, bool, double)> on_end_;
};

}  // namespace

}  // namespace plantwin::network

extern "C" plantwin::network::Backend* plantwin_network_backend(const char* log) {
  return new plantwin::network::SimGridBackend(log);
}
