#pragma once
/// Parts: the units of material that flow through the plant. A part lives in the PartPool from
/// its creation at a source until it leaves the plant (good, at the end of its route, or scrapped).

#include <cassert>
#include <cstdint>
#include <string_view>
#include <vector>

#include "kernel/time.hpp"

namespace plantwin::models {

using kernel::Tick;
using PartId = std::uint32_t;
using ProductIndex = std::uint32_t;

inline constexpr std::int32_t NO_ORDER = -1;
inline constexpr std::uint32_t NO_SOURCE = 0xffffffffu;

/// The number of a part id as event logs write them (a plain decimal number from 1: no sign, no
/// leading zero, at most 18 digits); 0 for any other id.
inline std::uint64_t part_number(std::string_view id) {
  if (id.empty() || id.size() > 18 || (id[0] == '0' && id.size() > 1)) return 0;
  std::uint64_t n = 0;
  for (const char c : id) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

struct Part {
  ProductIndex product = 0;
  std::uint32_t step = 0;  ///< index in the product's route steps of the station it is at (or will enter first)
  Tick created = 0;  ///< when it entered the plant (an assembled part: its earliest component)
  std::int32_t order = NO_ORDER;  ///< index of the order it belongs to, or NO_ORDER
  std::uint32_t source = NO_SOURCE;  ///< the source that released it (release control), or NO_SOURCE
  Tick entered = 0;  ///< when it entered its current station (batches wait for it)
  std::uint16_t attempts = 0;  ///< failed passes at its current route step (`rejects: max_attempts`)
  bool rejected = false;  ///< its last pass failed and it goes to rework (models/route.hpp)
};

/// A slab of parts with a free list: ids are reused, memory stays flat over long runs.
class PartPool {
 public:
  /// The default for the most parts in the plant at once; more means the line is unstable
  /// (arrivals above capacity) and the run stops with an error instead of exhausting memory.
  static constexpr std::size_t DEFAULT_MAX_LIVE = 20'000'000;

  explicit PartPool(std::size_t max_live = DEFAULT_MAX_LIVE) : max_live_(max_live) {}
  std::size_t max_live() const { return max_live_; }

  PartId create(ProductIndex product, Tick now, std::int32_t order) {
    PartId id;
    if (free_count_ > 0) {
      id = free_[--free_count_];
    } else {
      id = static_cast<PartId>(parts_.size());
      parts_.emplace_back();
      free_.emplace_back();  // room for its id once it is released: release() never allocates
    }
    parts_[id] = Part{product, 0, now, order, NO_SOURCE, now, 0, false};
    ++live_;
    return id;
  }
  void release(PartId id) {
    assert(id < parts_.size() && free_count_ < free_.size());
    free_[free_count_++] = id;
    --live_;
  }
  Part& operator[](PartId id) { return parts_[id]; }
  const Part& operator[](PartId id) const { return parts_[id]; }
  /// Where part `id` is stored, for a prefetch; nullptr when there is no such part.
  const Part* storage(PartId id) const { return id < parts_.size() ? &parts_[id] : nullptr; }
  std::size_t live() const { return live_; }
  bool full() const { return live_ >= max_live_; }

 private:
  std::vector<Part> parts_;
  std::vector<PartId> free_;  // the released ids are free_[0 .. free_count_), a stack
  std::size_t free_count_ = 0;
  std::size_t live_ = 0;
  std::size_t max_live_;
};

/// A FIFO on a power-of-two ring buffer, allocated on first use (std::deque allocates in chunks,
/// even when empty, and a plant has one queue per station).
template <class T>
class RingQueue {
 public:
  bool empty() const { return head_ == tail_; }
  std::size_t size() const { return tail_ - head_; }
  const T& front() const { return buf_[head_ & mask_]; }
  /// Where the front item is (or would be) stored, for a prefetch; nullptr before the first push.
  const T* front_storage() const { return buf_.empty() ? nullptr : &buf_[head_ & mask_]; }
  void push_back(const T& item) {
    if (size() == buf_.size()) grow();
    buf_[tail_++ & mask_] = item;
  }
  T pop_front() { return buf_[head_++ & mask_]; }
  /// The item `i` places from the front.
  T& operator[](std::size_t i) { return buf_[(head_ + i) & mask_]; }
  const T& operator[](std::size_t i) const { return buf_[(head_ + i) & mask_]; }
  /// Removes the item `i` places from the front, keeping the others' order.
  T erase_at(std::size_t i) {
    const T item = (*this)[i];
    for (std::size_t k = i; k > 0; --k) (*this)[k] = (*this)[k - 1];
    ++head_;
    return item;
  }

 private:
  void grow() {
    std::vector<T> next(buf_.empty() ? 8 : buf_.size() * 2);
    const std::size_t n = size();
    for (std::size_t i = 0; i < n; ++i) next[i] = buf_[(head_ + i) & mask_];
    buf_ = std::move(next);
    mask_ = buf_.size() - 1;
    head_ = 0;
    tail_ = n;
  }
  std::vector<T> buf_;
  std::size_t mask_ = 0, head_ = 0, tail_ = 0;
};

using PartQueue = RingQueue<PartId>;

}  // namespace plantwin::models
