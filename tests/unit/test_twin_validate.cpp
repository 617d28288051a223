// validate-log (twin/validate.hpp): the twin against a log, row by row, family-wise.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "cli_support.hpp"
#include "kernel/stats.hpp"
#include "twin/validate.hpp"
#include "twin_support.hpp"

using namespace plantwin;
using namespace plantwin::testing;

namespace {

// A line whose bottleneck is `a` (utilization 0.8).
const char* LINE = R"(plantwin: 1
name: validated
seed: 5
horizon: 24h
products: [{id: p, route: [a, b]}]
sources: [{id: s, product: p, interarrival: {dist: exponential, mean: 10s}, limit: 8000}]
stations:
  - {id: a, process: {dist: exponential, mean: 8s}}
  - {id: b, buffer: 5, process: {dist: lognormal, mean: 5s, cv: 0.3}}
)";

}  // namespace

TEST_CASE("validate-log passes a log of the scenario itself and fails one whose bottleneck is 15 % slower, naming it",
          "[twin][validate]") {
  const scenario::ScenarioSpec spec = spec_of(LINE, "validated.yaml");
  const TempFile own("own.csv"), slow("slow.csv");
  // The plant's logs draw other numbers than the twin's replications (another seed).
  write_log(spec_of(LINE, "validated.yaml", {{"seed", "99", std::nullopt}}), own.path());
  write_log(spec_of(LINE, "validated.yaml", {{"seed", "99", std::nullopt}, {"stations.a.process.mean", "9.2s", std::nullopt}}),
            slow.path());
  twin::ValidateOptions options;
  options.jobs = 2;
  const twin::ValidateResult pass = twin::validate_log(own.path(), spec, options);
  REQUIRE(pass.outcome == twin::ValidateResult::Outcome::PASSED);
  CHECK(pass.exit_code() == 0);
  CHECK(pass.state_rows);
  CHECK(pass.row_level == Approx(1 - 0.05 / static_cast<double>(pass.rows.size())));
  const auto row = [&](const twin::ValidateResult& r, const std::string& kpi) {
    return *std::find_if(r.rows.begin(), r.rows.end(), [&](const auto& x) { return x.kpi == kpi; });
  };
  CHECK(row(pass, "throughput_per_h.p").inside);
  CHECK(row(pass, "stations.a.utilization").low < row(pass, "stations.a.utilization").log);

  const twin::ValidateResult fail = twin::validate_log(slow.path(), spec, options);
  REQUIRE(fail.outcome == twin::ValidateResult::Outcome::FAILED);
  CHECK(fail.exit_code() == 1);
  CHECK_FALSE(row(fail, "stations.a.utilization").inside);
  REQUIRE_FALSE(fail.stations_out.empty());
  CHECK(fail.stations_out.front() == "a");
  CHECK_THAT(twin::validate_report_text(fail, "slow.csv", "validated.yaml"),
             Catch::Contains("station(s) that differ: a"));
  // The summary names the rows outside most out first.
  std::vector<const twin::ValidateRow*> outside;
  for (const auto& r : fail.rows)
    if (!r.inside) outside.push_back(&r);
  REQUIRE(outside.size() >= 2);
  const auto farthest = *std::max_element(outside.begin(), outside.end(), [](const auto* a, const auto* b) { return a->half_widths < b->half_widths; });
  CHECK_THAT(twin::validate_report_text(fail, "slow.csv", "validated.yaml"), Catch::Contains("outside: " + farthest->kpi + " "));

  // Every interval holds the normal one, mean ± t·s·√(1 + 1/R); a row of positive values also the
  // same on the log scale, wider on the right for a right-skewed KPI.
  const double n = options.replications;
  const double t = kernel::student_t_quantile(1 - 0.05 / (2 * static_cast<double>(pass.rows.size())), n - 1);
  for (const auto& r : pass.rows) {
    CAPTURE(r.kpi);
    const double half = t * r.sd * std::sqrt(1 + 1 / n);
    CHECK(r.low <= std::max(0.0, r.mean - half) + 1e-12);
    if (r.station.empty()) CHECK(r.high >= r.mean + half - 1e-12);
  }
  const auto lead = row(pass, "lead_time_s.p95");
  CHECK(lead.high - lead.mean > lead.mean - lead.low);
}

TEST_CASE("validate-log's Kolmogorov-Smirnov distance is 0 when the log and the twin have the same lead times",
          "[twin][validate]") {
  // A reviewer's case: every replication of a deterministic line is its log, lead times all
  // 43 s (ties everywhere) or growing with the queue; the distance was 1 and 1/31.
  for (const char* b : {"23s", "30s"}) {
    CAPTURE(b);
    const scenario::ScenarioSpec spec = spec_of(R"(plantwin: 1
name: det
seed: 1
horizon: 1000s
products: [{id: p, route: [a, b]}]
sources: [{id: src, product: p, interarrival: 25s}]
stations: [{id: a, process: 20s}, {id: b, process: 23s}]
)", "det.yaml", {{"stations.b.process", b, std::nullopt}});
    const TempFile log("det.csv");
    write_log(spec, log.path());
    twin::ValidateOptions options;
    options.replications = 5;
    const twin::ValidateResult r = twin::validate_log(log.path(), spec, options);
    CHECK(r.outcome == twin::ValidateResult::Outcome::PASSED);
    CHECK(r.lead_n_twin == 5 * r.lead_n_log);
    CHECK(r.ks_d == 0);
    CHECK(r.ks_p == 1);
  }
}

TEST_CASE("validate-log's count rows reach one part beyond replications that all agree", "[twin][validate]") {
  // A deterministic station: every replication exits parts 1, 2 and 3 at 45, 70 and 95 s. In the
  // log part 3 (or part 2 too) is still being worked on when the window closes at 100 s.
  const scenario::ScenarioSpec spec = spec_of(R"(plantwin: 1
name: one
seed: 1
horizon: 100s
products: [{id: p, route: [a]}]
sources: [{id: src, product: p, interarrival: 25s}]
stations: [{id: a, process: 20s}]
)", "one.yaml");
  const std::string head = "time,event,station,server,part,product,order,carrier,from,to,state\n";
  const auto part = [](int id, int release, int end) {
    std::ostringstream o;
    o << release << ",release,,," << id << ",p,,,,,\n" << release << ",enter,a,," << id << ",p,,,,,\n"
      << release << ",state,a,0,,,,,,,working\n" << release << ",start,a,0," << id << ",p,,,,,\n";
    if (end <= 100)
      o << end << ",end,a,0," << id << ",p,,,,,\n" << end << ",leave,a,0," << id << ",p,,,,,\n" << end
        << ",state,a,0,,,,,,,idle\n" << end << ",exit,,," << id << ",p,,,,,\n";
    return o.str();
  };
  const std::string last = "100,release,,,4,p,,,,,\n100,enter,a,,4,p,,,,,\n";
  const TempFile one("one.csv", head + part(1, 25, 45) + part(2, 50, 70) + part(3, 75, 101) + last);
  twin::ValidateOptions options;
  options.replications = 5;
  const twin::ValidateResult r = twin::validate_log(one.path(), spec, options);
  const auto row = [](const twin::ValidateResult& v, const std::string& kpi) {
    return *std::find_if(v.rows.begin(), v.rows.end(), [&](const auto& x) { return x.kpi == kpi; });
  };
  const twin::ValidateRow throughput = row(r, "throughput_per_h.p");
  const double per_part = 3600.0 / 75;  // one part in the 75 s window, per hour
  CHECK(throughput.sd == 0);
  CHECK(throughput.mean == Approx(3 * per_part));
  CHECK(throughput.log == Approx(2 * per_part));
  CHECK(throughput.low == Approx(2 * per_part));
  CHECK(throughput.high == Approx(4 * per_part));
  CHECK(throughput.inside);
  CHECK(row(r, "stations.a.states.working").inside);
  // A time average is not a count: part 3's 5 s more in the plant are outside the twin's WIP.
  CHECK_FALSE(row(r, "wip").inside);
  CHECK(row(r, "wip").verdict == "above by 0.0667");

  // Two parts short is outside; the working share (part 2 on the server from 50 s on) is within one
  // part's work, 20 s of the 75 s.
  const std::string waiting = "75,release,,,3,p,,,,,\n75,enter,a,,3,p,,,,,\n";
  const TempFile two("two.csv", head + part(1, 25, 45) + part(2, 50, 101) + waiting + last);
  const twin::ValidateResult r2 = twin::validate_log(two.path(), spec, options);
  CHECK_FALSE(row(r2, "throughput_per_h.p").inside);
  CHECK(row(r2, "stations.a.states.working").inside);
  CHECK(row(r2, "stations.a.states.working").low == Approx(row(r2, "stations.a.states.working").mean - 20.0 / 75));
  CHECK(r2.outcome == twin::ValidateResult::Outcome::FAILED);
}

TEST_CASE("validate-log replays an assembly whose components are scrapped and replaced without a part too many",
          "[twin][validate]") {
  // Boards fail their test one time in five and are made again (a scrapped component's source
  // releases another). The log's replacements are the plant's draws: replayed beside the twin's
  // own, a board was left over once the housings were all released, and the run stopped as a stall.
  const char* KIT = R"(plantwin: 1
name: kit
seed: 3
horizon: 4h
products:
  - {id: board, route: [smt, test, asm]}
  - {id: housing, route: [mold, asm]}
  - {id: device, bom: {board: 1, housing: 2}, route: [asm]}
sources: [{id: plan, wip_limit: 12, orders: [{id: D-1, product: device, quantity: 150, release: 0s}]}]
stations:
  - {id: smt, process: {dist: exponential, mean: 40s}}
  - {id: test, process: 20s, yield: 0.8}
  - {id: mold, process: 15s}
  - {id: asm, process: {dist: exponential, mean: 30s}}
)";
  const scenario::ScenarioSpec spec = spec_of(KIT, "kit.yaml");
  const TempFile log("kit.csv");
  write_log(spec_of(KIT, "kit.yaml", {{"seed", "99", std::nullopt}}), log.path());
  twin::ValidateOptions options;
  options.jobs = 2;
  options.replications = 8;
  const twin::ValidateResult r = twin::validate_log(log.path(), spec, options);
  INFO(r.error);
  CHECK(r.outcome != twin::ValidateResult::Outcome::RUN_FAILED);
  CHECK(r.replacements > 10);  // about a quarter of 150 boards
  CHECK_THAT(twin::validate_report_text(r, "kit.csv", "kit.yaml"),
             Catch::Contains(" of scrapped components, which the twin makes itself)"));
  // A plant's log whose scrap rows name only the part: the replay knows its product and order.
  std::string text = read_text(log.path()), bare;
  std::istringstream rows(text);
  for (std::string line; std::getline(rows, line);) {
    if (line.find(",scrap,") != std::string::npos) {
      std::vector<std::string> f;
      std::stringstream fields(line);
      for (std::string x; std::getline(fields, x, ',');) f.push_back(x);
      f.resize(std::max<std::size_t>(f.size(), 7));
      f[5] = f[6] = "";
      line.clear();
      for (std::size_t k = 0; k < f.size(); ++k) line += (k ? "," : "") + f[k];
    }
    bare += line + "\n";
  }
  const TempFile bare_log("kit_bare.csv", bare);
  const twin::ValidateResult b = twin::validate_log(bare_log.path(), spec, options);
  INFO(b.error);
  CHECK(b.outcome != twin::ValidateResult::Outcome::RUN_FAILED);
  CHECK(b.replacements == r.replacements);
}

TEST_CASE("validate-log exits like check: 0 inside, 1 outside, 2 on a bad log, with JUnit", "[twin][validate][cli]") {
  const TempFile scenario("cli.yaml", LINE), log("cli.csv"), junit("cli.xml"), bad("bad.csv", "time,event\n0,release\n");
  write_log(spec_of(LINE, "cli.yaml", {{"seed", "98", std::nullopt}}), log.path());
  const CliResult ok = run_cli("validate-log " + log.path() + " " + scenario.path() + " --replications 10 --junit " + junit.path());
  CHECK(ok.exit_code == 0);
  CHECK_THAT(ok.out, Catch::Contains("the twin reproduces the log"));
  CHECK_THAT(read_text(junit.path()), Catch::Contains("<testsuites name=\"plantwin validate-log\""));
  CHECK_THAT(read_text(junit.path()), Catch::Contains("classname=\"plantwin.validate-log\" name=\"stations.a.utilization\""));
  const CliResult bad_log = run_cli("validate-log " + bad.path() + " " + scenario.path() + " --junit " + junit.path());
  CHECK(bad_log.exit_code == 2);
  CHECK_THAT(bad_log.err, Catch::Contains(bad.path() + ":1: error: missing required column(s) station, part, product"));
  CHECK_THAT(read_text(junit.path()), Catch::Contains("<error type=\"invalid input\""));
  const CliResult usage = run_cli("validate-log " + log.path() + " " + scenario.path() + " --confidence 2");
  CHECK(usage.exit_code == 2);
  CHECK_THAT(usage.err, Catch::Contains("--confidence: expected a number between 0 and 1 (0.95), got '2'"));
  const CliResult json = run_cli("validate-log " + log.path() + " " + scenario.path() + " --replications 5 --json");
  CHECK(json.exit_code == 0);
  CHECK_THAT(json.out, Catch::StartsWith("{\n  \"plantwin\""));
  CHECK_THAT(json.out, Catch::Contains("\"passed\": true"));
}
