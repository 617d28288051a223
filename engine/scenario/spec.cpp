#include "scenario/spec.hpp"

namespace plantwin::scenario {

namespace {
template <class T>
const T* find_by_id(const std::vector<T>& items, const std::string& id) {
  for (const auto& item : items)
    if (item.id == id) return &item;
  return nullptr;
}
}  // namespace

const ProductSpec* ScenarioSpec::find_product(const std::string& id) const { return find_by_id(products, id); }
const StationSpec* ScenarioSpec::find_station(const std::string& id) const { return find_by_id(stations, id); }
const SourceSpec* ScenarioSpec::find_source(const std::string& id) const { return find_by_id(sources, id); }
const FleetSpec* ScenarioSpec::find_fleet(const std::string& id) const {
  for (const FleetSpec& f : transport.fleets)
    if (f.params.id == id) return &f;
  return nullptr;
}

}  // namespace plantwin::scenario
