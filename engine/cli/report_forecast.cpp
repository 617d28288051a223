#include <cmath>
#include <cstdio>
#include <sstream>

#include "cli/report.hpp"

namespace plantwin::cli {

namespace {

// 3725 -> "1:02:05"; "-" when not a number.
std::string clock(const run::Json* v) {
  if (v == nullptr || !v->is_number() || !std::isfinite(v->number())) return "-";
  const auto total = static_cast<long long>(std::llround(v->number()));
  char buf[64];
  std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", total / 3600, (total / 60) % 60, total % 60);
  return buf;
}

std::string column(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s + " ";
}

}  // namespace

std::string format_forecast(const run::Json& doc) {
  const run::Json* f = doc.find("forecast");
  if (f == nullptr) return "";
  std::ostringstream out;
  out << "forecast from the state in " << f->find("state")->string() << ": " << clock(f->find("from_s")) << " to "
      << clock(f->find("until_s")) << " after time 0, " << run::format_number(number_at(doc, "replications"))
      << " replications\n";
  if (const run::Json* t = f->find("throughput_per_h"))
    out << "  throughput_per_h " << fixed(number_at(*t, "mean")) << " ± " << fixed(number_at(*t, "ci95"));
  if (const run::Json* c = f->find("completed"))
    out << ", completed " << fixed(number_at(*c, "mean")) << " ± " << fixed(number_at(*c, "ci95"));
  out << "\n";
  if (const run::Json* b = f->find("bottleneck"); b != nullptr && b->find("station") != nullptr)
    out << "  bottleneck: " << b->find("station")->string() << " (active " << fixed(number_at(*b, "active")) << ")\n";
  const run::Json* orders = f->find("orders");
  if (orders != nullptr && !orders->items().empty()) {
    out << "  " << column("order", 14) << column("product", 14) << column("due", 10) << column("p(on time)", 11)
        << column("p(done)", 8) << "done (mean ± ci95)\n";
    for (const run::Json& o : orders->items()) {
      const run::Json* p = o.find("p_on_time");
      const run::Json* done = o.find("done_s");
      const run::Json* ci = done->find("ci95");
      const std::string ci_text = ci != nullptr && ci->is_number() ? " ± " + clock(ci) : "";
      out << "  " << column(o.find("id")->string(), 14) << column(o.find("product")->string(), 14)
          << column(clock(o.find("due_s")), 10) << column(p != nullptr && p->is_number() ? fixed(p->number()) : "-", 11)
          << column(fixed(number_at(o, "p_done")), 8) << clock(done->find("mean")) << ci_text << "\n";
    }
  }
  out << "\n";
  return out.str();
}

}  // namespace plantwin::cli
