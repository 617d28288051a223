#pragma once
/// The network on SimGrid, coupled exactly to the kernel's clock. This interface has no SimGrid
/// type; SimGrid itself is behind network/backend.hpp, in a module loaded when a process first
/// simulates a network (the only file that includes SimGrid's headers is simgrid_backend.cpp).
///
/// What SimGrid does here. Every transfer is a SimGrid communication (`Comm::sendto_init`)
/// between two hosts over the channels of its route; concurrent transfers share each channel's
/// bandwidth through SimGrid's max-min solver. Every computation is a SimGrid execution on a
/// host's cores (processor sharing when more run than there are cores). The model is CM02 with
/// cross-traffic off and TCP-gamma off: on an idle channel, S bytes take exactly S / bandwidth
/// (docs/network.md gives the measurements behind this choice).
///
/// Latency. A transfer first waits its route's latency (and any jitter) on the kernel's calendar
/// (an event), then its bytes flow. CM02 itself does the same (a transfer uses no bandwidth
/// while it pays its latency), but it also weights each transfer's share of a bottleneck by
/// 1/latency (TCP's RTT unfairness), and it cannot give one transfer a latency of its own
/// (jitter). With the latency paid before, every transfer has the same weight: plain max-min.
///
/// Coupling (no time stepping). SimGrid's engine runs once (`Engine::run`); the kernel is driven
/// from inside it by one SimGrid timer, always armed at the date of the kernel's next event. When
/// it fires, the kernel runs every event up to that tick (run_through); model code may start
/// transfers then, at SimGrid's current date. A transfer or computation that ends at SimGrid date
/// t becomes a kernel event at tick round(t · 10^9) with the highest priority, and the timer is
/// re-armed for it: the plant handles it at that tick, before any event of a later tick, and
/// after every plant event of the same tick (deliveries at one tick run in the order SimGrid
/// reported them). Dates are converted between ticks and SimGrid's double seconds only here.
///
/// Shortcuts (exact: same ends, same bytes; see Shortcuts). While SimGrid carries nothing, the
/// timer lets the kernel run on to the end of the run; the kernel pauses after the event that
/// gives SimGrid something, and the timer, re-armed at that tick, starts it there and lets the
/// kernel finish the tick. Transfers that share only their routes' slowest channel (a fair
/// share: processor sharing of that channel; alone, a share of one) and a computation on a free
/// core never reach SimGrid unless an activity that does not fit meets them: each ends by a kernel
/// event. So SimGrid carries only the activities whose sharing needs its max-min solver.
///
/// SimGrid's engine is one per process and cannot be restarted: a process builds at most one
/// Simulator (run/process_runner.hpp runs each replication with a network in a child process).

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "kernel/kernel.hpp"
#include "network/platform.hpp"

namespace plantwin::network {

/// Told when a transfer or a computation ends, from a kernel event at its end tick.
class ActivityClient {
 public:
  /// `ok` is false when a transfer failed: a channel of its route was off when it started or went
  /// off while it ran (SimGrid's link failure).
  virtual void activity_done(std::uint64_t tag, bool ok) = 0;

 protected:
  ~ActivityClient() = default;
};

/// What SimGrid carried over the measured window.
struct NetworkUsage {
  std::vector<double> channel_bytes;  ///< bytes that crossed each channel in the window
  std::vector<double> host_work;      ///< core-seconds each host computed in the window
  std::uint64_t transfers = 0;        ///< transfers that started to flow (whole run)
  std::uint64_t simgrid_transfers = 0;  ///< of them, or of their rests, carried by SimGrid (whole run)
  std::uint64_t computations = 0;     ///< SimGrid executions started (whole run)
  double simgrid_wall_s = 0;          ///< wall time spent inside SimGrid (the rest is the kernel's)
  template <class A>
  void serialize(A& a) {
    a(channel_bytes, host_work, transfers, simgrid_transfers, computations, simgrid_wall_s);
  }
};

/// Exact shortcuts past SimGrid (docs/network.md#how-simgrid-carries-the-messages). Both on by
/// default; the tests turn them off to compare a run with and without them.
struct Shortcuts {
  /// Transfers whose routes have the same slowest channel (the first of the least bandwidth) and
  /// whose channels carry nothing else flow outside SimGrid, each at that bandwidth over their
  /// number (max-min's answer for them; alone, a transfer ends at its start plus its size over
  /// that bandwidth); SimGrid takes over what is left of each when a transfer that does not fit
  /// starts on one of their channels. Likewise a computation on a host with a free core ends at
  /// its start plus its work, until more computations than cores share them.
  bool alone = true;
  /// While SimGrid carries nothing, the kernel runs on without waking SimGrid at every event; it
  /// pauses when the plant gives SimGrid an activity, until SimGrid's clock has caught up.
  bool run_ahead = true;
};

class Simulator final : public kernel::Model {
 public:
  /// Loads SimGrid (network/backend.hpp), creates its engine, configures its model and builds
  /// `platform` (hosts, one link per channel, one route per Platform::Route). Throws
  /// std::logic_error when this process already made a Simulator, std::runtime_error when the
  /// SimGrid module cannot be loaded. SimGrid's log output is off unless the environment variable
  /// PLANTWIN_SIMGRID_LOG holds a SimGrid log setting (for example "root.thresh:info").
  Simulator(kernel::Kernel& kernel, const Platform& platform, Shortcuts shortcuts = {});
  ~Simulator() override;
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  /// Sends `bytes` (>= 1) over `route`, starting `delay` ticks from now (its latency and jitter).
  /// client.activity_done(tag, ok) follows from a kernel event at the tick it ends.
  void transfer(RouteIndex route, double bytes, kernel::Tick delay, ActivityClient& client, std::uint64_t tag);
  /// Computes `seconds` of work (its duration on an idle core) on `host` (which has cores).
  void compute(HostIndex host, double seconds, ActivityClient& client, std::uint64_t tag);
  /// Turns a channel off (transfers on it fail; new ones on it fail at their start) or on.
  void set_channel_on(ChannelIndex channel, bool on);
  bool channel_on(ChannelIndex channel) const;

  /// Runs the kernel and SimGrid together: to `warmup`, then `at_warmup()` (the statistics
  /// restart; this simulator's too), then to `end`. Returns the kernel's status; the run stops
  /// early when the kernel fails or is interrupted. Call once.
  kernel::Kernel::Status run(kernel::Tick warmup, kernel::Tick end, const std::function<void()>& at_warmup);

  /// Usage from the warm-up's end to now (to the end of the run once it is over).
  NetworkUsage usage() const;

  void on_event(const kernel::Event& event) override;
  const char* event_name(std::uint32_t kind) const override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace plantwin::network
