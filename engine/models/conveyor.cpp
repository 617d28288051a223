#include "models/conveyor.hpp"

#include <cassert>
#include <iterator>

#include "models/station.hpp"

namespace plantwin::models {

Conveyor::Conveyor(const ConveyorParams& params, Station& to, PlantContext& ctx)
    : params_(params),
      to_(to),
      ctx_(ctx),
      model_id_(ctx.kernel.add_model(*this, "conveyor/" + params.id)),
      ride_(kernel::duration_from_seconds(params.length / params.speed)),
      capacity_(static_cast<std::size_t>(params.capacity)) {}

void Conveyor::request_entry(EntryRequester& requester, std::uint64_t tag, const Transfer& transfer) {
  assert(transfer.to == &to_);
  if (requests_.empty() && !granting_ && on_.size() < capacity_) {
    enter(requester.hand_over(tag), transfer.from);
    return;
  }
  requests_.push_back(Request{&requester, tag, transfer.from});
}

void Conveyor::enter(PartId part, const Station* from) {
  if (ctx_.observer != nullptr)
    ctx_.observer->carrier_loaded({CarrierRef::Kind::CONVEYOR, number_, 0}, from != nullptr ? from->number() : 0, part,
                                  ctx_.parts[part], ctx_.kernel.now());
  on_.push_back(Carried{part, ctx_.kernel.now()});
  count_changed();
  // Every part rides the same time, so they reach the end in the order they entered.
  ctx_.kernel.schedule_in(ride_, model_id_, ARRIVE);
}

void Conveyor::count_changed() {
  const kernel::Tick now = ctx_.kernel.now();
  occupancy_.set(now, static_cast<double>(on_.size()));
  full_.set(now, on_.size() >= capacity_ ? 1.0 : 0.0);
}

void Conveyor::offer() {
  if (offering_) return;
  offering_ = true;
  // A grant made inside request_entry() pops the head and clears requesting_: the loop goes on
  // with the next part at the end.
  while (!requesting_ && at_end_ > 0) {
    requesting_ = true;
    to_.request_entry(*this, 0, Transfer{on_.front().part, nullptr, &to_});
  }
  offering_ = false;
  if (requesting_ && ctx_.stalls != nullptr) ctx_.stalls->check({this, HEAD});
}

// A full conveyor makes room only when its first part leaves; that part, once at the end, waits
// for its station's room (riding, it moves on by itself).
WaitKind Conveyor::waits_for(std::uint32_t item, std::vector<WaitItem>& on) const {
  if (item == ROOM ? on_.size() < capacity_ : at_end_ == 0) return WaitKind::MOVES;
  on.push_back(item == ROOM ? WaitItem{this, HEAD} : to_.entry_wait(*this, 0));
  return WaitKind::ANY;
}

std::string Conveyor::describe_wait(std::uint32_t item) const {
  if (item == ROOM) return "";
  return "conveyor '" + params_.id + "' holds " + std::to_string(on_.size()) + " part(s)" +
         (at_end_ > 0 ? "; the first, of '" + ctx_.product_name(on_.front().part) + "', waits at its end for " + to_.entry_name()
                      : "");
}

void Conveyor::holders(std::vector<WaitItem>& out) const {
  if (!on_.empty()) out.push_back({this, HEAD});
}

PartId Conveyor::hand_over(std::uint64_t /*tag*/) {
  assert(requesting_ && at_end_ > 0);
  const Carried head = on_.pop_front();
  --at_end_;
  if (ctx_.observer != nullptr)
    ctx_.observer->carrier_unloaded({CarrierRef::Kind::CONVEYOR, number_, 0}, to_.number(), head.part, ctx_.parts[head.part],
                                    ctx_.kernel.now());
  requesting_ = false;
  ++moved_;
  time_on_.add(kernel::to_seconds(ctx_.kernel.now() - head.entered));
  count_changed();
  // Called from the station's grant loop: offer the next part and take a waiting feeder's part
  // once that loop is done.
  if (!offering_ && at_end_ > 0) ctx_.kernel.defer(model_id_, OFFER);
  if (!requests_.empty() && !grant_deferred_) {
    grant_deferred_ = true;
    ctx_.kernel.defer(model_id_, GRANT);
  }
  return head.part;
}

void Conveyor::grant() {
  if (granting_) return;
  granting_ = true;
  while (!requests_.empty() && on_.size() < capacity_) {
    const Request r = requests_.pop_front();
    enter(r.requester->hand_over(r.tag), r.from);
  }
  granting_ = false;
}

void Conveyor::reset_statistics() {
  const kernel::Tick now = ctx_.kernel.now();
  occupancy_.reset(now);
  full_.reset(now);
  time_on_.reset();
  moved_ = 0;
}

ConveyorMeasures Conveyor::measures() const {
  const kernel::Tick now = ctx_.kernel.now();
  return ConveyorMeasures{occupancy_.mean(now), full_.mean(now), moved_, time_on_};
}

const char* Conveyor::event_name(std::uint32_t kind) const {
  static constexpr const char* names[] = {"arrive", "offer", "grant"};
  return kind < std::size(names) ? names[kind] : nullptr;
}

void Conveyor::on_event(const kernel::Event& event) {
  switch (event.kind) {
    case ARRIVE:
      ++at_end_;
      ++ctx_.moves;
      offer();
      break;
    case OFFER: offer(); break;
    case GRANT:
      grant_deferred_ = false;
      grant();
      break;
    default: assert(false);
  }
}

}  // namespace plantwin::models
