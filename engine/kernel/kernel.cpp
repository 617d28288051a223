#include "kernel/kernel.hpp"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <stdexcept>

namespace plantwin::kernel {

namespace {
constexpr std::uint64_t mix(std::uint64_t h, std::uint64_t w) {
  h ^= w;
  h *= 0x9e3779b97f4a7c15ULL;
  return h ^ (h >> 29);
}
}  // namespace

ModelId Kernel::add_model(Model& model, std::string name) {
  models_.push_back(&model);
  hot_.emplace_back();
  names_.push_back(std::move(name));
  return static_cast<ModelId>(models_.size() - 1);
}

void Kernel::set_hot(ModelId id, std::initializer_list<HotMemory> blocks) {
  assert(id < models_.size() && blocks.size() <= Hot::BLOCKS);
  constexpr std::uintptr_t LINE = 64;
  Hot& h = hot_[id];
  std::size_t k = 0;
  for (const HotMemory& m : blocks) {
    if (m.at == nullptr || m.bytes == 0) continue;
    const auto a = reinterpret_cast<std::uintptr_t>(m.at);
    h.at[k] = reinterpret_cast<const char*>(a & ~(LINE - 1));
    h.lines[k] = static_cast<std::uint32_t>(std::min((a + m.bytes - 1) / LINE - a / LINE + 1, Hot::MAX_LINES));
    ++k;
  }
}

void Kernel::prefetch_next() const {
  // Two steps ahead: the event after the next one (the smaller child of the heap's top, unless the
  // next event schedules an earlier one) gets its model's hot memory fetched; the next event,
  // whose hot memory was fetched one event ago, is asked to fetch what it reads beyond it.
  const Entry* h = heap_.data();
  if (size_ >= 2) {
    const Entry& after = size_ >= 3 && before(h[2], h[1]) ? h[2] : h[1];
    const Hot& hot = hot_[static_cast<ModelId>(after.target_kind >> 32)];
    for (std::size_t k = 0; k < Hot::BLOCKS; ++k)
      for (std::uint32_t i = 0; i < hot.lines[k]; ++i) __builtin_prefetch(hot.at[k] + 64 * i);
  }
  if (size_ >= 1) {
    const ModelId target = static_cast<ModelId>(h[0].target_kind >> 32);
    models_[target]->prefetch(Event{h[0].time, target, static_cast<std::uint32_t>(h[0].target_kind), h[0].arg});
  }
}

void Kernel::defer(ModelId target, std::uint32_t kind, std::uint64_t arg) {
  assert(target < models_.size());
  if (deferred_tail_ - deferred_head_ == deferred_.size()) {
    // Full (or empty storage): double, keeping the order.
    std::vector<Event> next(deferred_.empty() ? 64 : deferred_.size() * 2);
    const std::size_t n = deferred_tail_ - deferred_head_;
    for (std::size_t i = 0; i < n; ++i) next[i] = deferred_[(deferred_head_ + i) % deferred_.size()];
    deferred_ = std::move(next);
    deferred_head_ = 0;
    deferred_tail_ = n;
  }
  // The ring's size is a power of two (64, doubled): a mask, not a division, wraps the index.
  deferred_[deferred_tail_++ & (deferred_.size() - 1)] = Event{now_, target, kind, arg};
}

void Kernel::cancel(EventHandle handle) {
  if (handle) cancelled_.insert(handle.seq);
}

void Kernel::fail(std::string message) {
  if (status_ == Status::FAILED) return;  // the first failure is the cause
  status_ = Status::FAILED;
  stop_ = true;
  failure_ = std::move(message);
}

std::uint64_t Kernel::fingerprint() const {
  // Finalise (SplitMix64's mixer) so that nearby states give unrelated digests.
  std::uint64_t z = hash_ ^ events_;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

Kernel::Entry Kernel::pop() {
  Entry* h = heap_.data();
  const Entry top = h[0];
  const std::size_t n = --size_;
  if (n > 0) {
    const Entry last = h[n];
    std::size_t i = 0;
    for (;;) {
      std::size_t child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && before(h[child + 1], h[child])) ++child;
      if (!before(h[child], last)) break;
      h[i] = h[child];
      i = child;
    }
    h[i] = last;
  }
  return top;
}

inline void Kernel::execute(const Event& e) {
  ++events_;
  hash_ = mix(hash_, static_cast<std::uint64_t>(e.time) * 0xff51afd7ed558ccdULL ^
                         (static_cast<std::uint64_t>(e.target) << 20 ^ e.kind));
  if (trace_ != nullptr) trace_->on_event(e);
  models_[e.target]->on_event(e);
}

Kernel::Status Kernel::run_until(Tick end) {
  assert(end >= now_ && !paused_);
  if (status_ != Status::RUNNING) return status_;
  run_events(end - 1);
  if (!stop_) now_ = end;
  return status_;
}

Kernel::Status Kernel::run_through(Tick last) {
  assert(last >= now_ && !paused_);
  if (status_ != Status::RUNNING) return status_;
  run_events(last);
  if (!stop_) now_ = last;
  return status_;
}

void Kernel::run_events(Tick last) {
  const bool prefetch = models_.size() >= PREFETCH_FROM_MODELS;
  for (;;) {
    Event e;
    if (deferred_head_ != deferred_tail_) {
      e = deferred_[deferred_head_++ & (deferred_.size() - 1)];
    } else {
      if (size_ == 0 || heap_[0].time > last) {
        if (watchdog_ != nullptr && pending_events() == 0) watchdog_->on_quiet(true);
        break;
      }
      const Entry entry = pop();
      if (prefetch) prefetch_next();
      if (!cancelled_.empty() && cancelled_.erase(entry.key & SEQ_MASK) > 0) continue;
      now_ = entry.time;
      e = Event{entry.time, static_cast<ModelId>(entry.target_kind >> 32), static_cast<std::uint32_t>(entry.target_kind),
                entry.arg};
    }
    if (e.time != same_time_) {
      same_time_ = e.time;
      same_time_events_ = 0;
    } else if (++same_time_events_ > max_same_time_) {
      fail("no progress: more than " + std::to_string(max_same_time_) + " events at t=" +
           std::to_string(to_seconds(e.time)) + "s, the last addressed to '" + names_[e.target] +
           "' (a loop of zero-duration activities)");
      return;
    }
    execute(e);
    if (stop_) return;
    if ((++poll_ & 0xfff) == 0) {
      if (interrupt_ != nullptr && interrupt_->load(std::memory_order_relaxed)) {
        status_ = Status::INTERRUPTED;
        stop_ = true;
        return;
      }
      if (watchdog_ != nullptr) {
        watchdog_->on_quiet(false);
        if (stop_) return;
      }
    }
  }
}

}  // namespace plantwin::kernel
