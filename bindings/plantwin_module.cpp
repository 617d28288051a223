// _plantwin: the compiled part of the Python package. Conversions between C++ and Python only;
// what a user sees (ScenarioError, Result, DataFrames, sweeps) is python/plantwin.

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <future>
#include <mutex>
#include <thread>
#include <tuple>

#include "kernel/stats.hpp"
#include "models/flow.hpp"
#include "network/backend.hpp"
#include "run/json.hpp"
#include "run/result_document.hpp"
#include "run/run_server.hpp"
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
// ---- a scenario's parameters, through the models' declarations (models/params.hpp) -------------

/// A distribution as Python sees it: its kind, its mean in seconds, and its own parameters
/// (durations in seconds, with "_s").
py::dict distribution_to_python(const kernel::Distribution& d) {
  using Kind = kernel::Distribution::Kind;
  py::dict out;
  out["dist"] = kernel::Distribution::kind_name(d.kind());
  out["mean_s"] = d.mean();
  switch (d.kind()) {
    case Kind::CONSTANT: out["value_s"] = d.a(); break;
    case Kind::EXPONENTIAL: break;
    case Kind::UNIFORM:
      out["min_s"] = d.a();
      out["max_s"] = d.b();
      break;
    case Kind::TRIANGULAR:
      out["min_s"] = d.a();
      out["mode_s"] = d.b();
      out["max_s"] = d.c();
      break;
    case Kind::NORMAL: out["sd_s"] = d.b(); break;
    case Kind::LOGNORMAL: out["cv"] = d.b(); break;
    case Kind::ERLANG: out["k"] = d.k(); break;
    case Kind::WEIBULL:
      out["shape"] = d.a();
      out["scale_s"] = d.b();
      break;
    case Kind::EMPIRICAL:
      out["values_s"] = d.values();
      out["weights"] = d.weights();
      break;
  }
  return out;
}

namespace declared_python {
using namespace plantwin::models::decl;
template <class S, class T>
py::object value(const S& s, const Integer<S, T>& f) { return py::int_(s.*f.member); }
template <class S>
py::object value(const S& s, const Number<S>& f) { return py::float_(s.*f.member); }
template <class S>
py::object value(const S& s, const Duration<S>& f) { return py::float_(kernel::to_seconds(s.*f.member)); }
template <class S>
py::object value(const S& s, const OptionalDuration<S>& f) {
  return s.*f.member ? py::object(py::float_(kernel::to_seconds(*(s.*f.member)))) : py::none();
}
template <class S>
py::object value(const S& s, const Dist<S>& f) { return distribution_to_python(s.*f.member); }
template <class S>
py::object value(const S& s, const Bool<S>& f) { return py::bool_(s.*f.member); }
template <class S, class E, std::size_t N>
py::object value(const S& s, const Choice<S, E, N>& f) {
  for (const auto& [name, v] : f.options)
    if (v == s.*f.member) return py::str(std::string(name));
  return py::none();
}
template <class S>
py::object value(const S& s, const Capacity<S>& f) {
  return s.*f.member == f.infinite ? py::none() : py::object(py::int_(s.*f.member));
}
}  // namespace declared_python

/// Every field `S` declares, by its YAML key: durations in seconds, unlimited capacities None.
template <class S>
py::dict declared_to_python(const S& s) {
  py::dict out;
  models::decl::for_each_field<S>([&](const auto& field) {
    out[py::str(std::string(field.info.key))] = declared_python::value(s, field);
  });
  return out;
}

/// What each kind declares (key, type, unit, default, range, doc), for Python's docs and checks.
template <class S>
py::list schema_to_python() {
  py::list out;
  models::decl::for_each_field<S>([&](const auto& field) {
    py::dict d;
    d["key"] = std::string(field.info.key);
    d["type"] = std::string(std::decay_t<decltype(field)>::TYPE);
    d["unit"] = std::string(field.info.unit);
    d["default"] = field.info.required() ? py::object(py::none()) : py::object(py::str(std::string(field.info.deflt)));
    d["range"] = std::string(field.info.range);
    d["doc"] = std::string(field.info.doc);
    out.append(d);
  });
  return out;
}

py::dict plant_to_python(const scenario::ScenarioSpec& spec) {
  py::list stations;
  for (const auto& st : spec.stations) {
    py::dict d;
    d["id"] = st.id;
    d.attr("update")(declared_to_python(st.params));
    if (st.process) {
      d["process"] = distribution_to_python(*st.process);
    } else {
      py::dict by_product;
      for (const auto& pd : st.process_by_product) by_product[py::str(pd.product)] = distribution_to_python(pd.dist);
      d["process"] = by_product;
    }
    d["failures"] = st.params.failures ? py::object(declared_to_python(*st.params.failures)) : py::none();
    d["maintenance"] = st.params.maintenance ? py::object(declared_to_python(*st.params.maintenance)) : py::none();
    d["batch"] = st.params.batch ? py::object(declared_to_python(*st.params.batch)) : py::none();
    if (st.setup && st.setup->any) {
      d["setup"] = distribution_to_python(*st.setup->any);
    } else if (st.setup) {
      py::dict matrix;
      for (const auto& e : st.setup->matrix) {
        if (!matrix.contains(e.from)) matrix[py::str(e.from)] = py::dict();
        matrix[py::str(e.from)][py::str(e.to)] = distribution_to_python(e.dist);
      }
      d["setup"] = matrix;
    } else {
      d["setup"] = py::none();
    }
    d["calendar"] = st.calendar.empty() ? py::object(py::none()) : py::object(py::str(st.calendar));
    py::dict operators;
    for (std::size_t t = 0; t < models::OPERATOR_TASK_COUNT; ++t)
      if (!st.operators[t].empty()) operators[models::operator_task_name(static_cast<models::OperatorTask>(t))] = st.operators[t];
    d["operators"] = operators;
    stations.append(d);
  }
  py::list sources;
  for (const auto& so : spec.sources) {
    static constexpr const char* KINDS[] = {"interarrival", "saturated", "orders"};
    py::dict d;
    d["id"] = so.id;
    d["kind"] = KINDS[static_cast<int>(so.kind)];
    py::dict mix;
    for (const auto& m : so.mix) mix[py::str(m.product)] = m.weight;
    d["mix"] = mix;
    d["interarrival"] = so.kind == scenario::SourceSpec::Kind::INTERARRIVAL ? py::object(distribution_to_python(so.interarrival))
                                                                             : py::none();
    d["limit"] = so.limit ? py::object(py::int_(*so.limit)) : py::none();
    d["calendar"] = so.calendar.empty() ? py::object(py::none()) : py::object(py::str(so.calendar));
    sources.append(d);
  }
  py::list products;
  for (const auto& p : spec.products) {
    py::dict d;
    d["id"] = p.id;
    // `route`: the stations in visiting order (an entry's alternatives one after the other);
    // `steps`: per route entry, its station or alternatives; `via` per entry; `bom`.
    std::vector<std::string> route, via;
    std::vector<std::vector<std::string>> steps;
    for (const auto& e : p.route) {
      route.insert(route.end(), e.stations.begin(), e.stations.end());
      steps.push_back(e.stations);
      via.push_back(e.via);
    }
    d["route"] = route;
    d["steps"] = steps;
    d["via"] = via;
    py::dict bom;
    for (const auto& line : p.bom) bom[py::str(line.product)] = line.count;
    d["bom"] = bom;
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
  out["sources"] = sources;
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
    d["id"] = f.params.id;
    d.attr("update")(declared_to_python(f.params));
    d["home"] = f.home;
    d["battery"] = f.battery ? py::object(declared_to_python(f.battery->params)) : py::none();
    d["chargers"] = f.battery ? f.battery->chargers : std::vector<std::string>{};
    fleets.append(d);
  }
  for (const auto& c : spec.transport.conveyors) {
    py::dict d;
    d["id"] = c.params.id;
    d.attr("update")(declared_to_python(c.params));
    conveyors.append(d);
  }
  for (const auto& a : spec.transport.arms) {
    py::dict d;
    d["id"] = a.params.id;
    d.attr("update")(declared_to_python(a.params));
    d["stations"] = a.stations;
    arms.append(d);
  }
  py::list calendars, pools;
  for (const auto& c : spec.calendars) {
    py::dict d;
    d["id"] = c.params.id;
    d.attr("update")(declared_to_python(c.params));
    py::list days;
    for (std::size_t k = 0; k < 7; ++k)
      if (c.params.days[k]) days.append(std::string(models::WEEKDAYS[k].first));
    d["days"] = days;
    for (const auto& [key, windows] : {std::pair{"shifts", &c.shifts}, std::pair{"breaks", &c.breaks}, std::pair{"closed", &c.closed}}) {
      py::list list;
      for (const auto& w : *windows) {
        py::dict wd;
        wd["from_s"] = kernel::to_seconds(w.from);
        wd["to_s"] = kernel::to_seconds(w.to);
        list.append(wd);
      }
      d[key] = list;
    }
    calendars.append(d);
  }
  for (const auto& o : spec.operators) {
    py::dict d;
    d["id"] = o.params.id;
    d.attr("update")(declared_to_python(o.params));
    d["calendar"] = o.calendar.empty() ? py::object(py::none()) : py::object(py::str(o.calendar));
    pools.append(d);
  }
  out["calendars"] = calendars;
  out["operators"] = pools;
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
      // Rates in bytes per second, as the scenario's units resolve them.
      d["bandwidth_Bps"] = radio ? py::object(py::none()) : py::object(py::float_(l.bandwidth));
      d["uplink_Bps"] = radio ? py::object(py::float_(l.uplink)) : py::none();
      d["downlink_Bps"] = radio ? py::object(py::float_(l.downlink)) : py::none();
      d["latency_s"] = kernel::to_seconds(l.latency);
      d["loss"] = l.loss;
      links.append(d);
    }
    for (const auto& a : net->attach) {
      py::dict d;
      d["kind"] = ATTACH_KINDS[static_cast<int>(a.kind)];
      d["id"] = a.id;
      d["node"] = a.node;
      d["count"] = a.count;
      attach.append(d);
    }
    py::dict d;
    d["nodes"] = nodes;
    d["links"] = links;
    d["attach"] = attach;
    out["network"] = d;
  }
  py::list messages;
  for (const auto& m : spec.messages) {
    static constexpr const char* TRIGGERS[] = {"after_work", "before_work", "every", "before_move"};
    py::dict d;
    d["id"] = m.id;
    d["trigger"] = TRIGGERS[static_cast<int>(m.trigger)];
    d["station"] = m.station;
    d["to"] = m.to;
    d["size_bytes"] = m.size;
    d["reply_bytes"] = m.reply ? py::object(py::float_(*m.reply)) : py::none();
    d["every"] = m.trigger == scenario::MessageSpec::Trigger::EVERY ? py::object(distribution_to_python(m.every)) : py::none();
    d["compute"] = m.compute ? py::object(distribution_to_python(*m.compute)) : py::none();
    d["blocking"] = m.blocking;
    messages.append(d);
  }
  out["messages"] = messages;
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

// The scenario as Python's Scenario keeps it: (file, text, changes), what the run server loads.
using Recipe = std::tuple<std::string, std::string, std::vector<std::pair<std::string, std::string>>>;

// This process's run server (engine/run/run_server.hpp): plantwin-server beside this module.
// Used by one run at a time; a run that finds it busy forks its replications itself. The mutex is
// made again in a child forked from this process (a thread of the parent may have held it), and
// the child lets go of the parent's server.
std::mutex* run_server_mutex = new std::mutex;
std::string run_server_error;  // why the last start failed ("" when it did not)

run::RunServerClient& run_server() {
  static run::RunServerClient* client = new run::RunServerClient(network::beside_engine("plantwin-server"));
  return *client;  // never destroyed: the server ends when this process closes its socket
}

// Registered when the module is imported, before any run can hold the mutex.
void forget_run_server_in_forked_children() {
  ::pthread_atfork(nullptr, nullptr, [] {
    run_server_mutex = new std::mutex;  // the parent's may be held by a thread the child does not have
    run_server().abandon();
  });
}

// $PLANTWIN_RUN_SERVER=off: every run forks its replications from this process (a comparison);
// on (or unset): through the run server. Anything else is a ValueError.
bool run_server_wanted() {
  const char* value = std::getenv("PLANTWIN_RUN_SERVER");
  if (value == nullptr || std::string(value) == "on") return true;
  if (std::string(value) == "off") return false;
  throw py::value_error(std::string("PLANTWIN_RUN_SERVER: expected on or off, got '") + value + "'");
}

// This process's working directory; nullopt when it has none (deleted).
std::optional<std::string> current_directory() {
  std::string dir(4096, '\0');
  while (::getcwd(dir.data(), dir.size()) == nullptr) {
    if (errno != ERANGE) return std::nullopt;
    dir.resize(dir.size() * 2);
  }
  dir.resize(std::char_traits<char>::length(dir.c_str()));
  return dir;
}

// Runs `request` in the run server; nullopt, and why in `why`, when the run is not the server's
// to give (it could not run it, or it ended): the caller then forks the replications itself.
std::optional<run::SessionResult> served_run(const run::ServedRun& request, const std::atomic<bool>& interrupt, std::string& why) {
  std::optional<run::ServedOutcome> answer = run_server().run(request, interrupt, &why);
  if (!answer) return std::nullopt;
  if (!answer->served) {
    why = answer->error;
    return std::nullopt;
  }
  run::SessionResult result;
  result.ok = answer->ok;
  result.interrupted = answer->interrupted;
  result.error = answer->error;
  if (answer->ok) {
    run::JsonError error;
    std::optional<run::Json> document = run::parse_json(answer->document, &error);
    if (!document) {
      why = "answered with a document that could not be read";
      return std::nullopt;
    }
    result.document = std::move(*document);
  }
  result.timeline = std::move(answer->timeline);
  return result;
}

py::dict run_scenario(const LoadedScenario& loaded, int jobs, bool record_timeline, std::optional<std::string> events_path,
                      std::optional<std::string> state_path, std::optional<Recipe> recipe) {
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
  // A plant with a network forks a process per replication: from the run server when there is
  // one to use (started here), else from this process. `served`: what happened, for Python's
  // package ("served", or why the server was not used: it warns once per reason).
  std::string served;
  std::unique_lock<std::mutex> server_lock(*run_server_mutex, std::defer_lock);
  std::optional<run::ServedRun> request;
  if (recipe && loaded.spec.network && run_server_wanted() && server_lock.try_lock()) {
    run_server_error.clear();
    if (const std::optional<std::string> cwd = current_directory(); !cwd) {
      served = "was not used: this process has no working directory";
    } else if (!run_server().start(&run_server_error)) {
      // A server of another build says so itself, the same way every time.
      served = run_server().other_build() ? run_server_error : "could not be started: " + run_server_error;
    } else {
      request.emplace();
      request->cwd = *cwd;
      std::tie(request->file, request->text, request->changes) = *recipe;
      request->jobs = jobs;
      request->events_path = options.events_path;
      request->state_path = state_path;
      request->record_timeline = record_timeline;
      request->take_environment();
    }
  }
  run::SessionResult result = interruptible(
      [&] {
        if (request) {
          std::string why;
          if (auto answer = served_run(*request, interrupt, why)) {
            served = "served";
            // The timeline names stations and products by their index in the plant's parameters.
            if (answer->timeline) answer->params = run::session_params(loaded.spec, options);
            return std::move(*answer);
          }
          served = why;
        }
        return run::run_session(loaded.spec, options);
      },
      interrupt);
  if (result.ok && options.warm_start) twin::add_forecast(result.document, *options.warm_start, *state_path);
  py::dict out;
  out["ok"] = result.ok;
  out["interrupted"] = result.interrupted;
  out["error"] = result.error;
  out["document"] = result.ok ? to_python(result.document) : py::none();
  out["timeline"] = result.timeline ? py::object(timeline_to_python(*result.timeline, result.params)) : py::none();
  out["run_server"] = served.empty() ? py::none() : py::object(py::str(served));
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
  forget_run_server_in_forked_children();
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
        for (const auto& p : s.spec.products) {
          std::vector<std::string> stations;
          for (const auto& e : p.route) stations.insert(stations.end(), e.stations.begin(), e.stations.end());
          routes[py::str(p.id)] = stations;
        }
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
          result = scenario::load_scenario_text(text, file, scenario::overrides_of(changes));
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
  m.def(
      "schema",
      [] {
        py::dict out;
        out["station"] = schema_to_python<models::StationParams>();
        out["failures"] = schema_to_python<models::FailureParams>();
        out["maintenance"] = schema_to_python<models::MaintenanceParams>();
        out["calendar"] = schema_to_python<models::CalendarParams>();
        out["operator_pool"] = schema_to_python<models::OperatorPoolParams>();
        out["fleet"] = schema_to_python<models::FleetParams>();
        out["battery"] = schema_to_python<models::BatteryParams>();
        out["conveyor"] = schema_to_python<models::ConveyorParams>();
        out["arm"] = schema_to_python<models::ArmParams>();
        return out;
      },
      "Each kind's declared parameters (models/params.hpp): key, type, unit, default, range, doc.");
  m.def("run", &run_scenario, py::arg("scenario"), py::arg("jobs") = 0, py::arg("record_timeline") = false,
        py::arg("events_path") = py::none(), py::arg("state_path") = py::none(), py::arg("recipe") = py::none(),
        "Runs every replication; returns {ok, interrupted, error, document, timeline}. With events_path, "
        "replication 0's event log is written there (docs/twin.md); with state_path, every replication starts "
        "from that state file and the document has a forecast (errors in the file: state_diagnostics). With "
        "recipe, (file, text, changes) as the scenario was loaded, a plant with a network runs in the run server.");
  m.def(
      "run_server",
      [] {
        py::dict out;
        out["busy"] = true;
        out["pid"] = py::none();
        out["error"] = py::none();
        // Not waited for: another thread's run may hold it for hours.
        std::unique_lock<std::mutex> lock(*run_server_mutex, std::try_to_lock);
        if (lock.owns_lock()) {
          out["busy"] = false;
          const pid_t pid = run_server().pid();
          if (pid > 0) out["pid"] = pid;
          if (!run_server_error.empty()) out["error"] = run_server_error;
        }
        return out;
      },
      "This process's run server: {busy (a run uses it: pid and error unknown), pid (None when none runs), error "
      "(why it could not start, or None)}.");
  m.def("fit", &fit_log, py::arg("log"), py::arg("scenario"), py::arg("text"), py::arg("epoch") = py::none(),
        py::arg("min_observations") = 30,
        "plantwin fit: {ok, diagnostics, text (the fitted scenario, bytes), report (the --report document), summary}.");
  m.def("validate_log", &validate_log, py::arg("log"), py::arg("scenario"), py::arg("replications") = 50,
        py::arg("confidence") = 0.95, py::arg("epoch") = py::none(), py::arg("jobs") = 0,
        "plantwin validate-log: {exit_code, diagnostics, error, document (the --json document), text}.");
  m.def("plant_state", &plant_state, py::arg("log"), py::arg("scenario"), py::arg("at"), py::arg("epoch") = py::none(),
        "plantwin state: {ok, diagnostics, yaml, at_s, parts}.");
}
