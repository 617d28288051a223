#include "run/result_transport.hpp"

#include <limits>

#include "run/result_document.hpp"

namespace plantwin::run {

namespace {

using models::VehicleState;
constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

double fraction(const models::VehicleMeasures& v, VehicleState s, double horizon_ticks) {
  return static_cast<double>(v.state_ticks[static_cast<std::size_t>(s)]) / horizon_ticks;
}

/// Mean and interval over the replications' means, p50 and p95 over every observation pooled.
Json wait_kpi(const std::vector<const kernel::Tally*>& tallies, const std::vector<const kernel::Histogram*>& histograms) {
  std::vector<double> means;
  for (const auto* t : tallies) means.push_back(t->count() > 0 ? t->mean() : NaN);
  kernel::Histogram pooled;
  for (const auto* h : histograms) pooled.merge(*h);
  return kpi(std::move(means), pooled, {{"p50", 0.50}, {"p95", 0.95}});
}

/// The state fractions of a set of vehicles: sums over them divided by their time.
struct VehicleSplit {
  std::array<double, models::VEHICLE_STATE_COUNT> fraction{};
  double active() const {
    return 1 - fraction[static_cast<std::size_t>(VehicleState::IDLE)] - fraction[static_cast<std::size_t>(VehicleState::BLOCKED)];
  }
  double utilization() const { return 1 - fraction[static_cast<std::size_t>(VehicleState::IDLE)]; }
};

VehicleSplit split(const std::vector<models::VehicleMeasures>& vehicles, std::size_t first, std::size_t count,
                   double horizon_ticks) {
  VehicleSplit s;
  for (std::size_t k = first; k < first + count && k < vehicles.size(); ++k)
    for (std::size_t st = 0; st < models::VEHICLE_STATE_COUNT; ++st)
      s.fraction[st] += fraction(vehicles[k], static_cast<VehicleState>(st), horizon_ticks) / static_cast<double>(count);
  if (vehicles.size() < first + count) s.fraction[static_cast<std::size_t>(VehicleState::IDLE)] = 1;  // the skeleton
  return s;
}

/// The KPIs of one vehicle, or of a whole fleet (first = 0, count = vehicles). `network`: the
/// plant has one (vehicles can wait for commands: the state waiting_network is reported).
void time_kpis(Json& j, const std::vector<const models::FleetMeasures*>& reps, std::size_t first, std::size_t count,
               double horizon_ticks, bool network) {
  std::vector<VehicleSplit> splits;
  for (const auto* m : reps) splits.push_back(split(m->vehicles, first, count, horizon_ticks));
  std::vector<double> utilization, active, distance, trips;
  for (std::size_t r = 0; r < reps.size(); ++r) {
    utilization.push_back(splits[r].utilization());
    active.push_back(splits[r].active());
    double d = 0, t = 0;
    for (std::size_t k = first; k < first + count && k < reps[r]->vehicles.size(); ++k) {
      d += reps[r]->vehicles[k].distance_m;
      t += static_cast<double>(reps[r]->vehicles[k].trips);
    }
    distance.push_back(d);
    trips.push_back(t);
  }
  j["utilization"] = kpi(utilization);
  j["active"] = kpi(active);
  Json& states = j["states"] = Json::object();
  for (std::size_t st = 0; st < models::VEHICLE_STATE_COUNT; ++st) {
    if (!network && static_cast<VehicleState>(st) == VehicleState::WAITING_NETWORK) continue;
    std::vector<double> values;
    for (const VehicleSplit& s : splits) values.push_back(s.fraction[st]);
    states[models::vehicle_state_name(static_cast<VehicleState>(st))] = kpi(values);
  }
  j["distance_m"] = kpi(distance);
  j["trips"] = kpi(trips);
}

}  // namespace

void add_transport_sections(Json& doc, const models::PlantParams& plant, const RunConfig& config,
                            const RunOutcome& outcome) {
  const models::TransportParams& t = *plant.transport;
  const auto& reps = outcome.replications;
  const double horizon_ticks = static_cast<double>(config.horizon);
  const double hours = kernel::to_seconds(config.horizon) / 3600.0;
  // The busiest resource: the bottleneck station, then fleets and arms in declaration order.
  Json& bottleneck = doc["bottleneck"];
  Json resource = Json::object();
  resource["kind"] = "station";
  resource["id"] = *bottleneck.find("station");
  resource["active"] = *bottleneck.find("active");
  double best = bottleneck.find("active")->number();
  const auto compete = [&](const char* kind, const std::string& id, double active) {
    if (!(active > best)) return;
    best = active;
    resource["kind"] = kind;
    resource["id"] = id;
    resource["active"] = active;
  };

  if (!t.fleets.empty()) {
    Json& fleets = doc["fleets"] = Json::object();
    for (std::size_t f = 0; f < t.fleets.size(); ++f) {
      const models::FleetParams& fp = t.fleets[f];
      const models::FleetMeasures empty{std::vector<models::VehicleMeasures>(static_cast<std::size_t>(fp.vehicles)), 0, {}, {}, 0, 0};
      std::vector<const models::FleetMeasures*> per_rep;
      for (const auto& r : reps) per_rep.push_back(f < r.transport.fleets.size() ? &r.transport.fleets[f] : &empty);
      const auto vehicles = static_cast<std::size_t>(fp.vehicles);
      Json& j = fleets.add(fp.id, Json::object());
      j["vehicles"] = fp.vehicles;
      time_kpis(j, per_rep, 0, vehicles, horizon_ticks, plant.has_network);
      std::vector<double> moved, requests, waiting;
      std::vector<const kernel::Tally*> tallies;
      std::vector<const kernel::Histogram*> histograms;
      for (const auto* m : per_rep) {
        moved.push_back(static_cast<double>(m->moved));
        requests.push_back(static_cast<double>(m->requests));
        waiting.push_back(m->waiting_requests_mean);
        tallies.push_back(&m->request_wait);
        histograms.push_back(&m->request_wait_histogram);
      }
      j["moved"] = kpi(moved);
      j["requests"] = kpi(requests);
      j["request_wait_s"] = wait_kpi(tallies, histograms);
      j["waiting_requests"] = kpi(waiting);
      Json& by_vehicle = j["by_vehicle"] = Json::object();
      for (std::size_t k = 0; k < vehicles; ++k) {
        Json& v = by_vehicle.add(std::to_string(k), Json::object());
        time_kpis(v, per_rep, k, 1, horizon_ticks, plant.has_network);
        std::vector<double> charges;
        for (const auto* m : per_rep) charges.push_back(k < m->vehicles.size() ? static_cast<double>(m->vehicles[k].charges) : 0.0);
        v["charges"] = kpi(charges);
      }
      compete("fleet", fp.id, j.find("active")->find("mean")->number());
    }
  }

  if (!t.conveyors.empty()) {
    Json& conveyors = doc["conveyors"] = Json::object();
    for (std::size_t c = 0; c < t.conveyors.size(); ++c) {
      std::vector<double> occupancy, full, moved, time_on;
      for (const auto& r : reps) {
        const models::ConveyorMeasures m = c < r.transport.conveyors.size() ? r.transport.conveyors[c] : models::ConveyorMeasures{};
        occupancy.push_back(m.occupancy_mean);
        full.push_back(m.full_fraction);
        moved.push_back(static_cast<double>(m.moved));
        time_on.push_back(m.time_on.count() > 0 ? m.time_on.mean() : NaN);
      }
      Json& j = conveyors.add(t.conveyors[c].id, Json::object());
      j["capacity"] = t.conveyors[c].capacity;
      j["occupancy"] = kpi(occupancy);
      j["full"] = kpi(full);
      j["moved"] = kpi(moved);
      j["time_on_s"] = kpi(time_on);
    }
  }

  if (!t.arms.empty()) {
    Json& arms = doc["arms"] = Json::object();
    for (std::size_t a = 0; a < t.arms.size(); ++a) {
      std::vector<double> utilization, cycles, wait, queue;
      for (const auto& r : reps) {
        const models::ArmMeasures m = a < r.transport.arms.size() ? r.transport.arms[a] : models::ArmMeasures{};
        utilization.push_back(m.busy_fraction);
        cycles.push_back(static_cast<double>(m.cycles));
        wait.push_back(m.wait.count() > 0 ? m.wait.mean() : NaN);
        queue.push_back(m.queue_mean);
      }
      Json& j = arms.add(t.arms[a].id, Json::object());
      j["utilization"] = kpi(utilization);
      j["cycles"] = kpi(cycles);
      j["cycles_per_h"] = kpi([&] {
        std::vector<double> v;
        for (double c : cycles) v.push_back(c / hours);
        return v;
      }());
      j["wait_s"] = kpi(wait);
      j["queue"] = kpi(queue);
      compete("arm", t.arms[a].id, j.find("utilization")->find("mean")->number());
    }
  }
  bottleneck["resource"] = std::move(resource);
}

}  // namespace plantwin::run
