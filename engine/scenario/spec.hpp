#pragma once
/// The scenario as typed structs: what the loader produces from YAML after validation, and what
/// the builder turns into a running plant. Ids are still names here; the builder resolves them to
/// typed handles. Every element keeps the Mark of its YAML node so that checks made after reading
/// (unknown ids, graph checks) can point at the place.
///
/// A ScenarioSpec that the loader returns without errors is valid: every id it names exists, every
/// distribution's validate() is empty, every number is in range. The builder relies on that.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kernel/distribution.hpp"
#include "kernel/time.hpp"
#include "models/calendar.hpp"
#include "models/operators.hpp"
#include "models/station.hpp"
#include "scenario/diagnostics.hpp"
#include "scenario/spec_transport.hpp"
#include "scenario/spec_network.hpp"

namespace plantwin::scenario {

using kernel::Distribution;
using kernel::Tick;

/// One entry of a route: a station (`test`, `{station: test, via: agv}`) or alternatives
/// (`{any: [mill_1, mill_2], weights: {mill_1: 3, mill_2: 1}, via: agv}`).
struct RouteEntrySpec {
  std::vector<std::string> stations;  ///< one, or the alternatives in list order
  std::vector<Mark> station_marks;
  bool any = false;  ///< written as `{any: [...]}`
  /// `weights`: one per station in `stations`' order (a random choice), or empty (the least loaded).
  std::vector<double> weights;
  Mark weights_mark;
  /// The fleet or conveyor that carries the part there, or "" when it moves there at once.
  std::string via;
  Mark via_mark;
  Mark mark;
  /// The station of a one-station entry (the first alternative of `any`).
  const std::string& station() const { return stations.front(); }
};

/// One line of a bill of materials: `bom: {board: 1, housing: 2}`.
struct BomEntrySpec {
  std::string product;
  std::int64_t count = 1;
  Mark mark;
};

struct ProductSpec {
  std::string id;
  /// In visiting order; a station may appear more than once (a re-entrant route).
  std::vector<RouteEntrySpec> route;
  Mark mark;
  /// `bom`: it is assembled at its first station from these (docs/planning.md, "Assembly").
  std::vector<BomEntrySpec> bom;
  Mark bom_mark;
};

struct MixEntry {
  std::string product;
  double weight = 1.0;  ///< > 0; weights need not sum to 1 (they are normalised)
  Mark mark;
};

struct OrderSpec {
  std::string id;  ///< optional in YAML; default "<source id>#<1-based index>"
  std::string product;
  std::int64_t quantity = 1;  ///< 1 .. 1,000,000
  Tick release = 0;           ///< absolute, from time 0
  std::optional<Tick> due;    ///< absolute, >= release
  int priority = 0;           ///< `priority`: higher first at stations with `queue: priority`
  Mark mark;
};

struct SourceSpec {
  enum class Kind { INTERARRIVAL, SATURATED, ORDERS };
  std::string id;
  Kind kind = Kind::INTERARRIVAL;
  Mark mark;
  /// INTERARRIVAL and SATURATED: `product: x` is one entry of weight 1; `mix:` is several.
  std::vector<MixEntry> mix;
  /// INTERARRIVAL: time between parts (its mean is > 0); the first part comes after one draw.
  Distribution interarrival;
  /// INTERARRIVAL and SATURATED: no more parts after this many.
  std::optional<std::int64_t> limit;
  /// ORDERS: in the listed order (the model sorts them stably by release).
  std::vector<OrderSpec> orders;
  /// INTERARRIVAL: the calendar its clock runs in, or "".
  std::string calendar;
  Mark calendar_mark;
  /// `wip_limit`: release control (docs/planning.md); none: no limit.
  std::optional<std::int64_t> wip_limit;
  Mark wip_limit_mark;
};

struct ProductDistribution {
  std::string product;
  Distribution dist;
  Mark mark;
};

struct SetupEntry {
  std::string from;
  std::string to;
  Distribution dist;
  Mark mark;
};

struct SetupSpec {
  /// `setup: 5min` (or a distribution): the changeover whenever the product differs from the
  /// previous part's.
  std::optional<Distribution> any;
  /// `setup: {from: {to: duration}}`: missing pairs and the same product take no setup.
  std::vector<SetupEntry> matrix;
  Mark mark;
};

struct StationSpec {
  std::string id;
  Mark mark;
  /// Its declared values (models/station.hpp: servers, buffer, yield, at_shift_end, failures,
  /// maintenance). What names other things is beside, resolved to indices by the builder.
  models::StationParams params;
  /// Exactly one of the two is set: one distribution for every product, or one per product
  /// (then every product whose route visits the station has an entry).
  std::optional<Distribution> process;
  std::vector<ProductDistribution> process_by_product;
  Mark process_mark;
  std::optional<SetupSpec> setup;
  std::string calendar;  ///< a calendar id, or "" (docs/planning.md)
  Mark calendar_mark;
  std::optional<Mark> at_shift_end_mark;  ///< where `at_shift_end` is written, when it is
  Mark failures_mark;
  /// The operator pool each task needs (setup, work, repair), or "".
  std::array<std::string, models::OPERATOR_TASK_COUNT> operators;
  std::array<Mark, models::OPERATOR_TASK_COUNT> operator_marks;
  /// `rejects: {route: [...]}`: the rework route's stations (params.rejects holds the rest).
  std::vector<std::string> rework_route;
  std::vector<Mark> rework_marks;
  Mark rejects_mark;
  Mark batch_mark;
  Mark queue_mark;
};

/// A window of a calendar as written: times of day (shifts, breaks) or absolute (closed).
struct WindowSpec {
  Tick from = 0, to = 0;
  Mark mark;
  std::string path;
};

/// `calendars:` items (docs/planning.md). Its declared values and compiled pattern are in
/// `params` once the builder has them; the windows as written are beside, for checks.
struct CalendarSpec {
  models::CalendarParams params;
  std::vector<WindowSpec> shifts, breaks, closed;
  Mark mark;
};

/// `operators:` items.
struct OperatorPoolSpec {
  models::OperatorPoolParams params;
  std::string calendar;  ///< a calendar id, or ""
  Mark calendar_mark;
  Mark mark;
};

/// `epoch`: the instant time 0 is (docs/twin.md): event logs are read and written in ISO 8601 in
/// its UTC offset.
struct EpochSpec {
  std::int64_t unix_seconds = 0;  ///< time 0, whole seconds since 1970-01-01T00:00:00Z
  int offset_minutes = 0;
  std::string text;  ///< as written
  Mark mark;
};

struct ScenarioSpec {
  std::string file;  ///< the path it was read from (as given)
  int version = 1;
  std::string name;
  std::uint64_t seed = 1;
  Tick horizon = 0;  ///< > 0
  Tick warmup = 0;   ///< >= 0; warmup + horizon <= kernel::MAX_RUN_TICKS
  int replications = 1;
  std::optional<EpochSpec> epoch;
  std::vector<ProductSpec> products;
  std::vector<SourceSpec> sources;
  std::vector<StationSpec> stations;
  std::vector<CalendarSpec> calendars;    ///< `calendars:` (docs/planning.md)
  std::vector<OperatorPoolSpec> operators;  ///< `operators:`
  TransportSpec transport;  ///< layout, fleets, conveyors, arms (docs/transport.md)
  std::optional<NetworkSpec> network;  ///< `network:` (docs/network.md)
  std::vector<MessageSpec> messages;   ///< `messages:`; only with a network

  const ProductSpec* find_product(const std::string& id) const;
  const StationSpec* find_station(const std::string& id) const;
  const SourceSpec* find_source(const std::string& id) const;
  const FleetSpec* find_fleet(const std::string& id) const;
};

}  // namespace plantwin::scenario
