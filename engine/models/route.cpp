#include "models/route.hpp"

#include "models/station.hpp"

namespace plantwin::models {

std::uint32_t choose_step(const std::vector<RouteStep>& route, std::uint32_t step) {
  if (step == ROUTE_END) return step;
  RouteChoice* choice = route[step].choice;
  if (choice == nullptr) return step;
  if (!choice->cumulative.empty()) {
    const double target = choice->rng.uniform() * choice->cumulative.back();
    for (std::size_t i = 0; i < choice->cumulative.size(); ++i)
      if (target < choice->cumulative[i]) return choice->steps[i];
    return choice->steps.back();
  }
  // The fewest parts per server: a / sa < b / sb compared as a * sb < b * sa; ties keep the first.
  std::uint32_t best = choice->steps.front();
  std::uint64_t best_parts = route[best].station->parts_inside();
  std::uint64_t best_servers = route[best].station->servers();
  for (std::size_t i = 1; i < choice->steps.size(); ++i) {
    const std::uint32_t candidate = choice->steps[i];
    const Station& s = *route[candidate].station;
    const std::uint64_t parts = s.parts_inside(), servers = s.servers();
    if (parts * best_servers < best_parts * servers) {
      best = candidate;
      best_parts = parts;
      best_servers = servers;
    }
  }
  return best;
}

}  // namespace plantwin::models
