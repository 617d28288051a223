#include "cli/report_transport.hpp"
#include "cli/report.hpp"
#include "cli/report_network.hpp"

#include <cmath>
#include <cstdio>
#include <initializer_list>

namespace plantwin::cli {

using run::Json;

std::string format_transport_report(const Json& doc) {
  std::string out;
  const double hours = doc.find("horizon_s")->number() / 3600.0;
  if (const Json* fleets = doc.find("fleets")) {
    // With a network, vehicles may wait for commands: a `network` column after `charge`.
    const bool network = has_network(doc);
    char head[512];
    std::snprintf(head, sizeof head, "\n%-14s%9s%8s%8s%8s%8s%8s%8s%8s%8s%8s%s%9s%9s%9s\n", "fleet", "vehicles", "util",
                  "active", "loaded", "empty", "load", "unload", "blocked", "zone", "charge", network ? " network" : "",
                  "trips/h", "wait_s", "p95");
    out += head;
    for (const auto& [id, f] : fleets->members()) {
      out += name_cell(id, 14) + cell_decimals(f.find("vehicles")->number(), 0, 9);
      out += cell(mean_at(f, {"utilization"}), 8) + cell(mean_at(f, {"active"}), 8);
      for (const char* s : {"travelling_loaded", "travelling_empty", "loading", "unloading", "blocked", "waiting_zone", "charging"})
        out += cell(mean_at(f, {"states", s}), 8);
      if (network) out += cell(mean_at(f, {"states", "waiting_network"}), 8);
      out += cell(mean_at(f, {"trips"}) / hours, 9) + cell(mean_at(f, {"request_wait_s"}), 9);
      const Json* p95 = f.find("request_wait_s")->find("p95");
      out += cell(p95->is_number() ? p95->number() : std::nan(""), 9) + "\n";
    }
  }
  if (const Json* arms = doc.find("arms")) {
    char head[256];
    std::snprintf(head, sizeof head, "\n%-14s%9s%11s%9s%9s\n", "arm", "util", "cycles/h", "wait_s", "queue");
    out += head;
    for (const auto& [id, a] : arms->members())
      out += name_cell(id, 14) + cell(mean_at(a, {"utilization"}), 9) + cell(mean_at(a, {"cycles_per_h"}), 11) +
             cell(mean_at(a, {"wait_s"}), 9) + cell(mean_at(a, {"queue"}), 9) + "\n";
  }
  if (const Json* conveyors = doc.find("conveyors")) {
    char head[256];
    std::snprintf(head, sizeof head, "\n%-14s%9s%11s%9s%9s%11s\n", "conveyor", "capacity", "occupancy", "full",
                  "moved", "time_on_s");
    out += head;
    for (const auto& [id, c] : conveyors->members())
      out += name_cell(id, 14) + cell(c.find("capacity")->number(), 9) + cell(mean_at(c, {"occupancy"}), 11) +
             cell(mean_at(c, {"full"}), 9) + cell(mean_at(c, {"moved"}), 9) + cell(mean_at(c, {"time_on_s"}), 11) + "\n";
  }
  return out;
}

std::string transport_bottleneck_line(const Json& doc) {
  const Json* b = doc.find("bottleneck");
  const Json* resource = b != nullptr ? b->find("resource") : nullptr;
  if (resource == nullptr || resource->find("kind")->string() == "station") return "";
  const std::string kind = resource->find("kind")->string();
  char line[512];
  std::snprintf(line, sizeof line,
                "\nbottleneck: %s (%s: %s %.1f %% of the time; the most active station, %s, %.1f %%)\n",
                resource->find("id")->string().c_str(), kind.c_str(),
                kind == "fleet" ? "vehicles active (not idle, not blocked)" : "busy", 100 * resource->find("active")->number(),
                b->find("station")->string().c_str(), 100 * b->find("active")->number());
  return line;
}

}  // namespace plantwin::cli
