#pragma once
/// The measurements of plantwin_bench and their results. Every run of a model happens in a forked
/// child (bench_process.hpp); the engine's and the loop's repetitions alternate so that a slow
/// phase of the machine hits both sides alike.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "bench_models.hpp"
#include "bench_process.hpp"

namespace plantwin::bench {

/// The repetitions of one side (engine or loop) of one model.
struct SideResult {
  bool present = false;
  std::string error;              ///< empty when every repetition ran
  std::vector<RunOutcome> runs;   ///< one per repetition
  long max_rss_kib = 0;           ///< the highest peak resident set over the repetitions, KiB
  bool reproducible = true;       ///< every repetition executed the same events with the same results

  const RunOutcome& first() const { return runs.front(); }
  /// Median over repetitions of build + run time, s.
  double median_total_s() const;
  /// Median over repetitions of the run time alone, s.
  double median_run_s() const;
  /// Events per second of the whole process (build + run).
  double events_per_s() const;
  /// Run time per event, ns: the event loop's own cost, build excluded.
  double ns_per_event() const;
  /// With a network: median over repetitions of the time inside SimGrid, s.
  double median_simgrid_s() const;
  /// With a network: SimGrid's time over the run time, median of the repetitions' ratios.
  double simgrid_share() const;
};

/// One model measured on both sides.
struct Comparison {
  std::string key;    ///< for --only and JSON: "mm1", "line", "plant", "scale-100", ...
  std::string title;  ///< for the table
  int stations = 0;
  SideResult engine, loop;
  /// The engine's events minus its deferred ones (counted by a traced, untimed run): the events
  /// that correspond one for one to the loop's; 0 when not counted.
  std::uint64_t engine_calendar_events = 0;
  bool verified = false;
  std::string verification;    ///< what was checked, and the numbers
  double target_ratio = 0;     ///< engine time / loop time must not exceed this; 0: no target

  /// Engine time / loop time, whole process (medians).
  double ratio() const;
};

/// Runs `reps` repetitions of both sides, alternating, each in a forked child.
void measure_sides(Comparison& c, int reps, const std::function<RunOutcome()>& engine,
                   const std::function<RunOutcome()>& loop);

/// Runs `work` once in a forked child and returns its outcome (and peak RSS in `rss_kib`).
/// Throws std::runtime_error when the child fails.
RunOutcome run_once_in_child(const std::function<RunOutcome()>& work, long* rss_kib = nullptr);

/// Checks that the engine and the loop simulated the same thing: the same parts, the same mean
/// lead time, and (when counted) the same calendar events. Sets c.verified and c.verification.
/// `theory_lead_s` > 0 also checks the mean lead time against it within `theory_tolerance`.
void verify_agreement(Comparison& c, double theory_lead_s = 0, double theory_tolerance = 0);

/// The SimPy M/M/1 (bench/simpy_mm1.py), run by /usr/bin/python3.
struct SimpyResult {
  bool ran = false;
  std::string skipped;  ///< why it did not run
  std::string api, version;
  std::uint64_t customers = 0, events = 0;
  std::vector<double> seconds;  ///< in-script run time of each repetition, s
  double mean_sojourn_s = 0;
  long max_rss_kib = 0;

  double median_s() const;
  double events_per_s() const;
};

SimpyResult measure_simpy(const std::string& script, std::int64_t customers, int reps);

/// One size of the SimPy scaling study (bench/simpy_lines.py: the LineModel in SimPy).
struct SimpyLinesRow {
  int stations = 0, lines = 0;
  double horizon_s = 0;
  std::uint64_t events = 0, completed = 0;  ///< of the first repetition (the seed is fixed)
  double mean_lead_s = 0;
  double build_s = 0;           ///< making the stations, first repetition, s
  std::vector<double> seconds;  ///< in-script run time of each repetition, s
  long max_rss_kib = 0;
  std::string error;

  double median_s() const;
  double ns_per_event() const;
};

struct SimpyLinesResult {
  bool ran = false;
  std::string skipped;  ///< why it did not run
  std::string api, version;
  std::vector<SimpyLinesRow> rows;
};

/// Runs `script` for each model, `reps` times each, by /usr/bin/python3.
SimpyLinesResult measure_simpy_lines(const std::string& script, const std::vector<LineModel>& models, int reps);

/// A long engine run with the resident set sampled every 0.2 s.
struct SoakResult {
  std::string title;
  std::string error;
  RunOutcome outcome;
  std::vector<RssSample> samples;
  long max_rss_kib = 0;
  /// The sample at the end of the warm-up (10 % of the run), and the highest after it, KiB.
  long rss_after_warmup_kib = 0, rss_max_after_warmup_kib = 0, rss_last_kib = 0;
  bool judged = false;  ///< enough samples (10) to say whether memory is flat
  bool flat = false;    ///< growth after the warm-up is at most 1 MiB or 1 %
};

/// Calibrates the horizon for about `target_events` events with a short run, then runs the soak.
SoakResult measure_soak(const std::string& title, double target_events,
                        const std::function<RunOutcome(double horizon_s)>& engine, double calibration_horizon_s);

/// The median of `values` (not empty).
double median(std::vector<double> values);

}  // namespace plantwin::bench
