#include "twin/fit.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "scenario/material.hpp"
#include "scenario/loader.hpp"
#include "twin/replay.hpp"
#include "twin/yaml_edit.hpp"

namespace plantwin::twin {

using kernel::Distribution;
using kernel::Tick;
using run::Json;
using scenario::ScenarioSpec;
using scenario::YamlEntry;
using scenario::YamlNode;

namespace {

std::string number_text(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

/// Observations gathered from the log.
struct Collected {
  std::vector<std::vector<std::vector<double>>> process;  // [station][product], seconds
  std::vector<std::map<std::pair<std::int32_t, std::int32_t>, std::vector<double>>> setup;  // [station][(from, to)]
  std::vector<std::vector<double>> ttf_calendar, ttf_operating, ttr;  // [station]
  std::vector<std::uint64_t> ends, scraps;                           // [station]
  std::vector<std::vector<double>> interarrival;                     // [source]
  std::vector<std::vector<std::uint64_t>> mix;                       // [source][product]
  std::vector<std::optional<Tick>> last_release;                     // [source]
};

double mean_of(const std::vector<double>& x) {
  double s = 0;
  for (double v : x) s += v;
  return x.empty() ? 0 : s / static_cast<double>(x.size());
}

double se_of(const std::vector<double>& x) {
  if (x.size() < 2) return 0;
  const double m = mean_of(x);
  double q = 0;
  for (double v : x) q += (v - m) * (v - m);
  return std::sqrt(q / static_cast<double>(x.size() - 1) / static_cast<double>(x.size()));
}

/// Two samples differ: their means are more than 3 standard errors and 2 % apart.
bool differ(const std::vector<double>& a, const std::vector<double>& b) {
  const double ma = mean_of(a), mb = mean_of(b);
  const double se = std::hypot(se_of(a), se_of(b));
  return std::fabs(ma - mb) > 3 * se && std::fabs(ma - mb) > 0.02 * std::max(std::fabs(ma), std::fabs(mb));
}

/// The plot tables of a fitted duration: quantiles and a histogram, both against the fit.
Json plot_tables(std::vector<double> x, const Distribution& d) {
  std::sort(x.begin(), x.end());
  Json plot = Json::object();
  std::vector<double> p, empirical, fitted;
  for (int i = 1; i <= 99; ++i) {
    const double q = i / 100.0;
    p.push_back(q);
    empirical.push_back(sorted_quantile(x, q));
    fitted.push_back(quantile(d, q));
  }
  plot["p"] = Json::array_of(p);
  plot["empirical"] = Json::array_of(empirical);
  plot["fitted"] = Json::array_of(fitted);
  const double lo = x.front();
  double hi = sorted_quantile(x, 0.995);
  if (!(hi > lo)) hi = x.back() > lo ? x.back() : lo + 1;
  const int bins = 30;
  std::vector<double> edges, counts(bins, 0.0), expected(bins, 0.0);
  for (int i = 0; i <= bins; ++i) edges.push_back(lo + (hi - lo) * i / bins);
  double above = 0;
  for (double v : x) {
    if (v > hi) {
      ++above;
      continue;
    }
    const int b = std::min(bins - 1, static_cast<int>((v - lo) / (hi - lo) * bins));
    counts[static_cast<std::size_t>(b)] += 1;
  }
  const double n = static_cast<double>(x.size());
  for (int i = 0; i < bins; ++i)
    expected[static_cast<std::size_t>(i)] = n * (cdf(d, edges[static_cast<std::size_t>(i) + 1]) - (i == 0 ? cdf(d, lo - 1e-12) : cdf(d, edges[static_cast<std::size_t>(i)])));
  plot["edges"] = Json::array_of(edges);
  plot["counts"] = Json::array_of(counts);
  plot["expected"] = Json::array_of(expected);
  plot["above"] = above;
  return plot;
}

class Fitter {
 public:
  Fitter(const ScenarioSpec& spec, const FitOptions& options, FitResult& result, YamlEdit& edit)
      : spec_(spec), visitors_(scenario::station_visitors(spec)), options_(options), result_(result), edit_(edit) {}

  void run(const Collected& c, const std::vector<OrderTrack>& orders, const std::vector<std::string>& order_ids) {
    for (std::size_t s = 0; s < spec_.stations.size(); ++s) station(s, c);
    for (std::size_t s = 0; s < spec_.sources.size(); ++s) source(s, c, orders, order_ids);
  }

 private:
  const YamlNode* item(const char* section, const std::string& id) const {
    const YamlNode* root = edit_.root();
    const YamlEntry* list = root != nullptr ? root->find(section) : nullptr;
    if (list == nullptr || !list->value->is_sequence()) return nullptr;
    for (const YamlEntry& e : list->value->entries) {
      if (!e.value->is_map()) continue;
      const YamlEntry* idn = e.value->find("id");
      if (idn != nullptr && idn->value->is_scalar() && idn->value->text == id) return e.value;
    }
    return nullptr;
  }

  /// A duration quantity: fitted when it has enough observations.
  FitQuantity& duration(std::string path, std::string what, const std::vector<double>& x,
                        std::optional<Distribution> base) {
    FitQuantity q;
    q.path = std::move(path);
    q.what = std::move(what);
    q.n = x.size();
    q.base = std::move(base);
    if (x.size() < options_.min_observations || x.size() < 2) {
      q.status = FitQuantity::Status::KEPT;
      q.note = std::to_string(x.size()) + " observation(s), fewer than " + std::to_string(options_.min_observations) +
               (q.base ? ": the base value is kept" : ": not fitted");
    } else {
      q.fit = fit_families(x);
      q.fitted = q.fit->best().dist;
      q.status = FitQuantity::Status::FITTED;
      q.yaml = distribution_yaml(*q.fitted);
      q.detail = Json::object();
      q.detail["plot"] = plot_tables(x, *q.fitted);
    }
    result_.quantities.push_back(std::move(q));
    return result_.quantities.back();
  }

  void written(FitQuantity& q, bool ok) {
    if (ok) return;
    q.status = FitQuantity::Status::REPORTED;
    q.note = "its place in the scenario's text could not be edited (an alias?): reported, not written";
  }

  void station(std::size_t s, const Collected& c) {
    const scenario::StationSpec& st = spec_.stations[s];
    const std::string prefix = "stations." + st.id;
    const YamlNode* node = item("stations", st.id);
    process(s, c, node, prefix, visitors_[s]);
    setup(s, c, node, prefix);
    failures(s, c, node, prefix);
    yield(s, c, node, prefix);
  }

  Distribution base_process(const scenario::StationSpec& st, const std::string& product) const {
    for (const auto& pd : st.process_by_product)
      if (pd.product == product) return pd.dist;
    return st.process ? *st.process : Distribution{};
  }

  void process(std::size_t s, const Collected& c, const YamlNode* node, const std::string& prefix,
               const std::vector<std::size_t>& visitors) {
    const scenario::StationSpec& st = spec_.stations[s];
    const auto& by_product = c.process[s];
    bool per_product = !st.process_by_product.empty();
    if (!per_product) {
      // One distribution in the base: per product when the log shows the products differ.
      for (std::size_t i = 0; i < visitors.size() && !per_product; ++i)
        for (std::size_t j = i + 1; j < visitors.size() && !per_product; ++j) {
          const auto& a = by_product[visitors[i]];
          const auto& b = by_product[visitors[j]];
          per_product = a.size() >= options_.min_observations && b.size() >= options_.min_observations && differ(a, b);
        }
    }
    const YamlEntry* entry = node != nullptr ? node->find("process") : nullptr;
    if (!per_product) {
      std::vector<double> all;
      for (std::size_t p : visitors) all.insert(all.end(), by_product[p].begin(), by_product[p].end());
      FitQuantity& q = duration(prefix + ".process", "process time", all, st.process);
      if (q.status == FitQuantity::Status::FITTED) written(q, entry != nullptr && edit_.replace(*node, *entry, q.yaml));
      return;
    }
    std::vector<std::string> parts;
    bool all_written = true;
    const std::size_t first = result_.quantities.size();
    for (std::size_t p : visitors) {
      const std::string& product = spec_.products[p].id;
      FitQuantity& q = duration(prefix + ".process." + product, "process time of " + product, by_product[p],
                                base_process(st, product));
      if (st.process_by_product.empty()) {
        parts.push_back(product + ": " + (q.status == FitQuantity::Status::FITTED ? q.yaml : distribution_yaml(*q.base)));
        if (q.status == FitQuantity::Status::FITTED && p == visitors.front())
          q.note = "the products differ: written per product";
      } else if (q.status == FitQuantity::Status::FITTED) {
        const YamlEntry* pe = entry != nullptr && entry->value->is_map() ? entry->value->find(product) : nullptr;
        written(q, pe != nullptr && edit_.replace(*entry->value, *pe, q.yaml));
      }
    }
    if (st.process_by_product.empty()) {
      std::string flow = "{";
      for (std::size_t i = 0; i < parts.size(); ++i) flow += (i ? ", " : "") + parts[i];
      flow += "}";
      all_written = entry != nullptr && edit_.replace(*node, *entry, flow);
      for (std::size_t i = first; i < result_.quantities.size(); ++i)
        if (result_.quantities[i].status == FitQuantity::Status::FITTED) written(result_.quantities[i], all_written);
    }
  }

  void setup(std::size_t s, const Collected& c, const YamlNode* node, const std::string& prefix) {
    const scenario::StationSpec& st = spec_.stations[s];
    const auto& pairs = c.setup[s];
    if (pairs.empty() && !st.setup) return;
    const YamlEntry* entry = node != nullptr ? node->find("setup") : nullptr;
    const auto name = [&](std::int32_t p) { return p >= 0 ? spec_.products[static_cast<std::size_t>(p)].id : std::string("?"); };
    const bool matrix_base = st.setup && !st.setup->matrix.empty();
    bool pairs_differ = false;
    for (auto a = pairs.begin(); a != pairs.end() && !pairs_differ; ++a)
      for (auto b = std::next(a); b != pairs.end() && !pairs_differ; ++b)
        pairs_differ = a->second.size() >= options_.min_observations && b->second.size() >= options_.min_observations &&
                       differ(a->second, b->second);
    if (!matrix_base && !pairs_differ) {
      std::vector<double> all;
      for (const auto& [key, x] : pairs)
        if (key.first >= 0) all.insert(all.end(), x.begin(), x.end());
      FitQuantity& q = duration(prefix + ".setup", "setup time (every change of product)", all,
                                st.setup ? st.setup->any : std::nullopt);
      if (q.status != FitQuantity::Status::FITTED) return;
      written(q, entry != nullptr ? edit_.replace(*node, *entry, q.yaml) : node != nullptr && edit_.add(*node, "setup", q.yaml));
      return;
    }
    if (matrix_base) {
      // The base's matrix: each pair it lists, in place.
      for (const auto& m : st.setup->matrix) {
        std::int32_t from = -1, to = -1;
        for (std::size_t p = 0; p < spec_.products.size(); ++p) {
          if (spec_.products[p].id == m.from) from = static_cast<std::int32_t>(p);
          if (spec_.products[p].id == m.to) to = static_cast<std::int32_t>(p);
        }
        const auto it = pairs.find({from, to});
        static const std::vector<double> none;
        FitQuantity& q = duration(prefix + ".setup." + m.from + "." + m.to, "setup time from " + m.from + " to " + m.to,
                                  it != pairs.end() ? it->second : none, m.dist);
        if (q.status != FitQuantity::Status::FITTED) continue;
        const YamlEntry* row = entry != nullptr && entry->value->is_map() ? entry->value->find(m.from) : nullptr;
        const YamlEntry* cell = row != nullptr && row->value->is_map() ? row->value->find(m.to) : nullptr;
        written(q, cell != nullptr && edit_.replace(*row->value, *cell, q.yaml));
      }
      for (const auto& [key, x] : pairs) {
        const bool listed = std::any_of(st.setup->matrix.begin(), st.setup->matrix.end(), [&](const auto& m) {
          return m.from == name(key.first) && m.to == name(key.second);
        });
        if (listed || key.first < 0) continue;
        FitQuantity q;
        q.path = prefix + ".setup." + name(key.first) + "." + name(key.second);
        q.what = "setup time from " + name(key.first) + " to " + name(key.second);
        q.n = x.size();
        q.status = FitQuantity::Status::REPORTED;
        q.note = "the log shows this changeover, the base scenario's matrix does not: not written";
        result_.quantities.push_back(std::move(q));
      }
      return;
    }
    // The pairs differ: a matrix of every pair seen (pairs with few observations take the pooled fit).
    std::vector<double> all;
    for (const auto& [key, x] : pairs)
      if (key.first >= 0) all.insert(all.end(), x.begin(), x.end());
    const FamilyFit pooled = fit_families(all);
    std::map<std::int32_t, std::string> rows;
    for (const auto& [key, x] : pairs) {
      if (key.first < 0) continue;
      FitQuantity& q = duration(prefix + ".setup." + name(key.first) + "." + name(key.second),
                                "setup time from " + name(key.first) + " to " + name(key.second), x,
                                st.setup ? st.setup->any : std::nullopt);
      const std::string value = q.status == FitQuantity::Status::FITTED ? q.yaml : distribution_yaml(pooled.best().dist);
      std::string& row = rows[key.first];
      row += (row.empty() ? "" : ", ") + name(key.second) + ": " + value;
    }
    std::string flow = "{";
    for (const auto& [from, row] : rows) flow += (flow.size() > 1 ? ", " : "") + name(from) + ": {" + row + "}";
    flow += "}";
    const bool ok = entry != nullptr ? edit_.replace(*node, *entry, flow) : node != nullptr && edit_.add(*node, "setup", flow);
    for (auto& q : result_.quantities)
      if (q.path.rfind(prefix + ".setup.", 0) == 0 && q.status == FitQuantity::Status::FITTED) {
        written(q, ok);
        if (ok && q.note.empty()) q.note = "the changeovers differ: written per pair";
      }
  }

  void failures(std::size_t s, const Collected& c, const YamlNode* node, const std::string& prefix) {
    const std::optional<models::FailureParams>& failures = spec_.stations[s].params.failures;
    if (!failures && c.ttr[s].empty()) return;
    const bool calendar = failures && failures->basis == models::FailureParams::Basis::CALENDAR;
    const YamlEntry* entry = node != nullptr ? node->find("failures") : nullptr;
    const std::size_t first = result_.quantities.size();
    duration(prefix + ".failures.mtbf", calendar ? "time between failures (calendar)" : "time between failures (working time)",
             calendar ? c.ttf_calendar[s] : c.ttf_operating[s], failures ? std::optional(failures->time_to_failure) : std::nullopt);
    duration(prefix + ".failures.mttr", "repair time", c.ttr[s], failures ? std::optional(failures->time_to_repair) : std::nullopt);
    FitQuantity& tbf_q = result_.quantities[first];
    FitQuantity& ttr = result_.quantities[first + 1];
    if (entry != nullptr && entry->value->is_map()) {
      for (FitQuantity* q : {&tbf_q, &ttr}) {
        if (q->status != FitQuantity::Status::FITTED) continue;
        const YamlEntry* e = entry->value->find(q == &ttr ? "mttr" : "mtbf");
        written(*q, e != nullptr && edit_.replace(*entry->value, *e, q->yaml));
      }
      return;
    }
    if (tbf_q.status == FitQuantity::Status::FITTED && ttr.status == FitQuantity::Status::FITTED) {
      const bool ok = node != nullptr && edit_.add(*node, "failures", "{mtbf: " + tbf_q.yaml + ", mttr: " + ttr.yaml + "}");
      written(tbf_q, ok);
      written(ttr, ok);
      if (ok) tbf_q.note = "the base scenario has no failures here: added, basis operating";
    } else {
      for (FitQuantity* q : {&tbf_q, &ttr})
        if (q->status == FitQuantity::Status::FITTED) {
          q->status = FitQuantity::Status::REPORTED;
          q->note = "the base scenario has no failures here and the other of mtbf and mttr has too few observations: not written";
        }
    }
  }

  void yield(std::size_t s, const Collected& c, const YamlNode* node, const std::string& prefix) {
    const scenario::StationSpec& st = spec_.stations[s];
    const std::uint64_t ends = c.ends[s], scraps = c.scraps[s];
    const bool base_has = node != nullptr && node->find("yield") != nullptr;
    if (scraps == 0 && !base_has) return;
    FitQuantity q;
    q.path = prefix + ".yield";
    q.what = "yield (good / ended)";
    q.n = ends;
    q.base_value = st.params.yield;
    if (ends < options_.min_observations) {
      q.status = FitQuantity::Status::KEPT;
      q.note = std::to_string(ends) + " part(s) ended, fewer than " + std::to_string(options_.min_observations) + ": the base value is kept";
      result_.quantities.push_back(std::move(q));
      return;
    }
    const double n = static_cast<double>(ends);
    const double y = 1 - static_cast<double>(scraps) / n;
    q.value = y;
    q.se = std::sqrt(y * (1 - y) / n);
    q.status = FitQuantity::Status::FITTED;
    q.yaml = number_text(y, 5);
    const YamlEntry* entry = node != nullptr ? node->find("yield") : nullptr;
    const bool ok = entry != nullptr ? edit_.replace(*node, *entry, q.yaml) : node != nullptr && edit_.add(*node, "yield", q.yaml);
    result_.quantities.push_back(std::move(q));
    written(result_.quantities.back(), ok);
  }

  void source(std::size_t s, const Collected& c, const std::vector<OrderTrack>& orders,
              const std::vector<std::string>& order_ids) {
    const scenario::SourceSpec& so = spec_.sources[s];
    const std::string prefix = "sources." + so.id;
    const YamlNode* node = item("sources", so.id);
    using Kind = scenario::SourceSpec::Kind;
    if (so.kind == Kind::ORDERS) {
      // The release plan: the log's orders of this source's products, reported.
      FitQuantity q;
      q.path = prefix + ".orders";
      q.what = "release plan";
      q.status = FitQuantity::Status::REPORTED;
      q.detail = Json::object();
      Json& plan = q.detail["orders"] = Json::array();
      for (std::size_t o = 0; o < orders.size(); ++o) {
        const OrderTrack& t = orders[o];
        if (t.product < 0) continue;
        const std::string& product = spec_.products[static_cast<std::size_t>(t.product)].id;
        const bool ours = std::any_of(so.orders.begin(), so.orders.end(), [&](const auto& x) { return x.id == order_ids[o] || x.product == product; });
        if (!ours) continue;
        Json j = Json::object();
        j["id"] = order_ids[o];
        j["product"] = product;
        j["quantity"] = t.released;
        j["release_s"] = kernel::to_seconds(t.first_release);
        j["done_s"] = t.left == t.released && t.last_left >= 0 ? Json(kernel::to_seconds(t.last_left)) : Json();
        plan.push_back(std::move(j));
        ++q.n;
      }
      q.note = std::to_string(q.n) + " order(s) in the log; the scenario's orders are kept (a plan is not a parameter)";
      result_.quantities.push_back(std::move(q));
      return;
    }
    if (so.kind == Kind::INTERARRIVAL) {
      FitQuantity& q = duration(prefix + ".interarrival", "time between releases", c.interarrival[s], so.interarrival);
      if (q.status == FitQuantity::Status::FITTED) {
        const YamlEntry* e = node != nullptr ? node->find("interarrival") : nullptr;
        written(q, e != nullptr && edit_.replace(*node, *e, q.yaml));
      }
    }
    // The mix of a source that has one.
    const YamlEntry* mix = node != nullptr ? node->find("mix") : nullptr;
    if (so.mix.size() < 2 || mix == nullptr) return;
    std::uint64_t total = 0;
    for (std::uint64_t k : c.mix[s]) total += k;
    FitQuantity q;
    q.path = prefix + ".mix";
    q.what = "product mix";
    q.n = total;
    if (total < options_.min_observations) {
      q.status = FitQuantity::Status::KEPT;
      q.note = std::to_string(total) + " release(s), fewer than " + std::to_string(options_.min_observations) + ": the base mix is kept";
      result_.quantities.push_back(std::move(q));
      return;
    }
    std::string flow = "{";
    q.detail = Json::object();
    Json& shares = q.detail["shares"] = Json::object();
    for (const auto& m : so.mix) {
      std::size_t p = 0;
      while (spec_.products[p].id != m.product) ++p;
      const double share = static_cast<double>(c.mix[s][p]) / static_cast<double>(total);
      Json j = Json::object();
      j["share"] = share;
      j["se"] = std::sqrt(share * (1 - share) / static_cast<double>(total));
      j["count"] = c.mix[s][p];
      shares[m.product] = std::move(j);
      if (c.mix[s][p] == 0) continue;
      flow += (flow.size() > 1 ? ", " : "") + m.product + ": " + number_text(share, 4);
    }
    flow += "}";
    q.status = FitQuantity::Status::FITTED;
    q.yaml = flow;
    const bool ok = edit_.replace(*node, *mix, flow);
    result_.quantities.push_back(std::move(q));
    written(result_.quantities.back(), ok);
  }

  const ScenarioSpec& spec_;
  const std::vector<std::vector<std::size_t>> visitors_;  // by station, in product order (scenario::station_visitors)
  const FitOptions& options_;
  FitResult& result_;
  YamlEdit& edit_;
};

}  // namespace

std::string duration_yaml(double seconds) {
  if (!(seconds > 0)) return "0s";
  struct Unit {
    double s;
    const char* name;
    double from;
  };
  // Each unit from 10 of it (days from 10 days, hours from 3 h): "80s", "12.5min", "4h".
  static constexpr Unit UNITS[] = {{86400, "d", 864000}, {3600, "h", 10800}, {60, "min", 600}, {1, "s", 1},
                                   {1e-3, "ms", 1e-3}, {1e-6, "us", 1e-6}, {1e-9, "ns", 0}};
  for (const Unit& u : UNITS)
    if (seconds >= u.from) return number_text(seconds / u.s, 5) + u.name;
  return number_text(seconds, 5) + "s";
}

std::string distribution_yaml(const Distribution& d) {
  const auto t = duration_yaml;
  using K = Distribution::Kind;
  switch (d.kind()) {
    case K::CONSTANT: return t(d.a());
    case K::EXPONENTIAL: return "{dist: exponential, mean: " + t(d.a()) + "}";
    case K::UNIFORM: return "{dist: uniform, min: " + t(d.a()) + ", max: " + t(d.b()) + "}";
    case K::TRIANGULAR: return "{dist: triangular, min: " + t(d.a()) + ", mode: " + t(d.b()) + ", max: " + t(d.c()) + "}";
    case K::NORMAL: return "{dist: normal, mean: " + t(d.a()) + ", sd: " + t(d.b()) + "}";
    case K::LOGNORMAL: return "{dist: lognormal, mean: " + t(d.a()) + ", cv: " + number_text(d.b(), 4) + "}";
    case K::ERLANG: return "{dist: erlang, mean: " + t(d.a()) + ", k: " + std::to_string(d.k()) + "}";
    case K::WEIBULL: return "{dist: weibull, shape: " + number_text(d.a(), 4) + ", scale: " + t(d.b()) + "}";
    case K::EMPIRICAL: {
      std::string values, weights;
      for (double v : d.values()) values += (values.empty() ? "" : ", ") + t(v);
      for (double w : d.weights()) weights += (weights.empty() ? "" : ", ") + number_text(w, 6);
      return "{dist: empirical, values: [" + values + "]" + (weights.empty() ? "" : ", weights: [" + weights + "]") + "}";
    }
  }
  return "0s";
}

FitResult fit_log(const std::string& log_path, const ScenarioSpec& base, const std::string& base_text,
                  const FitOptions& options) {
  FitResult result;
  const LogCatalog catalog = LogCatalog::of(base);
  LogReader reader(log_path, catalog, options.epoch ? options.epoch : epoch_of(base));
  LogReplay replay(catalog, replay_rules(base));
  Collected c;
  const std::size_t stations = base.stations.size(), products = base.products.size(), sources = base.sources.size();
  c.process.assign(stations, std::vector<std::vector<double>>(products));
  c.setup.resize(stations);
  c.ttf_calendar.resize(stations);
  c.ttf_operating.resize(stations);
  c.ttr.resize(stations);
  c.ends.assign(stations, 0);
  c.scraps.assign(stations, 0);
  c.interarrival.resize(sources);
  c.mix.assign(sources, std::vector<std::uint64_t>(products, 0));
  c.last_release.resize(sources);
  const std::vector<std::int32_t> source_of = sources_of_products(base);
  LogEvent e;
  while (reader.next(e)) {
    const Observation& o = replay.apply(e);
    const auto st = static_cast<std::size_t>(e.station);
    switch (e.kind) {
      case LogEventKind::END:
        if (o.work) {
          ++c.ends[st];
          if (o.product >= 0) c.process[st][static_cast<std::size_t>(o.product)].push_back(kernel::to_seconds(*o.work));
        }
        break;
      case LogEventKind::SETUP_END:
        if (o.setup) c.setup[st][{o.setup_from, o.product}].push_back(kernel::to_seconds(*o.setup));
        break;
      case LogEventKind::SCRAP: ++c.scraps[st]; break;
      case LogEventKind::DOWN:
        if (o.up_calendar) c.ttf_calendar[st].push_back(kernel::to_seconds(*o.up_calendar));
        if (o.up_operating) c.ttf_operating[st].push_back(kernel::to_seconds(*o.up_operating));
        break;
      case LogEventKind::UP:
        if (o.repair) c.ttr[st].push_back(kernel::to_seconds(*o.repair));
        break;
      case LogEventKind::RELEASE: {
        if (e.order >= 0 || e.product < 0) break;
        const std::int32_t s = source_of[static_cast<std::size_t>(e.product)];
        if (s < 0) break;
        const auto si = static_cast<std::size_t>(s);
        ++c.mix[si][static_cast<std::size_t>(e.product)];
        // The first release's time since time 0 is not all in an MES log: not an observation.
        if (c.last_release[si]) c.interarrival[si].push_back(kernel::to_seconds(e.time - *c.last_release[si]));
        c.last_release[si] = e.time;
        break;
      }
      default: break;
    }
  }
  result.diagnostics = reader.diagnostics();
  result.rows = reader.rows();
  result.first = reader.first_time();
  result.last = reader.last_time();
  result.anomalies = replay.anomalies();
  result.first_anomaly = replay.first_anomaly();
  if (reader.has_errors() || !reader.ok()) return result;
  if (reader.rows() == 0) {
    result.diagnostics.push_back({true, log_path, 0, "the event log has no rows"});
    return result;
  }
  YamlEdit edit(base_text, base.file);
  if (edit.root() == nullptr) {
    result.diagnostics.push_back({true, base.file, 0, "the base scenario could not be read again for editing"});
    return result;
  }
  Fitter fitter(base, options, result, edit);
  fitter.run(c, replay.orders(), reader.orders());
  result.text = edit.result();
  // The fitted file must load like the base did: a value written wrong is a bug, never a silent one.
  const scenario::LoadResult check = scenario::load_scenario_text(result.text, base.file);
  if (check.diagnostics.has_errors()) {
    for (const auto& d : check.diagnostics.items())
      if (d.severity == scenario::Diagnostic::Severity::ERROR)
        result.diagnostics.push_back({true, base.file, static_cast<std::uint64_t>(d.mark.line),
                                      "internal error: the fitted scenario does not load: " + d.message});
    return result;
  }
  result.ok = true;
  return result;
}

namespace {

std::string status_name(FitQuantity::Status s) {
  switch (s) {
    case FitQuantity::Status::FITTED: return "fitted";
    case FitQuantity::Status::KEPT: return "kept";
    case FitQuantity::Status::REPORTED: return "reported";
  }
  return "?";
}

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string base_text_of(const FitQuantity& q) {
  if (q.base) return distribution_yaml(*q.base);
  if (q.base_value) return number_text(*q.base_value, 5);
  return "-";
}

}  // namespace

std::string fit_report_text(const FitResult& r, const std::string& log_path) {
  std::ostringstream out;
  out << log_path << ": " << r.rows << " rows from " << duration_yaml(kernel::to_seconds(r.first)) << " to "
      << duration_yaml(kernel::to_seconds(r.last)) << " after time 0\n\n";
  std::size_t path_width = 8, base_width = 4;
  for (const FitQuantity& q : r.quantities) {
    path_width = std::max(path_width, q.path.size());
    base_width = std::max(base_width, base_text_of(q).size());
  }
  path_width += 2;
  base_width += 2;
  out << pad("quantity", path_width) << pad("n", 8) << pad("base", base_width) << "fitted\n";
  std::size_t fitted = 0, kept = 0;
  for (const FitQuantity& q : r.quantities) {
    std::string now;
    if (q.status == FitQuantity::Status::FITTED) {
      ++fitted;
      now = q.fit ? q.yaml + "   KS p " + number_text(q.fit->ks_p, 2) : q.yaml;
      if (q.se) now += " ± " + number_text(*q.se, 2);
      if (!q.note.empty()) now += "   (" + q.note + ")";
    } else {
      kept += q.status == FitQuantity::Status::KEPT;
      now = status_name(q.status) + ": " + q.note;
    }
    out << pad(q.path, path_width) << pad(std::to_string(q.n), 8) << pad(base_text_of(q), base_width) << now << "\n";
  }
  out << "\n" << fitted << " quantit" << (fitted == 1 ? "y" : "ies") << " fitted, " << kept << " kept (fewer observations than needed)";
  if (r.anomalies > 0) out << "; " << r.anomalies << " row(s) did not follow a part's path (first: " << r.first_anomaly << ")";
  out << "\n";
  return out.str();
}

Json fit_report_json(const FitResult& r, const std::string& log_path, const std::string& scenario_path,
                     const FitOptions& options) {
  Json doc = Json::object();
  doc["plantwin"] = PLANTWIN_VERSION;
  doc["log"] = log_path;
  doc["scenario"] = scenario_path;
  doc["rows"] = r.rows;
  doc["first_s"] = kernel::to_seconds(r.first);
  doc["last_s"] = kernel::to_seconds(r.last);
  doc["min_observations"] = static_cast<std::uint64_t>(options.min_observations);
  doc["anomalies"] = r.anomalies;
  Json& list = doc["quantities"] = Json::array();
  for (const FitQuantity& q : r.quantities) {
    Json j = Json::object();
    j["path"] = q.path;
    j["what"] = q.what;
    j["status"] = status_name(q.status);
    j["n"] = static_cast<std::uint64_t>(q.n);
    j["note"] = q.note;
    j["base"] = base_text_of(q);
    if (q.status == FitQuantity::Status::FITTED) j["fitted"] = q.yaml;
    if (q.value) j["value"] = *q.value;
    if (q.se) j["se"] = *q.se;
    if (q.fit) {
      const FamilyFit& f = *q.fit;
      j["family"] = f.best().dist.kind_name();
      j["mean_s"] = f.mean;
      j["sd_s"] = f.sd;
      j["se_mean_s"] = f.n > 1 ? f.sd / std::sqrt(static_cast<double>(f.n)) : 0.0;
      j["min_s"] = f.min;
      j["max_s"] = f.max;
      j["fitted_mean_s"] = f.best().dist.mean();
      Json& ks = j["ks"] = Json::object();
      ks["d"] = f.ks_d;
      ks["p"] = f.ks_p;
      Json& cands = j["candidates"] = Json::array();
      for (const Candidate& c : f.candidates) {
        Json k = Json::object();
        k["family"] = c.dist.kind_name();
        k["yaml"] = distribution_yaml(c.dist);
        k["parameters"] = c.parameters;
        k["log_likelihood"] = c.log_likelihood;
        k["aic"] = c.aic;
        k["delta_aic"] = c.aic - f.candidates.front().aic;
        cands.push_back(std::move(k));
      }
    }
    if (q.detail.is_object())
      for (const auto& [key, value] : q.detail.members()) j[key] = value;
    list.push_back(std::move(j));
  }
  return doc;
}

}  // namespace plantwin::twin
