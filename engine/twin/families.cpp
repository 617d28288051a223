#include "twin/families.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>

#include <boost/math/distributions/exponential.hpp>
#include <boost/math/distributions/gamma.hpp>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/triangular.hpp>
#include <boost/math/distributions/uniform.hpp>
#include <boost/math/distributions/weibull.hpp>
#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/trigamma.hpp>
#include <boost/math/tools/roots.hpp>

namespace plantwin::twin {

namespace {

using kernel::Distribution;
using Kind = Distribution::Kind;
namespace bm = boost::math;

// Errors become NaN or infinities instead of exceptions: a fit tries parameters at the edge of a
// family's domain, and a bad value there is a bad candidate, not a failure.
using Policy = bm::policies::policy<bm::policies::domain_error<bm::policies::ignore_error>,
                                    bm::policies::overflow_error<bm::policies::ignore_error>,
                                    bm::policies::pole_error<bm::policies::ignore_error>,
                                    bm::policies::evaluation_error<bm::policies::ignore_error>,
                                    bm::policies::promote_double<false>>;
using Normal = bm::normal_distribution<double, Policy>;
using Exponential = bm::exponential_distribution<double, Policy>;
using Uniform = bm::uniform_distribution<double, Policy>;
using Triangular = bm::triangular_distribution<double, Policy>;
using Lognormal = bm::lognormal_distribution<double, Policy>;
using Gamma = bm::gamma_distribution<double, Policy>;
using Weibull = bm::weibull_distribution<double, Policy>;

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
constexpr double INF = std::numeric_limits<double>::infinity();

double clamp01(double p) { return std::isnan(p) ? p : std::min(1.0, std::max(0.0, p)); }

/// The lognormal's log-scale parameters from the format's (mean, cv).
void lognormal_mu_sigma(const Distribution& d, double& mu, double& sigma) {
  const double s2 = std::log1p(d.b() * d.b());
  sigma = std::sqrt(s2);
  mu = std::log(d.a()) - s2 / 2;
}

/// The normal's mass below 0 (the part the format redraws).
double normal_cut(const Distribution& d) { return d.b() > 0 ? bm::cdf(Normal(d.a(), d.b()), 0.0) : (d.a() < 0 ? 1.0 : 0.0); }

double empirical_cdf(const Distribution& d, double x) {
  const auto& v = d.values();
  const auto& w = d.weights();
  double below = 0, total = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const double weight = w.empty() ? 1.0 : w[i];
    total += weight;
    if (v[i] <= x) below += weight;
  }
  return total > 0 ? below / total : 0;
}

// ---- log-likelihoods ------------------------------------------------------------------------

struct Sums {
  std::size_t n = 0;
  double sum = 0, sum2 = 0, sum_log = 0, sum_log2 = 0, min = INF, max = -INF;
  bool positive = true;
};

Sums sums_of(const std::vector<double>& x) {
  Sums s;
  s.n = x.size();
  for (double v : x) {
    s.sum += v;
    s.min = std::min(s.min, v);
    s.max = std::max(s.max, v);
    if (v > 0) {
      const double l = std::log(v);
      s.sum_log += l;
      s.sum_log2 += l * l;
    } else {
      s.positive = false;
    }
  }
  const double mean = s.sum / static_cast<double>(s.n);
  for (double v : x) s.sum2 += (v - mean) * (v - mean);
  return s;
}

double ll_triangular(const std::vector<double>& x, double a, double m, double c) {
  if (!(a < c) || m < a || m > c) return -INF;
  double ll = 0;
  const double width = c - a;
  for (double v : x) {
    double f;
    if (v < a || v > c) return -INF;
    if (v < m) f = 2 * (v - a) / (width * (m - a));
    else if (v > m) f = 2 * (c - v) / (width * (c - m));
    else f = 2 / width;
    if (!(f > 0)) return -INF;
    ll += std::log(f);
  }
  return ll;
}

double ll_normal_cut(const Sums& s, const std::vector<double>& x, double mu, double sigma) {
  if (!(sigma > 0)) return -INF;
  double q = 0;
  for (double v : x) q += (v - mu) * (v - mu);
  const double above = 1 - bm::cdf(Normal(mu, sigma), 0.0);
  if (!(above > 0)) return -INF;
  const double n = static_cast<double>(s.n);
  return -n * std::log(sigma) - n * 0.5 * std::log(2 * M_PI) - q / (2 * sigma * sigma) - n * std::log(above);
}

/// Nelder–Mead: minimises f from `start` (the standard coefficients; `steps` the initial simplex).
std::vector<double> nelder_mead(const std::function<double(const std::vector<double>&)>& f, std::vector<double> start,
                                const std::vector<double>& steps, int iterations) {
  const std::size_t d = start.size();
  std::vector<std::vector<double>> p(d + 1, start);
  std::vector<double> v(d + 1);
  for (std::size_t i = 0; i < d; ++i) p[i + 1][i] += steps[i];
  for (std::size_t i = 0; i <= d; ++i) v[i] = f(p[i]);
  for (int it = 0; it < iterations; ++it) {
    std::vector<std::size_t> order(d + 1);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
    const std::size_t best = order.front(), worst = order.back(), second = order[d - 1];
    if (std::fabs(v[worst] - v[best]) <= 1e-10 * (std::fabs(v[best]) + 1e-10)) break;
    std::vector<double> centroid(d, 0.0);
    for (std::size_t i = 0; i <= d; ++i)
      if (i != worst)
        for (std::size_t j = 0; j < d; ++j) centroid[j] += p[i][j] / static_cast<double>(d);
    const auto along = [&](double t) {
      std::vector<double> q(d);
      for (std::size_t j = 0; j < d; ++j) q[j] = centroid[j] + t * (p[worst][j] - centroid[j]);
      return q;
    };
    const std::vector<double> reflected = along(-1);
    const double fr = f(reflected);
    if (fr < v[best]) {
      const std::vector<double> expanded = along(-2);
      const double fe = f(expanded);
      if (fe < fr) {
        p[worst] = expanded;
        v[worst] = fe;
      } else {
        p[worst] = reflected;
        v[worst] = fr;
      }
    } else if (fr < v[second]) {
      p[worst] = reflected;
      v[worst] = fr;
    } else {
      const std::vector<double> contracted = fr < v[worst] ? along(-0.5) : along(0.5);
      const double fc = f(contracted);
      if (fc < std::min(fr, v[worst])) {
        p[worst] = contracted;
        v[worst] = fc;
      } else {
        for (std::size_t i = 0; i <= d; ++i) {
          if (i == best) continue;
          for (std::size_t j = 0; j < d; ++j) p[i][j] = p[best][j] + 0.5 * (p[i][j] - p[best][j]);
          v[i] = f(p[i]);
        }
      }
    }
  }
  return p[static_cast<std::size_t>(std::min_element(v.begin(), v.end()) - v.begin())];
}

/// At most `limit` observations, evenly strided: what an optimiser looks at for a large sample.
std::vector<double> thinned(const std::vector<double>& x, std::size_t limit) {
  if (x.size() <= limit) return x;
  std::vector<double> out;
  out.reserve(limit);
  const double step = static_cast<double>(x.size()) / static_cast<double>(limit);
  for (std::size_t i = 0; i < limit; ++i) out.push_back(x[static_cast<std::size_t>(static_cast<double>(i) * step)]);
  return out;
}

void add(std::vector<Candidate>& out, const Distribution& d, double ll, int parameters) {
  if (!std::isfinite(ll) || !d.validate().empty()) return;
  out.push_back(Candidate{d, ll, parameters, 2.0 * parameters - 2.0 * ll});
}

}  // namespace

double cdf(const Distribution& d, double x) {
  switch (d.kind()) {
    case Kind::CONSTANT: return x >= d.a() ? 1.0 : 0.0;
    case Kind::EXPONENTIAL: return x <= 0 ? 0.0 : clamp01(bm::cdf(Exponential(1.0 / d.a()), x));
    case Kind::UNIFORM:
      if (d.b() <= d.a()) return x >= d.a() ? 1.0 : 0.0;
      return x <= d.a() ? 0.0 : x >= d.b() ? 1.0 : clamp01(bm::cdf(Uniform(d.a(), d.b()), x));
    case Kind::TRIANGULAR: return x <= d.a() ? 0.0 : x >= d.c() ? 1.0 : clamp01(bm::cdf(Triangular(d.a(), d.b(), d.c()), x));
    case Kind::NORMAL: {
      if (x < 0) return 0.0;
      if (d.b() <= 0) return x >= d.a() ? 1.0 : 0.0;
      const double cut = normal_cut(d);
      return clamp01((bm::cdf(Normal(d.a(), d.b()), x) - cut) / (1 - cut));
    }
    case Kind::LOGNORMAL: {
      if (x <= 0) return 0.0;
      if (d.b() <= 0) return x >= d.a() ? 1.0 : 0.0;
      double mu, sigma;
      lognormal_mu_sigma(d, mu, sigma);
      return clamp01(bm::cdf(Lognormal(mu, sigma), x));
    }
    case Kind::ERLANG: return x <= 0 ? 0.0 : clamp01(bm::cdf(Gamma(d.k(), d.a() / d.k()), x));
    case Kind::WEIBULL: return x <= 0 ? 0.0 : clamp01(bm::cdf(Weibull(d.a(), d.b()), x));
    case Kind::EMPIRICAL: return empirical_cdf(d, x);
  }
  return NaN;
}

double pdf(const Distribution& d, double x) {
  switch (d.kind()) {
    case Kind::CONSTANT: return x == d.a() ? INF : 0.0;
    case Kind::EXPONENTIAL: return x < 0 ? 0.0 : bm::pdf(Exponential(1.0 / d.a()), x);
    case Kind::UNIFORM: return x < d.a() || x > d.b() ? 0.0 : 1.0 / (d.b() - d.a());
    case Kind::TRIANGULAR: return x < d.a() || x > d.c() ? 0.0 : bm::pdf(Triangular(d.a(), d.b(), d.c()), x);
    case Kind::NORMAL:
      if (x < 0 || d.b() <= 0) return 0.0;
      return bm::pdf(Normal(d.a(), d.b()), x) / (1 - normal_cut(d));
    case Kind::LOGNORMAL: {
      if (x <= 0 || d.b() <= 0) return 0.0;
      double mu, sigma;
      lognormal_mu_sigma(d, mu, sigma);
      return bm::pdf(Lognormal(mu, sigma), x);
    }
    case Kind::ERLANG: return x < 0 ? 0.0 : bm::pdf(Gamma(d.k(), d.a() / d.k()), x);
    case Kind::WEIBULL: return x < 0 ? 0.0 : bm::pdf(Weibull(d.a(), d.b()), x);
    case Kind::EMPIRICAL: return 0.0;
  }
  return NaN;
}

double quantile(const Distribution& d, double p) {
  p = clamp01(p);
  switch (d.kind()) {
    case Kind::CONSTANT: return d.a();
    case Kind::EXPONENTIAL: return p >= 1 ? INF : bm::quantile(Exponential(1.0 / d.a()), p);
    case Kind::UNIFORM: return d.a() + p * (d.b() - d.a());
    case Kind::TRIANGULAR: return bm::quantile(Triangular(d.a(), d.b(), d.c()), p);
    case Kind::NORMAL: {
      if (d.b() <= 0) return d.a();
      const double cut = normal_cut(d);
      const double q = cut + p * (1 - cut);
      return q >= 1 ? INF : std::max(0.0, bm::quantile(Normal(d.a(), d.b()), q));
    }
    case Kind::LOGNORMAL: {
      if (d.b() <= 0) return d.a();
      double mu, sigma;
      lognormal_mu_sigma(d, mu, sigma);
      return p >= 1 ? INF : p <= 0 ? 0.0 : bm::quantile(Lognormal(mu, sigma), p);
    }
    case Kind::ERLANG: return p >= 1 ? INF : p <= 0 ? 0.0 : bm::quantile(Gamma(d.k(), d.a() / d.k()), p);
    case Kind::WEIBULL: return p >= 1 ? INF : p <= 0 ? 0.0 : bm::quantile(Weibull(d.a(), d.b()), p);
    case Kind::EMPIRICAL: {
      const auto& v = d.values();
      const auto& w = d.weights();
      std::vector<std::size_t> order(v.size());
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
      double total = 0;
      for (std::size_t i = 0; i < v.size(); ++i) total += w.empty() ? 1.0 : w[i];
      double cumulative = 0;
      for (std::size_t i : order) {
        cumulative += w.empty() ? 1.0 : w[i];
        if (cumulative >= p * total) return v[i];
      }
      return v.empty() ? 0.0 : v[order.back()];
    }
  }
  return NaN;
}

kernel::Tick residual_ticks(const Distribution& d, kernel::Tick elapsed, kernel::RngStream& rng) {
  const double a = kernel::to_seconds(std::max<kernel::Tick>(elapsed, 0));
  switch (d.kind()) {
    case Kind::CONSTANT: return std::max<kernel::Tick>(kernel::duration_from_seconds(d.a()) - elapsed, 0);
    case Kind::EXPONENTIAL: return kernel::duration_from_seconds(-d.a() * std::log(rng.uniform_open0()));
    case Kind::EMPIRICAL: {
      // Among the values above the elapsed time, by their weights.
      const auto& v = d.values();
      const auto& w = d.weights();
      double total = 0;
      for (std::size_t i = 0; i < v.size(); ++i)
        if (v[i] > a) total += w.empty() ? 1.0 : w[i];
      const double target = rng.uniform() * total;
      double cumulative = 0;
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (!(v[i] > a)) continue;
        cumulative += w.empty() ? 1.0 : w[i];
        if (target < cumulative) return kernel::duration_from_seconds(v[i] - a);
      }
      return 0;
    }
    default: {
      const double u = rng.uniform();
      const double below = cdf(d, a);
      if (!(below < 1 - 1e-12)) return 0;
      const double x = quantile(d, below + u * (1 - below));
      return std::isfinite(x) ? kernel::duration_from_seconds(x - a) : kernel::MAX_DURATION_TICKS;
    }
  }
}

double ks_p_value(double d, double n) {
  if (!(n > 0)) return NaN;
  const double root = std::sqrt(n);
  const double lambda = d * (root + 0.12 + 0.11 / root);
  if (lambda < 0.27) return 1.0;
  double sum = 0;
  for (int j = 1; j <= 100; ++j) {
    const double term = std::exp(-2.0 * j * j * lambda * lambda);
    sum += (j % 2 == 1 ? term : -term);
    if (term < 1e-16) break;
  }
  return std::min(1.0, std::max(0.0, 2 * sum));
}

double ks_distance(std::vector<double>& a, std::vector<double>& b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  const double na = static_cast<double>(a.size()), nb = static_cast<double>(b.size());
  std::size_t i = 0, j = 0;
  double d = 0;
  while (i < a.size() && j < b.size()) {
    const double x = std::min(a[i], b[j]);
    while (i < a.size() && a[i] <= x) ++i;
    while (j < b.size() && b[j] <= x) ++j;
    d = std::max(d, std::fabs(static_cast<double>(i) / na - static_cast<double>(j) / nb));
  }
  return d;
}

double sorted_quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return NaN;
  const double h = (static_cast<double>(sorted.size()) - 1) * q;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

FamilyFit fit_families(std::vector<double> x) {
  FamilyFit fit;
  std::sort(x.begin(), x.end());
  const Sums s = sums_of(x);
  const double n = static_cast<double>(s.n);
  fit.n = s.n;
  fit.mean = s.sum / n;
  fit.sd = s.n > 1 ? std::sqrt(s.sum2 / (n - 1)) : 0.0;
  fit.min = s.min;
  fit.max = s.max;
  auto& out = fit.candidates;
  // Every value the same (to the log's resolution, 1 ns): a constant, nothing else fits.
  if (s.max - s.min <= 2e-9 + 1e-12 * s.max) {
    out.push_back(Candidate{Distribution::constant(fit.mean), 0, 1, NaN});
    fit.ks_d = 0;
    fit.ks_p = 1;
    return fit;
  }
  // A few values, each seen many times: a discrete distribution (a table of times, as an
  // `empirical` draws them). No continuous family gives two equal values, so none of them is the
  // answer; the table of the values and their frequencies is (its maximum likelihood).
  {
    std::vector<double> values, weights;
    for (std::size_t i = 0; i < x.size();) {
      std::size_t j = i;
      while (j < x.size() && x[j] - x[i] <= 2e-9 + 1e-12 * x[i]) ++j;
      values.push_back(x[i]);
      weights.push_back(static_cast<double>(j - i) / n);
      i = j;
    }
    if (values.size() <= MAX_EMPIRICAL_VALUES && static_cast<double>(values.size()) * MIN_PER_EMPIRICAL_VALUE <= n) {
      double ll = 0;
      for (double w : weights) ll += w * n * std::log(w);
      const Distribution table = Distribution::empirical(values, weights);
      out.push_back(Candidate{table, ll, static_cast<int>(2 * values.size() - 1), 2 * (2 * static_cast<double>(values.size()) - 1) - 2 * ll});
      double d = 0;
      for (std::size_t i = 0; i < x.size(); ++i) {
        const double f = cdf(table, x[i]);
        // At a tie, the step's top is the one that counts: compare with the last of equal values.
        if (i + 1 < x.size() && x[i + 1] - x[i] <= 2e-9 + 1e-12 * x[i]) continue;
        d = std::max(d, std::fabs(static_cast<double>(i + 1) / n - f));
      }
      fit.ks_d = d;
      fit.ks_p = ks_p_value(d, n);
      return fit;
    }
  }
  const double var_mle = s.sum2 / n;
  // exponential
  add(out, Distribution::exponential(fit.mean), -n * std::log(fit.mean) - n, 1);
  // uniform
  add(out, Distribution::uniform(s.min, s.max), -n * std::log(s.max - s.min), 2);
  // normal, cut at 0: the plain estimates unless the cut matters, then the cut likelihood maximised.
  {
    double mu = fit.mean, sigma = std::sqrt(var_mle);
    if (mu / sigma < 5) {
      const std::vector<double> sample = thinned(x, 50'000);
      const Sums ss = sums_of(sample);
      const auto objective = [&](const std::vector<double>& p) { return -ll_normal_cut(ss, sample, p[0], std::exp(p[1])); };
      const std::vector<double> best = nelder_mead(objective, {mu, std::log(sigma)}, {0.1 * sigma, 0.1}, 400);
      mu = best[0];
      sigma = std::exp(best[1]);
    }
    add(out, Distribution::normal(mu, sigma), ll_normal_cut(s, x, mu, sigma), 2);
  }
  // triangular: min, mode, max by Nelder–Mead on a parametrisation that keeps min < x(1) and
  // max > x(n).
  {
    const double range = s.max - s.min;
    const std::vector<double> sample = thinned(x, 50'000);
    const auto params = [&](const std::vector<double>& p, double& a, double& m, double& c) {
      a = s.min - std::exp(p[0]) * range;
      c = s.max + std::exp(p[1]) * range;
      m = a + (c - a) / (1 + std::exp(-p[2]));
    };
    const auto objective = [&](const std::vector<double>& p) {
      double a, m, c;
      params(p, a, m, c);
      const double ll = ll_triangular(sample, a, m, c);
      return std::isfinite(ll) ? -ll : 1e300;
    };
    const double gap = std::log(1.0 / std::sqrt(n));
    double m0 = std::min(std::max(3 * fit.mean - s.min - s.max, s.min), s.max);
    const double frac = std::min(0.98, std::max(0.02, (m0 - s.min) / range));
    const std::vector<double> best = nelder_mead(objective, {gap, gap, std::log(frac / (1 - frac))}, {0.5, 0.5, 0.5}, 600);
    double a, m, c;
    params(best, a, m, c);
    add(out, Distribution::triangular(std::max(0.0, a), m, c), ll_triangular(x, std::max(0.0, a), m, c), 3);
  }
  if (s.positive) {
    // lognormal: the log's mean and variance.
    const double mu = s.sum_log / n;
    const double s2 = std::max(s.sum_log2 / n - mu * mu, 1e-300);
    const double sigma = std::sqrt(s2);
    const double ll_log = -s.sum_log - n * std::log(sigma) - n * 0.5 * std::log(2 * M_PI) - n / 2;
    add(out, Distribution::lognormal(std::exp(mu + s2 / 2), std::sqrt(std::expm1(s2))), ll_log, 2);
    // erlang: the gamma's shape by maximum likelihood (log α − ψ(α) = log x̄ − mean log x), then
    // the best whole shape next to it; the mean is x̄ for every k.
    const double g = std::log(fit.mean) - s.sum_log / n;
    if (g > 0) {
      double alpha = (3 - g + std::sqrt((g - 3) * (g - 3) + 24 * g)) / (12 * g);
      std::uintmax_t iterations = 100;
      alpha = bm::tools::newton_raphson_iterate(
          [g](double a) {
            return std::make_pair(std::log(a) - bm::digamma(a, Policy()) - g, 1 / a - bm::trigamma(a, Policy()));
          },
          alpha, 1e-4, 1e6, 40, iterations);
      int previous = 0;
      for (const double k : {std::floor(alpha), std::ceil(alpha)}) {
        const int ki = static_cast<int>(std::min(1000.0, std::max(1.0, k)));
        if (ki == previous) continue;  // a shape below 1 (or above 1000): both round to one k
        previous = ki;
        const double theta = fit.mean / ki;
        const double ll = (ki - 1) * s.sum_log - s.sum / theta - n * ki * std::log(theta) - n * std::lgamma(ki);
        add(out, Distribution::erlang(fit.mean, ki), ll, 2);
      }
    }
    // weibull: the shape solves Σ yᵝ ln y / Σ yᵝ − 1/β = mean ln y (y = x / max x, so yᵝ <= 1).
    {
      const double log_max = std::log(s.max);
      std::vector<double> ly;
      ly.reserve(x.size());
      for (double v : x) ly.push_back(std::log(v) - log_max);
      const double mean_ly = s.sum_log / n - log_max;
      const auto h = [&](double beta) {
        double sum = 0, weighted = 0;
        for (double l : ly) {
          const double p = std::exp(beta * l);
          sum += p;
          weighted += p * l;
        }
        return weighted / sum - 1 / beta - mean_ly;
      };
      double lo = 0.01, hi = 1000;
      double beta;
      if (h(lo) >= 0) beta = lo;
      else if (h(hi) <= 0) beta = hi;
      else {
        std::uintmax_t iterations = 200;
        const auto root = bm::tools::toms748_solve(h, lo, hi, bm::tools::eps_tolerance<double>(40), iterations, Policy());
        beta = (root.first + root.second) / 2;
      }
      double sum = 0;
      for (double l : ly) sum += std::exp(beta * l);
      const double scale = std::exp(log_max + std::log(sum / n) / beta);
      const double ll = n * std::log(beta) - n * beta * std::log(scale) + (beta - 1) * s.sum_log - n;
      add(out, Distribution::weibull(beta, scale), ll, 2);
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) { return a.aic < b.aic; });
  // Parsimony: a family with fewer parameters within 2 of the best AIC is as good an explanation.
  fit.chosen = 0;
  for (std::size_t i = 1; i < out.size(); ++i)
    if (out[i].aic - out[0].aic <= 2 && out[i].parameters < out[fit.chosen].parameters) fit.chosen = i;
  // Kolmogorov–Smirnov against the chosen distribution.
  const Distribution& chosen = out[fit.chosen].dist;
  double d = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double f = cdf(chosen, x[i]);
    d = std::max({d, static_cast<double>(i + 1) / n - f, f - static_cast<double>(i) / n});
  }
  fit.ks_d = d;
  fit.ks_p = ks_p_value(d, n);
  return fit;
}

}  // namespace plantwin::twin
