#pragma once
/// A station: identical servers fed from one first-come first-served input buffer.
///
/// Semantics (PRODUCT.md, "Semantics that every result depends on"):
/// - The buffer's capacity counts waiting places only. A part may enter when a server is free
///   (idle, up, on shift, not held for maintenance) or a waiting place is free. Requests to enter,
///   from sources and from blocked upstream servers, are granted in the order they were made (a
///   request of a server that is off shift keeps its place but is skipped until its on-time). A
///   free server takes the next part at once; among free servers, the lowest-numbered one.
/// - A server's cycle: setup (when the previous part on this server was another product; none
///   before its first part) → working → yield (a scrapped part leaves the plant at once) → blocked
///   until the next station grants entry (the last station never blocks) → idle.
/// - Failures are per server: `operating` time to failure runs only while working; `calendar` runs
///   always, interrupts setup and work, and only makes an idle or blocked server down. `resume`
///   keeps the work done; `restart` starts the interrupted activity over with the same duration.
///   The next time to failure is drawn when a repair ends. A failure due at the very instant an
///   activity ends strikes first, but the activity is not repeated: it ends when the repair does.
/// - The planner's vocabulary (PLANNING.md §1–3, docs/planning.md): a calendar pauses setups and
///   work in progress at the end of on-time (or lets them finish in overtime with `finish`);
///   planned maintenance stops a server (or the whole station) once the work in hand has ended;
///   steps that name an operator pool wait for one of its operators.
/// - At every instant a server is in exactly one state (models/server_state.hpp): down over
///   off_shift over maintenance over what it does (setup, working, waiting_operator, blocked,
///   waiting_transport, waiting_network, idle).

#include <array>
#include <cmath>
#include <limits>
#include <memory>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kernel/distribution.hpp"
#include "kernel/kernel.hpp"
#include "kernel/rng.hpp"
#include "kernel/stats.hpp"
#include "models/calendar.hpp"
#include "models/flow.hpp"
#include "models/observer.hpp"
#include "models/operators.hpp"
#include "models/params.hpp"
#include "models/plant_context.hpp"
#include "models/warm_start.hpp"

namespace plantwin::models {

using kernel::Distribution;

struct FailureParams {
  enum class Basis { OPERATING, CALENDAR };
  enum class Interrupted { RESUME, RESTART };
  Distribution time_to_failure;
  Distribution time_to_repair;
  Basis basis = Basis::OPERATING;
  Interrupted interrupted = Interrupted::RESUME;

  /// Whether a failure starts the interrupted activity over: a work with `restart`, a setup only on
  /// the calendar basis (the operating basis counts working time only).
  bool restarts(bool setup) const { return interrupted == Interrupted::RESTART && (!setup || basis == Basis::CALENDAR); }
  /// With `restart`: the most time between failures, in seconds; an activity longer than it starts
  /// over for ever. None when interrupted activities resume or times to failure are unbounded.
  std::optional<double> restart_bound() const {
    if (interrupted != Interrupted::RESTART) return std::nullopt;
    const double most = time_to_failure.support().second;
    return std::isfinite(most) ? std::optional<double>(most) : std::nullopt;
  }

  static constexpr auto FIELDS = std::tuple{
      decl::Dist<FailureParams>{{"mtbf", "s", "", "mean > 0", "time to failure, drawn when a repair ends (and at time 0)"},
                                &FailureParams::time_to_failure, "a server would fail without end"},
      decl::Dist<FailureParams>{{"mttr", "s", "", "", "time to repair"}, &FailureParams::time_to_repair},
      decl::Choice<FailureParams, Basis, 2>{
          {"basis", "", "operating", "`operating`, `calendar`",
           "`operating`: the time to failure runs only while working; `calendar`: always"},
          &FailureParams::basis,
          {{{"operating", Basis::OPERATING}, {"calendar", Basis::CALENDAR}}}},
      decl::Choice<FailureParams, Interrupted, 2>{
          {"interrupted", "", "resume", "`resume`, `restart`",
           "what an interrupted setup or work does after the repair: go on with what is left, or start over"},
          &FailureParams::interrupted,
          {{{"resume", Interrupted::RESUME}, {"restart", Interrupted::RESTART}}}},
  };
};

/// A changeover between two products at a station.
struct SetupParams {
  ProductIndex from = 0;
  ProductIndex to = 0;
  Distribution duration;
};

/// Planned maintenance (PLANNING.md §2): due at `first` and then `every` after the previous one
/// ended (calendar basis), or after `every` of working time (operating basis); it starts once the
/// work in hand has ended and lasts a draw of `duration`.
struct MaintenanceParams {
  enum class Basis { CALENDAR, OPERATING };
  enum class Scope { STATION, SERVER };
  kernel::Tick every = 0;        ///< > 0
  Distribution duration;         ///< `for`
  Basis basis = Basis::CALENDAR;
  std::optional<kernel::Tick> first;  ///< calendar basis: the first due time; default `every`
  Scope scope = Scope::STATION;

  static constexpr auto FIELDS = std::tuple{
      decl::Duration<MaintenanceParams>{{"every", "s", "", "> 0",
                                         "calendar basis: the time from the end of one maintenance to the next; operating "
                                         "basis: the working time between them"},
                                        &MaintenanceParams::every, true},
      decl::Dist<MaintenanceParams>{{"for", "s", "", "", "how long it lasts"}, &MaintenanceParams::duration},
      decl::Choice<MaintenanceParams, Basis, 2>{{"basis", "", "calendar", "`calendar`, `operating`",
                                                 "counted in calendar time, or in working time (tool life)"},
                                                &MaintenanceParams::basis,
                                                {{{"calendar", Basis::CALENDAR}, {"operating", Basis::OPERATING}}}},
      decl::OptionalDuration<MaintenanceParams>{
          {"first", "s", "`every`", "", "calendar basis: when the first one is due, from time 0"}, &MaintenanceParams::first},
      decl::Choice<MaintenanceParams, Scope, 2>{
          {"scope", "", "station", "`station`, `server`",
           "all servers together (the whole station stops, one maintenance at a time) or each server on its own"},
          &MaintenanceParams::scope,
          {{{"station", Scope::STATION}, {"server", Scope::SERVER}}}},
  };
};

/// `rejects` (PLANNING.md §4): a rejected part goes through a rework route instead of being
/// scrapped. The route itself is in the product's steps (models/route.hpp).
struct RejectsParams {
  enum class Then { BACK, NEXT };
  static constexpr std::int64_t UNLIMITED = 0;
  Then then = Then::BACK;
  std::int64_t max_attempts = UNLIMITED;

  static constexpr auto FIELDS = std::tuple{
      decl::Choice<RejectsParams, Then, 2>{
          {"then", "", "back", "`back`, `next`",
           "after the rework route: back to this station (tested again, a new independent draw), or on along the "
           "part's route after it"},
          &RejectsParams::then,
          {{{"back", Then::BACK}, {"next", Then::NEXT}}}},
      decl::Capacity<RejectsParams>{{"max_attempts", "", "inf", "1 .. 1000000, or `inf`",
                                     "a part that failed this many times here (at this step of its route) is scrapped"},
                                    &RejectsParams::max_attempts, 1'000'000, UNLIMITED, 1},
  };
};

/// `batch` (PLANNING.md §4): a free server starts a batch of all waiting parts of one product (of
/// any product with `mixed`) up to `max` when `max` wait, or when at least `min` wait and the
/// oldest has waited `max_wait`. One process draw per batch.
struct BatchParams {
  std::int64_t max = 1;
  std::int64_t min = 0;  ///< 0: `max`
  std::optional<kernel::Tick> max_wait;
  bool mixed = false;
  std::int64_t smallest() const { return min > 0 ? min : max; }

  static constexpr auto FIELDS = std::tuple{
      decl::Integer<BatchParams, std::int64_t>{{"max", "parts", "", "1 .. 100000", "the most parts in one batch"},
                                               &BatchParams::max, 1, 100'000},
      decl::Integer<BatchParams, std::int64_t>{
          {"min", "parts", "`max`; 1 with `max_wait`", "1 .. `max`", "the fewest parts a batch starts with once the oldest has waited `max_wait`"},
          &BatchParams::min, 1, 100'000},
      decl::OptionalDuration<BatchParams>{
          {"max_wait", "s", "none", "", "how long the oldest part waits for a full batch; none: a batch always waits to be full"},
          &BatchParams::max_wait},
      decl::Bool<BatchParams>{{"mixed", "", "false", "", "parts of different products share a batch"}, &BatchParams::mixed},
  };
};

/// How a free server picks from its buffer (PLANNING.md §5); ties fall back to arrival order.
enum class QueueDiscipline { FIFO, PRIORITY, EDD, SPT, SETUP };

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
  /// The station's calendar (index in PlantParams::calendars), or none: always on.
  std::optional<std::size_t> calendar;
  /// At the end of on-time: pause the setup or work in progress, or finish the part in hand.
  enum class AtShiftEnd { PAUSE, FINISH } at_shift_end = AtShiftEnd::PAUSE;
  std::optional<MaintenanceParams> maintenance;
  /// The operator pool (index in PlantParams::operators) each task needs, if any.
  std::array<std::optional<std::size_t>, OPERATOR_TASK_COUNT> operators{};
  QueueDiscipline queue = QueueDiscipline::FIFO;
  std::optional<RejectsParams> rejects;
  std::optional<BatchParams> batch;

  /// The changeover from `from` to `to`, or nullptr when none (always none when from == to).
  const Distribution* setup_between(ProductIndex from, ProductIndex to) const;

  /// The station's plain keys; `process`, `failures`, `setup`, `maintenance`, `calendar`,
  /// `operators`, `rejects` and `batch` are read beside them (scenario/loader.cpp, scenario/material.cpp).
  static constexpr auto FIELDS = std::tuple{
      decl::Integer<StationParams>{{"servers", "", "1", "1 .. 10000", "identical machines fed from one buffer"},
                                   &StationParams::servers, 1, 10'000},
      decl::Capacity<StationParams>{{"buffer", "parts", "inf", "0 .. 2147483647, or `inf` (also `.inf`, `.Inf`, `.INF`, `Inf`)",
                                     "waiting places, not counting parts on servers. `0` is valid: a part enters only when a "
                                     "server is free"},
                                    &StationParams::buffer, 2'147'483'647, INFINITE},
      decl::Number<StationParams>{{"yield", "", "1", "0 .. 1",
                                   "fraction of good parts; the rest is scrapped at this station. `0` scraps every part"},
                                  &StationParams::yield, 0, 1},
      decl::Choice<StationParams, AtShiftEnd, 2>{
          {"at_shift_end", "", "pause", "`pause`, `finish`",
           "at the end of its calendar's on-time: pause the setup or work in progress, or finish the part in hand in "
           "overtime ([planning.md](planning.md#calendars))"},
          &StationParams::at_shift_end,
          {{{"pause", AtShiftEnd::PAUSE}, {"finish", AtShiftEnd::FINISH}}}},
      decl::Choice<StationParams, QueueDiscipline, 5>{
          {"queue", "", "fifo", "`fifo`, `priority`, `edd`, `spt`, `setup`",
           "how a free server picks from the buffer: arrival order, highest order priority, earliest order due date, "
           "shortest mean process time here, or the server's last product first "
           "([planning.md](planning.md#queue-disciplines))"},
          &StationParams::queue,
          {{{"fifo", QueueDiscipline::FIFO},
            {"priority", QueueDiscipline::PRIORITY},
            {"edd", QueueDiscipline::EDD},
            {"spt", QueueDiscipline::SPT},
            {"setup", QueueDiscipline::SETUP}}}},
  };
};

/// Per-replication measurements of one station over the measured window.
struct StationMeasures {
  std::array<kernel::Tick, SERVER_STATE_COUNT> state_ticks{};  ///< summed over servers
  std::uint64_t completed = 0;  ///< good parts that left its servers
  std::uint64_t scrapped = 0;
  std::uint64_t processed = 0;  ///< parts whose work ended (good + scrapped)
  double queue_mean = 0;        ///< time-average number of parts waiting in the buffer
  kernel::Tally repair_wait;    ///< seconds a repair waited for its technician (pools only)
  std::uint64_t rejected = 0;   ///< failed passes (scrapped or sent to rework)
  std::uint64_t reworked = 0;   ///< failed passes sent to rework
  std::uint64_t consumed = 0;   ///< components assembled into other parts
  kernel::Tally batch_size;     ///< one value per batch started
  kernel::Tally fill_wait;      ///< seconds: a batch's start minus max(its oldest part's entry, its server's free time)
  double kits_waiting = 0;      ///< time-average number of complete kits in the buffer
  template <class A>
  void serialize(A& a) {
    a(state_ticks, completed, scrapped, processed, queue_mean, repair_wait, rejected, reworked, consumed, batch_size,
      fill_wait, kits_waiting);
  }
};

class Station final : public kernel::Model,
                      public EntryRequester,
                      public EntryTarget,
                      public GateClient,
                      public Waitable,
                      public CalendarClient,
                      public OperatorClient {
 public:
  /// `number` is the station's position in declaration order (observers name stations by it).
  /// `params` must outlive the station: the plant's PlantParams, which outlive the plant.
  Station(std::string id, const StationParams& params, PlantContext& ctx, std::uint32_t number = 0);
  ~Station();

  const std::string& id() const { return id_; }
  const StationParams& params() const { return params_; }
  /// Its position in declaration order.
  std::uint32_t number() const { return number_; }
  kernel::ModelId model_id() const { return model_id_; }

  /// Asks for room for one part. When the request can be granted now (no earlier request is
  /// waiting and there is room), the requester's hand_over(tag) is called before this returns;
  /// otherwise the request waits its turn.
  void request_entry(EntryRequester& requester, std::uint64_t tag, const Transfer& transfer = {}) override;
  void set_request_held(const EntryRequester& requester, std::uint64_t tag, bool held) override;
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
  /// True when a part could enter now (a free server or a free waiting place). A free server of
  /// a station that gathers its work (a batch, a kit, a pick at the end of the instant) holds the
  /// places of what it gathers: `gather_` parts.
  bool has_room() const {
    if (gather_ == 0) [[likely]]
      return queue_.size() < capacity_ || free_servers_ > 0;
    return queue_.size() < capacity_ || queue_.size() - capacity_ < free_servers_ * gather_;
  }
  /// Parts in it: waiting, and on its servers (alternative stations choose by it).
  std::size_t parts_inside() const;
  int servers() const { return params_.servers; }
  /// A saturating source may create parts again (its WIP fell below its limit): ask it.
  void supply_changed();

  /// Makes `source` create a part whenever a server is free and the buffer is empty (a
  /// `saturated: true` source). It must provide can_create() and create_part().
  void set_saturating_source(class Source* source) { saturating_ = source; }
  /// Whether the saturated source feeding it can still create parts: always at a plain station (a
  /// server frees, it takes one); at a gathering station, while its free servers' share of the
  /// buffer has room, or a server is busy, down or off shift (it frees later), or a group of its
  /// buffer can start. Else nothing will ever make room (stall detection).
  bool draws_more() const;

  /// Called once at time 0, after every model exists: starts failure clocks and feeds saturated
  /// sources.
  void start();
  /// Instead of start(), in a warm start (models/warm_start.hpp): `held[k]` is the part of server
  /// k (unused for a server without one), `batches[k]` the other parts of its batch in progress
  /// (a batch station); a finished part waits for resume_finished(). Defined in warm_start.cpp.
  void restore(const WarmStation& state, const std::vector<PartId>& held, const std::vector<std::vector<PartId>>& batches,
               const ResidualSampler& residual);
  /// Then, once every station's servers are in place: `waiting` join the buffer, in this order,
  /// and free servers take them.
  void restore_queue(const std::vector<PartId>& waiting);
  /// A warm start's servers that waited for an operator at `at` ask for one, after every
  /// station's activities in progress have taken theirs back.
  void restore_operator_waits();
  /// A warm start's finished part on `server` asks its next station for room.
  void resume_finished(std::uint32_t server) { move_on(server); }
  /// A warm start's part between two stations joins this one.
  void restore_entry(PartId part) { accept(part); }
  /// Discards statistics gathered so far (end of the warm-up).
  void reset_statistics();
  /// Measurements from the last reset to now.
  StationMeasures measures() const;

  void on_event(const kernel::Event& event) override;
  void prefetch(const kernel::Event& event) const override;
  const char* event_name(std::uint32_t kind) const override;
  PartId hand_over(std::uint64_t server) override;
  void calendar_changed(bool on) override;
  void operator_granted(std::uint64_t tag) override;

  // Waitable (models/stall.hpp): its servers by index, its room and its buffer. The buffer of a
  // batch or assembly station is one item per group of parts that start together (a batch's
  // product, a kit's order): GROUP | the buffer position of the group's oldest part.
  static constexpr std::uint32_t ROOM = 0xffffffffu;
  static constexpr std::uint32_t BUFFER = 0xfffffffeu;
  static constexpr std::uint32_t GROUP = 0x80000000u;
  WaitKind waits_for(std::uint32_t item, std::vector<WaitItem>& on) const override;
  bool may_hold(std::uint32_t item, const Wanted& wanted) const override;
  std::string describe_wait(std::uint32_t item) const override;
  void holders(std::vector<WaitItem>& out) const override;

 private:
  enum EventKind : std::uint32_t {
    END_SETUP,
    END_WORK,
    FAIL,
    REPAIR,
    GRANT,
    MAINTENANCE_DUE,
    MAINTENANCE_END,
    PICK,        // a free server picks from the buffer, at the end of the instant (gathering stations)
    BATCH_NEXT,  // the next part of a finished batch moves on
    FILL_DUE,    // the oldest part of a batch has waited `max_wait`
  };
  enum class Activity : std::uint8_t { NONE, SETUP, WORK };
  /// Why a server takes no new part (bits of Server::holds); DOWN, OFF and MAINT also show as its
  /// state, in that precedence.
  static constexpr std::uint8_t HOLD_DOWN = 1, HOLD_OFF = 2, HOLD_MAINT = 4, HOLD_DUE = 8;
  /// Maintenance with scope station is one unit: its events carry this instead of a server.
  static constexpr std::uint32_t STATION_UNIT = 0xffffffffu;

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
    std::uint8_t holds = 0;   // HOLD_* bits: why it takes no new part
    bool in_hand = false;     // holds a part whose work has not ended (from its start to end_work)
    bool overtime = false;    // finishing its part in hand after the end of on-time (`finish`)
    bool op_held = false;     // holds an operator for its setup or work
    bool op_waiting = false;  // asked a pool for one for its setup or work
    bool repair_waiting = false;  // down, its repair waiting for a technician
    PartId part = 0;
    // A batch station: the parts of its batch (`part` is the one moving on), and which that is.
    std::vector<PartId> batch;
    std::uint32_t batch_next = 0;
    EntryTarget* waiting_on = nullptr;  // while its finished part waits to move on: the target asked
    std::int64_t last_product = -1;
    // The activity in progress or interrupted.
    Activity activity = Activity::NONE;
    kernel::Tick activity_duration = 0;   // its full duration (restart)
    kernel::Tick activity_remaining = 0;  // what is left of it when it is not running
    kernel::Tick run_start = 0;           // when the current run of it began
    kernel::EventHandle activity_event;
    bool activity_told = false;  // the observer was told the activity started
    kernel::Tick ttf_remaining = 0;  // operating basis: working time left before the next failure
    kernel::Tick repair_left = 0;    // the repair's drawn duration, while it waits for a technician
    kernel::Tick repair_asked = 0;   // when it started waiting for one
    // Maintenance with scope server: working time since the last one (operating basis).
    kernel::Tick maint_worked = 0;
    kernel::Tick state_since = 0;
    std::array<kernel::Tick, SERVER_STATE_COUNT> state_ticks{};
    kernel::RngStream ttf_rng;
    kernel::RngStream ttr_rng;
  };

  static ServerState shown_state(const Server& s) {
    if (s.holds == 0) return s.state;
    if (s.holds & HOLD_DOWN) return ServerState::DOWN;
    if (s.holds & HOLD_OFF) return ServerState::OFF_SHIFT;
    if (s.holds & HOLD_MAINT) return ServerState::MAINTENANCE;
    return s.state;
  }
  /// Changes what the server does and why it holds, keeping the state times and the free count.
  void change(Server& s, ServerState next, std::uint8_t holds);
  /// The hot path: what the server does changes, not why it holds.
  [[gnu::always_inline]] void set_state(Server& s, ServerState next) {
    const kernel::Tick now = ctx_.kernel.now();
    s.state_ticks[static_cast<std::size_t>(shown_state(s))] += now - s.state_since;
    s.state_since = now;
    // A server is free when idle and not held: only a change to or from idle moves the count.
    if (s.holds == 0)
      free_servers_ += static_cast<std::size_t>(next == ServerState::IDLE) - static_cast<std::size_t>(s.state == ServerState::IDLE);
    s.state = next;
    if (ctx_.observer != nullptr) notify(s);
  }
  void set_hold(Server& s, std::uint8_t bit, bool on) {
    change(s, s.state, static_cast<std::uint8_t>(on ? s.holds | bit : s.holds & ~bit));
  }
  static bool is_free(const Server& s) { return s.state == ServerState::IDLE && s.holds == 0; }
  /// Whether its activity may run now: up, and on shift or in overtime.
  static bool can_run(const Server& s) { return (s.holds & (HOLD_DOWN | HOLD_OFF)) == 0; }
  /// The pool the activity in hand needs, or nullptr.
  OperatorPool* step_pool(const Server& s) const;
  static ServerState activity_state(const Server& s) {
    return s.activity == Activity::SETUP ? ServerState::SETUP : ServerState::WORKING;
  }

  void accept(PartId part);
  void dispatch();
  /// Inline: LTO otherwise decides per build whether dispatch() inlines it (an unrelated change
  /// moved M/M/1 by 0.9 % of its instructions).
  [[gnu::always_inline]] void start_part(std::uint32_t index, PartId part) {
    Server& s = servers_[index];
    s.part = part;
    s.in_hand = true;
    const Part& p = ctx_.parts[part];
    const std::int64_t previous = s.last_product;
    s.last_product = p.product;
    if (has_setups_ && previous >= 0) {
      if (const Distribution* setup = params_.setup_between(static_cast<ProductIndex>(previous), p.product)) {
        start_activity(index, Activity::SETUP, setup->sample_ticks(setup_rng_));
        return;
      }
    }
    begin_gates(index, GatePhase::BEFORE_WORK);
  }
  void start_activity(std::uint32_t index, Activity activity, kernel::Tick duration);
  /// Runs the activity in hand when nothing holds it: up, on shift, its operator held (asks for
  /// one when it needs one).
  void proceed(std::uint32_t index);
  void run_activity(std::uint32_t index);
  /// Stops the running activity, keeping what is left (and, operating basis, the failure clock);
  /// an activity that ends at this very instant is left to end. Gives back its operator.
  void suspend(std::uint32_t index);
  void release_operator(std::uint32_t index);
  /// A work run stopped after `ran`: counts it for operating-basis maintenance.
  void work_stopped(Server& s, kernel::Tick ran);
  /// After a part's work ends: overtime ends, a maintenance due starts.
  void after_work(std::uint32_t index);
  static std::uint64_t operator_tag(std::uint32_t index, OperatorTask task) {
    return (static_cast<std::uint64_t>(index) << 2) | static_cast<std::uint64_t>(task);
  }
  void end_setup(std::uint32_t index);
  /// Runs the gates of `phase` from the first; when all are passed (at once when there are none),
  /// goes on to work (before) or to the next hop (after).
  void begin_gates(std::uint32_t index, GatePhase phase);
  void pass_gates(std::uint32_t index);
  void start_work(std::uint32_t index);
  void end_work(std::uint32_t index);
  void move_on(std::uint32_t index);
  void fail(std::uint32_t index);
  void start_repair(std::uint32_t index);
  void repair(std::uint32_t index);
  // Maintenance (models/station.cpp, "maintenance").
  void schedule_first_maintenance();
  /// A warm start: each maintenance unit takes up its cycle where the state left it (warm_start.cpp).
  void restore_maintenance(const struct WarmStation& state, const class ResidualSampler& residual);
  /// A warm start's activity that waits for an operator: its server, and what it will run.
  struct WarmWait {
    std::uint32_t server;
    Activity activity;
    kernel::Tick left, duration;
  };
  std::vector<WarmWait> warm_waits_;
  void schedule_maintenance(std::uint32_t unit, kernel::Tick at);
  void maintenance_due(std::uint32_t unit);
  /// The server takes no new part and, once its work in hand has ended, stops for maintenance.
  void maintenance_ready(std::uint32_t index);
  void maintenance_end(std::uint32_t unit);
  struct MaintenanceUnit;
  MaintenanceUnit& unit(std::uint32_t u);
  /// Counts working time towards operating-basis maintenance (scope station: while any server works).
  void working_changed(int delta);
  void server_freed();
  void grant();
  /// No room, and every server waits for its part to move on: only then can a server that starts
  /// waiting close a loop of waits through this station (the cheap test before the stall check).
  bool all_servers_wait() const;
  bool wants_grant() const { return !requests_.empty() || saturating_ != nullptr; }

  void notify(const Server& s);
  /// Tells the observer (when there is one) of a step of server `index` with its part (or, for
  /// the steps of a batch, each of its parts).
  void tell(std::uint32_t index, PlantObserver::Step step);
  void tell(std::uint32_t index, PlantObserver::Step step, PartId part);

  // Gathering stations (models/station_pick.cpp): queue disciplines, batches, assembly.
  void request_pick();
  void pick();
  /// Starts the next work on free server `index` from the buffer; false when none can start.
  bool start_next(std::uint32_t index);
  /// The buffer position a free server `s` takes next by the discipline (kits complete), or
  /// queue_.size() when none.
  std::size_t choose(const Server& s) const;
  bool before(PartId a, PartId b, const Server& s) const;
  /// Batch stations: the parts of the batch that can start now (empty: none); arms the fill timer.
  std::vector<PartId> take_batch(const Server& s);
  /// The groups of buffered parts that may share a batch (one with `mixed`, else one per
  /// product), in the order of their oldest part.
  struct BatchGroup {
    ProductIndex product;
    std::int64_t count;
    kernel::Tick oldest;
  };
  std::vector<BatchGroup> batch_groups() const;
  /// Nothing in the buffer can ever start without more parts coming in: no batch is full or
  /// will start after its `max_wait`, no kit is complete (stall detection).
  bool needs_more_parts() const;
  void start_batch(std::uint32_t index, std::vector<PartId> parts);
  void end_batch(std::uint32_t index);
  /// The part that moved on from server `index` is gone: the next of its batch moves on, or the
  /// server is free.
  bool next_of_batch(std::uint32_t index);
  /// Assembly stations: takes the kit that `part` (a component in the buffer) completes out of the
  /// buffer and returns the assembled part.
  PartId assemble(std::size_t position);
  enum class Verdict : std::uint8_t { GOOD, REWORK, SCRAP };
  /// Draws whether `part` passed; counts rejects and rework (PLANNING.md §4).
  Verdict judge(PartId part);
  void queue_changed();

  // The buffer's groups at a batch or assembly station (stall detection, station_pick.cpp).
  bool groups_buffer() const { return params_.batch.has_value() || kits_ != nullptr; }
  /// A buffered part's group, as one number: parts of one key start together, as one batch (any
  /// two with `mixed`, else one product), one kit (one assembled product and order), or as parts
  /// that are no component (key 0). One key per part, not a comparison of every part with every
  /// group's head (each a lookup of both parts' kits).
  std::uint64_t group_key(const Part& p) const;
  /// A part entered (+1) or left (-1) the buffer of a batch or assembly station: its group's count
  /// and its kit's (nothing at another station).
  void buffered(const Part& p, std::int64_t delta);
  /// The parts of group `key` in the buffer.
  std::int64_t group_count(std::uint64_t key) const;
  struct GroupState {
    std::size_t head = 0;    ///< the buffer position of its oldest part
    std::int64_t count = 0;  ///< its parts in the buffer
    bool startable = false;  ///< it starts when a server is free (a full batch, a complete kit)
  };
  /// The buffer's groups, oldest head first: their counts are kept as parts come and go, and
  /// the walk that finds their heads stops at the last one (at the front, for one group).
  std::vector<GroupState> groups() const;
  /// Precondition: `head` is its group's oldest part (from groups(), at this instant).
  GroupState group_state(std::size_t head) const;
  /// Whether a group of `count` parts whose oldest is `first` starts when a server is free.
  bool startable(const Part& first, std::int64_t count) const;
  WaitKind group_waits(std::size_t head, std::vector<WaitItem>& on) const;
  /// What the group waits for, in a sentence (stall messages).
  std::string describe_group(std::size_t head) const;
  /// After a pick: fails the run when a group of its buffer can never start.
  void check_groups();

  const std::string id_;
  const StationParams& params_;  // the plant's (a copy was 592 bytes a station)
  PlantContext& ctx_;
  std::uint32_t number_;
  kernel::ModelId model_id_;
  std::size_t capacity_;
  bool has_setups_;
  /// Found once: failures on the operating basis (the time to failure runs down while working),
  /// and a yield below 1 (each pass is judged). Every work start and end tests them.
  bool operating_failures_ = false;
  bool judges_ = false;

  std::vector<Server> servers_;
  std::size_t free_servers_ = 0;
  PartQueue queue_;
  struct Request {
    EntryRequester* requester = nullptr;
    std::uint64_t tag = 0;
    bool held = false;  // its server is off shift: skipped until on-time
  };
  RingQueue<Request> requests_;  // in the order the requests were made
  std::size_t held_requests_ = 0;
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
  kernel::Tally repair_wait_;
  std::uint64_t rejected_ = 0, reworked_ = 0, consumed_ = 0;

  // Material flow (PLANNING.md §4–5); unused by a plain first-come first-served station.
  /// Free servers pick at the end of the instant (a discipline, batches, kits), each holding the
  /// places of `gather_` parts; 0: a part starts on a free server as it enters.
  std::size_t gather_ = 0;
  bool pick_pending_ = false;
  kernel::Tally batch_size_, fill_wait_;
  kernel::EventHandle fill_timer_;
  kernel::Tick fill_due_ = 0;
  std::unique_ptr<class Kits> kits_;  // models/assembly.hpp; null unless parts are assembled here
  /// Batch and assembly stations: (group key, parts in the buffer) of each group there is, in the
  /// order first seen (a buffer holds few groups; a long one holds many parts of one).
  std::vector<std::pair<std::uint64_t, std::int64_t>> group_counts_;
  kernel::TimeAverage kits_waiting_;

  // The planner's vocabulary; all unused (null, empty) for a station without it.
  Calendar* calendar_ = nullptr;
  std::array<OperatorPool*, OPERATOR_TASK_COUNT> pools_{};
  bool has_pools_ = false;
  /// Calendar, maintenance or operators: the slower paths that keep their clocks run.
  bool has_planning_ = false;
  /// Maintenance with scope station on the operating basis: working time is counted as it goes.
  bool counts_station_work_ = false;
  /// `interrupted: restart` with a bounded time to failure: the longest a server works (basis
  /// operating) or stays up (basis calendar) between failures. An activity that a failure can
  /// interrupt and that is longer than that starts over after every failure and never ends.
  /// Unbounded (never) for a station with a calendar on the calendar basis: a failure off shift
  /// leaves its paused work as it is, so a work can end across shift ends.
  kernel::Tick restart_limit_ = std::numeric_limits<kernel::Tick>::max();
  bool restart_setups_ = false;  // the calendar basis: a failure interrupts setups too
  bool restarts_for_ever(const Server& s) const {
    return s.activity_duration > restart_limit_ && (s.activity == Activity::WORK || (s.activity == Activity::SETUP && restart_setups_));
  }
  struct MaintenanceUnit {
    bool due = false;
    bool running = false;
    kernel::Tick worked = 0;  // scope station, operating basis: time any server worked
    kernel::Tick since = 0;   // ... counted up to here
    int working = 0;          // servers working now
    kernel::EventHandle event;
  };
  MaintenanceUnit station_unit_;             // scope station
  std::vector<MaintenanceUnit> server_units_;  // scope server, one per server
  kernel::RngStream maintenance_rng_;
};

}  // namespace plantwin::models
