#pragma once
// Human-readable and file outputs of the CLI, all read from the result document so that the
// table, the CSV files and the JSON never disagree.

#include <optional>
#include <string>
#include <vector>

#include "run/json.hpp"
#include "scenario/loader.hpp"

namespace plantwin::cli {

/// The KPI table `plantwin run` prints.
std::string format_report(const run::Json& doc);
/// One row per station / product / replication, for spreadsheets (--out DIR).
std::string stations_csv(const run::Json& doc);
std::string products_csv(const run::Json& doc);
std::string replications_csv(const run::Json& doc);

struct CheckItem {
  std::string name;     ///< "throughput_per_h >= 100"
  bool passed = false;
  std::string message;  ///< the measured value with its interval, and the bound it broke
};

struct CheckReport {
  std::vector<CheckItem> items;
  int failed = 0;
};

/// Prints a located error for every expectation whose KPI path does not exist in `skeleton`
/// (a result document of the scenario); false if there was any.
bool check_paths_resolvable(const scenario::ExpectSpec& expect, const run::Json& skeleton);
CheckReport evaluate_expectations(const scenario::ExpectSpec& expect, const run::Json& doc);
std::string format_check_report(const CheckReport& report, const std::string& scenario_file);
std::string junit_xml(const CheckReport& report, const std::string& scenario_file);

}  // namespace plantwin::cli
