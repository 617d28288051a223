#pragma once
/// A log replayed row by row (docs/twin.md): where every part in the plant is, what every server
/// does, and what each row measures (a process time net of its pauses, a setup, a time between
/// failures, a repair, a lead time). `plantwin fit`, `validate-log` and `state` all read a log
/// through it, so they agree on what the log says.
///
/// Memory grows with the parts in the plant at once (WIP), not with the log's length: a part is
/// forgotten when it leaves.
///
/// A server's state comes from plantwin's `state` rows when the log has them (exact), and is
/// otherwise derived from the format's events: down from `down` to `up` (over everything else),
/// setup from `setup_start` to `setup_end`, working from `start` to `end`, blocked from `end` to
/// `leave`, idle otherwise. Activity times are net of pauses: the time in `working` (or `setup`)
/// between the activity's first and last row, by the state rows when the server has them, else
/// the time between them outside `down`–`up`. At a station whose failures restart the
/// interrupted activity, the time before the last repair is not counted.
///
/// At a batch station, the parts a server starts at the instant it starts its first are its batch:
/// it holds them all, their `end` rows at one instant end one activity (one observation), and it
/// is free when the last has left.
///
/// A log that does not follow a part's path (a `start` of a part on another server's hands, an
/// `end` of a part never started, a part that appears without `release`) is replayed as far as
/// it makes sense: the part is placed where the row says, and the anomaly is counted
/// (anomalies()).

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "kernel/time.hpp"
#include "models/server_state.hpp"
#include "scenario/spec.hpp"
#include "twin/log_reader.hpp"

namespace plantwin::twin {

/// Where a part is.
enum class Place : std::uint8_t {
  SOURCE,   ///< released, not yet at its first station
  BUFFER,   ///< in a station's buffer (entered, not on a server)
  SERVER,   ///< on a server (setup, work, or finished and waiting to move on)
  TRANSIT,  ///< between two stations (it left one: on a vehicle, a conveyor, or about to enter)
};

struct PartTrack {
  std::int32_t product = -1;
  std::int32_t order = -1;
  kernel::Tick released = 0;   ///< its `release`, or the first row that named it
  bool released_seen = false;  ///< its `release` row was in the log
  Place place = Place::SOURCE;
  std::int32_t station = -1, server = -1;
  kernel::Tick entered = 0;    ///< when it joined its station
  std::uint64_t sequence = 0;  ///< entries in log order (its place in a buffer's queue)
  std::uint32_t enters = 0;    ///< stations entered so far (its route step is enters - 1)
  std::int32_t left_from = -1; ///< the station it last left
  /// Failed passes at the station it was last tested at with `rejects: {then: back, max_attempts}`
  /// (ReplayRules::rework_first); 0 after a good pass there.
  std::uint32_t attempts = 0;
  std::string carrier;         ///< TRANSIT on a vehicle or conveyor
};

/// The time a quantity is "on", accumulated: at(t) is its total up to t; with a calendar, only
/// the calendar's on-time counts (work that pauses off shift).
struct Accumulator {
  kernel::Tick total = 0, since = 0;
  bool on = false;
  std::shared_ptr<const models::CalendarParams> calendar;
  kernel::Tick at(kernel::Tick t) const {
    if (!on) return total;
    return total + (calendar ? calendar->on_time(since, t) : t - since);
  }
  void set(kernel::Tick t, bool value) {
    total = at(t);
    since = t;
    on = value;
  }
};

struct ServerTrack {
  enum class Activity : std::uint8_t { NONE, SETUP, WORK, FINISHED };
  Activity activity = Activity::NONE;
  bool down = false;
  std::string part;  ///< the part on it; empty: none
  /// A batch station: the other parts of the batch on it, started at the same instant as `part`
  /// (which is the batch's first); `part` moves on first, then these in order.
  std::vector<std::string> batch;
  bool holds(std::string_view id) const {
    return part == id || std::find(batch.begin(), batch.end(), id) != batch.end();
  }
  std::int32_t product = -1;       ///< the part's product
  std::int32_t last_product = -1;  ///< the product of the last part it took (for setups)
  std::int32_t setup_from = -1;    ///< the setup in progress: from this product
  kernel::Tick activity_start = 0; ///< its first row (setup_start, start)
  kernel::Tick finished_at = 0;    ///< FINISHED: when its work ended
  kernel::Tick down_since = 0;
  std::optional<kernel::Tick> last_up;  ///< the end of its last repair
  // Derived (d) and explicit (x, from state rows) accumulators of working and setup time.
  Accumulator work_d, setup_d, work_x, setup_x;
  kernel::Tick work_mark_d = 0, work_mark_x = 0;  ///< at the activity's start (or last repair, restart)
  kernel::Tick work_at_up_d = 0, work_at_up_x = 0;  ///< working time at the last repair's end
  bool explicit_known = false;  ///< the log has state rows for it
  /// Planned maintenance, from its state rows: in maintenance since, the end of its last one and
  /// its working time then.
  std::optional<kernel::Tick> maint_since, maint_end;
  kernel::Tick work_at_maint_end = 0;
  models::ServerState derived = models::ServerState::IDLE, explicit_state = models::ServerState::IDLE;
  kernel::Tick derived_since = 0, explicit_since = 0;
  /// The working time so far, by the state rows when it has them.
  kernel::Tick worked(kernel::Tick t) const { return explicit_known ? work_x.at(t) : work_d.at(t); }
  kernel::Tick setup_time(kernel::Tick t) const { return explicit_known ? setup_x.at(t) : setup_d.at(t); }
  /// The time done at t of the activity in progress (net of pauses).
  kernel::Tick activity_done(kernel::Tick t) const {
    const bool setup = activity == Activity::SETUP;
    return explicit_known ? (setup ? setup_x.at(t) : work_x.at(t)) - work_mark_x : (setup ? setup_d.at(t) : work_d.at(t)) - work_mark_d;
  }
  /// Working time since the last repair's end (since time 0 when none).
  kernel::Tick worked_since_up(kernel::Tick t) const { return worked(t) - (explicit_known ? work_at_up_x : work_at_up_d); }
};

/// What one row measured (every field empty when it measured nothing).
struct Observation {
  std::optional<kernel::Tick> work;     ///< END: net working time of the part
  std::optional<kernel::Tick> setup;    ///< SETUP_END: net setup time
  std::int32_t setup_from = -1;         ///< ... from this product (to: the event's product)
  std::optional<kernel::Tick> repair;   ///< UP: down time
  /// DOWN: time up since the last repair (calendar) and working time in it (operating); not for
  /// a server's first failure in the log (the time before it is not all in the log).
  std::optional<kernel::Tick> up_calendar, up_operating;
  std::optional<kernel::Tick> lead;     ///< EXIT: lead time (release to exit)
  std::int32_t product = -1;            ///< the part's product (END, SETUP_END, EXIT, SCRAP)
};

/// An order as the log shows it.
struct OrderTrack {
  std::int32_t product = -1;
  std::int64_t released = 0;  ///< parts released
  std::int64_t left = 0;      ///< parts that left (good or scrapped)
  kernel::Tick first_release = 0, last_left = -1;
  /// By product (index): parts released, scrapped (a scrapped component is released again), gone
  /// out good and consumed by an assembly: what a source with `wip_limit` still holds back of the
  /// order, and how many of its own product have left (an order of a component is done when its
  /// units are consumed; an assembled order's components count for nothing).
  std::vector<std::int64_t> released_by_product, scrapped_by_product, exited_by_product, consumed_by_product;
  /// The plan's product and quantity (LogReplay::plan_order; none: -1), its units of that product
  /// gone so far (exited, scrapped or consumed) and when they reached the quantity (-1: not yet):
  /// the order is done then, as the simulator counts it (a scrapped component's replacement goes
  /// later).
  std::int32_t plan_product = -1;
  std::int64_t plan_quantity = 0, plan_gone = 0;
  kernel::Tick plan_done = -1;
};

/// Statistics over a window [begin, end) of the log (validate-log).
struct WindowStats {
  std::vector<std::array<kernel::Tick, models::SERVER_STATE_COUNT>> states_derived, states_explicit;  ///< per station, summed over servers
  std::vector<std::uint64_t> exits;               ///< per product, good parts that left in the window
  std::vector<std::vector<double>> lead_times_s;  ///< per product, when kept (LogReplay::keep_lead_times)
  std::vector<std::uint64_t> scrapped;            ///< per station
  double wip_area = 0;                            ///< part-ticks
};

/// For each product, the source that makes its parts of no order: the one interarrival or
/// saturated source whose mix has it; -1 when none or several do.
std::vector<std::int32_t> sources_of_products(const scenario::ScenarioSpec& spec);

class LogReplay {
 public:
  /// `rules`: what the stations do that the log does not say (restarts after a repair, calendars;
  /// none given: no restarts, always on). Window statistics cover [window_begin, window_end).
  LogReplay(const LogCatalog& catalog, ReplayRules rules, kernel::Tick window_begin = 0,
            kernel::Tick window_end = kernel::MAX_RUN_TICKS);

  /// Keeps every lead time of the window (WindowStats::lead_times_s): memory that grows with the
  /// parts that leave, which validate-log needs and nothing else does.
  void keep_lead_times() { keep_leads_ = true; }
  /// Applies one row (rows in time order) and returns what it measured.
  const Observation& apply(const LogEvent& e);
  /// Closes the window statistics at `end` (>= the last row's time).
  void finish(kernel::Tick end);

  const std::unordered_map<std::string, PartTrack>& parts() const { return parts_; }
  const std::vector<std::vector<ServerTrack>>& servers() const { return servers_; }
  const std::vector<OrderTrack>& orders() const { return orders_; }  ///< by LogEvent::order
  /// What server `s` of `station` shows at `t` (>= its last row): its state row's state when the
  /// log has them, else the derived one, `off_shift` where its time is counted so.
  models::ServerState shown_at(std::int32_t station, const ServerTrack& s, kernel::Tick t) const;
  /// Order `order` (a LogEvent::order) is the plan's, of `quantity` units of `product`: its
  /// OrderTrack::plan_done is kept (before its first row).
  void plan_order(std::int32_t order, std::int32_t product, std::int64_t quantity);
  const WindowStats& window() const { return window_; }
  /// Parts released and parts that left (good or scrapped) so far. A part the log shows first in
  /// another row than `release` (a log that begins after its release) counts as released then.
  std::uint64_t released() const { return released_; }
  /// The largest part id that is a number (as plantwin's logs number parts), 0 when none is.
  std::uint64_t last_number() const { return last_number_; }
  std::uint64_t left() const { return left_; }
  /// Where each vehicle or conveyor was last seen: its node (arrive) or segment (depart).
  struct CarrierTrack {
    std::string from, to;  ///< to only: at a node; from and to: on its way
    kernel::Tick since = 0;
    bool loaded = false;
  };
  const std::vector<std::pair<std::string, CarrierTrack>>& carriers() const { return carriers_; }
  /// Rows that did not follow a part's or a server's path, with the first one's line and what it was.
  std::uint64_t anomalies() const { return anomalies_; }
  const std::string& first_anomaly() const { return first_anomaly_; }

 private:
  PartTrack& part(const LogEvent& e);
  /// The server of a row: the one it names, else the one holding the part, else (a part taking
  /// a server) the first free one.
  std::int32_t server_of(const LogEvent& e, bool taking);
  void anomaly(const LogEvent& e, const std::string& what);
  /// Part `id` has left its server at `station` and is on its way (its track: in transit).
  void moved_on(const std::string& id, std::int32_t station);
  /// Counts a part released (by a `release` row, or first seen in another row) in the plant's
  /// and its order's releases.
  void count_release(const LogEvent& e);
  /// A part that appears in the plant (`release`, `assemble`), released at `released`.
  PartTrack& new_part(const LogEvent& e, kernel::Tick released);
  /// A part leaves the plant: good, scrapped, or `consumed` by an assembly (its order counts it as
  /// left, the plant's left() does not).
  void remove(const std::string& id, kernel::Tick t, bool consumed = false);
  /// Keeps last_number() up to date with a new part's id.
  void note_number(std::string_view id);
  void derive(std::int32_t station, ServerTrack& s, kernel::Tick t);
  void set_explicit(std::int32_t station, ServerTrack& s, models::ServerState state, kernel::Tick t);
  void add_state_ticks(std::array<kernel::Tick, models::SERVER_STATE_COUNT>& ticks, models::ServerState state,
                       kernel::Tick from, kernel::Tick to) const;
  /// The derived state's ticks in [from, to): off its station's calendar's on-time they are
  /// `off_shift` (as the engine shows them), except down time and work finished in overtime.
  void add_derived_ticks(std::int32_t station, models::ServerState state, kernel::Tick from, kernel::Tick to);
  /// Whether a derived `state` of `station`'s servers counts as `off_shift` off its calendar's
  /// on-time: not down time, nor work and setups finished in overtime.
  bool pauses_off_shift(std::int32_t station, models::ServerState state) const;
  void set_wip(kernel::Tick t, std::int64_t delta);
  void clear_server(std::int32_t station, ServerTrack& s, kernel::Tick t);
  /// Part `id` (tracked by `p`) is off the server its track has it on, if any, and has left that
  /// server's station (`left_from`, for its rework attempts).
  void unseat(PartTrack& p, const std::string& id, kernel::Tick t);
  /// `id` is no longer on `s`: a batch's next part becomes the one it holds first, and the server
  /// is clear when none is left.
  void let_go(std::int32_t station, ServerTrack& s, const std::string& id, kernel::Tick t);

  const LogCatalog& catalog_;
  ReplayRules rules_;
  kernel::Tick begin_, end_;
  std::unordered_map<std::string, PartTrack> parts_;
  std::vector<std::vector<ServerTrack>> servers_;
  /// Per station: no server below it is free (a log without servers seats a part on the first).
  std::vector<std::size_t> free_from_;
  /// Per batch station: the server whose batch started last (-1: none), which a part starting then
  /// without a server in its row joins (server_of).
  std::vector<std::int32_t> open_batch_;
  std::vector<OrderTrack> orders_;
  std::vector<std::pair<std::string, CarrierTrack>> carriers_;
  WindowStats window_;
  Observation obs_;
  std::uint64_t sequence_ = 0, released_ = 0, left_ = 0, anomalies_ = 0, last_number_ = 0;
  /// The earliest release among the components consumed since the last `assemble` (its part's).
  std::optional<kernel::Tick> consumed_release_;
  std::string first_anomaly_;
  std::int64_t wip_ = 0;
  bool keep_leads_ = false;
  kernel::Tick wip_since_ = 0;
};

}  // namespace plantwin::twin
