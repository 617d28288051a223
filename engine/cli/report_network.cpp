#include "cli/report_network.hpp"

#include "cli/report.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace plantwin::cli {

namespace {

using run::Json;

std::string name(const std::string& s, int width) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "  %-*.*s", width, width, s.c_str());
  return buf;
}

}  // namespace

bool has_network(const Json& doc) { return doc.find("flows") != nullptr; }

std::string format_network_report(const Json& doc) {
  const Json* flows = doc.find("flows");
  if (flows == nullptr) return {};
  std::ostringstream out;
  out << "\n" << "flow                  completed   latency_s      p95      p99     lost    retx\n";
  for (const auto& [id, f] : flows->members()) {
    const Json& latency = *f.find("latency_s");
    out << name(id, 18) << cell_decimals(mean_at(f, {"completed"}), 1, 11) << cell_decimals(number_at(latency, "mean"), 4, 12)
        << cell_decimals(number_at(latency, "p95"), 4, 9) << cell_decimals(number_at(latency, "p99"), 4, 9)
        << cell_decimals(mean_at(f, {"lost"}), 1, 9) << cell_decimals(mean_at(f, {"retransmissions"}), 1, 8) << "\n";
  }
  out << "\n" << "link                    util  up/fwd  down/bwd     down\n";
  for (const auto& [id, l] : doc.find("links")->members()) {
    const bool five_g = l.find("uplink") != nullptr;
    out << name(id, 18) << cell_decimals(mean_at(l, {"utilization"}), 3, 8)
        << cell_decimals(mean_at(l, {five_g ? "uplink" : "forward"}), 3, 8)
        << cell_decimals(mean_at(l, {five_g ? "downlink" : "backward"}), 3, 10) << cell_decimals(mean_at(l, {"down"}), 3, 9) << "\n";
  }
  if (const Json* nodes = doc.find("nodes"); nodes != nullptr && !nodes->members().empty()) {
    out << "\n" << "compute node            util\n";
    for (const auto& [id, n] : nodes->members()) out << name(id, 18) << cell_decimals(mean_at(n, {"utilization"}), 3, 8) << "\n";
  }
  std::string waiting;
  for (const auto& [id, st] : doc.find("stations")->members()) {
    const double w = mean_at(st, {"waiting_network"});
    if (std::isfinite(w) && w > 0) {
      char share[64];
      std::snprintf(share, sizeof share, " %.3f", w);
      waiting += (waiting.empty() ? " " : ", ") + id + share;
    }
  }
  if (!waiting.empty()) out << "\nwaiting on the network (share of server time):" << waiting << "\n";
  return out.str();
}

}  // namespace plantwin::cli
