#include "topology/path_network.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/graph/reverse_graph.hpp>
#include <boost/graph/strong_components.hpp>

namespace plantwin::topology {

PathTable::PathTable(std::size_t node_count, std::vector<NodeIndex> targets, std::vector<double> distance,
                     std::vector<SegmentIndex> next)
    : node_count_(node_count),
      targets_(std::move(targets)),
      slot_of_(node_count, -1),
      distance_(std::move(distance)),
      next_(std::move(next)) {
  for (std::size_t k = 0; k < targets_.size(); ++k) slot_of_[targets_[k]] = static_cast<std::int64_t>(k);
}

// One directed edge per direction a segment can be driven; each edge carries its segment's index
// and length. Bidirectional storage, so that the reversed graph (edges into a node) is cheap.
struct PathNetwork::Impl {
  struct Edge {
    double length = 0;
    SegmentIndex segment = 0;
  };
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, boost::no_property, Edge>;
  Graph graph;
};

PathNetwork::PathNetwork(std::size_t node_count, const std::vector<PathSegment>& segments)
    : impl_(std::make_unique<Impl>()), node_count_(node_count) {
  impl_->graph = Impl::Graph(node_count);
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const PathSegment& s = segments[i];
    const Impl::Edge e{s.length, static_cast<SegmentIndex>(i)};
    boost::add_edge(s.from, s.to, e, impl_->graph);
    if (!s.one_way) boost::add_edge(s.to, s.from, e, impl_->graph);
  }
}

PathNetwork::~PathNetwork() = default;

namespace {

// Records, for each vertex whose distance improves, the segment of the edge that improved it: on
// the reversed graph that edge leaves the vertex (in the real direction) towards the target.
struct RecordSegment {
  using event_filter = boost::on_edge_relaxed;
  std::vector<SegmentIndex>* next;
  template <class E, class G>
  void operator()(E e, const G& g) const {
    (*next)[boost::target(e, g)] = g[e].segment;
  }
};

}  // namespace

PathTable PathNetwork::shortest_paths_to(const std::vector<NodeIndex>& requested) const {
  std::vector<NodeIndex> targets;
  std::vector<bool> seen(node_count_, false);
  for (NodeIndex t : requested)
    if (!seen[t]) {
      seen[t] = true;
      targets.push_back(t);
    }
  const auto reversed = boost::make_reverse_graph(impl_->graph);
  const auto length = boost::get(&Impl::Edge::length, reversed);
  std::vector<double> distance(targets.size() * node_count_, UNREACHABLE);
  std::vector<SegmentIndex> next(targets.size() * node_count_, NO_SEGMENT);
  std::vector<double> d(node_count_);
  std::vector<SegmentIndex> first(node_count_);
  for (std::size_t k = 0; k < targets.size(); ++k) {
    std::fill(d.begin(), d.end(), UNREACHABLE);
    std::fill(first.begin(), first.end(), NO_SEGMENT);
    const RecordSegment record{&first};
    boost::dijkstra_shortest_paths(
        reversed, targets[k],
        boost::weight_map(length)
            .distance_map(boost::make_iterator_property_map(d.begin(), boost::get(boost::vertex_index, reversed)))
            .distance_inf(UNREACHABLE)
            .visitor(boost::make_dijkstra_visitor(record)));
    std::copy(d.begin(), d.end(), distance.begin() + static_cast<std::ptrdiff_t>(k * node_count_));
    std::copy(first.begin(), first.end(), next.begin() + static_cast<std::ptrdiff_t>(k * node_count_));
  }
  return PathTable(node_count_, std::move(targets), std::move(distance), std::move(next));
}

Reachability PathNetwork::reachability() const {
  const Impl::Graph& g = impl_->graph;
  std::vector<std::uint32_t> component(node_count_, 0);
  const std::size_t count = node_count_ == 0 ? 0 : boost::strong_components(
      g, boost::make_iterator_property_map(component.begin(), boost::get(boost::vertex_index, g)));
  std::vector<std::vector<std::uint32_t>> successors(count);
  for (auto [e, end] = boost::edges(g); e != end; ++e) {
    const std::uint32_t from = component[boost::source(*e, g)], to = component[boost::target(*e, g)];
    if (from != to) successors[from].push_back(to);
  }
  return Reachability(std::move(component), std::move(successors));
}

Reachability::Reachability(std::vector<std::uint32_t> component, std::vector<std::vector<std::uint32_t>> successors)
    : component_(std::move(component)), successors_(std::move(successors)), reached_(successors_.size()) {}

bool Reachability::reachable(NodeIndex from, NodeIndex to) const {
  const std::uint32_t a = component_[from], b = component_[to];
  if (a == b) return true;
  std::vector<bool>& reached = reached_[a];
  if (reached.empty()) {
    reached.assign(successors_.size(), false);
    std::vector<std::uint32_t> stack{a};
    reached[a] = true;
    while (!stack.empty()) {
      const std::uint32_t c = stack.back();
      stack.pop_back();
      for (std::uint32_t next : successors_[c])
        if (!reached[next]) {
          reached[next] = true;
          stack.push_back(next);
        }
    }
  }
  return reached[b];
}

}  // namespace plantwin::topology
