#pragma once
/// The live twin's intake and forecast (docs/twin.md, "The live twin"; TWIN.md §5), without the
/// broker: event messages (one JSON object each, the event log's columns, times as in the log)
/// applied to the plant's state as they come, and the forecast of a state as the JSON the twin
/// publishes. `plantwin twin` (live/) feeds it from MQTT; the tests and the benchmark feed it
/// directly.
///
/// Memory stays flat however long the plant runs: the state forgets a part when it leaves (the
/// replay), diagnostics are drained by the caller, duplicates are recognised among the last
/// DUPLICATE_WINDOW messages only.

#include <atomic>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "kernel/time.hpp"
#include "run/json.hpp"
#include "scenario/spec.hpp"
#include "twin/log_reader.hpp"
#include "twin/state.hpp"

namespace plantwin::twin {

/// What became of one message.
enum class IntakeOutcome : std::uint8_t {
  APPLIED,       ///< a row of the log, applied to the state
  DUPLICATE,     ///< the same bytes as one of the last DUPLICATE_WINDOW messages (a QoS 1 redelivery): skipped
  OUT_OF_ORDER,  ///< earlier than the last row applied: skipped
  MALFORMED,     ///< not a JSON object, or a row with an error (an unknown station, a bad time): skipped
  IGNORED,       ///< an unknown event or server state: skipped (reported once per name)
};

struct IntakeCounts {
  std::uint64_t received = 0, applied = 0, duplicates = 0, out_of_order = 0, malformed = 0, ignored = 0;
  /// {"received", "applied", "duplicates", "out_of_order", "malformed", "ignored"}
  run::Json to_json() const;
  /// "12 message(s), 10 applied, 0 duplicate(s), 1 out of order, 1 malformed, 0 ignored"
  std::string text() const;
};

class LiveIntake {
 public:
  static constexpr std::size_t DUPLICATE_WINDOW = 4096;

  /// `source` names the messages in diagnostics (the topic); `epoch` places ISO times (else the
  /// scenario's, else midnight of the first message's day).
  LiveIntake(const scenario::ScenarioSpec& spec, std::string source, std::optional<Epoch> epoch);

  /// Reads one message and, when it is a row in order, applies it.
  IntakeOutcome apply(std::string_view payload);
  /// Reads one message without applying it: `pending()` is its row until the next call. For a
  /// caller that acts between the rows before and after a time (the forecast every 5 min).
  IntakeOutcome read(std::string_view payload);
  const LogEvent& pending() const { return event_; }
  void apply_pending();

  /// The time of the last row applied (0 before any).
  kernel::Tick plant_time() const { return plant_time_; }
  const IntakeCounts& counts() const { return counts_; }
  std::uint64_t parts_in_plant() const { return tracker_.replay().parts().size(); }
  /// Time 0 as an instant, when the messages have ISO times (or an epoch is known).
  std::optional<Epoch> time0() const { return reader_.time0() ? reader_.time0() : epoch_; }
  /// The state file at `t` (>= plant_time()).
  std::string state_yaml(kernel::Tick t) const;
  /// Errors and warnings since the last call, each once.
  std::vector<LogDiagnostic> take_diagnostics();

 private:
  const scenario::ScenarioSpec& spec_;
  std::string source_;
  std::optional<Epoch> epoch_;
  StateTracker tracker_;
  LogReader reader_;
  LogEvent event_;
  std::vector<std::string> values_;
  std::vector<std::pair<std::string_view, std::string_view>> fields_;
  std::vector<LogDiagnostic> diagnostics_;
  std::deque<std::size_t> recent_;
  std::unordered_multiset<std::size_t> recent_set_;
  std::size_t pending_hash_ = 0;
  kernel::Tick plant_time_ = 0;
  IntakeCounts counts_;
};

/// What a forecast is asked for.
struct ForecastRequest {
  std::string state_yaml;        ///< LiveIntake::state_yaml(plant_time)
  kernel::Tick plant_time = 0;   ///< the state's time
  kernel::Tick until = 0;        ///< the end of the window (> plant_time)
  int replications = 20;
  std::uint64_t seed = 1;
  int jobs = 0;
  std::string trigger;           ///< "every", "request"
  run::Json request_id;          ///< a request's `id`, echoed (null: none)
  double requested_wall_s = 0;   ///< Unix time (s) the forecast was asked for
};

/// The end of the window of a forecast at `plant_time`: `plant_time + look_ahead` when given, else
/// the end of the scenario's run (warm-up + horizon after time 0), and past that the end of the
/// horizon-long period that holds plant_time (the shift).
kernel::Tick forecast_until(const scenario::ScenarioSpec& spec, kernel::Tick plant_time, std::optional<kernel::Tick> look_ahead);

/// Runs the forecast (R replications from the state) and returns the document the twin
/// publishes (TWIN.md §5; docs/twin.md lists its keys), without `made_at_s` and what only the
/// publisher knows. Throws std::runtime_error when the state does not load or the run fails.
run::Json compute_forecast(const scenario::ScenarioSpec& spec, const ForecastRequest& request, const std::atomic<bool>* interrupt);

}  // namespace plantwin::twin
