#pragma once
// Runs the network layer alone (network::Simulator with a kernel) in a child process, as every
// use of SimGrid must be: a test describes transfers and computations and gets their end ticks.

#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "kernel/kernel.hpp"
#include "network/simulator.hpp"
#include "run/process_runner.hpp"

namespace plantwin::testing {

inline constexpr kernel::Tick MS = kernel::TICKS_PER_SECOND / 1000;

/// One activity: a transfer (over `route`, after `delay`) or, with `host` >= 0, a computation.
struct ActivitySpec {
  kernel::Tick start = 0;
  network::RouteIndex route = 0;
  double amount = 0;  ///< bytes, or seconds of work
  kernel::Tick delay = 0;
  int host = -1;
};

/// When something happened in the kernel, in order: an activity's end ("done i ok") or a plain
/// kernel event ("plant i").
struct Timeline {
  std::vector<kernel::Tick> end;   ///< per activity; -1 when it failed
  std::vector<std::string> order;  ///< every activity end and plant event, in the order handled
  std::uint64_t simgrid_transfers = 0;  ///< transfers SimGrid carried (in whole or in part)
};

/// Channels switched at given ticks (outages).
struct ChannelSwitch {
  kernel::Tick at = 0;
  network::ChannelIndex channel = 0;
  bool on = false;
};

namespace detail {

class Driver final : public kernel::Model, public network::ActivityClient {
 public:
  Driver(kernel::Kernel& k, network::Simulator& sim, const std::vector<ActivitySpec>& activities,
         const std::vector<ChannelSwitch>& switches, const std::vector<kernel::Tick>& plant_events)
      : kernel_(k), sim_(sim), activities_(activities), switches_(switches) {
    id_ = k.add_model(*this, "test/driver");
    timeline.end.assign(activities.size(), -2);
    // Switches first: at one tick, a channel turned on carries the transfers that start then.
    for (std::size_t i = 0; i < switches.size(); ++i) k.schedule_at(switches[i].at, id_, 1, i);
    for (std::size_t i = 0; i < activities.size(); ++i) k.schedule_at(activities[i].start, id_, 0, i);
    for (std::size_t i = 0; i < plant_events.size(); ++i) k.schedule_at(plant_events[i], id_, 2, i);
  }
  void on_event(const kernel::Event& e) override {
    const ActivitySpec* a = e.kind == 0 ? &activities_[e.arg] : nullptr;
    if (a != nullptr && a->host >= 0)
      sim_.compute(static_cast<network::HostIndex>(a->host), a->amount, *this, e.arg);
    else if (a != nullptr)
      sim_.transfer(a->route, a->amount, a->delay, *this, e.arg);
    else if (e.kind == 1)
      sim_.set_channel_on(switches_[e.arg].channel, switches_[e.arg].on);
    else
      timeline.order.push_back("plant " + std::to_string(e.arg));
  }
  void activity_done(std::uint64_t tag, bool ok) override {
    timeline.end[tag] = ok ? kernel_.now() : -1;
    timeline.order.push_back("done " + std::to_string(tag) + (ok ? " ok" : " failed"));
  }
  Timeline timeline;

 private:
  kernel::Kernel& kernel_;
  network::Simulator& sim_;
  const std::vector<ActivitySpec>& activities_;
  const std::vector<ChannelSwitch>& switches_;
  kernel::ModelId id_ = 0;
};

}  // namespace detail

/// Runs the activities on `platform` until `end` in a child process (with the simulator's
/// `shortcuts`: all of them unless a test compares).
inline Timeline run_network(const network::Platform& platform, const std::vector<ActivitySpec>& activities,
                            kernel::Tick end, const std::vector<ChannelSwitch>& switches = {},
                            const std::vector<kernel::Tick>& plant_events = {}, network::Shortcuts shortcuts = {}) {
  const run::ChildOutcome child = run::run_in_child([&] {
    kernel::Kernel k;
    network::Simulator sim(k, platform, shortcuts);
    detail::Driver driver(k, sim, activities, switches, plant_events);
    sim.run(0, end, [] {});
    std::ostringstream out;
    out << sim.usage().simgrid_transfers << '\n';
    for (kernel::Tick t : driver.timeline.end) out << t << ' ';
    out << '\n';
    for (const std::string& line : driver.timeline.order) out << line << '\n';
    return out.str();
  });
  INFO(child.error);
  REQUIRE(child.ok);
  Timeline t;
  std::istringstream in(child.bytes);
  in >> t.simgrid_transfers;
  for (std::size_t i = 0; i < activities.size(); ++i) {
    kernel::Tick v = 0;
    in >> v;
    t.end.push_back(v);
  }
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) t.order.push_back(line);
  return t;
}

/// A platform of `hosts` devices and one channel per bandwidth (bytes/s); routes are added by the
/// test.
inline network::Platform platform_of(int hosts, const std::vector<double>& bandwidths) {
  network::Platform p;
  for (int h = 0; h < hosts; ++h) p.hosts.push_back({"h" + std::to_string(h), 0});
  for (std::size_t c = 0; c < bandwidths.size(); ++c) p.channels.push_back({"c" + std::to_string(c), bandwidths[c]});
  return p;
}

}  // namespace plantwin::testing
