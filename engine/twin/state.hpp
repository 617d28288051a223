#pragma once
/// The plant's state at an instant (docs/twin.md, "State and warm start"; TWIN.md §4):
/// `plantwin state LOG --scenario S.yaml --at T` replays a log up to T (every row at or before
/// T) and writes where every part is and what every server does, as YAML; `plantwin run S.yaml
/// --from STATE.yaml` reads it back into a models::WarmStart for every replication to start
/// from, and the forecast of the run's window is added to its result document.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/warm_start.hpp"
#include "run/json.hpp"
#include "scenario/diagnostics.hpp"
#include "scenario/spec.hpp"
#include "twin/log_reader.hpp"

namespace plantwin::twin {

/// The residual lives of families.hpp, for models::WarmStart.
class FamilyResidual final : public models::ResidualSampler {
 public:
  kernel::Tick residual(const kernel::Distribution& d, kernel::Tick done, kernel::RngStream& rng) const override;
};

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
