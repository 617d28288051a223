#pragma once
// The network part of the KPI table `plantwin run` prints: message flows, links, compute nodes
// and the stations' time waiting on the network. Empty for a plant without a network.

#include <string>

#include "run/json.hpp"

namespace plantwin::cli {

std::string format_network_report(const run::Json& doc);
/// The document's plant has a network: it has a `flows` section (even an empty one).
bool has_network(const run::Json& doc);

}  // namespace plantwin::cli
