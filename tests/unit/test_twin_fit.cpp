// Fitting (twin/families.hpp, twin/fit.hpp, twin/yaml_edit.hpp): maximum likelihood by AIC, the
// fitted values written into the scenario's text, and a log of a known scenario fitted back.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "twin/families.hpp"
#include "twin/fit.hpp"
#include "twin/yaml_edit.hpp"
#include "twin_support.hpp"

using namespace plantwin;
using namespace plantwin::testing;
using kernel::Distribution;
using Kind = Distribution::Kind;

namespace {

std::vector<double> draws(const Distribution& d, std::size_t n, const char* stream) {
  kernel::RngStream rng(1, 0, stream);
  std::vector<double> x;
  for (std::size_t i = 0; i < n; ++i) x.push_back(d.sample(rng));
  return x;
}

/// The family that matters: a Weibull of shape within 0.1 of 1, or an Erlang of k = 1, is the
/// exponential (TWIN.md §2).
Kind family(const Distribution& d) {
  if (d.kind() == Kind::WEIBULL && std::fabs(d.a() - 1) <= 0.1) return Kind::EXPONENTIAL;
  if (d.kind() == Kind::ERLANG && d.k() == 1) return Kind::EXPONENTIAL;
  return d.kind();
}

}  // namespace

TEST_CASE("maximum likelihood and AIC tell exponential, lognormal and constant apart", "[twin][fit]") {
  const twin::FamilyFit e = twin::fit_families(draws(Distribution::exponential(12), 5000, "e"));
  CHECK(family(e.best().dist) == Kind::EXPONENTIAL);
  CHECK(e.best().dist.mean() == Approx(12).epsilon(0.05));
  CHECK(e.ks_p > 0.001);
  const twin::FamilyFit l = twin::fit_families(draws(Distribution::lognormal(8, 0.2), 5000, "l"));
  REQUIRE(l.best().dist.kind() == Kind::LOGNORMAL);
  CHECK(l.best().dist.a() == Approx(8).epsilon(0.02));
  CHECK(l.best().dist.b() == Approx(0.2).epsilon(0.05));
  const twin::FamilyFit c = twin::fit_families(std::vector<double>(100, 5.0));
  REQUIRE(c.candidates.size() == 1);
  CHECK(c.best().dist == Distribution::constant(5));
  const twin::FamilyFit w = twin::fit_families(draws(Distribution::weibull(2.5, 30), 5000, "w"));
  CHECK(w.best().dist.kind() == Kind::WEIBULL);
  CHECK(w.best().dist.a() == Approx(2.5).epsilon(0.05));
  const twin::FamilyFit t = twin::fit_families(draws(Distribution::triangular(45, 55, 80), 5000, "t"));
  CHECK(t.best().dist.kind() == Kind::TRIANGULAR);
  CHECK(t.best().dist.mean() == Approx(60).epsilon(0.01));
  const twin::FamilyFit k = twin::fit_families(draws(Distribution::erlang(20, 4), 5000, "k"));
  CHECK(k.best().dist.kind() == Kind::ERLANG);
  CHECK(k.best().dist.k() == 4);
}

TEST_CASE("a few values seen many times are a table, fitted as an empirical of their frequencies", "[twin][fit]") {
  // No continuous family draws a value twice: a uniform over 60..180 s (KS p 0) was chosen before.
  const twin::FamilyFit e = twin::fit_families(draws(Distribution::empirical({60, 120, 180}, {1, 2, 1}), 4000, "table"));
  REQUIRE(e.candidates.size() == 1);
  REQUIRE(e.best().dist.kind() == Kind::EMPIRICAL);
  CHECK(e.best().dist.values() == std::vector<double>{60, 120, 180});
  CHECK(e.best().dist.weights()[1] == Approx(0.5).margin(0.03));
  CHECK(e.ks_d < 0.03);
  CHECK(e.ks_p > 0.01);
  // Too many distinct values, or too few of each, are left to the continuous families.
  std::vector<double> spread;
  for (int i = 0; i < 40; ++i) spread.push_back(10 + i % 20);
  CHECK(twin::fit_families(spread).best().dist.kind() != Kind::EMPIRICAL);
  // A gamma shape below 1 gives the Erlang k = 1 once, not twice.
  const twin::FamilyFit w = twin::fit_families(draws(Distribution::weibull(0.6, 30), 3000, "w06"));
  CHECK(std::count_if(w.candidates.begin(), w.candidates.end(), [](const auto& c) { return c.dist.kind() == Kind::ERLANG; }) == 1);
}

TEST_CASE("the Kolmogorov-Smirnov p-value is small for a bad fit", "[twin][fit]") {
  CHECK(twin::ks_p_value(0.0, 1000) == 1.0);
  CHECK(twin::ks_p_value(0.043, 1000) == Approx(0.045).margin(0.01));
  CHECK(twin::ks_p_value(0.2, 1000) < 1e-10);
}

TEST_CASE("a residual life is the distribution conditioned on the time already spent", "[twin][residual]") {
  constexpr kernel::Tick S = kernel::TICKS_PER_SECOND;
  kernel::RngStream rng(3, 0, "residual");
  // A constant: exactly what is left, never less than nothing.
  CHECK(twin::residual_ticks(Distribution::constant(60), 40 * S, rng) == 20 * S);
  CHECK(twin::residual_ticks(Distribution::constant(60), 90 * S, rng) == 0);
  // The exponential forgets: the mean residual is the mean, whatever the age.
  double sum = 0;
  for (int i = 0; i < 20000; ++i) sum += kernel::to_seconds(twin::residual_ticks(Distribution::exponential(10), 50 * S, rng));
  CHECK(sum / 20000 == Approx(10).epsilon(0.03));
  // A uniform on [0, 100] at age 60: uniform on [0, 40], mean 20.
  sum = 0;
  for (int i = 0; i < 20000; ++i) sum += kernel::to_seconds(twin::residual_ticks(Distribution::uniform(0, 100), 60 * S, rng));
  CHECK(sum / 20000 == Approx(20).epsilon(0.03));
  // A lognormal of cv 0.2 past its mean: less left than the mean, more than nothing.
  const kernel::Tick left = twin::residual_ticks(Distribution::lognormal(10, 0.2), 12 * S, rng);
  CHECK(left > 0);
  CHECK(left < 10 * S);
}

TEST_CASE("values are written at the places the parser recorded, comments and other keys kept", "[twin][yaml]") {
  const std::string text = "# a line\n"
                           "stations:\n"
                           "  - id: a        # the first\n"
                           "    process: {dist: exponential, mean: 9s}   # fast\n"
                           "    yield: 0.98\n"
                           "  - id: b\n"
                           "    process:\n"
                           "      dist: lognormal   # block style\n"
                           "      mean: 8s\n"
                           "      cv: 0.2\n"
                           "    buffer: 3\n"
                           "  - {id: c, process: 5s}\n"
                           "horizon: 1h\n";
  twin::YamlEdit edit(text, "t.yaml");
  REQUIRE(edit.root() != nullptr);
  const auto& stations = edit.root()->find("stations")->value->entries;
  const scenario::YamlNode& a = *stations[0].value;
  const scenario::YamlNode& b = *stations[1].value;
  const scenario::YamlNode& c = *stations[2].value;
  CHECK(edit.replace(a, *a.find("process"), "{dist: exponential, mean: 8.98s}"));
  CHECK(edit.replace(a, *a.find("yield"), "0.981"));
  CHECK(edit.add(a, "setup", "2s"));
  CHECK(edit.replace(b, *b.find("process"), "{dist: lognormal, mean: 7.99s, cv: 0.21}"));
  CHECK(edit.replace(c, *c.find("process"), "5.01s"));
  CHECK(edit.add(c, "yield", "0.9"));
  CHECK(edit.result() == "# a line\n"
                         "stations:\n"
                         "  - id: a        # the first\n"
                         "    process: {dist: exponential, mean: 8.98s}   # fast\n"
                         "    yield: 0.981\n"
                         "    setup: 2s\n"
                         "  - id: b\n"
                         "    process: {dist: lognormal, mean: 7.99s, cv: 0.21}\n"
                         "    buffer: 3\n"
                         "  - {id: c, process: 5.01s, yield: 0.9}\n"
                         "horizon: 1h\n");
}

TEST_CASE("a duration is written with a readable unit and five significant digits", "[twin][fit]") {
  CHECK(twin::duration_yaml(22.01345) == "22.013s");
  CHECK(twin::duration_yaml(14412.3) == "4.0034h");
  CHECK(twin::duration_yaml(600) == "10min");
  CHECK(twin::duration_yaml(80) == "80s");
  CHECK(twin::duration_yaml(5400) == "90min");
  CHECK(twin::duration_yaml(0.25) == "250ms");
  CHECK(twin::duration_yaml(0) == "0s");
  CHECK(twin::distribution_yaml(Distribution::lognormal(22, 0.1)) == "{dist: lognormal, mean: 22s, cv: 0.1}");
  CHECK(twin::distribution_yaml(Distribution::erlang(900, 3)) == "{dist: erlang, mean: 15min, k: 3}");
}

namespace {

// 20,000 parts through three stations whose families differ clearly: exponential, lognormal of
// cv 0.2 (per product, with setups and failures) and a constant with a yield.
const char* KNOWN = R"(# a known line, fitted back from its own log
plantwin: 1
name: known
seed: 11
horizon: 80h
products:
  - {id: p, route: [a, b, c]}
  - {id: q, route: [a, b, c]}
sources:
  - id: arrivals
    mix: {p: 0.6, q: 0.4}
    interarrival: {dist: exponential, mean: 12s}
    limit: 20000
stations:
  - id: a            # exponential
    process: {dist: exponential, mean: 9s}
  - id: b
    buffer: 10
    process:
      p: {dist: lognormal, mean: 8s, cv: 0.2}
      q: {dist: lognormal, mean: 6s, cv: 0.2}
    setup: {dist: uniform, min: 1s, max: 3s}
    failures:
      mtbf: {dist: exponential, mean: 20min}
      mttr: {dist: lognormal, mean: 1min, cv: 0.5}
  - id: c
    process: 5s
    yield: 0.98
)";

}  // namespace

TEST_CASE("a log of a known scenario is fitted back: 2 % on well-observed means, 3 standard errors on rare ones",
          "[twin][fit][accuracy]") {
  const scenario::ScenarioSpec spec = spec_of(KNOWN);
  const TempFile log("known.csv");
  write_log(spec, log.path());
  const twin::FitResult r = twin::fit_log(log.path(), spec, KNOWN, {});
  REQUIRE(r.ok);
  struct Expected {
    const char* path;
    Distribution truth;
  };
  const Expected expected[] = {
      {"stations.a.process", Distribution::exponential(9)},
      {"stations.b.process.p", Distribution::lognormal(8, 0.2)},
      {"stations.b.process.q", Distribution::lognormal(6, 0.2)},
      {"stations.b.setup", Distribution::uniform(1, 3)},
      {"stations.b.failures.mtbf", Distribution::exponential(1200)},
      {"stations.b.failures.mttr", Distribution::lognormal(60, 0.5)},
      {"stations.c.process", Distribution::constant(5)},
      {"sources.arrivals.interarrival", Distribution::exponential(12)},
  };
  for (const Expected& e : expected) {
    INFO(e.path);
    const auto it = std::find_if(r.quantities.begin(), r.quantities.end(), [&](const auto& q) { return q.path == e.path; });
    REQUIRE(it != r.quantities.end());
    REQUIRE(it->status == twin::FitQuantity::Status::FITTED);
    const twin::FamilyFit& f = *it->fit;
    const double mean = it->fitted->mean(), truth = e.truth.mean();
    if (f.n >= 10000) {
      CHECK(std::fabs(mean - truth) <= 0.02 * truth);
    } else {
      CHECK(std::fabs(mean - truth) <= 3 * f.sd / std::sqrt(static_cast<double>(f.n)));
    }
    CHECK(family(*it->fitted) == e.truth.kind());
  }
  const auto yield = std::find_if(r.quantities.begin(), r.quantities.end(), [](const auto& q) { return q.path == "stations.c.yield"; });
  REQUIRE(yield != r.quantities.end());
  CHECK(std::fabs(*yield->value - 0.98) <= 3 * *yield->se);
  // The fitted scenario is the base's text with the values in place: its comments are still there.
  CHECK_THAT(r.text, Catch::StartsWith("# a known line, fitted back from its own log\n"));
  CHECK_THAT(r.text, Catch::Contains("  - id: a            # exponential\n    process: {dist: exponential, mean: "));
  CHECK(scenario::load_scenario_text(r.text, "fitted.yaml").spec.has_value());
}

TEST_CASE("a quantity with fewer than 30 observations keeps its base value and says so", "[twin][fit]") {
  const std::string text = "plantwin: 1\nname: few\nhorizon: 1h\n"
                           "products: [{id: p, route: [a]}]\n"
                           "sources: [{id: s, product: p, interarrival: 60s, limit: 20}]\n"
                           "stations: [{id: a, process: {dist: exponential, mean: 30s}}]\n";
  const scenario::ScenarioSpec spec = spec_of(text);
  const TempFile log("few.csv");
  write_log(spec, log.path());
  const twin::FitResult r = twin::fit_log(log.path(), spec, text, {});
  REQUIRE(r.ok);
  CHECK(r.text == text);
  REQUIRE(r.quantities.size() >= 1);
  CHECK(r.quantities[0].path == "stations.a.process");
  CHECK(r.quantities[0].status == twin::FitQuantity::Status::KEPT);
  CHECK(r.quantities[0].note == "20 observation(s), fewer than 30: the base value is kept");
}
