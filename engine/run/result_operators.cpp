#include "run/result_operators.hpp"

#include <limits>

#include "kernel/stats.hpp"
#include "run/result_document.hpp"

namespace plantwin::run {

namespace {
constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
}  // namespace

void add_operator_sections(Json& doc, const models::PlantParams& plant, const RunOutcome& outcome) {
  if (plant.operators.empty()) return;
  const auto& reps = outcome.replications;
  Json& section = doc["operators"] = Json::object();
  Json& bottleneck = doc["bottleneck"];
  Json* resource = bottleneck.find("resource") != nullptr ? &bottleneck["resource"] : nullptr;
  double best = resource != nullptr ? resource->find("active")->number() : bottleneck.find("active")->number();
  std::string best_pool;
  for (std::size_t p = 0; p < plant.operators.size(); ++p) {
    const models::OperatorPoolParams& pool = plant.operators[p];
    std::vector<double> utilization, requests, waits;
    std::array<std::vector<double>, models::OPERATOR_TASK_COUNT> busy;
    kernel::Histogram pooled;
    for (const auto& r : reps) {
      const models::OperatorMeasures m = p < r.operators.size() ? r.operators[p] : models::OperatorMeasures{};
      // Busy over the operators' on-time, taken literally: overtime can lift it above 1.
      const double capacity = static_cast<double>(pool.count) * m.on_time;
      double total = 0;
      for (std::size_t t = 0; t < models::OPERATOR_TASK_COUNT; ++t) {
        busy[t].push_back(capacity > 0 ? m.busy[t] / capacity : NaN);
        total += m.busy[t];
      }
      utilization.push_back(capacity > 0 ? total / capacity : NaN);
      requests.push_back(static_cast<double>(m.wait.count()));
      waits.push_back(m.wait.count() > 0 ? m.wait.mean() : NaN);
      pooled.merge(m.wait_histogram);
    }
    Json& j = section.add(pool.id, Json::object());  // pool ids are unique (the loader says so)
    j["count"] = pool.count;
    j["utilization"] = kpi(utilization);
    Json& by_task = j["busy"] = Json::object();
    for (std::size_t t = 0; t < models::OPERATOR_TASK_COUNT; ++t)
      by_task[models::operator_task_name(static_cast<models::OperatorTask>(t))] = kpi(busy[t]);
    Json wait = kpi(waits);
    wait["p95"] = pooled.count() > 0 ? pooled.quantile_seconds(0.95) : NaN;
    j["wait_s"] = std::move(wait);
    j["requests"] = kpi(requests);
    const double u = j.find("utilization")->find("mean")->number();
    if (u > best) {
      best = u;
      best_pool = pool.id;
    }
  }
  if (best_pool.empty()) {
    if (resource == nullptr) {
      Json r = Json::object();
      r["kind"] = "station";
      r["id"] = *bottleneck.find("station");
      r["active"] = *bottleneck.find("active");
      bottleneck["resource"] = std::move(r);
    }
    return;
  }
  Json r = Json::object();
  r["kind"] = "operators";
  r["id"] = best_pool;
  r["active"] = best;
  bottleneck["resource"] = std::move(r);
}

}  // namespace plantwin::run
