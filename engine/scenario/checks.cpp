#include "scenario/checks.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
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

std::string significant(double v, int digits) {
  if (!std::isfinite(v)) return "more than 1e308";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

void check_recurrences(ReadContext& ctx, kernel::Tick run_ticks, const Mark& at, const std::string& path, double cycle,
                       const char* what, const char* of, const char* cycle_is) {
  if (run_ticks <= 0 || !(cycle > 0)) return;
  const double count = kernel::to_seconds(run_ticks) / cycle;
  if (count <= MAX_RECURRENCES) return;
  ctx.error(at, path,
            std::string("a ") + what + " every " + significant(cycle) + "s on average (" + cycle_is + ") is " +
                significant(count) + " " + of +
                " in one replication of " + kernel::seconds_text(run_ticks) +
                " (warmup + horizon); more than 1e11 would take hours or days: is the unit right?");
}

}  // namespace plantwin::scenario
