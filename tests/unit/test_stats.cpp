#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernel/rng.hpp"
#include "kernel/stats.hpp"

using namespace plantwin::kernel;

TEST_CASE("Student t quantiles match the table", "[stats]") {
  CHECK(student_t_quantile(0.975, 1) == Approx(12.7062047).epsilon(1e-7));
  CHECK(student_t_quantile(0.975, 4) == Approx(2.7764451).epsilon(1e-7));
  CHECK(student_t_quantile(0.975, 9) == Approx(2.2621572).epsilon(1e-7));
  CHECK(student_t_quantile(0.975, 29) == Approx(2.0452296).epsilon(1e-7));
  CHECK(student_t_quantile(0.975, 1000) == Approx(1.9623391).epsilon(1e-6));
}

TEST_CASE("a summary gives the mean and the Student-t half-width", "[stats]") {
  const Summary s = Summary::of({10, 12, 14});
  CHECK(s.mean == Approx(12));
  CHECK(s.ci95 == Approx(4.30265273 * 2 / std::sqrt(3.0)).epsilon(1e-7));
  CHECK(Summary::of({5}).ci95 == 0);
  CHECK(std::isnan(Summary::of({1, std::nan("")}).mean));
}

TEST_CASE("a time average weights each value by how long it held", "[stats]") {
  TimeAverage t;
  t.reset(0);
  t.set(0, 2);
  t.set(10, 4);
  CHECK(t.mean(20) == Approx(3));
  t.reset(20);  // a new window keeps the current value
  CHECK(t.mean(30) == Approx(4));
}

TEST_CASE("a tally gives mean, variance, min and max", "[stats]") {
  Tally t;
  for (double x : {2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0}) t.add(x);
  CHECK(t.count() == 8);
  CHECK(t.mean() == Approx(5));
  CHECK(t.variance() == Approx(32.0 / 7));
  CHECK(t.min() == 2);
  CHECK(t.max() == 9);
}

TEST_CASE("histogram buckets cover every tick value without gaps", "[stats]") {
  for (std::size_t b = 0; b < 7295; ++b) {
    REQUIRE(Histogram::bucket_lower(b) < Histogram::bucket_upper(b));
    REQUIRE(Histogram::bucket_upper(b) == Histogram::bucket_lower(b + 1));
    REQUIRE(Histogram::bucket_of(Histogram::bucket_lower(b)) == b);
    REQUIRE(Histogram::bucket_of(Histogram::bucket_upper(b) - 1) == b);
  }
}

TEST_CASE("histogram quantiles are within 1/128 of the exact sample quantiles", "[stats]") {
  RngStream s(11, 0, "h");
  std::vector<Tick> xs;
  Histogram h;
  for (int i = 0; i < 100001; ++i) {
    const Tick x = static_cast<Tick>(-1e9 * std::log(s.uniform_open0()));
    xs.push_back(x);
    h.add(x);
  }
  std::sort(xs.begin(), xs.end());
  for (double q : {0.05, 0.5, 0.9, 0.95, 0.99}) {
    // The sample quantile of type 7: interpolated between the order statistics around q(n-1).
    const double rank = q * static_cast<double>(xs.size() - 1);
    const auto k = static_cast<std::size_t>(rank);
    const double exact = static_cast<double>(xs[k]) + (rank - static_cast<double>(k)) * static_cast<double>(xs[k + 1] - xs[k]);
    CHECK(std::fabs(h.quantile(q) - exact) <= exact / 128);
  }
}

TEST_CASE("merged histograms give the pooled quantiles", "[stats]") {
  Histogram a, b, both;
  for (Tick x = 0; x < 1000; ++x) {
    (x % 2 ? a : b).add(x * 1000);
    both.add(x * 1000);
  }
  a.merge(b);
  CHECK(a.count() == 1000);
  CHECK(a.quantile(0.5) == both.quantile(0.5));
  CHECK(a.quantile(0.95) == both.quantile(0.95));
}

TEST_CASE("merged tallies equal one tally of all observations", "[stats]") {
  Tally a, b, both;
  for (int i = 0; i < 1000; ++i) {
    const double x = 1e6 + (i % 17) * 0.25 + i * 1e-3;
    (i % 3 == 0 ? a : b).add(x);
    both.add(x);
  }
  a.merge(b);
  CHECK(a.count() == both.count());
  CHECK(a.mean() == Approx(both.mean()).epsilon(1e-14));
  CHECK(a.variance() == Approx(both.variance()).epsilon(1e-9));
  CHECK(a.min() == both.min());
  CHECK(a.max() == both.max());
  Tally empty;
  empty.merge(both);
  CHECK(empty.mean() == both.mean());
}

TEST_CASE("quantiles of a small sample interpolate between its values", "[stats]") {
  Histogram h;
  for (Tick x : {60 * 1'000'000'000LL, 120 * 1'000'000'000LL, 180 * 1'000'000'000LL}) h.add(x);
  // Type-7 sample quantiles: p50 = 120, p95 = 120 + 0.9 * 60 = 174.
  CHECK(h.quantile(0.5) == Approx(120e9).epsilon(1.0 / 128));
  CHECK(h.quantile(0.95) == Approx(174e9).epsilon(1.0 / 128));
  CHECK(h.quantile(1.0) == Approx(180e9).epsilon(1.0 / 128));
  Histogram exact;
  for (Tick x : {3, 5, 9}) exact.add(x);
  CHECK(exact.quantile(0.75) == Approx(7));
}
