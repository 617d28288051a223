#include "kernel/distribution.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>

namespace plantwin::kernel {

namespace {

std::string fmt(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

bool finite(double v) { return std::isfinite(v); }

// Uniform strictly inside (0, 1): the argument of an inverse CDF with infinite tails.
double uniform_open(RngStream& rng) { return (static_cast<double>(rng.next() >> 11) + 0.5) * 0x1.0p-53; }

}  // namespace

Distribution Distribution::constant(double value) {
  Distribution d;
  d.kind_ = Kind::CONSTANT;
  d.a_ = value;
  d.constant_ticks_ = duration_from_seconds(value);
  return d;
}

Distribution Distribution::exponential(double mean) {
  Distribution d;
  d.kind_ = Kind::EXPONENTIAL;
  d.a_ = mean;
  return d;
}

Distribution Distribution::uniform(double min, double max) {
  Distribution d;
  d.kind_ = Kind::UNIFORM;
  d.a_ = min;
  d.b_ = max;
  return d;
}

Distribution Distribution::triangular(double min, double mode, double max) {
  Distribution d;
  d.kind_ = Kind::TRIANGULAR;
  d.a_ = min;
  d.b_ = mode;
  d.c_ = max;
  return d;
}

Distribution Distribution::normal(double mean, double sd) {
  Distribution d;
  d.kind_ = Kind::NORMAL;
  d.a_ = mean;
  d.b_ = sd;
  return d;
}

Distribution Distribution::lognormal(double mean, double cv) {
  Distribution d;
  d.kind_ = Kind::LOGNORMAL;
  d.a_ = mean;
  d.b_ = cv;
  if (mean > 0 && cv >= 0 && finite(mean) && finite(cv)) {
    const double s2 = std::log1p(cv * cv);
    d.sigma_ = std::sqrt(s2);
    d.mu_ = std::log(mean) - s2 / 2;
  }
  return d;
}

Distribution Distribution::erlang(double mean, int k) {
  Distribution d;
  d.kind_ = Kind::ERLANG;
  d.a_ = mean;
  d.k_ = k;
  return d;
}

Distribution Distribution::weibull(double shape, double scale) {
  Distribution d;
  d.kind_ = Kind::WEIBULL;
  d.a_ = shape;
  d.b_ = scale;
  return d;
}

Distribution Distribution::empirical(std::vector<double> values, std::vector<double> weights) {
  Distribution d;
  d.kind_ = Kind::EMPIRICAL;
  auto t = std::make_shared<Table>();
  t->values = std::move(values);
  t->weights = std::move(weights);
  const std::size_t n = t->values.size();
  t->cumulative.resize(n);
  double total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    total += t->weights.empty() ? 1.0 : (i < t->weights.size() ? t->weights[i] : 0.0);
    t->cumulative[i] = total;
  }
  d.table_ = std::move(t);
  return d;
}

const char* Distribution::kind_name(Kind k) {
  switch (k) {
    case Kind::CONSTANT: return "constant";
    case Kind::EXPONENTIAL: return "exponential";
    case Kind::UNIFORM: return "uniform";
    case Kind::TRIANGULAR: return "triangular";
    case Kind::NORMAL: return "normal";
    case Kind::LOGNORMAL: return "lognormal";
    case Kind::ERLANG: return "erlang";
    case Kind::WEIBULL: return "weibull";
    case Kind::EMPIRICAL: return "empirical";
  }
  return "?";
}

std::string Distribution::validate() const {
  auto need = [](bool ok, const char* what, double v) -> std::string {
    return ok ? std::string() : std::string(what) + ", got " + fmt(v);
  };
  const double max_s = to_seconds(MAX_DURATION_TICKS);
  switch (kind_) {
    case Kind::CONSTANT:
      return need(finite(a_) && a_ >= 0 && a_ <= max_s, "value must be a finite duration >= 0 and at most 100 years", a_);
    case Kind::EXPONENTIAL:
      return need(finite(a_) && a_ > 0 && a_ <= max_s, "mean must be > 0 and at most 100 years", a_);
    case Kind::UNIFORM:
      if (auto e = need(finite(a_) && a_ >= 0, "min must be finite and >= 0", a_); !e.empty()) return e;
      if (auto e = need(finite(b_) && b_ <= max_s, "max must be finite and at most 100 years", b_); !e.empty()) return e;
      return need(a_ <= b_, "max must be >= min", b_);
    case Kind::TRIANGULAR:
      if (auto e = need(finite(a_) && a_ >= 0, "min must be finite and >= 0", a_); !e.empty()) return e;
      if (auto e = need(finite(c_) && c_ <= max_s, "max must be finite and at most 100 years", c_); !e.empty()) return e;
      if (auto e = need(finite(b_) && b_ >= a_ && b_ <= c_, "mode must lie between min and max", b_); !e.empty()) return e;
      return need(a_ < c_, "max must be > min", c_);
    case Kind::NORMAL:
      // A mean > 0 keeps at least half the mass above 0, so redrawing below 0 ends quickly.
      if (auto e = need(finite(a_) && a_ > 0 && a_ <= max_s, "mean must be > 0 and at most 100 years", a_); !e.empty()) return e;
      if (auto e = need(finite(b_) && b_ >= 0 && b_ <= max_s, "sd must be finite and >= 0", b_); !e.empty()) return e;
      // Redrawing below 0 raises the mean, up to 1.29 times `mean` when sd = mean.
      return need(mean() <= max_s, "the mean of the normal truncated at 0 must be at most 100 years", mean());
    case Kind::LOGNORMAL:
      if (auto e = need(finite(a_) && a_ > 0 && a_ <= max_s, "mean must be > 0 and at most 100 years", a_); !e.empty()) return e;
      return need(finite(b_) && b_ >= 0 && b_ <= 100, "cv must be between 0 and 100", b_);
    case Kind::ERLANG:
      if (auto e = need(finite(a_) && a_ > 0 && a_ <= max_s, "mean must be > 0 and at most 100 years", a_); !e.empty()) return e;
      return need(k_ >= 1 && k_ <= 1000, "k must be an integer from 1 to 1000", k_);
    case Kind::WEIBULL: {
      if (auto e = need(finite(a_) && a_ >= 0.01 && a_ <= 1000, "shape must be between 0.01 and 1000", a_); !e.empty()) return e;
      if (auto e = need(finite(b_) && b_ > 0 && b_ <= max_s, "scale must be > 0 and at most 100 years", b_); !e.empty()) return e;
      // A small shape makes the mean many times the scale (Gamma(101), about 9e157, at shape 0.01):
      // compared in logarithms, which cannot overflow.
      const double log_mean = std::log(b_) + std::lgamma(1 + 1 / a_);
      return need(log_mean <= std::log(max_s), "the mean scale * Gamma(1 + 1/shape) must be at most 100 years",
                  std::exp(log_mean));
    }
    case Kind::EMPIRICAL: {
      const auto& values = table().values;
      const auto& weights = table().weights;
      const auto& cumulative = table().cumulative;
      if (values.empty()) return "values must hold at least one duration";
      if (values.size() > 1'000'000) return "values may hold at most 1000000 entries, got " + std::to_string(values.size());
      for (std::size_t i = 0; i < values.size(); ++i)
        if (!(finite(values[i]) && values[i] >= 0 && values[i] <= max_s))
          return "values[" + std::to_string(i) + "] must be a finite duration >= 0, got " + fmt(values[i]);
      if (!weights.empty()) {
        if (weights.size() != values.size())
          return "weights must have one entry per value (" + std::to_string(values.size()) + "), got " +
                 std::to_string(weights.size());
        for (std::size_t i = 0; i < weights.size(); ++i)
          if (!(finite(weights[i]) && weights[i] >= 0))
            return "weights[" + std::to_string(i) + "] must be finite and >= 0, got " + fmt(weights[i]);
        if (!(cumulative.back() > 0) || !finite(cumulative.back())) return "weights must have a positive, finite sum";
      }
      return {};
    }
  }
  return {};
}

double Distribution::sample(RngStream& rng) const {
  switch (kind_) {
    case Kind::CONSTANT: return a_;
    case Kind::EXPONENTIAL: return -a_ * std::log(rng.uniform_open0());
    case Kind::UNIFORM: return a_ + (b_ - a_) * rng.uniform();
    case Kind::TRIANGULAR: {
      const double u = rng.uniform();
      const double range = c_ - a_;
      const double split = (b_ - a_) / range;
      if (u < split) return a_ + std::sqrt(u * range * (b_ - a_));
      return c_ - std::sqrt((1 - u) * range * (c_ - b_));
    }
    case Kind::NORMAL: {
      for (;;) {
        const double x = a_ + b_ * normal_quantile(uniform_open(rng));
        if (x >= 0) return x;
      }
    }
    case Kind::LOGNORMAL: return std::exp(mu_ + sigma_ * normal_quantile(uniform_open(rng)));
    case Kind::ERLANG: {
      double log_sum = 0;
      for (int i = 0; i < k_; ++i) log_sum += std::log(rng.uniform_open0());
      return -(a_ / k_) * log_sum;
    }
    case Kind::WEIBULL: return b_ * std::pow(-std::log(rng.uniform_open0()), 1.0 / a_);
    case Kind::EMPIRICAL: {
      const auto& cumulative = table().cumulative;
      const double target = rng.uniform() * cumulative.back();
      // First cumulative weight strictly above the target: values with weight 0 are never drawn.
      auto it = std::upper_bound(cumulative.begin(), cumulative.end(), target);
      if (it == cumulative.end()) --it;
      return table().values[static_cast<std::size_t>(it - cumulative.begin())];
    }
  }
  return 0;
}

const Distribution::Table& Distribution::table() const {
  static const Table empty;
  return table_ ? *table_ : empty;
}

bool Distribution::operator==(const Distribution& other) const {
  return kind_ == other.kind_ && a_ == other.a_ && b_ == other.b_ && c_ == other.c_ && k_ == other.k_ &&
         table().values == other.table().values && table().weights == other.table().weights;
}

Tick Distribution::sample_ticks_general(RngStream& rng) const { return duration_from_seconds(sample(rng)); }

std::pair<double, double> Distribution::support() const {
  switch (kind_) {
    case Kind::CONSTANT: return {a_, a_};
    case Kind::UNIFORM: return {a_, b_};
    case Kind::TRIANGULAR: return {a_, c_};
    case Kind::NORMAL: return b_ == 0 ? std::pair{a_, a_} : std::pair<double, double>{0.0, INFINITY};
    case Kind::LOGNORMAL: return b_ == 0 ? std::pair{a_, a_} : std::pair<double, double>{0.0, INFINITY};
    case Kind::EMPIRICAL: {
      // The values that can be drawn: those of weight > 0.
      const auto& values = table().values;
      const auto& cumulative = table().cumulative;
      double lo = INFINITY, hi = -INFINITY;
      for (std::size_t i = 0; i < values.size(); ++i)
        if (cumulative[i] > (i == 0 ? 0.0 : cumulative[i - 1])) {
          lo = std::min(lo, values[i]);
          hi = std::max(hi, values[i]);
        }
      return lo <= hi ? std::pair{lo, hi} : std::pair{0.0, 0.0};
    }
    default: return {0.0, INFINITY};
  }
}

double Distribution::mean() const {
  switch (kind_) {
    case Kind::CONSTANT: return a_;
    case Kind::EXPONENTIAL: return a_;
    case Kind::UNIFORM: return (a_ + b_) / 2;
    case Kind::TRIANGULAR: return (a_ + b_ + c_) / 3;
    case Kind::NORMAL: {
      if (b_ == 0) return a_;
      // Mean of N(mean, sd²) conditioned on X >= 0.
      const double alpha = -a_ / b_;
      const double pdf = std::exp(-alpha * alpha / 2) / std::sqrt(2 * M_PI);
      const double tail = 0.5 * std::erfc(alpha / std::sqrt(2.0));
      return a_ + b_ * pdf / tail;
    }
    case Kind::LOGNORMAL: return a_;
    case Kind::ERLANG: return a_;
    case Kind::WEIBULL: return b_ * std::tgamma(1 + 1 / a_);
    case Kind::EMPIRICAL: {
      const auto& values = table().values;
      const auto& cumulative = table().cumulative;
      double sum = 0, prev = 0;
      for (std::size_t i = 0; i < values.size(); ++i) {
        sum += values[i] * (cumulative[i] - prev);
        prev = cumulative[i];
      }
      return sum / cumulative.back();
    }
  }
  return 0;
}

std::string Distribution::describe() const {
  const std::string name = kind_name();
  switch (kind_) {
    case Kind::CONSTANT: return fmt(a_) + "s";
    case Kind::EXPONENTIAL: return name + "(mean=" + fmt(a_) + "s)";
    case Kind::UNIFORM: return name + "(min=" + fmt(a_) + "s, max=" + fmt(b_) + "s)";
    case Kind::TRIANGULAR: return name + "(min=" + fmt(a_) + "s, mode=" + fmt(b_) + "s, max=" + fmt(c_) + "s)";
    case Kind::NORMAL: return name + "(mean=" + fmt(a_) + "s, sd=" + fmt(b_) + "s)";
    case Kind::LOGNORMAL: return name + "(mean=" + fmt(a_) + "s, cv=" + fmt(b_) + ")";
    case Kind::ERLANG: return name + "(mean=" + fmt(a_) + "s, k=" + std::to_string(k_) + ")";
    case Kind::WEIBULL: return name + "(shape=" + fmt(a_) + ", scale=" + fmt(b_) + "s)";
    case Kind::EMPIRICAL: return name + "(" + std::to_string(table().values.size()) + " values)";
  }
  return name;
}

double normal_quantile(double p) {
  if (!(p > 0)) return -std::numeric_limits<double>::infinity();
  if (!(p < 1)) return std::numeric_limits<double>::infinity();
  const double q = p - 0.5;
  if (std::fabs(q) <= 0.425) {
    const double r = 0.180625 - q * q;
    return q *
           (((((((2.5090809287301226727e+3 * r + 3.3430575583588128105e+4) * r + 6.7265770927008700853e+4) * r +
                4.5921953931549871457e+4) * r + 1.3731693765509461125e+4) * r + 1.9715909503065514427e+3) * r +
             1.3314166789178437745e+2) * r + 3.3871328727963666080e0) /
           (((((((5.2264952788528545610e+3 * r + 2.8729085735721942674e+4) * r + 3.9307895800092710610e+4) * r +
                2.1213794301586595867e+4) * r + 5.3941960214247511077e+3) * r + 6.8718700749205790830e+2) * r +
             4.2313330701600911252e+1) * r + 1.0);
  }
  double r = q < 0 ? p : 1 - p;
  r = std::sqrt(-std::log(r));
  double val;
  if (r <= 5) {
    r -= 1.6;
    val = (((((((7.74545014278341407640e-4 * r + 2.27238449892691845833e-2) * r + 2.41780725177450611770e-1) * r +
               1.27045825245236838258e0) * r + 3.64784832476320460504e0) * r + 5.76949722146069140550e0) * r +
            4.63033784615654529590e0) * r + 1.42343711074968357734e0) /
          (((((((1.05075007164441684324e-9 * r + 5.47593808499534494600e-4) * r + 1.51986665636164571966e-2) * r +
               1.48103976427480074590e-1) * r + 6.89767334985100004550e-1) * r + 1.67638483018380384940e0) * r +
            2.05319162663775882187e0) * r + 1.0);
  } else {
    r -= 5;
    val = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 1.24266094738807843860e-3) * r +
               2.65321895265761230930e-2) * r + 2.96560571828504891230e-1) * r + 1.78482653991729133580e0) * r +
            5.46378491116411436990e0) * r + 6.65790464350110377720e0) /
          (((((((2.04426310338993978564e-15 * r + 1.42151175831644588870e-7) * r + 1.84631831751005468180e-5) * r +
               7.86869131145613259100e-4) * r + 1.48753612908506148525e-2) * r + 1.36929880922735805310e-1) * r +
            5.99832206555887937690e-1) * r + 1.0);
  }
  return q < 0 ? -val : val;
}

}  // namespace plantwin::kernel
