#pragma once
/// Assembly (PLANNING.md §4, docs/planning.md "Assembly"): a product with a bill of materials is
/// made at its first station from components whose routes end there. The station keeps the
/// components in its buffer; Kits counts them per product assembled here and per order, and says
/// when a kit is complete. A kit is made of components of one order of the assembled product
/// (parts of no order, or of orders of their own product, make kits among themselves); within it,
/// each component type is taken in arrival order.

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "models/part.hpp"

namespace plantwin::models {

struct PlantParams;
struct BomLine;
struct OrderParams;

class Kits {
 public:
  /// The products `assembled` at one station of `plant` (PlantContext::assembled_at).
  Kits(const PlantParams& plant, const std::vector<ProductIndex>& assembled);

  /// Nothing is assembled here.
  bool empty() const { return assemblies_.empty(); }
  /// Whether parts of `product` are components here (their routes end here).
  bool is_component(ProductIndex product) const { return find_line(product) != nullptr; }
  /// The most components one kit holds.
  std::size_t kit_size() const { return kit_size_; }

  /// A component entered or left the buffer.
  void added(const Part& component) { change(component, +1); }
  void removed(const Part& component) { change(component, -1); }
  /// Whether the buffer holds a complete kit for `component` (of its product and order).
  bool complete(const Part& component) const;
  /// Complete kits in the buffer, over every product and order.
  std::size_t complete_kits() const { return complete_kits_; }

  /// The product `component` is assembled into here and its bill of materials.
  ProductIndex product_of(const Part& component) const { return assemblies_[static_cast<std::size_t>(line_of(component.product).assembly)].product; }
  const std::vector<BomLine>& bom_of(const Part& component) const;

  /// The order whose kits `component` goes into: its order when that is an order of the product
  /// assembled from it, else NO_ORDER (an order of boards only supplies boards).
  std::int32_t kit_order(const Part& component) const;
  /// The kit `part` goes into as one number, (assembled product + 1) << 32 | kit order, or 0 for a
  /// part that is no component here: one search of the components, where product_of and
  /// kit_order make one each.
  std::uint64_t kit_key(const Part& part) const;

  /// "board 1/1, housing 0/1" for the kit `component` waits for.
  std::vector<std::pair<ProductIndex, std::pair<std::int64_t, std::int64_t>>> progress(const Part& component) const;

 private:
  struct Assembly {
    ProductIndex product;
    const std::vector<BomLine>* bom;
  };
  using Group = std::pair<int, std::int32_t>;  // (assembly, order)
  void change(const Part& component, std::int64_t delta);
  /// kit_order of `component`, assembled into `assembled` here.
  std::int32_t order_into(ProductIndex assembled, const Part& component) const;
  std::size_t kits_in(const Group& g, const std::vector<std::int64_t>& counts) const;

  std::vector<Assembly> assemblies_;
  /// Where a component goes: its assembly here and its line of that assembly's bill of materials.
  struct Line {
    ProductIndex component;
    int assembly, line;
  };
  /// A component's line, or null: a search of the few components here (a table by product index
  /// would make 20,000 assembly stations hold 20,000 tables as long as the product list).
  const Line* find_line(ProductIndex component) const;
  /// Precondition: is_component(component).
  const Line& line_of(ProductIndex component) const { return *find_line(component); }
  std::vector<Line> lines_;  // sorted by component
  std::size_t kit_size_ = 0;
  const std::vector<OrderParams>* orders_;  // the plant's
  // Components waiting, per group and BOM line (ordered: iteration is deterministic).
  std::map<Group, std::vector<std::int64_t>> counts_;
  std::size_t complete_kits_ = 0;
};

}  // namespace plantwin::models
