#include "models/source.hpp"

#include <cassert>
#include <iterator>

#include "models/sink.hpp"
#include "models/station.hpp"

namespace plantwin::models {

Source::Source(std::string id, SourceParams params, PlantContext& ctx)
    : id_(std::move(id)),
      params_(std::move(params)),
      ctx_(ctx),
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
}

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
      if (can_create()) next_arrival();
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
  ++created_;
  ctx_.sink.part_created(part);
  if (ctx_.observer != nullptr) ctx_.observer->part_created(part, ctx_.parts[part], ctx_.kernel.now());
  return part;
}

PartId Source::create_part() { return new_part(draw_product(), NO_ORDER); }

const char* Source::event_name(std::uint32_t kind) const {
  static constexpr const char* names[] = {"arrival", "release", "offer"};
  return kind < std::size(names) ? names[kind] : nullptr;
}

void Source::on_event(const kernel::Event& event) {
  switch (event.kind) {
    case ARRIVAL: {
      if (ctx_.parts.full()) {
        ctx_.kernel.fail("source '" + id_ + "': more than " + std::to_string(ctx_.parts.max_live()) +
                         " parts in the plant: arrivals exceed the line's capacity");
        return;
      }
      const PartId part = new_part(draw_product(), NO_ORDER);
      // Nothing queued here and room at the station: hand the part over directly.
      if (!waiting_.empty() || requesting_ || !ctx_.routes[ctx_.parts[part].product].front().station->try_accept(part)) {
        waiting_.push_back(part);
        offer();
      }
      arrival_ = {};
      if (can_create()) next_arrival();
      break;
    }
    case RELEASE: {
      const kernel::Tick now = ctx_.kernel.now();
      while (next_order_ < params_.orders.size() && params_.orders[next_order_].release <= now) {
        const OrderRelease& o = params_.orders[next_order_++];
        for (std::int64_t q = 0; q < o.quantity; ++q) waiting_.push_back(new_part(o.product, o.order));
      }
      offer();
      if (next_order_ < params_.orders.size())
        ctx_.kernel.schedule_at(params_.orders[next_order_].release, model_id_, RELEASE);
      break;
    }
    case OFFER: offer(); break;
    default: assert(false);
  }
}

void Source::offer() {
  if (offering_) return;
  offering_ = true;
  // A grant made during request_entry() pops the head and clears requesting_: the loop goes on
  // with the next part, still in creation order.
  while (!requesting_ && !waiting_.empty()) {
    requesting_ = true;
    const Part& head = ctx_.parts[waiting_.front()];
    Station* first = ctx_.routes[head.product].front().station;
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

WaitKind Source::waits_for(std::uint32_t /*item*/, std::vector<WaitItem>& on) const {
  if (waiting_.empty()) return WaitKind::MOVES;
  on.push_back(ctx_.routes[ctx_.parts[waiting_.front()].product].front().station->entry_wait(*this, 0));
  return WaitKind::ANY;
}

std::string Source::describe_wait(std::uint32_t /*item*/) const {
  const Station& first = *ctx_.routes[ctx_.parts[waiting_.front()].product].front().station;
  return "source '" + id_ + "' holds " + std::to_string(waiting_.size()) + " part(s) waiting for " + first.entry_name();
}

void Source::holders(std::vector<WaitItem>& out) const {
  if (!waiting_.empty()) out.push_back({this, 0});
}

}  // namespace plantwin::models
