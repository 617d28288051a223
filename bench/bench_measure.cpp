#include "bench_measure.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>
#include <stdexcept>

namespace plantwin::bench {

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

namespace {

std::vector<double> collect(const std::vector<RunOutcome>& runs, double (*field)(const RunOutcome&)) {
  std::vector<double> v;
  v.reserve(runs.size());
  for (const RunOutcome& r : runs) v.push_back(field(r));
  return v;
}

bool same_trajectory(const RunOutcome& a, const RunOutcome& b) {
  return a.events == b.events && a.completed == b.completed && a.mean_lead_s == b.mean_lead_s &&
         a.fingerprint == b.fingerprint;
}

double relative_difference(double a, double b) {
  const double scale = std::max(std::fabs(a), std::fabs(b));
  return scale == 0 ? 0 : std::fabs(a - b) / scale;
}

std::string format(const char* pattern, double a, double b = 0, double c = 0) {
  char buf[256];
  std::snprintf(buf, sizeof buf, pattern, a, b, c);
  return buf;
}

void record(SideResult& side, const ChildResult& child) {
  side.present = true;
  if (!child.ok) {
    if (side.error.empty()) side.error = child.error;
    return;
  }
  RunOutcome out;
  std::size_t offset = 0;
  if (!read_bytes(child.payload, offset, out)) {
    side.error = "the child sent a short result";
    return;
  }
  if (!side.runs.empty() && !same_trajectory(side.runs.front(), out)) side.reproducible = false;
  side.runs.push_back(out);
  side.max_rss_kib = std::max(side.max_rss_kib, child.max_rss_kib);
}

std::string outcome_bytes(const RunOutcome& out) {
  std::string bytes;
  append_bytes(bytes, out);
  return bytes;
}

}  // namespace

double SideResult::median_total_s() const {
  return median(collect(runs, [](const RunOutcome& r) { return r.total_s(); }));
}

double SideResult::median_run_s() const {
  return median(collect(runs, [](const RunOutcome& r) { return r.run_s; }));
}

double SideResult::events_per_s() const { return static_cast<double>(first().events) / median_total_s(); }

double SideResult::ns_per_event() const { return median_run_s() * 1e9 / static_cast<double>(first().events); }

double SideResult::median_simgrid_s() const {
  return median(collect(runs, [](const RunOutcome& r) { return r.simgrid_s; }));
}

double SideResult::simgrid_share() const {
  return median(collect(runs, [](const RunOutcome& r) { return r.run_s > 0 ? r.simgrid_s / r.run_s : 0.0; }));
}

double Comparison::ratio() const { return engine.median_total_s() / loop.median_total_s(); }

void measure_sides(Comparison& c, int reps, const std::function<RunOutcome()>& engine,
                   const std::function<RunOutcome()>& loop) {
  for (int r = 0; r < reps; ++r) {
    record(c.engine, run_in_child([&] { return outcome_bytes(engine()); }));
    if (loop) record(c.loop, run_in_child([&] { return outcome_bytes(loop()); }));
  }
}

RunOutcome run_once_in_child(const std::function<RunOutcome()>& work, long* rss_kib) {
  SideResult side;
  record(side, run_in_child([&] { return outcome_bytes(work()); }));
  if (!side.error.empty()) throw std::runtime_error(side.error);
  if (rss_kib != nullptr) *rss_kib = side.max_rss_kib;
  return side.first();
}

void verify_agreement(Comparison& c, double theory_lead_s, double theory_tolerance) {
  if (!c.engine.error.empty() || !c.loop.error.empty() || c.engine.runs.empty() || c.loop.runs.empty()) {
    c.verified = false;
    c.verification = "not verified: a run failed (" + c.engine.error + c.loop.error + ")";
    return;
  }
  const RunOutcome& e = c.engine.first();
  const RunOutcome& l = c.loop.first();
  std::ostringstream text;
  bool ok = c.engine.reproducible && c.loop.reproducible;
  if (!ok) text << "runs not reproducible; ";
  // With the same streams and the same semantics the two sides follow one trajectory: the same
  // parts leave at the same ticks, so the mean lead times agree to rounding.
  const double lead_diff = relative_difference(e.mean_lead_s, l.mean_lead_s);
  const bool identical = e.completed == l.completed && lead_diff < 1e-9 &&
                         (c.engine_calendar_events == 0 || c.engine_calendar_events == l.events);
  text << "completed " << e.completed << " (engine) vs " << l.completed << " (loop); mean lead time "
       << format("%.6f s vs %.6f s", e.mean_lead_s, l.mean_lead_s);
  if (c.engine_calendar_events != 0)
    text << "; calendar events " << c.engine_calendar_events << " (engine, + " << (e.events - c.engine_calendar_events)
         << " deferred) vs " << l.events << " (loop)";
  else
    text << "; events " << e.events << " vs " << l.events;
  if (identical) {
    text << ": identical trajectories";
  } else {
    // Not the same draws (an engine change of stream names or of event order): they may still
    // agree statistically.
    const double completed_diff = relative_difference(static_cast<double>(e.completed), static_cast<double>(l.completed));
    const bool close = completed_diff < 0.02 && lead_diff < 0.05;
    text << (close ? ": trajectories differ, statistics agree (within 2 % / 5 %)" : ": DISAGREE");
    ok = ok && close;
  }
  if (theory_lead_s > 0) {
    const double err = relative_difference(e.mean_lead_s, theory_lead_s);
    const bool near = err <= theory_tolerance;
    text << format("; theory 1/(mu-lambda) = %.4f s, engine off by %.2f %%", theory_lead_s, 100 * err)
         << (near ? "" : " (TOO FAR)");
    ok = ok && near;
  }
  c.verified = ok;
  c.verification = text.str();
}

namespace {

/// The `key=value` words a script printed (bench/simpy_*.py).
std::map<std::string, std::string> key_values(const std::string& text) {
  std::map<std::string, std::string> words;
  std::istringstream in(text);
  std::string word;
  while (in >> word) {
    const auto eq = word.find('=');
    if (eq != std::string::npos) words[word.substr(0, eq)] = word.substr(eq + 1);
  }
  return words;
}

/// words[key], or "" when the script did not print it.
std::string word_of(const std::map<std::string, std::string>& words, const char* key) {
  const auto it = words.find(key);
  return it == words.end() ? std::string() : it->second;
}

}  // namespace

double SimpyResult::median_s() const { return median(seconds); }

double SimpyResult::events_per_s() const { return static_cast<double>(events) / median_s(); }

SimpyResult measure_simpy(const std::string& script, std::int64_t customers, int reps) {
  SimpyResult result;
  for (int r = 0; r < reps; ++r) {
    const ChildResult child =
        run_program({"/usr/bin/python3", script, "--customers", std::to_string(customers)});
    const auto words = key_values(child.payload);
    double seconds = -1;
    for (const auto& [key, value] : words) {
      if (key == "skipped") result.skipped = value;
      if (key == "api") result.api = value;
      if (key == "version") result.version = value;
      if (key == "customers") result.customers = std::stoull(value);
      if (key == "events") result.events = std::stoull(value);
      if (key == "seconds") seconds = std::stod(value);
      if (key == "mean_sojourn_s") result.mean_sojourn_s = std::stod(value);
    }
    if (!result.skipped.empty() || !child.ok || seconds < 0) {
      if (result.skipped.empty())
        result.skipped = child.exit_code == 127 ? "/usr/bin/python3 not found" : "the script failed: " + child.error;
      std::replace(result.skipped.begin(), result.skipped.end(), '_', ' ');
      result.ran = false;
      return result;
    }
    result.ran = true;
    result.seconds.push_back(seconds);
    result.max_rss_kib = std::max(result.max_rss_kib, child.max_rss_kib);
  }
  return result;
}

double SimpyLinesRow::median_s() const { return median(seconds); }

double SimpyLinesRow::ns_per_event() const { return events > 0 ? 1e9 * median_s() / static_cast<double>(events) : 0; }

SimpyLinesResult measure_simpy_lines(const std::string& script, const std::vector<LineModel>& models, int reps) {
  SimpyLinesResult result;
  for (const LineModel& m : models) {
    SimpyLinesRow row;
    row.stations = m.station_count();
    row.lines = m.lines;
    row.horizon_s = m.horizon_s;
    for (int r = 0; r < reps && row.error.empty(); ++r) {
      char horizon[32];
      std::snprintf(horizon, sizeof horizon, "%.17g", m.horizon_s);
      const ChildResult child = run_program({"/usr/bin/python3", script, "--lines", std::to_string(m.lines),
                                             "--stations-per-line", std::to_string(m.stations_per_line), "--buffer",
                                             std::to_string(m.buffer), "--horizon", horizon});
      const auto words = key_values(child.payload);
      result.skipped = word_of(words, "skipped");
      const std::string seconds_word = word_of(words, "seconds");
      const double seconds = seconds_word.empty() ? -1 : std::stod(seconds_word);
      if (r == 0 && seconds >= 0) {
        result.api = word_of(words, "api");
        result.version = word_of(words, "version");
        row.events = std::stoull(word_of(words, "events"));
        row.completed = std::stoull(word_of(words, "completed"));
        row.mean_lead_s = std::stod(word_of(words, "mean_lead_s"));
        row.build_s = std::stod(word_of(words, "build_s"));
      }
      if (!result.skipped.empty() || (r == 0 && child.exit_code == 127)) {
        if (result.skipped.empty()) result.skipped = "/usr/bin/python3 not found";
        std::replace(result.skipped.begin(), result.skipped.end(), '_', ' ');
        result.ran = false;
        result.rows.clear();
        return result;
      }
      if (!child.ok || seconds < 0) {
        row.error = "the script failed: " + child.error;
        break;
      }
      row.seconds.push_back(seconds);
      row.max_rss_kib = std::max(row.max_rss_kib, child.max_rss_kib);
    }
    result.ran = true;
    result.rows.push_back(std::move(row));
  }
  return result;
}

SoakResult measure_soak(const std::string& title, double target_events,
                        const std::function<RunOutcome(double horizon_s)>& engine, double calibration_horizon_s) {
  SoakResult soak;
  soak.title = title;
  try {
    const RunOutcome calibration = run_once_in_child([&] { return engine(calibration_horizon_s); });
    const double events_per_simulated_s = static_cast<double>(calibration.events) / calibration_horizon_s;
    const double horizon_s = target_events / events_per_simulated_s;
    const ChildResult child = run_in_child([&] {
      RssSampler sampler(std::chrono::milliseconds(200));
      const RunOutcome out = engine(horizon_s);
      sampler.stop();
      std::string bytes;
      append_bytes(bytes, out);
      for (const RssSample& s : sampler.samples()) append_bytes(bytes, s);
      return bytes;
    });
    if (!child.ok) throw std::runtime_error(child.error);
    std::size_t offset = 0;
    read_bytes(child.payload, offset, soak.outcome);
    RssSample s{};
    while (read_bytes(child.payload, offset, s)) soak.samples.push_back(s);
    soak.max_rss_kib = child.max_rss_kib;
  } catch (const std::exception& e) {
    soak.error = e.what();
    return soak;
  }
  if (soak.samples.empty()) return soak;
  const double end = soak.samples.back().t_s;
  std::size_t warm = 0;
  while (warm + 1 < soak.samples.size() && soak.samples[warm].t_s < 0.1 * end) ++warm;
  soak.rss_after_warmup_kib = soak.samples[warm].rss_kib;
  for (std::size_t i = warm; i < soak.samples.size(); ++i)
    soak.rss_max_after_warmup_kib = std::max(soak.rss_max_after_warmup_kib, soak.samples[i].rss_kib);
  soak.rss_last_kib = soak.samples.back().rss_kib;
  const long growth = soak.rss_max_after_warmup_kib - soak.rss_after_warmup_kib;
  soak.judged = soak.samples.size() >= 10;
  soak.flat = soak.judged && growth <= std::max<long>(1024, soak.rss_after_warmup_kib / 100);
  return soak;
}

}  // namespace plantwin::bench
