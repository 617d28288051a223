#pragma once
/// The AGV path network: nodes (points of the floor, in metres) joined by segments (a length in
/// metres, two-way or one-way), held in Boost.Graph. Its one job at run time is a table, computed
/// once per scenario with Dijkstra's algorithm by LENGTH (never by number of hops): for every node
/// that vehicles head for (a station's place, a home, a charger) and every node of the network,
/// the length of the shortest path there and the first segment to take. Vehicles follow the table
/// segment by segment; models see node and segment indices into the scenario's own lists, never
/// Boost descriptors.
///
/// Ties between paths of equal length are broken by Dijkstra's order on the graph as built
/// (segments in the order given), so the table is the same for the same file on every run.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

namespace plantwin::topology {

using NodeIndex = std::uint32_t;
using SegmentIndex = std::uint32_t;
inline constexpr NodeIndex NO_NODE = std::numeric_limits<NodeIndex>::max();
inline constexpr SegmentIndex NO_SEGMENT = std::numeric_limits<SegmentIndex>::max();
/// The distance to a node that cannot be reached.
inline constexpr double UNREACHABLE = std::numeric_limits<double>::infinity();

struct PathSegment {
  NodeIndex from = 0;
  NodeIndex to = 0;
  double length = 0;  ///< metres, > 0
  bool one_way = false;  ///< only from -> to
};

/// Shortest paths by length from every node to each of a set of target nodes. Plain data: built
/// once, then read by every replication.
class PathTable {
 public:
  PathTable() = default;
  PathTable(std::size_t node_count, std::vector<NodeIndex> targets, std::vector<double> distance,
            std::vector<SegmentIndex> next);

  std::size_t node_count() const { return node_count_; }
  std::size_t target_count() const { return targets_.size(); }
  NodeIndex target(std::size_t slot) const { return targets_[slot]; }
  /// The slot of `node` among the targets, or -1 when it is none.
  std::int64_t slot_of(NodeIndex node) const { return node < slot_of_.size() ? slot_of_[node] : -1; }
  /// Metres of the shortest path from `from` to the target in `slot`; UNREACHABLE when none.
  double distance(std::size_t slot, NodeIndex from) const { return distance_[slot * node_count_ + from]; }
  /// The first segment of that path; NO_SEGMENT at the target itself or when unreachable.
  SegmentIndex next_segment(std::size_t slot, NodeIndex from) const { return next_[slot * node_count_ + from]; }

 private:
  std::size_t node_count_ = 0;
  std::vector<NodeIndex> targets_;
  std::vector<std::int64_t> slot_of_;
  std::vector<double> distance_;    // [slot][node]
  std::vector<SegmentIndex> next_;  // [slot][node]
};

/// Which nodes can drive to which: the network's strongly connected components and, between
/// them, a search of the graph of components, run once per component a question starts from.
/// Memory grows with the nodes and segments (a table of every pair would not fit for 20,000
/// nodes); two nodes of one component are answered at once.
class Reachability {
 public:
  Reachability(std::vector<std::uint32_t> component, std::vector<std::vector<std::uint32_t>> successors);
  std::uint32_t component(NodeIndex node) const { return component_[node]; }
  /// Whether a vehicle at `from` can drive to `to`.
  bool reachable(NodeIndex from, NodeIndex to) const;

 private:
  std::vector<std::uint32_t> component_;                 // [node]
  std::vector<std::vector<std::uint32_t>> successors_;   // [component]: components one segment away
  mutable std::vector<std::vector<bool>> reached_;       // [component]: what it reaches, once asked
};

class PathNetwork {
 public:
  /// Precondition: every segment's nodes are < node_count and its length is > 0.
  PathNetwork(std::size_t node_count, const std::vector<PathSegment>& segments);
  ~PathNetwork();
  PathNetwork(const PathNetwork&) = delete;
  PathNetwork& operator=(const PathNetwork&) = delete;

  std::size_t node_count() const { return node_count_; }
  /// Runs Dijkstra once per target, on the reversed graph: the distance from every node to the
  /// target and the first segment of the shortest path. Duplicate targets are kept once, in the
  /// order given.
  PathTable shortest_paths_to(const std::vector<NodeIndex>& targets) const;
  /// Which nodes reach which, without a table of every pair.
  Reachability reachability() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::size_t node_count_;
};

}  // namespace plantwin::topology
