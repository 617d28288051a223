#pragma once
/// What plantwin knows about each KPI of the result document beyond its numbers: the values it
/// can take, which decides its confidence interval, and which way is better, which decides what
/// `plantwin check --baseline` counts as worse. One table, by the KPI's name and the section it
/// is in (kpis.md, "Intervals" and "Directions").

#include <string>
#include <string_view>
#include <vector>

#include "kernel/stats.hpp"
#include "scenario/loader.hpp"

namespace plantwin::run {

/// Which way a KPI is better: HIGHER (throughput, completed, on time, a station's availability and
/// quality), LOWER (lead time, WIP, tardiness, scrap, queues, waits, latency, losses) or NONE (a
/// fleet's utilisation, a flow's message count: reported, never gated). The expectation file's
/// `direction` uses the same type.
using scenario::Direction;

struct KpiTraits {
  kernel::ValueRange range = kernel::ValueRange::NON_NEGATIVE;
  Direction direction = Direction::NONE;
};

/// The traits of the KPI object at `path`, the names from the top of the document:
/// {"kpis", "lead_time_s"}, {"stations", "reflow", "utilization"},
/// {"orders", "by_order", "MB-1001", "on_time"}, {"fleets", "agv", "states", "idle"}.
/// A KPI the table does not name is NON_NEGATIVE with no direction.
KpiTraits kpi_traits(const std::vector<std::string>& path);

/// "higher", "lower" or "none": the words of the expectation file and the check section.
std::string_view direction_name(Direction direction);

}  // namespace plantwin::run
