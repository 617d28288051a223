#pragma once
/// A recording of one replication for plots: every server state change and every part that left
/// the plant. Models report to a PlantObserver; Timeline is the observer the run layer attaches to
/// replication 0 when asked (Python's Gantt charts, throughput over time, lead-time histograms).
/// Recording is bounded: after MAX_RECORDS of either kind it stops and says so.

#include <cstdint>
#include <vector>

#include "kernel/time.hpp"
#include "models/flow.hpp"
#include "models/observer.hpp"
#include "models/part.hpp"

namespace plantwin::models {

class Station;

struct Timeline final : PlantObserver {
  static constexpr std::size_t MAX_RECORDS = 2'000'000;

  struct StateChange {
    kernel::Tick time = 0;
    std::uint32_t station = 0;
    std::uint32_t server = 0;
    ServerState state = ServerState::IDLE;
    template <class A>
    void serialize(A& a) {
      a(time, station, server, state);
    }
  };
  struct Exit {
    kernel::Tick time = 0;
    kernel::Tick created = 0;
    ProductIndex product = 0;
    bool good = true;
    template <class A>
    void serialize(A& a) {
      a(time, created, product, good);
    }
  };

  std::vector<StateChange> states;  ///< in time order; each server starts idle at time 0; at most
                                    ///< one per server and instant when changes follow each other
  std::vector<Exit> exits;          ///< in time order
  bool truncated = false;           ///< a kind reached MAX_RECORDS: later records are missing

  void server_state(std::uint32_t station, std::uint32_t server, ServerState state, kernel::Tick now) override {
    // A server passing through states at one instant (working, blocked, idle when the next
    // station takes the part at once) keeps only its last state there.
    if (!states.empty() && states.back().time == now && states.back().station == station && states.back().server == server) {
      states.back().state = state;
      return;
    }
    if (states.size() >= MAX_RECORDS) {
      truncated = true;
      return;
    }
    states.push_back({now, station, server, state});
  }
  void part_left(PartId /*id*/, const Part& part, bool good, kernel::Tick now) override {
    if (exits.size() >= MAX_RECORDS) {
      truncated = true;
      return;
    }
    exits.push_back({now, part.created, part.product, good});
  }
  template <class A>
  void serialize(A& a) {
    a(states, exits, truncated);
  }
};

}  // namespace plantwin::models
