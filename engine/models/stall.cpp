#include "models/stall.hpp"

#include <algorithm>

#include "models/plant.hpp"

namespace plantwin::models {

bool goes_into(const PlantParams* plant, ProductIndex component, ProductIndex product) {
  if (component == product) return true;
  if (plant == nullptr || product >= plant->products.size()) return false;
  // Bills of materials are one level deep and acyclic (the loader refuses others).
  for (const BomLine& line : plant->products[product].bom)
    if (goes_into(plant, component, line.component)) return true;
  return false;
}

std::int32_t kit_order(const PlantParams* plant, ProductIndex product, std::int32_t order) {
  if (order < 0 || plant == nullptr || static_cast<std::size_t>(order) >= plant->orders.size()) return NO_ORDER;
  const ProductIndex assembled = plant->orders[static_cast<std::size_t>(order)].product;
  return assembled != product && goes_into(plant, product, assembled) ? order : NO_ORDER;
}

bool Wanted::matches(const Part& part) const {
  return (goes_into(plant, part.product, product) && of_order(part.product, part.order)) ||
         std::find(held.begin(), held.end(), part.source) != held.end();
}

bool Wanted::brought_by(ProductIndex released, std::int32_t release_order) const {
  // Released as itself (of the wanted product, or assembled into it later), or as its components:
  // either way the parts that count are of the wanted product and carry the release's order.
  return (goes_into(plant, released, product) || goes_into(plant, product, released)) && of_order(product, release_order);
}

namespace {

/// At most this many stuck items are named in a message; the rest are counted.
constexpr std::size_t MAX_NAMED = 12;

/// Graphs up to this many items are searched linearly.
constexpr std::uint32_t LINEAR_SEARCH = 32;

std::string time_text(kernel::Tick t) { return "t=" + std::to_string(kernel::to_seconds(t)) + "s"; }

}  // namespace

StallDetector::StallDetector(kernel::Kernel& kernel, const std::uint64_t& moves, const PartPool& parts, bool external_clock)
    : kernel_(kernel), moves_(moves), parts_(parts), external_clock_(external_clock) {}

void StallDetector::set_products(const PlantParams& plant) {
  supply_.plant = &plant;
  supply_.names.clear();
  for (const ProductParams& p : plant.products) supply_.names.push_back(p.id);
}

// The graph is built breadth-first from the roots. While no ALL item has been met, the first
// MOVES item found proves that every root moves (each reaches it through ANY items): the common
// case, a server that waits for a station whose machine still works, stops there. Otherwise the
// least fixed point is computed over the whole reachable graph.
void StallDetector::solve(const WaitItem* roots, std::size_t root_count, bool stop_early) {
  nodes_.clear();
  deps_.clear();
  if (!index_.empty()) index_.clear();
  // Most checks meet a few items: a linear search over them beats hashing; the index is built
  // once the graph grows.
  const auto add = [&](WaitItem w) {
    const auto next = static_cast<std::uint32_t>(nodes_.size());
    if (next <= LINEAR_SEARCH) {
      for (std::uint32_t i = 0; i < next; ++i)
        if (nodes_[i].item == w) return i;
      nodes_.push_back(Node{w});
      if (next == LINEAR_SEARCH)
        for (std::uint32_t i = 0; i <= next; ++i) index_.emplace(nodes_[i].item, i);
      return next;
    }
    const auto [it, inserted] = index_.try_emplace(w, next);
    if (inserted) nodes_.push_back(Node{w});
    return it->second;
  };
  for (std::size_t r = 0; r < root_count; ++r) add(roots[r]);
  const bool single = stop_early && root_count == 1;
  bool seen_all = false;
  for (std::uint32_t i = 0; i < nodes_.size(); ++i) {
    scratch_.clear();
    const WaitKind kind = nodes_[i].item.model->waits_for(nodes_[i].item.item, scratch_);
    nodes_[i].kind = kind;
    if (kind == WaitKind::MOVES) {
      nodes_[i].moves = true;
      if (single && !seen_all) {
        nodes_[0].moves = true;
        return;
      }
      continue;
    }
    seen_all = seen_all || kind == WaitKind::ALL;
    const auto first = static_cast<std::uint32_t>(deps_.size());
    for (const WaitItem& d : scratch_) deps_.push_back(add(d));
    // add() may have grown nodes_: index again.
    nodes_[i].first_dep = first;
    nodes_[i].dep_count = static_cast<std::uint32_t>(deps_.size()) - first;
  }
  // Least fixed point: propagate "moves" backwards from the MOVES items.
  std::vector<std::vector<std::uint32_t>> parents(nodes_.size());
  std::vector<std::uint32_t> missing(nodes_.size(), 0);
  for (std::uint32_t i = 0; i < nodes_.size(); ++i) {
    for (std::uint32_t k = 0; k < nodes_[i].dep_count; ++k) parents[deps_[nodes_[i].first_dep + k]].push_back(i);
    missing[i] = nodes_[i].kind == WaitKind::ALL ? nodes_[i].dep_count : 1;
  }
  std::vector<std::uint32_t> work;
  for (std::uint32_t i = 0; i < nodes_.size(); ++i)
    if (nodes_[i].moves) work.push_back(i);
  while (!work.empty()) {
    const std::uint32_t n = work.back();
    work.pop_back();
    for (std::uint32_t p : parents[n]) {
      if (nodes_[p].moves || missing[p] == 0) continue;
      if (--missing[p] == 0) {
        nodes_[p].moves = true;
        work.push_back(p);
      }
    }
  }
}

void StallDetector::check(WaitItem item) {
  if (kernel_.status() != kernel::Kernel::Status::RUNNING) return;
  solve(&item, 1, true);  // no vector: a check runs whenever a station's servers all wait
  if (nodes_.front().moves) return;
  std::vector<std::uint32_t> stuck;
  for (std::uint32_t i = 0; i < nodes_.size(); ++i)
    if (!nodes_[i].moves) stuck.push_back(i);
  fail(stuck, "");
}

void StallDetector::check_plant(bool calendar_empty) {
  if (kernel_.status() != kernel::Kernel::Status::RUNNING) return;
  std::vector<WaitItem> roots;
  for (const Waitable* m : models_) m->holders(roots);
  if (roots.empty()) return;
  solve(roots.data(), roots.size(), false);
  std::vector<std::uint32_t> stuck;
  for (std::uint32_t i = 0; i < nodes_.size(); ++i)
    if (!nodes_[i].moves) stuck.push_back(i);
  if (!stuck.empty()) {
    fail(stuck, "");
    return;
  }
  if (calendar_empty && !external_clock_ && parts_.live() > 0) {
    // Nothing is stuck by the graph's account, yet no event is left: name what holds the parts.
    std::vector<std::uint32_t> holding(roots.size());
    for (std::uint32_t i = 0; i < holding.size(); ++i) holding[i] = i;
    fail(holding, std::to_string(parts_.live()) + " part(s) are in the plant and no event is left that can move them");
  }
}

WaitKind StallDetector::Supply::waits_for(std::uint32_t item, std::vector<WaitItem>& on) const {
  if (item == 0) {
    for (const Waitable* m : models_)
      if (m->supplies()) return WaitKind::MOVES;
    for (const Waitable* m : models_) m->holders(on);
    return WaitKind::ANY;
  }
  // One product: a line that makes something else keeps its own parts moving, not these.
  const auto& [product, order] = keys[item - 1];
  Wanted wanted{product, order, {}, plant};
  for (const Waitable* m : models_)
    if (m->supplies(wanted)) return WaitKind::MOVES;
  std::vector<WaitItem> all;
  for (const Waitable* m : models_) m->holders(all);
  for (const WaitItem& h : all)
    if (h.model->may_hold(h.item, wanted)) on.push_back(h);
  return WaitKind::ANY;
}

std::string StallDetector::Supply::describe_wait(std::uint32_t item) const {
  if (item == 0) return "no source can release more parts (none left, or held back by a WIP limit)";
  const auto& [p, order] = keys[item - 1];
  std::string of_order;
  if (order == NO_ORDER)
    of_order = " for kits of no order";
  else if (order != ANY_ORDER && plant != nullptr && static_cast<std::size_t>(order) < plant->orders.size())
    of_order = " for order '" + plant->orders[static_cast<std::size_t>(order)].id + "'";
  return "no source can release more parts of '" + (p < names.size() ? names[p] : "#" + std::to_string(p)) + "'" + of_order +
         " (none left, or held back by a WIP limit)";
}

WaitItem StallDetector::supply(ProductIndex product, std::int32_t order) const {
  // A plant asks for a few: its batches' products and its kits' components by order.
  const std::pair<ProductIndex, std::int32_t> key{product, order};
  auto k = std::find(supply_.keys.begin(), supply_.keys.end(), key);
  if (k == supply_.keys.end()) k = supply_.keys.insert(supply_.keys.end(), key);
  return {&supply_, static_cast<std::uint32_t>(k - supply_.keys.begin()) + 1};
}

void StallDetector::on_quiet(bool calendar_empty) {
  if (calendar_empty) {
    if (!external_clock_) check_plant(true);
    return;
  }
  // Every 4,096 events: a plant whose parts have not moved since the last poll is checked.
  if (moves_ == moves_at_last_poll_ && parts_.live() > 0) check_plant(false);
  moves_at_last_poll_ = moves_;
}

void StallDetector::fail(const std::vector<std::uint32_t>& stuck, const std::string& why) {
  std::string what;
  std::size_t named = 0, unnamed = 0;
  for (std::uint32_t i : stuck) {
    const WaitItem& w = nodes_[i].item;
    std::string d = w.model->describe_wait(w.item);
    if (d.empty()) continue;
    if (named == MAX_NAMED) {
      ++unnamed;
      continue;
    }
    what += (what.empty() ? "" : "; ") + d;
    ++named;
  }
  if (unnamed > 0) what += "; and " + std::to_string(unnamed) + " more";
  if (!why.empty()) {
    kernel_.fail("stall at " + time_text(kernel_.now()) + ": " + why + ": " + what);
    return;
  }
  // A stuck item that waits on nothing (a pool or a station off shift for good) ends a chain of
  // waits, not a loop of them.
  for (std::uint32_t i : stuck)
    if (nodes_[i].kind != WaitKind::MOVES && nodes_[i].dep_count == 0) {
      kernel_.fail("stall at " + time_text(kernel_.now()) + ": " + what +
                   ". None of these can move again: what they wait for never comes back");
      return;
    }
  kernel_.fail("deadlock at " + time_text(kernel_.now()) + ": " + what +
               ". None of these can move again: each waits for something only another of them can give");
}

}  // namespace plantwin::models
