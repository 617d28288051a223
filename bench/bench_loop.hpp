#pragma once
/// What the minimal hand-written event loops share: an event, a binary heap of events and the
/// exponential draw. The loops are deliberately plain C++ (std::priority_queue, structs, no
/// virtual calls); they use the engine's RngStream and tick rounding only so that they draw
/// exactly the numbers the engine draws.

#include <cmath>
#include <cstdint>
#include <queue>
#include <vector>

#include "bench_models.hpp"
#include "kernel/rng.hpp"

namespace plantwin::bench {

/// One scheduled event of a loop: `kind` happens to `target` (a station index) at `time`.
struct LoopEvent {
  kernel::Tick time;
  std::uint64_t seq;  ///< insertion order: events at the same time run first in, first out
  std::uint32_t target;
  std::uint32_t kind;
};

/// Orders the heap so that its top is the earliest (time, seq), as the engine's calendar does.
struct LoopLater {
  bool operator()(const LoopEvent& a, const LoopEvent& b) const {
    return a.time > b.time || (a.time == b.time && a.seq > b.seq);
  }
};

using LoopHeap = std::priority_queue<LoopEvent, std::vector<LoopEvent>, LoopLater>;

/// An exponential duration of mean `mean_s` seconds: -mean·ln(U), U in (0, 1], rounded to ticks,
/// the same arithmetic as kernel::Distribution::exponential.
inline kernel::Tick exponential_ticks(kernel::RngStream& rng, double mean_s) {
  return to_ticks(-mean_s * std::log(rng.uniform_open0()));
}

}  // namespace plantwin::bench
