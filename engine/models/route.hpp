#pragma once
/// Routes as plants run them (PLANNING.md §4, docs/planning.md "Routes: alternatives and rework").
///
/// A product's route is a list of steps (PlantContext::routes[product]): its route as written,
/// then the steps that alternatives and rework add. Each step names where a part goes after a good
/// pass (`next`) and after a rejected one (`reject`), so a route is a small graph walked by index:
/// - `{any: [mill_1, mill_2]}` is a choice step: a part bound for it goes to one of its
///   alternatives' steps (one per station, each with its own process time and `next`), chosen when
///   the part is ready to move: the station with the fewest parts in it (waiting and on servers)
///   per server, ties by list order; or, with `weights`, at random from the step's own stream.
///   The choice is final.
/// - A station's `rejects: {route: [...], then: back | next}` adds, for each step at that station,
///   the steps of the rework route; the last goes back to a copy of the step (`back`: tested
///   again, arriving straight from the rework) or on to the step's `next` (`next`).

#include <cstdint>
#include <vector>

#include "kernel/rng.hpp"
#include "models/plant_context.hpp"

namespace plantwin::models {

struct RouteChoice {
  std::vector<std::uint32_t> steps;  ///< the alternatives' steps, in list order
  std::vector<double> cumulative;    ///< `weights`, summed; empty: the least-loaded station
  kernel::RngStream rng;             ///< the step's own stream (weights only)
};

/// The concrete step a part bound for `step` of `route` goes to: `step` itself, or for a choice
/// step the alternative chosen now. ROUTE_END stays ROUTE_END.
std::uint32_t choose_step(const std::vector<RouteStep>& route, std::uint32_t step);

}  // namespace plantwin::models
