#pragma once
/// Where each id stands in one of a scenario's lists (products, stations, calendars ...), found
/// in constant time: the loader, its checks and the builder all resolve names through it, so that
/// a file of 100,000 products is read in time proportional to its size. A duplicated id resolves
/// to its first item (the duplicate is an error of its own, reported where it is declared).

#include <cstddef>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace plantwin::scenario {

class IdIndex {
 public:
  /// What `find` gives for an id that is not in the list (std::string::npos).
  static constexpr std::size_t NONE = static_cast<std::size_t>(-1);

  IdIndex() = default;
  /// The items' ids as `id(item)` gives them.
  template <class T, class Id>
  IdIndex(const std::vector<T>& items, Id id) {
    index_.reserve(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) index_.emplace(id(items[i]), i);
  }
  /// Items with an `id` member.
  template <class T>
  explicit IdIndex(const std::vector<T>& items) : IdIndex(items, [](const T& item) -> const std::string& { return item.id; }) {}

  /// The position of `id`'s first item, or NONE.
  std::size_t find(const std::string& id) const {
    const auto it = index_.find(id);
    return it == index_.end() ? NONE : it->second;
  }
  bool contains(const std::string& id) const { return index_.count(id) > 0; }
  /// The position of an id the loader has already resolved; std::logic_error if it is not there.
  std::size_t at(const std::string& id) const {
    const std::size_t i = find(id);
    if (i == NONE) throw std::logic_error("internal error: '" + id + "' should have been reported as unknown");
    return i;
  }

 private:
  std::unordered_map<std::string, std::size_t> index_;
};

static_assert(IdIndex::NONE == std::string::npos, "route_moves takes npos for an unknown station");

}  // namespace plantwin::scenario
