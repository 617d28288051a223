#include <cmath>
#include <cstdio>

#include "cli/report.hpp"

namespace plantwin::cli {

std::string format_operators_report(const run::Json& doc) {
  const run::Json* pools = doc.find("operators");
  if (pools == nullptr) return "";
  char head[256];
  std::snprintf(head, sizeof head, "\n%-14s%7s%8s%8s%8s%8s%9s%9s%10s\n", "operators", "count", "util", "setup", "work",
                "repair", "wait_s", "p95", "requests");
  std::string out = head;
  for (const auto& [id, p] : pools->members()) {
    out += name_cell(id, 14) + cell_decimals(p.find("count")->number(), 0, 7) + cell(mean_at(p, {"utilization"}), 8);
    for (const char* task : {"setup", "work", "repair"}) out += cell(mean_at(p, {"busy", task}), 8);
    const run::Json* p95 = p.find("wait_s")->find("p95");
    out += cell(mean_at(p, {"wait_s"}), 9) + cell(p95 != nullptr && p95->is_number() ? p95->number() : std::nan(""), 9) +
           cell(mean_at(p, {"requests"}), 10) + "\n";
  }
  return out;
}

}  // namespace plantwin::cli
