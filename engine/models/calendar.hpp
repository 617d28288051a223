#pragma once
/// Calendars: when stations, operator pools and sources work (PLANNING.md §1, docs/planning.md).
///
/// A calendar's on-time is, on the listed days of the week, the union of its shifts minus its
/// breaks; minus its closed windows (absolute, from time 0). Everything else is off-time. All
/// windows are half-open [from, to). Time 0 is 00:00 of the weekday `start`.
///
/// CalendarParams answers "on at t?" and "when does that change next?" from its week pattern,
/// without events. A Calendar (one per calendar and replication) turns the changes into kernel
/// events, one per boundary whatever the number of users, and tells its users in the order they
/// subscribed. Its events run before anything else at the same instant (priority BOUNDARY): at the
/// end of on-time nothing new starts, at its start everything may.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "kernel/kernel.hpp"
#include "kernel/time.hpp"
#include "models/params.hpp"

namespace plantwin::models {

using kernel::Tick;

/// [from, to) in ticks: times of day for shifts and breaks, absolute for closed windows.
struct TimeWindow {
  Tick from = 0;
  Tick to = 0;
};

inline constexpr Tick DAY = 86400 * kernel::TICKS_PER_SECOND;
inline constexpr Tick WEEK = 7 * DAY;
/// "Never": no change of on/off after this (a calendar that stays on or off).
inline constexpr Tick NEVER = INT64_MAX;

enum class Weekday : std::uint8_t { MON, TUE, WED, THU, FRI, SAT, SUN };
inline constexpr std::array<std::pair<std::string_view, Weekday>, 7> WEEKDAYS{{{"mon", Weekday::MON},
                                                                              {"tue", Weekday::TUE},
                                                                              {"wed", Weekday::WED},
                                                                              {"thu", Weekday::THU},
                                                                              {"fri", Weekday::FRI},
                                                                              {"sat", Weekday::SAT},
                                                                              {"sun", Weekday::SUN}}};

struct CalendarParams {
  std::string id;
  Weekday start = Weekday::MON;        ///< weekday of time 0
  std::array<bool, 7> days{{true, true, true, true, true, true, true}};  ///< Monday first
  std::vector<TimeWindow> shifts;      ///< times of day; none given means the whole day
  std::vector<TimeWindow> breaks;      ///< times of day, off within the shifts
  std::vector<TimeWindow> closed;      ///< absolute windows, off (holidays, stops)

  /// Its plain keys; `days`, `shifts`, `breaks` and `closed` are read beside them.
  static constexpr auto FIELDS = std::tuple{
      decl::Choice<CalendarParams, Weekday, 7>{
          {"start", "", "mon", "`mon` .. `sun`", "the weekday of time 0 (time 0 is 00:00 of that day)"},
          &CalendarParams::start,
          WEEKDAYS},
  };

  /// Computes the week pattern from the fields above; call once before use.
  void compile();
  /// Whether `t` (>= 0) is on-time.
  bool is_on(Tick t) const;
  /// The first instant after `t` at which is_on() differs from is_on(t), or NEVER.
  Tick next_change(Tick t) const;
  /// On-time within [from, to).
  Tick on_time(Tick from, Tick to) const;
  /// On-time within one week of the pattern (closed windows aside): 0 means never on.
  Tick weekly_on_time() const;

 private:
  bool week_on(Tick t) const;
  Tick week_next_change(Tick t) const;
  std::vector<TimeWindow> week_;  ///< on-intervals of one week from time 0, sorted, merged, in [0, WEEK)
};

/// Told when a calendar turns on or off.
class CalendarClient {
 public:
  virtual void calendar_changed(bool on) = 0;

 protected:
  ~CalendarClient() = default;
};

class Calendar final : public kernel::Model {
 public:
  /// Calendar events run before every other event at their instant.
  static constexpr int BOUNDARY = kernel::Kernel::MIN_PRIORITY;

  Calendar(const CalendarParams& params, kernel::Kernel& kernel);
  const CalendarParams& params() const { return params_; }
  bool on() const { return on_; }
  /// Off now and never on again within a run: its next change is NEVER or at or beyond
  /// kernel::MAX_RUN_TICKS, which no run reaches (a wait for the next shift is not this).
  bool off_for_good() const;
  /// `client` is told of every change from now on, after the clients that subscribed before it.
  void subscribe(CalendarClient& client) { clients_.push_back(&client); }
  /// Schedules the first change; call once at time 0.
  void start();
  /// Instead of start(), in a warm start: takes the state of now (telling the clients when it
  /// differs from time 0's) and schedules the next change. Defined in warm_start.cpp.
  void start_at_now();

  void on_event(const kernel::Event& event) override;
  const char* event_name(std::uint32_t kind) const override;

 private:
  const CalendarParams& params_;
  kernel::Kernel& kernel_;
  kernel::ModelId model_id_;
  bool on_ = true;
  std::vector<CalendarClient*> clients_;
};

}  // namespace plantwin::models
