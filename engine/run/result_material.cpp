#include "run/result_material.hpp"

#include <limits>
#include <vector>

#include "run/result_document.hpp"

namespace plantwin::run {

namespace {
constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

/// Whether each station assembles: the first station of a product with a bill of materials.
std::vector<bool> assembly_stations(const models::PlantParams& plant) {
  std::vector<bool> out(plant.stations.size(), false);
  for (const models::ProductParams& p : plant.products)
    if (!p.bom.empty() && !p.route.empty() && p.route.front().station < out.size()) out[p.route.front().station] = true;
  return out;
}
}  // namespace

void add_material_sections(Json& doc, const models::PlantParams& plant, const RunOutcome& outcome) {
  const auto& reps = outcome.replications;
  Json& stations = doc["stations"];
  const std::vector<bool> assembles = assembly_stations(plant);
  for (std::size_t s = 0; s < plant.stations.size(); ++s) {
    const models::StationParams& params = plant.stations[s].params;
    const bool assembly = assembles[s];
    // Every station that can fail a part counts its failed passes (PLANNING.md §4), scrapped or not.
    const bool rejects = params.yield < 1.0 || params.rejects.has_value();
    if (!rejects && !params.batch && !assembly) continue;
    std::vector<double> rejected, reworked, visits, consumed, kits, count, size, wait;
    for (const auto& r : reps) {
      const models::StationMeasures& m = r.stations[s];
      rejected.push_back(static_cast<double>(m.rejected));
      reworked.push_back(static_cast<double>(m.reworked));
      // Passes per good pass: 1/y with unlimited attempts (docs/planning.md, "Rework").
      visits.push_back(m.completed > 0 ? static_cast<double>(m.processed) / static_cast<double>(m.completed) : NaN);
      consumed.push_back(static_cast<double>(m.consumed));
      kits.push_back(m.kits_waiting);
      count.push_back(static_cast<double>(m.batch_size.count()));
      size.push_back(m.batch_size.count() > 0 ? m.batch_size.mean() : NaN);
      wait.push_back(m.fill_wait.count() > 0 ? m.fill_wait.mean() : NaN);
    }
    // The section holds every station in plant order (result_document.cpp): found by its index,
    // not by a search through up to 100,000 ids.
    auto& members = stations.members();
    Json& j = s < members.size() && members[s].first == plant.stations[s].id ? members[s].second : stations[plant.stations[s].id];
    if (rejects) j["rejected"] = kpi(rejected);
    if (params.rejects) {
      j["reworked"] = kpi(reworked);
      j["visits_per_good_part"] = kpi(visits);
    }
    if (assembly) {
      j["consumed"] = kpi(consumed);
      j["kits_waiting"] = kpi(kits);
    }
    if (params.batch) {
      Json& b = j["batches"] = Json::object();
      b["count"] = kpi(count);
      b["mean_size"] = kpi(size);
      b["fill_wait_s"] = kpi(wait);
    }
  }
  bool limited = false;
  for (const models::NamedSource& s : plant.sources) limited = limited || s.params.wip_limit.has_value();
  if (!limited) return;
  Json& sources = doc["sources"] = Json::object();
  for (std::size_t k = 0; k < plant.sources.size(); ++k) {
    if (!plant.sources[k].params.wip_limit) continue;
    std::vector<double> backlog;
    for (const auto& r : reps) backlog.push_back(k < r.sources.size() ? r.sources[k].backlog_mean : 0.0);
    Json& j = sources.add(plant.sources[k].id, Json::object());  // source ids are unique (the loader says so)
    j["wip_limit"] = *plant.sources[k].params.wip_limit;
    j["backlog"] = kpi(backlog);
  }
}

}  // namespace plantwin::run
