#include "run/result_document.hpp"

#include <cmath>
#include <cstdio>
#include <limits>

#include "kernel/stats.hpp"
#include "scenario/builder.hpp"
#include "run/result_transport.hpp"
#include "run/result_network.hpp"

namespace plantwin::run {

namespace {

using models::ServerState;
constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

// A lead-time KPI: mean and ci95 over the replications' means, p50 and p95 of all good parts of
// all replications pooled (from the merged histograms).
Json lead_time_kpi(const std::vector<const models::LeadTimes*>& per_rep) {
  std::vector<double> means;
  kernel::Histogram pooled;
  for (const auto* l : per_rep) {
    means.push_back(l->completed > 0 ? l->tally.mean() : NaN);
    pooled.merge(l->histogram);
  }
  const kernel::Summary s = kernel::Summary::of(std::move(means));
  Json j = Json::object();
  j["mean"] = s.mean;
  j["ci95"] = s.ci95;
  j["p50"] = pooled.count() > 0 ? kernel::to_seconds(1) * pooled.quantile(0.50) : NaN;
  j["p95"] = pooled.count() > 0 ? kernel::to_seconds(1) * pooled.quantile(0.95) : NaN;
  j["values"] = Json::array_of(s.values);
  return j;
}

double state_fraction(const models::StationMeasures& m, ServerState s, double planned) {
  return static_cast<double>(m.state_ticks[static_cast<std::size_t>(s)]) / planned;
}

}  // namespace

Json kpi(std::vector<double> values) {
  const kernel::Summary s = kernel::Summary::of(std::move(values));
  Json j = Json::object();
  j["mean"] = s.mean;
  j["ci95"] = s.ci95;
  j["values"] = Json::array_of(s.values);
  return j;
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
  std::string bottleneck;
  double bottleneck_active = -1;
  for (std::size_t s = 0; s < plant.stations.size(); ++s) {
    const double planned_ticks = static_cast<double>(config.horizon) * plant.stations[s].params.servers;
    std::vector<double> utilization, availability, performance, quality, oee, completed, scrapped, queue, waiting_network;
    std::array<double, models::SERVER_STATE_COUNT> states{};
    double active = 0;
    for (const auto& r : reps) {
      const auto& m = r.stations[s];
      const double working = state_fraction(m, ServerState::WORKING, planned_ticks);
      const double setup = state_fraction(m, ServerState::SETUP, planned_ticks);
      const double down = state_fraction(m, ServerState::DOWN, planned_ticks);
      // Waiting for transport or for the network keeps a station from running: availability
      // losses, like failures and changeovers.
      const double waiting = state_fraction(m, ServerState::WAITING_TRANSPORT, planned_ticks) +
                             state_fraction(m, ServerState::WAITING_NETWORK, planned_ticks);
      for (std::size_t k = 0; k < models::SERVER_STATE_COUNT; ++k)
        states[k] += state_fraction(m, static_cast<ServerState>(k), planned_ticks) / static_cast<double>(reps.size());
      const double a = 1 - down - setup - waiting;
      const double perf = a > 0 ? working / a : 0;
      const double q =
          m.processed > 0 ? static_cast<double>(m.processed - m.scrapped) / static_cast<double>(m.processed) : 1.0;
      utilization.push_back(working);
      availability.push_back(a);
      performance.push_back(perf);
      quality.push_back(q);
      oee.push_back(a * perf * q);
      completed.push_back(static_cast<double>(m.completed));
      scrapped.push_back(static_cast<double>(m.scrapped));
      queue.push_back(m.queue_mean);
      waiting_network.push_back(state_fraction(m, ServerState::WAITING_NETWORK, planned_ticks));
      // A blocking exchange is part of the station's cycle (its server holds the part and takes
      // no other): it counts as active. Waiting for transport does not: like blocking, it means
      // the constraint is elsewhere (bottleneck.resource then looks at the fleets).
      active += (working + setup + down + waiting_network.back()) / static_cast<double>(reps.size());
    }
    Json& j = stations.add(plant.stations[s].id, Json::object());
    j["utilization"] = kpi(utilization);
    Json& st = j["states"] = Json::object();
    for (ServerState k : {ServerState::WORKING, ServerState::SETUP, ServerState::BLOCKED, ServerState::DOWN, ServerState::IDLE})
      st[models::server_state_name(k)] = states[static_cast<std::size_t>(k)];
    if (plant.has_transport)
      st[models::server_state_name(ServerState::WAITING_TRANSPORT)] = states[static_cast<std::size_t>(ServerState::WAITING_TRANSPORT)];
    if (plant.has_network)
      st[models::server_state_name(ServerState::WAITING_NETWORK)] = states[static_cast<std::size_t>(ServerState::WAITING_NETWORK)];
    j["oee"] = kpi(oee);
    j["availability"] = kpi(availability);
    j["performance"] = kpi(performance);
    j["quality"] = kpi(quality);
    j["completed"] = kpi(completed);
    j["scrapped"] = kpi(scrapped);
    j["queue"] = kpi(queue);
    if (plant.has_network) j["waiting_network"] = kpi(waiting_network);
    if (plant.has_transport || plant.has_network) {
      // OEE's availability losses by cause, as fractions of the planned time (means over replications).
      Json& losses = j["availability_losses"] = Json::object();
      losses["failure"] = states[static_cast<std::size_t>(ServerState::DOWN)];
      losses["setup"] = states[static_cast<std::size_t>(ServerState::SETUP)];
      if (plant.has_transport) losses["transport"] = states[static_cast<std::size_t>(ServerState::WAITING_TRANSPORT)];
      if (plant.has_network) losses["network"] = states[static_cast<std::size_t>(ServerState::WAITING_NETWORK)];
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
