#include "models/assembly.hpp"

#include <algorithm>

#include "models/plant.hpp"

namespace plantwin::models {

Kits::Kits(const PlantParams& plant, const std::vector<ProductIndex>& assembled) : orders_(&plant.orders) {
  for (const ProductIndex p : assembled) {
    const ProductParams& product = plant.products[p];
    const auto a = static_cast<int>(assemblies_.size());
    assemblies_.push_back({static_cast<ProductIndex>(p), &product.bom});
    std::size_t size = 0;
    for (std::size_t l = 0; l < product.bom.size(); ++l) {
      lines_.push_back({product.bom[l].component, a, static_cast<int>(l)});
      size += static_cast<std::size_t>(product.bom[l].count);
    }
    kit_size_ = std::max(kit_size_, size);
  }
  // The loader: a component belongs to one product here (were there two, the last would count).
  std::stable_sort(lines_.begin(), lines_.end(), [](const Line& x, const Line& y) { return x.component < y.component; });
  std::vector<Line> unique;
  for (const Line& l : lines_) {
    if (!unique.empty() && unique.back().component == l.component)
      unique.back() = l;
    else
      unique.push_back(l);
  }
  lines_ = std::move(unique);
}

const Kits::Line* Kits::find_line(ProductIndex component) const {
  const auto it = std::lower_bound(lines_.begin(), lines_.end(), component,
                                   [](const Line& l, ProductIndex c) { return l.component < c; });
  return it != lines_.end() && it->component == component ? &*it : nullptr;
}

std::int32_t Kits::order_into(ProductIndex assembled, const Part& component) const {
  return component.order >= 0 && (*orders_)[static_cast<std::size_t>(component.order)].product == assembled ? component.order
                                                                                                           : NO_ORDER;
}

std::int32_t Kits::kit_order(const Part& component) const { return order_into(product_of(component), component); }

std::uint64_t Kits::kit_key(const Part& part) const {
  const Line* line = find_line(part.product);
  if (line == nullptr) return 0;
  const ProductIndex product = assemblies_[static_cast<std::size_t>(line->assembly)].product;
  return (std::uint64_t{product} + 1) << 32 | static_cast<std::uint32_t>(order_into(product, part));
}

const std::vector<BomLine>& Kits::bom_of(const Part& component) const {
  return *assemblies_[static_cast<std::size_t>(line_of(component.product).assembly)].bom;
}

std::size_t Kits::kits_in(const Group& g, const std::vector<std::int64_t>& counts) const {
  const std::vector<BomLine>& bom = *assemblies_[static_cast<std::size_t>(g.first)].bom;
  std::int64_t kits = INT64_MAX;
  for (std::size_t l = 0; l < bom.size(); ++l) kits = std::min(kits, counts[l] / bom[l].count);
  return static_cast<std::size_t>(kits);
}

void Kits::change(const Part& component, std::int64_t delta) {
  const Line& at = line_of(component.product);
  const int a = at.assembly, line = at.line;
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
  const int a = line_of(component.product).assembly;
  const auto it = counts_.find({a, kit_order(component)});
  return it != counts_.end() && kits_in(it->first, it->second) > 0;
}

std::vector<std::pair<ProductIndex, std::pair<std::int64_t, std::int64_t>>> Kits::progress(const Part& component) const {
  const int a = line_of(component.product).assembly;
  const std::vector<BomLine>& bom = *assemblies_[static_cast<std::size_t>(a)].bom;
  const auto it = counts_.find({a, kit_order(component)});
  std::vector<std::pair<ProductIndex, std::pair<std::int64_t, std::int64_t>>> out;
  for (std::size_t l = 0; l < bom.size(); ++l)
    out.push_back({bom[l].component, {it == counts_.end() ? 0 : it->second[l], bom[l].count}});
  return out;
}

}  // namespace plantwin::models
