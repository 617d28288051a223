#pragma once
/// The live twin and its replayer over MQTT (docs/twin.md, "The live twin"; TWIN.md §5).
///
/// `run_live_twin` subscribes to `plantwin/<plant>/events` and `.../forecast/request`, applies
/// every event to the plant's state as it comes (twin::LiveIntake), and publishes forecasts to
/// `plantwin/<plant>/forecast`: every `every` of plant time (the state after the last row at or
/// before each multiple of `every` after time 0) and on each request (the state now). The process
/// has one thread; a forecast runs in a child process fork()ed from it with the state's text
/// (run::BackgroundChild), so intake never waits for a forecast, and the forecast's own
/// replications may use threads or fork again (a plant with a network) without the hazards of
/// fork() in a threaded process. One forecast runs at a time: a trigger while one runs waits, and
/// a later one replaces it (the newest state wins; `superseded` counts the others).

#include <atomic>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

#include "kernel/time.hpp"
#include "live/mqtt_client.hpp"
#include "scenario/spec.hpp"
#include "twin/live_intake.hpp"
#include "twin/log_reader.hpp"

namespace plantwin::live {

struct LiveTwinOptions {
  BrokerAddress broker;
  std::string plant;                       ///< the topics' <plant>
  kernel::Tick every = 300 * kernel::TICKS_PER_SECOND;  ///< plant time between forecasts; 0: only on request
  int replications = 20;
  std::uint64_t seed = 1;
  int jobs = 0;
  std::optional<kernel::Tick> look_ahead;  ///< the forecast's window; default: twin::forecast_until
  std::optional<twin::Epoch> epoch;
  const std::atomic<bool>* stop = nullptr; ///< the twin stops soon after this becomes true
  std::ostream* log = nullptr;             ///< one line per connection change, diagnostic and forecast
};

struct LiveTwinSummary {
  twin::IntakeCounts events;
  std::uint64_t requests = 0, forecasts = 0, forecast_failures = 0, superseded = 0, connections = 0;
};

/// Runs until `options.stop`; throws std::runtime_error when the client cannot be made.
LiveTwinSummary run_live_twin(const scenario::ScenarioSpec& spec, const LiveTwinOptions& options);

struct ReplayOptions {
  BrokerAddress broker;
  std::string plant;
  double speed = 60;  ///< plant seconds per wall second; 0: as fast as the broker takes them
  std::optional<twin::Epoch> epoch;
  const std::atomic<bool>* stop = nullptr;
  std::ostream* log = nullptr;
};

struct ReplaySummary {
  bool ok = false;       ///< every row was published and acknowledged
  bool stopped = false;  ///< stopped by options.stop
  std::uint64_t published = 0, skipped = 0;
  double wall_s = 0;
  std::vector<twin::LogDiagnostic> diagnostics;  ///< rows that could not be read (skipped)
};

/// Publishes the log's rows to `plantwin/<plant>/events`, one JSON object per row (QoS 1), at
/// `speed` times the log's pace, and waits until the broker has every one.
ReplaySummary replay_log(const std::string& log_path, const ReplayOptions& options);

}  // namespace plantwin::live
