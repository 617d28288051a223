#include "models/calendar.hpp"

#include <algorithm>
#include <cassert>

namespace plantwin::models {

namespace {

/// Sorts windows and joins those that overlap or touch.
std::vector<TimeWindow> merged(std::vector<TimeWindow> windows) {
  std::sort(windows.begin(), windows.end(), [](const TimeWindow& a, const TimeWindow& b) { return a.from < b.from; });
  std::vector<TimeWindow> out;
  for (const TimeWindow& w : windows) {
    if (w.to <= w.from) continue;
    if (!out.empty() && w.from <= out.back().to)
      out.back().to = std::max(out.back().to, w.to);
    else
      out.push_back(w);
  }
  return out;
}

/// `windows` (sorted, disjoint) minus `cut` (sorted, disjoint).
std::vector<TimeWindow> minus(const std::vector<TimeWindow>& windows, const std::vector<TimeWindow>& cut) {
  std::vector<TimeWindow> out;
  for (TimeWindow w : windows) {
    for (const TimeWindow& c : cut) {
      if (c.to <= w.from || c.from >= w.to) continue;
      if (c.from > w.from) out.push_back({w.from, c.from});
      w.from = std::max(w.from, c.to);
      if (w.from >= w.to) break;
    }
    if (w.from < w.to) out.push_back(w);
  }
  return out;
}

/// Whether `t` is inside one of the sorted, disjoint `windows`.
bool inside(const std::vector<TimeWindow>& windows, Tick t) {
  const auto it = std::upper_bound(windows.begin(), windows.end(), t,
                                   [](Tick v, const TimeWindow& w) { return v < w.from; });
  return it != windows.begin() && t < std::prev(it)->to;
}

/// The first window end or start after `t` among the sorted, disjoint `windows`, or NEVER.
Tick next_edge(const std::vector<TimeWindow>& windows, Tick t) {
  // Disjoint and sorted, so their ends are sorted too: the first window that ends after t holds
  // the edge (a binary search: a calendar may close thousands of times over a horizon).
  const auto it = std::upper_bound(windows.begin(), windows.end(), t, [](Tick v, const TimeWindow& w) { return v < w.to; });
  if (it == windows.end()) return NEVER;
  return it->from > t ? it->from : it->to;
}

}  // namespace

void CalendarParams::compile() {
  const std::vector<TimeWindow> day_shifts = shifts.empty() ? std::vector<TimeWindow>{{0, DAY}} : merged(shifts);
  const std::vector<TimeWindow> day_breaks = merged(breaks);
  const std::vector<TimeWindow> day_on = minus(day_shifts, day_breaks);
  std::vector<TimeWindow> week;
  for (int d = 0; d < 7; ++d) {
    if (!days[static_cast<std::size_t>((static_cast<int>(start) + d) % 7)]) continue;
    for (const TimeWindow& w : day_on) week.push_back({d * DAY + w.from, d * DAY + w.to});
  }
  week_ = merged(std::move(week));
  closed = merged(std::move(closed));
}

Tick CalendarParams::weekly_on_time() const {
  Tick total = 0;
  for (const TimeWindow& w : week_) total += w.to - w.from;
  return total;
}

bool CalendarParams::week_on(Tick t) const { return inside(week_, t % WEEK); }

Tick CalendarParams::week_next_change(Tick t) const {
  if (week_.empty()) return NEVER;
  if (week_.size() == 1 && week_.front().from == 0 && week_.front().to == WEEK) return NEVER;
  const bool now = week_on(t);
  Tick base = t - t % WEEK;
  Tick c = t;
  // At most every edge of this week and the next: an edge at the week's end may continue into
  // the next week's first window.
  for (std::size_t guard = 0; guard < 2 * week_.size() + 4; ++guard) {
    const Tick edge = next_edge(week_, c - base);
    if (edge == NEVER || edge >= WEEK) {
      base += WEEK;
      c = base;
      if (week_on(c) != now) return c;
      continue;
    }
    c = base + edge;
    if (week_on(c) != now) return c;
  }
  return NEVER;
}

bool CalendarParams::is_on(Tick t) const { return week_on(t) && !inside(closed, t); }

Tick CalendarParams::next_change(Tick t) const {
  const bool now = is_on(t);
  Tick c = t;
  for (;;) {
    const Tick weekly = week_next_change(c);
    const Tick closing = next_edge(closed, c);
    const Tick next = std::min(weekly, closing);
    if (next == NEVER) return NEVER;
    if (is_on(next) != now) return next;
    c = next;
  }
}

Tick CalendarParams::on_time(Tick from, Tick to) const {
  Tick total = 0;
  Tick t = from;
  bool on = is_on(t);
  while (t < to) {
    const Tick next = std::min(next_change(t), to);
    if (on) total += next - t;
    t = next;
    on = !on;
  }
  return total;
}

Calendar::Calendar(const CalendarParams& params, kernel::Kernel& kernel)
    : params_(params), kernel_(kernel), model_id_(kernel.add_model(*this, "calendar/" + params.id)), on_(params.is_on(0)) {}

void Calendar::start() {
  const Tick next = params_.next_change(kernel_.now());
  if (next != NEVER && next <= kernel::MAX_RUN_TICKS) kernel_.schedule_at(next, model_id_, 0, 0, BOUNDARY);
}

bool Calendar::off_for_good() const { return !on_ && params_.next_change(kernel_.now()) >= kernel::MAX_RUN_TICKS; }

const char* Calendar::event_name(std::uint32_t /*kind*/) const { return "change"; }

void Calendar::on_event(const kernel::Event& /*event*/) {
  on_ = !on_;
  assert(on_ == params_.is_on(kernel_.now()));
  for (CalendarClient* c : clients_) c->calendar_changed(on_);
  start();
}

}  // namespace plantwin::models
