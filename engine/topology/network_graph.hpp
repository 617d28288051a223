#pragma once
/// The network's topology as an undirected graph, held in Boost.Graph: one vertex per network
/// node (5G cell, switch, edge server, cloud), one edge per wired link between two nodes (parallel
/// links allowed). Routes between nodes are shortest paths: least total latency, then fewest
/// links, then (for equal paths) the links declared first. The scenario layer adds each end's
/// access (a cell's 5G link, a switch port) around the path between the two nodes.
///
/// Topology is data: models never see vertex descriptors; they get link indices.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace plantwin::topology {

struct NetworkInput {
  std::size_t nodes = 0;
  struct Link {
    std::size_t a = 0, b = 0;  ///< node indices
    std::int64_t latency = 0;  ///< ticks, 0 .. 10 s
  };
  std::vector<Link> links;
};

/// One link crossed by a path, and its direction: `forward` when it is crossed from its `a` end.
struct Hop {
  std::size_t link = 0;
  bool forward = true;
};

class NetworkGraph {
 public:
  explicit NetworkGraph(const NetworkInput& input);
  ~NetworkGraph();
  NetworkGraph(const NetworkGraph&) = delete;
  NetworkGraph& operator=(const NetworkGraph&) = delete;

  /// The links from node `from` to node `to`, in crossing order (empty when from == to), or
  /// nullopt when no path joins them.
  std::optional<std::vector<Hop>> path(std::size_t from, std::size_t to) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace plantwin::topology
