// The plant's state at an instant and runs from it (twin/state.hpp, models/warm_start.hpp).
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli_support.hpp"
#include "kernel/stats.hpp"
#include "twin/state.hpp"
#include "twin_support.hpp"

using namespace plantwin;
using namespace plantwin::testing;

namespace {

constexpr kernel::Tick S = kernel::TICKS_PER_SECOND;

const char* DETERMINISTIC = R"(plantwin: 1
name: steady
horizon: 10min
products: [{id: p, route: [a, b]}]
sources: [{id: plan, orders: [{id: o1, product: p, quantity: 3, release: 0s, due: 5min}]}]
stations:
  - {id: a, process: 60s}
  - {id: b, process: 30s}
)";

const char* MARKOV = R"(plantwin: 1
name: markov
seed: 21
horizon: 8h
warmup: 2h
replications: 30
products: [{id: p, route: [a, b]}]
sources: [{id: s, product: p, interarrival: {dist: exponential, mean: 10s}}]
stations:
  - id: a
    process: {dist: exponential, mean: 7s}
    failures: {mtbf: {dist: exponential, mean: 1h}, mttr: {dist: lognormal, mean: 3min, cv: 0.5}}
  - {id: b, buffer: 4, process: {dist: lognormal, mean: 6s, cv: 0.4}}
)";

double kpi_mean(const run::Json& doc, const std::vector<std::string>& path) {
  const run::Json* j = &doc;
  for (const auto& k : path) j = j->find(k);
  return j->find("mean")->number();
}

std::vector<double> kpi_values(const run::Json& doc, const std::vector<std::string>& path) {
  const run::Json* j = &doc;
  for (const auto& k : path) j = j->find(k);
  std::vector<double> out;
  for (const auto& v : j->find("values")->items()) out.push_back(v.number());
  return out;
}

}  // namespace

TEST_CASE("a deterministic part with 20 s of work left ends exactly 20 s after the state's time", "[twin][state]") {
  const TempFile scenario("steady.yaml", DETERMINISTIC), log("steady.csv"), state("steady.state.yaml"), warm("steady.warm.csv");
  write_log(spec_of(DETERMINISTIC), log.path());
  // At 100 s the first part has left, the second has worked 40 s of its 60 s at a, the third waits.
  const CliResult taken = run_cli("state " + log.path() + " --scenario " + scenario.path() + " --at 100 --out " + state.path());
  REQUIRE(taken.exit_code == 0);
  CHECK_THAT(taken.out, Catch::Contains("the state at 100 s, 2 part(s) in the plant"));
  const std::string text = read_text(state.path());
  CHECK_THAT(text, Catch::Contains("{server: 0, state: working, activity: working, part: \"2\", product: p, order: \"o1\", "
                                   "released: 0, step: 0, started: 60, done: 40, last_product: p"));
  CHECK_THAT(text, Catch::Contains("waiting:\n      - {part: \"3\", product: p, order: \"o1\", released: 0, entered: 0, step: 0}"));
  const CliResult resumed = run_cli("run " + scenario.path() + " --from " + state.path() + " --replications 1 --events " + warm.path());
  REQUIRE(resumed.exit_code == 0);
  const std::string rows = read_text(warm.path());
  // The parts keep the state's ids (the log's numbers): the second part is 2 there, the third 3.
  CHECK_THAT(rows, Catch::Contains("\n0,release,,,2,p,o1,,,,\n0,release,,,3,p,o1,,,,\n100,state,a,0,,,,,,,working\n"));
  CHECK_THAT(rows, Catch::Contains("\n120,end,a,0,2,p,o1,,,,\n"));  // 100 + the 20 s left
  CHECK_THAT(rows, Catch::Contains("\n180,end,a,0,3,p,o1,,,,\n"));  // the waiting part: a whole 60 s
  // The forecast heads the table: the order's chance to be on time.
  CHECK_THAT(resumed.out, Catch::StartsWith("forecast from the state in " + state.path() + ": 0:01:40 to 0:11:40 after time 0"));
  CHECK_THAT(resumed.out, Catch::Contains("o1             p              0:05:00    1.00        1.00     0:03:30"));
}

TEST_CASE("a server paused in a break shows off_shift in a state from a log without state rows", "[twin][state]") {
  // A reviewer's case: 300 s of work from 3,500 s, paused by the break from 1 h to 1 h 30 min.
  const char* scenario_text = R"(plantwin: 1
name: paused
horizon: 3h
calendars: [{id: c1, breaks: [{from: 1h, to: 1h30min}]}]
products: [{id: p, route: [a]}]
sources: [{id: src, product: p, interarrival: 2h}]
stations: [{id: a, process: 300s, calendar: c1}]
)";
  const TempFile scenario("paused.yaml", scenario_text), warm("paused.warm.csv");
  const TempFile log("paused.csv", "time,event,station,server,part,product,order\n3500,release,,,1,p,\n3500,enter,a,,1,p,\n"
                                   "3500,start,a,,1,p,\n5500,end,a,,1,p,\n");
  const auto state_at = [&](const char* t) {
    const CliResult taken = run_cli("state " + log.path() + " --scenario " + scenario.path() + " --at " + t);
    REQUIRE(taken.exit_code == 0);
    return taken.out;
  };
  CHECK_THAT(state_at("3550"), Catch::Contains("{server: 0, state: working, activity: working, part: \"1\""));
  const TempFile state("paused.state.yaml", state_at("5000"));
  CHECK_THAT(read_text(state.path()), Catch::Contains("{server: 0, state: off_shift, activity: working, part: \"1\", product: p, "
                                                      "released: 3500, step: 0, started: 3500, done: 100,"));
  const CliResult resumed =
      run_cli("run " + scenario.path() + " --from " + state.path() + " --replications 1 --events " + warm.path());
  REQUIRE(resumed.exit_code == 0);
  CHECK_THAT(read_text(warm.path()), Catch::Contains("\n5600,end,a,0,1,p,,"));  // the break's end + the 200 s left
}

TEST_CASE("a batch in progress is one activity of all its parts in the state and in a run from it", "[twin][state]") {
  // a: 10 s a part; the oven bakes 3 parts at once for 100 s: the batch starts at 30 s, when the
  // third part comes, and ends at 130 s. At 80 s it has baked 50 s: 50 s are left.
  const char* BATCH = R"(plantwin: 1
name: oven
horizon: 10min
products: [{id: p, route: [a, oven, b]}]
sources: [{id: plan, orders: [{id: o1, product: p, quantity: 3, release: 0s, due: 5min}]}]
stations:
  - {id: a, process: 10s}
  - {id: oven, process: 100s, batch: {max: 3}}
  - {id: b, process: 5s}
)";
  const TempFile scenario("oven.yaml", BATCH), log("oven.csv"), state("oven.state.yaml"), warm("oven.warm.csv");
  write_log(spec_of(BATCH), log.path());
  const CliResult taken = run_cli("state " + log.path() + " --scenario " + scenario.path() + " --at 80 --out " + state.path());
  REQUIRE(taken.exit_code == 0);
  CHECK(taken.err.empty());  // its own log follows every part's path: the batch's rows are no anomaly
  CHECK_THAT(taken.out, Catch::Contains("the state at 80 s, 3 part(s) in the plant"));
  const std::string text = read_text(state.path());
  // A server with a batch is a block map, its batch a part a line (a batch can hold 100,000).
  CHECK_THAT(text, Catch::Contains("      - server: 0\n        state: working\n        activity: working\n        part: \"1\"\n"
                                   "        product: p\n        order: \"o1\"\n        released: 0\n        step: 1\n"
                                   "        started: 30\n        done: 50\n"));
  CHECK_THAT(text, Catch::Contains("        batch:\n          - {part: \"2\", product: p, order: \"o1\", released: 0, step: 1}\n"
                                   "          - {part: \"3\", product: p, order: \"o1\", released: 0, step: 1}\n  - id: b\n"));
  CHECK_THAT(text, Catch::Contains("in_transit: []"));
  const CliResult resumed = run_cli("run " + scenario.path() + " --from " + state.path() + " --replications 1 --events " + warm.path());
  REQUIRE(resumed.exit_code == 0);
  const std::string rows = read_text(warm.path());
  // All three end together 50 s after the state's time, and move on to b in batch order.
  CHECK_THAT(rows, Catch::Contains("\n130,end,oven,0,1,p,o1,,,,\n130,end,oven,0,2,p,o1,,,,\n130,end,oven,0,3,p,o1,,,,\n"));
  CHECK_THAT(rows, Catch::Contains("\n135,end,b,0,1,p,o1,,,,\n"));
  CHECK_THAT(rows, Catch::Contains("\n145,end,b,0,3,p,o1,,,,\n"));
  // The state file says what a batch is, where: a batch at a station that does not batch is refused.
  std::string other = text;
  const auto at = other.find("  - id: oven");
  REQUIRE(at != std::string::npos);
  other.replace(at, 12, "  - id: xxxx");
  const auto a = other.find("  - id: a\n");
  REQUIRE(a != std::string::npos);
  other.replace(a, 10, "  - id: oven\n");
  other.replace(other.find("  - id: xxxx"), 12, "  - id: a");
  const TempFile swapped("oven.swapped.yaml", other);
  const CliResult refused = run_cli("run " + scenario.path() + " --from " + swapped.path() + " --replications 1");
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.err, Catch::Contains("servers[0].batch: station 'a' does not work in batches"));
  CHECK_THAT(refused.err, Catch::Contains("servers[0].step: step 1 of product 'p' is at station 'oven', not at 'a'"));
  CHECK_THAT(refused.err, !Catch::Contains("unknown key"));
}

TEST_CASE("a run from a state keeps the held-back rest of an order, its WIP limit and an assembly's parts", "[twin][state]") {
  // A device of one board and one housing, assembled in 10 s, its components released under a
  // WIP limit of 2 (the device counts once assembled). Uninterrupted: the devices leave at 10, 20
  // and 30 s, the third's housing released at 20 s, when the second device leaves. At 15 s the
  // second device is in the works (5 s left), the third board waits at the assembly and its
  // housing is held back by the limit.
  const char* KIT = R"(plantwin: 1
name: kit
horizon: 10min
products:
  - {id: b, route: [asm]}
  - {id: h, route: [asm]}
  - {id: d, bom: {b: 1, h: 1}, route: [asm]}
sources: [{id: plan, wip_limit: 2, orders: [{id: o1, product: d, quantity: 3, release: 0s, due: 5min}]}]
stations:
  - {id: asm, process: 10s}
)";
  const TempFile scenario("kit.yaml", KIT), log("kit.csv"), state("kit.state.yaml"), warm("kit.warm.csv");
  write_log(spec_of(KIT), log.path());
  REQUIRE(run_cli("state " + log.path() + " --scenario " + scenario.path() + " --at 15 --out " + state.path()).exit_code == 0);
  // The order's product is the plan's, not its first release's (a board): it was `product: b`.
  CHECK_THAT(read_text(state.path()), Catch::Contains("- {id: \"o1\", product: d, released: 7, left: 5, release: 0, "
                                                      "released_parts: {b: 3, h: 2}, exited_parts: {d: 1}, "
                                                      "consumed_parts: {b: 2, h: 2}}"));
  const CliResult resumed = run_cli("run " + scenario.path() + " --from " + state.path() + " --replications 1 --events " + warm.path());
  REQUIRE(resumed.exit_code == 0);  // was: a deadlock (the waiting board not counted, the housing never released)
  const std::string rows = read_text(warm.path());
  // Nothing is released at 15 s: the two parts in the plant fill the limit.
  CHECK_THAT(rows, !Catch::Contains("\n15,release,"));
  // Part ids as uninterrupted: the state's parts keep theirs (6, 7), new ones follow its last_part (7).
  CHECK_THAT(rows, Catch::Contains("\n20,exit,,,6,d,o1,,,,\n20,release,,,8,h,o1,,,,\n20,enter,asm,,8,h,o1,,,,\n"
                                   "20,consume,asm,,7,b,o1,,,,\n20,consume,asm,,8,h,o1,,,,\n20,assemble,asm,,9,d,o1,,,,\n"));
  CHECK_THAT(rows, Catch::Contains("\n30,exit,,,9,d,o1,,,,\n"));
  // The order has one device left before the state, two after: done at 30 s, as uninterrupted.
  CHECK_THAT(resumed.out, Catch::Contains("o1             d              0:05:00    1.00        1.00     0:00:30"));
}

TEST_CASE("an assembly plant's state counts its components released and its devices left, and is read back", "[twin][state]") {
  // A board and a housing every 10 s make a device every 10 s. The consumed components left the
  // plant inside their devices: counted as left, they made more parts left than released, and
  // `run --from` refused the state `plantwin state` had written.
  const char* KITS = R"(plantwin: 1
name: kits
horizon: 10min
products:
  - {id: b, route: [asm]}
  - {id: h, route: [asm]}
  - {id: d, bom: {b: 1, h: 1}, route: [asm]}
sources:
  - {id: sb, product: b, interarrival: 10s}
  - {id: sh, product: h, interarrival: 10s}
stations:
  - {id: asm, process: 10s}
)";
  const TempFile scenario("kits.yaml", KITS), log("kits.csv"), state("kits.state.yaml");
  write_log(spec_of(KITS), log.path());
  REQUIRE(run_cli("state " + log.path() + " --scenario " + scenario.path() + " --at 155 --out " + state.path()).exit_code == 0);
  const std::string text = read_text(state.path());
  CHECK_THAT(text, Catch::Contains("\nreleased: 30\nleft: 14\n"));  // first releases at 10 s; 14 devices out by 150 s
  const CliResult resumed = run_cli("run " + scenario.path() + " --from " + state.path() + " --replications 1");
  CHECK_THAT(resumed.err, !Catch::Contains("error"));
  CHECK(resumed.exit_code == 0);
}

TEST_CASE("a log that begins after parts were released counts them released when it first shows them", "[twin][state]") {
  // An export of the plant's last hours begins with parts in progress: their `release` rows are
  // before it. They left, uncounted as released, so the state had more parts left than released
  // and `run --from` refused it. One server takes 10 s a part; an order of 10 parts released at 0,
  // parts of no order every 1 s up to 12. The logs keep their rows from 30 s (35 s) on.
  const auto cut = [](const std::string& from, const std::string& to, double begin) {
    std::istringstream in(read_text(from));
    std::ofstream out(to, std::ios::binary);
    std::string row;
    for (bool header = true; std::getline(in, row); header = false)
      if (header || std::stod(row.substr(0, row.find(','))) >= begin) out << row << "\n";
  };
  const auto state_of = [&](const char* yaml, double begin, const std::string& at) {
    const TempFile scenario("late.yaml", yaml), log("late.csv"), kept("late_cut.csv"), state("late.state.yaml");
    write_log(spec_of(yaml), log.path());
    cut(log.path(), kept.path(), begin);
    REQUIRE(run_cli("state " + kept.path() + " --scenario " + scenario.path() + " --at " + at + " --out " + state.path())
                .exit_code == 0);
    const CliResult resumed = run_cli("run " + scenario.path() + " --from " + state.path() + " --replications 1");
    CHECK_THAT(resumed.err, !Catch::Contains("error"));
    CHECK(resumed.exit_code == 0);
    return std::pair{read_text(state.path()), resumed.out};
  };
  const std::string of_source = state_of(R"(plantwin: 1
name: late
horizon: 10min
products: [{id: p, route: [a]}]
sources: [{id: s, product: p, interarrival: 1s, limit: 12}]
stations: [{id: a, process: 10s}]
)", 30, "75").first;
  // Parts 4 to 8 appear in their starts from 31 s on (3's end at 31 s finds no part on the server:
  // an anomaly, and 3 is not tracked); 4 to 7 left by 75 s.
  CHECK_THAT(of_source, Catch::Contains("\nreleased: 5\nleft: 4\n"));
  CHECK_THAT(of_source, Catch::Contains("- {id: s, released: 5}\n"));  // when, the log does not show
  const std::string of_order = state_of(R"(plantwin: 1
name: late
horizon: 10min
products: [{id: p, route: [a]}]
sources: [{id: plan, orders: [{id: o1, product: p, quantity: 10, release: 0s}]}]
stations: [{id: a, process: 10s}]
)", 35, "75").first;
  // Parts 5 to 8 appear in their starts from 40 s on; 5 to 7 left by 75 s.
  CHECK_THAT(of_order, Catch::Contains("\nreleased: 4\nleft: 3\n"));
  CHECK_THAT(of_order, Catch::Contains("- {id: \"o1\", product: p, released: 4, left: 3, release: 40"));
  // An assembly whose kits the log does not show: components consumed, and a device first seen
  // after its assembly, count as released (a reviewer's case: `released: 1`, `left: 6`). The run
  // from the state releases the order's other 3 components (10 less 6 consumed, less the device's
  // one), the three waiting at asm; its devices' runs once stalled for components never released.
  const char* KITS = R"(plantwin: 1
name: late
horizon: 2h
products:
  - {id: a, route: [prep, asm]}
  - {id: dev, bom: {a: 1}, route: [asm, fin]}
sources: [{id: plan, orders: [{id: o1, product: dev, quantity: 10, release: 0s}]}]
stations: [{id: prep, process: 1s}, {id: asm, process: 60s}, {id: fin, process: 5s}]
)";
  const std::string of_kits = state_of(KITS, 20, "400").first;
  CHECK_THAT(of_kits, Catch::Contains("\nreleased: 7\nleft: 6\n"));
  CHECK_THAT(of_kits, Catch::Contains("released_parts: {a: 6, dev: 1}, exited_parts: {dev: 6}, consumed_parts: {a: 6}}"));
  // Only the ends of a part the log never showed started: no order it released, an empty list.
  CHECK_THAT(state_of(R"(plantwin: 1
name: late
horizon: 1h
products: [{id: p, route: [a]}]
sources: [{id: plan, orders: [{id: o1, product: p, quantity: 1, release: 0s}]}]
stations: [{id: a, process: 100s}]
)", 50, "150").first, Catch::Contains("\norders: []\n"));
  // All the order's parts the log showed have left, but 4 of its 10 devices: not done. The state
  // said `done: 606`, and the run from it, counting the devices that left against the 10, never
  // finished it. It now releases the components of the 6 the log did not show (a log that began
  // late cannot tell those that left before it): done at 700 + 1 + 6 × 60 + 5 s.
  const auto [cut_state, cut_run] = state_of(KITS, 400, "700");
  CHECK_THAT(cut_state, Catch::Contains("- {id: \"o1\", product: dev, released: 7, left: 7, release: 421, "
                                        "released_parts: {a: 3, dev: 1}, exited_parts: {dev: 4}, consumed_parts: {a: 3}}"));
  CHECK_THAT(cut_run, Catch::Contains("o1             dev            -          -           1.00     0:17:46 ± 0:00:00"));
}

TEST_CASE("an order of a component is done when its units are consumed, in the state and in a run from it", "[twin][state]") {
  // Boards and housings bought for the line, consumed into devices. The simulator counts such an
  // order done when its last unit is consumed; a state counted only the units that left by `exit`
  // or `scrap`, so B1 was never done in it (a reviewer's case), and H1, part consumed at 1,800 s,
  // never finished in the run from it.
  const char* COMP = R"(plantwin: 1
name: comp
horizon: 4h
products:
  - {id: board, route: [a, asm]}
  - {id: housing, route: [m, asm]}
  - {id: device, bom: {board: 1, housing: 2}, route: [asm, t]}
sources:
  - {id: boards, orders: [{id: B1, product: board, quantity: 5, release: 0s}, {id: B2, product: board, quantity: 5, release: 1h}]}
  - {id: housings, orders: [{id: H1, product: housing, quantity: 20, release: 0s}]}
stations: [{id: a, process: 60s}, {id: m, process: 30s}, {id: asm, process: 60s}, {id: t, process: 30s}]
)";
  const TempFile scenario("comp.yaml", COMP), log("comp.csv"), state("comp.state.yaml");
  write_log(spec_of(COMP), log.path());
  const auto run_from = [&](const std::string& at) {
    const std::string args = log.path() + " --scenario " + scenario.path() + " --at " + at + " --out " + state.path();
    REQUIRE(run_cli("state " + args).exit_code == 0);
    const CliResult resumed = run_cli("run " + scenario.path() + " --from " + state.path() + " --replications 1");
    CHECK(resumed.exit_code == 0);
    return std::pair{read_text(state.path()), resumed.out};
  };
  // As uninterrupted: B1 done at 0:05:00, B2 and H1 at 1:05:00.
  const auto [at_200, run_200] = run_from("200");
  CHECK_THAT(at_200, Catch::Contains("- {id: \"B1\", product: board, released: 5, left: 3, release: 0, "
                                     "released_parts: {board: 5}, consumed_parts: {board: 3}}"));
  CHECK_THAT(run_200, Catch::Contains("B1             board          -          -           1.00     0:05:00 ± 0:00:00"));
  const auto [at_1800, run_1800] = run_from("1800");
  CHECK_THAT(at_1800, Catch::Contains("- {id: \"B1\", product: board, released: 5, left: 5, release: 0, done: 300}"));
  CHECK_THAT(at_1800, Catch::Contains("consumed_parts: {housing: 10}}"));
  CHECK_THAT(run_1800, Catch::Contains("H1             housing        -          -           1.00     1:05:00 ± 0:00:00"));
  CHECK_THAT(run_1800, Catch::Contains("B2             board          -          -           1.00     1:05:00 ± 0:00:00"));
}

TEST_CASE("an order of a component whose scrapped units are replaced is done when its quantity went, not at its last consume",
          "[twin][state]") {
  // 3 of B1's 25 boards are scrapped at smt and released again: its quantity has gone (22 consumed,
  // 3 scrapped) before the replacements are consumed. A state wrote `done` at its last part's
  // consume, later with every T (1442.78 s from T = 1,450 s, 1543.90 s from T = 2,000 s; a reviewer's case).
  const char* SCRAPS = R"(plantwin: 1
name: scraps
seed: 4
horizon: 10h
products:
  - {id: board, route: [smt, asm]}
  - {id: housing, route: [mold, asm]}
  - {id: device, bom: {board: 1, housing: 2}, route: [asm, test]}
sources:
  - id: boards
    wip_limit: 6
    orders: [{id: B1, product: board, quantity: 25, release: 0s}, {id: B2, product: board, quantity: 40, release: 1h},
             {id: B3, product: board, quantity: 20, release: 2h}]
  - id: housings
    orders: [{id: H1, product: housing, quantity: 60, release: 0s}, {id: H2, product: housing, quantity: 110, release: 90min}]
stations:
  - {id: smt, servers: 2, process: {dist: exponential, mean: 100s}, buffer: 0, yield: 0.9}
  - {id: mold, servers: 3, process: {dist: exponential, mean: 80s}, buffer: 0}
  - {id: asm, servers: 2, process: {dist: exponential, mean: 50s}}
  - {id: test, servers: 2, process: {dist: exponential, mean: 70s}, buffer: 0, yield: 0.95}
)";
  const TempFile scenario("scraps.yaml", SCRAPS), log("scraps.csv"), state("scraps.state.yaml");
  write_log(spec_of(SCRAPS), log.path());
  const auto b1 = [](const std::string& out) {
    const std::size_t at = out.rfind("\n  B1 ");
    return at == std::string::npos ? std::string() : out.substr(at, out.find('\n', at + 1) - at);
  };
  const std::string uninterrupted = b1(run_cli("run " + scenario.path() + " --replications 1").out);
  REQUIRE_THAT(uninterrupted, Catch::Contains("0:"));
  for (const char* at : {"1450", "2000", "9000"}) {
    const std::string args = log.path() + " --scenario " + scenario.path() + " --at " + at + " --out " + state.path();
    REQUIRE(run_cli("state " + args).exit_code == 0);
    CHECK_THAT(read_text(state.path()),
               Catch::Contains("product: board, released: 28, left: ") &&
                   Catch::Contains("done: 1405.758844667, released_parts: {board: 28}"));
    CHECK(b1(run_cli("run " + scenario.path() + " --from " + state.path() + " --replications 1").out) == uninterrupted);
  }
}

TEST_CASE("a done order of a component still releases the replacements of its scraps in a run from a state", "[twin][state]") {
  // B1's 10th unit to go is a scrap at 478.56 s, while its source (`wip_limit: 2`) still has boards
  // to release for the replacements. The state wrote `done` without its counts, so the run never
  // released them: a stall at asm for boards (a reviewer's case; 12 of 40 states stalled).
  const char* SCR = R"(plantwin: 1
name: scr
seed: 2
horizon: 10h
products:
  - {id: board, route: [smt, asm]}
  - {id: housing, route: [mold, asm]}
  - {id: device, bom: {board: 1, housing: 1}, route: [asm, test]}
sources:
  - id: boards
    wip_limit: 2
    orders: [{id: B1, product: board, quantity: 10, release: 0s}, {id: B2, product: board, quantity: 10, release: 30min}]
  - {id: housings, orders: [{id: H1, product: housing, quantity: 20, release: 0s}]}
stations:
  - {id: smt, servers: 1, process: {dist: exponential, mean: 60s}, buffer: 0, yield: 0.5}
  - {id: mold, servers: 1, process: {dist: exponential, mean: 30s}}
  - {id: asm, servers: 1, process: {dist: exponential, mean: 30s}}
  - {id: test, servers: 1, process: {dist: exponential, mean: 30s}}
)";
  const TempFile scenario("scr.yaml", SCR), log("scr.csv"), state("scr.state.yaml");
  write_log(spec_of(SCR), log.path());
  const std::string args = log.path() + " --scenario " + scenario.path() + " --at 486.914 --out " + state.path();
  REQUIRE(run_cli("state " + args).exit_code == 0);
  CHECK_THAT(read_text(state.path()), Catch::Contains("- {id: \"B1\", product: board, released: 13, left: 11, release: 0, "
                                                      "done: 478.560704738, released_parts: {board: 13}, "));
  const CliResult resumed = run_cli("run " + scenario.path() + " --from " + state.path() + " --replications 1");
  CHECK_THAT(resumed.err, !Catch::Contains("stall"));
  CHECK(resumed.exit_code == 0);
}

TEST_CASE("a done order the scenario lacks stays done in a run from a state, scraps or not", "[twin][state]") {
  // D2 (devices, 2 scrapped at test) is in the log, not in the scenario the state is read with: an
  // extra order of its `released` parts, which its `left` makes done. Written with its counts (a
  // reviewer's case), only its first product's units counted against them: never done in the run.
  const std::string plant = R"(plantwin: 1
name: asmblk
seed: 9
horizon: 10h
products:
  - {id: board, route: [smt, asm]}
  - {id: housing, route: [mold, asm]}
  - {id: device, bom: {board: 1, housing: 2}, route: [asm, test]}
stations:
  - {id: smt, servers: 2, process: {dist: exponential, mean: 100s}, buffer: 0}
  - {id: mold, servers: 3, process: {dist: exponential, mean: 80s}, buffer: 0}
  - {id: asm, servers: 2, process: {dist: exponential, mean: 50s}, buffer: 2}
  - {id: test, servers: 2, process: {dist: exponential, mean: 70s}, buffer: 0, yield: 0.95,
     failures: {mtbf: {dist: exponential, mean: 1h}, mttr: {dist: exponential, mean: 5min}}}
sources:
  - id: plan
    wip_limit: 20
    orders:
      - {id: D1, product: device, quantity: 60, release: 0s}
)";
  const std::string both = plant + "      - {id: D2, product: device, quantity: 80, release: 1h}\n";
  const TempFile scenario("asm_d1.yaml", plant), log("asm_d2.csv"), state("asm_d1.state.yaml");
  write_log(spec_of(both), log.path());
  const std::string args = log.path() + " --scenario " + scenario.path() + " --at 9800 --out " + state.path();
  REQUIRE(run_cli("state " + args).exit_code == 0);
  CHECK_THAT(read_text(state.path()), Catch::Contains("- {id: \"D2\", product: board, released: 320, left: 320, release: 3600, "
                                                      "done: 9712.686986197}"));
  const CliResult resumed = run_cli("run " + scenario.path() + " --from " + state.path() + " --replications 1");
  CHECK(resumed.exit_code == 0);
  CHECK_THAT(resumed.out, Catch::Contains("D2            board            1:00:00         -       2:41:53"));
}

TEST_CASE("a part in rework keeps its failed passes in the state and in a run from it", "[twin][state]") {
  // Every test fails; the second failure scraps the part. Uninterrupted: test 0-10 s (fails),
  // bench 10-15 s, test 15-25 s (fails again: scrapped at 25 s). At 12 s the part is on the bench
  // after one failure: resumed, it is scrapped at 25 s too, not tested a third time.
  const char* REWORK = R"(plantwin: 1
name: rework
horizon: 10min
products: [{id: p, route: [test, pack]}]
sources: [{id: plan, orders: [{id: o1, product: p, quantity: 1, release: 0s, due: 5min}]}]
stations:
  - {id: test, process: 10s, yield: 0, rejects: {route: [bench], then: back, max_attempts: 2}}
  - {id: bench, process: 5s}
  - {id: pack, process: 5s}
)";
  const TempFile scenario("rework.yaml", REWORK), log("rework.csv"), state("rework.state.yaml"), warm("rework.warm.csv");
  write_log(spec_of(REWORK), log.path());
  CHECK_THAT(read_text(log.path()), Catch::Contains("\n25,scrap,test,"));
  REQUIRE(run_cli("state " + log.path() + " --scenario " + scenario.path() + " --at 12 --out " + state.path()).exit_code == 0);
  CHECK_THAT(read_text(state.path()), Catch::Contains("part: \"1\", product: p, order: \"o1\", released: 0, attempts: 1, started: 10, done: 2"));
  const CliResult resumed = run_cli("run " + scenario.path() + " --from " + state.path() + " --replications 1 --events " + warm.path());
  REQUIRE(resumed.exit_code == 0);
  const std::string rows = read_text(warm.path());
  CHECK_THAT(rows, Catch::Contains("\n15,end,bench,0,1,p,o1,,,,\n"));
  CHECK_THAT(rows, Catch::Contains("\n25,scrap,test,"));  // was: bench again at 25 s, scrapped at 40 s
  CHECK_THAT(rows, !Catch::Contains(",bench,0,1,p,o1,,,,\n25,"));
}

namespace {

/// The rows of an event log at or after `after` seconds, as "time,event,station,server" (part ids
/// left out: a run from a state numbers its parts anew), sorted; starts and downs at `after` left out.
std::vector<std::string> rows_after(const std::string& path, double after) {
  std::vector<std::string> rows;
  std::istringstream in(read_text(path));
  std::string line;
  std::getline(in, line);  // the header
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::istringstream cols(line);
    for (std::string c; std::getline(cols, c, ',');) cells.push_back(c);
    if (cells.size() < 4 || std::stod(cells[0]) < after || cells[1] == "release" || cells[1] == "enter" || cells[1] == "state") continue;
    // A run from a state shows every activity in progress start, and every server down go down,
    // at `after` (docs/twin.md).
    if (std::stod(cells[0]) == after && (cells[1] == "start" || cells[1] == "setup_start" || cells[1] == "down")) continue;
    rows.push_back(cells[0] + "," + cells[1] + "," + cells[2] + "," + cells[3]);
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

/// A deterministic plant run uninterrupted and from its own state at `at`: the same rows after it.
void check_resumes_exactly(const char* name, const std::string& text, double at) {
  INFO(name << " from its state at " << at << " s");
  const TempFile scenario(std::string(name) + ".yaml", text), log(std::string(name) + ".csv"),
      state(std::string(name) + ".state.yaml"), warm(std::string(name) + ".warm.csv");
  const scenario::ScenarioSpec spec = spec_of(text);
  write_log(spec, log.path());
  const std::string at_text = run::format_number(at);
  REQUIRE(run_cli("state " + log.path() + " --scenario " + scenario.path() + " --at " + at_text + " --out " + state.path()).exit_code == 0);
  const double horizon = kernel::to_seconds(spec.horizon) - at;
  const CliResult resumed = run_cli("run " + scenario.path() + " --from " + state.path() + " --replications 1 --horizon " +
                                    run::format_number(horizon) + " --events " + warm.path());
  REQUIRE(resumed.exit_code == 0);
  const std::vector<std::string> whole = rows_after(log.path(), at), from = rows_after(warm.path(), at);
  CHECK(!whole.empty());
  CHECK(from == whole);
}

}  // namespace

TEST_CASE("deterministic plants resumed from their own state run on exactly as uninterrupted", "[twin][state]") {
  // Overtime: b finishes the part in hand after its shift ends (06:00-14:00, a break at 10:00).
  const char* OVERTIME = R"(plantwin: 1
name: overtime
horizon: 2d
calendars: [{id: day, shifts: [{from: 6h, to: 14h}], breaks: [{from: 10h, to: 10h30min}]}]
products: [{id: x, route: [a, b, c]}]
sources: [{id: s, product: x, interarrival: 700s}]
stations:
  - {id: a, process: 500s}
  - {id: b, process: 650s, calendar: day, at_shift_end: finish}
  - {id: c, process: 100s}
)";
  check_resumes_exactly("overtime", OVERTIME, 50400);  // the shift's end: a part in overtime on b
  check_resumes_exactly("overtime", OVERTIME, 36000);  // the break's start
  // A source on the calendar: its next part comes after the rest of its interarrival time, counted on shift.
  std::string on_calendar = OVERTIME;
  on_calendar.replace(on_calendar.find("interarrival: 700s}"), 19, "interarrival: 700s, calendar: day}");
  check_resumes_exactly("source_calendar", on_calendar, 40000.5);
  check_resumes_exactly("source_calendar", on_calendar, 60000.5);  // off shift
  // CONWIP on an interarrival source, at its limit at T: it releases again when a part leaves.
  const char* CONWIP = R"(plantwin: 1
name: conwip
horizon: 1505s
products: [{id: p, route: [a]}]
sources: [{id: s, product: p, wip_limit: 2, interarrival: 10s}]
stations: [{id: a, process: 30s}]
)";
  check_resumes_exactly("conwip", CONWIP, 505);
  // A source's `limit` counts the parts released before T; a batch's `max_wait` counts from its
  // oldest part's entry, before T; the first part of a source comes an interarrival after time 0.
  const char* BATCH = R"(plantwin: 1
name: batch
horizon: 1h
products: [{id: x, route: [a, oven]}]
sources: [{id: s, product: x, interarrival: 100s, limit: 3}]
stations:
  - {id: a, process: 10s}
  - {id: oven, process: 500s, batch: {max: 8, min: 2, max_wait: 300s}}
)";
  check_resumes_exactly("batch", BATCH, 250);
  check_resumes_exactly("batch", BATCH, 50);
  // Planned maintenance goes on in its cycle: a calendar one due 3 h after the last one's end (in
  // progress at 7,900.5 s, between two at 12,345.5 s), an operating one after 2 h of work.
  const char* MAINTENANCE = R"(plantwin: 1
name: maintenance
horizon: 12h
products: [{id: x, route: [a, b, c]}]
sources: [{id: s, product: x, interarrival: 100s}]
stations:
  - {id: a, process: 60s, maintenance: {every: 3h, for: 30min, first: 2h}}
  - {id: b, process: 45s, maintenance: {every: 2h, for: 10min, basis: operating}}
  - {id: c, servers: 2, process: 150s, maintenance: {every: 2h, for: 20min}}
)";
  check_resumes_exactly("maintenance", MAINTENANCE, 7900.5);
  check_resumes_exactly("maintenance", MAINTENANCE, 12345.5);
  check_resumes_exactly("maintenance", MAINTENANCE, 16500);
  // c's server 0 stopped for the station's maintenance at 7,200 s, server 1 still works (until
  // 7,255 s): server 0 takes no new part in between (it did, and delayed the maintenance by 125 s).
  check_resumes_exactly("maintenance", MAINTENANCE, 7230);
  // The same on the operating basis: server 1 stopped at 9,155 s, server 0 works until 9,255 s.
  std::string operating = MAINTENANCE;
  operating.replace(operating.find("for: 20min}"), 11, "for: 20min, basis: operating}");
  check_resumes_exactly("maintenance_operating", operating, 9200);
}

TEST_CASE("a run from a state taken on an event, during a restarted repair, in overtime or with operators busy runs on exactly",
          "[twin][state]") {
  // T on events: parts end at 10, 20, 30 s; what happens at T belongs to the window [T, ...).
  const char* EVERY_10 = R"(plantwin: 1
name: tens
horizon: 100s
products: [{id: p, route: [a, b]}]
sources: [{id: s, orders: [{id: o1, product: p, quantity: 5}]}]
stations: [{id: a, process: 10s}, {id: b, process: 15s}]
)";
  check_resumes_exactly("tens", EVERY_10, 10);
  check_resumes_exactly("tens", EVERY_10, 40);
  // `restart`: part 3 starts at 24, fails at 25 and is repaired at 55; down at 40, its 12 s start
  // over after the repair and end at 67, not at 66.
  check_resumes_exactly("restart", R"(plantwin: 1
name: restart
horizon: 300s
products: [{id: p, route: [a]}]
sources: [{id: s, orders: [{id: o1, product: p, quantity: 3}]}]
stations: [{id: a, process: 12s, failures: {mtbf: 25s, mttr: 30s, interrupted: restart}}]
)",
                        40);
  // A break from 100 to 1000 s, `finish`: part 3 goes on in overtime from 80 to 120.
  check_resumes_exactly("overtime_break", R"(plantwin: 1
name: overtime-break
horizon: 2000s
calendars: [{id: cal, breaks: [{from: 100s, to: 1000s}]}]
products: [{id: p, route: [a]}]
sources: [{id: s, orders: [{id: o1, product: p, quantity: 3}]}]
stations: [{id: a, process: 40s, calendar: cal, at_shift_end: finish}]
)",
                        110);
  // One operator for two stations: at 25 s m works (with it) and n waits for it. n is listed
  // first; m's work in progress still keeps its operator, and n starts at 40.
  check_resumes_exactly("operator", R"(plantwin: 1
name: operator
horizon: 500s
operators: [{id: ops, count: 1}]
products: [{id: p, route: [m, n]}]
sources: [{id: s, orders: [{id: o1, product: p, quantity: 3}]}]
stations:
  - {id: n, process: 15s, operators: {work: ops}}
  - {id: m, process: 20s, operators: {work: ops}}
)",
                        25);
}

TEST_CASE("a plant stopped at T and resumed from its own state gives the KPIs of an uninterrupted run", "[twin][state]") {
  const scenario::ScenarioSpec spec = spec_of(MARKOV);
  const TempFile log("markov.csv");
  scenario::ScenarioSpec one = spec;
  one.replications = 1;
  one.warmup = 0;
  one.horizon = 2 * 3600 * S;
  write_log(one, log.path());
  const twin::StateResult state = twin::plant_state(log.path(), spec, "2h", {});
  REQUIRE(state.ok);
  const twin::LoadedState loaded = twin::load_state_text(state.yaml, "markov.state.yaml", spec);
  REQUIRE(loaded.warm);
  CHECK(loaded.warm->at == 7200 * S);

  run::SessionOptions uninterrupted;
  uninterrupted.jobs = 2;
  const run::SessionResult a = run::run_session(spec, uninterrupted);
  run::SessionOptions from = uninterrupted;
  from.warm_start = loaded.warm;
  const run::SessionResult b = run::run_session(spec, from);
  REQUIRE(a.ok);
  REQUIRE(b.ok);
  CHECK(b.document.find("start_s")->number() == 7200);
  CHECK(b.document.find("warmup_s")->number() == 0);
  for (const std::vector<std::string>& path : {std::vector<std::string>{"kpis", "throughput_per_h"}, {"kpis", "lead_time_s"},
                                              {"kpis", "wip"}, {"stations", "a", "utilization"}, {"stations", "b", "utilization"}}) {
    INFO(path.back() << ": uninterrupted " << kpi_mean(a.document, path) << ", resumed " << kpi_mean(b.document, path));
    const kernel::Difference d = kernel::welch_difference(kpi_values(a.document, path), kpi_values(b.document, path), 0.99);
    CHECK(d.interval.low <= 0);
    CHECK(d.interval.high >= 0);
  }
}

namespace {
/// Loads a state file that must be refused and returns its diagnostics.
std::string refused_state(const std::string& text, const std::string& name, const scenario::ScenarioSpec& spec) {
  const twin::LoadedState state = twin::load_state_text(text, name, spec);
  CHECK_FALSE(state.warm);
  return state.diagnostics.format_all();
}
}  // namespace

TEST_CASE("a state file is read with located errors", "[twin][state]") {
  const scenario::ScenarioSpec spec = spec_of(DETERMINISTIC);
  const std::string text = refused_state("plantwin_state: 1\nat: 100\n"
                                         "stations:\n"
                                         "  - id: aa\n"
                                         "  - id: b\n"
                                         "    servers:\n"
                                         "      - {server: 3}\n",
                                         "s.yaml", spec);
  CHECK_THAT(text, Catch::Contains("s.yaml:4:9: error: stations[0].id: unknown station 'aa' (did you mean 'a'?) (not in the scenario)"));
  CHECK_THAT(text, Catch::Contains("s.yaml:7:18: error: stations[1].servers[0].server: expected an integer from 0 to 0"));
  const CliResult cli = run_cli("run scenarios/examples/two_stations.yaml --from /tmp/plantwin_no_such_state.yaml");
  CHECK(cli.exit_code == 2);
  const CliResult warmup = run_cli("run scenarios/examples/two_stations.yaml --from x.yaml --warmup 1h");
  CHECK(warmup.exit_code == 2);
  CHECK_THAT(warmup.err, Catch::Contains("--warmup and --from: a run from a state has no warm-up"));
}

TEST_CASE("a vehicle's battery is in the state, and a run from it charges when the uninterrupted run does", "[twin][state]") {
  // One trip at the start (60 m), then two AGVs stand at home, 36 W off 100 Wh: at the 50 Wh
  // threshold each drives 40 m to C (0.25 Wh a metre), charges to full and drives home (idle at
  // 90 Wh; agv[0] first at 3,560 s, agv[1] at 5,000 s, then every 4,200 s). Until 2026-12-07 the
  // state had no battery: a run from it started the AGVs full, and drained them from time 0, so
  // the first charge check found them far below empty and failed the run ("ran out of battery").
  const char* AGV = R"(plantwin: 1
name: idle_agv
horizon: 30000s
products:
  - {id: part, route: [a, {station: b, via: agv}]}
sources:
  - {id: feed, orders: [{id: O1, product: part, quantity: 1, release: 0s}]}
stations: [{id: a, process: 10s}, {id: b, process: 0s}]
layout:
  nodes: [{id: A, x: 0, y: 0}, {id: B, x: 30, y: 0}, {id: C, x: 30, y: 10}]
  segments: [{from: A, to: B}, {from: B, to: C}]
  places: {a: A, b: B}
fleets:
  - id: agv
    vehicles: 2
    speed: 1
    load: 5s
    unload: 3s
    home: A
    battery: {capacity: 100, idle: 36, per_metre: 0.25, charge_rate: 1800, threshold: 0.5, chargers: [C]}
)";
  // States taken while both stand at home: the run from each charges when the uninterrupted one does.
  for (const double at : {100.0, 6000.0, 20000.0, 25000.0}) check_resumes_exactly("idle_agv", AGV, at);
  // The first order at 1,000 s: the AGVs drained from time 0, not from the log's first row (a
  // reviewer's case: the run from 500 s charged 1,000 s late until the fix).
  std::string late = AGV;
  late.replace(late.find("release: 0s"), 11, "release: 1000s");
  for (const double at : {500.0, 2000.0}) check_resumes_exactly("late_agv", late, at);
  // Without `return_home` they stay where they were: a run from the state starts each parked where
  // it was last seen, available in that order (agv[0] at C since 4,290 s takes O2's first part
  // at 12,000 s, agv[1] at C since 5,040 s the second); both started at home until 2026-12-07.
  std::string stay = AGV;
  const auto add = [&](const std::string& after, const std::string& text) { stay.insert(stay.find(after) + after.size(), text); };
  add("    home: A\n", "    return_home: false\n");
  add("release: 0s}", ", {id: O2, product: part, quantity: 2, release: 12000s}");
  for (const double at : {3000.0, 11000.0, 14000.0}) check_resumes_exactly("stay_agv", stay, at);
  // Threshold 15 Wh: agv[0] reaches C with 5 Wh at 7,100 s and charges until 7,290 s. From a state
  // at 7,200 s it starts at C at or below its threshold: it charges there, where until a reviewer's
  // fix it drove home first (return_home) and ran out of battery on the way.
  std::string tight = AGV;
  tight.replace(tight.find("threshold: 0.5"), 14, "threshold: 0.15");
  const TempFile tight_yaml("tight_agv.yaml", tight), tight_log("tight_agv.csv"), tight_state("tight_agv.state.yaml");
  write_log(spec_of(tight), tight_log.path());
  REQUIRE(run_cli("state " + tight_log.path() + " --scenario " + tight_yaml.path() + " --at 7200 --out " + tight_state.path())
              .exit_code == 0);
  CHECK_THAT(read_text(tight_state.path()), Catch::Contains("- {id: \"agv[0]\", at: \"C\", since: 7100"));
  const CliResult tight_run = run_cli("run " + tight_yaml.path() + " --from " + tight_state.path() + " --replications 1");
  CHECK(tight_run.exit_code == 0);
  CHECK_THAT(tight_run.err, !Catch::Contains("ran out of battery"));
  const TempFile scenario("idle_agv.yaml", AGV), log("idle_agv.csv"), state("idle_agv.state.yaml");
  write_log(spec_of(AGV), log.path());
  REQUIRE(run_cli("state " + log.path() + " --scenario " + scenario.path() + " --at 100 --out " + state.path()).exit_code == 0);
  // At 100 s: agv[0] 100 - 15 (the trip, 60 m) - 36 W x 40 s standing (10-15 s loading, 45-48 s
  // unloading, 0-10 and 78-100 s idle); agv[1] never moved: 100 - 36 W x 100 s.
  CHECK_THAT(read_text(state.path()), Catch::Contains("- {id: \"agv[0]\", at: \"A\", since: 78, free_since: 48, battery: 84.6"));
  CHECK_THAT(read_text(state.path()), Catch::Contains("- {id: \"agv[1]\", battery: 99}"));
  // A state taken long after the log ends: an idle AGV would have gone to charge at its threshold,
  // not drained below empty (a reviewer's case: -20.4 Wh, refused by the run from it).
  REQUIRE(run_cli("state " + log.path() + " --scenario " + scenario.path() + " --at 60000 --out " + state.path()).exit_code == 0);
  CHECK_THAT(read_text(state.path()),
             Catch::Contains("- {id: \"agv[0]\", at: \"A\", since: 28960, free_since: 28920, battery: 50}"));
  CHECK(run_cli("run " + scenario.path() + " --from " + state.path() + " --replications 1").exit_code == 0);
  // A battery the scenario cannot have is refused where it is written; so is a node the vehicle
  // cannot drive home from (it crashed the run until a reviewer's fix).
  std::string isolated = AGV;
  isolated.replace(isolated.find("{id: C, x: 30, y: 10}"), 21, "{id: C, x: 30, y: 10}, {id: D, x: 90, y: 90}");
  const std::string refused = refused_state("plantwin_state: 1\nat: 100\nstations: []\nvehicles:\n"
                                            "  - {id: \"agv[2]\", battery: 50}\n"
                                            "  - {id: \"agv[0]\", at: A, battery: 120}\n"
                                            "  - {id: \"agv[1]\", battery: 50}\n"
                                            "  - {id: \"agv[1]\", battery: 40, lvl: 1}\n"
                                            "  - {id: \"agv[0]\", from: A, to: X, since: 50}\n"
                                            "  - {id: belt}\n"
                                            "  - {id: \"agv[1]\", at: D}\n"
                                            "  - {id: \"\"}\n"
                                            "  - {id: \"agv[1]\", from: Q, to: A}\n",
                                            "v.yaml", spec_of(isolated));
  CHECK_THAT(refused, Catch::Contains("v.yaml:5:29: error: vehicles[0].battery: 'agv[2]' is not a vehicle of a fleet "
                                      "with a battery (did you mean 'agv[0]'?) (not in the scenario)"));
  CHECK_THAT(refused, Catch::Contains("error: vehicles[1].battery: 120 Wh, more than the capacity of 100 Wh"));
  CHECK_THAT(refused, Catch::Contains("error: vehicles[3]: vehicle 'agv[1]' is already in the state"));
  CHECK_THAT(refused, Catch::Contains("vehicles[3]: unknown key 'lvl'"));
  CHECK_THAT(refused, Catch::Contains("v.yaml:9:33: error: vehicles[4].to: unknown node 'X' (did you mean 'A'?) "
                                      "(not in the layout)"));
  CHECK_THAT(refused, Catch::Contains("v.yaml:10:5: warning: vehicles[5]: no vehicle or conveyor 'belt' in the scenario: "
                                      "ignored"));
  CHECK_THAT(refused, Catch::Contains("v.yaml:11:24: error: vehicles[6].at: fleet 'agv' has no path from node 'D' to its "
                                      "home 'A'"));
  // An empty id, and a `from` of no node, were ignored until 2026-12-07.
  CHECK_THAT(refused, Catch::Contains("v.yaml:12:10: error: vehicles[7].id: an empty id (a vehicle's or conveyor's id)"));
  CHECK_THAT(refused, Catch::Contains("v.yaml:13:26: error: vehicles[8].from: unknown node 'Q' (did you mean 'A'?) "
                                      "(not in the layout)"));
  // A conveyor's battery: it was called "not in the scenario" until 2026-12-07.
  const std::string cell = read_text(std::string(PLANTWIN_SOURCE_DIR) + "/scenarios/examples/conveyor_cell.yaml");
  const std::string belt = refused_state("plantwin_state: 1\nat: 100\nstations: []\nvehicles:\n  - {id: belt_1, battery: 50}\n",
                                         "c.yaml", spec_of(cell));
  CHECK_THAT(belt, Catch::Contains("c.yaml:5:27: error: vehicles[0].battery: conveyor 'belt_1' has no battery (only a fleet's "
                                   "vehicles have one)"));
  // A fleet's or an arm's id: named as what it is.
  const std::string arm = refused_state("plantwin_state: 1\nat: 100\nstations: []\nvehicles:\n  - {id: oven_loader, battery: 5}\n"
                                        "  - {id: oven_loader}\n", "c.yaml", spec_of(cell));
  CHECK_THAT(arm, Catch::Contains("c.yaml:5:32: error: vehicles[0].battery: arm 'oven_loader': an arm has no battery, and its "
                                  "cycle in progress is not restored"));
  CHECK_THAT(arm, Catch::Contains("c.yaml:6:5: warning: vehicles[1]: arm 'oven_loader': an arm has no battery, and its cycle in "
                                  "progress is not restored: ignored"));
  const std::string fleet = refused_state("plantwin_state: 1\nat: 100\nstations: []\nvehicles:\n  - {id: agv, battery: 50}\n",
                                          "v.yaml", spec_of(isolated));
  CHECK_THAT(fleet, Catch::Contains("v.yaml:5:24: error: vehicles[0].battery: 'agv' is a fleet: a vehicle is named by its fleet "
                                    "and number, 'agv[0]' to 'agv[1]'"));
}

TEST_CASE("AGVs without a battery are free in a run from a state in the order they became free", "[twin][state]") {
  // A reviewer's two plants (no battery, vehicles stay where they deliver). In the first, agv[1]
  // unloads at 80-83 s into b (no buffer, busy) and waits there until 158 s; agv[2] is free at
  // 102 s and takes the request of 1,055 s. In the second, both AGVs are free at 78 s, agv[1]
  // first (the order of the events), and agv[1] takes O2 at 1,010 s. Until the fix, a blocked
  // vehicle counted free when it unloaded, and a tie went by vehicle index.
  const std::string blocked = R"(plantwin: 1
name: blocked_agv
horizon: 3000s
products:
  - {id: p1, route: [a, {station: b, via: agv}]}
  - {id: p2, route: [a2, {station: d, via: agv}]}
sources:
  - {id: f1, orders: [{id: O1, product: p1, quantity: 2, release: 0s}, {id: O4, product: p1, quantity: 2, release: 1000s}]}
  - {id: f2, orders: [{id: P1, product: p2, quantity: 1, release: 0s}]}
stations: [{id: a, process: 10s}, {id: b, buffer: 0, process: 100s}, {id: a2, process: 50s}, {id: d, process: 0s}]
layout:
  nodes: [{id: H, x: 0, y: 0}, {id: A, x: 10, y: 0}, {id: B, x: 40, y: 0}, {id: A2, x: 10, y: 10}, {id: D, x: 40, y: 10}]
  segments: [{from: H, to: A}, {from: A, to: B}, {from: H, to: A2}, {from: A2, to: D}, {from: B, to: D}]
  places: {a: A, b: B, a2: A2, d: D}
fleets:
  - {id: agv, vehicles: 3, speed: 1, load: 5s, unload: 3s, home: H, return_home: false}
)";
  check_resumes_exactly("blocked_agv", blocked, 500);
  std::string returning = blocked;
  returning.replace(returning.find("return_home: false"), 18, "return_home: true");
  check_resumes_exactly("blocked_agv_home", returning, 500);
  const std::string tie = R"(plantwin: 1
name: tie_agv
horizon: 3000s
products:
  - {id: p1, route: [a, {station: b, via: agv}]}
  - {id: p2, route: [a2, {station: d, via: agv}]}
sources:
  - {id: f1, orders: [{id: O1, product: p1, quantity: 1, release: 0s}, {id: O2, product: p1, quantity: 1, release: 1000s}]}
  - {id: f2, orders: [{id: P1, product: p2, quantity: 1, release: 0s}]}
stations: [{id: a, process: 10s}, {id: b, process: 0s}, {id: a2, process: 20s}, {id: d, process: 0s}]
layout:
  nodes: [{id: H, x: 0, y: 0}, {id: A, x: 10, y: 0}, {id: M, x: 55, y: 0}, {id: B, x: 60, y: 0}, {id: A2, x: 0, y: 10},
          {id: D, x: 40, y: 10}]
  segments: [{from: H, to: A}, {from: A, to: M}, {from: M, to: B}, {from: H, to: A2}, {from: A2, to: D}]
  places: {a: A, b: B, a2: A2, d: D}
fleets:
  - {id: agv, vehicles: 2, speed: 1, load: 5s, unload: 3s, home: H, return_home: false}
)";
  check_resumes_exactly("tie_agv", tie, 500);
}

TEST_CASE("a state of a plant with more parts in progress than a scenario has YAML nodes is read", "[twin][state]") {
  // 100,000 waiting parts: 1.1 million YAML nodes and 6.5 MB, past a scenario's million nodes
  // (`plantwin state` writes such files; `run --from` and the live twin must read them back).
  const scenario::ScenarioSpec spec = spec_of(DETERMINISTIC);
  constexpr int PARTS = 100'000;
  std::string text = "plantwin_state: 1\nat: 100\nreleased: " + std::to_string(PARTS) + "\nleft: 0\nlast_part: " +
                     std::to_string(PARTS) + "\nstations:\n  - id: a\n    waiting:\n";
  for (int k = 1; k <= PARTS; ++k)
    text += "      - {part: '" + std::to_string(k) + "', product: p, released: 0, entered: 0, step: 0}\n";
  const twin::LoadedState state = twin::load_state_text(text, "big.state.yaml", spec);
  INFO(state.diagnostics.format_all());
  REQUIRE(state.warm);
  CHECK(state.warm->stations.at(0).waiting.size() == PARTS);
  // Past the state's own limit: refused where it is crossed.
  const std::string over(65u << 20, '#');
  CHECK_THAT(refused_state(over, "huge.yaml", spec), Catch::Contains("huge.yaml:1:1: error: larger than 64 MiB (68157440 bytes)"));
}

TEST_CASE("a state with a batch of 20,000 parts in the oven is written so that it is read back", "[twin][state]") {
  // 20,000 parts, one every 10 ms, fill the oven's batch at 200 s; it bakes until 1,200 s. On one
  // flow line the batch was 1.3 MB, past the 1 MiB a flow collection may have.
  const char* BIG = R"(plantwin: 1
name: big-oven
horizon: 30min
products: [{id: p, route: [a, oven, b]}]
sources: [{id: plan, orders: [{id: o1, product: p, quantity: 20000, release: 0s}]}]
stations:
  - {id: a, process: 0.01s}
  - {id: oven, process: 1000s, batch: {max: 20000}}
  - {id: b, process: 0.01s}
)";
  const TempFile scenario("big_oven.yaml", BIG), log("big_oven.csv"), state("big_oven.state.yaml");
  write_log(spec_of(BIG), log.path());
  const CliResult taken = run_cli("state " + log.path() + " --scenario " + scenario.path() + " --at 500 --out " + state.path());
  REQUIRE(taken.exit_code == 0);
  CHECK_THAT(taken.out, Catch::Contains("the state at 500 s, 20000 part(s) in the plant"));
  const twin::LoadedState loaded = twin::load_state(state.path(), spec_of(BIG));
  INFO(loaded.diagnostics.format_all());
  REQUIRE(loaded.warm);
  const auto& oven = loaded.warm->stations.at(1).servers.at(0);
  CHECK(oven.batch.size() == 19'999);  // the others of the batch of its part
  // Run on from it: the whole batch ends at 1,200 s, and every part reaches the end.
  scenario::ScenarioSpec one = spec_of(BIG);
  one.replications = 1;
  run::SessionOptions from;
  from.warm_start = loaded.warm;
  const run::SessionResult resumed = run::run_session(one, from);
  REQUIRE(resumed.ok);
  CHECK(kpi_mean(resumed.document, {"kpis", "completed"}) == 20'000);
}

TEST_CASE("a state file that contradicts itself is refused where it does", "[twin][state]") {
  const scenario::ScenarioSpec spec = spec_of(DETERMINISTIC);
  const std::string text = refused_state(
      "plantwin_state: 1\nat: 100\nreleased: 2\nleft: 3\n"                                     // 1-4
      "orders:\n  - {id: o1, product: p, released: 2, left: 3, release: 150}\n"                     // 5-6
      "sources:\n  - {id: plan, released: 2, last_release: 101}\n"                                  // 7-8
      "stations:\n"                                                                                 // 9
      "  - id: a\n"                                                                                 // 10
      "    waiting:\n"                                                                              // 11
      "      - {part: '1', product: p, released: 120, entered: 130, step: 0}\n"                     // 12
      "      - {part: '2', product: p, released: 0, step: 1}\n"                                     // 13
      "      - {part: '3', product: p, released: 0, step: 7}\n"                                     // 14
      "    servers:\n"                                                                              // 15
      "      - {server: 0, state: donw}\n"                                                          // 16
      "  - id: b\n"                                                                                 // 17
      "    servers:\n"                                                                              // 18
      "      - {server: 0, state: working, activity: working, part: '1', product: p, released: 0, started: 200}\n"  // 19
      "in_transit:\n  - {part: '4', product: p, released: 0, next_step: 1}\n"                       // 20-21
      "  - {part: '4', product: p, released: 0, next_step: 1}\n",                                   // 22
      "s.yaml", spec);
  CHECK_THAT(text, Catch::Contains("s.yaml:4:7: error: left: 3 parts left, more than the 2 released"));
  CHECK_THAT(text, Catch::Contains("s.yaml:6:45: error: orders[0].left: 3 parts left, more than the 2 released"));
  CHECK_THAT(text, Catch::Contains("s.yaml:6:57: error: orders[0].release: 150s is after the state's time (at: 100s)"));
  CHECK_THAT(text, Catch::Contains("sources[0].last_release: 101s is after the state's time (at: 100s)"));
  CHECK_THAT(text, Catch::Contains("s.yaml:12:43: error: stations[0].waiting[0].released: 120s is after the state's time"));
  CHECK_THAT(text, Catch::Contains("stations[0].waiting[0].entered: 130s is after the state's time"));
  CHECK_THAT(text, Catch::Contains("stations[0].waiting[1].step: step 1 of product 'p' is at station 'b', not at 'a'"));
  CHECK_THAT(text, Catch::Contains("stations[0].waiting[2].step: step 7: product 'p' has 2 step(s) in its route, counted from 0"));
  CHECK_THAT(text, Catch::Contains("s.yaml:16:28: error: stations[0].servers[0].state: expected working, setup,"));
  CHECK_THAT(text, Catch::Contains("stations[1].servers[0].started: 200s is after the state's time"));
  CHECK_THAT(text, Catch::Contains("in_transit[1].part: part '4' is already in the state, at in_transit[0]"));

  // One part in two places, both otherwise right; a server shown down without its failure's time.
  const std::string twice_text = refused_state(
      "plantwin_state: 1\nat: 100\n"
      "stations:\n"
      "  - id: a\n"
      "    waiting: [{part: '9', product: p, released: 10}]\n"
      "  - id: b\n"
      "    servers: [{server: 0, state: down, activity: working, part: '9', product: p, released: 10, started: 50}]\n",
      "t.yaml", spec);
  CHECK_THAT(twice_text, Catch::Contains("error: stations[1].servers[0].part: part '9' is already in the state, at stations[0].waiting[0]"));
  CHECK_THAT(twice_text, Catch::Contains("warning: stations[1].servers[0].state: a server shown down without down_since"));
}

TEST_CASE("fit and state refuse what they cannot use, with exit code 2", "[twin][cli]") {
  const TempFile scenario("refuse.yaml", DETERMINISTIC), bad("refuse.csv", "time,event,station,server,part,product,order\n"
                                                                            "0,release,,,1,p,o1\n"
                                                                            "x,enter,a,,1,p,o1\n");
  CHECK(run_cli("fit " + bad.path()).exit_code == 2);
  const CliResult fit = run_cli("fit " + bad.path() + " --scenario " + scenario.path() + " --out /tmp/plantwin_refused.yaml");
  CHECK(fit.exit_code == 2);
  CHECK_THAT(fit.err, Catch::Contains(bad.path() + ":3: error: expected a time in seconds"));
  const CliResult at = run_cli("state " + bad.path() + " --scenario " + scenario.path() + " --at soon");
  CHECK(at.exit_code == 2);
  CHECK_THAT(at.err, Catch::Contains("--at: expected seconds after time 0, a duration like \"10h\""));
  // An output onto an input, or two outputs onto one file: a reviewer's `--report` equal to `--out`
  // left the report where the fitted scenario should be; `--out` onto the log overwrote it.
  const std::string log_text = read_text(bad.path());
  const CliResult same = run_cli("fit " + bad.path() + " --scenario " + scenario.path() + " --out /tmp/plantwin_same.yaml"
                                 " --report /tmp/../tmp/plantwin_same.yaml");
  CHECK(same.exit_code == 2);
  CHECK_THAT(same.err, Catch::Contains("--report: the same file as --out (/tmp/../tmp/plantwin_same.yaml)"));
  CHECK(run_cli("fit " + bad.path() + " --scenario " + scenario.path() + " --out " + bad.path()).exit_code == 2);
  const CliResult onto = run_cli("state " + bad.path() + " --scenario " + scenario.path() + " --at 5 --out " + scenario.path());
  CHECK(onto.exit_code == 2);
  CHECK_THAT(onto.err, Catch::Contains("--out: the same file as --scenario"));
  // A hard link to the log is the log (a reviewer's case); /dev/null is no file to lose.
  const std::string link = bad.path() + ".link";
  std::filesystem::remove(link);
  std::filesystem::create_hard_link(bad.path(), link);
  CHECK(run_cli("state " + bad.path() + " --scenario " + scenario.path() + " --at 5 --out " + link).exit_code == 2);
  std::filesystem::remove(link);
  CHECK(read_text(bad.path()) == log_text);
  CHECK_THAT(run_cli("fit " + bad.path() + " --scenario " + scenario.path() + " --out /dev/null --report /dev/null").err,
             !Catch::Contains("the same file"));
}
