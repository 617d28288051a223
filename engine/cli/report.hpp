#pragma once
// Human-readable and file outputs of the CLI, all read from the result document so that the
// table, the CSV files and the JSON never disagree.

#include <string>
#include <initializer_list>
#include <string_view>

#include "run/json.hpp"

namespace plantwin::cli {

/// The KPI table `plantwin run` prints.
std::string format_report(const run::Json& doc);
/// The forecast of a run from a state (the document's `forecast`, docs/twin.md): its window,
/// throughput, the bottleneck and each open order's chance to be on time; "" without one.
std::string format_forecast(const run::Json& doc);
/// One row per station / product / replication, for spreadsheets (--out DIR).
std::string stations_csv(const run::Json& doc);
std::string products_csv(const run::Json& doc);
std::string replications_csv(const run::Json& doc);

/// A number as the tables print it: 3 decimals below 1, 2 below 1000, 1 above; "n/a" when not finite.
std::string fixed(double v);
/// The member `key` of an object when it is a number, else NaN.
double number_at(const run::Json& j, std::string_view key);
/// The mean of the KPI object (or the number) at `path` under `j`; NaN when missing.
double mean_at(const run::Json& j, std::initializer_list<const char*> path);
/// A number right-aligned in `width` characters, with 3 significant decimals below 1 ("n/a" when
/// not finite). A number as wide as its column, or wider, keeps one space before it: the cells
/// of a row never run together.
std::string cell(double v, int width);
/// The same with a fixed number of decimals (0 for counts).
std::string cell_decimals(double v, int decimals, int width);
/// An id left-aligned after two spaces, in `width` characters.
std::string name_cell(const std::string& id, int width);
/// The `operators` table (pools of docs/planning.md), or "" without pools.
std::string format_operators_report(const run::Json& doc);
/// Rework, assembly, batches and release control, when the scenario uses them; else "".
std::string format_material_report(const run::Json& doc);

}  // namespace plantwin::cli
