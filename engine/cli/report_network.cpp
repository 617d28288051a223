#include "cli/report_network.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace plantwin::cli {

namespace {

using run::Json;

double mean_of(const Json& parent, const char* key) {
  const Json* kpi = parent.find(key);
  const Json* mean = kpi != nullptr ? kpi->find("mean") : nullptr;
  return mean != nullptr && mean->is_number() ? mean->number() : std::nan("");
}

double number_of(const Json& parent, const char* key) {
  const Json* v = parent.find(key);
  return v != nullptr && v->is_number() ? v->number() : std::nan("");
}

std::string cell(double v, const char* format, int width) {
  char buf[64];
  if (std::isfinite(v))
    std::snprintf(buf, sizeof buf, format, width, v);
  else
    std::snprintf(buf, sizeof buf, "%*s", width, "n/a");
  return buf;
}

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
    out << name(id, 18) << cell(mean_of(f, "completed"), "%*.1f", 11) << cell(number_of(latency, "mean"), "%*.4f", 12)
        << cell(number_of(latency, "p95"), "%*.4f", 9) << cell(number_of(latency, "p99"), "%*.4f", 9)
        << cell(mean_of(f, "lost"), "%*.1f", 9) << cell(mean_of(f, "retransmissions"), "%*.1f", 8) << "\n";
  }
  out << "\n" << "link                    util  up/fwd  down/bwd     down\n";
  for (const auto& [id, l] : doc.find("links")->members()) {
    const bool five_g = l.find("uplink") != nullptr;
    out << name(id, 18) << cell(mean_of(l, "utilization"), "%*.3f", 8)
        << cell(mean_of(l, five_g ? "uplink" : "forward"), "%*.3f", 8)
        << cell(mean_of(l, five_g ? "downlink" : "backward"), "%*.3f", 10) << cell(mean_of(l, "down"), "%*.3f", 9) << "\n";
  }
  if (const Json* nodes = doc.find("nodes"); nodes != nullptr && !nodes->members().empty()) {
    out << "\n" << "compute node            util\n";
    for (const auto& [id, n] : nodes->members()) out << name(id, 18) << cell(mean_of(n, "utilization"), "%*.3f", 8) << "\n";
  }
  std::string waiting;
  for (const auto& [id, st] : doc.find("stations")->members()) {
    const double w = mean_of(st, "waiting_network");
    if (std::isfinite(w) && w > 0) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "%s %s %.3f", waiting.empty() ? "" : ",", id.c_str(), w);
      waiting += buf;
    }
  }
  if (!waiting.empty()) out << "\nwaiting on the network (share of server time):" << waiting << "\n";
  return out.str();
}

}  // namespace plantwin::cli
