#include "run/result_document.hpp"

#include <cmath>
#include <cstdio>
#include <limits>

#include "kernel/stats.hpp"
#include "run/kpi_traits.hpp"
#include "scenario/builder.hpp"
#include "run/result_transport.hpp"
#include "run/result_network.hpp"
#include "run/result_operators.hpp"
#include "run/result_material.hpp"

namespace plantwin::run {

namespace {

using models::ServerState;
constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

// A lead-time KPI: mean and interval over the replications' means, p50 and p95 of all good parts
// of all replications pooled (from the merged histograms).
Json lead_time_kpi(const std::vector<const models::LeadTimes*>& per_rep) {
  std::vector<double> means;
  kernel::Histogram pooled;
  for (const auto* l : per_rep) {
    means.push_back(l->completed > 0 ? l->tally.mean() : NaN);
    pooled.merge(l->histogram);
  }
  return kpi(std::move(means), pooled, {{"p50", 0.50}, {"p95", 0.95}});
}

void add_intervals_below(Json& node, std::vector<std::string>& path) {
  if (!node.is_object()) return;
  if (node.find("mean") != nullptr && node.find("values") != nullptr) {
    std::vector<double> values;
    for (const Json& v : node.find("values")->items()) values.push_back(v.is_number() ? v.number() : NaN);
    const kernel::Estimate e = kernel::estimate_mean(values, kpi_traits(path).range, 0.95);
    node["ci95"] = e.half_width;
    node["ci_low"] = e.interval.low;
    node["ci_high"] = e.interval.high;
    return;
  }
  for (auto& [key, child] : node.members()) {
    path.push_back(key);
    add_intervals_below(child, path);
    path.pop_back();
  }
}

double state_fraction(const models::StationMeasures& m, ServerState s, double planned) {
  return static_cast<double>(m.state_ticks[static_cast<std::size_t>(s)]) / planned;
}

}  // namespace

Json kpi(std::vector<double> values) {
  double sum = 0;
  for (double v : values) sum += v;
  Json j = Json::object();
  j["mean"] = values.empty() ? 0.0 : sum / static_cast<double>(values.size());
  j["ci95"] = NaN;
  j["ci_low"] = NaN;
  j["ci_high"] = NaN;
  j["values"] = Json::array_of(values);
  return j;
}

Json kpi(std::vector<double> means, const kernel::Histogram& pooled,
         std::initializer_list<std::pair<const char*, double>> quantiles) {
  Json j = kpi(std::move(means));
  Json values = std::move(j.members().back().second);
  j.members().pop_back();
  for (const auto& [name, q] : quantiles) j[name] = pooled.count() > 0 ? pooled.quantile_seconds(q) : NaN;
  j["values"] = std::move(values);
  return j;
}

void add_intervals(Json& doc) {
  std::vector<std::string> path;
  add_intervals_below(doc, path);
}

std::string fingerprint_hex(std::uint64_t fingerprint) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(fingerprint));
  return buf;
}

Json result_document(const std::string& scenario_name, const models::PlantParams& plant, const RunConfig& config,
                     const RunOutcome& outcome) {
  const auto& reps = outcome.replications;
  const double hours = kernel::to_seconds(config.horizon) / 3600.0;
  const kernel::Tick window_end = config.warmup + config.horizon;

  Json doc = Json::object();
  doc["plantwin"] = PLANTWIN_VERSION;
  doc["scenario"] = scenario_name;
  doc["seed"] = config.seed;
  doc["replications"] = config.replications;
  doc["horizon_s"] = kernel::to_seconds(config.horizon);
  doc["warmup_s"] = kernel::to_seconds(config.warmup);
  std::uint64_t events = 0;
  for (const auto& r : reps) events += r.events;
  doc["events"] = events;
  doc["wall_s"] = outcome.wall_s;
  doc["fingerprint"] = fingerprint_hex(reps.empty() ? 0 : reps.front().fingerprint);

  // Plant-wide KPIs.
  {
    std::vector<double> throughput, wip, completed, scrapped;
    std::vector<const models::LeadTimes*> lead;
    for (const auto& r : reps) {
      throughput.push_back(static_cast<double>(r.plant.all.completed) / hours);
      wip.push_back(r.plant.wip_mean);
      completed.push_back(static_cast<double>(r.plant.all.completed));
      scrapped.push_back(static_cast<double>(r.plant.scrapped));
      lead.push_back(&r.plant.all);
    }
    Json& k = doc["kpis"] = Json::object();
    k["throughput_per_h"] = kpi(throughput);
    k["lead_time_s"] = lead_time_kpi(lead);
    k["wip"] = kpi(wip);
    k["completed"] = kpi(completed);
    k["scrapped"] = kpi(scrapped);
  }

  // Per product.
  {
    Json& products = doc["products"] = Json::object();
    for (std::size_t p = 0; p < plant.products.size(); ++p) {
      std::vector<double> throughput, completed;
      std::vector<const models::LeadTimes*> lead;
      for (const auto& r : reps) {
        const auto& l = r.plant.by_product[p];
        throughput.push_back(static_cast<double>(l.completed) / hours);
        completed.push_back(static_cast<double>(l.completed));
        lead.push_back(&l);
      }
      Json& j = products.add(plant.products[p].id, Json::object());
      j["throughput_per_h"] = kpi(throughput);
      j["lead_time_s"] = lead_time_kpi(lead);
      j["completed"] = kpi(completed);
    }
  }

  // Orders of production plans.
  if (!plant.orders.empty()) {
    std::vector<double> completed, on_time, tardiness;
    for (const auto& r : reps) {
      std::size_t done_in_window = 0, population = 0, in_time = 0, late = 0;
      double late_sum = 0;
      for (const auto& o : r.orders) {
        const bool done = o.done >= 0;
        if (done && o.done >= config.warmup && o.done < window_end) ++done_in_window;
        // Orders with a due time, released before the end and not done before the warm-up.
        if (!o.due || o.release >= window_end || (done && o.done < config.warmup)) continue;
        ++population;
        if (done && o.done <= *o.due) {
          ++in_time;
        } else if (done) {
          ++late;
          late_sum += kernel::to_seconds(o.done - *o.due);
        }
      }
      completed.push_back(static_cast<double>(done_in_window));
      on_time.push_back(population > 0 ? static_cast<double>(in_time) / static_cast<double>(population) : NaN);
      tardiness.push_back(late > 0 ? late_sum / static_cast<double>(late) : 0.0);
    }
    Json& o = doc["orders"] = Json::object();
    o["completed"] = kpi(completed);
    o["on_time"] = kpi(on_time);
    o["tardiness_s"] = kpi(tardiness);
    // Each order: when it was done (null in a replication where it was not done by the end) and
    // whether it was done by its due time (1 or 0; the mean is the probability).
    Json& by_order = o["by_order"] = Json::object();
    for (std::size_t i = 0; i < plant.orders.size(); ++i) {
      std::vector<double> done_s, in_time;
      for (const auto& r : reps) {
        const auto& st = r.orders[i];
        done_s.push_back(st.done >= 0 ? kernel::to_seconds(st.done) : NaN);
        if (st.due) in_time.push_back(st.done >= 0 && st.done <= *st.due ? 1.0 : 0.0);
      }
      Json& j = by_order.add(plant.orders[i].id, Json::object());
      j["product"] = plant.products[plant.orders[i].product].id;
      j["release_s"] = kernel::to_seconds(plant.orders[i].release);
      j["due_s"] = plant.orders[i].due ? Json(kernel::to_seconds(*plant.orders[i].due)) : Json();
      j["done_s"] = kpi(done_s);
      if (plant.orders[i].due) j["on_time"] = kpi(in_time);
    }
  }

  // Per station.
  Json& stations = doc["stations"] = Json::object();
  const models::StateSet possible = plant.possible_states();
  std::string bottleneck;
  double bottleneck_active = -1;
  for (std::size_t s = 0; s < plant.stations.size(); ++s) {
    // States are shares of the servers' calendar time; utilization, OEE and the active share are
    // over the planned time P, which leaves out off-shift time and planned maintenance.
    const double server_ticks = static_cast<double>(config.horizon) * plant.stations[s].params.servers;
    std::vector<double> utilization, availability, performance, quality, oee, completed, scrapped, queue, waiting_network,
        repair_wait;
    std::array<double, models::SERVER_STATE_COUNT> states{}, losses_of_planned{};
    double active = 0;
    for (const auto& r : reps) {
      const auto& m = r.stations[s];
      // Availability losses (failures, changeovers, waiting for transport or the network) and the
      // active share come from the state table (models/server_state.hpp).
      // In ticks: P, what of it was lost to availability losses, and the active time.
      kernel::Tick planned_ticks = 0, lost_ticks = 0, active_ticks = 0;
      for (const models::ServerStateInfo& info : models::SERVER_STATES) {
        const kernel::Tick t = m.state_ticks[static_cast<std::size_t>(info.state)];
        states[static_cast<std::size_t>(info.state)] += static_cast<double>(t) / server_ticks / static_cast<double>(reps.size());
        if (info.loss != nullptr) lost_ticks += t;
        if (info.active) active_ticks += t;
        if (info.planned) planned_ticks += t;
      }
      const auto planned = static_cast<double>(planned_ticks);
      const auto lost = static_cast<double>(lost_ticks);
      if (planned > 0)
        for (const models::ServerStateInfo& info : models::SERVER_STATES)
          if (info.loss != nullptr)
            losses_of_planned[static_cast<std::size_t>(info.state)] +=
                static_cast<double>(m.state_ticks[static_cast<std::size_t>(info.state)]) / planned / static_cast<double>(reps.size());
      const auto working = static_cast<double>(m.state_ticks[static_cast<std::size_t>(ServerState::WORKING)]);
      const double a = planned > 0 ? (planned - lost) / planned : NaN;
      // Undefined without planned time, like utilization and availability; 0 when the losses took
      // all of it (the station could not run, and oee = working / P stays 0).
      const double perf = planned <= 0 ? NaN : planned - lost > 0 ? working / (planned - lost) : 0;
      // Good passes over all passes (a pass sent to rework is not good; without rework every
      // rejected part is scrapped, so rejected == scrapped).
      const double q =
          m.processed > 0 ? static_cast<double>(m.processed - m.rejected) / static_cast<double>(m.processed) : 1.0;
      utilization.push_back(planned > 0 ? working / planned : NaN);
      availability.push_back(a);
      performance.push_back(perf);
      quality.push_back(q);
      oee.push_back(a * perf * q);
      completed.push_back(static_cast<double>(m.completed));
      scrapped.push_back(static_cast<double>(m.scrapped));
      queue.push_back(m.queue_mean);
      waiting_network.push_back(state_fraction(m, ServerState::WAITING_NETWORK, server_ticks));
      repair_wait.push_back(m.repair_wait.count() > 0 ? m.repair_wait.mean() : NaN);
      active += (planned > 0 ? static_cast<double>(active_ticks) / planned : 0) / static_cast<double>(reps.size());
    }
    Json& j = stations.add(plant.stations[s].id, Json::object());
    j["utilization"] = kpi(utilization);
    Json& st = j["states"] = Json::object();
    bool extra_losses = false;  // a loss beyond failures and setups is possible
    for (const models::ServerStateInfo& info : models::SERVER_STATES) {
      if (!possible.contains(info.state)) continue;
      st[info.name] = states[static_cast<std::size_t>(info.state)];
      extra_losses = extra_losses || (info.loss != nullptr && !info.always);
    }
    j["oee"] = kpi(oee);
    j["availability"] = kpi(availability);
    j["performance"] = kpi(performance);
    j["quality"] = kpi(quality);
    j["completed"] = kpi(completed);
    j["scrapped"] = kpi(scrapped);
    j["queue"] = kpi(queue);
    if (plant.has_network) j["waiting_network"] = kpi(waiting_network);
    if (plant.stations[s].params.operators[static_cast<std::size_t>(models::OperatorTask::REPAIR)])
      j["repair_wait_s"] = kpi(repair_wait);
    if (extra_losses) {
      // OEE's availability losses by cause, as fractions of the planned time (means over replications).
      Json& losses = j["availability_losses"] = Json::object();
      // (With a calendar or maintenance, P is less than the servers' time: they add up to 1 − availability.)
      for (ServerState k : {ServerState::DOWN, ServerState::SETUP})
        losses[models::info(k).loss] = losses_of_planned[static_cast<std::size_t>(k)];
      for (const models::ServerStateInfo& info : models::SERVER_STATES)
        if (info.loss != nullptr && !info.always && possible.contains(info.state))
          losses[info.loss] = losses_of_planned[static_cast<std::size_t>(info.state)];
    }
    if (active > bottleneck_active) {
      bottleneck_active = active;
      bottleneck = plant.stations[s].id;
    }
  }
  Json& b = doc["bottleneck"] = Json::object();
  b["station"] = bottleneck;
  b["active"] = bottleneck_active;
  if (plant.transport) add_transport_sections(doc, plant, config, outcome);
  if (plant.network) add_network_sections(doc, *plant.network, config, outcome);
  add_operator_sections(doc, plant, outcome);
  add_material_sections(doc, plant, outcome);
  add_intervals(doc);
  return doc;
}

Json result_skeleton(const std::string& scenario_name, const models::PlantParams& plant, const RunConfig& config) {
  RunOutcome empty;
  models::ReplicationResult r;
  r.plant.by_product.resize(plant.products.size());
  r.stations.resize(plant.stations.size());
  r.orders.resize(plant.orders.size());
  if (plant.network) r.network = empty_network_measures(*plant.network);
  empty.replications.push_back(std::move(r));
  RunConfig one = config;
  one.replications = 1;
  return result_document(scenario_name, plant, one, empty);
}

Json result_skeleton(const scenario::ScenarioSpec& spec) {
  RunConfig config;
  config.seed = spec.seed;
  config.replications = 1;
  config.warmup = spec.warmup;
  config.horizon = spec.horizon;
  return result_skeleton(spec.name, scenario::build_plant_params(spec), config);
}

}  // namespace plantwin::run
