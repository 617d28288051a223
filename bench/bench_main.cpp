// plantwin_bench: events per second and peak memory of the engine's standard models, side by side
// in the same run with a minimal hand-written event loop of each model, and with SimPy where it is
// importable. See docs/performance.md for how to read the results.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_measure.hpp"
#include "bench_models.hpp"
#include "bench_transport.hpp"
#include "bench_network.hpp"
#include "bench_logread.hpp"
#include "run/json.hpp"

namespace plantwin::bench {

namespace {

/// Every measurement --only can name; `soak` runs only when named (or with --soak).
const std::vector<std::string> ALL_MEASUREMENTS = {"mm1",     "line",   "plant", "scaling",       "transport",
                                                   "network", "logread", "simpy", "simpy-scaling", "soak"};
const std::vector<std::string> DEFAULT_MEASUREMENTS = {"mm1",     "line",    "plant", "scaling",      "transport",
                                                       "network", "logread", "simpy", "simpy-scaling"};

/// The scaling target (docs/performance.md, "Targets"): from 10 to 10,000 stations the engine's
/// cost per event stays within this ratio of the loop's at every size...
constexpr double SCALING_RATIO_LIMIT = 1.3;
/// ...and grows at most this much.
constexpr double SCALING_GROWTH_LIMIT = 2.0;
/// The sizes the target speaks of; other sizes are reported, not judged.
constexpr int SCALING_BASE_STATIONS = 10;
constexpr int SCALING_TARGET_STATIONS = 10'000;
/// A SimPy line agrees with the C++ loop when its completed parts and mean lead time are this
/// close (different random numbers: a statistical check, not a trajectory).
constexpr double SIMPY_AGREEMENT = 0.05;
/// The engine may take at most this many times the minimal loop's time (issue 15's targets):
/// the M/M/1 within 1.5x, the 10-station line within 1.3x.
constexpr double MM1_RATIO_TARGET = 1.5;
constexpr double LINE_RATIO_TARGET = 1.3;

struct Options {
  std::set<std::string> only;
  int reps = 5;
  bool json = false;
  bool quick = false;
  double scale = 1.0;  // multiplies every model's work (customers, horizons)
  std::int64_t simpy_customers = -1;  // -1: the default for the mode
  int simpy_reps = 3;
  int simpy_scaling_reps = 3;  // --simpy-reps too; --quick: 1 unless --simpy-reps is given
  double soak_events = 1e8;
  double log_rows = 1e7;  // rows of the event-log measurement (times --scale)
  std::string profile;  // MODEL:SIDE, run once in this process (for callgrind)
  std::string simpy_script = PLANTWIN_BENCH_DIR "/simpy_mm1.py";
  std::string simpy_lines_script = PLANTWIN_BENCH_DIR "/simpy_lines.py";
  std::vector<int> scaling_stations;  // empty: the default for the mode
  std::vector<int> network_devices;   // empty: the default for the mode
};

void print_usage() {
  std::printf(
      "usage: plantwin_bench [--only LIST] [--reps N] [--json] [--quick] [--scale F] [--soak]\n"
      "                      [--soak-events N] [--simpy-customers N] [--simpy-reps N] [--log-rows N] [--profile MODEL:SIDE]\n"
      "                      [--scaling-stations LIST] [--network-devices LIST]\n"
      "\n"
      "  --only LIST          comma-separated subset of: mm1,line,plant,scaling,transport,network,logread,simpy,\n"
      "                       simpy-scaling,soak (default: all but soak)\n"
      "  --reps N             repetitions of every timed run; medians are reported (default 5)\n"
      "  --json               print one JSON document instead of the table\n"
      "  --quick              models 10x smaller and 1 repetition (a smoke run, not a measurement)\n"
      "  --scale F            multiply every model's work (customers, horizons) by F (default 1)\n"
      "  --soak               add the soak: RSS sampled every 0.2 s over a 1e8-event run\n"
      "  --soak-events N      events of each soak run (default 1e8)\n"
      "  --simpy-customers N  customers of the SimPy M/M/1 (default 1e6, --quick 1e5)\n"
      "  --simpy-reps N       repetitions of each SimPy run (default 3; --quick: 1 of the SimPy lines)\n"
      "  --scaling-stations LIST  sizes of `scaling` and `simpy-scaling`, multiples of 10\n"
      "                       (default 10,100,1000,10000,100000; --quick 10,100,1000,10000)\n"
      "  --network-devices LIST   devices of `network`, each size sending the same messages\n"
      "                       (default 100,1000,10000, the most a network may have; --quick 1000)\n"
      "  --log-rows N         rows of the event log read by `logread` (default 1e7, times --scale)\n"
      "  --profile MODEL:SIDE run one model once, in this process, and print its outcome: for\n"
      "                       valgrind --tool=callgrind. MODEL: mm1, line, plant, transport or scaleN (N\n"
      "                       stations, a multiple of 10); SIDE: engine or loop\n");
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, sep))
    if (!part.empty()) parts.push_back(part);
  return parts;
}

// Throws std::invalid_argument on a usage error.
void parse_options(int argc, char** argv, Options& o) {
  bool soak = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      print_usage();
      std::exit(0);
    } else if (arg == "--only") {
      for (const std::string& name : split(value(), ',')) {
        if (std::find(ALL_MEASUREMENTS.begin(), ALL_MEASUREMENTS.end(), name) == ALL_MEASUREMENTS.end())
          throw std::invalid_argument("--only: unknown measurement '" + name + "'");
        o.only.insert(name);
      }
    } else if (arg == "--reps") {
      o.reps = std::stoi(value());
      if (o.reps < 1) throw std::invalid_argument("--reps must be at least 1");
    } else if (arg == "--json") {
      o.json = true;
    } else if (arg == "--quick") {
      o.quick = true;
    } else if (arg == "--scale") {
      o.scale = std::stod(value());
      if (!(o.scale > 0)) throw std::invalid_argument("--scale must be > 0");
    } else if (arg == "--soak") {
      soak = true;
    } else if (arg == "--soak-events") {
      o.soak_events = std::stod(value());
    } else if (arg == "--simpy-customers") {
      o.simpy_customers = std::stoll(value());
    } else if (arg == "--simpy-reps") {
      o.simpy_reps = o.simpy_scaling_reps = std::max(1, std::stoi(value()));
    } else if (arg == "--log-rows") {
      o.log_rows = std::stod(value());
      if (!(o.log_rows >= 10)) throw std::invalid_argument("--log-rows must be at least 10");
    } else if (arg == "--profile") {
      o.profile = value();
    } else if (arg == "--scaling-stations" || arg == "--network-devices") {
      std::vector<int>& list = arg == "--scaling-stations" ? o.scaling_stations : o.network_devices;
      list.clear();
      for (const std::string& n : split(value(), ',')) list.push_back(std::stoi(n));
      for (int n : list)
        if (n < 1 || (arg == "--scaling-stations" && n % 10 != 0))
          throw std::invalid_argument(arg + ": sizes must be positive" +
                                      (arg == "--scaling-stations" ? " multiples of 10" : ""));
      if (list.empty()) throw std::invalid_argument(arg + " needs at least one size");
    } else {
      throw std::invalid_argument("unknown option '" + arg + "' (see --help)");
    }
  }
  if (o.only.empty()) o.only.insert(DEFAULT_MEASUREMENTS.begin(), DEFAULT_MEASUREMENTS.end());
  if (soak) o.only.insert("soak");
  if (o.quick) {
    bool reps_given = false;
    for (int i = 1; i < argc; ++i) reps_given = reps_given || std::strcmp(argv[i], "--reps") == 0;
    if (!reps_given) o.reps = 1;
    bool simpy_reps_given = false;
    for (int i = 1; i < argc; ++i) simpy_reps_given = simpy_reps_given || std::strcmp(argv[i], "--simpy-reps") == 0;
    if (!simpy_reps_given) o.simpy_scaling_reps = 1;
    o.scale *= 0.1;
  }
  if (o.simpy_customers < 0) o.simpy_customers = o.quick ? 100'000 : 1'000'000;
  // --quick stays a smoke run: 100,000 stations take 0.3 s to build and 0.3 GiB (engine), and
  // about 10 s in SimPy, even at a tenth of the work.
  if (o.scaling_stations.empty())
    o.scaling_stations = o.quick ? std::vector<int>{10, 100, 1000, 10000} : std::vector<int>{10, 100, 1000, 10000, 100000};
  if (o.network_devices.empty()) o.network_devices = o.quick ? std::vector<int>{1000} : std::vector<int>{100, 1000, 10000};
}

// ---- the models' sizes -------------------------------------------------------------------------

/// The sizes of the standard models; `scale` multiplies their work (--scale, --quick).
struct Sizes {
  Mm1Model mm1;
  LineModel line;
  LineModel plant;
  /// Simulated seconds of one line in the scaling runs; n lines run 1/n of it, so that every
  /// size executes about the same number of events.
  double scaling_line_horizon_s;
  TransportModel transport;
  NetworkModel network;
};

Sizes sizes(double scale) {
  Sizes s;
  s.mm1.customers = std::max<std::int64_t>(1, std::llround(1'000'000 * scale));
  s.mm1.horizon_s = 2.0e6 * scale;
  s.line.horizon_s = 1.0e6 * scale;  // about 8.8e6 events
  s.plant.lines = 100;
  s.plant.horizon_s = 1.0e4 * scale;  // about 8.8e6 events
  s.scaling_line_horizon_s = 5.0e5 * scale;  // about 4.3e6 events per size
  s.transport.horizon_s = 6.0e4 * scale;      // about 1e6 events
  s.network.horizon_s = 300 * scale;  // 1,000 devices, one message per second each: 3e5 transfers
  // (network_model() keeps the messages for other device counts)
  return s;
}

/// `devices` sensors sending as many messages as the standard 1,000 do, over the same horizon:
/// each device sends less often as the devices grow (10,000 devices: every 10 s), so that the
/// uplink's load (8 %) and the events stay, and what grows is the network.
NetworkModel network_model(const Sizes& s, int devices) {
  NetworkModel m = s.network;
  m.every_s = s.network.every_s * devices / s.network.devices;
  m.devices = devices;
  return m;
}

LineModel scaling_model(const Sizes& s, int stations) {
  LineModel m;
  m.lines = stations / m.stations_per_line;
  m.horizon_s = s.scaling_line_horizon_s / m.lines;
  return m;
}

// ---- the measurements -------------------------------------------------------------------------

Comparison compare_mm1(const Mm1Model& m, int reps) {
  Comparison c;
  c.key = "mm1";
  char title[96];
  std::snprintf(title, sizeof title, "M/M/1, %.0e customers, rho %.1f", static_cast<double>(m.customers), m.lambda / m.mu);
  c.title = title;
  c.stations = 1;
  c.target_ratio = MM1_RATIO_TARGET;
  measure_sides(c, reps, [&] { return run_engine_mm1(m); }, [&] { return run_loop_mm1(m); });
  verify_agreement(c, 1.0 / (m.mu - m.lambda), 0.03);
  // Every customer must have left, on both sides, for the run to be the whole M/M/1.
  if (c.verified && c.engine.first().completed != static_cast<std::uint64_t>(m.customers)) {
    c.verified = false;
    c.verification += "; NOT every customer left: raise the horizon";
  }
  return c;
}

Comparison compare_lines(const std::string& key, const std::string& title, const LineModel& m, int reps,
                         double target_ratio) {
  Comparison c;
  c.key = key;
  c.title = title;
  c.stations = m.station_count();
  c.target_ratio = target_ratio;
  measure_sides(c, reps, [&] { return run_engine_lines(m); }, [&] { return run_loop_lines(m); });
  // An untimed, traced run counts the engine's deferred events, to compare calendar events one
  // for one with the loop's.
  try {
    const RunOutcome counted = run_once_in_child([&] { return run_engine_lines(m, is_deferred_event); });
    c.engine_calendar_events = counted.events - counted.counted_events;
  } catch (const std::exception& e) {
    c.verification = std::string("counting run failed: ") + e.what();
  }
  verify_agreement(c);
  return c;
}

struct ScalingSummary {
  bool present = false;
  int base_stations = 0;  // the smallest size measured: growth is relative to it
  /// Judged only when the sizes run from SCALING_BASE_STATIONS to SCALING_TARGET_STATIONS.
  bool judged = false;
  double engine_growth_to_target = 0, loop_growth_to_target = 0;  // at SCALING_TARGET_STATIONS
  double max_ratio = 0;  // engine ns / loop ns per event (not the run times' ratio), the largest up to SCALING_TARGET_STATIONS
  int max_ratio_stations = 0;
  bool met = false;
  /// Over every size: the largest and its cost relative to the smallest.
  int largest_stations = 0;
  double engine_growth = 0, loop_growth = 0;
};

ScalingSummary summarise_scaling(const std::vector<Comparison>& rows) {
  ScalingSummary s;
  if (rows.empty() || rows.front().engine.runs.empty() || rows.front().loop.runs.empty()) return s;
  s.present = true;
  s.base_stations = rows.front().stations;
  const double e0 = rows.front().engine.ns_per_event(), l0 = rows.front().loop.ns_per_event();
  bool reached_target = false;
  for (const Comparison& c : rows) {
    if (c.engine.runs.empty() || c.loop.runs.empty()) continue;
    const double e = c.engine.ns_per_event(), l = c.loop.ns_per_event();
    if (c.stations > s.largest_stations) {
      s.largest_stations = c.stations;
      s.engine_growth = e / e0;
      s.loop_growth = l / l0;
    }
    if (c.stations > SCALING_TARGET_STATIONS) continue;
    if (e / l > s.max_ratio) {
      s.max_ratio = e / l;
      s.max_ratio_stations = c.stations;
    }
    if (c.stations == SCALING_TARGET_STATIONS) {
      reached_target = true;
      s.engine_growth_to_target = e / e0;
      s.loop_growth_to_target = l / l0;
    }
  }
  s.judged = s.base_stations == SCALING_BASE_STATIONS && reached_target;
  s.met = s.judged && s.max_ratio <= SCALING_RATIO_LIMIT && s.engine_growth_to_target <= SCALING_GROWTH_LIMIT;
  return s;
}

// ---- the machine ------------------------------------------------------------------------------

std::string cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line))
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
    }
  return "unknown";
}

// ---- output -----------------------------------------------------------------------------------

double mib(long kib) { return static_cast<double>(kib) / 1024.0; }

std::string verdict(bool met) { return met ? "met" : "MISSED"; }

void print_comparison_row(const Comparison& c) {
  const bool both = !c.engine.runs.empty() && !c.loop.runs.empty();
  if (!both) {
    std::printf("%-38s  failed: %s%s\n", c.title.c_str(), c.engine.error.c_str(), c.loop.error.c_str());
    return;
  }
  std::string target = "-";
  if (c.target_ratio > 0) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "<=%.1fx %s", c.target_ratio, verdict(c.ratio() <= c.target_ratio).c_str());
    target = buf;
  }
  std::printf("%-38s %6d %11llu %11llu %8.2f %8.2f %6.2fx %7.1f %7.1f %8.1f %8.1f  %s\n", c.title.c_str(), c.stations,
              static_cast<unsigned long long>(c.engine.first().events),
              static_cast<unsigned long long>(c.loop.first().events), c.engine.events_per_s() / 1e6,
              c.loop.events_per_s() / 1e6, c.ratio(), c.engine.ns_per_event(), c.loop.ns_per_event(),
              mib(c.engine.max_rss_kib), mib(c.loop.max_rss_kib), target.c_str());
}

void print_network(const NetworkResult& n) {
  std::printf("\nnetwork: %s (engine + SimGrid; no minimal loop to compare with)\n", n.title.c_str());
  const SideResult& e = n.engine;
  if (e.runs.empty()) {
    std::printf("  failed: %s\n", e.error.c_str());
    return;
  }
  const auto describe = [](const char* what, const SideResult& side) {
    const RunOutcome& r = side.first();
    std::printf("  %s: %llu events, %llu transfers (%llu of them in SimGrid), %.0f s simulated: %.3f M events/s (build "
                "%.3f s + run %.3f s); peak RSS %.1f MiB%s\n",
                what, static_cast<unsigned long long>(r.events), static_cast<unsigned long long>(r.transfers),
                static_cast<unsigned long long>(r.simgrid_transfers), r.simulated_s, side.events_per_s() / 1e6, r.build_s,
                side.median_run_s(), mib(side.max_rss_kib), side.reproducible ? "" : "; NOT REPRODUCIBLE");
    std::printf("    inside SimGrid: %.3f s of the run's %.3f s (%.0f %%); the kernel and models: %.2f us per event\n",
                side.median_simgrid_s(), side.median_run_s(), 100 * side.simgrid_share(),
                1e6 * (side.median_run_s() - side.median_simgrid_s()) / static_cast<double>(r.events));
  };
  describe("engine", e);
  if (!n.reference.runs.empty()) {
    describe("without the shortcuts past SimGrid (PLANTWIN_NETWORK_SHORTCUTS=off)", n.reference);
    std::printf("  the shortcuts make the whole process %.2fx faster, the run %.2fx\n",
                n.reference.median_total_s() / e.median_total_s(), n.reference.median_run_s() / e.median_run_s());
  }
}

/// The SimPy line of one size agrees with the C++ loop's run of it (completed parts and mean lead
/// time within SIMPY_AGREEMENT); "" when there is no loop run of the size to compare with.
std::string simpy_agreement(const SimpyLinesRow& row, const std::vector<Comparison>& scaling, bool* agrees = nullptr) {
  for (const Comparison& c : scaling) {
    if (c.stations != row.stations || c.loop.runs.empty()) continue;
    const RunOutcome& l = c.loop.first();
    const double dc = static_cast<double>(row.completed) / static_cast<double>(l.completed) - 1;
    const double dl = row.mean_lead_s / l.mean_lead_s - 1;
    const bool ok = std::fabs(dc) <= SIMPY_AGREEMENT && std::fabs(dl) <= SIMPY_AGREEMENT;
    if (agrees != nullptr) *agrees = ok;
    char buf[160];
    std::snprintf(buf, sizeof buf, "loop %llu parts, lead %.3f s: %+.1f %%, %+.1f %% (%s)",
                  static_cast<unsigned long long>(l.completed), l.mean_lead_s, 100 * dc, 100 * dl,
                  ok ? "agrees" : "DIFFERS");
    return buf;
  }
  return "";
}

/// The C++ scaling row of `stations`, or nullptr.
const Comparison* scaling_row(const std::vector<Comparison>& scaling, int stations) {
  for (const Comparison& c : scaling)
    if (c.stations == stations && !c.engine.runs.empty() && !c.loop.runs.empty()) return &c;
  return nullptr;
}

void print_simpy_lines(const SimpyLinesResult& r, const std::vector<Comparison>& scaling) {
  std::printf("\nSimPy scaling (bench/simpy_lines.py: the scaling lines in SimPy, Python's random numbers; events "
              "counted as the loop counts them):\n");
  if (!r.ran) {
    std::printf("  skipped: %s\n", r.skipped.c_str());
    return;
  }
  std::printf("  %s %s\n", r.api.c_str(), r.version.c_str());
  std::printf("  %7s %6s %11s %9s %8s %8s %9s %8s %8s %8s %8s  %s\n", "stns", "lines", "events", "parts", "lead s",
              "build s", "run s", "SimPy ns", "eng ns", "loop ns", "MiB", "against the loop");
  for (const SimpyLinesRow& row : r.rows) {
    if (!row.error.empty() || row.seconds.empty()) {
      std::printf("  %7d failed: %s\n", row.stations, row.error.c_str());
      continue;
    }
    const Comparison* c = scaling_row(scaling, row.stations);
    std::printf("  %7d %6d %11llu %9llu %8.3f %8.2f %9.2f %8.0f %8.1f %8.1f %8.1f  %s\n", row.stations, row.lines,
                static_cast<unsigned long long>(row.events), static_cast<unsigned long long>(row.completed),
                row.mean_lead_s, row.build_s, row.median_s(), row.ns_per_event(),
                c != nullptr ? c->engine.ns_per_event() : 0.0, c != nullptr ? c->loop.ns_per_event() : 0.0,
                mib(row.max_rss_kib), simpy_agreement(row, scaling).c_str());
  }
}

void print_table(const Options& o, const std::vector<Comparison>& rows, const std::vector<Comparison>& scaling,
                 const ScalingSummary& summary, const std::vector<NetworkResult>& networks,
                 const std::vector<int>& network_devices, const SimpyResult* simpy, const SimpyLinesResult* simpy_lines,
                 const std::vector<SoakResult>& soaks, long baseline_rss_kib) {
  std::printf("plantwin_bench %s: engine vs a minimal hand-written event loop of the same model\n", PLANTWIN_VERSION);
  std::printf("machine: %s, %u cores; %d repetition(s), medians; each run in a forked child%s\n", cpu_model().c_str(),
              std::thread::hardware_concurrency(), o.reps, o.quick ? "; --quick: SMALL MODELS, NOT A MEASUREMENT" : "");
  std::printf("Mev/s: events / (build + run) wall time; ratio: engine time / loop time; ns/ev: run time / events;\n"
              "RSS: peak resident set of the child (an empty child: %.1f MiB)\n\n",
              mib(baseline_rss_kib));
  if (!rows.empty() || !scaling.empty())
    std::printf("%-38s %6s %11s %11s %8s %8s %7s %7s %7s %8s %8s  %s\n", "model", "stns", "events eng", "events loop",
                "eng Mev/s", "loopMev/s", "ratio", "eng ns", "loop ns", "eng MiB", "loop MiB", "target");
  for (const Comparison& c : rows) print_comparison_row(c);
  for (const Comparison& c : scaling) print_comparison_row(c);
  if (summary.judged)
    std::printf("per-event cost, %d -> %d stations: engine x%.2f (target <= %.1fx), loop x%.2f; engine/loop ns per event at most "
                "%.2fx (%d stations; target <= %.1fx at every size): %s\n",
                SCALING_BASE_STATIONS, SCALING_TARGET_STATIONS, summary.engine_growth_to_target, SCALING_GROWTH_LIMIT,
                summary.loop_growth_to_target, summary.max_ratio, summary.max_ratio_stations, SCALING_RATIO_LIMIT,
                verdict(summary.met).c_str());
  if (summary.present && (!summary.judged || summary.largest_stations > SCALING_TARGET_STATIONS))
    std::printf("per-event cost, %d -> %d stations (not judged%s): engine x%.2f, loop x%.2f\n", summary.base_stations,
                summary.largest_stations,
                summary.judged ? "" : ": the target runs from 10 to 10,000 stations", summary.engine_growth,
                summary.loop_growth);

  if (!rows.empty() || !scaling.empty()) std::printf("\nverification (engine and loop simulate the same model):\n");
  for (const auto* list : {&rows, &scaling})
    for (const Comparison& c : *list)
      std::printf("  %-11s %s: %s\n", c.key.c_str(), c.verified ? "ok" : "FAILED", c.verification.c_str());

  for (const NetworkResult& network : networks) print_network(network);
  if (networks.size() > 1) {
    std::printf("\nnetwork by devices (the same messages at every size: each device sends every devices / 1,000 s):\n");
    std::printf("  %7s %9s %10s %10s %9s %9s %8s %8s %7s %9s %8s %10s %8s\n", "devices", "horizon s", "events", "transfers",
                "SimGrid's", "M ev/s", "build s", "run s", "SimGrid", "ns/event", "MiB", "ref M ev/s", "speed-up");
    for (std::size_t i = 0; i < networks.size(); ++i) {
      const SideResult& e = networks[i].engine;
      if (e.runs.empty()) {
        std::printf("  %7d failed: %s\n", network_devices[i], e.error.c_str());
        continue;
      }
      const RunOutcome& f = e.first();
      const SideResult& ref = networks[i].reference;
      std::printf("  %7d %9.1f %10llu %10llu %9llu %9.3f %8.3f %8.3f %6.0f%% %9.0f %8.1f %10.3f %7.2fx%s\n", network_devices[i],
                  f.simulated_s, static_cast<unsigned long long>(f.events), static_cast<unsigned long long>(f.transfers),
                  static_cast<unsigned long long>(f.simgrid_transfers), e.events_per_s() / 1e6, f.build_s,
                  e.median_run_s(), 100 * e.simgrid_share(), e.ns_per_event(), mib(e.max_rss_kib),
                  ref.runs.empty() ? 0.0 : ref.events_per_s() / 1e6,
                  ref.runs.empty() ? 0.0 : ref.median_total_s() / e.median_total_s(),
                  e.reproducible ? "" : "  NOT REPRODUCIBLE");
    }
  }

  if (simpy != nullptr) {
    std::printf("\nSimPy M/M/1 (bench/simpy_mm1.py, arrivals + departures counted as events):\n");
    if (simpy->ran)
      std::printf("  %s %s: %llu customers, %.3f M events/s (median of %zu, in-script time %.2f s), mean sojourn %.3f s, "
                  "peak RSS %.1f MiB\n",
                  simpy->api.c_str(), simpy->version.c_str(), static_cast<unsigned long long>(simpy->customers),
                  simpy->events_per_s() / 1e6, simpy->seconds.size(), simpy->median_s(), simpy->mean_sojourn_s,
                  mib(simpy->max_rss_kib));
    else
      std::printf("  skipped: %s\n", simpy->skipped.c_str());
  }
  if (simpy_lines != nullptr) print_simpy_lines(*simpy_lines, scaling);

  for (const SoakResult& s : soaks) {
    std::printf("\nsoak: %s\n", s.title.c_str());
    if (!s.error.empty()) {
      std::printf("  failed: %s\n", s.error.c_str());
      continue;
    }
    std::printf("  %llu events in %.1f s (%.2f M events/s); peak RSS %.1f MiB\n",
                static_cast<unsigned long long>(s.outcome.events), s.outcome.total_s(),
                static_cast<double>(s.outcome.events) / s.outcome.total_s() / 1e6, mib(s.max_rss_kib));
    std::printf("  RSS samples (t s: MiB):");
    // At most about 30 samples on screen; --json has all of them.
    const std::size_t step = std::max<std::size_t>(1, s.samples.size() / 30);
    for (std::size_t i = 0; i < s.samples.size(); i += step)
      std::printf("%s %.1f: %.1f", i % (step * 6) == 0 ? "\n   " : "", s.samples[i].t_s, mib(s.samples[i].rss_kib));
    std::printf("\n  after warm-up (10 %% of the run) %ld KiB, highest after it %ld KiB (%+ld KiB), last %ld KiB: %s\n",
                s.rss_after_warmup_kib, s.rss_max_after_warmup_kib, s.rss_max_after_warmup_kib - s.rss_after_warmup_kib,
                s.rss_last_kib, !s.judged ? "too few samples to judge" : s.flat ? "flat (met)" : "GROWS (missed)");
  }
  std::printf("\nreference figures given for this machine (not measured here): minimal C++ heap loop ~34 M events/s, "
              "SimGrid actors 0.7-1.4 M/s, SimPy 4 ~0.36 M/s\n");
}

run::Json side_json(const SideResult& s) {
  run::Json j = run::Json::object();
  if (!s.error.empty()) j["error"] = s.error;
  if (s.runs.empty()) return j;
  const RunOutcome& f = s.first();
  j["events"] = f.events;
  j["completed"] = f.completed;
  j["mean_lead_s"] = f.mean_lead_s;
  j["median_total_s"] = s.median_total_s();
  j["median_run_s"] = s.median_run_s();
  j["build_s"] = f.build_s;
  j["events_per_s"] = s.events_per_s();
  j["ns_per_event"] = s.ns_per_event();
  j["max_rss_kib"] = static_cast<std::int64_t>(s.max_rss_kib);
  j["reproducible"] = s.reproducible;
  if (f.fingerprint != 0) {
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(f.fingerprint));
    j["fingerprint"] = hex;
  }
  std::vector<double> totals;
  for (const RunOutcome& r : s.runs) totals.push_back(r.total_s());
  j["total_s"] = run::Json::array_of(totals);
  return j;
}

run::Json comparison_json(const Comparison& c) {
  run::Json j = run::Json::object();
  j["key"] = c.key;
  j["title"] = c.title;
  j["stations"] = c.stations;
  j["engine"] = side_json(c.engine);
  j["loop"] = side_json(c.loop);
  if (c.engine_calendar_events != 0) j["engine_calendar_events"] = c.engine_calendar_events;
  const bool both = !c.engine.runs.empty() && !c.loop.runs.empty();
  if (both) j["ratio"] = c.ratio();
  if (c.target_ratio > 0) {
    j["target_ratio"] = c.target_ratio;
    j["target_met"] = both && c.ratio() <= c.target_ratio;
  }
  j["verified"] = c.verified;
  j["verification"] = c.verification;
  return j;
}

run::Json network_json(const NetworkResult& network) {
  const SideResult& e = network.engine;
  run::Json n = run::Json::object();
  n["title"] = network.title;
  if (!e.error.empty()) n["error"] = e.error;
  if (!e.runs.empty()) {
    n["events"] = e.first().events;
    n["transfers"] = e.first().transfers;
    n["simgrid_transfers"] = e.first().simgrid_transfers;
    n["median_total_s"] = e.median_total_s();
    n["median_run_s"] = e.median_run_s();
    n["median_simgrid_s"] = e.median_simgrid_s();
    n["events_per_s"] = e.events_per_s();
    n["simgrid_share"] = e.simgrid_share();
    n["max_rss_kib"] = static_cast<std::int64_t>(e.max_rss_kib);
    n["reproducible"] = e.reproducible;
  }
  const SideResult& r = network.reference;
  if (!r.runs.empty()) {
    run::Json& ref = n["without_shortcuts"] = run::Json::object();
    ref["simgrid_transfers"] = r.first().simgrid_transfers;
    ref["median_total_s"] = r.median_total_s();
    ref["median_run_s"] = r.median_run_s();
    ref["median_simgrid_s"] = r.median_simgrid_s();
    ref["events_per_s"] = r.events_per_s();
    ref["simgrid_share"] = r.simgrid_share();
    ref["reproducible"] = r.reproducible;
  }
  return n;
}

void print_json(const Options& o, const std::vector<Comparison>& rows, const std::vector<Comparison>& scaling,
                const ScalingSummary& summary, const std::vector<NetworkResult>& networks,
                const std::vector<int>& network_devices, const SimpyResult* simpy, const SimpyLinesResult* simpy_lines,
                const std::vector<SoakResult>& soaks, long baseline_rss_kib, const TransportResult* transport,
                const LogReadResult* logread) {
  run::Json doc = run::Json::object();
  doc["plantwin_bench"] = PLANTWIN_VERSION;
  doc["machine"] = run::Json::object();
  doc["machine"]["cpu"] = cpu_model();
  doc["machine"]["cores"] = static_cast<int>(std::thread::hardware_concurrency());
  doc["reps"] = o.reps;
  doc["quick"] = o.quick;
  doc["baseline_rss_kib"] = static_cast<std::int64_t>(baseline_rss_kib);
  doc["comparisons"] = run::Json::array();
  for (const Comparison& c : rows) doc["comparisons"].push_back(comparison_json(c));
  if (summary.present) {
    run::Json& s = doc["scaling"] = run::Json::object();
    s["rows"] = run::Json::array();
    for (const Comparison& c : scaling) s["rows"].push_back(comparison_json(c));
    s["base_stations"] = summary.base_stations;
    s["target_stations"] = SCALING_TARGET_STATIONS;
    s["ratio_limit"] = SCALING_RATIO_LIMIT;
    s["growth_limit"] = SCALING_GROWTH_LIMIT;
    s["judged"] = summary.judged;
    s["max_ratio"] = summary.max_ratio;
    s["max_ratio_stations"] = summary.max_ratio_stations;
    s["engine_growth_to_target"] = summary.engine_growth_to_target;
    s["loop_growth_to_target"] = summary.loop_growth_to_target;
    s["met"] = summary.met;
    s["largest_stations"] = summary.largest_stations;
    s["engine_growth"] = summary.engine_growth;
    s["loop_growth"] = summary.loop_growth;
  }
  if (!networks.empty()) {
    // "network": the standard 1,000 devices (or the first size), as before; "network_sizes": all.
    std::size_t standard = 0;
    for (std::size_t i = 0; i < networks.size(); ++i)
      if (network_devices[i] == 1000) standard = i;
    doc["network"] = network_json(networks[standard]);
    run::Json& list = doc["network_sizes"] = run::Json::array();
    for (std::size_t i = 0; i < networks.size(); ++i) {
      run::Json n = network_json(networks[i]);
      n["devices"] = network_devices[i];
      if (!networks[i].engine.runs.empty()) {
        n["simulated_s"] = networks[i].engine.first().simulated_s;
        n["build_s"] = networks[i].engine.first().build_s;
        n["ns_per_event"] = networks[i].engine.ns_per_event();
      }
      list.push_back(std::move(n));
    }
  }
  if (simpy_lines != nullptr) {
    run::Json& s = doc["simpy_scaling"] = run::Json::object();
    s["ran"] = simpy_lines->ran;
    if (simpy_lines->ran) {
      s["script"] = "bench/simpy_lines.py";
      s["api"] = simpy_lines->api;
      s["version"] = simpy_lines->version;
      s["agreement_tolerance"] = SIMPY_AGREEMENT;
      run::Json& list = s["rows"] = run::Json::array();
      for (const SimpyLinesRow& row : simpy_lines->rows) {
        run::Json j = run::Json::object();
        j["stations"] = row.stations;
        j["lines"] = row.lines;
        j["horizon_s"] = row.horizon_s;
        if (!row.error.empty()) j["error"] = row.error;
        if (!row.seconds.empty()) {
          j["events"] = row.events;
          j["completed"] = row.completed;
          j["mean_lead_s"] = row.mean_lead_s;
          j["build_s"] = row.build_s;
          j["seconds"] = run::Json::array_of(row.seconds);
          j["median_run_s"] = row.median_s();
          j["ns_per_event"] = row.ns_per_event();
          j["max_rss_kib"] = static_cast<std::int64_t>(row.max_rss_kib);
          bool agrees = false;
          const std::string text = simpy_agreement(row, scaling, &agrees);
          if (!text.empty()) {
            j["against_loop"] = text;
            j["agrees_with_loop"] = agrees;
          }
        }
        list.push_back(std::move(j));
      }
    } else {
      s["skipped"] = simpy_lines->skipped;
    }
  }
  if (simpy != nullptr) {
    run::Json& s = doc["simpy"] = run::Json::object();
    s["ran"] = simpy->ran;
    if (simpy->ran) {
      s["api"] = simpy->api;
      s["version"] = simpy->version;
      s["customers"] = simpy->customers;
      s["events"] = simpy->events;
      s["seconds"] = run::Json::array_of(simpy->seconds);
      s["events_per_s"] = simpy->events_per_s();
      s["mean_sojourn_s"] = simpy->mean_sojourn_s;
      s["max_rss_kib"] = static_cast<std::int64_t>(simpy->max_rss_kib);
    } else {
      s["skipped"] = simpy->skipped;
    }
  }
  if (!soaks.empty()) {
    run::Json& list = doc["soak"] = run::Json::array();
    for (const SoakResult& s : soaks) {
      run::Json j = run::Json::object();
      j["title"] = s.title;
      if (!s.error.empty()) j["error"] = s.error;
      j["events"] = s.outcome.events;
      j["total_s"] = s.outcome.total_s();
      j["max_rss_kib"] = static_cast<std::int64_t>(s.max_rss_kib);
      j["rss_after_warmup_kib"] = static_cast<std::int64_t>(s.rss_after_warmup_kib);
      j["rss_max_after_warmup_kib"] = static_cast<std::int64_t>(s.rss_max_after_warmup_kib);
      j["rss_last_kib"] = static_cast<std::int64_t>(s.rss_last_kib);
      j["judged"] = s.judged;
      j["flat"] = s.flat;
      run::Json samples = run::Json::array();
      for (const RssSample& r : s.samples) {
        run::Json pair = run::Json::array();
        pair.push_back(r.t_s);
        pair.push_back(static_cast<std::int64_t>(r.rss_kib));
        samples.push_back(std::move(pair));
      }
      j["samples_t_s_rss_kib"] = std::move(samples);
      list.push_back(std::move(j));
    }
  }
  if (transport != nullptr) doc["transport"] = transport_json(*transport, rows);
  if (logread != nullptr) doc["logread"] = logread_json(*logread);
  std::printf("%s\n", doc.dump(2).c_str());
}

// ---- --profile --------------------------------------------------------------------------------

int profile(const std::string& spec, const Sizes& s) {
  const auto colon = spec.find(':');
  const std::string model = spec.substr(0, colon);
  const std::string side = colon == std::string::npos ? "" : spec.substr(colon + 1);
  if (side != "engine" && side != "loop") {
    std::fprintf(stderr, "plantwin_bench: --profile wants MODEL:engine or MODEL:loop, got '%s'\n", spec.c_str());
    return 2;
  }
  const bool engine = side == "engine";
  RunOutcome out;
  if (model == "mm1") {
    out = engine ? run_engine_mm1(s.mm1) : run_loop_mm1(s.mm1);
  } else if (model == "line" || model == "plant") {
    const LineModel& m = model == "line" ? s.line : s.plant;
    out = engine ? run_engine_lines(m) : run_loop_lines(m);
  } else if (model == "transport" && engine) {
    out = run_engine_transport(s.transport);
  } else if (model.rfind("scale", 0) == 0 && model.size() > 5) {
    const int stations = std::stoi(model.substr(5));
    if (stations < 10 || stations % 10 != 0) {
      std::fprintf(stderr, "plantwin_bench: --profile scaleN wants N a multiple of 10\n");
      return 2;
    }
    const LineModel m = scaling_model(s, stations);
    out = engine ? run_engine_lines(m) : run_loop_lines(m);
  } else {
    std::fprintf(stderr, "plantwin_bench: --profile: unknown model '%s'\n", model.c_str());
    return 2;
  }
  std::printf(
      "%s %s: %llu events, %llu completed, mean lead %.6f s, build %.3f s, run %.3f s, teardown %.3f s, %.1f ns/event\n",
      model.c_str(), side.c_str(), static_cast<unsigned long long>(out.events),
      static_cast<unsigned long long>(out.completed), out.mean_lead_s, out.build_s, out.run_s, out.teardown_s,
      out.run_s * 1e9 / static_cast<double>(out.events));
  return 0;
}

int run_bench(const Options& o) {
  const Sizes s = sizes(o.scale);
  if (!o.profile.empty()) return profile(o.profile, s);
  auto wanted = [&](const char* name) { return o.only.count(name) > 0; };

  long baseline_rss_kib = 0;
  run_once_in_child([] { return RunOutcome{}; }, &baseline_rss_kib);

  std::vector<Comparison> rows, scaling;
  if (wanted("mm1")) rows.push_back(compare_mm1(s.mm1, o.reps));
  if (wanted("line"))
    rows.push_back(compare_lines("line", "10-station line, buffers 5, failures", s.line, o.reps, LINE_RATIO_TARGET));
  if (wanted("plant"))
    rows.push_back(compare_lines("plant", "1,000 stations (100 lines of 10)", s.plant, o.reps, 0));
  if (wanted("scaling"))
    for (int stations : o.scaling_stations) {
      const LineModel m = scaling_model(s, stations);
      char title[64];
      std::snprintf(title, sizeof title, "scaling: %d stations, %d line%s", stations, m.lines, m.lines == 1 ? "" : "s");
      scaling.push_back(compare_lines("scale-" + std::to_string(stations), title, m, o.reps, 0));
    }
  const ScalingSummary summary = summarise_scaling(scaling);
  TransportResult transport;
  if (wanted("transport")) transport = measure_transport(s.transport, o.reps);
  const TransportResult* transport_ptr = wanted("transport") ? &transport : nullptr;

  std::vector<NetworkResult> networks;
  std::vector<int> network_devices;
  if (wanted("network"))
    for (int devices : o.network_devices) {
      const NetworkModel m = network_model(s, devices);
      char title[96];
      std::snprintf(title, sizeof title, "10-station line + %d devices, telemetry %.0f B every %g s (exp.), one 5G cell",
                    m.devices, m.size_b, m.every_s);
      networks.push_back(measure_network(title, m, o.reps, true));
      network_devices.push_back(devices);
    }

  LogReadResult logread;
  if (wanted("logread")) logread = measure_logread(static_cast<std::uint64_t>(std::llround(o.log_rows * o.scale)), std::min(o.reps, 3));

  SimpyResult simpy;
  if (wanted("simpy")) simpy = measure_simpy(o.simpy_script, o.simpy_customers, o.simpy_reps);
  SimpyLinesResult simpy_lines;
  if (wanted("simpy-scaling")) {
    std::vector<LineModel> models;
    for (int stations : o.scaling_stations) models.push_back(scaling_model(s, stations));
    simpy_lines = measure_simpy_lines(o.simpy_lines_script, models, o.simpy_scaling_reps);
  }

  std::vector<SoakResult> soaks;
  if (wanted("soak")) {
    Mm1Model unlimited = s.mm1;
    unlimited.customers = 0;
    soaks.push_back(measure_soak(
        "M/M/1, rho 0.8, unlimited arrivals", o.soak_events,
        [unlimited](double horizon_s) {
          Mm1Model m = unlimited;
          m.horizon_s = horizon_s;
          return run_engine_mm1(m);
        },
        1e5));
    soaks.push_back(measure_soak(
        "1,000 stations (100 lines of 10, buffers 5, failures)", o.soak_events,
        [plant = s.plant](double horizon_s) {
          LineModel m = plant;
          m.horizon_s = horizon_s;
          return run_engine_lines(m);
        },
        1e3));
  }

  const SimpyResult* simpy_ptr = wanted("simpy") ? &simpy : nullptr;
  const SimpyLinesResult* simpy_lines_ptr = wanted("simpy-scaling") ? &simpy_lines : nullptr;
  const LogReadResult* logread_ptr = wanted("logread") ? &logread : nullptr;
  if (o.json) {
    print_json(o, rows, scaling, summary, networks, network_devices, simpy_ptr, simpy_lines_ptr, soaks,
               baseline_rss_kib, transport_ptr, logread_ptr);
  } else {
    print_table(o, rows, scaling, summary, networks, network_devices, simpy_ptr, simpy_lines_ptr, soaks,
                baseline_rss_kib);
    if (transport_ptr != nullptr) print_transport(transport, rows);
    if (logread_ptr != nullptr) print_logread(logread);
  }

  // A bench whose two sides disagree measured nothing worth comparing: say so in the exit status.
  for (const auto* list : {&rows, &scaling})
    for (const Comparison& c : *list)
      if (!c.verified) return 1;
  for (const NetworkResult& network : networks)
    if (network.engine.runs.empty() || !network.engine.reproducible) return 1;
  if (logread_ptr != nullptr && !logread.error.empty()) return 1;
  return 0;
}

}  // namespace

}  // namespace plantwin::bench

int main(int argc, char** argv) {
  plantwin::bench::Options options;
  try {
    plantwin::bench::parse_options(argc, argv, options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "plantwin_bench: %s\n", e.what());
    return 2;
  }
  try {
    return plantwin::bench::run_bench(options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "plantwin_bench: %s\n", e.what());
    return 3;
  }
}
