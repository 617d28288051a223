#include "network/simulator.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <stdexcept>
#include <string>

#include <simgrid/kernel/Timer.hpp>
#include <simgrid/s4u/Comm.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Exec.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Link.hpp>
#include <simgrid/s4u/NetZone.hpp>
#include <xbt/log.h>

namespace plantwin::network {

namespace sg = simgrid::s4u;
using simgrid::kernel::timer::Timer;
using Clock = std::chrono::steady_clock;

namespace {

enum EventKind : std::uint32_t { ACTIVITY_DONE };

// SimGrid's engine is a singleton that cannot be restarted (a second one continues the first
// one's clock): refuse a second Simulator in one process rather than give wrong dates.
bool engine_made = false;

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

struct Simulator::Impl {
  Impl(Simulator& self, kernel::Kernel& k) : owner(self), kernel(k) {}

  // An activity in progress: a transfer (in its latency, or flowing) or a computation.
  struct Slot {
    sg::ActivityPtr activity;
    Timer* latency_timer = nullptr;  // set while a transfer waits its latency
    ActivityClient* client = nullptr;
    std::uint64_t tag = 0;
    std::uint32_t where = 0;  // the route of a transfer, the host of a computation
    bool is_transfer = true;
    bool reported = false;  // its end is scheduled in the kernel
    bool ok = true;
    double amount = 0;        // bytes or core-seconds
    double counted_from = 0;  // what was left of it when the window started (or all of it)
    bool in_use = false;
    std::uint32_t index = 0;
  };

  Simulator& owner;
  kernel::Kernel& kernel;
  kernel::ModelId model_id = 0;
  std::unique_ptr<sg::Engine> engine;
  std::vector<sg::Host*> hosts;
  std::vector<sg::Link*> links;
  std::vector<bool> link_on;
  Platform platform;

  std::deque<Slot> slots;  // stable addresses: SimGrid holds a pointer to each as activity data
  std::vector<std::uint32_t> free_slots;

  // The one timer that drives the kernel, and the tick it is armed for.
  Timer* timer = nullptr;
  kernel::Tick timer_tick = 0;
  kernel::Tick warmup = 0, end = 0;
  bool warmup_done = false;
  bool stopped = false;
  const std::function<void()>* at_warmup = nullptr;

  NetworkUsage usage;
  Clock::duration kernel_time{};

  // ---- slots ----------------------------------------------------------------------------------

  std::uint32_t take_slot() {
    std::uint32_t s;
    if (!free_slots.empty()) {
      s = free_slots.back();
      free_slots.pop_back();
    } else {
      s = static_cast<std::uint32_t>(slots.size());
      slots.emplace_back();
    }
    slots[s] = Slot{};  // drops the activity of the slot's previous use
    slots[s].in_use = true;
    slots[s].index = s;
    return s;
  }

  // The activity object stays alive until the slot is reused: SimGrid may still refer to it
  // right after its end (a cancelled one is reported twice).
  void release(std::uint32_t s) {
    slots[s].in_use = false;
    slots[s].client = nullptr;
    free_slots.push_back(s);
  }

  // ---- dates ----------------------------------------------------------------------------------

  // SimGrid's clock never goes back: a timer or a kernel tick that rounds to just before it is
  // handled at it.
  static double date_of(kernel::Tick t) { return std::max(kernel::to_seconds(t), sg::Engine::get_clock()); }
  kernel::Tick tick_now() const { return std::max(kernel::duration_from_seconds(sg::Engine::get_clock()), kernel.now()); }

  // ---- the kernel's timer ---------------------------------------------------------------------

  void arm(kernel::Tick tick) {
    if (stopped) return;
    if (timer != nullptr) {
      if (timer_tick <= tick) return;
      timer->remove();
      timer = nullptr;
    }
    timer_tick = tick;
    timer = Timer::set(date_of(tick), [this] { on_timer(); });
  }

  // The next tick the kernel must reach: its next event, the end of the warm-up, the end.
  kernel::Tick next_target() const {
    kernel::Tick target = end;
    if (!warmup_done) target = std::min(target, warmup);
    const kernel::Tick next = kernel.next_event_time();
    if (next >= 0) target = std::min(target, next);
    return target;
  }

  void on_timer() {
    timer = nullptr;  // SimGrid deletes a timer once it has fired
    const kernel::Tick target = timer_tick;
    const auto start = Clock::now();
    bool finished = false;
    if (!warmup_done && target >= warmup) {
      if (kernel.run_until(warmup) == kernel::Kernel::Status::RUNNING) {
        (*at_warmup)();
        reset_usage();
      }
      warmup_done = true;
    }
    if (kernel.status() == kernel::Kernel::Status::RUNNING) {
      if (target >= end) {
        kernel.run_until(end);
        finished = true;
      } else {
        kernel.run_through(target);
      }
    }
    kernel_time += Clock::now() - start;
    if (finished || kernel.status() != kernel::Kernel::Status::RUNNING) {
      stop();
      return;
    }
    arm(next_target());
  }

  // The end of the run (or a failure): count what in-flight transfers moved, then cancel every
  // activity and timer so that Engine::run() returns.
  void stop() {
    stopped = true;
    for (std::uint32_t s = 0; s < slots.size(); ++s) {
      Slot& slot = slots[s];
      if (!slot.in_use) continue;
      if (slot.latency_timer != nullptr) {
        slot.latency_timer->remove();
        slot.latency_timer = nullptr;
      }
      if (slot.activity && !slot.reported) {
        account(slot, slot.activity->get_remaining());
        slot.reported = true;
        slot.activity->cancel();
      }
    }
    if (timer != nullptr) {
      timer->remove();
      timer = nullptr;
    }
  }

  // ---- activities -----------------------------------------------------------------------------

  void account(Slot& slot, double remaining) {
    const double moved = std::max(0.0, slot.counted_from - remaining);
    if (slot.is_transfer) {
      for (ChannelIndex c : platform.routes[slot.where].channels) usage.channel_bytes[c] += moved;
    } else {
      usage.host_work[slot.where] += moved;
    }
    slot.counted_from = remaining;
  }

  void reset_usage() {
    std::fill(usage.channel_bytes.begin(), usage.channel_bytes.end(), 0.0);
    std::fill(usage.host_work.begin(), usage.host_work.end(), 0.0);
    for (Slot& slot : slots)
      if (slot.in_use && slot.activity && !slot.reported) slot.counted_from = slot.activity->get_remaining();
  }

  // Ends the slot at the current date: a kernel event at its tick, and the timer re-armed for it.
  void report(std::uint32_t s, bool ok) {
    Slot& slot = slots[s];
    slot.reported = true;
    slot.ok = ok;
    const kernel::Tick tick = tick_now();
    kernel.schedule_at(tick, model_id, ACTIVITY_DONE, s, kernel::Kernel::MAX_PRIORITY);
    arm(tick);
  }

  void start_comm(std::uint32_t s) {
    Slot& slot = slots[s];
    slot.latency_timer = nullptr;
    const Platform::Route& route = platform.routes[slot.where];
    // A comm on a link that is off never completes in SimGrid 3.32: fail it here instead.
    for (ChannelIndex c : route.channels)
      if (!link_on[c]) {
        report(s, false);
        return;
      }
    sg::CommPtr comm = sg::Comm::sendto_init(hosts[route.from], hosts[route.to]);
    comm->set_payload_size(static_cast<std::uint64_t>(slot.amount));
    comm->set_data(&slot);
    slot.activity = comm;
    ++usage.transfers;
    comm->start();
  }

  void on_completion(const sg::Activity& activity) {
    if (stopped) return;
    auto* slot = activity.get_data<Slot>();
    if (slot == nullptr || slot->activity.get() != &activity || slot->reported) return;
    const bool ok = activity.get_state() == sg::Activity::State::FINISHED;
    account(*slot, ok ? 0.0 : activity.get_remaining());
    report(slot->index, ok);
  }
};

Simulator::Simulator(kernel::Kernel& kernel, const Platform& platform) : impl_(std::make_unique<Impl>(*this, kernel)) {
  if (engine_made)
    throw std::logic_error("SimGrid's engine already ran in this process: a replication with a network needs a process of its own");
  engine_made = true;
  Impl& m = *impl_;
  m.model_id = kernel.add_model(*this, "network");
  m.platform = platform;

  const char* log = std::getenv("PLANTWIN_SIMGRID_LOG");
  xbt_log_control_set(log != nullptr && *log != '\0' ? log : "root.thresh:critical");
  static int argc = 1;
  static char name[] = "plantwin";
  static char* argv[] = {name, nullptr};
  m.engine = std::make_unique<sg::Engine>(&argc, argv);
  // CM02 with its corrections off: on an idle link S bytes take S / bandwidth exactly. LV08 (the
  // default) multiplies latencies by 13.01 and bandwidths by 0.97 and weights sharing by RTT
  // (weight-S); cross-traffic makes every transfer also load its reverse route with 5 % of its
  // rate; TCP-gamma caps a transfer's rate at gamma / (2 · latency). Every one of these is set
  // here rather than left to the model's defaults.
  sg::Engine::set_config("network/model:CM02");
  sg::Engine::set_config("network/crosstraffic:0");
  sg::Engine::set_config("network/TCP-gamma:0");
  sg::Engine::set_config("network/bandwidth-factor:1");
  sg::Engine::set_config("network/latency-factor:1");
  sg::Engine::set_config("network/weight-S:0");

  // One full zone with explicit routes: the routes are the topology layer's, not SimGrid's.
  sg::NetZone* zone = sg::create_full_zone("plant");
  for (const Platform::Host& h : platform.hosts) {
    sg::Host* host = zone->create_host(h.name, 1.0);
    if (h.cores > 1) host->set_core_count(h.cores);
    m.hosts.push_back(host->seal());
  }
  for (const Platform::Channel& c : platform.channels)
    m.links.push_back(zone->create_link(c.name, c.bandwidth)->set_latency(0)->seal());
  m.link_on.assign(m.links.size(), true);
  for (const Platform::Route& r : platform.routes) {
    std::vector<sg::LinkInRoute> hops;
    hops.reserve(r.channels.size());
    for (ChannelIndex c : r.channels) hops.emplace_back(m.links[c]);
    zone->add_route(m.hosts[r.from]->get_netpoint(), m.hosts[r.to]->get_netpoint(), nullptr, nullptr, hops, false);
  }
  zone->seal();
  m.usage.channel_bytes.assign(platform.channels.size(), 0.0);
  m.usage.host_work.assign(platform.hosts.size(), 0.0);
  sg::Activity::on_completion_cb([&m](const sg::Activity& a) { m.on_completion(a); });
}

Simulator::~Simulator() = default;

void Simulator::transfer(RouteIndex route, double bytes, kernel::Tick delay, ActivityClient& client, std::uint64_t tag) {
  Impl& m = *impl_;
  const std::uint32_t s = m.take_slot();
  Impl::Slot& slot = m.slots[s];
  slot.client = &client;
  slot.tag = tag;
  slot.where = route;
  slot.amount = bytes;
  slot.counted_from = bytes;
  if (delay <= 0) {
    m.start_comm(s);
    return;
  }
  slot.latency_timer = Timer::set(Impl::date_of(m.kernel.now() + delay), [&m, s] { m.start_comm(s); });
}

void Simulator::compute(HostIndex host, double work, ActivityClient& client, std::uint64_t tag) {
  Impl& m = *impl_;
  const std::uint32_t s = m.take_slot();
  Impl::Slot& slot = m.slots[s];
  slot.client = &client;
  slot.tag = tag;
  slot.where = host;
  slot.is_transfer = false;
  slot.amount = work;
  slot.counted_from = work;
  if (!(work > 0)) {
    m.report(s, true);
    return;
  }
  sg::ExecPtr exec = sg::Exec::init();
  exec->set_host(m.hosts[host])->set_flops_amount(work);
  exec->set_data(&slot);
  slot.activity = exec;
  ++m.usage.computations;
  exec->start();
}

void Simulator::set_channel_on(ChannelIndex channel, bool on) {
  Impl& m = *impl_;
  if (m.link_on[channel] == on) return;
  m.link_on[channel] = on;
  if (on)
    m.links[channel]->turn_on();
  else
    m.links[channel]->turn_off();
}

bool Simulator::channel_on(ChannelIndex channel) const { return impl_->link_on[channel]; }

kernel::Kernel::Status Simulator::run(kernel::Tick warmup, kernel::Tick end, const std::function<void()>& at_warmup) {
  Impl& m = *impl_;
  m.warmup = warmup;
  m.end = end;
  m.at_warmup = &at_warmup;
  const auto start = Clock::now();
  m.arm(m.next_target());
  m.engine->run();
  m.usage.simgrid_wall_s = seconds(Clock::now() - start - m.kernel_time);
  m.at_warmup = nullptr;
  return m.kernel.status();
}

NetworkUsage Simulator::usage() const { return impl_->usage; }

void Simulator::on_event(const kernel::Event& event) {
  Impl& m = *impl_;
  const auto s = static_cast<std::uint32_t>(event.arg);
  Impl::Slot& slot = m.slots[s];
  ActivityClient* client = slot.client;
  const std::uint64_t tag = slot.tag;
  const bool ok = slot.ok;
  m.release(s);
  client->activity_done(tag, ok);
}

const char* Simulator::event_name(std::uint32_t kind) const { return kind == ACTIVITY_DONE ? "activity_done" : nullptr; }

}  // namespace plantwin::network
