#pragma once
/// The plant's material routes as a directed graph, held in Boost.Graph: one vertex per station,
/// one per source and one for the exit; one edge per move a product's part can make (source →
/// first station, station → next station, including alternatives and rework, last station →
/// exit), labelled with the product. The
/// scenario loader uses it to find stations that no route visits and routes that loop back (a
/// re-entrant flow, allowed, but one that can deadlock when its buffers are finite).
///
/// Topology is data: models never see vertex descriptors; they hold typed handles built from ids.

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace plantwin::topology {

struct RouteInput {
  std::vector<std::string> stations;
  struct Product {
    std::string id;
    std::vector<std::size_t> starts;  ///< the stations (indices) its parts can start at
    std::vector<std::pair<std::size_t, std::size_t>> moves;  ///< station to station
    std::vector<std::size_t> ends;  ///< the stations its parts can leave the plant from
    std::vector<std::size_t> sources;  ///< indices of the sources that create it
  };
  std::vector<Product> products;
  std::size_t source_count = 0;
};

class RouteGraph {
 public:
  explicit RouteGraph(const RouteInput& input);
  ~RouteGraph();
  RouteGraph(const RouteGraph&) = delete;
  RouteGraph& operator=(const RouteGraph&) = delete;

  /// Stations on no product's route, in declaration order.
  std::vector<std::size_t> unvisited_stations() const;
  /// Groups of stations that parts can circle through (strongly connected components with more
  /// than one station, or a station that routes straight back to itself), each in declaration
  /// order, the groups ordered by their first station.
  std::vector<std::vector<std::size_t>> cycles() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::size_t station_count_;
};

}  // namespace plantwin::topology
