#include "network/simulator.hpp"

#include <dlfcn.h>
#include <link.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "network/backend.hpp"

namespace plantwin::network {

using Clock = std::chrono::steady_clock;

namespace {

enum EventKind : std::uint32_t { ACTIVITY_DONE, FLOW_START };

// SimGrid's engine is a singleton that cannot be restarted (a second one continues the first
// one's clock): refuse a second Simulator in one process rather than give wrong dates.
bool engine_made = false;

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// When a channel is overloaded (Impl::check_overload).
constexpr std::uint32_t OVERLOAD_CHECK_EVERY = 500;
constexpr kernel::Tick OVERLOAD_SUSTAINED = 60 * kernel::TICKS_PER_SECOND;
constexpr kernel::Tick OVERLOAD_BACKLOG = 60 * kernel::TICKS_PER_SECOND;

constexpr const char* MODULE_NAME = "libplantwin_simgrid.so";

}  // namespace

std::string engine_file() {
  Dl_info info{};
  link_map* map = nullptr;
  if (::dladdr1(reinterpret_cast<void*>(&engine_file), &info, reinterpret_cast<void**>(&map), RTLD_DL_LINKMAP) != 0 &&
      map != nullptr && map->l_name != nullptr && map->l_name[0] != '\0') {
    // A shared object: resolved now, in case it was loaded by a relative path.
    if (char* real = ::realpath(map->l_name, nullptr)) {
      std::string path(real);
      std::free(real);
      return path;
    }
  }
  // The main program has no name in its link map; the kernel knows its file.
  char exe[4096];
  const ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
  return n > 0 ? std::string(exe, static_cast<std::size_t>(n)) : std::string();
}

std::string beside_engine(const std::string& name) {
  const std::string file = engine_file();
  const std::size_t slash = file.find_last_of('/');
  return slash == std::string::npos ? std::string() : file.substr(0, slash + 1) + name;
}

namespace {

std::string module_path() {
  if (const char* path = std::getenv("PLANTWIN_NETWORK_MODULE"); path != nullptr && *path != '\0') return path;
  return beside_engine(MODULE_NAME);
}

MakeBackend backend_entry = nullptr;  // set once the module is loaded

// $PLANTWIN_NETWORK_SHORTCUTS overrides the shortcuts a Simulator is made with: a diagnostic (and
// the bench's reference), docs/network.md#how-simgrid-carries-the-messages.
Shortcuts shortcuts_from_environment(Shortcuts given) {
  const char* value = std::getenv("PLANTWIN_NETWORK_SHORTCUTS");
  if (value == nullptr || *value == '\0') return given;
  const std::string v(value);
  if (v == "on") return Shortcuts{true, true};
  if (v == "off") return Shortcuts{false, false};
  if (v == "alone") return Shortcuts{true, false};
  if (v == "run-ahead") return Shortcuts{false, true};
  throw std::runtime_error("PLANTWIN_NETWORK_SHORTCUTS: expected on, off, alone or run-ahead, got '" + v + "'");
}

}  // namespace

void load_backend_module() {
  if (backend_entry != nullptr) return;
  const std::string path = module_path();
  if (path.empty())
    throw std::runtime_error("cannot find plantwin's network module (SimGrid): the file of the running program is "
                             "unknown; set PLANTWIN_NETWORK_MODULE to its path");
  void* module = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (module == nullptr)
    throw std::runtime_error("cannot load plantwin's network module (SimGrid) '" + path + "': " + ::dlerror() +
                             " (set PLANTWIN_NETWORK_MODULE to its path)");
  void* entry = ::dlsym(module, "plantwin_network_backend");
  if (entry == nullptr) throw std::runtime_error("'" + path + "' is not plantwin's network module: " + ::dlerror());
  std::memcpy(&backend_entry, &entry, sizeof backend_entry);  // an object pointer to a function pointer, as dlsym requires
}

std::unique_ptr<Backend> make_backend(const std::string& log) {
  load_backend_module();
  return std::unique_ptr<Backend>(backend_entry(log.c_str()));
}

struct Simulator::Impl {
  Impl(kernel::Kernel& k, Shortcuts s) : kernel(k), shortcuts(s) {}

  static constexpr std::uint32_t NONE = ~std::uint32_t{0};

  // An activity in progress: a transfer (in its latency, or flowing) or a computation.
  struct Slot {
    ActivityClient* client = nullptr;
    std::uint64_t tag = 0;
    std::uint32_t where = 0;  // the route of a transfer, the host of a computation
    bool is_transfer = true;
    bool started = false;     // flowing: alone, or in SimGrid (or about to be: Impl::pending)
    bool launched = false;    // SimGrid has it
    bool reported = false;    // its end is scheduled in the kernel
    bool ok = true;
    bool in_use = false;
    double amount = 0;        // bytes or core-seconds (handed to SimGrid: what was left of them)
    double counted_from = 0;  // what was left of it when the window started (or all of it)
    // A transfer alone on every channel of its route (Shortcuts::alone): it flows at its route's
    // slowest bandwidth from `since` (SimGrid's date, s) and ends at `end_tick` unless another
    // transfer joins one of its channels first.
    bool alone = false;
    double rate = 0;
    double since = 0;
    kernel::Tick end_tick = 0;
    kernel::EventHandle end_event;
  };

  kernel::Kernel& kernel;
  const Shortcuts shortcuts;
  kernel::ModelId model_id = 0;
  std::unique_ptr<Backend> backend;
  Platform platform;
  std::vector<bool> link_on;

  std::vector<Slot> slots;
  std::vector<std::uint32_t> free_slots;
  // Activities for SimGrid that the kernel asked for ahead of SimGrid's clock: started by the
  // timer that the kernel's pause arms at their tick.
  std::vector<std::uint32_t> pending;
  std::uint32_t in_simgrid = 0;  // activities SimGrid has or will have, not ended

  // The one timer that drives the kernel, and the tick it is armed for.
  void* timer = nullptr;
  kernel::Tick timer_tick = 0;
  kernel::Tick warmup = 0, end = 0;
  bool warmup_done = false;
  bool stopped = false;
  bool in_kernel = false;  // the kernel is running (inside on_timer)
  bool ahead = false;      // ... and may run ahead of SimGrid's clock (Shortcuts::run_ahead)
  const std::function<void()>* at_warmup = nullptr;

  NetworkUsage usage;
  Clock::duration kernel_time{};

  // Per channel: the transfers flowing across it (alone or in SimGrid, not ended), since when
  // there have been OVERLOAD_CHECK_EVERY or more without a break (-1: fewer now), and the
  // transfer that flows alone on it (NONE: none).
  struct Crowd {
    std::uint32_t flowing = 0;
    kernel::Tick crowded_since = -1;
    std::uint32_t alone = NONE;
  };
  std::vector<Crowd> crowd;

  // Per host that computes: its computations not ended (alone or in SimGrid), and those of them
  // that run alone (at most its cores).
  struct Load {
    std::uint32_t running = 0;
    std::vector<std::uint32_t> alone;
  };
  std::vector<Load> load;

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
    slots[s] = Slot{};
    slots[s].in_use = true;
    return s;
  }

  const std::vector<ChannelIndex>& channels_of(const Slot& slot) const { return platform.routes[slot.where].channels; }

  // ---- dates ----------------------------------------------------------------------------------

  // SimGrid's clock never goes back: a timer or a kernel tick that rounds to just before it is
  // handled at it.
  double date_of(kernel::Tick t) const { return std::max(kernel::to_seconds(t), backend->clock()); }
  kernel::Tick tick_now() const { return std::max(kernel::duration_from_seconds(backend->clock()), kernel.now()); }

  // ---- the kernel's timer ---------------------------------------------------------------------

  void arm(kernel::Tick tick) {
    if (stopped) return;
    if (timer != nullptr) {
      if (timer_tick <= tick) return;
      backend->remove_timer(timer);
      timer = nullptr;
    }
    timer_tick = tick;
    timer = backend->set_timer(date_of(tick), [this] { on_timer(); });
  }

  // The next tick the kernel must reach: its next event, the end of the warm-up, the end.
  kernel::Tick next_target() const {
    kernel::Tick target = end;
    if (!warmup_done) target = std::min(target, warmup);
    const kernel::Tick next = kernel.next_event_time();
    if (next >= 0) target = std::min(target, next);
    return target;
  }

  // Runs the kernel as far as SimGrid lets it. While SimGrid carries something, through the
  // timer's tick: SimGrid may end an activity at any date after it. While it carries nothing
  // (and Shortcuts::run_ahead), to the end of the run: nothing can happen in SimGrid until the
  // plant asks it for something, and the plant then pauses the kernel (to_simgrid) until SimGrid's
  // clock has caught up with it.
  void on_timer() {
    timer = nullptr;  // a timer is gone once it has fired
    const auto start = Clock::now();
    in_kernel = true;
    for (std::uint32_t s : pending) launch(s);
    pending.clear();
    ahead = shortcuts.run_ahead && in_simgrid == 0;
    const kernel::Tick target = ahead ? end : timer_tick;
    bool finished = false, paused = false;
    if (!warmup_done && target >= warmup) {
      kernel.run_until(warmup);
      paused = kernel.resume();
      if (!paused) {
        if (kernel.status() == kernel::Kernel::Status::RUNNING) {
          (*at_warmup)();
          reset_usage();
        }
        warmup_done = true;
      }
    }
    if (!paused && kernel.status() == kernel::Kernel::Status::RUNNING) {
      if (target >= end) {
        kernel.run_until(end);
        paused = kernel.resume();
        finished = !paused;
      } else {
        kernel.run_through(target);
        paused = kernel.resume();
      }
    }
    in_kernel = ahead = false;
    kernel_time += Clock::now() - start;
    if (finished || kernel.status() != kernel::Kernel::Status::RUNNING) {
      stop();
      return;
    }
    // A pause: SimGrid's clock moves to the kernel's (nothing happens in SimGrid meanwhile), the
    // activities are started, and the kernel goes on with the rest of that tick.
    arm(paused ? kernel.now() : next_target());
  }

  // The end of the run (or a failure): count what in-flight transfers moved, then cancel every
  // activity and timer so that the backend's run() returns.
  void stop() {
    stopped = true;
    for (std::uint32_t s = 0; s < slots.size(); ++s) {
      Slot& slot = slots[s];
      if (!slot.in_use || slot.reported || !slot.started) continue;
      if (slot.alone) {
        account(slot, alone_remaining(slot));
      } else if (slot.launched) {
        account(slot, backend->remaining(s));
        backend->cancel(s);
      }
      slot.reported = true;
    }
    if (timer != nullptr) {
      backend->remove_timer(timer);
      timer = nullptr;
    }
  }

  // ---- activities -----------------------------------------------------------------------------

  void account(Slot& slot, double remaining) {
    const double moved = std::max(0.0, slot.counted_from - remaining);
    if (slot.is_transfer) {
      for (ChannelIndex c : channels_of(slot)) usage.channel_bytes[c] += moved;
    } else {
      usage.host_work[slot.where] += moved;
    }
    slot.counted_from = remaining;
  }

  double alone_remaining(const Slot& slot) const {
    return std::max(0.0, slot.amount - slot.rate * (date_of(kernel.now()) - slot.since));
  }

  // What is left of a flowing activity.
  double remaining(std::uint32_t s) const {
    const Slot& slot = slots[s];
    if (slot.alone) return alone_remaining(slot);
    return slot.launched ? backend->remaining(s) : slot.amount;
  }

  void reset_usage() {
    std::fill(usage.channel_bytes.begin(), usage.channel_bytes.end(), 0.0);
    std::fill(usage.host_work.begin(), usage.host_work.end(), 0.0);
    for (std::uint32_t s = 0; s < slots.size(); ++s)
      if (slots[s].in_use && slots[s].started && !slots[s].reported) slots[s].counted_from = remaining(s);
  }

  // Ends the slot at the current date: a kernel event at its tick, and the timer re-armed for it
  // (when the kernel is not running: on_timer re-arms it after the kernel's run).
  void report(std::uint32_t s, bool ok) {
    Slot& slot = slots[s];
    slot.reported = true;
    slot.ok = ok;
    const kernel::Tick tick = tick_now();
    kernel.schedule_at(tick, model_id, ACTIVITY_DONE, s, kernel::Kernel::MAX_PRIORITY);
    if (!in_kernel) arm(tick);
  }

  // Gives an activity to SimGrid at the kernel's current date: now, or, when the kernel runs
  // ahead of SimGrid's clock, at the end of a pause (on_timer): from then on the kernel must not
  // pass a date at which SimGrid may end something.
  void to_simgrid(std::uint32_t s, double amount) {
    slots[s].amount = amount;
    ++in_simgrid;
    if (ahead) {
      pending.push_back(s);
      kernel.pause();
      return;
    }
    launch(s);
  }

  void launch(std::uint32_t s) {
    Slot& slot = slots[s];
    slot.launched = true;
    if (slot.is_transfer) {
      ++usage.simgrid_transfers;
      backend->start_transfer(s, slot.where, slot.amount);
    } else {
      backend->start_compute(s, slot.where, slot.amount);
    }
  }

  // A transfer's bytes start to flow (its latency is over).
  void begin_flow(std::uint32_t s) {
    Slot& slot = slots[s];
    const std::vector<ChannelIndex>& route = channels_of(slot);
    // A transfer on a link that is off never ends in SimGrid 3.32: fail it here instead.
    for (ChannelIndex c : route)
      if (!link_on[c]) {
        report(s, false);
        return;
      }
    slot.started = true;
    ++usage.transfers;
    if (shortcuts.alone && route_is_free(route)) {
      flow_alone(s);
      return;
    }
    // Transfers alone on one of its channels now share it: SimGrid takes them over.
    for (ChannelIndex c : route) {
      const std::uint32_t a = crowd[c].alone;
      if (a != NONE && slots[a].end_tick > kernel.now()) hand_over(a);
    }
    to_simgrid(s, slot.amount);
    for (ChannelIndex c : route)
      if (++crowd[c].flowing % OVERLOAD_CHECK_EVERY == 0) check_overload(c);
  }

  // Nothing flows on any channel of the route, but for a transfer alone that ends at this tick.
  bool route_is_free(const std::vector<ChannelIndex>& route) const {
    for (ChannelIndex c : route) {
      const Crowd& k = crowd[c];
      if (k.flowing == 0) continue;
      if (k.flowing == 1 && k.alone != NONE && slots[k.alone].end_tick <= kernel.now()) continue;
      return false;
    }
    return true;
  }

  // An activity alone on its resources runs at `rate` from now to its end, a kernel event at
  // exactly the date SimGrid would give it: its start plus its amount over that rate.
  void go_alone(std::uint32_t s, double rate) {
    Slot& slot = slots[s];
    slot.alone = true;
    slot.rate = rate;
    slot.since = date_of(kernel.now());  // SimGrid's date for it: a tick may run a fraction after its own
    slot.end_tick = std::max(kernel::duration_from_seconds(slot.since + slot.amount / rate), kernel.now());
    slot.end_event = kernel.schedule_at(slot.end_tick, model_id, ACTIVITY_DONE, s, kernel::Kernel::MAX_PRIORITY);
  }

  // Alone, a transfer flows at its route's slowest bandwidth (max-min with one flow).
  void flow_alone(std::uint32_t s) {
    Slot& slot = slots[s];
    double rate = platform.channels[channels_of(slot).front()].bandwidth;
    for (ChannelIndex c : channels_of(slot)) rate = std::min(rate, platform.channels[c].bandwidth);
    go_alone(s, rate);
    for (ChannelIndex c : channels_of(slot)) {
      ++crowd[c].flowing;
      crowd[c].alone = s;
    }
  }

  // A computation starts on its host. With no more computations than cores, each runs on a core
  // of its own at one second of work per second (SimGrid gives an execution at most one core), so
  // it runs alone; one more than the cores makes them share: SimGrid takes over those that ran
  // alone and gets this one.
  void start_compute(std::uint32_t s) {
    Slot& slot = slots[s];
    Load& host = load[slot.where];
    std::uint32_t busy = host.running++;
    for (std::uint32_t a : host.alone) busy -= slots[a].end_tick <= kernel.now();  // ending at this tick
    if (shortcuts.alone && busy < static_cast<std::uint32_t>(platform.hosts[slot.where].cores)) {
      go_alone(s, 1.0);
      host.alone.push_back(s);
      return;
    }
    const std::vector<std::uint32_t> alone = host.alone;
    for (std::uint32_t a : alone)
      if (slots[a].end_tick > kernel.now()) hand_over(a);
    to_simgrid(s, slot.amount);
  }

  // An activity that ran alone stops doing so: its end is no longer known here.
  void leave_alone(std::uint32_t s) {
    Slot& slot = slots[s];
    slot.alone = false;
    if (slot.is_transfer) {
      for (ChannelIndex c : channels_of(slot))
        if (crowd[c].alone == s) crowd[c].alone = NONE;
    } else {
      std::vector<std::uint32_t>& alone = load[slot.where].alone;
      alone.erase(std::find(alone.begin(), alone.end(), s));
    }
  }

  // Another activity joins a resource of `s`, which ran alone: SimGrid carries the rest of it, from
  // now, with what is left of it (still counted on its channels or host).
  void hand_over(std::uint32_t s) {
    Slot& slot = slots[s];
    kernel.cancel(slot.end_event);
    const double left = alone_remaining(slot);
    leave_alone(s);
    to_simgrid(s, left);
  }

  void ended(std::uint32_t s, bool ok, double remaining) {
    if (stopped) return;
    Slot& slot = slots[s];
    if (!slot.in_use || slot.reported) return;
    --in_simgrid;
    account(slot, remaining);
    if (slot.is_transfer) {
      for (ChannelIndex c : channels_of(slot))
        if (crowd[c].flowing-- == OVERLOAD_CHECK_EVERY) crowd[c].crowded_since = -1;
    } else {
      --load[slot.where].running;
    }
    report(s, ok);
  }

  // An activity that ran alone ends with `remaining` left: counted, and its channels or core
  // freed.
  void end_alone(std::uint32_t s, double remaining) {
    Slot& slot = slots[s];
    account(slot, remaining);
    if (slot.is_transfer) {
      for (ChannelIndex c : channels_of(slot)) --crowd[c].flowing;
    } else {
      --load[slot.where].running;
    }
    leave_alone(s);
  }

  // A channel goes off under a transfer that flows alone on it: it fails now, as SimGrid fails
  // the transfers on a link turned off.
  void fail_alone(ChannelIndex c) {
    const std::uint32_t s = crowd[c].alone;
    if (s == NONE || slots[s].end_tick <= kernel.now()) return;
    kernel.cancel(slots[s].end_event);
    end_alone(s, alone_remaining(slots[s]));
    report(s, false);
  }

  // ---- overload -------------------------------------------------------------------------------

  // An offered load above a channel's bandwidth makes the transfers crossing it grow without
  // bound, and every one of them makes SimGrid's sharing slower: a run that cannot end. A channel
  // is overloaded when it has had OVERLOAD_CHECK_EVERY or more transfers flowing for
  // OVERLOAD_SUSTAINED without a break, and what they still have to move needs more than
  // OVERLOAD_BACKLOG of its whole bandwidth. A burst (thousands of devices sending at one
  // instant) drains before it counts; a stable load never gets there (at 95 % of the bandwidth,
  // 500 transfers at once are about as likely as 0.95^500). It depends only on simulated state,
  // so the same run stops at the same event every time.
  void check_overload(ChannelIndex c) {
    Crowd& crowd_c = crowd[c];
    const kernel::Tick now = tick_now();
    if (crowd_c.crowded_since < 0) {
      crowd_c.crowded_since = now;
      return;
    }
    if (now - crowd_c.crowded_since < OVERLOAD_SUSTAINED) return;
    double backlog = 0;
    for (std::uint32_t s = 0; s < slots.size(); ++s) {
      const Slot& slot = slots[s];
      if (!slot.in_use || !slot.is_transfer || !slot.started || slot.reported) continue;
      const std::vector<ChannelIndex>& route = channels_of(slot);
      if (std::find(route.begin(), route.end(), c) != route.end()) backlog += remaining(s);
    }
    const double bandwidth = platform.channels[c].bandwidth;
    const double drain_s = backlog / bandwidth;
    if (drain_s < kernel::to_seconds(OVERLOAD_BACKLOG)) return;
    char text[512];
    std::snprintf(text, sizeof text,
                  "overloaded link: %u or more messages have been crossing '%s' without a break since t=%.1fs; at "
                  "t=%.1fs %u of them still carry %.1f MB, %.0f s of its %.6g Mbit/s: more is offered than it "
                  "carries, and the backlog grows without bound (docs/network.md#overload)",
                  OVERLOAD_CHECK_EVERY, platform.channels[c].name.c_str(), kernel::to_seconds(crowd_c.crowded_since),
                  kernel::to_seconds(now), crowd_c.flowing, backlog / 1e6, drain_s, bandwidth * 8 / 1e6);
    kernel.fail(text);
  }
};

Simulator::Simulator(kernel::Kernel& kernel, const Platform& platform, Shortcuts shortcuts)
    : impl_(std::make_unique<Impl>(kernel, shortcuts_from_environment(shortcuts))) {
  if (engine_made)
    throw std::logic_error("SimGrid's engine already ran in this process: a replication with a network needs a process of its own");
  engine_made = true;
  Impl& m = *impl_;
  m.model_id = kernel.add_model(*this, "network");
  m.platform = platform;
  const char* log = std::getenv("PLANTWIN_SIMGRID_LOG");
  m.backend = make_backend(log != nullptr && *log != '\0' ? log : "root.thresh:critical");
  m.backend->on_end([&m](std::uint32_t slot, bool ok, double remaining) { m.ended(slot, ok, remaining); });
  m.backend->build(platform);
  m.link_on.assign(platform.channels.size(), true);
  m.crowd.assign(platform.channels.size(), Impl::Crowd{});
  m.load.assign(platform.hosts.size(), Impl::Load{});
  m.usage.channel_bytes.assign(platform.channels.size(), 0.0);
  m.usage.host_work.assign(platform.hosts.size(), 0.0);
}

Simulator::~Simulator() {
  // SimGrid's engine is not torn down (it does not do so cleanly, and the process is about to end).
  (void)impl_->backend.release();
}

void Simulator::transfer(RouteIndex route, double bytes, kernel::Tick delay, ActivityClient& client, std::uint64_t tag) {
  Impl& m = *impl_;
  const std::uint32_t s = m.take_slot();
  Impl::Slot& slot = m.slots[s];
  slot.client = &client;
  slot.tag = tag;
  slot.where = route;
  slot.amount = bytes;
  slot.counted_from = bytes;
  // The latency is a kernel event (one SimGrid timer per transfer cost more than the transfer).
  if (delay > 0)
    m.kernel.schedule_in(delay, m.model_id, FLOW_START, s);
  else
    m.begin_flow(s);
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
  slot.started = true;
  ++m.usage.computations;
  m.start_compute(s);
}

void Simulator::set_channel_on(ChannelIndex channel, bool on) {
  Impl& m = *impl_;
  if (m.link_on[channel] == on) return;
  m.link_on[channel] = on;
  if (!on) m.fail_alone(channel);
  // While the kernel runs ahead, SimGrid carries nothing: the change at its earlier date is the same.
  m.backend->set_link_on(channel, on);
}

bool Simulator::channel_on(ChannelIndex channel) const { return impl_->link_on[channel]; }

kernel::Kernel::Status Simulator::run(kernel::Tick warmup, kernel::Tick end, const std::function<void()>& at_warmup) {
  Impl& m = *impl_;
  m.warmup = warmup;
  m.end = end;
  m.at_warmup = &at_warmup;
  const auto start = Clock::now();
  m.arm(m.next_target());
  m.backend->run();
  m.usage.simgrid_wall_s = seconds(Clock::now() - start - m.kernel_time);
  m.at_warmup = nullptr;
  return m.kernel.status();
}

NetworkUsage Simulator::usage() const { return impl_->usage; }

void Simulator::on_event(const kernel::Event& event) {
  Impl& m = *impl_;
  const auto s = static_cast<std::uint32_t>(event.arg);
  if (event.kind == FLOW_START) {
    m.begin_flow(s);
    return;
  }
  Impl::Slot& slot = m.slots[s];
  if (slot.alone) m.end_alone(s, 0.0);  // it ran alone to its end
  ActivityClient* client = slot.client;
  const std::uint64_t tag = slot.tag;
  const bool ok = slot.ok;
  slot.in_use = false;
  m.free_slots.push_back(s);
  client->activity_done(tag, ok);
}

const char* Simulator::event_name(std::uint32_t kind) const {
  switch (kind) {
    case ACTIVITY_DONE:
      return "activity_done";
    case FLOW_START:
      return "flow_start";
    default:
      return nullptr;
  }
}

}  // namespace plantwin::network
