#include "twin/validate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <sstream>
#include <unordered_map>

#include "kernel/stats.hpp"
#include "models/plant.hpp"
#include "run/runner.hpp"
#include "scenario/builder.hpp"
#include "scenario/id_index.hpp"
#include "twin/families.hpp"
#include "twin/replay.hpp"

namespace plantwin::twin {

using kernel::Tick;
using models::ServerState;
using run::Json;

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

struct Release {
  Tick time;
  std::int32_t product, order;
};

std::string num(double v) {
  if (!std::isfinite(v)) return "n/a";
  char buf[64];
  const double a = std::fabs(v);
  std::snprintf(buf, sizeof buf, a >= 1000 ? "%.1f" : a >= 1 ? "%.3f" : "%.4f", v);
  return buf;
}

/// The plant of the scenario with the log's releases in place of its interarrival and order
/// sources (validate.hpp).
void replay_releases(models::PlantParams& params, const scenario::ScenarioSpec& spec, const std::vector<Release>& releases,
                     const std::vector<OrderTrack>& orders, const std::vector<std::string>& order_ids) {
  const std::size_t products = params.products.size();
  std::vector<bool> saturated(products, false), other(products, false);
  const scenario::IdIndex index(params.products);
  const auto product_index = [&](const std::string& id) { return std::min(index.find(id), products); };
  for (const auto& so : spec.sources) {
    for (const auto& m : so.mix)
      if (const std::size_t p = product_index(m.product); p < products)
        (so.kind == scenario::SourceSpec::Kind::SATURATED ? saturated : other)[p] = true;
    for (const auto& o : so.orders)
      if (const std::size_t p = product_index(o.product); p < products) other[p] = true;
  }
  // The scenario's due dates by order id (the last one of an id, as order ids are plant-wide).
  std::unordered_map<std::string, std::optional<Tick>> due_of;
  for (const auto& so : spec.sources)
    for (const auto& so_order : so.orders) due_of.insert_or_assign(so_order.id, so_order.due);
  params.orders.clear();
  for (std::size_t o = 0; o < orders.size(); ++o) {
    const OrderTrack& t = orders[o];
    std::optional<Tick> due;
    if (const auto it = due_of.find(order_ids[o]); it != due_of.end()) due = it->second;
    params.orders.push_back(models::OrderParams{order_ids[o], "log", static_cast<models::ProductIndex>(std::max(0, t.product)),
                                                std::max<std::int64_t>(t.released, 1), t.first_release, due});
  }
  std::vector<models::NamedSource> sources;
  for (auto& s : params.sources)
    if (s.params.kind == models::SourceParams::Kind::SATURATED) sources.push_back(std::move(s));
  std::map<std::size_t, std::size_t> by_station;  // first station -> index in sources
  for (const Release& r : releases) {
    const auto p = static_cast<std::size_t>(r.product);
    if (saturated[p] && !other[p]) continue;  // a saturated source's doing
    const std::size_t station = params.products[p].route.front().station;
    auto it = by_station.find(station);
    if (it == by_station.end()) {
      models::SourceParams sp;
      sp.kind = models::SourceParams::Kind::ORDERS;
      sources.push_back({"log/" + params.stations[station].id, std::move(sp)});
      it = by_station.emplace(station, sources.size() - 1).first;
    }
    auto& list = sources[it->second].params.orders;
    const std::int32_t order = r.order >= 0 ? r.order : models::NO_ORDER;
    if (!list.empty() && list.back().release == r.time && list.back().product == p && list.back().order == order) {
      ++list.back().quantity;
    } else {
      list.push_back(models::OrderRelease{r.time, static_cast<models::ProductIndex>(p), 1, order});
    }
  }
  params.sources = std::move(sources);
}

}  // namespace

int ValidateResult::exit_code() const {
  switch (outcome) {
    case Outcome::PASSED: return 0;
    case Outcome::FAILED: return 1;
    case Outcome::BAD_LOG: return 2;
    case Outcome::RUN_FAILED: return 3;
  }
  return 3;
}

ValidateResult validate_log(const std::string& log_path, const scenario::ScenarioSpec& spec, const ValidateOptions& options) {
  ValidateResult r;
  r.replications = options.replications;
  r.confidence = options.confidence;
  const LogCatalog catalog = LogCatalog::of(spec);
  const ReplayRules rules = replay_rules(spec);
  LogReader reader(log_path, catalog, options.epoch ? options.epoch : epoch_of(spec));
  std::optional<LogReplay> replay;
  std::vector<Release> releases;
  models::PlantParams params = scenario::build_plant_params(spec);
  // A component scrapped and released again at that instant, of its product and order, is its
  // source's replacement (Sink::part_left): the twin's sources replace the twin's own scraps, so
  // the log's replacements are not replayed (with both, kits end with a component too many).
  const std::vector<bool> component = params.components();
  std::vector<Release> scrapped;  // components scrapped at the instant of the last row
  LogEvent e;
  while (reader.next(e)) {
    if (!replay) {
      replay.emplace(catalog, rules, e.time, kernel::MAX_RUN_TICKS);
      replay->keep_lead_times();
    }
    if (!scrapped.empty() && scrapped.front().time != e.time) scrapped.clear();
    if (e.kind == LogEventKind::SCRAP) {
      // Its product and order as the replay knows the part (a log's scrap row need not say them),
      // read before apply() removes it.
      Release gone{e.time, e.product, e.order};
      if (const auto it = replay->parts().find(std::string(e.part)); it != replay->parts().end())
        gone = {e.time, it->second.product, it->second.order};
      if (gone.product >= 0 && static_cast<std::size_t>(gone.product) < component.size() &&
          component[static_cast<std::size_t>(gone.product)])
        scrapped.push_back(gone);
    }
    replay->apply(e);
    if (e.kind != LogEventKind::RELEASE) continue;
    const auto replaced = std::find_if(scrapped.begin(), scrapped.end(), [&](const Release& s) {
      return s.product == e.product && s.order == e.order;
    });
    if (replaced != scrapped.end()) {
      scrapped.erase(replaced);
      ++r.replacements;
      continue;
    }
    releases.push_back({e.time, e.product, e.order});
  }
  r.diagnostics = reader.diagnostics();
  r.rows_read = reader.rows();
  r.releases = releases.size();
  r.state_rows = reader.has_state_rows();
  if (!reader.ok() || reader.has_errors()) return r;
  const Tick w0 = reader.first_time(), w1 = reader.last_time();
  if (!replay || w1 <= w0) {
    r.diagnostics.push_back({true, log_path, 0, "the event log spans no time: nothing to compare"});
    return r;
  }
  replay->finish(w1);
  // Parts the log did not release (it began with parts in the plant) are not in the twin.
  if (replay->anomalies() > 0)
    r.diagnostics.push_back({false, log_path, 0, std::to_string(replay->anomalies()) +
                                                     " row(s) did not follow a part's path (first: " + replay->first_anomaly() +
                                                     "); the twin replays only the parts the log releases"});
  r.window_begin_s = kernel::to_seconds(w0);
  r.window_end_s = kernel::to_seconds(w1);

  replay_releases(params, spec, releases, replay->orders(), reader.orders());
  run::RunConfig config;
  config.seed = spec.seed;
  config.replications = options.replications;
  config.warmup = w0;
  config.horizon = w1 - w0 + 1;  // [w0, w1]: the log's last row (often an exit) is in its window
  config.jobs = options.jobs;
  config.interrupt = options.interrupt;
  const run::RunOutcome outcome = run::run_replications(params, config);
  if (!outcome.ok) {
    r.outcome = ValidateResult::Outcome::RUN_FAILED;
    r.error = outcome.error;
    return r;
  }

  // The rows: the log's value and one value per replication.
  struct Raw {
    std::string kpi, station;
    double log;
    std::vector<double> values;
    /// One part's worth of the row (a count, or one part's work at a station): the log's value may
    /// be one part beyond every replication's even when they all agree.
    double step = 0;
  };
  std::vector<Raw> raw;
  const double hours = kernel::to_seconds(w1 - w0) / 3600;
  const WindowStats& w = replay->window();
  for (std::size_t p = 0; p < params.products.size(); ++p) {
    Raw row{"throughput_per_h." + params.products[p].id, "", static_cast<double>(w.exits[p]) / hours, {}};
    for (const auto& rep : outcome.replications) row.values.push_back(static_cast<double>(rep.plant.by_product[p].completed) / hours);
    row.step = 1 / hours;
    raw.push_back(std::move(row));
  }
  std::vector<double> log_leads;
  for (const auto& l : w.lead_times_s) log_leads.insert(log_leads.end(), l.begin(), l.end());
  std::sort(log_leads.begin(), log_leads.end());
  {
    double sum = 0;
    for (double v : log_leads) sum += v;
    Raw mean{"lead_time_s.mean", "", log_leads.empty() ? NaN : sum / static_cast<double>(log_leads.size()), {}};
    Raw p50{"lead_time_s.p50", "", sorted_quantile(log_leads, 0.5), {}};
    Raw p95{"lead_time_s.p95", "", sorted_quantile(log_leads, 0.95), {}};
    for (const auto& rep : outcome.replications) {
      const bool any = rep.plant.all.completed > 0;
      mean.values.push_back(any ? rep.plant.all.tally.mean() : NaN);
      p50.values.push_back(any ? rep.plant.all.histogram.quantile_seconds(0.5) : NaN);
      p95.values.push_back(any ? rep.plant.all.histogram.quantile_seconds(0.95) : NaN);
    }
    raw.push_back(std::move(mean));
    raw.push_back(std::move(p50));
    raw.push_back(std::move(p95));
    Raw wip{"wip", "", w.wip_area / static_cast<double>(w1 - w0), {}};
    for (const auto& rep : outcome.replications) wip.values.push_back(rep.plant.wip_mean);
    raw.push_back(std::move(wip));
  }
  const models::StateSet possible = params.possible_states();
  for (std::size_t s = 0; s < params.stations.size(); ++s) {
    const std::string& id = params.stations[s].id;
    const double server_ticks = static_cast<double>(w1 - w0) * params.stations[s].params.servers;
    const auto& log_ticks = r.state_rows ? w.states_explicit[s] : w.states_derived[s];
    const auto utilization = [&](const std::array<Tick, models::SERVER_STATE_COUNT>& ticks) {
      // Planned time: without state rows the log cannot tell maintenance or a wait for an operator
      // from idle, so the twin is taken over the same states (all but off shift, which the replay
      // knows from the stations' calendars).
      double planned = 0;
      for (const auto& info : models::SERVER_STATES)
        if (info.planned || (!r.state_rows && info.state != ServerState::OFF_SHIFT)) planned += static_cast<double>(ticks[static_cast<std::size_t>(info.state)]);
      return planned > 0 ? static_cast<double>(ticks[static_cast<std::size_t>(ServerState::WORKING)]) / planned : NaN;
    };
    // One part's work as a share of the servers' time (the twin's working time per part processed),
    // and of the planned time for utilization.
    double worked = 0, parts = 0, util_sum = 0;
    Raw util{"stations." + id + ".utilization", id, utilization(log_ticks), {}};
    for (const auto& rep : outcome.replications) {
      worked += static_cast<double>(rep.stations[s].state_ticks[static_cast<std::size_t>(ServerState::WORKING)]);
      parts += static_cast<double>(rep.stations[s].processed);
      util.values.push_back(utilization(rep.stations[s].state_ticks));
      if (std::isfinite(util.values.back())) util_sum += util.values.back();
    }
    const double part_share = parts > 0 ? worked / parts / server_ticks : 0;
    util.step = parts > 0 ? util_sum / parts : 0;
    raw.push_back(std::move(util));
    for (const auto& info : models::SERVER_STATES) {
      if (!possible.contains(info.state)) continue;
      if (!r.state_rows && info.state != ServerState::WORKING && info.state != ServerState::SETUP && info.state != ServerState::DOWN)
        continue;
      const auto k = static_cast<std::size_t>(info.state);
      Raw row{"stations." + id + ".states." + info.name, id, static_cast<double>(log_ticks[k]) / server_ticks, {}};
      for (const auto& rep : outcome.replications) row.values.push_back(static_cast<double>(rep.stations[s].state_ticks[k]) / server_ticks);
      row.step = part_share;
      raw.push_back(std::move(row));
    }
  }
  // Leave out the rows where nothing happened on either side, and those the log cannot give.
  std::vector<Raw> kept;
  for (Raw& row : raw) {
    const bool any = row.log != 0 || std::any_of(row.values.begin(), row.values.end(), [](double v) { return v != 0; });
    const bool defined = std::isfinite(row.log) && std::all_of(row.values.begin(), row.values.end(), [](double v) { return std::isfinite(v); });
    if (any && defined) kept.push_back(std::move(row));
  }
  const double m = static_cast<double>(std::max<std::size_t>(kept.size(), 1));
  const double alpha = 1 - options.confidence;
  r.row_level = 1 - alpha / m;
  const double n = static_cast<double>(options.replications);
  const double t = kernel::student_t_quantile(1 - alpha / (2 * m), n - 1);
  std::map<std::string, double> worst;  // station -> largest distance in half-widths
  bool all_inside = true;
  for (Raw& row : kept) {
    ValidateRow v;
    v.kpi = row.kpi;
    v.station = row.station;
    v.log = row.log;
    double sum = 0;
    for (double x : row.values) sum += x;
    v.mean = sum / n;
    double q = 0;
    for (double x : row.values) q += (x - v.mean) * (x - v.mean);
    v.sd = row.values.size() > 1 ? std::sqrt(q / (n - 1)) : 0;
    const double half = t * v.sd * std::sqrt(1 + 1 / n);
    double low = v.mean - half, high = v.mean + half;
    // Lead times and WIP are skewed to the right (a queue behind a long repair delays many parts
    // together): the normal interval misses a log of the scenario itself several times too often.
    // When every replication is > 0 the interval also spans the same interval on the log scale,
    // which covers a lognormal-like row and leaves a normal one as wide as it was.
    if (n > 1 && std::all_of(row.values.begin(), row.values.end(), [](double x) { return x > 0; })) {
      double lsum = 0, lq = 0;
      for (double x : row.values) lsum += std::log(x);
      const double lmean = lsum / n;
      for (double x : row.values) lq += (std::log(x) - lmean) * (std::log(x) - lmean);
      const double lhalf = t * std::sqrt(lq / (n - 1)) * std::sqrt(1 + 1 / n);
      low = std::min(low, std::exp(lmean - lhalf));
      high = std::max(high, std::exp(lmean + lhalf));
    }
    // Counts are discrete: replications that all agree, or nearly, do not make the log's value one
    // part away from theirs impossible (the last part still in the plant at the window's end).
    if (row.step > 0 && !row.values.empty()) {
      const auto [lo, hi] = std::minmax_element(row.values.begin(), row.values.end());
      low = std::min(low, *lo - row.step);
      high = std::max(high, *hi + row.step);
    }
    // Every KPI here is >= 0, and shares are at most 1.
    v.low = std::max(0.0, low);
    v.high = row.station.empty() ? high : std::min(1.0, high);
    const double slack = 1e-9 * std::max(1.0, std::fabs(v.mean));
    v.inside = row.log >= v.low - slack && row.log <= v.high + slack;
    // The distance in half-widths of the interval's side the log is on (it may be asymmetric); a
    // side no wider than the rounding of replications that agree has none.
    const double side = row.log >= v.mean ? high - v.mean : v.mean - low;
    v.half_widths = side > slack ? std::fabs(row.log - v.mean) / side : v.inside ? 0 : INFINITY;
    if (v.inside) {
      v.verdict = "inside";
    } else {
      const double by = row.log > v.high ? row.log - v.high : v.low - row.log;
      v.verdict = std::string(row.log > v.high ? "above" : "below") + " by " + num(by);
      const double z = v.half_widths;
      if (side > slack) v.verdict += " (" + num(z) + " half-widths from the mean)";
      if (!row.station.empty()) worst[row.station] = std::max(worst[row.station], z);
      all_inside = false;
    }
    r.rows.push_back(std::move(v));
  }
  std::vector<std::pair<double, std::string>> out;
  for (const auto& [station, z] : worst) out.emplace_back(-z, station);
  std::sort(out.begin(), out.end());
  for (const auto& [z, station] : out) r.stations_out.push_back(station);

  // Lead times: the log's empirical distribution against the twin's pooled one, both step
  // functions (ties and atoms such as a constant lead time count as such): the largest distance
  // is at one of the log's distinct values, just below it or at it.
  kernel::Histogram pooled;
  for (const auto& rep : outcome.replications) pooled.merge(rep.plant.all.histogram);
  r.lead_n_log = log_leads.size();
  r.lead_n_twin = pooled.count();
  if (!log_leads.empty() && pooled.count() > 0) {
    std::vector<kernel::Tick> xs;  // the log's distinct lead times, in ticks as the twin keeps them
    std::vector<std::size_t> log_upto;  // the log's lead times at most each of them
    for (std::size_t i = 0; i < log_leads.size(); ++i) {
      const auto x = static_cast<kernel::Tick>(std::llround(log_leads[i] * static_cast<double>(kernel::TICKS_PER_SECOND)));
      if (xs.empty() || x != xs.back()) {
        xs.push_back(x);
        log_upto.push_back(0);
      }
      log_upto.back() = i + 1;
    }
    const auto twin = pooled.counts_at(xs);
    const double nl = static_cast<double>(log_leads.size()), nt = static_cast<double>(pooled.count());
    double d = 0;
    std::size_t log_below = 0;
    for (std::size_t k = 0; k < xs.size(); ++k) {
      d = std::max({d, std::fabs(static_cast<double>(log_below) / nl - static_cast<double>(twin[k].first) / nt),
                    std::fabs(static_cast<double>(log_upto[k]) / nl - static_cast<double>(twin[k].second) / nt)});
      log_below = log_upto[k];
    }
    r.ks_d = d;
    r.ks_p = ks_p_value(d, nl * nt / (nl + nt));
  }
  r.outcome = all_inside ? ValidateResult::Outcome::PASSED : ValidateResult::Outcome::FAILED;
  return r;
}

namespace {

std::string pad(std::string s, std::size_t width, bool right = false) {
  if (s.size() >= width) return s + " ";
  return right ? std::string(width - s.size(), ' ') + s : s + std::string(width - s.size(), ' ');
}

std::string summary(const ValidateResult& r) {
  std::size_t inside = 0;
  for (const auto& row : r.rows) inside += row.inside;
  std::string s = std::to_string(inside) + " of " + std::to_string(r.rows.size()) + " row(s) inside their prediction intervals";
  if (r.outcome == ValidateResult::Outcome::PASSED) return s + ": the twin reproduces the log";
  s += "; outside:";
  // Most out first (the farthest from the twin's mean in half-widths); ties in the table's order.
  std::vector<const ValidateRow*> outside;
  for (const auto& row : r.rows)
    if (!row.inside) outside.push_back(&row);
  std::stable_sort(outside.begin(), outside.end(), [](const ValidateRow* a, const ValidateRow* b) { return a->half_widths > b->half_widths; });
  std::size_t listed = 0;
  for (const ValidateRow* row : outside)
    if (listed++ < 8) s += " " + row->kpi;
  if (listed > 8) s += " (and " + std::to_string(listed - 8) + " more)";
  if (!r.stations_out.empty()) {
    s += "; station(s) that differ: ";
    for (std::size_t i = 0; i < r.stations_out.size(); ++i) s += (i ? ", " : "") + r.stations_out[i];
  }
  return s;
}

}  // namespace

std::string validate_report_text(const ValidateResult& r, const std::string& log_path, const std::string& scenario_path) {
  std::ostringstream out;
  char level[64];
  std::snprintf(level, sizeof level, "%.4g %% family-wise (each row %.4g %%)", 100 * r.confidence, 100 * r.row_level);
  out << log_path << " against " << scenario_path << ": " << r.replications << " replications over the log's window ["
      << num(r.window_begin_s) << " s, " << num(r.window_end_s) << " s) with its " << r.releases << " releases"
      << (r.replacements > 0
              ? " (and " + std::to_string(r.replacements) + " of scrapped components, which the twin makes itself)"
              : "")
      << "; "
      << level << (r.state_rows ? "" : "; the log has no state rows: stations compared on working, setup and down")
      << "\n\n";
  out << pad("kpi", 44) << pad("log", 12, true) << pad("twin mean", 12, true) << "  " << pad("prediction interval", 26)
      << "verdict\n";
  for (const ValidateRow& row : r.rows)
    out << pad(row.kpi, 44) << pad(num(row.log), 12, true) << pad(num(row.mean), 12, true) << "  "
        << pad("[" + num(row.low) + ", " + num(row.high) + "]", 26) << (row.inside ? "inside" : "OUTSIDE: " + row.verdict)
        << "\n";
  out << "\nlead times: two-sample Kolmogorov–Smirnov D = " << num(r.ks_d) << ", p = " << num(r.ks_p) << " (" << r.lead_n_log
      << " in the log, " << r.lead_n_twin << " in the twin; informational: lead times within one run are correlated)\n";
  out << log_path << ": " << summary(r) << "\n";
  return out.str();
}

Json validate_report_json(const ValidateResult& r, const std::string& log_path, const std::string& scenario_path) {
  Json doc = Json::object();
  doc["plantwin"] = PLANTWIN_VERSION;
  doc["log"] = log_path;
  doc["scenario"] = scenario_path;
  doc["passed"] = r.outcome == ValidateResult::Outcome::PASSED;
  doc["replications"] = r.replications;
  doc["confidence"] = r.confidence;
  doc["row_level"] = r.row_level;
  doc["window_s"] = Json::array_of({r.window_begin_s, r.window_end_s});
  doc["rows_read"] = r.rows_read;
  doc["releases"] = r.releases;
  doc["replacements"] = r.replacements;
  doc["state_rows"] = r.state_rows;
  Json& rows = doc["rows"] = Json::array();
  for (const ValidateRow& row : r.rows) {
    Json j = Json::object();
    j["kpi"] = row.kpi;
    j["station"] = row.station.empty() ? Json() : Json(row.station);
    j["log"] = row.log;
    j["mean"] = row.mean;
    j["sd"] = row.sd;
    j["low"] = row.low;
    j["high"] = row.high;
    j["inside"] = row.inside;
    j["verdict"] = row.verdict;
    rows.push_back(std::move(j));
  }
  Json& ks = doc["lead_time_ks"] = Json::object();
  ks["d"] = r.ks_d;
  ks["p"] = r.ks_p;
  ks["n_log"] = r.lead_n_log;
  ks["n_twin"] = r.lead_n_twin;
  Json& out = doc["stations_out"] = Json::array();
  for (const auto& s : r.stations_out) out.push_back(s);
  doc["summary"] = summary(r);
  return doc;
}

}  // namespace plantwin::twin
