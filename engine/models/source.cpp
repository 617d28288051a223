#include "models/source.hpp"

#include <algorithm>
#include <cassert>
#include <iterator>

#include "models/plant.hpp"
#include "models/route.hpp"
#include "models/sink.hpp"
#include "models/station.hpp"

namespace plantwin::models {

Source::Source(std::string id, SourceParams params, PlantContext& ctx, std::uint32_t number)
    : id_(std::move(id)),
      params_(std::move(params)),
      ctx_(ctx),
      number_(number),
      model_id_(ctx.kernel.add_model(*this, "source/" + id_)),
      interarrival_rng_(ctx.stream("source/" + id_ + "/interarrival")),
      mix_rng_(ctx.stream("source/" + id_ + "/mix")) {
  for (const auto& [product, weight] : params_.mix) {
    mix_total_ += weight;
    mix_cumulative_.push_back(mix_total_);
  }
  if (params_.calendar && params_.kind == SourceParams::Kind::INTERARRIVAL) {
    calendar_ = ctx.calendars[*params_.calendar];
    calendar_->subscribe(*this);
  }
  // Plain: every part goes straight to one first station (no WIP limit, choice or assembly).
  plain_ = !params_.wip_limit;
  const auto plain_product = [&](ProductIndex product) {
    const RouteStep& first = ctx_.routes.empty() ? RouteStep{} : ctx_.routes[product].front();
    return first.choice == nullptr && (ctx.plant == nullptr || ctx.plant->products[product].bom.empty());
  };
  for (const auto& [product, weight] : params_.mix) plain_ = plain_ && plain_product(product);
  for (const OrderRelease& o : params_.orders) plain_ = plain_ && plain_product(o.product);
}

void Source::reset_statistics() { backlog_size_.reset(ctx_.kernel.now()); }

SourceMeasures Source::measures() const { return SourceMeasures{backlog_size_.mean(ctx_.kernel.now())}; }

void Source::next_arrival_on_calendar() {
  const kernel::Tick draw = params_.interarrival.sample_ticks(interarrival_rng_);
  if (!calendar_->on()) {
    arrival_left_ = draw;
    return;
  }
  arrival_at_ = ctx_.kernel.now() + draw;
  arrival_ = ctx_.kernel.schedule_at(arrival_at_, model_id_, ARRIVAL);
}

void Source::calendar_changed(bool on) {
  const kernel::Tick now = ctx_.kernel.now();
  if (!on) {
    // A part due at this very instant is created (its event runs after this one).
    if (arrival_ && arrival_at_ > now) {
      ctx_.kernel.cancel(arrival_);
      arrival_ = {};
      arrival_left_ = arrival_at_ - now;
    }
    return;
  }
  if (arrival_left_ >= 0) {
    arrival_at_ = now + arrival_left_;
    arrival_ = ctx_.kernel.schedule_at(arrival_at_, model_id_, ARRIVAL);
    arrival_left_ = -1;
  }
}

Station* Source::saturated_station() const {
  assert(!params_.mix.empty());
  return ctx_.routes[params_.mix.front().first].front().station;
}

void Source::start() {
  switch (params_.kind) {
    case SourceParams::Kind::INTERARRIVAL:
      if (arrivals_left()) next_arrival();
      break;
    case SourceParams::Kind::ORDERS:
      if (!params_.orders.empty()) ctx_.kernel.schedule_at(params_.orders.front().release, model_id_, RELEASE);
      break;
    case SourceParams::Kind::SATURATED:
      break;  // the first station asks for parts when it has a free server
  }
}

ProductIndex Source::draw_product() {
  // A single product draws nothing: adding a mix elsewhere leaves this stream untouched.
  if (mix_cumulative_.size() == 1) return params_.mix.front().first;
  const double target = mix_rng_.uniform() * mix_total_;
  for (std::size_t i = 0; i < mix_cumulative_.size(); ++i)
    if (target < mix_cumulative_[i]) return params_.mix[i].first;
  return params_.mix.back().first;
}

PartId Source::new_part(ProductIndex product, std::int32_t order) {
  const PartId part = ctx_.parts.create(product, ctx_.kernel.now(), order);
  ctx_.parts[part].source = number_;
  ++created_;
  ++in_plant_;
  ctx_.sink.part_created(part);
  if (ctx_.observer != nullptr) ctx_.observer->part_created(part, ctx_.parts[part], ctx_.kernel.now());
  return part;
}

void Source::fail_pool_full(const char* why) {
  ctx_.kernel.fail("source '" + id_ + "': more than " + std::to_string(ctx_.parts.max_live()) + " parts in the plant: " + why);
}

std::optional<PartId> Source::create_part() {
  if (ctx_.parts.full()) {
    fail_pool_full("the line does not keep pace with its sources (a saturated source's first station may take parts faster "
                   "than the stations after it pass them on)");
    return std::nullopt;
  }
  return new_part(draw_product(), NO_ORDER);
}

const char* Source::event_name(std::uint32_t kind) const {
  static constexpr const char* names[] = {"arrival", "release", "offer"};
  return kind < std::size(names) ? names[kind] : nullptr;
}

void Source::on_event(const kernel::Event& event) {
  switch (event.kind) {
    case ARRIVAL: {
      if (ctx_.parts.full()) {
        fail_pool_full("arrivals exceed the line's capacity");
        return;
      }
      ++arrivals_;
      if (!plain_) {
        release(draw_product(), NO_ORDER);
        offer();
      } else if (const PartId part = new_part(draw_product(), NO_ORDER);
                 // Nothing queued here and room at the station: hand the part over directly.
                 !waiting_.empty() || requesting_ || !ctx_.routes[ctx_.parts[part].product].front().station->try_accept(part)) {
        waiting_.push_back(part);
        offer();
      }
      arrival_ = {};
      if (arrivals_left()) next_arrival();
      break;
    }
    case RELEASE: {
      const kernel::Tick now = ctx_.kernel.now();
      while (next_order_ < params_.orders.size() && params_.orders[next_order_].release <= now) {
        const OrderRelease& o = params_.orders[next_order_++];
        const auto rest = std::find_if(params_.partly_released.begin(), params_.partly_released.end(),
                                       [&](const auto& r) { return r.first == o.order; });
        if (rest != params_.partly_released.end()) {
          release_rest(o, rest->second);
          continue;
        }
        for (std::int64_t q = 0; q < o.quantity; ++q) {
          if (plain_)
            waiting_.push_back(new_part(o.product, o.order));
          else
            release(o.product, o.order);
        }
      }
      offer();
      if (next_order_ < params_.orders.size())
        ctx_.kernel.schedule_at(params_.orders[next_order_].release, model_id_, RELEASE);
      break;
    }
    case OFFER:
      if (params_.wip_limit && !backlog_.empty() && in_plant_ < *params_.wip_limit) release_backlog();
      offer();
      break;
    case RELEASE_BACKLOG:
      backlog_pending_ = false;
      release_backlog();
      break;
    default: assert(false);
  }
}

void Source::release(ProductIndex product, std::int32_t order) {
  if (ctx_.plant != nullptr) {
    const std::vector<BomLine>& bom = ctx_.plant->products[product].bom;
    if (!bom.empty()) {
      for (const BomLine& line : bom)
        for (std::int64_t k = 0; k < line.count; ++k) release(line.component, order);
      return;
    }
  }
  release_one(product, order);
}

void Source::release_rest(const OrderRelease& o, std::vector<std::int64_t> rest) {
  // Unit by unit, each unit's parts in release()'s order, while any is left: the parts
  // interleave as they would have, and kits complete as before.
  const std::vector<BomLine> none;
  const std::vector<BomLine>& bom = ctx_.plant != nullptr ? ctx_.plant->products[o.product].bom : none;
  bool more = true;
  const auto take = [&](ProductIndex product) {
    if (product >= rest.size() || rest[product] == 0) return;
    --rest[product];
    release_one(product, o.order);
    more = true;
  };
  while (more) {
    more = false;
    if (bom.empty()) take(o.product);
    for (const BomLine& line : bom)
      for (std::int64_t k = 0; k < line.count; ++k) take(line.component);
  }
}

void Source::release_one(ProductIndex product, std::int32_t order, bool ahead_of_backlog) {
  if (params_.wip_limit && (in_plant_ >= *params_.wip_limit || (!ahead_of_backlog && !backlog_.empty()))) {
    backlog_.push_back(Held{product, order});
    backlog_size_.set(ctx_.kernel.now(), static_cast<double>(backlog_.size()));
    return;
  }
  waiting_.push_back(new_part(product, order));
}

void Source::replace(ProductIndex product, std::int32_t order) {
  // The part made again takes the place its scrapped one left under the WIP limit, ahead of the
  // backlog: behind it, the kit's other components could hold the whole limit while it waits.
  // Only components are made again, and a component has no bill of materials of its own.
  release_one(product, order, /*ahead_of_backlog=*/true);
  ctx_.kernel.defer(model_id_, OFFER);
}

void Source::part_gone() {
  --in_plant_;
  if (backlog_pending_) return;
  if (!backlog_.empty()) {
    // Released at this instant, after what is under way (a part may be leaving a station's loop).
    backlog_pending_ = true;
    ctx_.kernel.defer(model_id_, RELEASE_BACKLOG);
  } else if (params_.kind == SourceParams::Kind::SATURATED) {
    saturated_station()->supply_changed();
  }
}

void Source::release_backlog() {
  bool released = false;
  while (!backlog_.empty() && in_plant_ < *params_.wip_limit) {
    const Held h = backlog_.pop_front();
    waiting_.push_back(new_part(h.product, h.order));
    released = true;
  }
  backlog_size_.set(ctx_.kernel.now(), static_cast<double>(backlog_.size()));
  if (released) offer();
}

void Source::offer() {
  if (offering_) return;
  offering_ = true;
  // A grant made during request_entry() pops the head and clears requesting_: the loop goes on
  // with the next part, still in creation order.
  while (!requesting_ && !waiting_.empty()) {
    requesting_ = true;
    Part& head = ctx_.parts[waiting_.front()];
    const auto& route = ctx_.routes[head.product];
    // `{any: [...]}` first: the head chooses its station now, when it is ready to move.
    if (head.step == 0 && route.front().choice != nullptr) head.step = choose_step(route, 0);
    Station* first = route[head.step].station;
    first->request_entry(*this, 0, Transfer{waiting_.front(), nullptr, first});
  }
  offering_ = false;
}

PartId Source::hand_over(std::uint64_t /*tag*/) {
  assert(requesting_ && !waiting_.empty());
  const PartId part = waiting_.pop_front();
  requesting_ = false;
  // Granted from a station's grant loop: offer the next part once that loop is done.
  if (!offering_ && !waiting_.empty()) ctx_.kernel.defer(model_id_, OFFER);
  return part;
}

}  // namespace plantwin::models

namespace plantwin::models {

const Station* Source::head_station() const {
  const Part& head = ctx_.parts[waiting_.front()];
  const RouteStep& step = ctx_.routes[head.product][head.step];
  return step.choice != nullptr ? nullptr : step.station;
}

WaitKind Source::waits_for(std::uint32_t /*item*/, std::vector<WaitItem>& on) const {
  if (waiting_.empty()) return WaitKind::MOVES;
  const Station* first = head_station();
  if (first == nullptr) return WaitKind::MOVES;  // its offer is on its way
  on.push_back(first->entry_wait(*this, 0));
  return WaitKind::ANY;
}

std::string Source::describe_wait(std::uint32_t /*item*/) const {
  const Station* first = head_station();
  return "source '" + id_ + "' holds " + std::to_string(waiting_.size()) + " part(s) waiting for " +
         (first != nullptr ? first->entry_name() : "their first station");
}

bool Source::supplies() const {
  // At its WIP limit it waits for its parts in the plant to move (they are the plant's holders).
  if (params_.wip_limit && in_plant_ >= *params_.wip_limit) return false;
  if (!backlog_.empty()) return true;
  switch (params_.kind) {
    case SourceParams::Kind::INTERARRIVAL: return arrivals_left();
    case SourceParams::Kind::ORDERS: return next_order_ < params_.orders.size();
    case SourceParams::Kind::SATURATED: return saturation_flows();
  }
  return true;
}

bool Source::saturation_flows() const {
  if (params_.limit && created_ >= static_cast<std::uint64_t>(*params_.limit)) return false;
  const Station* station = saturated_station();
  return station == nullptr || station->draws_more();
}

bool Source::supplies(Wanted& wanted) const {
  // Whether it can still release a part that brings one `wanted` asks for: from its backlog, its
  // mix (parts of no order) or its orders to come.
  bool makes_some = false;
  for (std::size_t k = 0; k < backlog_.size() && !makes_some; ++k) makes_some = wanted.brought_by(backlog_[k].product, backlog_[k].order);
  if (!makes_some) {
    switch (params_.kind) {
      case SourceParams::Kind::INTERARRIVAL:
      case SourceParams::Kind::SATURATED:
        if (params_.kind == SourceParams::Kind::INTERARRIVAL ? !arrivals_left() : !saturation_flows()) return false;
        for (std::size_t k = 0; k < params_.mix.size() && !makes_some; ++k)
          makes_some = params_.mix[k].second > 0 && wanted.brought_by(params_.mix[k].first, NO_ORDER);
        break;
      case SourceParams::Kind::ORDERS:
        for (std::size_t o = next_order_; o < params_.orders.size() && !makes_some; ++o)
          makes_some = wanted.brought_by(params_.orders[o].product, params_.orders[o].order);
        break;
    }
  }
  if (!makes_some) return false;
  // At its WIP limit it releases nothing (its arrivals join the backlog) until one of its parts
  // in the plant moves on.
  if (params_.wip_limit && in_plant_ >= *params_.wip_limit && number_ != NO_SOURCE) {
    wanted.held.push_back(number_);
    return false;
  }
  return true;
}

bool Source::may_hold(std::uint32_t /*item*/, const Wanted& wanted) const {
  for (std::size_t k = 0; k < waiting_.size(); ++k)
    if (wanted.matches(ctx_.parts[waiting_[k]])) return true;
  return false;
}

void Source::holders(std::vector<WaitItem>& out) const {
  if (!waiting_.empty()) out.push_back({this, 0});
}

}  // namespace plantwin::models
