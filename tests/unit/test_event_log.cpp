// The event log (run/event_log.hpp, docs/twin.md): what `plantwin run --events` writes.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "cli_support.hpp"
#include "run/event_log.hpp"
#include "scenario/units.hpp"

using namespace plantwin;
using namespace plantwin::testing;

namespace {

const char* TINY = "plantwin: 1\nname: tiny\nhorizon: 100s\n"
                   "products: [{id: p, route: [a, b]}]\n"
                   "sources: [{id: plan, orders: [{id: o1, product: p, quantity: 2, release: 0s}]}]\n"
                   "stations: [{id: a, process: 10s}, {id: b, process: 5s}]\n";

std::string write_tiny(const std::string& extra = "") {
  const std::string file = test_path("event_log.yaml");
  std::ofstream(file) << TINY << extra;
  return file;
}

}  // namespace

TEST_CASE("run --events writes one row per event, parts numbered in creation order", "[events][cli]") {
  const std::string file = write_tiny();
  const std::string log = file + ".csv";
  const CliResult r = run_cli("run " + file + " --events " + log);
  REQUIRE(r.exit_code == 0);
  std::istringstream rows(read_text(log));
  std::vector<std::string> lines;
  for (std::string line; std::getline(rows, line);) lines.push_back(line);
  REQUIRE(lines.size() == 31);
  CHECK(lines[0] == "time,event,station,server,part,product,order,carrier,from,to,state");
  CHECK(lines[1] == "0,release,,,1,p,o1,,,,");
  CHECK(lines[5] == "0,start,a,0,1,p,o1,,,,");
  CHECK(lines[7] == "10,end,a,0,1,p,o1,,,,");
  CHECK(lines[9] == "10,leave,a,0,1,p,o1,,,,");
  CHECK(lines[13] == "10,enter,b,,1,p,o1,,,,");
  CHECK(lines[19] == "15,exit,,,1,p,o1,,,,");
  CHECK(lines[30] == "25,exit,,,2,p,o1,,,,");
  std::remove(file.c_str());
  std::remove(log.c_str());
}

TEST_CASE("a state row is a change: a state that stays is not written again", "[events][cli]") {
  // A reviewer's case: maintenance falls due at 25 s while the server works; it starts at 30 s,
  // when the part ends. The log said `25,state,m,0,working` and `30,state,m,0,maintenance` twice.
  const std::string file = test_path("state_rows.yaml");
  std::ofstream(file) << "plantwin: 1\nname: m1\nhorizon: 700s\nproducts: [{id: p, route: [m]}]\n"
                         "sources: [{id: src, product: p, saturated: true}]\n"
                         "stations:\n  - {id: m, process: 10s, maintenance: {every: 1005s, for: 600s, first: 25s}}\n";
  const std::string log = file + ".csv";
  REQUIRE(run_cli("run " + file + " --events " + log).exit_code == 0);
  std::istringstream rows(read_text(log));
  std::string last;
  std::vector<std::string> maintenance;
  for (std::string line; std::getline(rows, line);) {
    if (line.find(",state,m,0,") == std::string::npos) continue;
    const std::string state = line.substr(line.rfind(',') + 1);
    CHECK(state != last);
    last = state;
    if (state == "maintenance") maintenance.push_back(line);
  }
  CHECK(maintenance == std::vector<std::string>{"30,state,m,0,,,,,,,maintenance"});
  std::remove(file.c_str());
  std::remove(log.c_str());
}

TEST_CASE("with an epoch, times are ISO 8601 in its offset", "[events]") {
  const scenario::Instant epoch = *scenario::parse_instant("2026-03-02T00:00:00+08:00", true, nullptr);
  const run::LogClock clock(epoch.unix_seconds, epoch.offset_minutes);
  CHECK(clock.format(0) == "2026-03-02T00:00:00+08:00");
  CHECK(clock.format(6 * 3600 * kernel::TICKS_PER_SECOND + kernel::TICKS_PER_SECOND / 2) == "2026-03-02T06:00:00.5+08:00");
  CHECK(clock.format(86400LL * 365 * kernel::TICKS_PER_SECOND) == "2027-03-02T00:00:00+08:00");
  CHECK(run::LogClock().format(125 * kernel::TICKS_PER_SECOND + 1) == "125.000000001");
  SECTION("the scenario's epoch reaches the log") {
    const std::string file = write_tiny("epoch: 2026-03-02T06:00:00-05:30\n");
    const CliResult r = run_cli("run " + file + " --events " + file + ".csv");
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(read_text(file + ".csv"), Catch::Contains("\n2026-03-02T06:00:10-05:30,end,a,0,1,p,o1,,,,\n"));
    std::remove((file + ".csv").c_str());
    std::remove(file.c_str());
  }
}

TEST_CASE("ISO 8601 instants are read exactly, and bad ones are refused", "[events][units]") {
  const auto utc = scenario::parse_instant("1970-01-01T00:00:00Z", true, nullptr);
  REQUIRE(utc);
  CHECK(utc->unix_seconds == 0);
  const auto leap = scenario::parse_instant("2024-02-29 12:00:00.25+01:00", true, nullptr);
  REQUIRE(leap);
  CHECK(leap->unix_seconds == 1709204400);
  CHECK(leap->nanos == 250'000'000);
  std::string error;
  CHECK_FALSE(scenario::parse_instant("2023-02-29T00:00:00Z", true, &error));
  CHECK(error == "no such date and time: \"2023-02-29T00:00:00Z\"");
  CHECK_FALSE(scenario::parse_instant("2026-03-02T00:00:00", true, &error));
  CHECK_THAT(error, Catch::Contains("with its UTC offset"));
  CHECK(scenario::parse_instant("2026-03-02T00:00:00", false, nullptr));
  // The seconds left out, the offset without its colon.
  for (const char* same : {"2026-03-02T06:00+08:00", "2026-03-02T06:00:00+0800", "2026-03-02T06:00+0800", "2026-03-01T22:00Z"}) {
    const auto instant = scenario::parse_instant(same, true, nullptr);
    REQUIRE(instant);
    CHECK(instant->unix_seconds == 1772402400);
    CHECK(instant->nanos == 0);
  }
  CHECK(scenario::parse_instant("2026-03-02T06:00:00-0530", true, nullptr)->offset_minutes == -330);
  for (const char* bad : {"2026-03-02T06:00+080", "2026-03-02T06:00+08:", "2026-03-02T06+08:00", "2026-03-02T06:00.5Z",
                          "2026-03-02T06:00:+08:00", "2026-03-02T06:00:00+08000", "2026-03-02T06:00:00+08", "2026-03-02T0600Z"}) {
    CHECK_FALSE(scenario::parse_instant(bad, true, &error));
    CHECK(error == std::string("expected a date and time like \"2026-03-02T06:00:00+08:00\" (with its UTC offset), got \"") +
                       bad + "\"");
  }
}

TEST_CASE("compound durations read as their sum, units must decrease", "[units]") {
  CHECK(*scenario::parse_duration_ticks("10h30min", nullptr) == (10 * 3600 + 1800) * kernel::TICKS_PER_SECOND);
  CHECK(*scenario::parse_duration_ticks("2d8h", nullptr) == (2 * 86400 + 8 * 3600) * kernel::TICKS_PER_SECOND);
  CHECK(*scenario::parse_duration_ticks("1h30min15s", nullptr) == 5415 * kernel::TICKS_PER_SECOND);
  CHECK(*scenario::parse_duration_ticks("1w", nullptr) == 604800 * kernel::TICKS_PER_SECOND);
  CHECK(*scenario::parse_duration_ticks("630min", nullptr) == 37800 * kernel::TICKS_PER_SECOND);
  std::string error;
  CHECK_FALSE(scenario::parse_duration_ticks("30min10h", &error));
  CHECK(error == "expected a duration like \"10h30min\" (units in decreasing order, each once), got \"30min10h\"");
  CHECK_FALSE(scenario::parse_duration_ticks("1h1h", &error));
}
