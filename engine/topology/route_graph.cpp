#include "topology/route_graph.hpp"

#include <algorithm>
#include <map>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/strong_components.hpp>

namespace plantwin::topology {

// Vertices: stations 0..S-1, then sources S..S+K-1, then the exit S+K.
struct RouteGraph::Impl {
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, boost::no_property,
                                      boost::property<boost::edge_name_t, std::string>>;
  Graph graph;
  std::size_t sources = 0;
  std::vector<bool> self_loop;
};

RouteGraph::RouteGraph(const RouteInput& input) : impl_(std::make_unique<Impl>()), station_count_(input.stations.size()) {
  const std::size_t s = input.stations.size();
  impl_->sources = input.source_count;
  impl_->graph = Impl::Graph(s + input.source_count + 1);
  impl_->self_loop.assign(s, false);
  const std::size_t exit = s + input.source_count;
  for (const auto& p : input.products) {
    for (std::size_t src : p.sources)
      for (std::size_t first : p.starts) boost::add_edge(s + src, first, p.id, impl_->graph);
    for (const auto& [from, to] : p.moves) {
      boost::add_edge(from, to, p.id, impl_->graph);
      if (from == to) impl_->self_loop[from] = true;
    }
    for (std::size_t last : p.ends) boost::add_edge(last, exit, p.id, impl_->graph);
  }
}

RouteGraph::~RouteGraph() = default;

std::vector<std::size_t> RouteGraph::unvisited_stations() const {
  std::vector<std::size_t> out;
  for (std::size_t v = 0; v < station_count_; ++v)
    if (boost::in_degree(v, impl_->graph) == 0 && boost::out_degree(v, impl_->graph) == 0) out.push_back(v);
  return out;
}

std::vector<std::vector<std::size_t>> RouteGraph::cycles() const {
  const auto& g = impl_->graph;
  std::vector<int> component(boost::num_vertices(g));
  boost::strong_components(g, boost::make_iterator_property_map(component.begin(), boost::get(boost::vertex_index, g)));
  // Group stations by component, keeping declaration order (std::map: ordered, deterministic).
  std::map<int, std::vector<std::size_t>> groups;
  for (std::size_t v = 0; v < station_count_; ++v) groups[component[v]].push_back(v);
  std::vector<std::vector<std::size_t>> out;
  for (auto& [c, members] : groups)
    if (members.size() > 1 || impl_->self_loop[members.front()]) out.push_back(std::move(members));
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.front() < b.front(); });
  return out;
}

}  // namespace plantwin::topology
