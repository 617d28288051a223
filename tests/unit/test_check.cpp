// plantwin check's evaluation on constructed result documents: confidence mode, the baseline's
// paired and Welch comparisons, directions and tolerances, the exit code.
#include <catch2/catch.hpp>

#include "cli/check.hpp"
#include "run/kpi_traits.hpp"
#include "run/result_document.hpp"

using namespace plantwin;
using run::Json;

namespace {

// A result document with the KPIs the tests need: lead_time_s, throughput_per_h, one order's on_time.
Json document(std::uint64_t seed, const std::vector<double>& lead, const std::vector<double>& throughput,
              const std::vector<double>& on_time = {1, 1, 0, 1}) {
  Json doc = Json::object();
  doc["scenario"] = "s";
  doc["seed"] = seed;
  doc["replications"] = static_cast<int>(lead.size());
  doc["horizon_s"] = 3600.0;
  doc["warmup_s"] = 0.0;
  doc["fingerprint"] = "0123456789abcdef";
  Json& kpis = doc["kpis"] = Json::object();
  kpis["lead_time_s"] = run::kpi(lead);
  kpis["throughput_per_h"] = run::kpi(throughput);
  Json& order = (doc["orders"] = Json::object())["by_order"] = Json::object();
  (order["A-1"] = Json::object())["on_time"] = run::kpi(on_time);
  run::add_intervals(doc);
  return doc;
}

scenario::Expectation bound(std::string kpi, std::optional<double> min, std::optional<double> max,
                            std::optional<double> confidence = std::nullopt) {
  scenario::Expectation e;
  e.kpi = std::move(kpi);
  e.min = min;
  e.max = max;
  e.confidence = confidence;
  return e;
}

// The verdict of one KPI in the check section's baseline list.
std::string verdict(const cli::CheckReport& report, const std::string& path) {
  for (const Json& k : report.section.find("baseline")->find("kpis")->items())
    if (k.find("path")->string() == path) return k.find("verdict")->string();
  return "absent";
}

const std::vector<double> BASE{10, 12, 14, 16};
const std::vector<double> NOW{11, 13.2, 14.8, 17};  // +1 on average, +0.8 .. +1.2 on each pair

}  // namespace

TEST_CASE("every KPI has the range and direction kpis.md gives it", "[check]") {
  using kernel::ValueRange;
  CHECK(run::kpi_traits({"orders", "by_order", "A-1", "on_time"}).range == ValueRange::BINARY);
  CHECK(run::kpi_traits({"orders", "on_time"}).range == ValueRange::FRACTION);
  CHECK(run::kpi_traits({"stations", "s", "utilization"}).range == ValueRange::FRACTION);
  CHECK(run::kpi_traits({"stations", "s", "utilization"}).direction == run::Direction::NONE);
  CHECK(run::kpi_traits({"stations", "s", "availability"}).direction == run::Direction::HIGHER);
  CHECK(run::kpi_traits({"fleets", "agv", "by_vehicle", "0", "states", "idle"}).range == ValueRange::FRACTION);
  CHECK(run::kpi_traits({"links", "radio", "slices", "urllc", "utilization"}).range == ValueRange::FRACTION);
  CHECK(run::kpi_traits({"kpis", "lead_time_s"}).direction == run::Direction::LOWER);
  CHECK(run::kpi_traits({"kpis", "throughput_per_h"}).direction == run::Direction::HIGHER);
  CHECK(run::kpi_traits({"kpis", "wip"}).range == ValueRange::NON_NEGATIVE);
  CHECK(run::kpi_traits({"fleets", "agv", "trips"}).direction == run::Direction::NONE);
}

TEST_CASE("confidence mode tests the KPI's interval at the level asked for", "[check]") {
  const Json doc = document(1, {10, 12, 14, 16, 10, 12, 14, 16, 10, 12}, std::vector<double>(10, 50.0),
                            {1, 1, 0, 1, 1, 1, 0, 1, 1, 1});
  scenario::ExpectSpec expect;
  // 8 of 10 on time: Wilson's 95 % interval 0.490 .. 0.943; 90 %: 0.541 .. 0.931.
  expect.expectations = {bound("orders.by_order.A-1.on_time", 0.5, std::nullopt),
                         bound("orders.by_order.A-1.on_time", 0.5, std::nullopt, 0.95),
                         bound("orders.by_order.A-1.on_time", 0.5, std::nullopt, 0.90),
                         bound("lead_time_s", std::nullopt, 18, 0.95)};
  const cli::CheckReport report = cli::evaluate_check(expect, doc, {});
  REQUIRE(report.lines.size() == 4);
  CHECK(report.lines[0] ==
        "PASS orders.by_order.A-1.on_time = 0.800 (95 % CI 0.490 .. 0.943 over 10 replications); only the mean is "
        "tested: the interval reaches below the minimum 0.5");
  CHECK(report.lines[1] ==
        "FAIL orders.by_order.A-1.on_time = 0.800 (95 % CI 0.490 .. 0.943 over 10 replications): the interval "
        "reaches below the minimum 0.5");
  CHECK(report.lines[2] ==
        "PASS orders.by_order.A-1.on_time = 0.800 (90 % CI 0.541 .. 0.931 over 10 replications): the interval is "
        "within the bound");
  // 12.6 ± t(0.975, 9) · s / √10 = 10.94 .. 14.26 (scipy), within 18.
  CHECK(report.lines[3] ==
        "PASS lead_time_s = 12.60 (95 % CI 10.94 .. 14.26 over 10 replications): the interval is within the bound");
  CHECK(report.failed_expectations == 1);
  CHECK(report.exit_code() == 1);
  CHECK(report.cases[1].name == "orders.by_order.A-1.on_time >= 0.5 (95 % confidence)");
  const Json& second = report.section.find("expectations")->items()[1];
  CHECK(second.find("ci_low")->number() == Approx(0.4901624715366418));
  CHECK(second.find("level")->number() == 0.95);
}

TEST_CASE("the same numbers are significantly worse on pairs and not by Welch's test", "[check][baseline]") {
  // Paired: +1 with 95 % CI +0.740 .. +1.260, all of it above the tolerance 2 % × 13 = 0.26.
  // Welch: +1 with 95 % CI −3.43 .. +5.43: no evidence.
  const Json base = document(1, BASE, {50, 51, 52, 53});
  const Json now = document(1, NOW, {50, 51, 52, 53});
  const scenario::ExpectSpec expect;
  const cli::Baseline paired{"base.json", base, true};
  const cli::CheckReport on_pairs = cli::evaluate_check(expect, now, {cli::FingerprintMode::FAIL, &paired, ""});
  CHECK(verdict(on_pairs, "lead_time_s") == "worse");
  CHECK(on_pairs.failed_baseline == 1);
  CHECK(on_pairs.exit_code() == 1);
  CHECK_THAT(on_pairs.lines[1], Catch::Equals("FAIL baseline lead_time_s = 14.00, was 13.00: +1.00 (+7.7 %; paired 95 % "
                                              "CI +0.740 .. +1.26): worse by more than the tolerance 0.260 (lower is "
                                              "better)"));
  CHECK(verdict(on_pairs, "throughput_per_h") == "same");
  const Json* lead = nullptr;
  for (const Json& k : on_pairs.section.find("baseline")->find("kpis")->items())
    if (k.find("path")->string() == "lead_time_s") lead = &k;
  REQUIRE(lead != nullptr);
  CHECK(lead->find("difference_ci_low")->number() == Approx(0.7401543472749335).epsilon(1e-8));
  CHECK(lead->find("tolerance")->number() == Approx(0.26));

  // The difference of two shares stays within [-1, 1]: on_time −1, −1, 0, −1 on the pairs would
  // give −0.75 ± 0.796 unclamped (scipy: −1.546 .. +0.0456).
  const Json late = document(1, BASE, {50, 51, 52, 53}, {0, 0, 0, 0});
  const cli::CheckReport on_time = cli::evaluate_check(expect, late, {cli::FingerprintMode::FAIL, &paired, ""});
  for (const Json& k : on_time.section.find("baseline")->find("kpis")->items())
    if (k.find("path")->string() == "orders.by_order.A-1.on_time") {
      CHECK(k.find("difference")->number() == -0.75);
      CHECK(k.find("difference_ci_low")->number() == -1.0);
      CHECK(k.find("difference_ci_high")->number() == Approx(0.04561157632106572).epsilon(1e-8));
    }

  const cli::Baseline unpaired{"base.json", base, false};
  const cli::CheckReport welch = cli::evaluate_check(expect, now, {cli::FingerprintMode::FAIL, &unpaired, ""});
  CHECK(verdict(welch, "lead_time_s") == "same");
  CHECK(welch.exit_code() == 0);
  CHECK_THAT(welch.lines.front(), Catch::StartsWith("BASELINE base.json (Welch's test"));
}

TEST_CASE("tolerances, absolute allowances and directions come from the expectation file", "[check][baseline]") {
  const Json base = document(1, BASE, {50, 51, 52, 53});
  const Json now = document(1, NOW, {49, 50, 51, 52});  // throughput: −1 on every pair, −1.96 %
  const cli::Baseline paired{"base.json", base, true};
  scenario::ExpectSpec expect;
  expect.baseline = scenario::BaselineSpec{};
  expect.baseline->kpis.push_back({"lead_time_s", {}, 0.10, std::nullopt, std::nullopt});  // 1.3 allowed
  CHECK(verdict(cli::evaluate_check(expect, now, {cli::FingerprintMode::FAIL, &paired, ""}), "lead_time_s") ==
        "worse_within_tolerance");
  // −1 throughput is worse on every pair but within 2 % of 51.5 (1.03).
  CHECK(verdict(cli::evaluate_check(expect, now, {cli::FingerprintMode::FAIL, &paired, ""}), "throughput_per_h") ==
        "worse_within_tolerance");
  expect.baseline->tolerance = 0.01;  // 0.515: now beyond it
  CHECK(verdict(cli::evaluate_check(expect, now, {cli::FingerprintMode::FAIL, &paired, ""}), "throughput_per_h") ==
        "worse");
  expect.baseline->kpis.push_back({"throughput_per_h", {}, std::nullopt, 2.0, std::nullopt});  // or 2 parts/h
  CHECK(verdict(cli::evaluate_check(expect, now, {cli::FingerprintMode::FAIL, &paired, ""}), "throughput_per_h") ==
        "worse_within_tolerance");
  expect.baseline->kpis.push_back({"lead_time_s", {}, std::nullopt, std::nullopt, scenario::Direction::NONE});
  const cli::CheckReport report = cli::evaluate_check(expect, now, {cli::FingerprintMode::FAIL, &paired, ""});
  CHECK(verdict(report, "lead_time_s") == "changed");  // not gated, but reported
  CHECK(report.exit_code() == 0);
  expect.baseline->kpis.push_back({"lead_time_s", {}, std::nullopt, std::nullopt, scenario::Direction::HIGHER});
  CHECK(verdict(cli::evaluate_check(expect, now, {cli::FingerprintMode::FAIL, &paired, ""}), "lead_time_s") == "better");
}

TEST_CASE("a fingerprint mismatch is its own category with exit code 4", "[check]") {
  const Json doc = document(1, BASE, {50, 51, 52, 53});
  scenario::ExpectSpec expect;
  expect.expectations = {bound("lead_time_s", std::nullopt, 100)};
  expect.fingerprint = "ffffffffffffffff";
  const cli::CheckReport fail = cli::evaluate_check(expect, doc, {cli::FingerprintMode::FAIL, nullptr, ""});
  CHECK(fail.exit_code() == 4);
  CHECK(fail.summary == "1 of 1 expectation(s) met; fingerprint changed");
  CHECK(cli::junit_xml(fail, "s.yaml").find("<failure type=\"fingerprint\"") != std::string::npos);
  const cli::CheckReport warn = cli::evaluate_check(expect, doc, {cli::FingerprintMode::WARN, nullptr, ""});
  CHECK(warn.exit_code() == 0);
  CHECK(warn.lines.back() == "WARN fingerprint 0123456789abcdef: the event trajectory changed (expected ffffffffffffffff)");
  CHECK(cli::junit_xml(warn, "s.yaml").find("<system-out>WARN fingerprint") != std::string::npos);
  const cli::CheckReport ignore = cli::evaluate_check(expect, doc, {cli::FingerprintMode::IGNORE, nullptr, ""});
  CHECK(ignore.cases.size() == 1);
  CHECK(ignore.section.find("fingerprint")->is_null());
  // A failed bound wins over the fingerprint.
  expect.expectations = {bound("lead_time_s", std::nullopt, 1)};
  CHECK(cli::evaluate_check(expect, doc, {cli::FingerprintMode::FAIL, nullptr, ""}).exit_code() == 1);
}

TEST_CASE("the JUnit report of a check that could not run names the error", "[check]") {
  const std::string xml = cli::junit_error_xml(
      "a&b.yaml", "run failure", "x.yaml:1:1: warning: loop\nplantwin: error: x.yaml: replication 0: deadlock <here>\n");
  CHECK_THAT(xml, Catch::Contains("tests=\"1\" failures=\"0\" errors=\"1\""));
  CHECK_THAT(xml, Catch::Contains("<error type=\"run failure\" message=\"plantwin: error: x.yaml: replication 0: "
                                  "deadlock &lt;here&gt;\">x.yaml:1:1: warning: loop\n"));
  CHECK_THAT(xml, Catch::Contains("<testsuite name=\"a&amp;b.yaml\""));
}

TEST_CASE("the JUnit report is well-formed XML whatever the file name holds", "[check]") {
  // A control character, a byte that is no UTF-8, a cut sequence, an encoded surrogate: each
  // becomes U+FFFD; tab and newline in an attribute become references; valid UTF-8 stays.
  const std::string name = std::string("bad\x01name\xff-\xC3-\xED\xA0\x80-") + "caf\xC3\xA9\t\n.yaml";
  const std::string xml = cli::junit_error_xml(name, "run failure", "plantwin: error: \x02stop\n");
  CHECK_THAT(xml, Catch::Contains("<testsuite name=\"bad\xEF\xBF\xBDname\xEF\xBF\xBD-\xEF\xBF\xBD-"
                                  "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD-caf\xC3\xA9&#9;&#10;.yaml\""));
  CHECK_THAT(xml, Catch::Contains("message=\"plantwin: error: \xEF\xBF\xBDstop\""));
  for (const char c : xml) {
    const auto u = static_cast<unsigned char>(c);
    CHECK((u >= 0x20 || c == '\n' || c == '\t'));
    CHECK(u != 0xFF);
  }
}
