// plantwin check as a CI pipeline uses it: baselines, confidence bounds, the fingerprint's own exit
// code, a JUnit file whatever happens, the result document next to the report.
#include <catch2/catch.hpp>

#include <fstream>
#include <optional>

#include "cli_support.hpp"
#include "run/json.hpp"

using plantwin::testing::read_text;
using plantwin::testing::run_cli;
using plantwin::testing::test_path;

namespace {

const std::string TWO = "scenarios/examples/two_stations.yaml --set replications=8";

// A baseline of the two-station line, 8 replications with its seed (written once per test run).
const std::string& baseline() {
  static const std::string file = [] {
    const std::string dir = test_path("baseline");
    const auto r = run_cli("run scenarios/examples/two_stations.yaml --replications 8 --out " + dir);
    REQUIRE(r.exit_code == 0);
    return dir + "/result.json";
  }();
  return file;
}

std::string write(const std::string& name, const std::string& text) {
  const std::string path = test_path(name);
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("check --baseline passes an unchanged plan and fails a worse one, comparing pairs", "[cli][check][baseline]") {
  const auto same = run_cli("check " + TWO + " --baseline " + baseline());
  CHECK(same.exit_code == 0);
  CHECK_THAT(same.out, Catch::StartsWith("BASELINE " + baseline() + " (paired: the same seed and 8 replications;"));
  CHECK_THAT(same.out, Catch::Contains(" 0 worse beyond the tolerance, 0 worse within it, 0 better, "));
  CHECK_THAT(same.out, Catch::EndsWith("two_stations.yaml: baseline: 0 KPI(s) worse beyond the tolerance\n"));

  const auto slower = run_cli("check " + TWO + " --baseline " + baseline() + " --set stations.oven.process=50s");
  CHECK(slower.exit_code == 1);
  CHECK_THAT(slower.out, Catch::Contains("FAIL baseline lead_time_s = ") && Catch::Contains("paired 95 % CI") &&
                             Catch::Contains("(lower is better)"));
  CHECK_THAT(slower.out, Catch::Contains("FAIL baseline wip = "));

  // Another seed: replications are no pairs, and Welch's test decides.
  const auto other_seed = run_cli("check " + TWO + " --set seed=7 --baseline " + baseline());
  CHECK_THAT(other_seed.out, Catch::Contains("(Welch's test: seed 1 and 8 replications there, no pairs;"));
}

TEST_CASE("a baseline of another scenario, structure or window is an error before the run", "[cli][check][baseline]") {
  const auto other = run_cli("check scenarios/smt_line.yaml --baseline " + baseline());
  CHECK(other.exit_code == 2);
  CHECK(other.first_err_line() == baseline() + ":1:1: error: scenario: the baseline is a result of 'two-stations', "
                                               "not of 'smt-line-a': compare a plan with its own earlier results");
  const auto window = run_cli("check " + TWO + " --set horizon=4h --baseline " + baseline());
  CHECK(window.exit_code == 2);
  CHECK_THAT(window.err, Catch::Contains("error: horizon_s: the baseline measured 28800 s, this check 14400 s"));
  std::string text = read_text(baseline());
  for (std::size_t at; (at = text.find("\"oven\"")) != std::string::npos;) text.replace(at, 6, "\"kiln\"");
  const auto structure = run_cli("check " + TWO + " --baseline " + write("renamed.json", text));
  CHECK(structure.exit_code == 2);
  CHECK_THAT(structure.err, Catch::Contains("error: the baseline's KPIs are not this scenario's: only in this scenario "
                                            "'stations.oven.availability', 'stations.oven.completed', "
                                            "'stations.oven.oee' and 5 more; only in the baseline 'stations.kiln."));
  const auto broken = run_cli("check " + TWO + " --baseline " + write("broken.json", "{\"scenario\": \"two-stations\",\n  \"seed\": 1,,\n}"));
  CHECK(broken.exit_code == 2);
  CHECK_THAT(broken.first_err_line(), Catch::EndsWith("broken.json:2:13: error: expected a key in quotes"));
}

TEST_CASE("only a changed fingerprint exits with 4, --fingerprint warn or ignore let it pass", "[cli][check]") {
  const std::string expect = write("fp.expect.yaml", "expect:\n  throughput_per_h: {min: 1}\nfingerprint: 0123456789abcdef\n");
  const auto fail = run_cli("check " + TWO + " --expect " + expect);
  CHECK(fail.exit_code == 4);
  CHECK_THAT(fail.out, Catch::EndsWith(": 1 of 1 expectation(s) met; fingerprint changed\n"));
  const auto warn = run_cli("check " + TWO + " --expect " + expect + " --fingerprint warn");
  CHECK(warn.exit_code == 0);
  CHECK_THAT(warn.out, Catch::Contains("WARN fingerprint ") && Catch::EndsWith("fingerprint changed (warning only)\n"));
  const auto ignore = run_cli("check " + TWO + " --expect " + expect + " --fingerprint=ignore");
  CHECK(ignore.exit_code == 0);
  CHECK_THAT(ignore.out, !Catch::Contains("fingerprint"));
  const auto bad = run_cli("check " + TWO + " --expect " + expect + " --fingerprint maybe");
  CHECK(bad.exit_code == 2);
  CHECK(bad.first_err_line() == "plantwin: error: --fingerprint: expected fail, warn or ignore, got 'maybe'");
}

TEST_CASE("check --json prints the document with a check section, and --out keeps it", "[cli][check]") {
  const std::string expect = write("json.expect.yaml", "expect:\n  lead_time_s: {max: 1h, confidence: 0.95}\n");
  const std::string dir = test_path("check_out");
  const auto r = run_cli("check " + TWO + " --expect " + expect + " --baseline " + baseline() + " --json --out " + dir);
  REQUIRE(r.exit_code == 0);
  plantwin::run::JsonError error;
  const auto doc = plantwin::run::parse_json(r.out, &error);
  INFO(error.message);
  REQUIRE(doc);
  const auto* check = doc->find("check");
  REQUIRE(check != nullptr);
  CHECK(check->find("exit_code")->number() == 0);
  const auto& bound = check->find("expectations")->items().at(0);
  CHECK(bound.find("max")->number() == 3600);
  CHECK(bound.find("confidence")->number() == 0.95);
  CHECK(bound.find("passed")->boolean());
  CHECK(check->find("baseline")->find("paired")->boolean());
  CHECK(check->find("baseline")->find("kpis")->items().size() > 10);
  // The report went to stderr, and --out holds the same document.
  CHECK_THAT(r.err, Catch::Contains("PASS lead_time_s = "));
  CHECK(read_text(dir + "/result.json") == r.out);
  CHECK_THAT(read_text(dir + "/stations.csv"), Catch::StartsWith("station,utilization_mean,"));
}

TEST_CASE("check writes its JUnit file also when it cannot test: invalid input, run failure", "[cli][check]") {
  const std::string junit = test_path("junit_error.xml");
  const std::string expect = write("typo.expect.yaml", "expect:\n  throughput_per_hour: {min: 1}\n");
  const auto invalid = run_cli("check " + TWO + " --expect " + expect + " --junit " + junit);
  CHECK(invalid.exit_code == 2);
  std::string xml = read_text(junit);
  CHECK_THAT(xml, Catch::Contains("tests=\"1\" failures=\"0\" errors=\"1\""));
  CHECK_THAT(xml, Catch::Contains("<error type=\"invalid input\" message=\"" + expect +
                                  ":2:3: error: expect.throughput_per_hour: no 'throughput_per_hour' in the result "
                                  "document (did you mean 'throughput_per_h'?)\">"));

  const std::string deadlock = write("deadlock.yaml", "plantwin: 1\nname: loop\nhorizon: 1h\n"
                                                      "products: [{id: p, route: [a, b, a, b]}]\n"
                                                      "sources: [{id: s, product: p, saturated: true}]\n"
                                                      "stations: [{id: a, buffer: 0, process: 10s}, {id: b, buffer: 0, process: 10s}]\n");
  const auto failed = run_cli("check " + deadlock + " --expect " + write("any.expect.yaml", "expect:\n  wip: {max: 9}\n") +
                              " --junit " + junit);
  CHECK(failed.exit_code == 3);
  xml = read_text(junit);
  CHECK_THAT(xml, Catch::Contains("<error type=\"run failure\" message=\"plantwin: error: " + deadlock +
                                  ": replication 0: deadlock at t="));

  // Even a wrong command line.
  const auto usage = run_cli("check " + TWO + " --expect " + expect + " --fast --junit=" + junit);
  CHECK(usage.exit_code == 2);
  CHECK_THAT(read_text(junit), Catch::Contains("<error type=\"invalid input\" message=\"plantwin: error: unknown option "
                                               "'--fast'\">"));
}

TEST_CASE("an expectation file's bad values and misspelt paths are reported in one pass", "[cli][check]") {
  const std::string expect = write("two.expect.yaml", "expect:\n"
                                                      "  throughput_per_h: {min: fast}\n"
                                                      "  stations.ovn.utilization: {max: 0.9}\n"
                                                      "  lead_time_s.p95: {max: 1h, confidence: 0.95}\n");
  const auto r = run_cli("check " + TWO + " --expect " + expect);
  CHECK(r.exit_code == 2);
  CHECK(r.err == expect + ":2:27: error: expect.throughput_per_h.min: 'throughput_per_h' is per hour: expected a "
                          "frequency like \"50/h\" or \"0.8/min\", got \"fast\"\n" +
                     expect + ":3:3: error: expect.stations.ovn.utilization: no 'ovn' in 'stations' (did you mean "
                              "'oven'?)\n" +
                     expect + ":4:42: error: expect.lead_time_s.p95.confidence: 'lead_time_s.p95' has no interval (a "
                              "percentile pooled over the replications): confidence mode needs a KPI object\n");
  const auto one = run_cli("check scenarios/examples/two_stations.yaml --expect " +
                           write("one.expect.yaml", "expect:\n  wip: {max: 9, confidence: 0.95}\n"));
  CHECK(one.exit_code == 2);
  CHECK_THAT(one.first_err_line(), Catch::EndsWith(":2:29: error: expect.wip.confidence: confidence mode needs an "
                                                   "interval, so at least 2 replications; this check runs 1"));
}

TEST_CASE("an expectation file's set: errors come in the file's order with its other errors", "[cli][check]") {
  // The scenario's loader reports the bad `set:` value, the expectation file's reader the rest:
  // one list, by line.
  const std::string expect = write("order.expect.yaml", "set:\n"
                                                        "  stations.oven.servers: 0\n"
                                                        "expect:\n"
                                                        "  wip: {max: 9}\n"
                                                        "replications: 0\n");
  const auto r = run_cli("check scenarios/examples/two_stations.yaml --expect " + expect);
  CHECK(r.exit_code == 2);
  CHECK(r.err == expect + ":2:26: error: stations[1].servers: expected an integer from 1 to 10000, got \"0\"\n" +
                     expect + ":5:15: error: replications: expected an integer from 1 to 100000, got \"0\"\n");
}

TEST_CASE("the document's own numbers are not called means over the replications", "[cli][check]") {
  const std::string expect = write("run.expect.yaml", "expect:\n"
                                                      "  seed: {min: 1}\n"
                                                      "  events: {min: 1}\n"
                                                      "  stations.oven.utilization: {max: 1}\n");
  const auto r = run_cli("check " + TWO + " --expect " + expect);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("PASS seed = 1.00\n"));
  CHECK_THAT(r.out, Catch::Contains(" (all 8 replications)\n"));
  CHECK_THAT(r.out, Catch::Contains("PASS stations.oven.utilization = ") && Catch::Contains("over 8 replications"));
  // A setting the document repeats is no measurement either.
  const std::string due = write("due.expect.yaml", "expect:\n"
                                                  "  orders.by_order.MB-1001.due_s: {min: 1}\n"
                                                  "  operators.setters.count: {min: 1}\n"
                                                  "  fleets.agv.vehicles: {min: 1}\n");
  const auto order = run_cli("check scenarios/smt_line.yaml --set replications=2 --set horizon=2h --expect " + due);
  CHECK_THAT(order.out, Catch::StartsWith("PASS orders.by_order.MB-1001.due_s = 31500.0\n"
                                          "PASS operators.setters.count = 1.00\n"
                                          "PASS fleets.agv.vehicles = 2.00\n"));
}

TEST_CASE("a missing percentile is one error, and an order not done says why it has no done_s", "[cli][check]") {
  const std::string p90 = write("p90.expect.yaml", "expect:\n  lead_time_s.p90: {max: 1h}\n");
  const auto missing = run_cli("check " + TWO + " --expect " + p90);
  CHECK(missing.exit_code == 2);
  CHECK(missing.err == p90 + ":2:3: error: expect.lead_time_s.p90: no 'p90' in 'kpis.lead_time_s' (did you mean 'p50'?)\n");
  const std::string done = write("done.expect.yaml", "expect:\n  orders.by_order.MB-1001.done_s: {max: 30h}\n");
  const auto late = run_cli("check scenarios/smt_line.yaml --set replications=2 --set horizon=2h --expect " + done);
  CHECK(late.exit_code == 1);
  CHECK_THAT(late.out, Catch::StartsWith("FAIL orders.by_order.MB-1001.done_s = n/a: undefined in this run (the order was "
                                         "not done by the horizon in at least one replication)\n"));
}

TEST_CASE("a baseline edited by hand is refused where it disagrees with itself, and undefined KPIs are counted", "[cli][check][baseline]") {
  // `edit` changes kpis.wip of the baseline: its mean, and its values (one per replication).
  const auto edited = [](const std::string& name, std::optional<double> mean, double first_value) {
    auto doc = plantwin::run::parse_json(read_text(baseline()), nullptr);
    REQUIRE(doc);
    plantwin::run::Json& wip = (*doc)["kpis"]["wip"];
    plantwin::run::Json values = plantwin::run::Json::array();
    values.push_back(plantwin::run::Json(first_value));
    for (std::size_t k = 1; k < wip.find("values")->items().size(); ++k) values.push_back(wip.find("values")->items()[k]);
    wip["values"] = values;
    wip["mean"] = mean ? plantwin::run::Json(*mean) : plantwin::run::Json();
    return write(name, doc->dump(1));
  };
  const double first = (*plantwin::run::parse_json(read_text(baseline()), nullptr))["kpis"]["wip"].find("values")->items()[0].number();
  const auto mean = run_cli("check " + TWO + " --baseline " + edited("mean.json", 99.0, first));
  CHECK(mean.exit_code == 2);
  CHECK_THAT(mean.first_err_line(), Catch::Contains(":1:1: error: kpis.wip.mean: 99 is not the mean of its values (") &&
                                        Catch::Contains("): the file was edited"));
  const auto negative = run_cli("check " + TWO + " --baseline " + edited("negative.json", 0.0, -1.0));
  CHECK(negative.exit_code == 2);
  CHECK_THAT(negative.first_err_line(),
             Catch::EndsWith(":1:1: error: kpis.wip.values[0]: -1 is out of the KPI's range (0 or more): the file was edited"));
  // An undefined mean with an undefined value is what plantwin writes for a KPI undefined in one
  // replication: it is not compared, and the summary says how many such KPIs there are.
  auto doc = plantwin::run::parse_json(read_text(baseline()), nullptr);
  plantwin::run::Json& wip = (*doc)["kpis"]["wip"];
  plantwin::run::Json values = plantwin::run::Json::array();
  for (const auto& v : wip.find("values")->items()) values.push_back(values.items().empty() ? plantwin::run::Json() : v);
  wip["values"] = values;
  wip["mean"] = plantwin::run::Json();
  const auto undefined = run_cli("check " + TWO + " --baseline " + write("undefined.json", doc->dump(1)));
  CHECK(undefined.exit_code == 0);
  CHECK_THAT(undefined.out, Catch::Contains(" of them changed; 1 with a direction not compared (undefined in the baseline)\n"));
}

TEST_CASE("check needs something to check", "[cli][check]") {
  const auto none = run_cli("check " + TWO);
  CHECK(none.exit_code == 2);
  CHECK(none.first_err_line() == "plantwin: error: check needs --expect EXPECT.yaml, --baseline RESULT.json or both");
  const std::string settings = write("settings.expect.yaml", "baseline:\n  tolerance: 0.05\n");
  const auto only_settings = run_cli("check " + TWO + " --expect " + settings);
  CHECK(only_settings.exit_code == 2);
  CHECK(only_settings.first_err_line() == "plantwin: error: " + settings + ": nothing to check without --baseline RESULT.json");
  CHECK(run_cli("check " + TWO + " --expect " + settings + " --baseline " + baseline()).exit_code == 0);
}
