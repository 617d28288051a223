#pragma once
/// The planner's vocabulary in a scenario (docs/planning.md, PLANNING.md §1-3): `calendars`,
/// `operators`, and what stations and sources say of them. Read, checked and built here; the
/// stations' own keys (`calendar`, `operators`, `maintenance`, `at_shift_end`) are read with the
/// station (scenario/loader.cpp) and resolved here.

#include "models/plant.hpp"
#include "scenario/checks.hpp"
#include "scenario/spec.hpp"
#include "scenario/yaml_reader.hpp"

namespace plantwin::scenario {

/// Whether `calendars:` and `operators:` were absent or lists (else every reference to one of
/// their ids would be "unknown" besides the section's own error).
struct PlanningRead {
  bool calendars_listed = true, operators_listed = true;
};

/// Reads `calendars:` and `operators:` of the top-level map into `spec`, declaring their ids in
/// `declared` and the calendars their pools name in `calendar_refs`.
PlanningRead read_planning_sections(ReadContext& ctx, MapReader& top, ScenarioSpec& spec, std::vector<Declaration>& declared,
                                    std::vector<Reference>& calendar_refs);

/// Checks what needs every section read: calendars and pools that stations and sources name
/// (`calendar_refs`, `pool_refs`, with "did you mean"), shifts that overlap, breaks outside every
/// shift (a warning), calendars on sources that do not take one.
void check_planning(ReadContext& ctx, const ScenarioSpec& spec, PlanningRead read, const std::vector<Reference>& calendar_refs,
                    const std::vector<Reference>& pool_refs);

/// A calendar as the models take it: its windows and compiled week pattern.
models::CalendarParams compiled_calendar(const CalendarSpec& c);

/// Fills the plant's calendars and pools, and the stations' and sources' indices of them.
/// Precondition: the spec is valid.
void build_planning(const ScenarioSpec& spec, models::PlantParams& plant);

}  // namespace plantwin::scenario
