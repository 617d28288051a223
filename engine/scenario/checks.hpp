#pragma once
/// The checks every section of a scenario makes across its items, in one place: ids declared
/// once, references that name a declared id ("unknown calendar 'twoshifts' (did you mean
/// 'two_shifts'?)").

#include <string>
#include <vector>

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

}  // namespace plantwin::scenario
