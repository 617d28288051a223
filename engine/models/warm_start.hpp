#pragma once
/// A warm start (docs/twin.md, "Warm start"; TWIN.md §4): a replication that begins at time `at`
/// from the plant's state there, as a log showed it, instead of from an empty plant at time 0.
///
/// At `at`, in this order: every part in the plant is created (its lead time counts from its
/// release in the log); the parts waiting in stations' buffers join them in their order; each
/// server takes up what it was doing (a batch station's server, its whole batch): a setup or work
/// in progress goes on for its remaining time,
/// a repair likewise, drawn from the distribution conditioned on the time already spent
/// (ResidualSampler); a finished part asks its next station (or vehicle) for room, the servers in
/// the order their work ended; parts between two stations join their next station; released
/// parts not yet at their first station wait at their source. Failure clocks run on from the
/// time (or working time) since each server's last repair. Orders the log released are not
/// released again (WarmStart::adjust), those the plan released before `at` that the log did not
/// are released at `at`, the rest at their times; an interarrival source's next part comes after
/// the residual of its interarrival time since its last release.
///
/// What is not restored: activities of vehicles, conveyors and robot arms, and messages over the
/// network, in progress at `at` (vehicles start parked where they were last seen; a part on one
/// joins its next station at `at`; a part waiting at a gate waits where the log last placed it),
/// calendars' and planned maintenance's position in their cycles before `at` (they go on from `at`).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kernel/distribution.hpp"
#include "kernel/rng.hpp"
#include "kernel/time.hpp"
#include "models/part.hpp"
#include "topology/path_network.hpp"

namespace plantwin::models {

struct PlantParams;
struct OrderParams;

/// Draws the remaining time of an activity that has run for `done` (twin/families.hpp).
class ResidualSampler {
 public:
  virtual kernel::Tick residual(const kernel::Distribution& d, kernel::Tick done, kernel::RngStream& rng) const = 0;

 protected:
  ~ResidualSampler() = default;
};

struct WarmPart {
  ProductIndex product = 0;
  std::int32_t order = NO_ORDER;  ///< index in PlantParams::orders (after adjust())
  kernel::Tick released = 0;
  std::uint32_t step = 0;         ///< its route step (the station it is at or enters next)
  std::uint32_t attempts = 0;     ///< failed passes at its step with `rejects: max_attempts` (Part::attempts)
  /// A waiting part: when it entered the station (a batch's `max_wait` counts from its oldest part).
  std::optional<kernel::Tick> entered;
  std::string name;  ///< its id in the state: a run from the state logs it under that id
};

struct WarmServer {
  enum class Activity : std::uint8_t { NONE, SETUP, WORK, FINISHED };
  Activity activity = Activity::NONE;
  WarmPart part;                    ///< when it holds one (activity != NONE)
  std::vector<WarmPart> batch;      ///< a batch station: the batch's other parts, moving on after `part`
  kernel::Tick done = 0;            ///< setup or work time done so far (net of pauses)
  kernel::Tick finished_at = 0;     ///< FINISHED: when its work ended
  std::int64_t setup_from = -1;     ///< SETUP: the product before (its changeover's distribution)
  std::int64_t last_product = -1;   ///< the last part's product (for the next part's setup)
  bool down = false;
  bool waits_operator = false;      ///< its setup or work waited for an operator at `at`
  kernel::Tick repair_done = 0;     ///< down: time since the failure
  kernel::Tick ttf_done = 0;        ///< up: time since its last repair (calendar) or working time (operating)
  /// Planned maintenance: in it since (absolute time), the end of its last one, and its working
  /// time since then (or since time 0); unknown when the log has no state rows.
  std::optional<kernel::Tick> maintenance_since, last_maintenance, working_since_maintenance;
};

struct WarmStation {
  std::vector<WarmPart> waiting;  ///< in the buffer, in queue order
  std::vector<WarmServer> servers;
};

struct WarmSource {
  std::optional<kernel::Tick> last_release;  ///< interarrival: the time of its last part
  std::uint64_t created = 0;                 ///< parts it created before `at` (for its limit)
  std::vector<WarmPart> waiting;             ///< released, not yet at their first station
};

struct WarmOrder {
  bool released = false;    ///< the log released it
  /// Its parts the log released and scrapped, by product index (the state's `released_parts` and
  /// `scrapped_parts`): what a source with `wip_limit` still held back of it. Empty: all of it.
  std::vector<std::int64_t> released_parts, scrapped_parts;
  /// Its parts that left good and those consumed by an assembly, by product index (`exited_parts`,
  /// `consumed_parts`): with `scrapped_parts`, the units of its own product that left (an assembled
  /// order's components do not count). Empty: `left` says it.
  std::vector<std::int64_t> exited_parts, consumed_parts;
  std::int64_t left = 0;    ///< its parts that left the plant (good or scrapped; components too)
  kernel::Tick done = -1;   ///< when its last part left, if it is done
};

/// A vehicle of a fleet as the state saw it at `at`: it starts parked where it was (on a segment:
/// at its end), or at home when the state does not say.
struct WarmVehicle {
  std::size_t fleet = 0, vehicle = 0;  ///< indices in TransportParams::fleets and in the fleet
  std::optional<topology::NodeIndex> node;
  kernel::Tick since = 0;              ///< when it was last seen (vehicles are available in that order)
  std::optional<double> battery_wh;    ///< none: full
};

struct WarmStart {
  kernel::Tick at = 0;
  std::vector<WarmStation> stations;  ///< one per PlantParams station
  std::vector<WarmSource> sources;    ///< one per PlantParams source
  std::vector<WarmPart> in_transit;   ///< between stations: they join their next station at `at`
  std::vector<WarmVehicle> vehicles;  ///< those the state gives; the others start at home, full
  std::vector<WarmOrder> orders;      ///< one per PlantParams order (after adjust())
  /// Orders the log released that the plan does not have: adjust() appends them.
  std::vector<OrderParams> extra_orders;
  const ResidualSampler* residual = nullptr;
  /// The largest part number of the log the state came from (`last_part`; 0: unknown): parts
  /// released after `at` are numbered after it and after every numeric part id of the state.
  std::uint64_t last_part = 0;

  /// The plant of a run from this state: the extra orders appended; the orders sources release
  /// only what the log had not released (the rest of an order released in part, under
  /// `wip_limit`), and nothing before `at`.
  void adjust(PlantParams& params) const;
};

}  // namespace plantwin::models
