#include "models/sink.hpp"

#include "models/source.hpp"
#include "models/timeline.hpp"

namespace plantwin::models {

Sink::Sink(kernel::Kernel& kernel, PartPool& parts, std::size_t product_count, std::vector<OrderState> orders)
    : kernel_(kernel), parts_(parts), orders_(std::move(orders)), by_product_(product_count) {}

void Sink::part_created(PartId /*part*/) {
  wip_.set(kernel_.now(), static_cast<double>(parts_.live()));
}

void Sink::part_left(PartId part, bool good) {
  const kernel::Tick now = kernel_.now();
  const Part& p = parts_[part];
  if (observer_ != nullptr) observer_->part_left(part, p, good, now);
  if (good) {
    const kernel::Tick lead = now - p.created;
    LeadTimes& l = by_product_[p.product];
    ++l.completed;
    l.tally.add(kernel::to_seconds(lead));
    l.histogram.add(lead);
  } else {
    ++scrapped_;
  }
  if (p.order != NO_ORDER) {
    OrderState& o = orders_[static_cast<std::size_t>(p.order)];
    // A component of an assembled order's product counts for nothing here (its kit's part will).
    if (o.product == p.product && --o.remaining == 0) o.done = now;
  }
  if (!limited_.empty() && p.source != NO_SOURCE && limited_[p.source] != nullptr) limited_[p.source]->part_gone();
  // A scrapped component: its source makes another, or its kit would wait for ever.
  if (!good && !is_component_.empty() && is_component_[p.product] && p.source != NO_SOURCE)
    sources_[p.source]->replace(p.product, p.order);
  parts_.release(part);
  wip_.set(now, static_cast<double>(parts_.live()));
}

void Sink::parts_assembled(std::uint32_t station, PartId part, const std::vector<PartId>& components) {
  const kernel::Tick now = kernel_.now();
  const Part& made = parts_[part];
  for (PartId c : components) {
    const Part& p = parts_[c];
    if (observer_ != nullptr) observer_->part_consumed(station, c, p, now);
    if (p.order != NO_ORDER) {
      // An order of the component itself (boards bought for the line) is done when its last one is
      // consumed; an order of the assembled product counts its assembled parts instead.
      OrderState& o = orders_[static_cast<std::size_t>(p.order)];
      if (o.product == p.product && --o.remaining == 0) o.done = now;
    }
    if (!limited_.empty() && p.source != NO_SOURCE && limited_[p.source] != nullptr) limited_[p.source]->part_gone();
    parts_.release(c);
  }
  if (!limited_.empty() && made.source != NO_SOURCE && limited_[made.source] != nullptr) limited_[made.source]->part_added();
  if (observer_ != nullptr) observer_->part_assembled(station, part, made, now);
  wip_.set(now, static_cast<double>(parts_.live()));
}

void Sink::reset_statistics() {
  for (auto& l : by_product_) l = LeadTimes{};
  scrapped_ = 0;
  wip_.reset(kernel_.now());
}

PlantMeasures Sink::measures() const {
  LeadTimes all;
  for (const auto& l : by_product_) {
    all.completed += l.completed;
    all.tally.merge(l.tally);
    all.histogram.merge(l.histogram);
  }
  return PlantMeasures{std::move(all), by_product_, scrapped_, wip_.mean(kernel_.now())};
}

}  // namespace plantwin::models
