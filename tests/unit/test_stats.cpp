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

TEST_CASE("histogram quantiles stay within the smallest and largest values", "[stats]") {
  // Every lead time exactly 3000 s: each order statistic was placed inside its bucket, p50 read
  // 2997.9 s and p95 3004.8 s, above every value.
  Histogram same, merged;
  for (int i = 0; i < 50; ++i) same.add(3000 * TICKS_PER_SECOND);
  CHECK(same.quantile(0.5) == 3000.0 * TICKS_PER_SECOND);
  CHECK(same.quantile(0.95) == 3000.0 * TICKS_PER_SECOND);
  Histogram low, high;
  low.add(1000 * TICKS_PER_SECOND);
  high.add(1001 * TICKS_PER_SECOND);
  merged.merge(low);
  merged.merge(high);
  CHECK(merged.quantile(0) == 1000.0 * TICKS_PER_SECOND);
  CHECK(merged.quantile(1) == 1001.0 * TICKS_PER_SECOND);
  same.reset();
  same.add(7);
  CHECK(same.quantile(0.5) == 7);
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

TEST_CASE("quantiles are exact while the sample has at most 256 distinct values", "[stats]") {
  // A reviewer's lead times: 10, 20, 45, 50, 65 s gave p50 44.963 and p95 62.089 s from the buckets.
  constexpr Tick S = TICKS_PER_SECOND;
  Histogram five;
  for (Tick x : {45 * S, 10 * S, 65 * S, 20 * S, 50 * S}) five.add(x);
  CHECK(five.quantile(0.5) == 45.0 * S);
  CHECK(five.quantile(0.95) == 62.0 * S);
  // Few distinct values, many of each (a deterministic plant): exact however many parts.
  Histogram few;
  for (int i = 0; i < 5000; ++i) few.add((i % 8 < 5 ? 10 : 15) * S);  // 3,125 x 10 s, 1,875 x 15 s
  CHECK(few.quantile(0.5) == 10.0 * S);
  CHECK(few.quantile(0.625) == 11.875 * S);  // rank 3,124.375: 0.375 of the way from the last 10 s to 15 s
  CHECK(few.quantile(0.62) == 10.0 * S);
  CHECK(few.quantile(0.7) == 15.0 * S);
  // Pooled: exact while the union has at most 256 values, then the buckets; a merge with a
  // histogram past its limit is past it too.
  Histogram a, b, pooled;
  for (Tick x = 1; x <= 200; ++x) (x % 2 ? a : b).add(x * 1'000'003);
  pooled.merge(a);
  pooled.merge(b);
  CHECK(pooled.quantile(0.5) == std::round(100.5 * 1'000'003));
  Histogram many;
  for (Tick x = 1; x <= 300; ++x) many.add(x * 1'000'003);
  CHECK(many.quantile(0.5) != std::round(150.5 * 1'000'003));
  CHECK(std::fabs(many.quantile(0.5) - 150.5 * 1'000'003) <= 150.5 * 1'000'003 / 128);
  pooled.merge(many);
  CHECK(pooled.count() == 500);
  CHECK(std::fabs(pooled.quantile(0.5) - 125.5 * 1'000'003) <= 125.5 * 1'000'003 / 128);
}

TEST_CASE("t quantiles take fractional degrees of freedom", "[stats]") {
  CHECK(student_t_quantile(0.975, 5.5) == Approx(2.501858612469493).epsilon(1e-8));
  CHECK(student_t_quantile(0.9, 2.5) == Approx(1.730250928807177).epsilon(1e-8));
  CHECK(std::isnan(student_t_quantile(0.975, 0.0)));
}

TEST_CASE("Wilson's score interval for known counts", "[stats][intervals]") {
  // Reference values: scipy.stats.norm.ppf and the textbook formula.
  const Interval eight = wilson_interval(8, 10, 0.95);
  CHECK(eight.low == Approx(0.4901624715366418).epsilon(1e-12));
  CHECK(eight.high == Approx(0.9433178485456248).epsilon(1e-12));
  const Interval all = wilson_interval(10, 10, 0.95);
  CHECK(all.low == Approx(0.7224672001371107).epsilon(1e-12));
  CHECK(all.high == 1.0);
  const Interval none = wilson_interval(0, 10, 0.95);
  CHECK(none.low == 0.0);
  CHECK(none.high == Approx(0.2775327998628892).epsilon(1e-12));
  const Interval ninety = wilson_interval(8, 10, 0.90);
  CHECK(ninety.low == Approx(0.540792805687488).epsilon(1e-12));
  CHECK(ninety.high == Approx(0.931442012262468).epsilon(1e-12));
  const Interval one = wilson_interval(1, 1, 0.95);
  CHECK(one.low == Approx(0.20654931437723745).epsilon(1e-12));
}

TEST_CASE("a mean's interval stays within the quantity's range", "[stats][intervals]") {
  // 8 of 10 replications on time: Student-t would say 0.498 .. 1.10, Wilson 0.490 .. 0.943.
  const std::vector<double> on_time{1, 1, 0, 1, 1, 1, 0, 1, 1, 1};
  const Estimate binary = estimate_mean(on_time, ValueRange::BINARY, 0.95);
  CHECK(binary.mean == Approx(0.8));
  CHECK(binary.interval.low == Approx(0.4901624715366418).epsilon(1e-12));
  CHECK(binary.interval.high == Approx(0.9433178485456248).epsilon(1e-12));
  CHECK(binary.half_width == Approx(0.8 - 0.4901624715366418).epsilon(1e-12));
  const Estimate fraction = estimate_mean(on_time, ValueRange::FRACTION, 0.95);
  const double half = Summary::of(on_time).ci95;
  CHECK(fraction.interval.low == Approx(0.8 - half));
  CHECK(fraction.interval.high == 1.0);
  CHECK(fraction.half_width == half);  // one end cut: still the Student-t half-width, exactly
  // A count near 0: the low end is cut at 0, the high end is the Student-t one.
  const std::vector<double> scrapped{0, 0, 1, 0, 2};
  const Estimate count = estimate_mean(scrapped, ValueRange::NON_NEGATIVE, 0.95);
  CHECK(count.interval.low == 0.0);
  CHECK(count.interval.high == Approx(0.6 + Summary::of(scrapped).ci95));
  // Both ends cut: the longer side of what is left.
  const Estimate both = estimate_mean({0, 1}, ValueRange::FRACTION, 0.95);
  CHECK(both.interval.low == 0.0);
  CHECK(both.interval.high == 1.0);
  CHECK(both.half_width == 0.5);
  const Estimate one = estimate_mean({5}, ValueRange::NON_NEGATIVE, 0.95);
  CHECK(one.interval.low == 5);
  CHECK(one.interval.high == 5);
  CHECK(one.half_width == 0);
  CHECK(std::isnan(estimate_mean({1, std::nan("")}, ValueRange::FRACTION, 0.95).interval.low));
}

TEST_CASE("paired differences are far sharper than Welch's on the same numbers", "[stats][intervals]") {
  // Reference values: scipy.stats.t.ppf with the textbook formulas.
  const std::vector<double> a{10, 12, 14, 16}, b{11, 13.2, 14.8, 17};
  const Difference paired = paired_difference(a, b, 0.95);
  CHECK(paired.mean == Approx(1.0));
  CHECK(paired.df == 3);
  CHECK(paired.interval.low == Approx(0.7401543472749335).epsilon(1e-9));
  CHECK(paired.interval.high == Approx(1.2598456527250665).epsilon(1e-9));
  const Difference welch = welch_difference(a, b, 0.95);
  CHECK(welch.mean == Approx(1.0));
  CHECK(welch.df == Approx(5.9979847571342075).epsilon(1e-12));
  CHECK(welch.interval.low == Approx(-3.427400524749123).epsilon(1e-8));
  CHECK(welch.interval.high == Approx(5.427400524749123).epsilon(1e-8));
  // Constant samples: the difference is known exactly; one value: no interval.
  const Difference exact = welch_difference({2, 2, 2}, {3, 3}, 0.95);
  CHECK(exact.interval.low == 1);
  CHECK(exact.interval.high == 1);
  CHECK_FALSE(paired_difference({1}, {2}, 0.95).has_interval);
  CHECK(std::isnan(paired_difference({1, 2}, {std::nan(""), 2}, 0.95).mean));
}

TEST_CASE("counts at given values: exact while the values are kept, where quantiles place them after", "[stats]") {
  Histogram h;
  for (Tick x : {43, 43, 43, 50, 60}) h.add(x);
  using Counts = std::vector<std::pair<std::uint64_t, std::uint64_t>>;
  CHECK(h.counts_at({10, 43, 45, 50, 60, 70}) == Counts{{0, 0}, {0, 3}, {3, 3}, {3, 4}, {4, 5}, {5, 5}});
  // Past 256 distinct values, a bucket's observations count where order_statistic places them:
  // 1,000 values in 1,000 ticks of one bucket [4096, 4128) spread evenly, and 1,000 values below.
  Histogram spread;
  for (Tick x = 0; x < 1000; ++x) spread.add(1000 + x);
  for (Tick x = 0; x < 1000; ++x) spread.add(4096 + x % 32);
  const Counts c = spread.counts_at({999, 2000, 4096, 4112, 4128, 9000});
  CHECK(c[0] == std::pair<std::uint64_t, std::uint64_t>{0, 0});
  CHECK(c[1].first == c[1].second);
  CHECK(c[1].first == Approx(1000).margin(20));
  CHECK(c[2] == std::pair<std::uint64_t, std::uint64_t>{1000, 1000});
  CHECK(c[3].first == 1500);
  CHECK(c[4] == std::pair<std::uint64_t, std::uint64_t>{2000, 2000});
  CHECK(c[5] == std::pair<std::uint64_t, std::uint64_t>{2000, 2000});
  for (std::size_t i = 1; i < c.size(); ++i) CHECK(c[i].first >= c[i - 1].second);
}
