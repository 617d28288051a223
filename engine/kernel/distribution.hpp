#pragma once
/// Probability distributions of durations, written out on RngStream (no std::*_distribution, whose
/// algorithms differ between standard libraries).
///
/// Parameters are in seconds (the unit of the scenario format); sample_ticks() rounds a draw to
/// the nearest tick. Every kind but `empirical` draws exactly one uniform per variate except where
/// noted, which keeps streams aligned between what-if variants (common random numbers):
///   constant      value                          no uniform drawn
///   exponential   mean                           -mean·ln(U), U in (0,1]
///   uniform       min, max                       min + (max-min)·U
///   triangular    min, mode, max                 inverse CDF
///   normal        mean, sd                       inverse CDF (Wichura AS241); redrawn while < 0
///   lognormal     mean, cv (of the lognormal)    exp(mu + sigma·Z), sigma² = ln(1+cv²), mu = ln(mean) - sigma²/2
///   erlang        mean, k                        -(mean/k)·Σ ln(U_i), k uniforms
///   weibull       shape, scale                   scale·(-ln U)^(1/shape)
///   empirical     values, weights                one uniform, values[i] with probability weights[i]/Σweights

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "kernel/rng.hpp"
#include "kernel/time.hpp"

namespace plantwin::kernel {

class Distribution {
 public:
  enum class Kind : std::uint8_t { CONSTANT, EXPONENTIAL, UNIFORM, TRIANGULAR, NORMAL, LOGNORMAL, ERLANG, WEIBULL, EMPIRICAL };

  /// A constant of 0 seconds.
  Distribution() = default;

  static Distribution constant(double value);
  static Distribution exponential(double mean);
  static Distribution uniform(double min, double max);
  static Distribution triangular(double min, double mode, double max);
  static Distribution normal(double mean, double sd);
  static Distribution lognormal(double mean, double cv);
  static Distribution erlang(double mean, int k);
  static Distribution weibull(double shape, double scale);
  /// `weights` empty means equal weights.
  static Distribution empirical(std::vector<double> values, std::vector<double> weights);

  /// Empty when the parameters are valid; otherwise a message naming the parameter, for example
  /// "mean must be > 0, got -1". Every constructor above accepts invalid parameters; the loader
  /// calls validate() to report them with a location.
  std::string validate() const;

  Kind kind() const { return kind_; }
  /// The kind's name as written in YAML ("exponential", ...).
  static const char* kind_name(Kind k);
  const char* kind_name() const { return kind_name(kind_); }

  /// Draws one value, in seconds. Never negative.
  double sample(RngStream& rng) const;
  /// Draws one duration in ticks (rounded to the nearest tick, clamped to MAX_DURATION_TICKS).
  Tick sample_ticks(RngStream& rng) const {
    // The two commonest kinds inline; the arithmetic is sample()'s, so the draws are the same.
    if (kind_ == Kind::CONSTANT) return constant_ticks_;
    if (kind_ == Kind::EXPONENTIAL) return duration_from_seconds(-a_ * std::log(rng.uniform_open0()));
    return sample_ticks_general(rng);
  }

  /// The exact mean, in seconds (for normal: of the distribution truncated at 0).
  double mean() const;
  /// The least and the greatest value it can draw, in seconds (infinity: unbounded above).
  std::pair<double, double> support() const;
  /// True when sample() always returns the same value.
  bool is_constant() const { return kind_ == Kind::CONSTANT; }

  /// Parameters as given, in seconds where they are durations: a, b, c are
  /// constant{value}, exponential{mean}, uniform{min,max}, triangular{min,mode,max}, normal{mean,sd},
  /// lognormal{mean,cv}, erlang{mean} (k in k()), weibull{shape,scale}.
  double a() const { return a_; }
  double b() const { return b_; }
  double c() const { return c_; }
  int k() const { return k_; }
  const std::vector<double>& values() const { return table().values; }
  const std::vector<double>& weights() const { return table().weights; }

  /// Human-readable form, for example "exponential(mean=40s)".
  std::string describe() const;

  bool operator==(const Distribution& other) const;

 private:
  // Kept out of line so that the inlined fast path above stays small.
  [[gnu::noinline]] Tick sample_ticks_general(RngStream& rng) const;

  Kind kind_ = Kind::CONSTANT;
  double a_ = 0, b_ = 0, c_ = 0;
  int k_ = 0;
  // Derived parameters, computed once by the constructors.
  double mu_ = 0, sigma_ = 0;
  Tick constant_ticks_ = 0;
  // An empirical distribution's table, shared by its copies (immutable): the other kinds stay
  // small, which keeps every station's parameters compact.
  struct Table {
    std::vector<double> values, weights, cumulative;
  };
  const Table& table() const;
  std::shared_ptr<const Table> table_;
};

/// Inverse of the standard normal CDF (Wichura 1988, algorithm AS241, PPND16), |error| < 1e-15.
/// `p` in (0, 1); returns ±infinity at 0 and 1.
double normal_quantile(double p);

}  // namespace plantwin::kernel
