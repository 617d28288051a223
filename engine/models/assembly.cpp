#include "models/assembly.hpp"

#include <algorithm>

#include "models/plant.hpp"

namespace plantwin::models {

Kits::Kits(const PlantParams& plant, const std::vector<ProductIndex>& assembled) {
  for (const ProductIndex p : assembled) {
    const ProductParams& product = plant.products[p];
    const auto a = static_cast<int>(assemblies_.size());
    assemblies_.push_back({static_cast<ProductIndex>(p), &product.bom});
    std::size_t size = 0;
    for (std::size_t l = 0; l < product.bom.size(); ++l) {
      const ProductIndex c = product.bom[l].component;
      if (line_of_.size() <= c) line_of_.resize(c + 1, {-1, -1});
      line_of_[c] = {a, static_cast<int>(l)};  // the loader: a component belongs to one product here
      size += static_cast<std::size_t>(product.bom[l].count);
    }
    kit_size_ = std::max(kit_size_, size);
  }
  for (const OrderParams& o : plant.orders) order_product_.push_back(o.product);
}

const std::vector<BomLine>& Kits::bom_of(const Part& component) const {
  return *assemblies_[static_cast<std::size_t>(line_of_[component.product].first)].bom;
}

std::size_t Kits::kits_in(const Group& g, const std::vector<std::int64_t>& counts) const {
  const std::vector<BomLine>& bom = *assemblies_[static_cast<std::size_t>(g.first)].bom;
  std::int64_t kits = INT64_MAX;
  for (std::size_t l = 0; l < bom.size(); ++l) kits = std::min(kits, counts[l] / bom[l].count);
  return static_cast<std::size_t>(kits);
}

void Kits::change(const Part& component, std::int64_t delta) {
  const auto [a, line] = line_of_[component.product];
  const Group g{a, kit_order(component)};
  auto it = counts_.find(g);
  if (it == counts_.end())
    it = counts_.emplace(g, std::vector<std::int64_t>(assemblies_[static_cast<std::size_t>(a)].bom->size(), 0)).first;
  complete_kits_ -= kits_in(g, it->second);
  it->second[static_cast<std::size_t>(line)] += delta;
  complete_kits_ += kits_in(g, it->second);
  bool none = true;
  for (std::int64_t c : it->second) none = none && c == 0;
  if (none) counts_.erase(it);
}

bool Kits::complete(const Part& component) const {
  const auto [a, line] = line_of_[component.product];
  const auto it = counts_.find({a, kit_order(component)});
  return it != counts_.end() && kits_in(it->first, it->second) > 0;
}

std::vector<std::pair<ProductIndex, std::pair<std::int64_t, std::int64_t>>> Kits::progress(const Part& component) const {
  const auto [a, line] = line_of_[component.product];
  const std::vector<BomLine>& bom = *assemblies_[static_cast<std::size_t>(a)].bom;
  const auto it = counts_.find({a, kit_order(component)});
  std::vector<std::pair<ProductIndex, std::pair<std::int64_t, std::int64_t>>> out;
  for (std::size_t l = 0; l < bom.size(); ++l)
    out.push_back({bom[l].component, {it == counts_.end() ? 0 : it->second[l], bom[l].count}});
  return out;
}

}  // namespace plantwin::models
