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

/// Failures or maintenances of one server or link, parts of an interarrival source, or messages of
/// one device of a periodic flow in one replication (warmup + horizon over the mean cycle): past
/// this, a replication takes hours or days (two events or more each, at 10 to 30 M events/s),
/// and the cause is nearly always a unit (`mtbf: 1ns` for 1h: 2.9e13 failures in 8 hours).
/// Refused, so that no scenario runs for ever. Each item is judged alone: the rule catches a
/// mistyped value, it does not bound the run's length (a year of a can line at 1,000 parts a
/// second, 3.2e10, is a long run, not a mistake).
constexpr double MAX_RECURRENCES = 1e11;

/// A large count or time in a message, to `digits` significant digits ("1.48e+14"); "more than
/// 1e308" when it overflowed to infinity.
std::string significant(double v, int digits = 3);

/// Refuses, at `at`, what would come more than MAX_RECURRENCES times in a replication of
/// `run_ticks` (0: the run's length is not known, nothing is judged) at one every `cycle` seconds
/// on average: `what` names one ("failure"), `of` the whole ("failures of a server"), `cycle_is`
/// what the cycle is made of ("mtbf + mttr").
void check_recurrences(ReadContext& ctx, kernel::Tick run_ticks, const Mark& at, const std::string& path, double cycle,
                       const char* what, const char* of, const char* cycle_is);

}  // namespace plantwin::scenario
