#pragma once
/// A source: where parts are created. Three kinds (PRODUCT.md):
/// - INTERARRIVAL: the first part one interarrival time after time 0, then one per draw, until
///   `limit` parts (if any).
/// - SATURATED: a part whenever a server of the first station is free (idle and up) and its buffer
///   is empty; that station never starves. Optional `limit`.
/// - ORDERS: every part of an order at its release time; orders in the listed order, stably sorted
///   by release.
/// The product of each part comes from the mix (one product, or weights over several).
///
/// A source hands its parts to their first station strictly in creation order: while the head's
/// station has no room the head waits here, and so do the parts behind it (they are in the plant
/// and count in WIP and lead time).
///
/// PLANNING.md §4–5: a part of an assembled product is released as its components (its bill of
/// materials, recursively); with `wip_limit: N` a part is released into the plant only while
/// fewer than N parts of this source are in it, the others wait outside in a backlog (not WIP).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kernel/distribution.hpp"
#include "kernel/kernel.hpp"
#include "kernel/rng.hpp"
#include "kernel/stats.hpp"
#include "models/calendar.hpp"
#include "models/plant_context.hpp"
#include "models/warm_start.hpp"

namespace plantwin::models {

struct OrderRelease {
  kernel::Tick release = 0;
  ProductIndex product = 0;
  std::int64_t quantity = 1;
  std::int32_t order = NO_ORDER;  ///< the order's index in the sink
};

struct SourceParams {
  enum class Kind { INTERARRIVAL, SATURATED, ORDERS };
  Kind kind = Kind::INTERARRIVAL;
  /// (product, weight) pairs; one entry for a single product.
  std::vector<std::pair<ProductIndex, double>> mix;
  kernel::Distribution interarrival;
  std::optional<std::int64_t> limit;
  /// ORDERS: sorted stably by release.
  std::vector<OrderRelease> orders;
  /// INTERARRIVAL: the calendar whose on-time the interarrival clock runs in (index in
  /// PlantParams::calendars), or none: always.
  std::optional<std::size_t> calendar;
  /// Release control: the most parts of this source in the plant at once; none: no limit.
  std::optional<std::int64_t> wip_limit;
  /// A warm start's orders that the log released in part (held back by `wip_limit`): (order
  /// index, the parts still to release by product index, components each).
  std::vector<std::pair<std::int32_t, std::vector<std::int64_t>>> partly_released;
};

/// Per-replication measurements of one source.
struct SourceMeasures {
  double backlog_mean = 0;  ///< time-average parts held back by `wip_limit`
  template <class A>
  void serialize(A& a) {
    a(backlog_mean);
  }
};

class Source final : public kernel::Model, public EntryRequester, public Waitable, public CalendarClient {
 public:
  /// `number`: its position in declaration order (parts remember it).
  Source(std::string id, SourceParams params, PlantContext& ctx, std::uint32_t number = NO_SOURCE);

  const std::string& id() const { return id_; }
  /// The first station of the parts of a saturated source (all its products share it).
  Station* saturated_station() const;

  /// Called once at time 0, after every model exists.
  void start();
  /// Instead of start(), in a warm start (models/warm_start.hpp): `waiting` are its released
  /// parts not yet at their first station. Defined in warm_start.cpp.
  /// `in_plant`: the warm start's parts in the plant that count against its `wip_limit`.
  void restore(const WarmSource& state, const std::vector<PartId>& waiting, std::int64_t in_plant, const ResidualSampler& residual);
  /// SATURATED: true while the limit and the WIP limit allow another part.
  bool can_create() const {
    return (!params_.limit || created_ < static_cast<std::uint64_t>(*params_.limit)) &&
           (!params_.wip_limit || in_plant_ < *params_.wip_limit);
  }
  /// SATURATED: whether it can still create parts by itself: its `limit` allows, and its station
  /// can still take them (Station::draws_more). Its WIP limit is judged apart.
  bool saturation_flows() const;
  /// SATURATED: creates a part for the first station, which takes it at once; none when the plant
  /// holds the part pool's limit already (the line after that station keeps less pace than it:
  /// the parts pile up in an infinite buffer), and the run then fails, as an interarrival
  /// source's does.
  std::optional<PartId> create_part();
  /// Parts created since time 0.
  std::uint64_t created() const { return created_; }
  /// Parts waiting here for their first station.
  std::size_t waiting() const { return waiting_.size(); }
  /// Release control: a part of this source left the plant (or was consumed), or one was made of
  /// its parts (an assembled part).
  void part_gone();
  void part_added() { ++in_plant_; }
  /// A scrapped component of an assembly: releases another of `product` for `order`, offered at
  /// the end of the instant; under a WIP limit it takes the place the scrapped one left, ahead of
  /// the backlog.
  void replace(ProductIndex product, std::int32_t order);
  void reset_statistics();
  SourceMeasures measures() const;

  void on_event(const kernel::Event& event) override;
  const char* event_name(std::uint32_t kind) const override;
  PartId hand_over(std::uint64_t tag) override;
  /// The interarrival clock stops at the end of on-time and goes on at its next start; a part due
  /// at the very end of on-time is created then.
  void calendar_changed(bool on) override;

  // Waitable (models/stall.hpp): one item, the parts waiting here for their first station.
  WaitKind waits_for(std::uint32_t item, std::vector<WaitItem>& on) const override;
  std::string describe_wait(std::uint32_t item) const override;
  void holders(std::vector<WaitItem>& out) const override;
  bool supplies() const override;
  bool supplies(Wanted& wanted) const override;
  bool may_hold(std::uint32_t item, const Wanted& wanted) const override;

 private:
  enum EventKind : std::uint32_t { ARRIVAL, RELEASE, OFFER, RELEASE_BACKLOG };

  ProductIndex draw_product();
  /// The part pool is full: the run fails ("more than N parts in the plant: `why`").
  void fail_pool_full(const char* why);
  PartId new_part(ProductIndex product, std::int32_t order);
  /// Releases one part of `product` (its components, if it is assembled) into the plant, or
  /// into the backlog while the WIP limit is reached.
  void release(ProductIndex product, std::int32_t order);
  /// One part (no bill of materials left to expand): into the plant, or held back by `wip_limit`
  /// (behind the backlog, or ahead of it for a scrapped component made again).
  void release_one(ProductIndex product, std::int32_t order, bool ahead_of_backlog = false);
  /// A warm start's order released in part: the parts `rest` (by product index), unit by unit.
  void release_rest(const OrderRelease& o, std::vector<std::int64_t> rest);
  void release_backlog();
  /// The station the head waits for (its choice made), or nullptr when it is not chosen yet.
  const Station* head_station() const;
  struct Held {
    ProductIndex product;
    std::int32_t order;
  };
  void offer();
  /// Starts the interarrival clock for the next part (stopped while the calendar is off).
  void next_arrival() {
    if (calendar_ == nullptr)
      ctx_.kernel.schedule_in(params_.interarrival.sample_ticks(interarrival_rng_), model_id_, ARRIVAL);
    else
      next_arrival_on_calendar();
  }
  void next_arrival_on_calendar();
  /// INTERARRIVAL: the limit allows another arrival (a part, or a kit of components).
  bool arrivals_left() const { return !params_.limit || arrivals_ < static_cast<std::uint64_t>(*params_.limit); }

  const std::string id_;
  const SourceParams params_;
  PlantContext& ctx_;
  std::uint32_t number_;
  kernel::ModelId model_id_;
  /// No BOM, no WIP limit, no choice of first station: arrivals take the short way.
  bool plain_ = true;
  std::int64_t in_plant_ = 0;  // its parts in the plant (counted with a WIP limit)
  RingQueue<Held> backlog_;
  bool backlog_pending_ = false;
  kernel::TimeAverage backlog_size_;
  double mix_total_ = 0;
  std::vector<double> mix_cumulative_;
  kernel::RngStream interarrival_rng_;
  kernel::RngStream mix_rng_;
  PartQueue waiting_;
  bool requesting_ = false;  // the head has a request at its station
  bool offering_ = false;    // inside offer(): a grant continues the loop instead of deferring
  std::uint64_t created_ = 0;
  std::uint64_t arrivals_ = 0;
  std::size_t next_order_ = 0;
  Calendar* calendar_ = nullptr;
  kernel::EventHandle arrival_;
  kernel::Tick arrival_at_ = 0;
  kernel::Tick arrival_left_ = -1;  // interarrival time still to run while the calendar is off; -1: none
};

}  // namespace plantwin::models
