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

// The parts of a scenario a drawing of the plant needs (docs/view.md): stations, routes, the
// layout, fleets, conveyors, arms, the network's graph, orders and the epoch, as plain dicts.
py::dict plant_to_python(const scenario::ScenarioSpec& spec) {
  py::list stations;
  for (const auto& st : spec.stations) {
    py::dict d;
    d["id"] = st.id;
    d["servers"] = st.servers;
    d["buffer"] = st.buffer ? py::object(py::int_(*st.buffer)) : py::none();
    d["failures"] = st.failures.has_value();
    stations.append(d);
  }
  py::list products;
  for (const auto& p : spec.products) {
    py::dict d;
    d["id"] = p.id;
    d["route"] = p.route;
    d["via"] = p.route_via;
    products.append(d);
  }
  py::list orders;
  for (const auto& src : spec.sources)
    for (const auto& o : src.orders) {
      py::dict d;
      d["id"] = o.id;
      d["product"] = o.product;
      d["quantity"] = o.quantity;
      d["release_s"] = kernel::to_seconds(o.release);
      d["due_s"] = o.due ? py::object(py::float_(kernel::to_seconds(*o.due))) : py::none();
      orders.append(d);
    }
  py::dict out;
  out["stations"] = stations;
  out["products"] = products;
  out["orders"] = orders;
  out["layout"] = py::none();
  if (const auto& layout = spec.transport.layout) {
    py::list nodes, segments;
    for (const auto& n : layout->nodes) {
      py::dict d;
      d["id"] = n.id;
      d["x"] = n.x;
      d["y"] = n.y;
      nodes.append(d);
    }
    for (const auto& s : layout->segments) {
      py::dict d;
      d["id"] = s.id;
      d["from"] = s.from;
      d["to"] = s.to;
      d["length"] = s.length ? py::object(py::float_(*s.length)) : py::none();
      d["one_way"] = s.one_way;
      segments.append(d);
    }
    py::dict places;
    for (const auto& p : layout->places) places[py::str(p.station)] = p.node;
    py::dict d;
    d["nodes"] = nodes;
    d["segments"] = segments;
    d["places"] = places;
    out["layout"] = d;
  }
  py::list fleets, conveyors, arms;
  for (const auto& f : spec.transport.fleets) {
    py::dict d;
    d["id"] = f.id;
    d["vehicles"] = f.vehicles;
    d["speed"] = f.speed;
    d["capacity"] = f.capacity;
    d["home"] = f.home;
    d["chargers"] = f.battery ? f.battery->chargers : std::vector<std::string>{};
    fleets.append(d);
  }
  for (const auto& c : spec.transport.conveyors) {
    py::dict d;
    d["id"] = c.id;
    d["length"] = c.length;
    d["speed"] = c.speed;
    d["capacity"] = c.capacity;
    conveyors.append(d);
  }
  for (const auto& a : spec.transport.arms) {
    py::dict d;
    d["id"] = a.id;
    d["stations"] = a.stations;
    arms.append(d);
  }
  out["fleets"] = fleets;
  out["conveyors"] = conveyors;
  out["arms"] = arms;
  out["network"] = py::none();
  if (const auto& net = spec.network) {
    static constexpr const char* NODE_KINDS[] = {"cell", "switch", "edge", "cloud"};
    static constexpr const char* ATTACH_KINDS[] = {"station", "device", "fleet"};
    py::list nodes, links, attach;
    for (const auto& n : net->nodes) {
      py::dict d;
      d["id"] = n.id;
      d["kind"] = NODE_KINDS[static_cast<int>(n.kind)];
      nodes.append(d);
    }
    for (const auto& l : net->links) {
      py::dict d;
      d["id"] = l.id;
      const bool radio = l.kind == scenario::NetworkLinkSpec::Kind::FIVE_G;
      d["kind"] = radio ? "5g" : "wired";
      d["ends"] = radio ? std::vector<std::string>{l.cell} : l.between;
      links.append(d);
    }
    for (const auto& a : net->attach) {
      py::dict d;
      d["kind"] = ATTACH_KINDS[static_cast<int>(a.kind)];
      d["id"] = a.id;
      d["node"] = a.node;
      attach.append(d);
    }
    py::dict d;
    d["nodes"] = nodes;
    d["links"] = links;
    d["attach"] = attach;
    out["network"] = d;
  }
  out["epoch"] = py::none();
  if (const auto& e = spec.epoch) {
    py::dict d;
    d["unix_seconds"] = e->unix_seconds;
    d["offset_minutes"] = e->offset_minutes;
    d["text"] = e->text;
    out["epoch"] = d;
  }
  return out;
}

// Runs with the GIL released, on a worker thread; this thread wakes every 50 ms to let Python
// handle signals, so Ctrl-C interrupts the run cleanly (KeyboardInterrupt after it stopped).
py::dict run_scenario(const LoadedScenario& loaded, int jobs, bool record_timeline, std::optional<std::string> events_path) {
  std::atomic<bool> interrupt{false};
  run::SessionOptions options;
  options.jobs = jobs;
  options.interrupt = &interrupt;
  options.record_timeline = record_timeline;
  options.events_path = std::move(events_path);
  run::SessionResult result;
  bool keyboard_interrupt = false;
  {
    py::gil_scoped_release release;
    auto future = std::async(std::launch::async, [&] { return run::run_session(loaded.spec, options); });
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
  py::dict out;
  out["ok"] = result.ok;
  out["interrupted"] = result.interrupted;
  out["error"] = result.error;
  out["document"] = result.ok ? to_python(result.document) : py::none();
  out["timeline"] = result.timeline ? py::object(timeline_to_python(*result.timeline, result.params)) : py::none();
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
      .def_property_readonly("plant", [](const LoadedScenario& s) { return plant_to_python(s.spec); },
                             "What a drawing of the plant needs: stations, products, orders, layout, fleets, conveyors, "
                             "arms, network, epoch (docs/view.md).")
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
        py::arg("events_path") = py::none(),
        "Runs every replication; returns {ok, interrupted, error, document, timeline}. With events_path, "
        "replication 0's event log is written there (docs/twin.md).");
}
