#pragma once
/// The sink: where parts leave the plant, good or scrapped. It keeps the plant-wide measures
/// (throughput, lead time, WIP, scrap) and the state of every order of a production plan.

#include <cstdint>
#include <optional>
#include <vector>

#include "kernel/stats.hpp"
#include "models/plant_context.hpp"
#include "models/warm_start.hpp"

namespace plantwin::models {

/// One order of a production plan, as the sink tracks it.
struct OrderState {
  kernel::Tick release = 0;
  std::optional<kernel::Tick> due;
  std::int64_t remaining = 0;  ///< parts of its product not yet left (good or scrapped)
  kernel::Tick done = -1;      ///< when its last part left; -1 while not done
  ProductIndex product = 0;    ///< its product (its components' parts do not count)
  template <class A>
  void serialize(A& a) {
    a(release, due, remaining, done, product);
  }
};

/// Lead time measures of the good parts that left in the measured window.
struct LeadTimes {
  std::uint64_t completed = 0;
  kernel::Tally tally;  ///< in seconds
  kernel::Histogram histogram;  ///< in ticks
  template <class A>
  void serialize(A& a) {
    a(completed, tally, histogram);
  }
};

struct PlantMeasures {
  LeadTimes all;
  std::vector<LeadTimes> by_product;
  std::uint64_t scrapped = 0;
  double wip_mean = 0;
  template <class A>
  void serialize(A& a) {
    a(all, by_product, scrapped, wip_mean);
  }
};

class Sink {
 public:
  Sink(kernel::Kernel& kernel, PartPool& parts, std::size_t product_count, std::vector<OrderState> orders);

  /// A part was created (it is in the plant from now on).
  void part_created(PartId part);
  /// A part leaves the plant: good at the end of its route, or scrapped. Releases it.
  void part_left(PartId part, bool good);
  /// Station number `station` assembled `part` (just created) from `components`, which are
  /// consumed: they leave the plant without counting as completed or scrapped. Releases them.
  void parts_assembled(std::uint32_t station, PartId part, const std::vector<PartId>& components);
  /// Release control (PLANNING.md §5): told when a part of one of these sources (by index; null:
  /// not counted) leaves the plant.
  void set_release_control(std::vector<class Source*> sources) { limited_ = std::move(sources); }
  /// Assembly: `sources` by index, and which products are components. A scrapped component is
  /// replaced by its source (its kit could never complete otherwise).
  void set_replacement(std::vector<class Source*> sources, std::vector<bool> is_component) {
    sources_ = std::move(sources);
    is_component_ = std::move(is_component);
  }

  void reset_statistics();
  /// A warm start's orders (models/warm_start.hpp): what of each has left. Defined in warm_start.cpp.
  void restore(const std::vector<WarmOrder>& orders);
  void set_observer(class PlantObserver* observer) { observer_ = observer; }
  /// The plant-wide lead times are the per-product ones merged (one update per part).
  PlantMeasures measures() const;
  const std::vector<OrderState>& orders() const { return orders_; }
  std::size_t wip() const { return parts_.live(); }

 private:
  kernel::Kernel& kernel_;
  PartPool& parts_;
  class PlantObserver* observer_ = nullptr;
  std::vector<OrderState> orders_;
  std::vector<LeadTimes> by_product_;
  std::uint64_t scrapped_ = 0;
  kernel::TimeAverage wip_;
  std::vector<class Source*> limited_;
  std::vector<class Source*> sources_;
  std::vector<bool> is_component_;
};

}  // namespace plantwin::models
