#include "twin/live_intake.hpp"

#include <functional>
#include <stdexcept>

#include "kernel/stats.hpp"
#include "run/session.hpp"

namespace plantwin::twin {

run::Json IntakeCounts::to_json() const {
  run::Json j = run::Json::object();
  for (const auto& [name, value] : {std::pair{"received", received}, {"applied", applied}, {"duplicates", duplicates},
                                    {"out_of_order", out_of_order}, {"malformed", malformed}, {"ignored", ignored}})
    j[name] = value;
  return j;
}

std::string IntakeCounts::text() const {
  return std::to_string(received) + " message(s), " + std::to_string(applied) + " applied, " + std::to_string(duplicates) +
         " duplicate(s), " + std::to_string(out_of_order) + " out of order, " + std::to_string(malformed) + " malformed, " +
         std::to_string(ignored) + " ignored";
}

LiveIntake::LiveIntake(const scenario::ScenarioSpec& spec, std::string source, std::optional<Epoch> epoch)
    : spec_(spec),
      source_(std::move(source)),
      epoch_(epoch ? epoch : epoch_of(spec)),
      tracker_(spec),
      reader_(LogReader::Messages{}, source_, tracker_.catalog(), epoch_) {
  tracker_.vehicle_rows_shown();  // messages have every column
}

IntakeOutcome LiveIntake::read(std::string_view payload) {
  const std::uint64_t number = ++counts_.received;
  // A message the broker delivers again (QoS 1 after a reconnection) has the same bytes.
  pending_hash_ = std::hash<std::string_view>{}(payload);
  if (recent_set_.count(pending_hash_) > 0) {
    ++counts_.duplicates;
    return IntakeOutcome::DUPLICATE;
  }
  run::JsonError error;
  const auto json = run::parse_json(payload, &error);
  if (!json || !json->is_object()) {
    ++counts_.malformed;
    diagnostics_.push_back({true, source_, number,
                            json ? "expected a JSON object with the event log's columns (time, event, station, ...)"
                                 : "not JSON: " + error.message + " at column " + std::to_string(error.column)});
    return IntakeOutcome::MALFORMED;
  }
  values_.clear();
  values_.reserve(json->members().size());
  fields_.clear();
  for (const auto& [name, value] : json->members()) {
    if (value.is_string()) {
      values_.push_back(value.string());
    } else if (value.is_number()) {
      const auto exact = value.exact_unsigned();
      values_.push_back(exact ? std::to_string(*exact) : run::format_number(value.number()));
    } else if (value.is_null()) {
      continue;
    } else {
      ++counts_.malformed;
      diagnostics_.push_back({true, source_, number, "column '" + name + "': expected text or a number"});
      return IntakeOutcome::MALFORMED;
    }
  }
  // values_ is complete (no reallocation from here): the views into it stay valid.
  std::size_t v = 0;
  for (const auto& [name, value] : json->members())
    if (value.is_string() || value.is_number()) fields_.emplace_back(name, values_[v++]);
  // The names are views into `json`, which dies here: the reader copies what it keeps, and
  // event_'s text fields are views into values_.
  const bool ok = reader_.parse_fields(fields_, number, event_);
  for (auto& d : reader_.take_diagnostics()) diagnostics_.push_back(std::move(d));
  if (ok) return IntakeOutcome::APPLIED;
  switch (reader_.last_refusal()) {
    case LogReader::Refusal::OUT_OF_ORDER: ++counts_.out_of_order; return IntakeOutcome::OUT_OF_ORDER;
    case LogReader::Refusal::UNKNOWN_NAME: ++counts_.ignored; return IntakeOutcome::IGNORED;
    default: ++counts_.malformed; return IntakeOutcome::MALFORMED;
  }
}

void LiveIntake::apply_pending() {
  tracker_.apply(event_, reader_.orders());
  plant_time_ = event_.time;
  ++counts_.applied;
  recent_.push_back(pending_hash_);
  recent_set_.insert(pending_hash_);
  if (recent_.size() > DUPLICATE_WINDOW) {
    recent_set_.erase(recent_set_.find(recent_.front()));
    recent_.pop_front();
  }
}

IntakeOutcome LiveIntake::apply(std::string_view payload) {
  const IntakeOutcome outcome = read(payload);
  if (outcome == IntakeOutcome::APPLIED) apply_pending();
  return outcome;
}

std::string LiveIntake::state_yaml(kernel::Tick t) const { return tracker_.yaml(t, source_, reader_.orders(), time0()); }

std::vector<LogDiagnostic> LiveIntake::take_diagnostics() { return std::exchange(diagnostics_, {}); }

kernel::Tick forecast_until(const scenario::ScenarioSpec& spec, kernel::Tick plant_time, std::optional<kernel::Tick> look_ahead) {
  if (look_ahead) return plant_time + *look_ahead;
  const kernel::Tick end = spec.warmup + spec.horizon;
  if (plant_time < end) return end;
  // Past the scenario's run: the end of the horizon-long period (the shift) that holds plant_time.
  return (plant_time / spec.horizon + 1) * spec.horizon;
}

run::Json compute_forecast(const scenario::ScenarioSpec& base, const ForecastRequest& request, const std::atomic<bool>* interrupt) {
  scenario::ScenarioSpec spec = base;
  spec.replications = request.replications;
  spec.seed = request.seed;
  spec.warmup = 0;
  spec.horizon = request.until - request.plant_time;
  if (spec.horizon <= 0) throw std::runtime_error("the forecast's window is empty");
  const LoadedState state = load_state_text(request.state_yaml, "the live state", spec);
  if (!state.warm) {
    std::string why;
    for (const auto& d : state.diagnostics.items()) why += (why.empty() ? "" : "; ") + d.message;
    throw std::runtime_error("the plant's state does not load: " + why);
  }
  run::SessionOptions options;
  options.jobs = request.jobs;
  options.interrupt = interrupt;
  options.warm_start = state.warm;
  run::SessionResult result = run::run_session(spec, options);
  if (!result.ok) throw std::runtime_error(result.interrupted ? "interrupted" : result.error);
  add_forecast(result.document, *state.warm, "live");
  const run::Json& f = *result.document.find("forecast");

  // The published document: TWIN.md §5's keys first, then the rest of the run's forecast.
  run::Json out = run::Json::object();
  out["plant_time_s"] = kernel::to_seconds(request.plant_time);
  if (const auto t0 = epoch_of(base)) out["plant_time"] = iso_time(*t0, request.plant_time);
  out["until_s"] = kernel::to_seconds(request.until);
  out["replications"] = request.replications;
  out["orders"] = *f.find("orders");
  out["throughput_per_h"] = *f.find("throughput_per_h");
  out["bottleneck"] = f.find("bottleneck") != nullptr ? *f.find("bottleneck") : run::Json();
  for (const char* name : {"completed", "lead_time_s", "wip"})
    if (const run::Json* k = f.find(name)) out[name] = *k;
  out["trigger"] = request.trigger;
  out["request_id"] = request.request_id;
  out["seed"] = request.seed;
  return out;
}

}  // namespace plantwin::twin
