#include "run/kpi_traits.hpp"

namespace plantwin::run {

namespace {

using kernel::ValueRange;

struct Row {
  std::string_view section;  ///< the document's top-level key
  std::string_view name;     ///< the KPI's own name, the last of its path
  ValueRange range;
  Direction direction;
};

constexpr ValueRange COUNT = ValueRange::NON_NEGATIVE;
constexpr ValueRange SHARE = ValueRange::FRACTION;

// Every KPI object of the document whose range or direction is not the default (NON_NEGATIVE, no
// direction). Utilisation, performance and OEE have no direction: with the same output, a higher
// utilisation means slower work and a lower one more capacity (a second oven halves the oven's),
// and a lower output already shows in throughput; availability (failures, changeovers, waits) and
// quality (scrap) are losses, better higher.
constexpr Row ROWS[] = {
    {"kpis", "throughput_per_h", COUNT, Direction::HIGHER},
    {"kpis", "lead_time_s", COUNT, Direction::LOWER},
    {"kpis", "wip", COUNT, Direction::LOWER},
    {"kpis", "completed", COUNT, Direction::HIGHER},
    {"kpis", "scrapped", COUNT, Direction::LOWER},
    {"products", "throughput_per_h", COUNT, Direction::HIGHER},
    {"products", "lead_time_s", COUNT, Direction::LOWER},
    {"products", "completed", COUNT, Direction::HIGHER},
    {"orders", "completed", COUNT, Direction::HIGHER},
    {"orders", "on_time", SHARE, Direction::HIGHER},  // by_order's on_time is BINARY, below
    {"orders", "tardiness_s", COUNT, Direction::LOWER},
    {"orders", "done_s", COUNT, Direction::LOWER},
    {"stations", "utilization", SHARE, Direction::NONE},
    {"stations", "availability", SHARE, Direction::HIGHER},
    {"stations", "performance", SHARE, Direction::NONE},
    {"stations", "quality", SHARE, Direction::HIGHER},
    {"stations", "oee", SHARE, Direction::NONE},
    {"stations", "waiting_network", SHARE, Direction::LOWER},
    {"stations", "completed", COUNT, Direction::HIGHER},
    {"stations", "scrapped", COUNT, Direction::LOWER},
    {"stations", "queue", COUNT, Direction::LOWER},
    {"fleets", "utilization", SHARE, Direction::NONE},
    {"fleets", "active", SHARE, Direction::NONE},
    {"fleets", "request_wait_s", COUNT, Direction::LOWER},
    {"fleets", "waiting_requests", COUNT, Direction::LOWER},
    {"conveyors", "full", SHARE, Direction::LOWER},
    {"arms", "utilization", SHARE, Direction::NONE},
    {"arms", "wait_s", COUNT, Direction::LOWER},
    {"arms", "queue", COUNT, Direction::LOWER},
    {"flows", "latency_s", COUNT, Direction::LOWER},
    {"flows", "lost", COUNT, Direction::LOWER},
    {"flows", "retransmissions", COUNT, Direction::LOWER},
    {"links", "", SHARE, Direction::NONE},  // utilization, per direction and slice, and down
    {"nodes", "utilization", SHARE, Direction::NONE},
    {"stations", "repair_wait_s", COUNT, Direction::LOWER},
    // A pool's utilization is over its on-time taken literally: overtime lifts it above 1.
    {"operators", "wait_s", COUNT, Direction::LOWER},
    {"stations", "rejected", COUNT, Direction::LOWER},
    {"stations", "reworked", COUNT, Direction::LOWER},
    {"stations", "visits_per_good_part", COUNT, Direction::LOWER},
    {"stations", "consumed", COUNT, Direction::NONE},
    {"stations", "kits_waiting", COUNT, Direction::LOWER},
    {"stations", "count", COUNT, Direction::NONE},  // stations.ID.batches.count
    {"stations", "mean_size", COUNT, Direction::NONE},
    {"stations", "fill_wait_s", COUNT, Direction::LOWER},
    {"sources", "backlog", COUNT, Direction::LOWER},
};

}  // namespace

KpiTraits kpi_traits(const std::vector<std::string>& path) {
  if (path.size() < 2) return {};
  const std::string& section = path.front();
  const std::string& name = path.back();
  const std::string& parent = path[path.size() - 2];
  // One order's on_time is 1 or 0 in each replication: a proportion of replications.
  if (section == "orders" && name == "on_time" && path.size() > 2) return {ValueRange::BINARY, Direction::HIGHER};
  // Vehicle states (fleets.<id>.states.<state>, and per vehicle) are shares of the time.
  if (section == "fleets" && parent == "states") return {SHARE, Direction::NONE};
  for (const Row& row : ROWS)
    if (row.section == section && (row.name == name || row.name.empty())) return {row.range, row.direction};
  return {};
}

std::string_view direction_name(Direction direction) {
  switch (direction) {
    case Direction::HIGHER: return "higher";
    case Direction::LOWER: return "lower";
    case Direction::NONE: break;
  }
  return "none";
}

}  // namespace plantwin::run
