#include "scenario/checks.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "scenario/text.hpp"

namespace plantwin::scenario {

void check_unique(ReadContext& ctx, std::vector<Declaration> declarations) {
  std::stable_sort(declarations.begin(), declarations.end(),
                   [&](const Declaration& a, const Declaration& b) { return ctx.before(a.mark, b.mark); });
  std::unordered_map<std::string, const Declaration*> first;  // looked up only, never iterated
  for (const Declaration& d : declarations) {
    if (d.id.empty()) continue;
    const auto [it, inserted] = first.emplace(d.id, &d);
    if (inserted) continue;
    const Declaration& other = *it->second;
    std::string where = "line " + std::to_string(other.mark.line);
    if (other.mark.file != d.mark.file) where = other.mark.file + ":" + std::to_string(other.mark.line);
    ctx.error(d.mark, d.path, "duplicate id " + quoted(d.id, '\'') + " (first used by the " + other.kind + " at " + where + ")");
  }
}

bool resolve(ReadContext& ctx, const std::vector<Reference>& references, const std::vector<std::string>& ids,
             const char* noun) {
  const std::unordered_set<std::string> known(ids.begin(), ids.end());
  bool all_known = true;
  for (const Reference& ref : references)
    if (!known.count(ref.id)) {
      ctx.error(ref.mark, ref.path, "unknown " + std::string(noun) + " " + quoted(ref.id, '\'') + ctx.suggest(ref.id, ids));
      all_known = false;
    }
  return all_known;
}

}  // namespace plantwin::scenario
