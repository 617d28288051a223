// The minimal event loop of LineModel: serial lines of single-server stations with finite input
// buffers, blocking after service, operating-basis failures that resume, and a saturated source
// in front of each line. Only three events exist (end of work, failure, repair); handing parts on
// and unblocking a line happen inside them, in a loop.
//
// The order of operations follows PRODUCT.md's semantics as the engine implements them, down to
// the order in which events at one instant are scheduled, so that both follow one trajectory:
// when a server hands its part on it first takes its own next waiting part, then the part enters
// the next station, then the server's station pulls the part of its blocked upstream server (or,
// first in its line, a new part from the source), and so on up the line.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "bench_loop.hpp"

namespace plantwin::bench {

namespace {

enum LineKind : std::uint32_t { END_WORK, FAIL, REPAIR };

class LineLoop {
 public:
  explicit LineLoop(const LineModel& m)
      : m_(m),
        buffer_(static_cast<std::uint32_t>(m.buffer)),
        queues_(static_cast<std::size_t>(m.station_count()) * buffer_) {
    stations_.reserve(static_cast<std::size_t>(m.station_count()));
    for (int line = 0; line < m.lines; ++line)
      for (int k = 0; k < m.stations_per_line; ++k) {
        // The names the engine gives a station's streams (station.cpp).
        const std::string prefix = "station/" + line_station_id(line, k);
        stations_.emplace_back(kernel::RngStream(SEED, 0, prefix + "/process"),
                               kernel::RngStream(SEED, 0, prefix + "/server/0/ttf"),
                               kernel::RngStream(SEED, 0, prefix + "/server/0/ttr"));
        stations_.back().first = k == 0;
        stations_.back().last = k == m.stations_per_line - 1;
      }
  }

  /// Runs to the horizon; returns events, completed parts and their mean lead time.
  RunOutcome run() {
    const kernel::Tick end = to_ticks(m_.horizon_s);
    // Time 0, station by station: draw the time to failure, and give each line's first station
    // its first part.
    for (std::uint32_t s = 0; s < stations_.size(); ++s) {
      stations_[s].ttf_remaining = exponential_ticks(stations_[s].ttf_rng, m_.mtbf_s);
      if (stations_[s].first) start_work(s, 0);
    }
    while (!heap_.empty() && heap_.top().time < end) {
      const LoopEvent e = heap_.top();
      heap_.pop();
      now_ = e.time;
      ++events_;
      switch (e.kind) {
        case END_WORK: end_work(e.target); break;
        case FAIL: fail(e.target); break;
        case REPAIR: repair(e.target); break;
        default: break;
      }
    }
    RunOutcome out;
    out.events = events_;
    out.completed = completed_;
    out.mean_lead_s = completed_ > 0 ? kernel::to_seconds(lead_sum_) / static_cast<double>(completed_) : 0.0;
    out.simulated_s = m_.horizon_s;
    return out;
  }

 private:
  struct Station {
    Station(kernel::RngStream process, kernel::RngStream ttf, kernel::RngStream ttr)
        : process_rng(process), ttf_rng(ttf), ttr_rng(ttr) {}
    bool first = false;    // first of its line: fed by the saturated source
    bool last = false;     // last of its line: its parts leave the plant
    bool busy = false;     // holds a part: working, down while working, or blocked
    bool blocked = false;  // finished, waiting for room downstream
    bool down = false;
    std::uint32_t queue_head = 0, queue_size = 0;
    kernel::Tick part_created = 0;   // creation time of the part on the server
    kernel::Tick work_remaining = 0;
    kernel::Tick run_start = 0;
    kernel::Tick ttf_remaining = 0;  // working time left before the next failure
    kernel::RngStream process_rng, ttf_rng, ttr_rng;
  };

  void schedule(kernel::Tick time, std::uint32_t s, LineKind kind) { heap_.push({time, ++seq_, s, kind}); }

  bool is_free(const Station& st) const { return !st.busy && !st.down; }
  bool has_room(std::uint32_t s) const { return is_free(stations_[s]) || stations_[s].queue_size < buffer_; }

  void push_queue(std::uint32_t s, kernel::Tick created) {
    Station& st = stations_[s];
    std::uint32_t tail = st.queue_head + st.queue_size;
    if (tail >= buffer_) tail -= buffer_;  // a compare, not a division: this is the hot path
    queues_[s * buffer_ + tail] = created;
    ++st.queue_size;
  }
  kernel::Tick pop_queue(std::uint32_t s) {
    Station& st = stations_[s];
    const kernel::Tick created = queues_[s * buffer_ + st.queue_head];
    if (++st.queue_head == buffer_) st.queue_head = 0;
    --st.queue_size;
    return created;
  }

  // A free server takes a part and starts working on it.
  void start_work(std::uint32_t s, kernel::Tick created) {
    Station& st = stations_[s];
    st.busy = true;
    st.part_created = created;
    st.work_remaining = exponential_ticks(st.process_rng, m_.process_mean_s);
    run_work(s);
  }

  // Work runs until it ends or, if the time to failure runs out first, until the failure.
  void run_work(std::uint32_t s) {
    Station& st = stations_[s];
    st.run_start = now_;
    if (st.ttf_remaining <= st.work_remaining)
      schedule(now_ + st.ttf_remaining, s, FAIL);
    else
      schedule(now_ + st.work_remaining, s, END_WORK);
  }

  // A part arrives at station s, which has room: onto the server if it is free and nobody waits.
  void accept(std::uint32_t s, kernel::Tick created) {
    if (is_free(stations_[s]) && stations_[s].queue_size == 0)
      start_work(s, created);
    else
      push_queue(s, created);
  }

  // The part on s's server leaves it for station d (which has room): s takes its next waiting
  // part, then the part enters d.
  void hand_on(std::uint32_t s, std::uint32_t d) {
    Station& st = stations_[s];
    const kernel::Tick created = st.part_created;
    st.busy = st.blocked = false;
    if (st.queue_size > 0) start_work(s, pop_queue(s));
    accept(d, created);
  }

  // Station s may have room now: it pulls the part of its blocked upstream server, which frees
  // that server, which pulls from its own upstream, and so on; a line's first station takes a new
  // part from the saturated source instead.
  void pull(std::uint32_t s) {
    for (;;) {
      if (stations_[s].first) {
        if (is_free(stations_[s]) && stations_[s].queue_size == 0) start_work(s, now_);
        return;
      }
      const std::uint32_t up = s - 1;
      if (!stations_[up].blocked || !has_room(s)) return;
      hand_on(up, s);
      s = up;
    }
  }

  void end_work(std::uint32_t s) {
    Station& st = stations_[s];
    st.ttf_remaining -= now_ - st.run_start;
    if (st.last) {
      ++completed_;
      lead_sum_ += now_ - st.part_created;
      st.busy = false;
      if (st.queue_size > 0) start_work(s, pop_queue(s));
      pull(s);
    } else if (has_room(s + 1)) {
      hand_on(s, s + 1);
      pull(s);
    } else {
      st.blocked = true;
    }
  }

  void fail(std::uint32_t s) {
    Station& st = stations_[s];
    st.work_remaining -= now_ - st.run_start;  // resume: the work done is kept
    st.ttf_remaining = 0;
    st.down = true;
    schedule(now_ + exponential_ticks(st.ttr_rng, m_.mttr_s), s, REPAIR);
  }

  // Operating basis: a server fails only while working, so a repaired server resumes its work.
  void repair(std::uint32_t s) {
    Station& st = stations_[s];
    st.down = false;
    st.ttf_remaining = exponential_ticks(st.ttf_rng, m_.mtbf_s);
    run_work(s);
  }

  const LineModel m_;
  const std::uint32_t buffer_;
  std::vector<Station> stations_;
  std::vector<kernel::Tick> queues_;  // station s's waiting places: [s·buffer, (s+1)·buffer), a ring
  LoopHeap heap_;
  std::uint64_t seq_ = 0;
  kernel::Tick now_ = 0;
  std::uint64_t events_ = 0;
  std::uint64_t completed_ = 0;
  std::int64_t lead_sum_ = 0;  // ticks
};

}  // namespace

RunOutcome run_loop_lines(const LineModel& model) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  auto loop = std::make_unique<LineLoop>(model);
  const auto run_start = Clock::now();
  RunOutcome out = loop->run();
  const auto teardown_start = Clock::now();
  loop.reset();
  out.build_s = std::chrono::duration<double>(run_start - start).count();
  out.run_s = std::chrono::duration<double>(teardown_start - run_start).count();
  out.teardown_s = std::chrono::duration<double>(Clock::now() - teardown_start).count();
  return out;
}

}  // namespace plantwin::bench
