// The station's material-flow vocabulary (PLANNING.md §4–5, docs/planning.md): queue
// disciplines, batches, assembly from kits, rework. A plain first-come first-served station never
// comes here but for a yield draw: its parts start on a free server as they enter
// (models/station.cpp). A station with a discipline, a batch or kits "gathers": what arrives at one
// instant joins the buffer, and free servers pick at the end of the instant.

#include <algorithm>
#include <cassert>
#include <limits>

#include "models/assembly.hpp"
#include "models/plant.hpp"
#include "models/sink.hpp"
#include "models/station.hpp"

namespace plantwin::models {

namespace {
/// After every other event of the instant (a network completion at the same tick aside).
constexpr int END_OF_INSTANT = kernel::Kernel::MAX_PRIORITY - 1;
constexpr kernel::Tick NO_DUE = std::numeric_limits<kernel::Tick>::max();
}  // namespace

void Station::queue_changed() {
  const kernel::Tick now = ctx_.kernel.now();
  queue_length_.set(now, static_cast<double>(queue_.size()));
  if (kits_) kits_waiting_.set(now, static_cast<double>(kits_->complete_kits()));
}

void Station::request_pick() {
  if (pick_pending_) return;
  pick_pending_ = true;
  ctx_.kernel.schedule_at(ctx_.kernel.now(), model_id_, PICK, 0, END_OF_INSTANT);
}

void Station::pick() {
  pick_pending_ = false;
  while (free_servers_ > 0 && !queue_.empty()) {
    std::uint32_t i = 0;
    while (!is_free(servers_[i])) ++i;
    if (!start_next(i)) break;
  }
  // What came in, or what started, may have closed a group's last chance.
  if (ctx_.stalls != nullptr && groups_buffer() && !queue_.empty()) check_groups();
  if (wants_grant()) grant();
}

bool Station::start_next(std::uint32_t index) {
  if (params_.batch) {
    std::vector<PartId> batch = take_batch(servers_[index]);
    if (batch.empty()) return false;
    start_batch(index, std::move(batch));
    return true;
  }
  const std::size_t at = choose(servers_[index]);
  if (at == queue_.size()) return false;
  PartId part = queue_[at];
  if (kits_ && kits_->is_component(ctx_.parts[part].product)) {
    part = assemble(at);
  } else {
    if (at == 0)
      queue_.pop_front();
    else
      queue_.erase_at(at);
    buffered(ctx_.parts[part], -1);
    queue_changed();
  }
  start_part(index, part);
  return true;
}

// ---- queue disciplines -------------------------------------------------------------------------

std::size_t Station::choose(const Server& s) const {
  std::size_t best = queue_.size();
  // Nothing but components, and no kit complete: none starts (a long buffer is not walked).
  if (kits_ && kits_->complete_kits() == 0 && group_count(0) == 0) return best;
  for (std::size_t k = 0; k < queue_.size(); ++k) {
    // A component is taken only with a complete kit.
    if (kits_) {
      const Part& p = ctx_.parts[queue_[k]];
      if (kits_->is_component(p.product) && !kits_->complete(p)) continue;
    }
    if (params_.queue == QueueDiscipline::FIFO) return k;
    if (best == queue_.size() || before(queue_[k], queue_[best], s)) best = k;
  }
  return best;
}

bool Station::before(PartId a, PartId b, const Server& s) const {
  const Part& pa = ctx_.parts[a];
  const Part& pb = ctx_.parts[b];
  // A component's kit goes by the kit's order (none for a kit of components bought on their own).
  const auto order_of = [&](const Part& p) -> const OrderParams* {
    const std::int32_t order = kits_ && kits_->is_component(p.product) ? kits_->kit_order(p) : p.order;
    return order == NO_ORDER || ctx_.plant == nullptr ? nullptr : &ctx_.plant->orders[static_cast<std::size_t>(order)];
  };
  switch (params_.queue) {
    case QueueDiscipline::FIFO: return false;
    case QueueDiscipline::PRIORITY: {
      const OrderParams* oa = order_of(pa);
      const OrderParams* ob = order_of(pb);
      return (oa ? oa->priority : 0) > (ob ? ob->priority : 0);
    }
    case QueueDiscipline::EDD: {
      const OrderParams* oa = order_of(pa);
      const OrderParams* ob = order_of(pb);
      const kernel::Tick da = oa && oa->due ? *oa->due : NO_DUE;
      const kernel::Tick db = ob && ob->due ? *ob->due : NO_DUE;
      return da < db;
    }
    case QueueDiscipline::SPT: {
      // A component's kit is worked as its assembled product, at that product's first step (here).
      const auto mean_time = [&](const Part& p) {
        const bool kit = kits_ && kits_->is_component(p.product);
        return ctx_.routes[kit ? kits_->product_of(p) : p.product][kit ? 0 : p.step].process->mean();
      };
      return mean_time(pa) < mean_time(pb);
    }
    case QueueDiscipline::SETUP: {
      // The product the server would set up for: a kit's assembled product.
      const auto made = [&](const Part& p) { return kits_ && kits_->is_component(p.product) ? kits_->product_of(p) : p.product; };
      return s.last_product >= 0 && made(pa) == static_cast<ProductIndex>(s.last_product) &&
             made(pb) != static_cast<ProductIndex>(s.last_product);
    }
  }
  return false;
}

// ---- batches -----------------------------------------------------------------------------------

std::vector<Station::BatchGroup> Station::batch_groups() const {
  // The buffer is in arrival order: a group's first part is its oldest.
  std::vector<BatchGroup> out;
  for (const GroupState& g : groups()) {
    const Part& first = ctx_.parts[queue_[g.head]];
    out.push_back({first.product, g.count, first.entered});
  }
  return out;
}

bool Station::needs_more_parts() const {
  if (params_.batch) {
    const BatchParams& b = *params_.batch;
    for (const BatchGroup& g : batch_groups())
      if (g.count >= b.max || (b.max_wait && g.count >= b.smallest())) return false;
    return true;
  }
  if (kits_) {
    return kits_->complete_kits() == 0 && group_count(0) == 0;  // key 0: a part that is no component
  }
  return false;  // a discipline: any part in the buffer can start
}

std::vector<PartId> Station::take_batch(const Server& s) {
  const BatchParams& b = *params_.batch;
  const kernel::Tick now = ctx_.kernel.now();
  const std::vector<BatchGroup> groups = batch_groups();
  kernel::Tick due = NO_DUE;
  for (const BatchGroup& g : groups) {
    const bool full = g.count >= b.max;
    const bool waited_enough = g.count >= b.smallest() && b.max_wait && now - g.oldest >= *b.max_wait;
    if (!full && !waited_enough) {
      if (g.count >= b.smallest() && b.max_wait) due = std::min(due, g.oldest + *b.max_wait);
      continue;
    }
    const std::int64_t size = std::min(g.count, b.max);
    std::vector<PartId> batch;
    batch.reserve(static_cast<std::size_t>(size));
    // Take them in arrival order; the buffer keeps the others' order.
    std::size_t k = 0;
    while (static_cast<std::int64_t>(batch.size()) < size && k < queue_.size()) {
      if (b.mixed || ctx_.parts[queue_[k]].product == g.product) {
        batch.push_back(k == 0 ? queue_.pop_front() : queue_.erase_at(k));
        buffered(ctx_.parts[batch.back()], -1);
      } else {
        ++k;
      }
    }
    queue_changed();
    batch_size_.add(static_cast<double>(size));
    fill_wait_.add(kernel::to_seconds(now - std::max(g.oldest, s.state_since)));
    return batch;
  }
  // Nothing starts yet: wake up when the oldest part of a group that has `min` has waited `max_wait`.
  if (due != NO_DUE && !(fill_timer_ && fill_due_ == due)) {
    if (fill_timer_) ctx_.kernel.cancel(fill_timer_);
    fill_due_ = due;
    fill_timer_ = ctx_.kernel.schedule_at(due, model_id_, FILL_DUE);
  }
  return {};
}

void Station::start_batch(std::uint32_t index, std::vector<PartId> parts) {
  Server& s = servers_[index];
  s.batch = std::move(parts);
  s.batch_next = 0;
  // One setup and one process draw for the batch: its first part's.
  start_part(index, s.batch.front());
}

void Station::end_batch(std::uint32_t index) {
  Server& s = servers_[index];
  std::vector<PartId> moving;
  moving.reserve(s.batch.size());
  for (PartId part : s.batch) {
    ++processed_;
    ++ctx_.moves;
    if (ctx_.observer != nullptr) tell(index, PlantObserver::Step::WORK_END, part);
    if (judges_ && judge(part) == Verdict::SCRAP) {
      if (ctx_.observer != nullptr) tell(index, PlantObserver::Step::SCRAP, part);
      ctx_.sink.part_left(part, false);
      continue;
    }
    moving.push_back(part);
  }
  s.batch = std::move(moving);
  s.batch_next = 0;
  if (s.batch.empty()) {
    set_state(s, ServerState::IDLE);
    server_freed();
    return;
  }
  // The parts move on one by one, in batch order (the loader allows no gates at batch stations).
  s.part = s.batch.front();
  move_on(index);
}

bool Station::next_of_batch(std::uint32_t index) {
  Server& s = servers_[index];
  if (++s.batch_next < s.batch.size()) {
    s.part = s.batch[s.batch_next];
    ctx_.kernel.defer(model_id_, BATCH_NEXT, index);
    return true;
  }
  s.batch.clear();
  s.batch_next = 0;
  return false;
}

// ---- assembly ----------------------------------------------------------------------------------

PartId Station::assemble(std::size_t position) {
  const Part& head = ctx_.parts[queue_[position]];
  const std::int32_t order = kits_->kit_order(head);
  const std::uint32_t source = head.source;
  const ProductIndex product = kits_->product_of(head);
  // Each component type in arrival order, of the kit's order. A type of which the buffer holds
  // just the kit's count is taken whole, found from the back (where the scarce one waits while a
  // plentiful one fills the front).
  std::vector<std::size_t> taken;
  for (const auto& [component, have] : kits_->progress(head)) {
    const auto [in_buffer, count] = have;
    std::int64_t need = count;
    const auto take = [&](std::size_t k) {
      const Part& q = ctx_.parts[queue_[k]];
      if (q.product == component && kits_->kit_order(q) == order) {
        taken.push_back(k);
        --need;
      }
    };
    if (in_buffer == count)
      for (std::size_t k = queue_.size(); k-- > 0 && need > 0;) take(k);
    else
      for (std::size_t k = 0; k < queue_.size() && need > 0; ++k) take(k);
    assert(need == 0 && "choose() takes a component only with a complete kit");
  }
  std::sort(taken.begin(), taken.end());
  std::vector<PartId> components;
  components.reserve(taken.size());
  kernel::Tick earliest = std::numeric_limits<kernel::Tick>::max();
  for (auto it = taken.rbegin(); it != taken.rend(); ++it) {
    const PartId c = *it == 0 ? queue_.pop_front() : queue_.erase_at(*it);
    buffered(ctx_.parts[c], -1);
    earliest = std::min(earliest, ctx_.parts[c].created);
    components.push_back(c);
  }
  std::reverse(components.begin(), components.end());
  queue_changed();
  consumed_ += components.size();
  // The assembled part: its lead time runs from its earliest component.
  const PartId part = ctx_.parts.create(product, earliest, order);
  Part& p = ctx_.parts[part];
  p.source = source;
  p.entered = ctx_.kernel.now();
  ctx_.sink.parts_assembled(number_, part, components);
  return part;
}

// ---- rework ------------------------------------------------------------------------------------

Station::Verdict Station::judge(PartId part) {
  Part& p = ctx_.parts[part];
  const bool reworks = ctx_.routes[p.product][p.step].reject != NO_STEP;
  if (yield_rng_.uniform() < params_.yield) {
    // A good pass at a step with rework ends its attempts (a rework station's leaves them be).
    if (reworks) p.attempts = 0;
    return Verdict::GOOD;
  }
  ++rejected_;
  if (!reworks) {
    ++scrapped_;
    return Verdict::SCRAP;
  }
  const RejectsParams& r = *params_.rejects;
  ++p.attempts;
  if (r.max_attempts != RejectsParams::UNLIMITED && p.attempts >= r.max_attempts) {
    ++scrapped_;
    p.attempts = 0;
    return Verdict::SCRAP;
  }
  ++reworked_;
  p.rejected = true;
  // `then: next`: it does not come back to this step; `back`: the failures here go on counting.
  if (r.then == RejectsParams::Then::NEXT) p.attempts = 0;
  return Verdict::REWORK;
}

// ---- stall messages ----------------------------------------------------------------------------

std::uint64_t Station::group_key(const Part& p) const {
  if (params_.batch) return params_.batch->mixed ? 0 : std::uint64_t{p.product} + 1;
  return kits_->kit_key(p);  // one kit: its product (+ 1, never 0) and order; 0: no component
}

void Station::buffered(const Part& p, std::int64_t delta) {
  if (!groups_buffer()) return;
  const std::uint64_t key = group_key(p);
  if (kits_ && key != 0) {
    if (delta > 0)
      kits_->added(p);
    else
      kits_->removed(p);
  }
  auto g = std::find_if(group_counts_.begin(), group_counts_.end(), [&](const auto& c) { return c.first == key; });
  if (g == group_counts_.end()) g = group_counts_.insert(group_counts_.end(), {key, 0});
  g->second += delta;
  assert(g->second >= 0 && "a part left a group it was not counted in");
  if (g->second == 0) group_counts_.erase(g);
}

std::int64_t Station::group_count(std::uint64_t key) const {
  for (const auto& [k, count] : group_counts_)
    if (k == key) return count;
  return 0;
}

std::vector<Station::GroupState> Station::groups() const {
  std::vector<GroupState> found;
  std::vector<std::uint64_t> keys;  // of `found`, in the same order
  for (std::size_t k = 0; k < queue_.size() && found.size() < group_counts_.size(); ++k) {
    const std::uint64_t key = group_key(ctx_.parts[queue_[k]]);
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      found.push_back({k, group_count(key), false});
      keys.push_back(key);
    }
  }
  for (GroupState& g : found) g.startable = startable(ctx_.parts[queue_[g.head]], g.count);
#ifndef NDEBUG
  // The kept counts are the buffer's (a debug build walks it to see; the others trust them).
  std::int64_t total = 0;
  for (const auto& [key, count] : group_counts_) {
    std::int64_t in_buffer = 0;
    for (std::size_t k = 0; k < queue_.size(); ++k) in_buffer += group_key(ctx_.parts[queue_[k]]) == key;
    assert(in_buffer == count && "a batch or assembly group's count is not its buffer's");
    total += count;
  }
  assert(total == static_cast<std::int64_t>(queue_.size()) && "a part in the buffer is in no group");
#endif
  return found;
}

Station::GroupState Station::group_state(std::size_t head) const {
  const Part& first = ctx_.parts[queue_[head]];
  const std::int64_t count = group_count(group_key(first));
  return {head, count, startable(first, count)};
}

bool Station::startable(const Part& first, std::int64_t count) const {
  if (params_.batch) {
    const BatchParams& b = *params_.batch;
    return count >= b.max || (b.max_wait && count >= b.smallest());
  }
  return !kits_->is_component(first.product) || kits_->complete(first);
}

WaitKind Station::group_waits(std::size_t head, std::vector<WaitItem>& on) const {
  if (ctx_.stalls == nullptr) return WaitKind::MOVES;
  if (group_state(head).startable) {
    // It starts when a server is free to take it.
    for (std::uint32_t k = 0; k < servers_.size(); ++k) on.push_back({this, k});
    return WaitKind::ANY;
  }
  // It needs parts that have yet to come in: each product it lacks (any product for a batch that
  // mixes them; a line of other products does not help; a kit's components of its own order), and
  // room for them.
  const Part& first = ctx_.parts[queue_[head]];
  if (params_.batch) {
    on.push_back(params_.batch->mixed ? ctx_.stalls->supply() : ctx_.stalls->supply(first.product));
  } else {
    for (const auto& [p, counts] : kits_->progress(first))
      if (counts.first < counts.second) on.push_back(ctx_.stalls->supply(p, kits_->kit_order(first)));
  }
  if (!has_room()) on.push_back({this, ROOM});
  return WaitKind::ALL;
}

std::string Station::describe_group(std::size_t head) const {
  const Part& first = ctx_.parts[queue_[head]];
  const GroupState g = group_state(head);
  std::string what = "station '" + id_ + "' has " + std::to_string(g.count) + " part(s) in its buffer ";
  if (g.startable) {
    if (params_.batch) return what + "for a batch, waiting for a server";
    if (kits_->is_component(first.product)) return what + "with a complete kit of '" + (*ctx_.product_ids)[kits_->product_of(first)] + "', waiting for a server";
    return what + "waiting for a server";
  }
  if (params_.batch) {
    const BatchParams& b = *params_.batch;
    return what + "waiting to fill a batch of " + std::to_string(b.max) +
           (b.mixed ? "" : " of '" + (*ctx_.product_ids)[first.product] + "'") +
           (b.max_wait ? "" : " (no max_wait: a batch starts only when full)");
  }
  std::string kit;
  for (const auto& [component, have] : kits_->progress(first))
    kit += (kit.empty() ? "" : ", ") + (*ctx_.product_ids)[component] + " " + std::to_string(have.first) + "/" +
           std::to_string(have.second);
  const std::int32_t order = kits_->kit_order(first);
  return what + "waiting for a kit of '" + (*ctx_.product_ids)[kits_->product_of(first)] + "' (" + kit + ")" +
         (order != NO_ORDER && ctx_.plant != nullptr ? " for order '" + ctx_.plant->orders[static_cast<std::size_t>(order)].id + "'"
                                                     : "");
}

bool Station::draws_more() const {
  if (gather_ == 0 || !groups_buffer() || queue_.size() < free_servers_ * gather_ || free_servers_ < servers_.size())
    return true;
  const std::vector<GroupState> all = groups();
  return std::any_of(all.begin(), all.end(), [](const GroupState& g) { return g.startable; });
}

void Station::check_groups() {
  for (const GroupState& g : groups())
    if (!g.startable) ctx_.stalls->check({this, GROUP | static_cast<std::uint32_t>(g.head)});
}

}  // namespace plantwin::models
