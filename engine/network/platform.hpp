#pragma once
/// What the network layer builds in SimGrid, described without SimGrid types: hosts (the
/// endpoints of transfers, some of which compute), channels (one SimGrid link each: one direction
/// of one slice of a link of the scenario) and routes (the channels a transfer crosses, in order,
/// computed by the topology layer from the scenario's graph).
///
/// Units: bandwidths in bytes per second; a host's cores compute one second of work per second
/// each (a computation's amount is its duration on an idle core).

#include <cstdint>
#include <string>
#include <vector>

namespace plantwin::network {

using HostIndex = std::uint32_t;
using ChannelIndex = std::uint32_t;
using RouteIndex = std::uint32_t;

struct Platform {
  struct Host {
    std::string name;
    int cores = 0;  ///< 0: the host does not compute (a device)
  };
  struct Channel {
    std::string name;
    double bandwidth = 0;  ///< bytes per second, shared max-min by the transfers that cross it
  };
  struct Route {
    HostIndex from = 0;
    HostIndex to = 0;
    std::vector<ChannelIndex> channels;  ///< in the order a transfer crosses them (non-empty)
  };
  std::vector<Host> hosts;
  std::vector<Channel> channels;
  std::vector<Route> routes;
};

}  // namespace plantwin::network
