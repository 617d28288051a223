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

enum EventKind : std::uint32_t { ACTIVITY_DONE };

// SimGrid's engine is a singleton that cannot be restarted (a second one continues the first
// one's clock): refuse a second Simulator in one process rather than give wrong dates.
bool engine_made = false;

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// When a channel is overloaded (Impl::check_overload).
constexpr std::uint32_t OVERLOAD_CHECK_EVERY = 500;
constexpr kernel::Tick OVERLOAD_SUSTAINED = 60 * kernel::TICKS_PER_SECOND;
constexpr kernel::Tick OVERLOAD_BACKLOG = 60 * kernel::TICKS_PER_SECOND;

constexpr const char* MODULE_NAME = "libplantwin_simgrid.so";

// The file this code was loaded from: the executable (the CLI, the tests) or the shared object
// the engine is linked into (Python's _plantwin). Found by the address of this function, not by
// a path compiled in: a build directory under /tmp may be gone, and anyone could create it again
// with code of their own.
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

std::string module_path() {
  if (const char* path = std::getenv("PLANTWIN_NETWORK_MODULE"); path != nullptr && *path != '\0') return path;
  const std::string file = engine_file();
  const std::size_t slash = file.find_last_of('/');
  // Never a bare name: dlopen would search the library path for it.
  if (slash == std::string::npos) return {};
  return file.substr(0, slash + 1) + MODULE_NAME;
}

MakeBackend backend_entry = nullptr;  // set once the module is loaded

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
  explicit Impl(kernel::Kernel& k) : kernel(k) {}

  // An activity in progress: a transfer (in its latency, or flowing) or a computation.
  struct Slot {
    void* latency_timer = nullptr;  // set while a transfer waits its latency
    ActivityClient* client = nullptr;
    std::uint64_t tag = 0;
    std::uint32_t where = 0;  // the route of a transfer, the host of a computation
    bool is_transfer = true;
    bool started = false;     // SimGrid has it
    bool reported = false;    // its end is scheduled in the kernel
    bool ok = true;
    double amount = 0;        // bytes or core-seconds
    double counted_from = 0;  // what was left of it when the window started (or all of it)
    bool in_use = false;
  };

  kernel::Kernel& kernel;
  kernel::ModelId model_id = 0;
  std::unique_ptr<Backend> backend;
  Platform platform;
  std::vector<bool> link_on;

  std::vector<Slot> slots;
  std::vector<std::uint32_t> free_slots;

  // The one timer that drives the kernel, and the tick it is armed for.
  void* timer = nullptr;
  kernel::Tick timer_tick = 0;
  kernel::Tick warmup = 0, end = 0;
  bool warmup_done = false;
  bool stopped = false;
  const std::function<void()>* at_warmup = nullptr;

  NetworkUsage usage;
  Clock::duration kernel_time{};

  // Per channel: the transfers flowing across it (started in SimGrid, not ended) and since when
  // there have been OVERLOAD_CHECK_EVERY or more without a break (-1: fewer now).
  struct Crowd {
    std::uint32_t flowing = 0;
    kernel::Tick crowded_since = -1;
  };
  std::vector<Crowd> crowd;

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

  void on_timer() {
    timer = nullptr;  // a timer is gone once it has fired
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
  // activity and timer so that the backend's run() returns.
  void stop() {
    stopped = true;
    for (std::uint32_t s = 0; s < slots.size(); ++s) {
      Slot& slot = slots[s];
      if (!slot.in_use) continue;
      if (slot.latency_timer != nullptr) {
        backend->remove_timer(slot.latency_timer);
        slot.latency_timer = nullptr;
      }
      if (slot.started && !slot.reported) {
        account(slot, backend->remaining(s));
        slot.reported = true;
        backend->cancel(s);
      }
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
      for (ChannelIndex c : platform.routes[slot.where].channels) usage.channel_bytes[c] += moved;
    } else {
      usage.host_work[slot.where] += moved;
    }
    slot.counted_from = remaining;
  }

  void reset_usage() {
    std::fill(usage.channel_bytes.begin(), usage.channel_bytes.end(), 0.0);
    std::fill(usage.host_work.begin(), usage.host_work.end(), 0.0);
    for (std::uint32_t s = 0; s < slots.size(); ++s)
      if (slots[s].in_use && slots[s].started && !slots[s].reported) slots[s].counted_from = backend->remaining(s);
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

  void start_transfer(std::uint32_t s) {
    Slot& slot = slots[s];
    slot.latency_timer = nullptr;
    // A transfer on a link that is off never ends in SimGrid 3.32: fail it here instead.
    for (ChannelIndex c : platform.routes[slot.where].channels)
      if (!link_on[c]) {
        report(s, false);
        return;
      }
    slot.started = true;
    ++usage.transfers;
    backend->start_transfer(s, slot.where, slot.amount);
    for (ChannelIndex c : platform.routes[slot.where].channels)
      if (++crowd[c].flowing % OVERLOAD_CHECK_EVERY == 0) check_overload(c);
  }

  void ended(std::uint32_t s, bool ok, double remaining) {
    if (stopped) return;
    Slot& slot = slots[s];
    if (!slot.in_use || slot.reported) return;
    account(slot, remaining);
    if (slot.is_transfer)
      for (ChannelIndex c : platform.routes[slot.where].channels)
        if (crowd[c].flowing-- == OVERLOAD_CHECK_EVERY) crowd[c].crowded_since = -1;
    report(s, ok);
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
      const std::vector<ChannelIndex>& route = platform.routes[slot.where].channels;
      if (std::find(route.begin(), route.end(), c) != route.end()) backlog += backend->remaining(s);
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

Simulator::Simulator(kernel::Kernel& kernel, const Platform& platform) : impl_(std::make_unique<Impl>(kernel)) {
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
  if (delay <= 0) {
    m.start_transfer(s);
    return;
  }
  slot.latency_timer = m.backend->set_timer(m.date_of(m.kernel.now() + delay), [&m, s] { m.start_transfer(s); });
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
  m.backend->start_compute(s, host, work);
}

void Simulator::set_channel_on(ChannelIndex channel, bool on) {
  Impl& m = *impl_;
  if (m.link_on[channel] == on) return;
  m.link_on[channel] = on;
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
  Impl::Slot& slot = m.slots[s];
  ActivityClient* client = slot.client;
  const std::uint64_t tag = slot.tag;
  const bool ok = slot.ok;
  slot.in_use = false;
  m.free_slots.push_back(s);
  client->activity_done(tag, ok);
}

const char* Simulator::event_name(std::uint32_t kind) const { return kind == ACTIVITY_DONE ? "activity_done" : nullptr; }

}  // namespace plantwin::network
