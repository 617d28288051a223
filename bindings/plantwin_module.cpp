// _plantwin: the compiled part of the Python package. Conversions between C++ and Python only;
// what a user sees (ScenarioError, Result, DataFrames, sweeps) is python/plantwin.

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "kernel/stats.hpp"
#include "models/flow.hpp"
#include "run/json.hpp"
#include "run/result_document.hpp"
#include "run/session.hpp"
#include "scenario/loader.hpp"
#include "scenario/yaml_tree.hpp"
#include "twin/fit.hpp"
#include "twin/state.hpp"
#include "twin/validate.hpp"

namespace py = pybind11;
using namespace plantwin;

namespace {

// The scenario as loaded, with how it was loaded (so Python can reload it with more changes).
struct LoadedScenario {
  scenario::ScenarioSpec spec;
};

py::object to_python(const run::Json& j) {
  switch (j.type()) {
    case run::Json::Type::NUL: return py::none();
    case run::Json::Type::BOOL: return py::bool_(j.boolean());
    case run::Json::Type::NUMBER: {
      // The same text as the CLI's JSON, read back: integers stay int, NaN becomes None.
      const std::string text = run::Json(j).dump();
      if (text == "null") return py::none();
      if (text.find_first_of(".eE") == std::string::npos) return py::reinterpret_steal<py::object>(PyLong_FromString(text.c_str(), nullptr, 10));
      return py::float_(j.number());
    }
    case run::Json::Type::STRING: return py::str(j.string());
    case run::Json::Type::ARRAY: {
      py::list out;
      for (const auto& item : j.items()) out.append(to_python(item));
      return out;
    }
    case run::Json::Type::OBJECT: {
      py::dict out;
      for (const auto& [k, v] : j.members()) out[py::str(k)] = to_python(v);
      return out;
    }
  }
  return py::none();
}

py::dict diagnostic_to_python(const scenario::Diagnostic& d) {
  py::dict item;
  item["severity"] = d.severity == scenario::Diagnostic::Severity::ERROR ? "error" : "warning";
  item["file"] = d.mark.file;
  item["line"] = d.mark.line > 0 ? d.mark.line : 1;
  item["column"] = d.mark.line > 0 && d.mark.column > 0 ? d.mark.column : 1;
  item["path"] = d.path;
  item["message"] = d.message;
  item["text"] = d.format();
  return item;
}

py::list diagnostics_to_python(const scenario::Diagnostics& diagnostics) {
  py::list out;
  for (const auto& d : diagnostics.items()) out.append(diagnostic_to_python(d));
  return out;
}

std::vector<scenario::Override> overrides_of(const std::vector<std::pair<std::string, std::string>>& changes) {
  std::vector<scenario::Override> out;
  for (const auto& [path, value] : changes) out.push_back(scenario::Override{path, value, std::nullopt});
  return out;
}

py::tuple load_result(scenario::LoadResult&& result) {
  py::object scenario = py::none();
  if (result.spec) scenario = py::cast(LoadedScenario{std::move(*result.spec)});
  return py::make_tuple(scenario, diagnostics_to_python(result.diagnostics));
}

py::dict timeline_to_python(const models::Timeline& t, const models::PlantParams& params) {
  py::list time, station, server, state;
  for (const auto& c : t.states) {
    time.append(kernel::to_seconds(c.time));
    station.append(params.stations[c.station].id);
    server.append(c.server);
    state.append(models::server_state_name(c.state));
  }
  py::dict states;
  states["time_s"] = time;
  states["station"] = station;
  states["server"] = server;
  states["state"] = state;
  py::list exit_time, created, product, good;
  for (const auto& e : t.exits) {
    exit_time.append(kernel::to_seconds(e.time));
    created.append(kernel::to_seconds(e.created));
    product.append(params.products[e.product].id);
    good.append(e.good);
  }
  py::dict exits;
  exits["time_s"] = exit_time;
  exits["created_s"] = created;
  exits["product"] = product;
  exits["good"] = good;
  py::list servers;
  for (const auto& s : params.stations) servers.append(py::make_tuple(s.id, s.params.servers));
  py::dict out;
  out["states"] = states;
  out["exits"] = exits;
  out["stations"] = servers;
  out["truncated"] = t.truncated;
  return out;
}

// Runs `work` with the GIL released, on a worker thread; this thread wakes every 50 ms to let
// Python handle signals, so Ctrl-C interrupts the run cleanly (`interrupt` is set, and
// KeyboardInterrupt is raised once the work has stopped).
template <class Work>
auto interruptible(Work&& work, std::atomic<bool>& interrupt) {
  bool keyboard_interrupt = false;
  decltype(work()) result;
  {
    py::gil_scoped_release release;
    auto future = std::async(std::launch::async, work);
    while (future.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready) {
      py::gil_scoped_acquire acquire;
      if (PyErr_CheckSignals() != 0) {
        interrupt = true;
        keyboard_interrupt = true;
      }
    }
    result = future.get();
  }
  if (keyboard_interrupt) throw py::error_already_set();
  return result;
}

py::dict run_scenario(const LoadedScenario& loaded, int jobs, bool record_timeline, std::optional<std::string> events_path,
                      std::optional<std::string> state_path) {
  std::atomic<bool> interrupt{false};
  run::SessionOptions options;
  options.jobs = jobs;
  options.interrupt = &interrupt;
  options.record_timeline = record_timeline;
  options.events_path = std::move(events_path);
  if (state_path) {
    twin::LoadedState state = twin::load_state(*state_path, loaded.spec);
    if (!state.warm) {
      py::dict out;
      out["ok"] = false;
      out["interrupted"] = false;
      out["error"] = "the state file has errors";
      out["state_diagnostics"] = diagnostics_to_python(state.diagnostics);
      return out;
    }
    options.warm_start = state.warm;
  }
  run::SessionResult result = interruptible([&] { return run::run_session(loaded.spec, options); }, interrupt);
  if (result.ok && options.warm_start) twin::add_forecast(result.document, *options.warm_start, *state_path);
  py::dict out;
  out["ok"] = result.ok;
  out["interrupted"] = result.interrupted;
  out["error"] = result.error;
  out["document"] = result.ok ? to_python(result.document) : py::none();
  out["timeline"] = result.timeline ? py::object(timeline_to_python(*result.timeline, result.params)) : py::none();
  return out;
}

py::list log_diagnostics_to_python(const std::vector<twin::LogDiagnostic>& diagnostics) {
  py::list out;
  for (const auto& d : diagnostics) {
    py::dict item;
    item["severity"] = d.error ? "error" : "warning";
    item["file"] = d.file;
    item["line"] = d.line;
    item["message"] = d.message;
    item["text"] = d.format();
    out.append(item);
  }
  return out;
}

/// --epoch as text into the twin's options; false (and `error`) when it is not one.
bool epoch_of(const std::optional<std::string>& text, std::optional<twin::Epoch>& out, std::string& error) {
  if (!text) return true;
  out = twin::parse_epoch(*text, &error);
  return out.has_value();
}

py::dict fit_log(const std::string& log, const LoadedScenario& loaded, const std::string& text, std::optional<std::string> epoch,
                 std::size_t min_observations) {
  twin::FitOptions options;
  options.min_observations = min_observations;
  py::dict out;
  std::string error;
  if (!epoch_of(epoch, options.epoch, error)) throw py::value_error("epoch: " + error);
  twin::FitResult result;
  {
    py::gil_scoped_release release;
    result = twin::fit_log(log, loaded.spec, text, options);
  }
  out["ok"] = result.ok;
  out["diagnostics"] = log_diagnostics_to_python(result.diagnostics);
  out["text"] = py::bytes(result.text);
  out["report"] = to_python(twin::fit_report_json(result, log, loaded.spec.file, options));
  out["summary"] = twin::fit_report_text(result, log);
  return out;
}

py::dict validate_log(const std::string& log, const LoadedScenario& loaded, int replications, double confidence,
                      std::optional<std::string> epoch, int jobs) {
  twin::ValidateOptions options;
  options.replications = replications;
  options.confidence = confidence;
  options.jobs = jobs;
  std::string error;
  if (!epoch_of(epoch, options.epoch, error)) throw py::value_error("epoch: " + error);
  std::atomic<bool> interrupt{false};
  options.interrupt = &interrupt;
  const twin::ValidateResult result = interruptible([&] { return twin::validate_log(log, loaded.spec, options); }, interrupt);
  py::dict out;
  out["exit_code"] = result.exit_code();
  out["diagnostics"] = log_diagnostics_to_python(result.diagnostics);
  out["error"] = result.error;
  const bool compared = result.outcome == twin::ValidateResult::Outcome::PASSED || result.outcome == twin::ValidateResult::Outcome::FAILED;
  out["document"] = compared ? to_python(twin::validate_report_json(result, log, loaded.spec.file)) : py::none();
  out["text"] = compared ? twin::validate_report_text(result, log, loaded.spec.file) : std::string();
  return out;
}

py::dict plant_state(const std::string& log, const LoadedScenario& loaded, const std::string& at, std::optional<std::string> epoch) {
  twin::StateOptions options;
  std::string error;
  if (!epoch_of(epoch, options.epoch, error)) throw py::value_error("epoch: " + error);
  twin::StateResult result;
  {
    py::gil_scoped_release release;
    result = twin::plant_state(log, loaded.spec, at, options);
  }
  py::dict out;
  out["ok"] = result.ok;
  out["diagnostics"] = log_diagnostics_to_python(result.diagnostics);
  out["yaml"] = result.yaml;
  out["at_s"] = kernel::to_seconds(result.at);
  out["parts"] = result.parts;
  return out;
}

}  // namespace

PYBIND11_MODULE(_plantwin, m) {
  m.doc() = "plantwin's compiled core; use the plantwin package.";
  m.attr("__version__") = PLANTWIN_VERSION;

  py::class_<LoadedScenario>(m, "LoadedScenario")
      .def_property_readonly("name", [](const LoadedScenario& s) { return s.spec.name; })
      .def_property_readonly("file", [](const LoadedScenario& s) { return s.spec.file; })
      .def_property_readonly("seed", [](const LoadedScenario& s) { return s.spec.seed; })
      .def_property_readonly("replications", [](const LoadedScenario& s) { return s.spec.replications; })
      .def_property_readonly("horizon_s", [](const LoadedScenario& s) { return kernel::to_seconds(s.spec.horizon); })
      .def_property_readonly("warmup_s", [](const LoadedScenario& s) { return kernel::to_seconds(s.spec.warmup); })
      .def_property_readonly("stations", [](const LoadedScenario& s) {
        std::vector<std::string> ids;
        for (const auto& st : s.spec.stations) ids.push_back(st.id);
        return ids;
      })
      .def_property_readonly("products", [](const LoadedScenario& s) {
        std::vector<std::string> ids;
        for (const auto& p : s.spec.products) ids.push_back(p.id);
        return ids;
      })
      .def_property_readonly("routes", [](const LoadedScenario& s) {
        py::dict routes;
        for (const auto& p : s.spec.products) routes[py::str(p.id)] = p.route;
        return routes;
      })
      .def_property_readonly("sources", [](const LoadedScenario& s) {
        std::vector<std::string> ids;
        for (const auto& src : s.spec.sources) ids.push_back(src.id);
        return ids;
      })
      .def_property_readonly("skeleton", [](const LoadedScenario& s) { return to_python(run::result_skeleton(s.spec)); },
                             "A result document of this scenario with every number 0: the KPI paths a run has.");

  m.def(
      "read_file",
      [](const std::string& path) {
        std::vector<scenario::Diagnostic> errors;
        std::optional<std::string> text;
        {
          py::gil_scoped_release release;
          text = scenario::read_text_file(path, errors);
        }
        py::list diagnostics;
        for (const auto& d : errors) diagnostics.append(diagnostic_to_python(d));
        return py::make_tuple(text ? py::object(py::bytes(*text)) : py::none(), diagnostics);
      },
      py::arg("path"),
      "(bytes or None, diagnostics): the file's text as the loader reads it (size limit, unreadable files).");

  m.def(
      "load_text",
      // `text` is str or bytes: bytes reach the loader unchanged, so its UTF-8 check sees them.
      [](const std::string& text, const std::string& file, const std::vector<std::pair<std::string, std::string>>& changes) {
        scenario::LoadResult result;
        {
          py::gil_scoped_release release;
          result = scenario::load_scenario_text(text, file, overrides_of(changes));
        }
        return load_result(std::move(result));
      },
      py::arg("text"), py::arg("file"), py::arg("changes"));
  m.def(
      "summary",
      [](const std::vector<double>& values) {
        const kernel::Summary s = kernel::Summary::of(values);
        return py::make_tuple(s.mean, s.ci95);
      },
      py::arg("values"), "(mean, ci95) of per-replication values, as the result document computes them.");
  m.def(
      "server_states",
      [] {
        py::list out;
        for (const models::ServerStateInfo& info : models::SERVER_STATES) {
          py::dict d;
          d["name"] = info.name;
          d["column"] = info.column;
          d["colour"] = info.colour;
          d["active"] = info.active;
          d["loss"] = info.loss != nullptr ? py::object(py::str(info.loss)) : py::none();
          d["planned"] = info.planned;
          d["always"] = info.always;
          d["doc"] = info.doc;
          out.append(d);
        }
        return out;
      },
      "The server states in the order results list them: name, column, colour, active, loss, planned, always, doc "
      "(engine/models/server_state.hpp).");
  m.def("run", &run_scenario, py::arg("scenario"), py::arg("jobs") = 0, py::arg("record_timeline") = false,
        py::arg("events_path") = py::none(), py::arg("state_path") = py::none(),
        "Runs every replication; returns {ok, interrupted, error, document, timeline}. With events_path, "
        "replication 0's event log is written there (docs/twin.md); with state_path, every replication starts "
        "from that state file and the document has a forecast (errors in the file: state_diagnostics).");
  m.def("fit", &fit_log, py::arg("log"), py::arg("scenario"), py::arg("text"), py::arg("epoch") = py::none(),
        py::arg("min_observations") = 30,
        "plantwin fit: {ok, diagnostics, text (the fitted scenario, bytes), report (the --report document), summary}.");
  m.def("validate_log", &validate_log, py::arg("log"), py::arg("scenario"), py::arg("replications") = 20,
        py::arg("confidence") = 0.95, py::arg("epoch") = py::none(), py::arg("jobs") = 0,
        "plantwin validate-log: {exit_code, diagnostics, error, document (the --json document), text}.");
  m.def("plant_state", &plant_state, py::arg("log"), py::arg("scenario"), py::arg("at"), py::arg("epoch") = py::none(),
        "plantwin state: {ok, diagnostics, yaml, at_s, parts}.");
}
