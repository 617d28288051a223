// The minimal M/M/1 event loop: arrivals and departures on a binary heap, a FIFO of arrival times.

#include <chrono>
#include <deque>

#include "bench_loop.hpp"

namespace plantwin::bench {

namespace {
enum Mm1Kind : std::uint32_t { ARRIVAL, DEPARTURE };
}  // namespace

RunOutcome run_loop_mm1(const Mm1Model& m) {
  using Clock = std::chrono::steady_clock;
  RunOutcome out;
  const auto start = Clock::now();
  // The names the engine gives the source's and the station's streams (source.cpp, station.cpp).
  kernel::RngStream arrival_rng(SEED, 0, "source/arrivals/interarrival");
  kernel::RngStream service_rng(SEED, 0, "station/server/process");
  const double arrival_mean = 1.0 / m.lambda;
  const double service_mean = 1.0 / m.mu;
  const kernel::Tick end = to_ticks(m.horizon_s);
  const auto run_start = Clock::now();
  out.build_s = std::chrono::duration<double>(run_start - start).count();

  Clock::time_point teardown_start;
  {
    LoopHeap heap;
    std::deque<kernel::Tick> waiting;  // arrival times of the customers waiting for the server
    std::uint64_t seq = 0;
    std::int64_t created = 0;
    bool busy = false;
    kernel::Tick in_service_arrival = 0;
    kernel::Tick now = 0;
    std::int64_t lead_sum = 0;  // ticks; 1e6 customers of ~5 s fit easily in 63 bits

    if (m.customers != 0) heap.push({exponential_ticks(arrival_rng, arrival_mean), ++seq, 0, ARRIVAL});
    while (!heap.empty() && heap.top().time < end) {
      const LoopEvent e = heap.top();
      heap.pop();
      now = e.time;
      ++out.events;
      if (e.kind == ARRIVAL) {
        ++created;
        // Service is scheduled before the next arrival, as the engine does: same-time ties then
        // run in the same order on both sides.
        if (!busy) {
          busy = true;
          in_service_arrival = now;
          heap.push({now + exponential_ticks(service_rng, service_mean), ++seq, 0, DEPARTURE});
        } else {
          waiting.push_back(now);
        }
        if (m.customers == 0 || created < m.customers)
          heap.push({now + exponential_ticks(arrival_rng, arrival_mean), ++seq, 0, ARRIVAL});
      } else {
        ++out.completed;
        lead_sum += now - in_service_arrival;
        if (waiting.empty()) {
          busy = false;
        } else {
          in_service_arrival = waiting.front();
          waiting.pop_front();
          heap.push({now + exponential_ticks(service_rng, service_mean), ++seq, 0, DEPARTURE});
        }
      }
    }
    out.simulated_s = m.horizon_s;
    out.mean_lead_s = out.completed > 0 ? kernel::to_seconds(lead_sum) / static_cast<double>(out.completed) : 0.0;
    teardown_start = Clock::now();
  }  // the heap and the queue are freed here
  out.run_s = std::chrono::duration<double>(teardown_start - run_start).count();
  out.teardown_s = std::chrono::duration<double>(Clock::now() - teardown_start).count();
  return out;
}

}  // namespace plantwin::bench
