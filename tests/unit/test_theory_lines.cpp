// Lines with blocking, deterministic lines and setups against exact results, run through the whole
// stack (tests/theory/*.yaml → loader → builder → runner → result document).
//
// Two machines with a finite buffer, blocking after service (Buzacott & Shanthikumar, Stochastic
// Models of Manufacturing Systems, 1993, sec. 5.2; Gershwin, Manufacturing Systems Engineering,
// ch. 3). A saturated source keeps M1 busy unless it is blocked. Let n be the number of parts at M2
// (waiting + in service), n = 0..B+1, and n = B+2 the state "M2 full and M1 blocked holding a
// finished part". M1 finishes at rate mu1 in every state but B+2 (n -> n+1; from B+1 it becomes
// blocked), M2 at rate mu2 whenever n >= 1 (n -> n-1; from B+2 the blocked part moves in and M1
// starts a new part at once). This is a birth-death chain, so pi_n ∝ (mu1/mu2)^n, and
//   throughput = mu2 (1 - pi_0),  M1 blocked = pi_{B+2},  M1 working = 1 - pi_{B+2},  M2 idle = pi_0,
//   WIP = sum_{n <= B+1} pi_n (n + 1) + pi_{B+2} (B + 2)   (M1 holds one part except in state B+2),
//   lead time = WIP / throughput (Little).
// With mu1 = mu2 the B+3 states are equally likely: throughput (B+2)/(B+3), blocked 1/(B+3).
//
// Setups: a saturated source draws each product independently (a or b with probability 1/2), so
// the next part differs from the previous one with probability 1/2, and a cycle is the process
// time 1 s plus a 0.5 s setup with probability 1/2: E[cycle] = 1.25 s (renewal-reward, e.g. Ross,
// Introduction to Probability Models, sec. 7.4): 2880 parts/h, setup fraction 0.25/1.25 = 0.2,
// working 0.8, lead time 1.25 s, and exactly one part in the plant at every instant.
//
// Deterministic lines: the values are exact (worked out in the scenario files' comments) and are
// checked with equality; a mean of values that are not all equal (7 s and 8 s) is checked to 1e-12
// relative, the rounding of the running mean.
//
// Tolerances (policy in test_theory_support.hpp, fixed before running): the 99.9 % half-width must
// be at most 1 % of theory for throughput, working fractions and setup-cycle lead time, 2 % for
// WIP, lead time and the setup fraction, 3 % for the blocked and idle fractions (a few tenths,
// with the variance of a short-memory indicator).

#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "test_theory_support.hpp"

using namespace plantwin;
using namespace plantwin::theory;
using models::ServerState;

TEST_CASE("two exponential machines with a finite buffer match the blocking birth-death chain", "[theory]") {
  struct Case {
    int buffer;
    double mean1, mean2;  // process-time means, seconds
  };
  for (const Case& c : {Case{0, 1, 1}, Case{2, 1, 1}, Case{1, 0.8, 1}}) {
    const std::string b = std::to_string(c.buffer), mean1 = run::format_number(c.mean1),
                      mean2 = run::format_number(c.mean2);
    const std::string name = "two machines B=" + b + " S1=" + mean1 + " S2=" + mean2;
    INFO(name);
    const TheoryRun r = run_theory_scenario(
        "two_machines.yaml", {"stations.m2.buffer=" + b, "stations.m1.process={dist: exponential, mean: " + mean1 + "}",
                              "stations.m2.process={dist: exponential, mean: " + mean2 + "}"});
    const double mu2 = 1 / c.mean2, ratio = c.mean2 / c.mean1;  // mu1 / mu2
    std::vector<double> pi;
    double total = 0;
    for (int n = 0; n <= c.buffer + 2; ++n) {
      pi.push_back(std::pow(ratio, n));
      total += pi.back();
    }
    for (double& p : pi) p /= total;
    const double blocked = pi.back();
    double wip = blocked * (c.buffer + 2);
    for (int n = 0; n <= c.buffer + 1; ++n) wip += pi[static_cast<std::size_t>(n)] * (n + 1);
    const double throughput = mu2 * (1 - pi.front());
    if (c.mean1 == c.mean2) REQUIRE(throughput == Approx((c.buffer + 2.0) / (c.buffer + 3.0)).epsilon(1e-14));

    check_theory(name + " throughput_per_h", values_at(r.doc, {"kpis", "throughput_per_h"}), 3600 * throughput, 0.01);
    check_theory(name + " m1 blocked", state_values(r, "m1", ServerState::BLOCKED), blocked, 0.03);
    check_theory(name + " m1 working", state_values(r, "m1", ServerState::WORKING), 1 - blocked, 0.01);
    check_theory(name + " m2 idle", state_values(r, "m2", ServerState::IDLE), pi.front(), 0.03);
    check_theory(name + " wip", values_at(r.doc, {"kpis", "wip"}), wip, 0.02);
    check_theory(name + " lead_time_s", values_at(r.doc, {"kpis", "lead_time_s"}), wip / throughput, 0.02);
  }
}

TEST_CASE("a deterministic line gives exact throughput, lead time, WIP and utilisations", "[theory]") {
  const TheoryRun r = run_theory_scenario("deterministic_line.yaml");
  for (double v : values_at(r.doc, {"kpis", "throughput_per_h"})) CHECK(v == 360);
  for (double v : values_at(r.doc, {"kpis", "completed"})) CHECK(v == 360);
  for (double v : values_at(r.doc, {"kpis", "lead_time_s"})) CHECK(v == 19);
  for (double v : values_at(r.doc, {"kpis", "wip"})) CHECK(v == 1.9);
  CHECK(number_at(r.doc, {"stations", "a", "states", "working"}) == 0.3);
  CHECK(number_at(r.doc, {"stations", "b", "states", "working"}) == 0.7);
  CHECK(number_at(r.doc, {"stations", "c", "states", "working"}) == 0.9);
  for (const char* s : {"a", "b", "c"}) CHECK(number_at(r.doc, {"stations", s, "states", "blocked"}) == 0);
  // The pooled quantiles of identical values: within the histogram's documented 1/128.
  CHECK(number_at(r.doc, {"kpis", "lead_time_s", "p95"}) == Approx(19).epsilon(1.0 / 128));
}

TEST_CASE("a deterministic line with blocking and two servers gives exact results", "[theory]") {
  const TheoryRun r = run_theory_scenario("deterministic_blocking.yaml");
  for (double v : values_at(r.doc, {"kpis", "throughput_per_h"})) CHECK(v == 1440);
  for (double v : values_at(r.doc, {"kpis", "lead_time_s"})) CHECK(v == Approx(7.5).epsilon(1e-12));
  for (double v : values_at(r.doc, {"kpis", "wip"})) CHECK(v == 3);
  CHECK(number_at(r.doc, {"stations", "a", "states", "working"}) == 0.8);
  CHECK(number_at(r.doc, {"stations", "a", "states", "blocked"}) == 0.2);
  CHECK(number_at(r.doc, {"stations", "a", "states", "idle"}) == 0);
  CHECK(number_at(r.doc, {"stations", "b", "states", "working"}) == 1);
}

TEST_CASE("random product changes cost the expected setup time", "[theory]") {
  const TheoryRun r = run_theory_scenario("setups.yaml");
  const double p_change = 0.5, setup = 0.5, process = 1, cycle = process + p_change * setup;
  check_theory("setups throughput_per_h", values_at(r.doc, {"kpis", "throughput_per_h"}), 3600 / cycle, 0.01);
  check_theory("setups setup fraction", state_values(r, "station", ServerState::SETUP), p_change * setup / cycle, 0.02);
  check_theory("setups working fraction", state_values(r, "station", ServerState::WORKING), process / cycle, 0.01);
  check_theory("setups lead_time_s", values_at(r.doc, {"kpis", "lead_time_s"}), cycle, 0.01);
  for (double v : values_at(r.doc, {"kpis", "wip"})) CHECK(v == 1);
}
