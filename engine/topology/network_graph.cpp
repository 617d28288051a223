#include "topology/network_graph.hpp"

#include <algorithm>
#include <limits>
#include <map>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>

namespace plantwin::topology {

namespace {
// A path's weight: its latency in ticks, then its number of links. Latencies are at most 10 s
// (1e10 ticks) and paths have fewer than 2^20 links, so the weight fits easily in 64 bits.
constexpr std::int64_t HOP_WEIGHT = 1;
constexpr std::int64_t LATENCY_SCALE = std::int64_t{1} << 20;
}  // namespace

struct NetworkGraph::Impl {
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property,
                                      boost::property<boost::edge_weight_t, std::int64_t,
                                                      boost::property<boost::edge_index_t, std::size_t>>>;
  Graph graph;
  std::vector<NetworkInput::Link> links;
  // Predecessor links per source node, computed on first use (std::map: ordered, deterministic).
  mutable std::map<std::size_t, std::vector<std::size_t>> predecessors;

  // For each node, the link by which the shortest path from `source` arrives (or SIZE_MAX).
  const std::vector<std::size_t>& tree(std::size_t source) const {
    const auto found = predecessors.find(source);
    if (found != predecessors.end()) return found->second;
    const std::size_t n = boost::num_vertices(graph);
    std::vector<std::int64_t> distance(n, std::numeric_limits<std::int64_t>::max());
    std::vector<std::size_t> vertex_before(n);
    boost::dijkstra_shortest_paths(
        graph, source,
        boost::predecessor_map(boost::make_iterator_property_map(vertex_before.begin(), boost::get(boost::vertex_index, graph)))
            .distance_map(boost::make_iterator_property_map(distance.begin(), boost::get(boost::vertex_index, graph))));
    // Dijkstra gives the vertex before each one; among parallel links the lightest one, then the
    // one declared first, is the link of the path.
    std::vector<std::size_t> via(n, std::numeric_limits<std::size_t>::max());
    const auto weight = boost::get(boost::edge_weight, graph);
    const auto index = boost::get(boost::edge_index, graph);
    for (std::size_t v = 0; v < n; ++v) {
      if (v == source || distance[v] == std::numeric_limits<std::int64_t>::max()) continue;
      const std::size_t u = vertex_before[v];
      for (auto [e, end] = boost::out_edges(u, graph); e != end; ++e) {
        if (boost::target(*e, graph) != v || distance[u] + weight[*e] != distance[v]) continue;
        via[v] = std::min(via[v], index[*e]);
      }
    }
    return predecessors.emplace(source, std::move(via)).first->second;
  }
};

NetworkGraph::NetworkGraph(const NetworkInput& input) : impl_(std::make_unique<Impl>()) {
  impl_->graph = Impl::Graph(input.nodes);
  impl_->links = input.links;
  for (std::size_t i = 0; i < input.links.size(); ++i) {
    const auto& l = input.links[i];
    boost::add_edge(l.a, l.b, Impl::Graph::edge_property_type(l.latency * LATENCY_SCALE + HOP_WEIGHT, i), impl_->graph);
  }
}

NetworkGraph::~NetworkGraph() = default;

std::optional<std::vector<Hop>> NetworkGraph::path(std::size_t from, std::size_t to) const {
  if (from == to) return std::vector<Hop>{};
  const std::vector<std::size_t>& via = impl_->tree(from);
  if (via[to] == std::numeric_limits<std::size_t>::max()) return std::nullopt;
  std::vector<Hop> hops;
  for (std::size_t v = to; v != from;) {
    const NetworkInput::Link& l = impl_->links[via[v]];
    // Arriving at v over l: crossed from a to b when v is b.
    hops.push_back(Hop{via[v], l.b == v});
    v = l.b == v ? l.a : l.b;
  }
  std::reverse(hops.begin(), hops.end());
  return hops;
}

}  // namespace plantwin::topology
