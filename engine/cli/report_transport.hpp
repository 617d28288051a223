#pragma once
// The transport part of the KPI table `plantwin run` prints: fleets, arms and conveyors, and the
// bottleneck when it is a transport resource. Read from the result document like the rest.

#include <string>

#include "run/json.hpp"

namespace plantwin::cli {

/// The fleet, arm and conveyor tables; "" when the document has none.
std::string format_transport_report(const run::Json& doc);
/// "bottleneck: agv (fleet ...)" when the busiest resource is a fleet or an arm; "" otherwise.
std::string transport_bottleneck_line(const run::Json& doc);

}  // namespace plantwin::cli
