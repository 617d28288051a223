#pragma once
/// A station: identical servers fed from one first-come first-served input buffer.
///
/// Semantics (PRODUCT.md, "Semantics that every result depends on"):
/// - The buffer's capacity counts waiting places only. A part may enter when a server is free
///   (idle and up) or a waiting place is free. Requests to enter, from sources and from blocked
///   upstream servers, are granted in the order they were made. A free server takes the next part
///   at once; among free servers, the lowest-numbered one.
/// - A server's cycle: setup (when the previous part on this server was another product; none
///   before its first part) → working → yield (a scrapped part leaves the plant at once) → blocked
///   until the next station grants entry (the last station never blocks) → idle.
/// - Failures are per server: `operating` time to failure runs only while working; `calendar` runs
///   always, interrupts setup and work, and only makes an idle or blocked server down. `resume`
///   keeps the work done; `restart` starts the interrupted activity over with the same duration.
///   The next time to failure is drawn when a repair ends. A failure due at the very instant an
///   activity ends strikes first, but the activity is not repeated: it ends when the repair does.
/// - At every instant a server is in exactly one state: down (over all others), setup, working,
///   blocked or idle.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kernel/distribution.hpp"
#include "kernel/kernel.hpp"
#include "kernel/rng.hpp"
#include "kernel/stats.hpp"
#include "models/flow.hpp"
#include "models/plant_context.hpp"

namespace plantwin::models {

using kernel::Distribution;

struct FailureParams {
  enum class Basis { OPERATING, CALENDAR };
  enum class Interrupted { RESUME, RESTART };
  Distribution time_to_failure;
  Distribution time_to_repair;
  Basis basis = Basis::OPERATING;
  Interrupted interrupted = Interrupted::RESUME;
};

/// A changeover between two products at a station.
struct SetupParams {
  ProductIndex from = 0;
  ProductIndex to = 0;
  Distribution duration;
};

/// A station's own parameters. Process times belong to the products' route steps (RouteStep):
/// a station stores nothing per product of the plant, so a plant of many stations and products
/// stays small.
struct StationParams {
  static constexpr std::int64_t INFINITE = -1;
  int servers = 1;
  std::int64_t buffer = INFINITE;  ///< waiting places, or INFINITE
  std::optional<FailureParams> failures;
  /// The changeover whenever the product differs from the previous part's (`setup: 5min`).
  std::optional<Distribution> setup_any;
  /// Changeovers between given products (the `from -> to` matrix), sorted by (from, to); pairs
  /// not listed take none.
  std::vector<SetupParams> setup_pairs;
  double yield = 1.0;

  /// The changeover from `from` to `to`, or nullptr when none (always none when from == to).
  const Distribution* setup_between(ProductIndex from, ProductIndex to) const;
};

/// Per-replication measurements of one station over the measured window.
struct StationMeasures {
  std::array<kernel::Tick, SERVER_STATE_COUNT> state_ticks{};  ///< summed over servers
  std::uint64_t completed = 0;  ///< good parts that left its servers
  std::uint64_t scrapped = 0;
  std::uint64_t processed = 0;  ///< parts whose work ended (good + scrapped)
  double queue_mean = 0;        ///< time-average number of parts waiting in the buffer
  template <class A>
  void serialize(A& a) {
    a(state_ticks, completed, scrapped, processed, queue_mean);
  }
};

class Station final : public kernel::Model,
                      public EntryRequester,
                      public EntryTarget,
                      public GateClient,
                      public Waitable {
 public:
  /// `number` is the station's position in declaration order (observers name stations by it).
  Station(std::string id, StationParams params, PlantContext& ctx, std::uint32_t number = 0);

  const std::string& id() const { return id_; }
  const StationParams& params() const { return params_; }
  kernel::ModelId model_id() const { return model_id_; }

  /// Asks for room for one part. When the request can be granted now (no earlier request is
  /// waiting and there is room), the requester's hand_over(tag) is called before this returns;
  /// otherwise the request waits its turn.
  void request_entry(EntryRequester& requester, std::uint64_t tag, const Transfer& transfer = {}) override;
  ServerState waiting_state() const override { return ServerState::BLOCKED; }
  WaitItem entry_wait(const EntryRequester& requester, std::uint64_t tag) const override;
  std::string entry_name() const override { return "room at station '" + id_ + "'"; }
  /// Adds an activity every part waits for on its server right before working (after any setup),
  /// or right after working (good parts only). Gates run in the order they were added.
  void add_gate_before_work(Gate& gate) { gates_before_.push_back(&gate); }
  void add_gate_after_work(Gate& gate) { gates_after_.push_back(&gate); }
  void gate_passed(std::uint64_t server) override;
  /// Takes `part` now when request_entry() would grant at once (no request waiting, room); the
  /// shortcut of a requester that holds the part itself. Returns false, taking nothing, otherwise.
  bool try_accept(PartId part) {
    if (!requests_.empty() || granting_ || !has_room()) return false;
    accept(part);
    return true;
  }
  /// True when a part could enter now (a free server or a free waiting place).
  bool has_room() const { return queue_.size() < capacity_ || free_servers_ > 0; }

  /// Makes `source` create a part whenever a server is free and the buffer is empty (a
  /// `saturated: true` source). It must provide can_create() and create_part().
  void set_saturating_source(class Source* source) { saturating_ = source; }

  /// Called once at time 0, after every model exists: starts failure clocks and feeds saturated
  /// sources.
  void start();
  /// Discards statistics gathered so far (end of the warm-up).
  void reset_statistics();
  /// Measurements from the last reset to now.
  StationMeasures measures() const;

  void on_event(const kernel::Event& event) override;
  const char* event_name(std::uint32_t kind) const override;
  PartId hand_over(std::uint64_t server) override;

  // Waitable (models/stall.hpp): its servers by index, its room and its buffer.
  static constexpr std::uint32_t ROOM = 0xffffffffu;
  static constexpr std::uint32_t BUFFER = 0xfffffffeu;
  WaitKind waits_for(std::uint32_t item, std::vector<WaitItem>& on) const override;
  std::string describe_wait(std::uint32_t item) const override;
  void holders(std::vector<WaitItem>& out) const override;

 private:
  enum EventKind : std::uint32_t { END_SETUP, END_WORK, FAIL, REPAIR, GRANT };
  enum class Activity : std::uint8_t { NONE, SETUP, WORK };

  enum class GatePhase : std::uint8_t { BEFORE_WORK, AFTER_WORK };

  struct Server {
    Server(kernel::RngStream ttf, kernel::RngStream ttr) : ttf_rng(ttf), ttr_rng(ttr) {}
    ServerState state = ServerState::IDLE;  // the activity; DOWN is kept apart in `down`
    // The gates the part on this server passes: which list, the next one, and whether the
    // current one is still to call back.
    GatePhase gate_phase = GatePhase::BEFORE_WORK;
    std::uint8_t gate_pending = 0;
    std::uint8_t gate_requesting = 0;  // inside Gate::request(): a call back continues the loop
    std::uint32_t gate_index = 0;
    bool down = false;
    PartId part = 0;
    EntryTarget* waiting_on = nullptr;  // while its finished part waits to move on: the target asked
    std::int64_t last_product = -1;
    // The activity in progress or interrupted.
    Activity activity = Activity::NONE;
    kernel::Tick activity_duration = 0;   // its full duration (restart)
    kernel::Tick activity_remaining = 0;  // what is left of it when it is not running
    kernel::Tick run_start = 0;           // when the current run of it began
    kernel::EventHandle activity_event;
    kernel::Tick ttf_remaining = 0;  // operating basis: working time left before the next failure
    kernel::Tick state_since = 0;
    std::array<kernel::Tick, SERVER_STATE_COUNT> state_ticks{};
    kernel::RngStream ttf_rng;
    kernel::RngStream ttr_rng;
  };

  ServerState shown_state(const Server& s) const { return s.down ? ServerState::DOWN : s.state; }
  void set_state(Server& s, ServerState next);
  void set_down(Server& s, bool down);
  bool is_free(const Server& s) const { return s.state == ServerState::IDLE && !s.down; }

  void accept(PartId part);
  void dispatch();
  void start_part(std::uint32_t index, PartId part);
  void start_activity(std::uint32_t index, Activity activity, kernel::Tick duration);
  void run_activity(std::uint32_t index);
  void end_setup(std::uint32_t index);
  /// Runs the gates of `phase` from the first; when all are passed (at once when there are none),
  /// goes on to work (before) or to the next hop (after).
  void begin_gates(std::uint32_t index, GatePhase phase);
  void pass_gates(std::uint32_t index);
  void start_work(std::uint32_t index);
  void end_work(std::uint32_t index);
  void move_on(std::uint32_t index);
  void fail(std::uint32_t index);
  void repair(std::uint32_t index);
  void server_freed();
  void grant();
  /// No room, and every server waits for its part to move on: only then can a server that starts
  /// waiting close a loop of waits through this station (the cheap test before the stall check).
  bool all_servers_wait() const;
  bool wants_grant() const { return !requests_.empty() || saturating_ != nullptr; }

  void notify(const Server& s);

  const std::string id_;
  const StationParams params_;
  PlantContext& ctx_;
  std::uint32_t number_;
  kernel::ModelId model_id_;
  std::size_t capacity_;
  bool has_setups_;

  std::vector<Server> servers_;
  std::size_t free_servers_ = 0;
  PartQueue queue_;
  struct Request {
    EntryRequester* requester = nullptr;
    std::uint64_t tag = 0;
  };
  RingQueue<Request> requests_;  // in the order the requests were made
  bool granting_ = false;
  bool grant_deferred_ = false;
  class Source* saturating_ = nullptr;
  std::vector<Gate*> gates_before_, gates_after_;

  kernel::RngStream process_rng_;
  kernel::RngStream setup_rng_;
  kernel::RngStream yield_rng_;

  kernel::TimeAverage queue_length_;
  kernel::Tick window_start_ = 0;
  std::uint64_t completed_ = 0, scrapped_ = 0, processed_ = 0;
};

}  // namespace plantwin::models
