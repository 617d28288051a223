#include "scenario/planning.hpp"

#include <algorithm>
#include <cstdlib>
#include <cmath>
#include <cstdio>

#include "scenario/declared.hpp"
#include "scenario/id_index.hpp"
#include "scenario/text.hpp"
#include "scenario/units.hpp"

namespace plantwin::scenario {

namespace {

constexpr Tick DAY = models::DAY;

std::string time_text(Tick t) {
  // "14h", "10h30min", "0s": the way the docs write times of day; "0.25s" below the second.
  if (t % kernel::TICKS_PER_SECOND != 0) return kernel::seconds_text(t);
  const Tick s = t / kernel::TICKS_PER_SECOND;
  std::string out;
  if (s / 86400) out += std::to_string(s / 86400) + "d";
  if (s % 86400 / 3600) out += std::to_string(s % 86400 / 3600) + "h";
  if (s % 3600 / 60) out += std::to_string(s % 3600 / 60) + "min";
  if (s % 60 || out.empty()) out += std::to_string(s % 60) + "s";
  return out;
}

/// `{from: 6h, to: 14h}`: `to` after `from`; a time of day is at most 24h.
std::optional<WindowSpec> read_window(ReadContext& ctx, const YamlNode& node, const std::string& path, bool time_of_day) {
  MapReader map(ctx, node, path, "a map with from and to");
  if (!map.valid()) return std::nullopt;
  WindowSpec w;
  w.mark = ctx.mark(node);
  w.path = path;
  bool ok = map.required("from", w.from, read_duration);
  ok = map.required("to", w.to, read_duration) && ok;
  if (!ok) return std::nullopt;
  // `{from: 6, to: 14}` is 6 s to 14 s: a bare number up to 24 in a time of day is most likely hours.
  for (const char* key : {"from", "to"})
    if (const YamlNode* v = map.get(key);
        time_of_day && !v->text.empty() && v->text.find_first_not_of("0123456789") == std::string::npos) {
      const double number = std::strtod(v->text.c_str(), nullptr);
      if (number > 0 && number <= 24)
        ctx.warning(*v, map.child_path(key), std::string("a bare number is seconds: `") + key + ": " + v->text + "` is " +
                                                 v->text + " s after midnight; write " + v->text + "h for " + v->text + ":00");
    }
  if (time_of_day && w.to > DAY) {
    ctx.error(*map.get("to"), map.child_path("to"), "a time of day is at most 24h, got " + quoted(map.get("to")->text));
    return std::nullopt;
  }
  if (!(w.to > w.from)) {
    ctx.error(*map.get("to"), map.child_path("to"),
              "`to` " + map.get("to")->text + " is not after `from` " + map.get("from")->text +
                  (time_of_day ? " (a shift across midnight is written as two: {from: 22h, to: 24h} and {from: 0h, to: 6h})"
                               : ""));
    return std::nullopt;
  }
  return w;
}

std::vector<WindowSpec> read_windows(ReadContext& ctx, MapReader& map, const char* key, bool time_of_day) {
  std::vector<WindowSpec> out;
  if (const YamlNode* list = map.get(key))
    for_each_item(ctx, *list, map.child_path(key), "a list of {from, to}", [&](const YamlNode& item, const std::string& p, std::size_t) {
      if (auto w = read_window(ctx, item, p, time_of_day)) out.push_back(*w);
    });
  return out;
}

CalendarSpec read_calendar(ReadContext& ctx, const YamlNode& node, const std::string& path, std::vector<Declaration>& declared) {
  CalendarSpec c;
  c.mark = ctx.mark(node);
  MapReader map(ctx, node, path, "a calendar (a map)");
  if (!map.valid()) return c;
  if (map.required("id", c.params.id, read_id)) declared.push_back({c.params.id, ctx.mark(*map.get("id")), map.child_path("id"), "calendar"});
  read_declared(map, c.params);
  if (const YamlNode* days = map.get("days")) {
    c.params.days.fill(false);
    std::vector<std::string> names;
    for (const auto& [name, day] : models::WEEKDAYS) names.emplace_back(name);
    const bool is_list = for_each_item(ctx, *days, map.child_path("days"), "a list of weekdays (mon .. sun)",
                                       [&](const YamlNode& item, const std::string& p, std::size_t) {
                                         const auto index = read_choice(ctx, item, p, names);
                                         if (!index) return;
                                         if (c.params.days[*index]) ctx.error(item, p, "day " + quoted(item.text, '\'') + " is listed twice");
                                         c.params.days[*index] = true;
                                       });
    if (is_list && days->entries.empty()) ctx.error(*days, map.child_path("days"), "expected at least one day");
  }
  c.shifts = read_windows(ctx, map, "shifts", true);
  if (const YamlNode* shifts = map.get("shifts"); shifts != nullptr && shifts->is_sequence() && shifts->entries.empty())
    ctx.error(*shifts, map.child_path("shifts"), "expected at least one shift (without `shifts` the calendar is on all day)");
  c.breaks = read_windows(ctx, map, "breaks", true);
  c.closed = read_windows(ctx, map, "closed", false);
  return c;
}

OperatorPoolSpec read_pool(ReadContext& ctx, const YamlNode& node, const std::string& path, std::vector<Declaration>& declared,
                           std::vector<Reference>& calendar_refs) {
  OperatorPoolSpec o;
  o.mark = ctx.mark(node);
  MapReader map(ctx, node, path, "an operator pool (a map with id and count)");
  if (!map.valid()) return o;
  if (map.required("id", o.params.id, read_id))
    declared.push_back({o.params.id, ctx.mark(*map.get("id")), map.child_path("id"), "operator pool"});
  read_declared(map, o.params);
  if (const YamlNode* calendar = map.get("calendar")) {
    if (const std::string* text = scalar_text(ctx, *calendar, map.child_path("calendar"), "a calendar id")) {
      o.calendar = *text;
      o.calendar_mark = ctx.mark(*calendar);
      calendar_refs.push_back({*text, o.calendar_mark, map.child_path("calendar")});
    }
  }
  return o;
}

std::vector<models::TimeWindow> windows(const std::vector<WindowSpec>& in) {
  std::vector<models::TimeWindow> out;
  for (const WindowSpec& w : in) out.push_back({w.from, w.to});
  return out;
}

/// `interrupted: restart` starts an interrupted work over with the same duration. When failures
/// come at most T after the last one (a bounded time to failure), a work longer than T never ends
/// and its part never leaves: a plant that runs on with nothing coming out. Certain: an error;
/// possible (a work that can draw more than T, a setup on the calendar basis): a warning. On the
/// calendar basis a station with a calendar can still end such a work across shift ends (a
/// failure off shift leaves the paused work as it is): a warning only.
void check_restart_ends(ReadContext& ctx, const StationSpec& st, std::size_t i) {
  const auto& f = st.params.failures;
  const std::optional<double> bound = f ? f->restart_bound() : std::nullopt;
  if (!bound) return;
  const double most = *bound;
  const bool calendar_basis = f->basis == models::FailureParams::Basis::CALENDAR;
  std::vector<const Distribution*> works;
  if (st.process) works.push_back(&*st.process);
  for (const auto& pd : st.process_by_product) works.push_back(&pd.dist);
  double least = INFINITY, longest = 0;
  for (const Distribution* d : works) {
    const auto [lo, hi] = d->support();
    least = std::min(least, lo);
    longest = std::max(longest, hi);
  }
  // Setups are interrupted on the calendar basis only (the operating basis counts working time).
  double longest_setup = 0;
  if (f->restarts(true) && st.setup) {
    if (st.setup->any) longest_setup = st.setup->any->support().second;
    for (const SetupEntry& e : st.setup->matrix) longest_setup = std::max(longest_setup, e.dist.support().second);
  }
  const auto text = [](double seconds) { return time_text(kernel::duration_from_seconds(seconds)); };
  const std::string path = item_path("stations", i) + ".failures";
  const std::string why = "with `interrupted: restart` a work starts over after each failure, and a failure comes at most " +
                          text(most) + " after the last one";
  const bool shifts_pause = calendar_basis && !st.calendar.empty();
  if (shifts_pause && std::max(longest, longest_setup) > most)
    ctx.warning(st.failures_mark, path, why + ": a work or setup longer than that ends only if shift ends pause it before each failure");
  else if (!works.empty() && least > most && !shifts_pause)
    ctx.error(st.failures_mark, path, why + ", before the shortest work (" + text(least) +
                                          ") can end: no part would ever leave the station");
  else if (longest > most)
    ctx.warning(st.failures_mark, path, why + ": a work drawn longer than that never ends, and the station stops for good");
  else if (longest_setup > most)
    ctx.warning(st.failures_mark, path, why + ": a setup longer than that never ends, and the station stops for good at it");
}

}  // namespace

models::CalendarParams compiled_calendar(const CalendarSpec& c) {
  models::CalendarParams p = c.params;
  p.shifts = windows(c.shifts);
  p.breaks = windows(c.breaks);
  p.closed = windows(c.closed);
  p.compile();
  return p;
}

PlanningRead read_planning_sections(ReadContext& ctx, MapReader& top, ScenarioSpec& spec, std::vector<Declaration>& declared,
                                    std::vector<Reference>& calendar_refs) {
  PlanningRead read;
  if (const YamlNode* list = top.get("calendars"))
    read.calendars_listed = for_each_item(
        ctx, *list, "calendars", "a list of calendars", [&](const YamlNode& item, const std::string& path, std::size_t) {
          spec.calendars.push_back(read_calendar(ctx, item, path, declared));
        });
  if (const YamlNode* list = top.get("operators"))
    read.operators_listed = for_each_item(
        ctx, *list, "operators", "a list of operator pools", [&](const YamlNode& item, const std::string& path, std::size_t) {
          spec.operators.push_back(read_pool(ctx, item, path, declared, calendar_refs));
        });
  return read;
}

void check_planning(ReadContext& ctx, const ScenarioSpec& spec, PlanningRead read, const std::vector<Reference>& calendar_refs,
                    const std::vector<Reference>& pool_refs) {
  std::vector<std::string> calendar_ids, pool_ids;
  for (const CalendarSpec& c : spec.calendars) calendar_ids.push_back(c.params.id);
  for (const OperatorPoolSpec& o : spec.operators) pool_ids.push_back(o.params.id);
  // With an id in error (empty here), a reference to it would be "unknown": say nothing rather than that.
  const auto all_named = [](const std::vector<std::string>& ids) {
    return std::none_of(ids.begin(), ids.end(), [](const std::string& id) { return id.empty(); });
  };
  if (read.calendars_listed && all_named(calendar_ids)) resolve(ctx, calendar_refs, calendar_ids, "calendar");
  if (read.operators_listed && all_named(pool_ids)) resolve(ctx, pool_refs, pool_ids, "operator pool");

  for (std::size_t i = 0; i < spec.calendars.size(); ++i) {
    const CalendarSpec& c = spec.calendars[i];
    // Shifts must not overlap: which one a moment belongs to would be ambiguous.
    std::vector<const WindowSpec*> shifts;
    for (const WindowSpec& w : c.shifts) shifts.push_back(&w);
    std::stable_sort(shifts.begin(), shifts.end(), [](const WindowSpec* a, const WindowSpec* b) { return a->from < b->from; });
    for (std::size_t k = 1; k < shifts.size(); ++k)
      if (shifts[k]->from < shifts[k - 1]->to) {
        const WindowSpec& later = ctx.before(shifts[k]->mark, shifts[k - 1]->mark) ? *shifts[k - 1] : *shifts[k];
        const WindowSpec& other = &later == shifts[k] ? *shifts[k - 1] : *shifts[k];
        ctx.error(later.mark, later.path,
                  "shift " + time_text(later.from) + "-" + time_text(later.to) + " overlaps shift " + time_text(other.from) +
                      "-" + time_text(other.to) + " (line " + std::to_string(other.mark.line) + ")");
      }
    // A break outside every shift takes nothing away: probably a mistake.
    for (const WindowSpec& b : c.breaks) {
      const bool inside_a_shift = c.shifts.empty() || std::any_of(c.shifts.begin(), c.shifts.end(), [&](const WindowSpec& s) {
                                    return b.from < s.to && s.from < b.to;
                                  });
      if (!inside_a_shift)
        ctx.warning(b.mark, b.path,
                    "break " + time_text(b.from) + "-" + time_text(b.to) + " is outside every shift: it takes no time away");
    }
    // No day at all: `days` was refused already (empty, or not weekdays); one error is enough.
    const bool some_day = std::find(c.params.days.begin(), c.params.days.end(), true) != c.params.days.end();
    if (!c.params.id.empty() && some_day && compiled_calendar(c).weekly_on_time() == 0)
      ctx.error(c.mark, item_path("calendars", i),
                "calendar " + quoted(c.params.id, '\'') + " has no on-time: its breaks cover its shifts, or it has no day");
  }

  // A pool for a task the station never does: probably a mistake (the pool is never asked).
  for (std::size_t i = 0; i < spec.stations.size(); ++i) {
    const StationSpec& st = spec.stations[i];
    const auto unused = [&](models::OperatorTask task, const char* why) {
      const auto t = static_cast<std::size_t>(task);
      if (!st.operators[t].empty())
        ctx.warning(st.operator_marks[t], item_path("stations", i) + ".operators." + models::operator_task_name(task),
                    "pool '" + st.operators[t] + "' is never asked: " + why);
    };
    if (!st.params.failures) unused(models::OperatorTask::REPAIR, "the station has no failures to repair");
    if (!st.setup) unused(models::OperatorTask::SETUP, "the station has no setups");
    check_restart_ends(ctx, st, i);
    if (st.at_shift_end_mark && st.calendar.empty())
      ctx.warning(*st.at_shift_end_mark, item_path("stations", i) + ".at_shift_end",
                  "ignored: the station has no calendar, so its shifts never end");
  }

  for (std::size_t i = 0; i < spec.sources.size(); ++i) {
    const SourceSpec& s = spec.sources[i];
    if (s.calendar.empty() || s.kind == SourceSpec::Kind::INTERARRIVAL) continue;
    if (s.kind == SourceSpec::Kind::SATURATED)
      ctx.error(s.calendar_mark, item_path("sources", i) + ".calendar",
                "a saturated source takes no calendar: it follows its first station's, whose servers take parts only on shift");
    else  // PLANNING.md §1: orders sources ignore calendars
      ctx.warning(s.calendar_mark, item_path("sources", i) + ".calendar",
                  "ignored: an orders source releases its parts at their orders' release times, on shift or not");
  }
}

void build_planning(const ScenarioSpec& spec, models::PlantParams& plant) {
  const auto id_of = [](const auto& item) -> const std::string& { return item.params.id; };
  const IdIndex calendars(spec.calendars, id_of), pools(spec.operators, id_of);
  const auto calendar = [&](const std::string& id) -> std::optional<std::size_t> {
    if (id.empty()) return std::nullopt;
    return calendars.at(id);
  };
  for (const CalendarSpec& c : spec.calendars) plant.calendars.push_back(compiled_calendar(c));
  for (const OperatorPoolSpec& o : spec.operators) {
    models::OperatorPoolParams p = o.params;
    p.calendar = calendar(o.calendar);
    plant.operators.push_back(p);
  }
  for (std::size_t s = 0; s < spec.stations.size(); ++s) {
    const StationSpec& st = spec.stations[s];
    models::StationParams& p = plant.stations[s].params;
    p.calendar = calendar(st.calendar);
    for (std::size_t t = 0; t < models::OPERATOR_TASK_COUNT; ++t)
      if (!st.operators[t].empty()) p.operators[t] = pools.at(st.operators[t]);
  }
  for (std::size_t s = 0; s < spec.sources.size(); ++s) plant.sources[s].params.calendar = calendar(spec.sources[s].calendar);
}

}  // namespace plantwin::scenario
