#pragma once
/// The event kernel: simulated time, the event calendar, the fingerprint and the trace hook.
/// It knows no machine: models are objects that receive events addressed to their ModelId.
///
/// Order of execution. Calendar events run in (time, priority, insertion sequence) order: earlier
/// time first, then lower priority value, then the one scheduled first. Deferred events (defer())
/// run at the current time before any calendar event, in the order they were deferred; models use
/// them to hand work on at the same instant without deep recursion (a blocked line of 10,000
/// stations unblocks in a loop, not 10,000 nested calls).
///
/// Fingerprint. Every executed event (calendar or deferred) is folded into a 64-bit hash of
/// (time, target, kind): two runs have the same fingerprint exactly when, with overwhelming
/// probability, they executed the same events at the same times in the same order.

#include <array>
#include <atomic>
#include <cassert>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <unordered_set>
#include <vector>

#include "kernel/time.hpp"

namespace plantwin::kernel {

using ModelId = std::uint32_t;

struct Event {
  Tick time;
  ModelId target;
  std::uint32_t kind;  ///< the target model's own event code
  std::uint64_t arg;   ///< the target model's own argument (a server index, a part id, ...)
};

class Model {
 public:
  virtual ~Model() = default;
  /// Handles one event addressed to this model. Called by Kernel::run_until only.
  virtual void on_event(const Event& event) = 0;
  /// Prefetches what handling `event` will read beyond the memory named by Kernel::set_hot
  /// (which is in the caches by then): called in a large plant one event before `event` runs,
  /// or not at all. A hint only.
  virtual void prefetch(const Event& /*event*/) const {}
  /// The name of one of this model's event kinds, for traces ("end_work"); nullptr if unnamed.
  virtual const char* event_name(std::uint32_t /*kind*/) const { return nullptr; }
};

/// Receives every executed event when set on a kernel (the event trace).
class TraceSink {
 public:
  virtual ~TraceSink() = default;
  virtual void on_event(const Event& event) = 0;
};

/// Told when a run may have stalled (models/stall.hpp watches the plant through it): every 4,096
/// events, and whenever the calendar runs dry before the end of a run.
class Watchdog {
 public:
  /// `calendar_empty`: no calendar or deferred event is left. May call Kernel::fail().
  virtual void on_quiet(bool calendar_empty) = 0;

 protected:
  ~Watchdog() = default;
};

/// Names a scheduled calendar event so that it can be cancelled.
struct EventHandle {
  std::uint64_t seq = 0;  ///< 0: no event
  explicit operator bool() const { return seq != 0; }
};

class Kernel {
 public:
  enum class Status { RUNNING, INTERRUPTED, FAILED };
  /// Priorities run from MIN_PRIORITY (first) to MAX_PRIORITY; models use 0 unless they need
  /// another order among events at the same time.
  static constexpr int MIN_PRIORITY = -100;
  static constexpr int MAX_PRIORITY = 100;
  /// By default, more events than this at one simulated instant stop the run: a model is in a
  /// zero-time loop.
  static constexpr std::uint64_t MAX_EVENTS_AT_ONE_TIME = 20'000'000;

  Kernel() = default;
  Kernel(const Kernel&) = delete;
  Kernel& operator=(const Kernel&) = delete;

  /// Registers a model; events addressed to the returned id go to `model.on_event`. `name` is for
  /// traces and messages. The model must outlive the kernel's runs.
  ModelId add_model(Model& model, std::string name);
  const std::string& model_name(ModelId id) const { return names_[id]; }
  const Model& model(ModelId id) const { return *models_[id]; }
  std::size_t model_count() const { return models_.size(); }
  /// A block of memory a model's events read.
  struct HotMemory {
    const void* at = nullptr;
    std::size_t bytes = 0;
  };
  /// Names the memory a model's events read first (the model itself, its servers: up to two
  /// blocks, of which the first four cache lines count): in a plant too large for the caches
  /// (PREFETCH_FROM_MODELS) the kernel prefetches it two events ahead, and Model::prefetch one
  /// event ahead (docs/architecture.md, "The kernel"). A hint only: it changes no result.
  void set_hot(ModelId id, std::initializer_list<HotMemory> blocks);

  /// Schedules an event at absolute time `time` (>= now()). Returns a handle for cancel().
  [[gnu::always_inline]] EventHandle schedule_at(Tick time, ModelId target, std::uint32_t kind, std::uint64_t arg = 0,
                                                 int priority = 0) {
    assert(time >= now_);
    assert(priority >= MIN_PRIORITY && priority <= MAX_PRIORITY);
    assert(target < models_.size());
    const std::uint64_t seq = ++seq_;
    push(Entry{time, (static_cast<std::uint64_t>(priority + 128) << 56) | seq,
               (static_cast<std::uint64_t>(target) << 32) | kind, arg});
    return EventHandle{seq};
  }
  /// Schedules an event `delay` ticks from now (delay >= 0).
  [[gnu::always_inline]] EventHandle schedule_in(Tick delay, ModelId target, std::uint32_t kind, std::uint64_t arg = 0,
                                                 int priority = 0) {
    return schedule_at(now_ + delay, target, kind, arg, priority);
  }
  /// Runs an event at the current time before any calendar event (after the deferred ones
  /// already waiting).
  void defer(ModelId target, std::uint32_t kind, std::uint64_t arg = 0);
  /// Cancels a calendar event that has not run yet. Precondition: the handle names an event that
  /// is still pending (neither run nor cancelled); models clear their handles when events run.
  void cancel(EventHandle handle);

  /// Executes every event with time < end (and the deferred events they create), then sets
  /// now() = end. Stops early, with status() other than RUNNING, when the run is interrupted or
  /// fails. Precondition: end >= now().
  Status run_until(Tick end);
  /// Executes every event with time <= last (and the deferred events they create), then sets
  /// now() = last: the calendar may still receive events at `last`. For a driver that advances
  /// the kernel together with another simulator's clock (the network). Precondition: last >= now().
  Status run_through(Tick last);
  /// The time of the earliest calendar event (a cancelled one may be reported), or -1 when the
  /// calendar is empty.
  Tick next_event_time() const { return size_ > 0 ? heap_[0].time : -1; }

  /// Stops the run in progress after the current event; status() becomes FAILED and
  /// failure() returns `message`.
  void fail(std::string message);
  /// Stops the run in progress after the current event without ending it: run_until and
  /// run_through return RUNNING with now() at that event's time (events of the same time may be
  /// left). For a driver that must act between two events (the network starts a SimGrid activity
  /// at the current time). resume() must be called before the kernel runs again.
  void pause() { paused_ = stop_ = true; }
  /// Whether the last run_until / run_through stopped at a pause; clears it.
  bool resume() {
    const bool was = paused_;
    paused_ = false;
    stop_ = status_ != Status::RUNNING;
    return was;
  }
  /// When set, run_until polls `*flag` every few thousand events and stops with INTERRUPTED when
  /// it is true (Ctrl-C).
  void set_interrupt_flag(const std::atomic<bool>* flag) { interrupt_ = flag; }
  void set_trace(TraceSink* sink) { trace_ = sink; }
  /// When set, run_until and run_through tell `watchdog` every 4,096 events and when the calendar
  /// runs dry.
  void set_watchdog(Watchdog* watchdog) { watchdog_ = watchdog; }
  /// Changes the zero-time loop limit (MAX_EVENTS_AT_ONE_TIME by default).
  void set_max_events_at_one_time(std::uint64_t limit) { max_same_time_ = limit; }

  /// Starts the clock at `t` instead of 0 (a warm start, models/warm_start.hpp). Precondition:
  /// no event has run and none is scheduled.
  void start_at(Tick t) {
    assert(events_ == 0 && size_ == 0 && t >= 0);
    now_ = t;
  }
  Tick now() const { return now_; }
  Status status() const { return status_; }
  const std::string& failure() const { return failure_; }
  /// Events executed so far (calendar and deferred).
  std::uint64_t events_executed() const { return events_; }
  /// Calendar events waiting (cancelled ones excluded).
  std::size_t pending_events() const { return size_ - cancelled_.size(); }
  /// The hash of every event executed so far.
  std::uint64_t fingerprint() const;

 private:
  struct Entry {
    Tick time;
    std::uint64_t key;     ///< (priority + 128) << 56 | insertion sequence
    std::uint64_t target_kind;  ///< target << 32 | kind
    std::uint64_t arg;
  };
  static bool before(const Entry& a, const Entry& b) {
    return a.time < b.time || (a.time == b.time && a.key < b.key);
  }
  static constexpr std::uint64_t SEQ_MASK = (std::uint64_t{1} << 56) - 1;

  // Binary heap with the "hole" technique: the moving entry is written once at its final place.
  // The storage grows by doubling and never shrinks; size_ is the heap's size.
  [[gnu::always_inline]] void push(const Entry& e) {
    if (size_ == heap_.size()) heap_.resize(heap_.size() * 2 + 64);
    std::size_t i = size_++;
    Entry* h = heap_.data();
    while (i > 0) {
      const std::size_t parent = (i - 1) / 2;
      if (!before(e, h[parent])) break;
      h[i] = h[parent];
      i = parent;
    }
    h[i] = e;
  }
  Entry pop();
  void execute(const Event& e);
  /// Executes every event with time <= last; does not move now() past the last event run.
  void run_events(Tick last);

  /// The regions set_hot() named, as cache lines to prefetch.
  struct Hot {
    static constexpr std::size_t BLOCKS = 2;
    static constexpr std::uintptr_t MAX_LINES = 4;  // more per block measured slower (prefetches crowd each other)
    std::array<const char*, BLOCKS> at{};  // the first cache line of each block
    std::array<std::uint32_t, BLOCKS> lines{};
  };
  /// Right after a pop: prefetches the hot memory of the model of the event after the next one,
  /// and calls Model::prefetch for the next one.
  void prefetch_next() const;
  /// Models from which on prefetching pays: below it the models stay in the caches anyway.
  static constexpr std::size_t PREFETCH_FROM_MODELS = 2048;

  std::vector<Model*> models_;
  std::vector<Hot> hot_;
  std::vector<std::string> names_;
  std::vector<Entry> heap_;
  std::size_t size_ = 0;
  std::vector<Event> deferred_;  // a ring buffer: [deferred_head_, deferred_tail_) modulo its size (a power of two)
  std::size_t deferred_head_ = 0, deferred_tail_ = 0;
  std::unordered_set<std::uint64_t> cancelled_;  // membership only, never iterated
  Tick now_ = 0;
  Tick same_time_ = -1;
  std::uint64_t same_time_events_ = 0;
  std::uint64_t max_same_time_ = MAX_EVENTS_AT_ONE_TIME;
  std::uint64_t seq_ = 0;
  std::uint64_t events_ = 0;
  std::uint32_t poll_ = 0;  // counts events between interrupt polls, across runs
  std::uint64_t hash_ = 0x6a09e667f3bcc909ULL;
  Status status_ = Status::RUNNING;
  bool paused_ = false;
  bool stop_ = false;  // run_events returns after the current event: a failure or a pause
  std::string failure_;
  const std::atomic<bool>* interrupt_ = nullptr;
  TraceSink* trace_ = nullptr;
  Watchdog* watchdog_ = nullptr;
};

}  // namespace plantwin::kernel
