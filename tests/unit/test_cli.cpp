// The command line as users and CI pipelines see it: exit codes, messages, outputs.
#include <catch2/catch.hpp>

#include <dirent.h>
#include <algorithm>
#include <cmath>
#include <filesystem>

#include "cli/report.hpp"
#include "cli/report_network.hpp"
#include "cli_support.hpp"

using plantwin::testing::read_text;
using plantwin::testing::run_cli;
using plantwin::testing::test_path;

namespace {
// The result document without wall_s, which is the only field that may differ between runs.
std::string without_wall_time(std::string json) {
  const std::string key = "\"wall_s\": ";
  const auto at = json.find(key);
  if (at != std::string::npos) json.erase(at, json.find(',', at) - at);
  return json;
}

// The text after `"key": ` up to the next ',', newline or closing bracket, without quotes.
std::string field(const std::string& json, const std::string& key, std::size_t from = 0) {
  const std::string k = "\"" + key + "\": ";
  const auto at = json.find(k, from);
  if (at == std::string::npos) return {};
  auto start = at + k.size();
  if (json[start] == '"') ++start;
  const auto end = json.find_first_of("\",\n}", start);
  return json.substr(start, end - start);
}
}  // namespace

TEST_CASE("the CLI without a command prints its usage and exits with 2", "[cli]") {
  const auto r = run_cli("");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("usage: plantwin run FILE"));
}

TEST_CASE("an unknown option is a usage error", "[cli]") {
  const auto r = run_cli("run scenarios/smt_line.yaml --fast");
  CHECK(r.exit_code == 2);
  CHECK(r.first_err_line() == "plantwin: error: unknown option '--fast'");
}

TEST_CASE("a missing scenario file is reported with its name", "[cli]") {
  const auto r = run_cli("validate no/such/file.yaml");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.first_err_line(), Catch::StartsWith("no/such/file.yaml:1:1: error:"));
}

TEST_CASE("validate accepts the flagship scenario", "[cli]") {
  const auto r = run_cli("validate scenarios/smt_line.yaml");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("valid"));
}

TEST_CASE("every bad scenario gives its expected first error through the CLI, with exit code 2", "[cli]") {
  const std::string dir = std::string(PLANTWIN_SOURCE_DIR) + "/tests/bad";
  DIR* d = opendir(dir.c_str());
  REQUIRE(d != nullptr);
  int count = 0;
  while (dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name.size() < 6 || name.substr(name.size() - 5) != ".yaml") continue;
    const std::string stem = name.substr(0, name.size() - 5);
    std::string expected = read_text(dir + "/" + stem + ".expected");
    expected = expected.substr(0, expected.find('\n'));
    const auto r = run_cli("validate tests/bad/" + name);
    INFO(name);
    CHECK(r.exit_code == 2);
    CHECK(r.first_err_line() == expected);
    ++count;
  }
  closedir(d);
  CHECK(count >= 20);
}

TEST_CASE("a bad --set value is located in the override", "[cli]") {
  const auto r = run_cli("run scenarios/smt_line.yaml --set stations.reflow.servers=two");
  CHECK(r.exit_code == 2);
  CHECK(r.first_err_line() == "--set[1]:1:25: error: stations[4].servers: expected an integer, got \"two\"");
}

TEST_CASE("warmup + horizon too long is located at the option that made it so", "[cli]") {
  const auto warmup = run_cli("run scenarios/examples/two_stations.yaml --warmup 36500d");
  CHECK(warmup.exit_code == 2);
  CHECK(warmup.first_err_line() == "--warmup:1:1: error: warmup: warmup + horizon must be at most 100 years");
  const auto horizon = run_cli("run scenarios/examples/two_stations.yaml --horizon 36500d --warmup 1d");
  CHECK(horizon.exit_code == 2);
  CHECK(horizon.first_err_line() == "--horizon:1:1: error: horizon: warmup + horizon must be at most 100 years");
}

TEST_CASE("an unknown id in --set suggests the right one", "[cli]") {
  const auto r = run_cli("run scenarios/smt_line.yaml --set stations.reflw.servers=2");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.first_err_line(), Catch::Contains("did you mean 'reflow'?"));
}

TEST_CASE("run --json prints the result document alone, the same for any --jobs", "[cli][determinism]") {
  const auto one = run_cli("run scenarios/smt_line.yaml --json --jobs 1 --replications 4");
  const auto two = run_cli("run scenarios/smt_line.yaml --json --jobs 2 --replications 4");
  REQUIRE(one.exit_code == 0);
  REQUIRE(two.exit_code == 0);
  CHECK(one.out.front() == '{');
  CHECK(one.out.substr(one.out.size() - 2) == "}\n");
  CHECK(without_wall_time(one.out) == without_wall_time(two.out));
}

TEST_CASE("another seed gives another trajectory", "[cli][determinism]") {
  const auto a = run_cli("run scenarios/smt_line.yaml --json --replications 1 --seed 1");
  const auto b = run_cli("run scenarios/smt_line.yaml --json --replications 1 --seed 2");
  REQUIRE(field(a.out, "fingerprint").size() == 16);
  CHECK(field(a.out, "fingerprint") != field(b.out, "fingerprint"));
}

TEST_CASE("replication k's numbers do not depend on how many replications run", "[cli][determinism]") {
  const auto three = run_cli("run scenarios/smt_line.yaml --json --replications 3");
  const auto five = run_cli("run scenarios/smt_line.yaml --json --replications 5");
  // The first "values" list of the document is the plant's throughput per replication.
  auto values = [](const std::string& json) {
    const auto at = json.find("\"values\": [");
    return json.substr(at, json.find(']', at) - at);
  };
  const std::string v3 = values(three.out), v5 = values(five.out);
  REQUIRE(std::count(v3.begin(), v3.end(), ',') == 2);
  CHECK(v5.rfind(v3, 0) == 0);
}

TEST_CASE("every example scenario keeps its golden fingerprint", "[cli][golden]") {
  // tests/golden/fingerprints.txt: "scenario-path fingerprint" per line.
  std::istringstream lines(read_text(std::string(PLANTWIN_SOURCE_DIR) + "/tests/golden/fingerprints.txt"));
  std::string path, fingerprint;
  int count = 0;
  while (lines >> path >> fingerprint) {
    INFO(path);
    const auto r = run_cli("run " + path + " --json");
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("\"fingerprint\": \"" + fingerprint + "\""));
    ++count;
  }
  CHECK(count >= 1);
}

TEST_CASE("check passes the flagship's plan and writes a JUnit report", "[cli][check]") {
  const auto r = run_cli("check scenarios/smt_line.yaml --expect scenarios/smt_line.expect.yaml --junit " + test_path("junit_test.xml"));
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::EndsWith("scenarios/smt_line.yaml: 12 of 12 expectation(s) met; fingerprint unchanged\n"));
  // Confidence mode: the whole interval within the bound, and said so.
  CHECK_THAT(r.out, Catch::Contains("PASS orders.by_order.MB-1001.on_time = 0.800 (95 % CI 0.490 .. 0.943 over 10 "
                                    "replications): the interval is within the bound\n"));
  // A bound with a unit: {max: 6h} is 21600 s.
  CHECK_THAT(r.out, Catch::Contains("PASS lead_time_s.p95 = 20000.2 (pooled over 10 replications, no interval)\n"));
  const std::string xml = read_text(test_path("junit_test.xml"));
  CHECK_THAT(xml, Catch::Contains("tests=\"13\" failures=\"0\""));
  CHECK_THAT(xml, Catch::Contains("name=\"lead_time_s.p95 &lt;= 21600\""));
  CHECK_THAT(xml, Catch::Contains("name=\"orders.on_time &gt;= 0.75 (95 % confidence)\""));
}

TEST_CASE("check exits with 1 and names the measured value and interval of a failed expectation", "[cli][check]") {
  const auto r = run_cli("check scenarios/smt_line.yaml --expect scenarios/smt_line.expect.yaml "
                         "--set stations.pnp_chip.process.mainboard=60s --junit " + test_path("junit_fail.xml"));
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Catch::Contains("FAIL orders.on_time = 0.097 (95 % CI 0.070 .. 0.123 over 10 replications): below the minimum 0.75"));
  CHECK_THAT(r.out, Catch::Contains("FAIL lead_time_s = 15493.7 (95 % CI 15052.9 .. 15934.6 over 10 replications): above the maximum 12000"));
  CHECK_THAT(r.out, Catch::Contains("FAIL fingerprint 002842a59f2385f9: the event trajectory changed (expected 87aef430052de490)"));
  CHECK_THAT(r.out, Catch::EndsWith(": 7 of 12 expectation(s) met, 5 failed; fingerprint changed\n"));
  CHECK_THAT(read_text(test_path("junit_fail.xml")), Catch::Contains("<failure type=\"expectation\" message="));
  CHECK_THAT(read_text(test_path("junit_fail.xml")), Catch::Contains("<failure type=\"fingerprint\" message="));
}

TEST_CASE("an expectation on a KPI that does not exist is a located error before any run", "[cli][check]") {
  const std::string expect = test_path("bad_expect.yaml");
  std::ofstream(expect) << "expect:\n  stations.reflow.utilisation: {max: 0.9}\n";
  const auto r = run_cli("check scenarios/smt_line.yaml --expect " + expect);
  CHECK(r.exit_code == 2);
  CHECK(r.first_err_line() == expect + ":2:3: error: expect.stations.reflow.utilisation: no 'utilisation' in "
                                       "'stations.reflow' (did you mean 'utilization'?)");
}

TEST_CASE("a deadlock while running exits with 3 and says why", "[cli]") {
  const std::string file = test_path("deadlock.yaml");
  std::ofstream(file) << "plantwin: 1\nname: loop\nhorizon: 1h\n"
                         "products: [{id: p, route: [a, b, a, b]}]\n"
                         "sources: [{id: s, product: p, saturated: true}]\n"
                         "stations: [{id: a, buffer: 0, process: 10s}, {id: b, buffer: 0, process: 10s}]\n";
  const auto r = run_cli("run " + file);
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.err, Catch::Contains("deadlock"));
}

TEST_CASE("run --out writes the document and CSV files", "[cli]") {
  const auto r = run_cli("run scenarios/smt_line.yaml --replications 2 --out " + test_path("out_test"));
  CHECK(r.exit_code == 0);
  CHECK_THAT(read_text(test_path("out_test/result.json")), Catch::Contains("\"fingerprint\""));
  CHECK_THAT(read_text(test_path("out_test/stations.csv")), Catch::StartsWith("station,utilization_mean,"));
  CHECK_THAT(read_text(test_path("out_test/products.csv")), Catch::Contains("mainboard,"));
  CHECK_THAT(read_text(test_path("out_test/replications.csv")), Catch::StartsWith("replication,throughput_per_h,"));
}

TEST_CASE("run --trace writes one CSV line per event of replication 0", "[cli]") {
  const auto r = run_cli("run scenarios/smt_line.yaml --replications 1 --json --trace " + test_path("trace.csv"));
  REQUIRE(r.exit_code == 0);
  const std::string trace = read_text(test_path("trace.csv"));
  CHECK_THAT(trace, Catch::StartsWith("time_s,model,event,arg\n"));
  CHECK_THAT(trace, Catch::Contains(",station/reflow,end_work,"));
  const auto lines = static_cast<std::size_t>(std::count(trace.begin(), trace.end(), '\n'));
  CHECK(lines == std::stoul(field(r.out, "events")) + 1);
}

TEST_CASE("seeds are printed exactly, all 19 digits", "[cli]") {
  const auto r = run_cli("run scenarios/examples/two_stations.yaml --json --replications 1 --seed 9223372036854775807");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("\"seed\": 9223372036854775807,"));
}

TEST_CASE("in check, command-line overrides are numbered among themselves, after an expectation file's set", "[cli][check]") {
  const std::string expect = test_path("set_expect.yaml");
  std::ofstream(expect) << "expect:\n  throughput_per_h: {min: 1}\nset:\n  stations.aoi.servers: 2\n  stations.pack.servers: 2\n";
  const auto r = run_cli("check scenarios/smt_line.yaml --expect " + expect + " --set stations.test.servers=zero");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.first_err_line(), Catch::StartsWith("--set[1]:1:"));
}

TEST_CASE("in check, --set seed and replications replace the expectation file's", "[cli][check]") {
  const std::string expect = test_path("seed_expect.yaml");
  std::ofstream(expect) << "seed: 7\nreplications: 5\nexpect:\n  throughput_per_h: {min: 1}\n";
  const auto file = run_cli("check scenarios/examples/two_stations.yaml --expect " + expect + " --json");
  REQUIRE(file.exit_code == 0);
  CHECK_THAT(file.out, Catch::Contains("\"seed\": 7,") && Catch::Contains("\"replications\": 5,"));
  const auto cli = run_cli("check scenarios/examples/two_stations.yaml --expect " + expect + " --json --set seed=9 --set replications=2");
  REQUIRE(cli.exit_code == 0);
  CHECK_THAT(cli.out, Catch::Contains("\"seed\": 9,") && Catch::Contains("\"replications\": 2,"));
}

TEST_CASE("validate warns about routes that loop through finite buffers", "[cli]") {
  const auto r = run_cli("validate scenarios/examples/reentrant.yaml --set stations.coat.buffer=2");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Contains("warning:") && Catch::Contains("can deadlock"));
}

TEST_CASE("run --out writes one set of columns for stations with different fields", "[cli]") {
  // The assembly station has fields the others have not: every row has as many cells as the header.
  const auto r = run_cli("run scenarios/examples/box_build.yaml --replications 1 --out " + test_path("box_out"));
  REQUIRE(r.exit_code == 0);
  std::istringstream csv(read_text(test_path("box_out/stations.csv")));
  std::string line;
  std::getline(csv, line);
  const auto columns = std::count(line.begin(), line.end(), ',');
  CHECK_THAT(line, Catch::Contains("kits_waiting"));
  int rows = 0;
  while (std::getline(csv, line)) {
    INFO(line);
    CHECK(std::count(line.begin(), line.end(), ',') == columns);
    ++rows;
  }
  CHECK(rows >= 3);
}

TEST_CASE("run --out puts every file in place or none", "[cli]") {
  const std::string dir = test_path("out_all_or_none");
  std::filesystem::remove_all(dir);
  REQUIRE(run_cli("run scenarios/examples/two_stations.yaml --out " + dir).exit_code == 0);
  const std::string result = read_text(dir + "/result.json");
  const std::string products = read_text(dir + "/products.csv");
  // A directory where stations.csv goes: its rename fails after result.json's, which is put back.
  std::filesystem::remove(dir + "/stations.csv");
  std::filesystem::create_directories(dir + "/stations.csv/x");
  const auto r = run_cli("run scenarios/examples/two_stations.yaml --seed 7 --out " + dir);
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.err, Catch::Contains("cannot write " + dir + "/stations.csv: ") && Catch::Contains(dir + " is as it was"));
  CHECK(read_text(dir + "/result.json") == result);
  CHECK(read_text(dir + "/products.csv") == products);
  for (const auto& entry : std::filesystem::directory_iterator(dir)) CHECK(entry.path().filename().string().front() != '.');
  std::filesystem::remove_all(dir);
}

TEST_CASE("a number wider than its column in the report keeps a space from its neighbour", "[cli]") {
  // One part every microsecond for 11 s: about 11 million completed, 10 characters in a column of 10.
  const std::string file = test_path("fast.yaml");
  {
    std::ofstream out(file);
    out << "plantwin: 1\nname: fast\nhorizon: 11s\nproducts: [{id: p, route: [a]}]\n"
           "sources: [{id: src, product: p, interarrival: 1us}]\nstations: [{id: a, process: 1us}]\n";
  }
  const auto r = run_cli("run " + file + " --replications 1");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("     0.000 10999998.0\n"));
}

TEST_CASE("every table keeps a space between cells whose numbers fill their columns", "[cli]") {
  // A flow that lost 0.01 messages and resent 1,235,711: "0.0" then " 1235711.0", not "0.01235711.0".
  // Counts of the other tables (vehicles, operators, WIP limits) go through the same cells.
  CHECK(plantwin::cli::cell(29999999.0, 10) == " 29999999.0");
  CHECK(plantwin::cli::cell(2.5, 10) == "      2.50");
  CHECK(plantwin::cli::cell_decimals(123456789, 0, 7) == " 123456789");
  CHECK(plantwin::cli::cell_decimals(std::nan(""), 0, 5) == "  n/a");
  const auto doc = plantwin::run::parse_json(R"({"flows": {"vib": {"completed": {"mean": 2880024},
      "latency_s": {"mean": 0.0123, "p95": 0.05, "p99": 0.1}, "lost": {"mean": 0.01},
      "retransmissions": {"mean": 1235711}}}, "links": {}, "stations": {}})", nullptr);
  REQUIRE(doc.has_value());
  CHECK_THAT(plantwin::cli::format_network_report(*doc), Catch::Contains("      0.0 1235711.0\n"));
}
