#pragma once
/// Streaming statistics: nothing here keeps every sample.
///
///   TimeAverage  the time-weighted mean of a piecewise-constant quantity (WIP, queue length)
///   Tally        count, mean, variance, min and max of observations (sums shifted by the first
///                observation: no division per sample, and no cancellation when the mean is far
///                from 0); mergeable
///   Histogram    counts in log-linear buckets, for quantiles (p50, p95) of non-negative
///                durations in ticks: exact below 256 ticks, then 128 buckets per power of two
///                (each at most 1/128 of its values wide). A quantile interpolates between the
///                two order statistics around its rank, as the usual sample quantile does (type 7
///                of Hyndman & Fan), each order statistic placed within its bucket: the result is
///                within 1/128 (0.8 %) of the exact sample quantile. Mergeable: the pooled
///                quantiles of several replications come from the sum of their histograms. It
///                keeps the smallest and largest values: quantiles stay within them. While its
///                sample has at most 256 distinct values (a short run, or a deterministic plant's
///                few lead times) it also keeps them with their counts, and its quantiles are the
///                exact sample quantiles
///   Summary      mean and Student-t 95 % half-width of one value per replication
///   estimate_mean         a mean with a confidence interval that stays within the quantity's range
///                         (Student-t cut to the range, or Wilson's score interval for 0/1 values)
///   paired_difference,    the difference of two means with its interval: on pairs (common
///   welch_difference      random numbers) or on two independent samples (Welch)

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "kernel/time.hpp"

namespace plantwin::kernel {

class TimeAverage {
 public:
  /// Starts (or restarts) measuring at `now` with the current value kept.
  void reset(Tick now) {
    start_ = now;
    last_ = now;
    area_ = 0;
  }
  /// The quantity changes to `value` at `now` (now >= the previous change).
  void set(Tick now, double value) {
    area_ += value_ * static_cast<double>(now - last_);
    last_ = now;
    value_ = value;
  }
  void add(Tick now, double delta) { set(now, value_ + delta); }
  double value() const { return value_; }
  /// The time-average over [reset time, now].
  double mean(Tick now) const {
    const double span = static_cast<double>(now - start_);
    if (span <= 0) return value_;
    return (area_ + value_ * static_cast<double>(now - last_)) / span;
  }

 private:
  Tick start_ = 0, last_ = 0;
  double value_ = 0, area_ = 0;
};

class Tally {
 public:
  void add(double x) {
    if (n_ == 0) {
      shift_ = x;
      min_ = max_ = x;
    }
    ++n_;
    const double d = x - shift_;
    sum_ += d;
    sum2_ += d * d;
    if (x < min_) min_ = x;
    if (x > max_) max_ = x;
  }
  /// Adds every observation of `other`, as if they had been added here.
  void merge(const Tally& other);
  void reset() { *this = Tally(); }
  std::uint64_t count() const { return n_; }
  double mean() const { return n_ > 0 ? shift_ + sum_ / static_cast<double>(n_) : 0.0; }
  /// Sample variance (n - 1 in the denominator); 0 for fewer than two observations.
  double variance() const {
    if (n_ < 2) return 0.0;
    const double n = static_cast<double>(n_);
    const double v = (sum2_ - sum_ * sum_ / n) / (n - 1);
    return v > 0 ? v : 0.0;
  }
  double min() const { return min_; }
  double max() const { return max_; }
  template <class A>
  void serialize(A& a) {
    a(n_, shift_, sum_, sum2_, min_, max_);
  }

 private:
  std::uint64_t n_ = 0;
  double shift_ = 0, sum_ = 0, sum2_ = 0, min_ = 0, max_ = 0;
};

class Histogram {
 public:
  void add(Tick value) {
    const std::size_t b = bucket_of(value);
    if (b < first_ || b >= first_ + counts_.size()) widen(b);
    ++counts_[b - first_];
    ++total_;
    least_ = std::min(least_, value);
    most_ = std::max(most_, value);
    if (exact_) note(value);
  }
  void merge(const Histogram& other);
  /// Distinct values kept for exact quantiles; past them, the buckets alone.
  static constexpr std::size_t EXACT_VALUES = 256;
  void reset() { *this = Histogram(); }
  std::uint64_t count() const { return total_; }
  /// The q-quantile (q in [0, 1]) in ticks, interpolated linearly inside its bucket; 0 when empty.
  double quantile(double q) const;
  /// The same in seconds (divided, not multiplied by 1e-9: 121 s, not 121.00000000000001 s).
  double quantile_seconds(double q) const { return quantile(q) / static_cast<double>(TICKS_PER_SECOND); }
  /// For each of `xs` (ascending): how many observations are below it and how many at most it,
  /// counted as quantile() sees them: exactly while the distinct values are kept, else each
  /// bucket's observations where order_statistic() places them. Linear in xs and the buckets.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> counts_at(const std::vector<Tick>& xs) const;

  template <class A>
  void serialize(A& a) {
    a(counts_, first_, total_, least_, most_, values_, exact_);
  }

  static std::size_t bucket_of(Tick value) {
    if (value < 256) return value < 0 ? 0 : static_cast<std::size_t>(value);
    const auto v = static_cast<std::uint64_t>(value);
    const int e = 63 - std::countl_zero(v);  // 8 .. 62
    const std::uint64_t sub = (v >> (e - 7)) & 127;
    return 256 + static_cast<std::size_t>(e - 8) * 128 + static_cast<std::size_t>(sub);
  }
  /// [lower, upper) of a bucket, in ticks.
  static Tick bucket_lower(std::size_t bucket);
  static Tick bucket_upper(std::size_t bucket);

 private:
  /// The k-th smallest observation (0-based), placed within its bucket.
  double order_statistic(std::uint64_t k) const;
  /// Makes counts_ cover bucket b too.
  void widen(std::size_t b);
  /// Counts `value` among the distinct values kept, or stops keeping them past EXACT_VALUES.
  void note(Tick value);
  void stop_exact() {
    exact_ = false;
    std::vector<std::pair<Tick, std::uint64_t>>().swap(values_);
  }
  // counts_[i] is bucket first_ + i: only the range of buckets used is stored (lead times of 20 s
  // to 200 s span about 430 buckets, not the 3,800 from bucket 0).
  std::vector<std::uint64_t> counts_;
  std::size_t first_ = 0;
  std::uint64_t total_ = 0;
  // The smallest and largest observations: quantiles stay within them (a constant sample's are
  // its value, not points spread over its bucket).
  Tick least_ = std::numeric_limits<Tick>::max(), most_ = std::numeric_limits<Tick>::min();
  // While exact_: every value seen, ascending, with its count (the counts sum to total_).
  std::vector<std::pair<Tick, std::uint64_t>> values_;
  bool exact_ = true;
};

/// The p-quantile of Student's t with df degrees of freedom (df > 0, not necessarily whole:
/// Welch's test has fractional ones), for example t(0.975, 9) = 2.262. NaN for df <= 0.
double student_t_quantile(double p, double df);

/// Mean and 95 % confidence half-width over replications.
struct Summary {
  double mean = 0;
  double ci95 = 0;  ///< Student-t half-width; 0 with fewer than two values
  std::vector<double> values;

  /// NaN values (a quantity undefined in a replication) make the mean and ci95 NaN.
  static Summary of(std::vector<double> values);
};

/// A closed interval; both ends NaN when undefined.
struct Interval {
  double low = 0;
  double high = 0;
};

/// The values a per-replication quantity can take, which decide the interval of its mean.
enum class ValueRange {
  NON_NEGATIVE,  ///< counts, times, rates: Student-t, the low end cut at 0
  FRACTION,      ///< shares in [0, 1] averaged in each replication: Student-t cut to [0, 1]
  BINARY,        ///< one 0 or 1 per replication (an event happened or not): Wilson score interval
};

/// A mean with its confidence interval.
struct Estimate {
  double mean = 0;
  Interval interval;
  /// The interval's longer side, max(mean − low, high − mean): exactly the Student-t half-width
  /// t · s / √n when the range cuts at most one end.
  double half_width = 0;
};

/// The mean of `values` (one per replication) and its two-sided confidence interval at `level`
/// (0.95: 95 %), kept within `range`:
///   NON_NEGATIVE, FRACTION: mean ± t((1 + level) / 2, n − 1) · s / √n, cut to [0, ∞) or [0, 1];
///                           with one value, [mean, mean]
///   BINARY: Wilson's score interval for k = sum(values) successes in n trials (defined for n >= 1)
/// A NaN value makes everything NaN. Precondition: 0 < level < 1.
Estimate estimate_mean(const std::vector<double>& values, ValueRange range, double level);
/// Wilson's score interval for `successes` out of `n` trials at `level`:
/// (p + z²/2n ± z·√(p(1 − p)/n + z²/4n²)) / (1 + z²/n), p = successes / n, z = normal_quantile((1 + level) / 2)
/// (distribution.hpp).
Interval wilson_interval(double successes, double n, double level);

/// The difference of two means, mean(b) − mean(a), with its two-sided confidence interval.
struct Difference {
  double mean = 0;
  Interval interval;
  double df = 0;  ///< degrees of freedom of the t quantile used; 0 when there was no interval
  bool has_interval = false;  ///< false with fewer than two values (or pairs): interval = [mean, mean]
};

/// On pairs (a[k], b[k]), replication k of two runs with the same seed (common random numbers):
/// the Student-t interval of the mean of d[k] = b[k] − a[k], df = n − 1. Precondition: equal sizes.
/// A NaN in either makes everything NaN.
Difference paired_difference(const std::vector<double>& a, const std::vector<double>& b, double level);
/// On two independent samples: Welch's interval, mean(b) − mean(a) ± t((1 + level) / 2, ν) · se with
/// se² = s_a²/n_a + s_b²/n_b and Welch–Satterthwaite's ν = se⁴ / ((s_a²/n_a)²/(n_a − 1) + (s_b²/n_b)²/(n_b − 1)).
/// With se = 0 (both samples constant) the interval is the difference itself. A NaN makes everything NaN.
Difference welch_difference(const std::vector<double>& a, const std::vector<double>& b, double level);

}  // namespace plantwin::kernel
