#pragma once
/// The plant's state at an instant (docs/twin.md, "State and warm start"; TWIN.md §4):
/// `plantwin state LOG --scenario S.yaml --at T` replays a log up to T (every row at or before
/// T) and writes where every part is and what every server does, as YAML; `plantwin run S.yaml
/// --from STATE.yaml` reads it back into a models::WarmStart for every replication to start
/// from, and the forecast of the run's window is added to its result document.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/transport_params.hpp"
#include "models/warm_start.hpp"
#include "run/json.hpp"
#include "scenario/diagnostics.hpp"
#include "scenario/spec.hpp"
#include "twin/log_reader.hpp"
#include "twin/replay.hpp"

namespace plantwin::twin {

/// The residual lives of families.hpp, for models::WarmStart.
class FamilyResidual final : public models::ResidualSampler {
 public:
  kernel::Tick residual(const kernel::Distribution& d, kernel::Tick done, kernel::RngStream& rng) const override;
};

/// The scenario's vehicles replayed from a log's `vehicle_state` and `depart` rows: when each last
/// became free, and its battery as its fleet draws it (models/fleet.cpp): full at time 0; `idle`
/// watts while its state is neither travelling nor charging, `per_metre` times a segment's length
/// at its `depart`, and `charge_to` of the capacity when it leaves `charging`.
class VehicleReplay {
 public:
  explicit VehicleReplay(const scenario::ScenarioSpec& spec);
  void apply(const LogEvent& e);
  /// The vehicles of every fleet ("agv[0]"), fleet by fleet.
  const std::vector<std::string>& vehicles() const { return names_; }
  /// Vehicle `id`'s level in Wh at `t` (at or after the last row applied), at least 0; none without
  /// a battery, or when the log has no vehicle rows (an MES export without `carrier` and `state`
  /// cannot tell standing from charging) and none of its `vehicle_state` rows came yet.
  std::optional<double> level(std::string_view id, kernel::Tick t) const;
  /// When vehicle `id` last became free (its last delivery or charge ended; 0: never), as far as
  /// its `vehicle_state` rows show; none when the log has none of it.
  std::optional<kernel::Tick> free_since(std::string_view id) const;
  /// Orders vehicles as they became free: by free_since, then by the rows' order (a tie at one
  /// instant); vehicles without free_since last.
  bool freed_before(std::string_view a, std::string_view b) const;
  /// The log has the columns of vehicle rows: a vehicle without rows stood idle since time 0.
  void rows_shown() { states_seen_ = true; }

 private:
  struct Vehicle {
    const models::BatteryParams* params = nullptr;  ///< none: no battery
    double level = 0;
    kernel::Tick since = 0;
    bool standing = true, charging = false;
    std::string state;                     ///< its last `vehicle_state` (idle before its first)
    kernel::Tick free_since = 0;           ///< see free_since()
    std::uint64_t free_rank = 0;           ///< the order vehicles became free in (0: from the start)
    void settle(kernel::Tick t);
  };
  std::shared_ptr<const models::TransportParams> transport_;
  std::vector<std::string> names_;
  std::vector<Vehicle> tracks_;
  std::map<std::string, std::size_t, std::less<>> index_;
  /// Segment lengths by their end nodes' ids, both ways (the shortest of parallel segments).
  std::map<std::pair<std::string, std::string>, double> length_;
  bool states_seen_ = false;
  std::uint64_t free_count_ = 0;
};

/// The plant's state followed row by row: a LogReplay and what a state file needs besides it (the
/// releases of each source). `plantwin state` and the live twin (`plantwin twin`) both keep one,
/// so they write the same state from the same rows.
class StateTracker {
 public:
  explicit StateTracker(const scenario::ScenarioSpec& spec);
  StateTracker(const StateTracker&) = delete;
  StateTracker& operator=(const StateTracker&) = delete;
  /// Applies one row (rows in time order); `order_ids` are the reader's orders (LogEvent::order
  /// indexes them).
  void apply(const LogEvent& e, const std::vector<std::string>& order_ids);
  const LogReplay& replay() const { return replay_; }
  const LogCatalog& catalog() const { return catalog_; }
  const VehicleReplay& vehicles() const { return vehicles_; }
  /// The log (LogReader::has_vehicle_columns) shows vehicles' rows: see VehicleReplay::rows_shown.
  void vehicle_rows_shown() { vehicles_.rows_shown(); }
  /// The state file at `t` (at or after the last row applied) as YAML: `source` is the log (or
  /// topic) it came from, `order_ids` the reader's orders (LogEvent::order indexes them), `time0`
  /// places an ISO `time`.
  std::string yaml(kernel::Tick t, const std::string& source, const std::vector<std::string>& order_ids,
                   const std::optional<Epoch>& time0) const;

 private:
  const scenario::ScenarioSpec& spec_;
  LogCatalog catalog_;
  LogReplay replay_;
  VehicleReplay vehicles_;
  std::vector<std::int32_t> source_of_;
  std::vector<std::uint64_t> source_released_;
  std::vector<std::optional<kernel::Tick>> source_last_;
  /// The scenario's orders by id: product index and quantity; and the log's orders looked up.
  std::map<std::string, std::pair<std::int32_t, std::int64_t>, std::less<>> planned_;
  std::vector<bool> order_seen_;
};

/// ISO 8601 of `t` after time 0, in time 0's offset ("2026-03-02T10:00:00+08:00").
std::string iso_time(const Epoch& time0, kernel::Tick t);

struct StateOptions {
  std::optional<Epoch> epoch;
};

struct StateResult {
  bool ok = false;
  std::vector<LogDiagnostic> diagnostics;
  std::string yaml;       ///< the state file
  kernel::Tick at = 0;
  std::size_t parts = 0;  ///< in the plant at T
};

/// The state at `at` (seconds after time 0, a duration like "10h", or ISO 8601, placed by the
/// log's time 0) from the log at `log_path`.
StateResult plant_state(const std::string& log_path, const scenario::ScenarioSpec& spec, const std::string& at,
                        const StateOptions& options);

/// A state file read against the scenario it will run: ready for SessionOptions::warm_start.
struct LoadedState {
  std::shared_ptr<const models::WarmStart> warm;  ///< null after errors
  scenario::Diagnostics diagnostics;              ///< FILE:LINE:COLUMN: error: PATH: message
  std::string file;
};
LoadedState load_state(const std::string& path, const scenario::ScenarioSpec& spec);
/// The same for a text already read (`file` names it in diagnostics).
LoadedState load_state_text(const std::string& text, const std::string& file, const scenario::ScenarioSpec& spec);

/// Adds the forecast of a run from a state to its result document (after `kpis`): the window,
/// throughput, every order open at the state's time with its probability to be on time and when
/// it is done, and the bottleneck.
void add_forecast(run::Json& doc, const models::WarmStart& state, const std::string& state_file);

}  // namespace plantwin::twin
