#include "bench_logread.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <queue>
#include <tuple>

#include "bench_measure.hpp"
#include "bench_process.hpp"
#include "scenario/loader.hpp"
#include "twin/live_intake.hpp"
#include "twin/log_reader.hpp"
#include "twin/replay.hpp"

namespace plantwin::bench {

namespace {

constexpr int STATIONS = 10;

twin::LogCatalog catalog() {
  twin::LogCatalog c;
  for (int s = 0; s < STATIONS; ++s) {
    c.stations.push_back("s" + std::to_string(s));
    c.servers.push_back(1);
  }
  c.products = {"board", "case"};
  return c;
}

/// Parts released every 10 s through 10 stations of 9 s each, 72 rows a part as plantwin writes
/// them (release; per station enter, state, start, end, state, leave, state; exit), in time order.
std::uint64_t write_log(const std::string& path, std::uint64_t rows, bool iso) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) throw std::runtime_error("cannot write " + path);
  std::fputs("time,event,station,server,part,product,order,carrier,from,to,state\n", f);
  // (time in ms, part, step): step 0 release, 1 + 7·s + k the k-th row at station s, 71 exit.
  using Row = std::tuple<std::int64_t, std::uint64_t, int>;
  std::priority_queue<Row, std::vector<Row>, std::greater<>> next;
  std::uint64_t written = 0, part = 0;
  static const char* EVENTS[] = {"enter", "state", "start", "end", "state", "leave", "state"};
  static const char* STATES[] = {"", "working", "", "", "blocked", "", "idle"};
  char line[256], stamp[64];
  while (written < rows) {
    // Release the next part once the queue has nothing earlier.
    const std::int64_t release = static_cast<std::int64_t>(part) * 10'000;
    if (next.empty() || std::get<0>(next.top()) >= release) next.emplace(release, ++part, 0);
    const auto [ms, id, step] = next.top();
    next.pop();
    if (iso) {
      const std::int64_t s = ms / 1000;
      std::snprintf(stamp, sizeof stamp, "2026-%02lld-%02lldT%02lld:%02lld:%02lld.%03lld+08:00",
                    static_cast<long long>(1 + s / (86400 * 28) % 12), static_cast<long long>(1 + s / 86400 % 28),
                    static_cast<long long>(s / 3600 % 24), static_cast<long long>(s / 60 % 60),
                    static_cast<long long>(s % 60), static_cast<long long>(ms % 1000));
    } else {
      std::snprintf(stamp, sizeof stamp, "%lld.%03lld", static_cast<long long>(ms / 1000), static_cast<long long>(ms % 1000));
    }
    const char* product = id % 3 == 0 ? "case" : "board";
    if (step == 0) {
      std::snprintf(line, sizeof line, "%s,release,,,%llu,%s,,,,,\n", stamp, static_cast<unsigned long long>(id), product);
      next.emplace(ms, id, 1);
    } else if (step == 1 + 7 * STATIONS) {
      std::snprintf(line, sizeof line, "%s,exit,,,%llu,%s,,,,,\n", stamp, static_cast<unsigned long long>(id), product);
    } else {
      const int s = (step - 1) / 7, k = (step - 1) % 7;
      const bool has_part = k != 1 && k != 4 && k != 6;
      if (has_part)
        std::snprintf(line, sizeof line, "%s,%s,s%d,%s,%llu,%s,,,,,\n", stamp, EVENTS[k], s, k == 0 ? "" : "0",
                      static_cast<unsigned long long>(id), product);
      else
        std::snprintf(line, sizeof line, "%s,state,s%d,0,,,,,,,%s\n", stamp, s, STATES[k]);
      // Work takes 9 s; every other row follows at once.
      next.emplace(ms + (k == 2 ? 9'000 : 0), id, step + 1);
    }
    std::fputs(line, f);
    ++written;
  }
  const long size = std::ftell(f);
  if (std::fclose(f) != 0) throw std::runtime_error("cannot write " + path);
  return static_cast<std::uint64_t>(size);
}

/// Reads up to `rows` rows in this process; with `replay`, through LogReplay too.
RunOutcome read_log(const std::string& path, std::uint64_t rows, bool replay) {
  const twin::LogCatalog c = catalog();
  const auto start = std::chrono::steady_clock::now();
  twin::LogReader reader(path, c);
  twin::LogReplay tracker(c, {});
  twin::LogEvent e;
  std::uint64_t n = 0;
  while (n < rows && reader.next(e)) {
    if (replay) tracker.apply(e);
    ++n;
  }
  if (reader.has_errors()) throw std::runtime_error(reader.diagnostics().front().format());
  RunOutcome out;
  out.events = n;
  out.run_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

/// The scenario the synthetic log belongs to (its stations and products), for the live intake.
scenario::ScenarioSpec line_spec() {
  std::string text = "plantwin: 1\nname: bench-line\nhorizon: 1h\nproducts:\n";
  std::string route;
  for (int s = 0; s < STATIONS; ++s) route += (s > 0 ? ", s" : "s") + std::to_string(s);
  text += "  - {id: board, route: [" + route + "]}\n  - {id: case, route: [" + route + "]}\n";
  text += "sources: [{id: src, mix: {board: 2, case: 1}, interarrival: 10s}]\nstations:\n";
  for (int s = 0; s < STATIONS; ++s) text += "  - {id: s" + std::to_string(s) + ", process: 9s}\n";
  auto loaded = scenario::load_scenario_text(text, "bench-line.yaml");
  if (!loaded.spec) throw std::runtime_error("the bench's line does not load: " + loaded.diagnostics.format_all());
  return *loaded.spec;
}

/// The live twin's intake (twin::LiveIntake, what `plantwin twin` does with each MQTT message): up
/// to `rows` rows of the log as the replayer publishes them (one JSON object each), applied to the
/// plant's state. Only the intake is timed: the messages are made in batches beforehand.
RunOutcome live_intake(const std::string& path, std::uint64_t rows) {
  const scenario::ScenarioSpec spec = line_spec();
  const twin::LogCatalog none;
  twin::LogReader reader(path, none);
  twin::LiveIntake intake(spec, "plantwin/bench-line/events", std::nullopt);
  std::vector<std::pair<std::string_view, std::string_view>> fields;
  std::vector<std::string> batch;
  kernel::Tick t = 0;
  std::uint64_t n = 0;
  double seconds = 0;
  bool more = true;
  while (more && n < rows) {
    batch.clear();
    while (batch.size() < 10'000 && n + batch.size() < rows && (more = reader.next_fields(fields, t))) {
      run::Json row = run::Json::object();
      for (const auto& [name, value] : fields)
        row.add(std::string(name), name == "time" ? *run::parse_json(value, nullptr) : run::Json(std::string(value)));
      batch.push_back(row.dump());
    }
    const auto start = std::chrono::steady_clock::now();
    for (const std::string& m : batch)
      if (intake.apply(m) != twin::IntakeOutcome::APPLIED) throw std::runtime_error(intake.take_diagnostics().front().format());
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    n += batch.size();
  }
  RunOutcome out;
  out.events = n;
  out.run_s = seconds;
  return out;
}

}  // namespace

LogReadResult measure_logread(std::uint64_t rows, int reps) {
  LogReadResult r;
  r.rows = rows;
  const std::string base = "/tmp/plantwin_bench_log_" + std::to_string(::getpid());
  const std::string seconds_file = base + ".csv", iso_file = base + "_iso.csv";
  try {
    const auto start = std::chrono::steady_clock::now();
    r.bytes_seconds = write_log(seconds_file, rows, false);
    r.bytes_iso = write_log(iso_file, rows, true);
    r.write_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  } catch (const std::exception& e) {
    r.error = e.what();
    std::remove(seconds_file.c_str());
    std::remove(iso_file.c_str());
    return r;
  }
  struct Plan {
    const char* what;
    const std::string* file;
    const char* times;
    std::uint64_t rows;
    bool replay;
    bool live = false;
  };
  const Plan plans[] = {{"read", &seconds_file, "seconds", rows / 10, false},
                        {"read", &seconds_file, "seconds", rows, false},
                        {"read + replay", &seconds_file, "seconds", rows / 10, true},
                        {"read + replay", &seconds_file, "seconds", rows, true},
                        {"read + replay", &iso_file, "ISO 8601", rows, true},
                        {"live intake", &seconds_file, "seconds", rows / 100, false, true},
                        {"live intake", &seconds_file, "seconds", rows / 10, false, true}};
  for (const Plan& p : plans) {
    LogReadPass pass;
    pass.what = p.what;
    pass.times = p.times;
    pass.rows = p.rows;
    std::vector<double> seconds;
    for (int k = 0; k < reps; ++k) {
      long rss = 0;
      try {
        const RunOutcome o = run_once_in_child(
            [&] { return p.live ? live_intake(*p.file, p.rows) : read_log(*p.file, p.rows, p.replay); }, &rss);
        seconds.push_back(o.run_s);
        pass.rows = o.events;
        pass.max_rss_kib = std::max(pass.max_rss_kib, rss);
      } catch (const std::exception& e) {
        pass.error = e.what();
        break;
      }
    }
    if (!seconds.empty()) pass.seconds = median(seconds);
    r.passes.push_back(std::move(pass));
  }
  std::remove(seconds_file.c_str());
  std::remove(iso_file.c_str());
  return r;
}

void print_logread(const LogReadResult& r) {
  std::printf("\nevent logs (twin::LogReader, docs/twin.md): a 10-station line, %llu rows (%.0f MB in seconds, %.0f MB in "
              "ISO 8601), written in %.1f s\n",
              static_cast<unsigned long long>(r.rows), static_cast<double>(r.bytes_seconds) / 1e6,
              static_cast<double>(r.bytes_iso) / 1e6, r.write_s);
  if (!r.error.empty()) {
    std::printf("  failed: %s\n", r.error.c_str());
    return;
  }
  for (const LogReadPass& p : r.passes) {
    if (!p.error.empty()) {
      std::printf("  %-14s %-9s failed: %s\n", p.what.c_str(), p.times.c_str(), p.error.c_str());
      continue;
    }
    std::printf("  %-14s %-9s %11llu rows in %6.2f s: %5.2f M rows/s, peak RSS %6.1f MiB\n", p.what.c_str(), p.times.c_str(),
                static_cast<unsigned long long>(p.rows), p.seconds, static_cast<double>(p.rows) / p.seconds / 1e6,
                static_cast<double>(p.max_rss_kib) / 1024);
  }
}

run::Json logread_json(const LogReadResult& r) {
  run::Json j = run::Json::object();
  j["rows"] = r.rows;
  j["bytes_seconds"] = r.bytes_seconds;
  j["bytes_iso"] = r.bytes_iso;
  j["write_s"] = r.write_s;
  if (!r.error.empty()) j["error"] = r.error;
  run::Json& passes = j["passes"] = run::Json::array();
  for (const LogReadPass& p : r.passes) {
    run::Json x = run::Json::object();
    x["what"] = p.what;
    x["times"] = p.times;
    x["rows"] = p.rows;
    x["seconds"] = p.seconds;
    x["max_rss_kib"] = static_cast<std::int64_t>(p.max_rss_kib);
    if (!p.error.empty()) x["error"] = p.error;
    passes.push_back(std::move(x));
  }
  return j;
}

}  // namespace plantwin::bench
