// Single stations and a tandem with infinite buffers against exact queueing results, run through
// the whole stack (tests/theory/*.yaml → loader → builder → runner → result document).
//
// Formulas (lambda arrival rate, mu service rate per server, rho = lambda / (c mu)):
// - M/M/1 (Kleinrock, Queueing Systems I, 1975, sec. 3.2; Gross & Harris, Fundamentals of
//   Queueing Theory, sec. 2.2): W = 1/(mu - lambda), L = lambda W (Little), Lq = rho^2/(1 - rho).
//   In FCFS order the sojourn time is exponential with rate mu - lambda (Kleinrock eq. 3.24), so
//   its q-quantile is -ln(1 - q)/(mu - lambda): p50 = W ln 2, p95 = W ln 20.
// - M/M/c (Erlang C; Gross & Harris sec. 2.3, Kleinrock sec. 3.5): with a = lambda/mu,
//   C(c, a) = [a^c/c! · c/(c - a)] / [sum_{k<c} a^k/k! + a^c/c! · c/(c - a)] is the probability of
//   waiting; Wq = C(c, a)/(c mu - lambda), W = Wq + 1/mu, server utilisation = rho.
// - M/G/1 (Pollaczek–Khinchine; Kleinrock sec. 5.7, Gross & Harris sec. 5.1):
//   W = E[S] + lambda E[S^2] / (2 (1 - rho)), rho = lambda E[S].
//     deterministic S = 1:                  E[S^2] = 1               → W = 1 + 0.8/0.4 = 3
//     lognormal mean 1, cv 0.5:             E[S^2] = 1 + 0.5^2       → W = 1 + 0.8·1.25/0.4 = 3.5
//     Erlang-2 mean 1 (Var = mean^2/k):     E[S^2] = 1 + 1/2         → W = 1 + 0.8·1.5/0.4 = 4
// - Tandem of exponential stations with Poisson input (Jackson 1957; Burke's theorem: the output
//   of a stationary M/M/1 is Poisson(lambda), so the second station is an independent M/M/1):
//   W = 1/(mu1 - lambda) + 1/(mu2 - lambda) = 2 + 10/3 for lambda = 0.5, mu1 = 1, mu2 = 0.8.
//
// Tolerances (test_theory_support.hpp states the policy; fixed before running): replication
// means must agree with theory within their 99.9 % Student-t half-width, and that half-width must
// be at most 1 % of the theoretical value for throughput and utilisation (counts and fractions of
// time: low variance), 2 % for lead time and WIP, 3 % for the queue length (Lq = L - rho has the
// same absolute noise as L, a larger relative one). Little's law: wip - throughput · lead time is
// 0 in expectation (the parts present at the start and at the end of the window contribute terms
// of equal mean in a stationary run); its half-width must stay below 0.5 % of L.
//
// Pooled quantiles (p50, p95) come from histograms that are within 1/128 of the sample quantile,
// plus sampling error: |pooled - theory| <= theory/128 + t(0.9995, R-1) · s_q / sqrt(R), with s_q
// the standard deviation of the replications' own quantiles (the pooled quantile of R equal-sized
// samples behaves like their mean); that sampling half-width must be at most 2 % of theory.

#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "test_theory_support.hpp"

using namespace plantwin;
using namespace plantwin::theory;
using models::ServerState;

namespace {

/// Erlang's C formula: the probability that an arrival waits in an M/M/c queue with offered load a.
double erlang_c(int c, double a) {
  double term = 1, sum = 0;  // term = a^k / k!
  for (int k = 0; k < c; ++k) {
    sum += term;
    term *= a / (k + 1);
  }
  const double waiting = term * c / (c - a);
  return waiting / (sum + waiting);
}

/// The pooled quantile of the document against theory, with the tolerance of the header.
void check_pooled_quantile(const std::string& name, const TheoryRun& r, const char* key, double q, double theory) {
  std::vector<double> own;  // each replication's own quantile, for the sampling error
  for (const auto& rep : r.outcome.replications)
    own.push_back(kernel::to_seconds(1) * rep.plant.all.histogram.quantile(q));
  const Estimate e = estimate(own);
  const double pooled = number_at(r.doc, {"kpis", "lead_time_s", key});
  const double tolerance = theory / 128 + e.half_width;
  const bool precise = e.half_width <= 0.02 * theory;
  const bool agrees = std::fabs(pooled - theory) <= tolerance;
  report(name + " lead_time_s." + key, theory, pooled, tolerance, theory / 128 + 0.02 * theory, precise && agrees);
  INFO(key << ": theory " << theory << ", pooled " << pooled << ", tolerance " << tolerance << " (bucket "
           << theory / 128 << " + sampling " << e.half_width << ")");
  CHECK(precise);
  CHECK(agrees);
}

}  // namespace

TEST_CASE("erlang_c matches a value worked out by hand", "[theory]") {
  // c = 3, a = 2.4: sum_{k<3} = 1 + 2.4 + 2.88 = 6.28; a^3/3! · 3/0.6 = 2.304 · 5 = 11.52.
  CHECK(erlang_c(3, 2.4) == Approx(11.52 / 17.8).epsilon(1e-14));
  // c = 1 is M/M/1: the probability of waiting is rho.
  CHECK(erlang_c(1, 0.8) == Approx(0.8).epsilon(1e-14));
}

TEST_CASE("M/M/1 gives W = 1/(mu - lambda), L = lambda W and exponential sojourn quantiles", "[theory]") {
  const TheoryRun r = run_theory_scenario("mm1.yaml");
  const double lambda = 0.8, mu = 1, rho = lambda / mu, w = 1 / (mu - lambda);
  check_theory("mm1 lead_time_s", values_at(r.doc, {"kpis", "lead_time_s"}), w, 0.02);
  check_theory("mm1 wip", values_at(r.doc, {"kpis", "wip"}), lambda * w, 0.02);
  check_theory("mm1 throughput_per_h", values_at(r.doc, {"kpis", "throughput_per_h"}), 3600 * lambda, 0.01);
  check_theory("mm1 utilization", values_at(r.doc, {"stations", "server", "utilization"}), rho, 0.01);
  check_theory("mm1 queue", values_at(r.doc, {"stations", "server", "queue"}), rho * rho / (1 - rho), 0.03);
  check_little("mm1 wip - throughput * lead_time", r.doc, 0.005);
  check_pooled_quantile("mm1", r, "p50", 0.50, w * std::log(2.0));
  check_pooled_quantile("mm1", r, "p95", 0.95, w * std::log(20.0));
}

TEST_CASE("M/M/3 gives the Erlang C waiting time and utilisation rho", "[theory]") {
  const TheoryRun r = run_theory_scenario("mmc.yaml");
  const int c = 3;
  const double lambda = 2.4, mu = 1, a = lambda / mu;
  const double wq = erlang_c(c, a) / (c * mu - lambda);
  check_theory("mmc lead_time_s", values_at(r.doc, {"kpis", "lead_time_s"}), wq + 1 / mu, 0.02);
  check_theory("mmc wip", values_at(r.doc, {"kpis", "wip"}), lambda * (wq + 1 / mu), 0.02);
  check_theory("mmc queue", values_at(r.doc, {"stations", "servers", "queue"}), lambda * wq, 0.03);
  check_theory("mmc utilization", values_at(r.doc, {"stations", "servers", "utilization"}), a / c, 0.01);
  check_theory("mmc throughput_per_h", values_at(r.doc, {"kpis", "throughput_per_h"}), 3600 * lambda, 0.01);
  check_little("mmc wip - throughput * lead_time", r.doc, 0.005);
}

TEST_CASE("M/G/1 follows Pollaczek-Khinchine for deterministic, lognormal and Erlang service", "[theory]") {
  struct Case {
    const char* name;
    const char* process;  // `--set` value; empty: the file's deterministic 1 s
    double second_moment;  // E[S^2] with E[S] = 1
  };
  const double lambda = 0.8;
  for (const Case& c : {Case{"mg1 deterministic", "", 1.0},
                        Case{"mg1 lognormal cv 0.5", "{dist: lognormal, mean: 1, cv: 0.5}", 1.25},
                        Case{"mg1 erlang k=2", "{dist: erlang, mean: 1, k: 2}", 1.5}}) {
    INFO(c.name);
    std::vector<std::string> sets;
    if (*c.process != '\0') sets.push_back(std::string("stations.server.process=") + c.process);
    const TheoryRun r = run_theory_scenario("mg1.yaml", sets);
    const double w = 1 + lambda * c.second_moment / (2 * (1 - lambda));
    check_theory(std::string(c.name) + " lead_time_s", values_at(r.doc, {"kpis", "lead_time_s"}), w, 0.02);
    check_theory(std::string(c.name) + " wip", values_at(r.doc, {"kpis", "wip"}), lambda * w, 0.02);
    check_theory(std::string(c.name) + " utilization", values_at(r.doc, {"stations", "server", "utilization"}), lambda,
                 0.01);
  }
}

TEST_CASE("a tandem of two M/M/1 stations adds their sojourn times (Jackson)", "[theory]") {
  const TheoryRun r = run_theory_scenario("tandem.yaml");
  const double lambda = 0.5, mu1 = 1, mu2 = 0.8;
  const double rho1 = lambda / mu1, rho2 = lambda / mu2;
  const double w = 1 / (mu1 - lambda) + 1 / (mu2 - lambda);
  check_theory("tandem lead_time_s", values_at(r.doc, {"kpis", "lead_time_s"}), w, 0.02);
  check_theory("tandem wip", values_at(r.doc, {"kpis", "wip"}), lambda * w, 0.02);
  check_theory("tandem first utilization", values_at(r.doc, {"stations", "first", "utilization"}), rho1, 0.01);
  check_theory("tandem second utilization", values_at(r.doc, {"stations", "second", "utilization"}), rho2, 0.01);
  check_theory("tandem first queue", values_at(r.doc, {"stations", "first", "queue"}), rho1 * rho1 / (1 - rho1), 0.03);
  check_theory("tandem second queue", values_at(r.doc, {"stations", "second", "queue"}), rho2 * rho2 / (1 - rho2),
               0.03);
  check_little("tandem wip - throughput * lead_time", r.doc, 0.005);
}
