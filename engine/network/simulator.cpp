#include "network/simulator.hpp"

#include <dlfcn.h>
#include <link.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
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
    bool shared = false;      // a member of the fair share of its bottleneck (Shortcuts::alone)
    bool reported = false;    // its end is scheduled in the kernel
    bool ok = true;
    bool in_use = false;
    double amount = 0;        // bytes or core-seconds (handed to SimGrid: what was left of them)
    double counted_from = 0;  // what was left of it when the window started (or all of it)
    // A computation alone on a core of its host (Shortcuts::alone): it runs at `rate` from `since`
    // (SimGrid's date, s) and ends at `end_tick` unless another computation makes them share.
    bool alone = false;
    double rate = 0;
    double since = 0;
    kernel::Tick end_tick = 0;
    kernel::EventHandle end_event;
    // A transfer in a fair share (`shared`): it ends when its share's service reaches `finish`.
    double finish = 0;
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

  // Per channel: the transfers flowing across it (in a fair share or in SimGrid, not ended), since
  // when there have been OVERLOAD_CHECK_EVERY or more without a break (-1: fewer now), and how
  // many of them are in the fair share of the bottleneck `share` (the index of its channel).
  struct Crowd {
    std::uint32_t flowing = 0;
    kernel::Tick crowded_since = -1;
    std::uint32_t shared = 0;
    std::uint32_t share = NONE;
  };
  std::vector<Crowd> crowd;

  // A fair share (Shortcuts::alone), outside SimGrid: transfers whose routes all cross the channel
  // `bottleneck`, have it as their slowest channel, and have their channels to themselves (no
  // other transfer flows on any of them). Max-min then gives each of the n the same rate,
  // bandwidth / n, whatever the other channels (those carry at most the n of them, at most the
  // bottleneck's bandwidth in all): processor sharing. `served` is what each of them has moved
  // since the share began (bytes), up to the date `at` (SimGrid's, s); a member ends when it
  // reaches the member's `finish`. `members` orders them by (finish, slot): the first ends next,
  // at the date `next_date`, by the kernel event `next_event` (its ACTIVITY_DONE).
  struct Share {
    std::set<std::pair<double, std::uint32_t>> members;
    double served = 0;
    double at = 0;
    double next_date = 0;
    kernel::Tick next_tick = 0;
    kernel::EventHandle next_event;
  };
  std::vector<Share> shares;  // per channel, as a bottleneck
  std::vector<ChannelIndex> bottleneck;  // per route: its first channel of the least bandwidth

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
      if (slot.alone || slot.shared) {
        account(slot, remaining(s));
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
    if (slot.shared) return std::max(0.0, slot.finish - served_by(bottleneck[slot.where], date_of(kernel.now())));
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
    const ChannelIndex b = bottleneck[slot.where];
    if (shortcuts.alone && can_share(route, b)) {
      join_share(s, b);
    } else {
      // The fair shares on its channels now meet another transfer: SimGrid takes them over.
      for (ChannelIndex c : route)
        if (crowd[c].shared > 0) hand_over_share(crowd[c].share);
      to_simgrid(s, slot.amount);
    }
    for (ChannelIndex c : route)
      if (++crowd[c].flowing % OVERLOAD_CHECK_EVERY == 0) check_overload(c);
  }

  // ---- fair shares (Shortcuts::alone) -----------------------------------------------------------

  // A transfer on `route`, whose bottleneck is `b`, can join b's fair share (or start it): every
  // channel of its route is free or carries members of that share only.
  bool can_share(const std::vector<ChannelIndex>& route, ChannelIndex b) const {
    for (ChannelIndex c : route) {
      const Crowd& k = crowd[c];
      if (k.flowing != k.shared) return false;         // SimGrid carries a transfer on it
      if (k.shared > 0 && k.share != b) return false;  // another share's
    }
    return true;
  }

  // What each member of b's share has moved from its start to `date` (not before the share's `at`).
  double served_by(ChannelIndex b, double date) const {
    const Share& share = shares[b];
    if (share.members.empty() || !(date > share.at)) return share.served;
    return share.served + (date - share.at) * platform.channels[b].bandwidth / static_cast<double>(share.members.size());
  }

  void advance(ChannelIndex b, double date) {
    Share& share = shares[b];
    share.served = served_by(b, date);
    share.at = std::max(share.at, date);
  }

  // Alone, a transfer makes a share of one: it ends at its start plus its size over its route's
  // slowest bandwidth, as SimGrid computes it. Each one more slows them all, from now.
  void join_share(std::uint32_t s, ChannelIndex b) {
    Slot& slot = slots[s];
    Share& share = shares[b];
    const double date = date_of(kernel.now());  // SimGrid's date for it: a tick may run a fraction after its own
    if (share.members.empty()) {
      share.served = 0;
      share.at = date;
    } else {
      advance(b, date);
    }
    slot.shared = true;
    slot.finish = share.served + slot.amount;
    share.members.emplace(slot.finish, s);
    for (ChannelIndex c : channels_of(slot)) {
      ++crowd[c].shared;
      crowd[c].share = b;
    }
    reschedule(b);
  }

  // The date at which the service of b's share reaches `finish`, at its present rate (bandwidth / n).
  double end_date(ChannelIndex b, double finish) const {
    const Share& share = shares[b];
    return share.at + (finish - share.served) * static_cast<double>(share.members.size()) / platform.channels[b].bandwidth;
  }

  // The share's next end: the kernel event of its first member, at the date when the service
  // reaches that member's finish at the present rate.
  void reschedule(ChannelIndex b) {
    Share& share = shares[b];
    if (share.next_event) kernel.cancel(share.next_event);
    share.next_event = {};
    if (share.members.empty()) return;
    const auto [finish, s] = *share.members.begin();
    share.next_date = end_date(b, finish);
    share.next_tick = std::max(kernel::duration_from_seconds(share.next_date), kernel.now());
    share.next_event = kernel.schedule_at(share.next_tick, model_id, ACTIVITY_DONE, s, kernel::Kernel::MAX_PRIORITY);
  }

  // A member leaves the share (its channels no longer count it as shared; still flowing).
  void quit_share(std::uint32_t s) {
    Slot& slot = slots[s];
    shares[bottleneck[slot.where]].members.erase({slot.finish, s});
    slot.shared = false;
    for (ChannelIndex c : channels_of(slot)) --crowd[c].shared;
  }

  // A transfer stops flowing with `remaining` bytes left (counted): its channels are freed.
  void end_flow(Slot& slot, double remaining) {
    account(slot, remaining);
    for (ChannelIndex c : channels_of(slot))
      if (crowd[c].flowing-- == OVERLOAD_CHECK_EVERY) crowd[c].crowded_since = -1;
  }

  // Whether a member ends at this tick: its end at the share's present rate rounds to it or
  // before. Members that end together may have finishes a rounding apart (each is the service
  // when it joined plus its size), so a finish that is not yet served can still be due.
  bool ends_now(ChannelIndex b, double finish) const {
    const Share& share = shares[b];
    if (finish <= share.served) return true;
    return kernel::duration_from_seconds(end_date(b, finish)) <= kernel.now();
  }

  // The finish up to which members end at this tick, the service brought to now: those whose end
  // rounds to it, and the first member when its event is due at this tick.
  double due_now(ChannelIndex b) {
    Share& share = shares[b];
    advance(b, date_of(kernel.now()));
    double due = share.served;
    if (share.next_event && share.next_tick <= kernel.now()) due = std::max(due, share.members.begin()->first);
    for (const auto& member : share.members) {
      if (!ends_now(b, member.first)) break;
      due = std::max(due, member.first);
    }
    return due;
  }

  // The share's first member ends (its kernel event): the service moves to that date, and every
  // member that ends at this tick ends with it (an event each).
  void share_end(std::uint32_t s) {
    const ChannelIndex b = bottleneck[slots[s].where];
    Share& share = shares[b];
    share.next_event = {};
    share.served = std::max(share.served, slots[s].finish);
    share.at = std::max(share.at, share.next_date);
    quit_share(s);
    end_flow(slots[s], 0.0);
    while (!share.members.empty() && ends_now(b, share.members.begin()->first)) {
      const std::uint32_t o = share.members.begin()->second;
      quit_share(o);
      end_flow(slots[o], 0.0);
      report(o, true);
    }
    reschedule(b);
  }

  // Another transfer meets the share on one of its channels: SimGrid carries the rest of every
  // member from now, with what is left of it (still counted on its channels). Those that end at
  // this tick end as they would have.
  void hand_over_share(ChannelIndex b) {
    Share& share = shares[b];
    const double due = due_now(b);
    if (share.next_event) kernel.cancel(share.next_event);
    share.next_event = {};
    while (!share.members.empty()) {
      const auto [finish, m] = *share.members.begin();
      quit_share(m);
      if (finish <= due) {
        end_flow(slots[m], 0.0);
        report(m, true);
      } else {
        to_simgrid(m, finish - share.served);
      }
    }
  }

  // A channel goes off under members of a share: those that cross it fail now, as SimGrid fails
  // the transfers on a link turned off (what they moved is counted); those that end at this tick
  // end. The others go on, each faster.
  void fail_shared(ChannelIndex c) {
    if (crowd[c].shared == 0) return;
    const ChannelIndex b = crowd[c].share;
    Share& share = shares[b];
    const double due = due_now(b);
    std::vector<std::uint32_t> failing;
    for (const auto& [finish, m] : share.members) {
      const std::vector<ChannelIndex>& route = channels_of(slots[m]);
      if (finish > due && std::find(route.begin(), route.end(), c) != route.end()) failing.push_back(m);
    }
    for (std::uint32_t m : failing) {
      const double left = std::max(0.0, slots[m].finish - share.served);
      quit_share(m);
      end_flow(slots[m], left);
      report(m, false);
    }
    reschedule(b);
  }

  // ---- computations alone (Shortcuts::alone) ----------------------------------------------------

  // A computation alone on its core runs at `rate` from now to its end, a kernel event at exactly
  // the date SimGrid would give it: its start plus its amount over that rate.
  void go_alone(std::uint32_t s, double rate) {
    Slot& slot = slots[s];
    slot.alone = true;
    slot.rate = rate;
    slot.since = date_of(kernel.now());  // SimGrid's date for it: a tick may run a fraction after its own
    slot.end_tick = std::max(kernel::duration_from_seconds(slot.since + slot.amount / rate), kernel.now());
    slot.end_event = kernel.schedule_at(slot.end_tick, model_id, ACTIVITY_DONE, s, kernel::Kernel::MAX_PRIORITY);
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

  // A computation that ran alone stops doing so: its end is no longer known here.
  void leave_alone(std::uint32_t s) {
    slots[s].alone = false;
    std::vector<std::uint32_t>& alone = load[slots[s].where].alone;
    alone.erase(std::find(alone.begin(), alone.end(), s));
  }

  // Another computation joins the host of `s`, which ran alone: SimGrid carries the rest of it,
  // from now, with what is left of it (still counted on its host).
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
    if (slot.is_transfer) {
      end_flow(slot, remaining);
    } else {
      account(slot, remaining);
      --load[slot.where].running;
    }
    report(s, ok);
  }

  // A computation that ran alone ends: counted, and its core freed.
  void end_alone(std::uint32_t s) {
    account(slots[s], 0.0);
    --load[slots[s].where].running;
    leave_alone(s);
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
  m.shares.resize(platform.channels.size());
  for (const Platform::Route& route : platform.routes) {
    ChannelIndex b = route.channels.front();
    for (ChannelIndex c : route.channels)
      if (platform.channels[c].bandwidth < platform.channels[b].bandwidth) b = c;
    m.bottleneck.push_back(b);
  }
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
  if (!on) m.fail_shared(channel);
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
  if (slot.alone) m.end_alone(s);  // a computation ran alone to its end
  if (slot.shared) m.share_end(s);  // the first of a fair share ends
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
