#include "kernel/stats.hpp"

#include <algorithm>
#include <bit>
#include <limits>

#include "kernel/distribution.hpp"

namespace plantwin::kernel {

void Tally::merge(const Tally& other) {
  if (other.n_ == 0) return;
  if (n_ == 0) {
    *this = other;
    return;
  }
  // Re-express the other's sums around this tally's shift: x - s = (x - s') + delta.
  const double delta = other.shift_ - shift_;
  const double m = static_cast<double>(other.n_);
  sum_ += other.sum_ + m * delta;
  sum2_ += other.sum2_ + 2 * delta * other.sum_ + m * delta * delta;
  n_ += other.n_;
  if (other.min_ < min_) min_ = other.min_;
  if (other.max_ > max_) max_ = other.max_;
}

Tick Histogram::bucket_lower(std::size_t bucket) {
  if (bucket < 256) return static_cast<Tick>(bucket);
  const std::size_t e = (bucket - 256) / 128 + 8;
  const std::uint64_t sub = (bucket - 256) % 128;
  return static_cast<Tick>((128 + sub) << (e - 7));
}

Tick Histogram::bucket_upper(std::size_t bucket) {
  if (bucket < 256) return static_cast<Tick>(bucket + 1);
  const std::size_t e = (bucket - 256) / 128 + 8;
  const std::uint64_t sub = (bucket - 256) % 128;
  return static_cast<Tick>((128 + sub + 1) << (e - 7));
}

void Histogram::widen(std::size_t b) {
  if (counts_.empty()) {
    first_ = b;
    counts_.assign(1, 0);
    return;
  }
  if (b >= first_ + counts_.size()) {
    counts_.resize(b - first_ + 1, 0);
  } else if (b < first_) {
    counts_.insert(counts_.begin(), first_ - b, 0);
    first_ = b;
  }
}

void Histogram::note(Tick value) {
  const auto at = std::lower_bound(values_.begin(), values_.end(), value, [](const auto& v, Tick x) { return v.first < x; });
  if (at != values_.end() && at->first == value) {
    ++at->second;
  } else if (values_.size() < EXACT_VALUES) {
    values_.insert(at, {value, 1});
  } else {
    stop_exact();
  }
}

void Histogram::merge(const Histogram& other) {
  if (other.counts_.empty()) return;
  if (exact_ && other.exact_) {
    std::vector<std::pair<Tick, std::uint64_t>> both;
    both.reserve(values_.size() + other.values_.size());
    auto a = values_.cbegin();
    auto b = other.values_.cbegin();
    while (a != values_.cend() || b != other.values_.cend()) {
      if (b == other.values_.cend() || (a != values_.cend() && a->first < b->first)) {
        both.push_back(*a++);
      } else if (a == values_.cend() || b->first < a->first) {
        both.push_back(*b++);
      } else {
        both.emplace_back(a->first, a->second + b->second);
        ++a, ++b;
      }
    }
    values_ = std::move(both);
    if (values_.size() > EXACT_VALUES) stop_exact();
  } else if (exact_) {
    stop_exact();
  }
  widen(other.first_);
  widen(other.first_ + other.counts_.size() - 1);
  for (std::size_t i = 0; i < other.counts_.size(); ++i) counts_[other.first_ + i - first_] += other.counts_[i];
  total_ += other.total_;
  least_ = std::min(least_, other.least_);
  most_ = std::max(most_, other.most_);
}

double Histogram::order_statistic(std::uint64_t k) const {
  std::uint64_t below = 0;
  if (exact_) {
    for (const auto& [value, count] : values_) {
      if (k < below + count) return static_cast<double>(value);
      below += count;
    }
    return static_cast<double>(most_);
  }
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    const std::uint64_t c = counts_[i];
    const std::size_t b = first_ + i;
    if (k < below + c) {
      if (b < 256) return static_cast<double>(b);  // exact buckets hold one value each
      // Spread the bucket's c observations evenly over [lower, upper): the i-th at (i + 0.5) / c.
      const double lo = static_cast<double>(bucket_lower(b)), hi = static_cast<double>(bucket_upper(b));
      return lo + (hi - lo) * (static_cast<double>(k - below) + 0.5) / static_cast<double>(c);
    }
    below += c;
  }
  return static_cast<double>(bucket_lower(first_ + counts_.size() - 1));
}

double Histogram::quantile(double q) const {
  if (total_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  const double rank = q * static_cast<double>(total_ - 1);
  const auto k = static_cast<std::uint64_t>(rank);
  const double low = order_statistic(k);
  const double value = k + 1 >= total_ ? low : low + (rank - static_cast<double>(k)) * (order_statistic(k + 1) - low);
  // Exact values are whole ticks: to the tick, a quantile between them loses only the rounding
  // of its weights (62 s, not 62.00000000000001 s).
  if (exact_) return std::round(value);
  return std::clamp(value, static_cast<double>(least_), static_cast<double>(most_));
}

std::vector<std::pair<std::uint64_t, std::uint64_t>> Histogram::counts_at(const std::vector<Tick>& xs) const {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
  out.reserve(xs.size());
  std::uint64_t before = 0;  // the observations of the values (or buckets) wholly below x
  std::size_t i = 0;
  for (const Tick x : xs) {
    if (exact_) {
      while (i < values_.size() && values_[i].first < x) before += values_[i++].second;
      const std::uint64_t at = i < values_.size() && values_[i].first == x ? values_[i].second : 0;
      out.emplace_back(before, before + at);
      continue;
    }
    // A bucket's observations are placed below its upper bound.
    while (i < counts_.size() && bucket_upper(first_ + i) <= x) before += counts_[i++];
    std::uint64_t below = before, upto = before;
    if (i < counts_.size() && x >= bucket_lower(first_ + i)) {
      const std::size_t b = first_ + i;
      const std::uint64_t c = counts_[i];
      if (b < 256) {
        upto += c;  // the bucket holds the one value x
      } else {
        // The j-th of the bucket's c observations is at lower + (upper - lower) (j + 0.5) / c.
        const double lo = static_cast<double>(bucket_lower(b)), hi = static_cast<double>(bucket_upper(b));
        const double r = (static_cast<double>(x) - lo) * static_cast<double>(c) / (hi - lo) - 0.5;
        const auto clamp = [c](double k) { return static_cast<std::uint64_t>(std::clamp(k, 0.0, static_cast<double>(c))); };
        below += clamp(std::ceil(r));
        upto += clamp(std::floor(r) + 1);
      }
    }
    out.emplace_back(below, upto);
  }
  return out;
}

namespace {

// Continued fraction for the regularised incomplete beta function (modified Lentz).
double beta_continued_fraction(double a, double b, double x) {
  constexpr double tiny = 1e-300;
  double c = 1, d = 1 - (a + b) * x / (a + 1);
  if (std::fabs(d) < tiny) d = tiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 300; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1) < 1e-15) break;
  }
  return h;
}

double incomplete_beta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x));
  if (x < (a + 1) / (a + b + 2)) return front * beta_continued_fraction(a, b, x) / a;
  return 1 - front * beta_continued_fraction(b, a, 1 - x) / b;
}

// P(T <= t) for Student's t with df degrees of freedom.
double student_t_cdf(double t, double df) {
  const double x = df / (df + t * t);
  const double tail = 0.5 * incomplete_beta(df / 2.0, 0.5, x);
  return t >= 0 ? 1 - tail : tail;
}

// Bisection on a CDF: slow but exact to double precision, and only called a few times per KPI.
template <class Cdf>
double invert_cdf(double p, Cdf&& cdf) {
  double lo = -1e6, hi = 1e6;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (cdf(mid) < p)
      lo = mid;
    else
      hi = mid;
    if (hi - lo < 1e-13 * std::max(1.0, std::fabs(mid))) break;
  }
  return 0.5 * (lo + hi);
}

double mean_of(const std::vector<double>& values) {
  double sum = 0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

// Sample variance (n − 1 in the denominator) around the sample's mean; n >= 2.
double variance_of(const std::vector<double>& values, double mean) {
  double ss = 0;
  for (double v : values) ss += (v - mean) * (v - mean);
  return ss / static_cast<double>(values.size() - 1);
}

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

double student_t_quantile(double p, double df) {
  if (!(df > 0)) return NaN;
  if (p == 0.5) return 0;
  return invert_cdf(p, [df](double t) { return student_t_cdf(t, df); });
}

Summary Summary::of(std::vector<double> values) {
  Summary s;
  s.values = std::move(values);
  const std::size_t n = s.values.size();
  if (n == 0) return s;
  s.mean = mean_of(s.values);
  if (std::isnan(s.mean)) {
    s.ci95 = s.mean;
    return s;
  }
  if (n < 2) return s;
  const double sd = std::sqrt(variance_of(s.values, s.mean));
  s.ci95 = student_t_quantile(0.975, static_cast<double>(n - 1)) * sd / std::sqrt(static_cast<double>(n));
  return s;
}

Interval wilson_interval(double successes, double n, double level) {
  if (!(n > 0) || std::isnan(successes)) return {NaN, NaN};
  const double z = normal_quantile(0.5 + level / 2);
  const double p = successes / n, z2n = z * z / n;
  const double centre = (p + z2n / 2) / (1 + z2n);
  const double half = z / (1 + z2n) * std::sqrt(p * (1 - p) / n + z2n / (4 * n));
  // No success (or no failure) puts an end at 0 (or 1) exactly in theory; rounding would miss it.
  return {successes <= 0 ? 0.0 : std::clamp(centre - half, 0.0, 1.0),
          successes >= n ? 1.0 : std::clamp(centre + half, 0.0, 1.0)};
}

Estimate estimate_mean(const std::vector<double>& values, ValueRange range, double level) {
  const std::size_t n = values.size();
  if (n == 0) return {NaN, {NaN, NaN}, NaN};
  Estimate e;
  e.mean = mean_of(values);
  if (std::isnan(e.mean)) return {NaN, {NaN, NaN}, NaN};
  if (range == ValueRange::BINARY) {
    e.interval = wilson_interval(e.mean * static_cast<double>(n), static_cast<double>(n), level);
    e.half_width = std::max(e.mean - e.interval.low, e.interval.high - e.mean);
    return e;
  }
  if (n >= 2)
    // The same expression as Summary::of: an interval that the range does not cut has exactly the
    // half-width ci95 always had.
    e.half_width = student_t_quantile(0.5 + level / 2, static_cast<double>(n - 1)) *
                   std::sqrt(variance_of(values, e.mean)) / std::sqrt(static_cast<double>(n));
  const double low = e.mean - e.half_width, high = e.mean + e.half_width;
  const double top = range == ValueRange::FRACTION ? 1.0 : std::numeric_limits<double>::infinity();
  e.interval = {std::max(low, 0.0), std::min(high, top)};
  if (low < 0 && high > top) e.half_width = std::max(e.mean, top - e.mean);
  return e;
}

Difference paired_difference(const std::vector<double>& a, const std::vector<double>& b, double level) {
  std::vector<double> d(a.size());
  for (std::size_t k = 0; k < a.size() && k < b.size(); ++k) d[k] = b[k] - a[k];
  Difference out;
  if (d.empty()) return out;
  out.mean = mean_of(d);
  out.interval = {out.mean, out.mean};
  if (std::isnan(out.mean)) {
    out.interval = {NaN, NaN};
    return out;
  }
  if (d.size() < 2) return out;
  out.has_interval = true;
  out.df = static_cast<double>(d.size() - 1);
  const double half =
      student_t_quantile(0.5 + level / 2, out.df) * std::sqrt(variance_of(d, out.mean)) / std::sqrt(static_cast<double>(d.size()));
  out.interval = {out.mean - half, out.mean + half};
  return out;
}

Difference welch_difference(const std::vector<double>& a, const std::vector<double>& b, double level) {
  Difference out;
  if (a.empty() || b.empty()) return out;
  const double ma = mean_of(a), mb = mean_of(b);
  out.mean = mb - ma;
  out.interval = {out.mean, out.mean};
  if (std::isnan(out.mean)) {
    out.interval = {NaN, NaN};
    return out;
  }
  if (a.size() < 2 || b.size() < 2) return out;
  out.has_interval = true;
  const double na = static_cast<double>(a.size()), nb = static_cast<double>(b.size());
  const double va = variance_of(a, ma) / na, vb = variance_of(b, mb) / nb;
  const double se2 = va + vb;
  if (!(se2 > 0)) return out;  // both samples constant: the difference is known exactly
  out.df = se2 * se2 / (va * va / (na - 1) + vb * vb / (nb - 1));
  const double half = student_t_quantile(0.5 + level / 2, out.df) * std::sqrt(se2);
  out.interval = {out.mean - half, out.mean + half};
  return out;
}

}  // namespace plantwin::kernel
