#include "cli/report.hpp"

#include "cli/report_network.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <sstream>

#include "cli/report_transport.hpp"
#include "models/server_state.hpp"

namespace plantwin::cli {

using run::Json;

std::string fixed(double v) {
  if (!std::isfinite(v)) return "n/a";
  char buf[64];
  const double a = std::fabs(v);
  std::snprintf(buf, sizeof buf, a >= 1000 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f", v);
  return buf;
}

// A right-aligned text that fills its column keeps one space from its left neighbour (29999999.0
// parts after a queue of 0.000 would read 0.00029999999.0). A left-aligned one is followed by a
// right-aligned column, which starts with its own spaces, or carries its own (the orders' id).
std::string pad(const std::string& s, std::size_t width, bool right = false) {
  if (s.size() >= width) return right ? " " + s : s;
  return right ? std::string(width - s.size(), ' ') + s : s + std::string(width - s.size(), ' ');
}

double number_at(const Json& j, std::string_view key) {
  const Json* v = j.find(key);
  return v != nullptr && v->is_number() ? v->number() : std::nan("");
}

/// The mean of the KPI object at `path` under `j`; NaN when missing.
double mean_at(const Json& j, std::initializer_list<const char*> path) {
  const Json* node = &j;
  for (const char* key : path) {
    node = node->find(key);
    if (node == nullptr) return std::nan("");
  }
  if (const Json* mean = node->find("mean")) return mean->is_number() ? mean->number() : std::nan("");
  return node->is_number() ? node->number() : std::nan("");
}

std::string cell(double v, int width) { return pad(fixed(v), static_cast<std::size_t>(width), true); }

std::string cell_decimals(double v, int decimals, int width) {
  if (!std::isfinite(v)) return pad("n/a", static_cast<std::size_t>(width), true);
  char buf[400];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return pad(buf, static_cast<std::size_t>(width), true);
}

std::string name_cell(const std::string& id, int width) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "  %-*s", width - 2, id.c_str());
  return buf;
}


namespace {

std::string duration(double seconds) {
  char buf[64];
  const auto whole = [&](double unit) { return std::fmod(seconds, unit) == 0; };
  if (seconds > 0 && whole(86400)) std::snprintf(buf, sizeof buf, "%gd", seconds / 86400);
  else if (seconds > 0 && whole(3600)) std::snprintf(buf, sizeof buf, "%gh", seconds / 3600);
  else if (seconds > 0 && whole(60)) std::snprintf(buf, sizeof buf, "%gmin", seconds / 60);
  else std::snprintf(buf, sizeof buf, "%gs", seconds);
  return buf;
}

// 3725 -> "1:02:05" (h:mm:ss); "-" when not a number.
std::string duration_hms(double seconds) {
  if (!std::isfinite(seconds)) return "-";
  const auto total = static_cast<long long>(std::llround(seconds));
  char buf[64];
  std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", total / 3600, (total / 60) % 60, total % 60);
  return buf;
}

// "53.04 ± 0.211", or "0.817 (0.618 .. 1.00)" when the KPI's range cut its interval (kpis.md,
// "Intervals"): mean ± ci95 would then cross the range.
std::string mean_ci(const Json& kpi) {
  const double mean = number_at(kpi, "mean"), ci = number_at(kpi, "ci95");
  const double low = number_at(kpi, "ci_low"), high = number_at(kpi, "ci_high");
  const double slack = 1e-9 * std::max(1.0, std::fabs(mean));
  if (std::isfinite(low) && std::isfinite(high) &&
      (std::fabs(mean - ci - low) > slack || std::fabs(mean + ci - high) > slack))
    return fixed(mean) + " (" + fixed(low) + " .. " + fixed(high) + ")";
  return fixed(mean) + " ± " + fixed(ci);
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// Flattens one object of KPIs into CSV columns: name_mean, name_ci95 (and p50/p95), and the
// members of plain objects (states) as name_member.
void flatten(const Json& obj, const std::string& prefix, std::vector<std::string>& header, std::vector<std::string>& row) {
  for (const auto& [key, value] : obj.members()) {
    const std::string name = prefix.empty() ? key : prefix + "_" + key;
    if (value.is_object()) {
      if (value.find("mean") != nullptr) {
        for (const char* stat : {"mean", "ci95", "ci_low", "ci_high", "p50", "p95"})
          if (const Json* v = value.find(stat)) {
            header.push_back(name + "_" + stat);
            row.push_back(run::format_number(v->number()));
          }
      } else {
        flatten(value, name, header, row);
      }
    } else if (value.is_number()) {
      header.push_back(name);
      row.push_back(run::format_number(value.number()));
    }
  }
}

std::string table_csv(const Json* section, const char* key_name) {
  if (section == nullptr) return std::string(key_name) + "\n";
  // Rows can have different fields (a batch or assembly station has more): the columns are every
  // row's, in the order they first appear, and a row leaves the others empty.
  std::vector<std::string> columns{key_name};
  std::map<std::string, std::size_t> column_of{{key_name, 0}};
  std::vector<std::vector<std::pair<std::size_t, std::string>>> rows;
  for (const auto& [id, obj] : section->members()) {
    std::vector<std::string> header{key_name}, row{csv_field(id)};
    flatten(obj, "", header, row);
    auto& cells = rows.emplace_back();
    for (std::size_t i = 0; i < header.size(); ++i) {
      const auto [it, added] = column_of.emplace(header[i], columns.size());
      if (added) columns.push_back(header[i]);
      cells.emplace_back(it->second, row[i]);
    }
  }
  std::string out;
  for (std::size_t i = 0; i < columns.size(); ++i) out += (i > 0 ? "," : "") + columns[i];
  out += "\n";
  for (const auto& cells : rows) {
    std::vector<std::string> line(columns.size());
    for (const auto& [column, value] : cells) line[column] = value;
    for (std::size_t i = 0; i < line.size(); ++i) out += (i > 0 ? "," : "") + line[i];
    out += "\n";
  }
  return out;
}

bool is_kpi(const Json& j) { return j.is_object() && j.find("mean") != nullptr; }

}  // namespace

std::string format_report(const Json& doc) {
  std::ostringstream out;
  const double reps = number_at(doc, "replications");
  out << doc.find("scenario")->string() << ": " << run::format_number(reps) << " replication"
      << (reps == 1 ? "" : "s") << " of " << duration(number_at(doc, "horizon_s"));
  if (number_at(doc, "warmup_s") > 0) out << " after a " << duration(number_at(doc, "warmup_s")) << " warm-up";
  out << ", seed " << run::format_number(number_at(doc, "seed")) << "\n";
  const double events = number_at(doc, "events"), wall = number_at(doc, "wall_s");
  out << run::format_number(events) << " events in " << fixed(wall) << " s";
  if (wall > 0) out << " (" << fixed(events / wall / 1e6) << " M events/s)";
  out << ", fingerprint " << doc.find("fingerprint")->string() << "\n\n";

  const Json& kpis = *doc.find("kpis");
  out << pad("plant", 22) << pad("mean", 12, true) << pad("± ci95", 12, true) << "\n";
  for (const auto& [name, kpi] : kpis.members()) {
    out << "  " << pad(name, 20) << pad(fixed(number_at(kpi, "mean")), 12, true)
        << pad(fixed(number_at(kpi, "ci95")), 12, true);
    if (kpi.find("p95") != nullptr)
      out << "   p50 " << fixed(number_at(kpi, "p50")) << "  p95 " << fixed(number_at(kpi, "p95"));
    out << "\n";
  }

  if (const Json* products = doc.find("products"); products != nullptr && products->members().size() > 1) {
    out << "\n" << pad("product", 22) << pad("throughput_per_h", 22, true) << pad("lead_time_s", 22, true)
        << pad("p95", 10, true) << "\n";
    for (const auto& [id, p] : products->members()) {
      const Json& lt = *p.find("lead_time_s");
      out << "  " << pad(id, 20) << pad(mean_ci(*p.find("throughput_per_h")), 22, true) << pad(mean_ci(lt), 22, true)
          << pad(fixed(number_at(lt, "p95")), 10, true) << "\n";
    }
  }

  if (const Json* orders = doc.find("orders")) {
    out << "\norders: completed " << mean_ci(*orders->find("completed")) << ", on time "
        << mean_ci(*orders->find("on_time")) << ", tardiness " << mean_ci(*orders->find("tardiness_s")) << " s\n";
    out << "  " << pad("order", 14) << pad("product", 14) << pad("release", 10, true) << pad("due", 10, true)
        << pad("done (mean)", 14, true) << pad("on time", 10, true) << "\n";
    for (const auto& [id, o] : orders->find("by_order")->members()) {
      const Json* on_time = o.find("on_time");
      out << "  " << pad(id + " ", 14) << pad(o.find("product")->string(), 14)
          << pad(duration_hms(number_at(o, "release_s")), 10, true) << pad(duration_hms(number_at(o, "due_s")), 10, true)
          << pad(duration_hms(number_at(*o.find("done_s"), "mean")), 14, true)
          << pad(on_time != nullptr ? fixed(number_at(*on_time, "mean")) : std::string("-"), 10, true) << "\n";
    }
  }

  out << "\n" << pad("station", 16);
  // A column per state the plant can be in, in the document's order, headed as the state table
  // says (models/server_state.hpp: "transport" for waiting_transport).
  std::vector<std::string> states_shown;
  if (const auto& all = doc.find("stations")->members(); !all.empty())
    for (const auto& [state, fraction] : all.front().second.find("states")->members()) states_shown.push_back(state);
  out << pad("util", 10, true);
  for (const std::string& state : states_shown) {
    const char* heading = state.c_str();
    for (const models::ServerStateInfo& info : models::SERVER_STATES)
      if (state == info.name) heading = info.column;
    out << pad(heading, 10, true);
  }
  for (const char* h : {"oee", "queue", "completed"}) out << pad(h, 10, true);
  out << "\n";
  for (const auto& [id, st] : doc.find("stations")->members()) {
    out << "  " << pad(id, 14) << pad(fixed(number_at(*st.find("utilization"), "mean")), 10, true);
    const Json& states = *st.find("states");
    for (const std::string& state : states_shown) out << pad(fixed(number_at(states, state.c_str())), 10, true);
    out << pad(fixed(number_at(*st.find("oee"), "mean")), 10, true)
        << pad(fixed(number_at(*st.find("queue"), "mean")), 10, true)
        << pad(fixed(number_at(*st.find("completed"), "mean")), 10, true) << "\n";
  }
  out << format_transport_report(doc);
  out << format_network_report(doc);
  out << format_operators_report(doc);
  out << format_material_report(doc);
  if (const std::string line = transport_bottleneck_line(doc); !line.empty()) {
    out << line;
  } else if (const Json* b = doc.find("bottleneck"); b != nullptr && b->find("station")->string() != "") {
    char pct[32];
    std::snprintf(pct, sizeof pct, "%.1f", 100 * number_at(*b, "active"));
    // The states that count as active (kpis.md, "Bottleneck"), those this plant has.
    std::string active;
    const Json& shown = *doc.find("stations")->members().front().second.find("states");
    for (const models::ServerStateInfo& info : models::SERVER_STATES)
      if (info.active && shown.find(info.name) != nullptr) {
        std::string name = info.name;
        std::replace(name.begin(), name.end(), '_', ' ');
        active += (active.empty() ? "" : " + ") + name;
      }
    out << "\nbottleneck: " << b->find("station")->string() << " (" << active << " " << pct << " % of its planned time)\n";
  }
  return out.str();
}

std::string stations_csv(const Json& doc) { return table_csv(doc.find("stations"), "station"); }
std::string products_csv(const Json& doc) { return table_csv(doc.find("products"), "product"); }

std::string replications_csv(const Json& doc) {
  // One row per replication: the plant KPIs and, when there are orders, the order KPIs.
  std::vector<std::pair<std::string, const Json*>> columns;
  for (const auto& [name, kpi] : doc.find("kpis")->members()) columns.emplace_back(name, &kpi);
  if (const Json* orders = doc.find("orders"))
    for (const auto& [name, kpi] : orders->members())
      if (is_kpi(kpi)) columns.emplace_back(std::string("orders_").append(name), &kpi);
  std::string out = "replication";
  for (const auto& c : columns) {
    out += ',';
    out += c.first;
  }
  out += "\n";
  const auto n = static_cast<std::size_t>(number_at(doc, "replications"));
  for (std::size_t k = 0; k < n; ++k) {
    out += std::to_string(k);
    for (const auto& c : columns) {
      const auto& values = c.second->find("values")->items();
      out += ',';
      if (k < values.size()) out += run::format_number(values[k].number());
    }
    out += "\n";
  }
  return out;
}

}  // namespace plantwin::cli
