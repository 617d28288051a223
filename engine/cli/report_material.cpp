// The CLI's material-flow table (docs/cli.md): per station that rejects, assembles or batches,
// and per source with a WIP limit, the KPIs of docs/kpis.md#material-flow.
#include <cstdio>
#include <initializer_list>
#include <string>

#include "cli/report.hpp"

namespace plantwin::cli {

std::string format_material_report(const run::Json& doc) {
  std::string out;
  const auto has = [](const run::Json& j, const char* key) { return j.find(key) != nullptr; };
  if (const run::Json* stations = doc.find("stations")) {
    for (const auto& [id, s] : stations->members()) {
      const bool rejects = has(s, "rejected"), rework = has(s, "reworked"), assembly = has(s, "consumed"),
                 batches = has(s, "batches");
      if (!rejects && !assembly && !batches) continue;
      if (out.empty()) {
        char head[256];
        std::snprintf(head, sizeof head, "\n%-14s%10s%10s%10s%10s%9s%10s%10s\n", "material", "rejected", "reworked",
                      "consumed", "kits", "batches", "size", "fill_s");
        out = head;
      }
      // A column that does not apply to the station stays blank.
      const auto opt = [&s](bool applies, std::initializer_list<const char*> path, int width) {
        return applies ? cell(mean_at(s, path), width) : std::string(static_cast<std::size_t>(width), ' ');
      };
      out += name_cell(id, 14) + opt(rejects, {"rejected"}, 10) + opt(rework, {"reworked"}, 10) +
             opt(assembly, {"consumed"}, 10) + opt(assembly, {"kits_waiting"}, 10) + opt(batches, {"batches", "count"}, 9) +
             opt(batches, {"batches", "mean_size"}, 10) + opt(batches, {"batches", "fill_wait_s"}, 10) + "\n";
    }
  }
  if (const run::Json* sources = doc.find("sources")) {
    char head[128];
    std::snprintf(head, sizeof head, "\n%-14s%10s%10s\n", "release", "wip_limit", "backlog");
    out += head;
    for (const auto& [id, s] : sources->members()) {
      out += name_cell(id, 14) + cell_decimals(s.find("wip_limit")->number(), 0, 10) + cell(mean_at(s, {"backlog"}), 10) + "\n";
    }
  }
  return out;
}

}  // namespace plantwin::cli
