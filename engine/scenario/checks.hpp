#pragma once
/// The checks every section of a scenario makes across its items, in one place: ids declared
/// once, references that name a declared id ("unknown calendar 'twoshifts' (did you mean
/// 'two_shifts'?)").

#include <string>
#include <vector>

#include "kernel/time.hpp"
#include "scenario/diagnostics.hpp"
#include "scenario/yaml_reader.hpp"

namespace plantwin::scenario {

/// An id as declared (`id: printer`), for the uniqueness check.
struct Declaration {
  std::string id;
  Mark mark;
  std::string path;
  const char* kind;  ///< "station", "product", "calendar", ...
};

/// A use of an id, resolved once every id of its kind is known.
struct Reference {
  std::string id;
  Mark mark;
  std::string path;
};

/// Reports every id declared a second time: "duplicate id 'x' (first used by the station at line
/// 4)" (with the file, when the first is in another input). Empty ids (already reported) are
/// skipped. The first is the first in the inputs' order (the file, then the overrides).
void check_unique(ReadContext& ctx, std::vector<Declaration> declarations);

/// Reports every reference to an id not among `ids`: "unknown <noun> 'x' (did you mean 'y'?)".
/// True when there was none.
bool resolve(ReadContext& ctx, const std::vector<Reference>& references, const std::vector<std::string>& ids,
             const char* noun);

/// Failures or maintenances of one server or link, or parts of an interarrival source, in one
/// replication (warmup + horizon over the mean cycle): past this, a replication takes hours (two
/// events or more each, at some 10 M events/s) and the cause is nearly always a unit (`mtbf: 1ns`
/// for 1h): refused, so that no scenario runs for ever.
constexpr double MAX_RECURRENCES = 1e9;

/// Refuses, at `at`, what would come more than MAX_RECURRENCES times in a replication of
/// `run_ticks` (0: the run's length is not known, nothing is judged) at one every `cycle` seconds
/// on average: `what` names one ("failure"), `of` the whole ("failures of a server"), `cycle_is`
/// what the cycle is made of ("mtbf + mttr").
void check_recurrences(ReadContext& ctx, kernel::Tick run_ticks, const Mark& at, const std::string& path, double cycle,
                       const char* what, const char* of, const char* cycle_is);

}  // namespace plantwin::scenario
