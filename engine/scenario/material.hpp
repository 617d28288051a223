#pragma once
/// Material flow as plants run it in a scenario (docs/planning.md, PLANNING.md §4–5): route
/// entries with alternatives (`{any: [...]}`), bills of materials (`bom`), rework (`rejects`),
/// batches (`batch`), queue disciplines (`queue`, declared with the station), release control
/// (`wip_limit`) and order priorities. Read, checked and built into route steps here.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "models/plant.hpp"
#include "topology/route_graph.hpp"
#include "scenario/checks.hpp"
#include "scenario/spec.hpp"
#include "scenario/yaml_reader.hpp"

namespace plantwin::scenario {

/// One item of a route: `test`, `{station: test, via: agv}` or `{any: [a, b], weights: {a: 3,
/// b: 1}, via: agv}`. Station ids are remembered in `station_refs` (checked once all are known).
std::optional<RouteEntrySpec> read_route_entry(ReadContext& ctx, const YamlNode& node, const std::string& path,
                                               std::vector<Reference>& station_refs);

/// `bom: {board: 1, housing: 2}` into `product.bom`; product ids go to `product_refs`.
bool read_bom(ReadContext& ctx, const YamlNode& node, const std::string& path, ProductSpec& product,
              std::vector<Reference>& product_refs);

/// A station's `rejects` and `batch` (and the place of its declared `queue`), read from its map.
void read_station_material(ReadContext& ctx, MapReader& map, StationSpec& station, std::vector<Reference>& station_refs);

/// Checks across sections, once products, stations and sources read cleanly: bills of materials
/// (components whose routes end where their product is assembled, no loops), alternatives,
/// rework routes, batches, and what saturated sources can feed.
void check_material(ReadContext& ctx, const ScenarioSpec& spec);

/// The sources (indices, ascending, each once) that create each product (in product order): those
/// naming it in a mix or an order, and those naming a product it is a component of (their parts
/// are released as their components). A duplicated product id is resolved to its first product.
std::vector<std::vector<std::size_t>> producing_sources(const ScenarioSpec& spec);

/// Where `product`'s parts start, move (alternatives and rework included) and leave, for the
/// route graph; `station_index(id)` is the station's index or `npos` for an unknown one.
topology::RouteInput::Product route_moves(const ScenarioSpec& spec, const ProductSpec& product,
                                          const std::function<std::size_t(const std::string&)>& station_index);

/// Whether each product (in product order) is a component of another: its route ends where that
/// one is assembled, where it is consumed, never processed.
std::vector<bool> component_products(const ScenarioSpec& spec);

/// The products (indices, ascending, each once) whose parts visit each station (in station order):
/// on their route, as an alternative, or on its stations' rework routes. All at once: a hostile
/// file may hold a hundred thousand products. Unknown station ids are left out.
std::vector<std::vector<std::size_t>> station_visitors(const ScenarioSpec& spec);
/// Whether `product` is among a station's `visitors` (one list of station_visitors).
bool visits(const std::vector<std::size_t>& visitors, std::size_t product);

/// The process time of each product at each station: the product's own entry (the first, should
/// there be two), else the station's one distribution (a station has one or the other). A map per
/// station that has entries: a hostile file may give one station 100,000.
class ProcessTimes {
 public:
  explicit ProcessTimes(const std::vector<StationSpec>& stations);
  /// Station `s`'s process time for `product`, or null when it has none (the loader says so).
  const Distribution* find(std::size_t s, const std::string& product) const;

 private:
  const std::vector<StationSpec>* stations_;
  std::vector<std::unordered_map<std::string, const Distribution*>> by_product_;
};

/// The route steps (models/route.hpp) of each route entry of `product`: the entry's own step, or
/// the steps of its alternatives (after the route's own steps, in entry order).
std::vector<std::vector<std::uint32_t>> entry_steps(const ProductSpec& product);

/// Every product's steps: its route, its alternatives, and the rework routes of the stations it
/// visits; a `component` (component_products) has no process at its route's last station.
/// `station_index(id)` and `process_time(station index, product id)` resolve names.
std::vector<models::RouteStepParams> build_route_steps(
    const ScenarioSpec& spec, const ProductSpec& product, bool component,
    const std::function<std::size_t(const std::string&)>& station_index,
    const std::function<kernel::Distribution(std::size_t, const std::string&)>& process_time);

}  // namespace plantwin::scenario
