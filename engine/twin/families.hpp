#pragma once
/// The scenario format's distribution families as statistics need them (Boost.Math): their CDF,
/// density and quantile, maximum-likelihood fits chosen by AIC, the Kolmogorov–Smirnov test, and
/// residual life, the time still to run of an activity that has run for a while.
///
/// Every function works in seconds, on kernel::Distribution as the scenario format defines it
/// (kernel/distribution.hpp): `normal` is the normal cut at 0 (the format redraws below 0),
/// `lognormal` has the lognormal's own mean and cv, `erlang` is the gamma with a whole shape k.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kernel/distribution.hpp"
#include "kernel/rng.hpp"
#include "kernel/time.hpp"

namespace plantwin::twin {

/// P(X <= x), f(x) and the p-quantile (p in [0, 1]) of `d`. Never throw.
double cdf(const kernel::Distribution& d, double x);
double pdf(const kernel::Distribution& d, double x);
double quantile(const kernel::Distribution& d, double p);

/// The time still to run of an activity of duration X ~ `d` that has run for `elapsed`: a draw of
/// X − elapsed given X > elapsed, by inversion of the conditional CDF (U uniform on
/// (F(elapsed), 1), X = F⁻¹(U)): exact for a constant (its value minus `elapsed`, at least 0),
/// memoryless for the exponential (the elapsed time is not used), and for an empirical table a
/// draw among its values above `elapsed`. Draws one uniform from `rng` (none for a constant).
/// When `elapsed` is beyond (almost) all of the distribution's mass, the activity ends at once (0).
kernel::Tick residual_ticks(const kernel::Distribution& d, kernel::Tick elapsed, kernel::RngStream& rng);

/// One family fitted by maximum likelihood.
struct Candidate {
  kernel::Distribution dist;
  double log_likelihood = 0;
  int parameters = 0;
  double aic = 0;  ///< 2·parameters − 2·log_likelihood
};

/// The fit of one quantity: every family that could be fitted, best AIC first, and the one chosen.
struct FamilyFit {
  std::size_t n = 0;
  double mean = 0, sd = 0, min = 0, max = 0;  ///< of the observations, in seconds
  std::vector<Candidate> candidates;          ///< by AIC; a constant alone when every value is the same
  std::size_t chosen = 0;
  /// Kolmogorov–Smirnov distance of the observations to the chosen distribution and its p-value
  /// (asymptotic, with Stephens' correction; approximate, since the parameters come from the
  /// same observations: it then errs towards accepting).
  double ks_d = 0, ks_p = 1;
  const Candidate& best() const { return candidates[chosen]; }
};

/// Fits the families of the format to `seconds` (at least 2 finite values >= 0): constant,
/// exponential, uniform, triangular, normal, lognormal, erlang, weibull (the last three need
/// every value > 0). The family with the lowest AIC is chosen, except that a family with fewer
/// parameters whose AIC is within 2 of it is preferred (their difference is not evidence).
/// A sample of at most MAX_EMPIRICAL_VALUES distinct values (equal to 2 ns), each seen
/// MIN_PER_EMPIRICAL_VALUE times on average or more, is a table: an `empirical` of its values and
/// their frequencies, alone (its KS distance compares the steps, at the top of each).
constexpr std::size_t MAX_EMPIRICAL_VALUES = 16;
constexpr double MIN_PER_EMPIRICAL_VALUE = 5;
FamilyFit fit_families(std::vector<double> seconds);

/// The p-value of a Kolmogorov–Smirnov distance `d` between n observations and a distribution
/// (for two samples of n and m, pass n·m / (n + m)).
double ks_p_value(double d, double n);

/// The two-sample Kolmogorov–Smirnov distance between two samples (sorted in place).
double ks_distance(std::vector<double>& a, std::vector<double>& b);

/// The q-quantile (type 7) of sorted values.
double sorted_quantile(const std::vector<double>& sorted, double q);

}  // namespace plantwin::twin
