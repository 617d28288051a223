// The live twin without a broker (twin/live_intake.hpp): event messages applied as they come, and
// the forecast of the state they give. The broker's side is tested in python/tests/test_live_twin.py.
#include <catch2/catch.hpp>

#include <poll.h>

#include <sstream>

#include "run/process_runner.hpp"
#include "twin/live_intake.hpp"
#include "twin/state.hpp"
#include "twin_support.hpp"

using namespace plantwin;
using namespace plantwin::testing;

namespace {

const char* LINE = R"(plantwin: 1
name: live
seed: 3
horizon: 2h
products: [{id: p, route: [a, b]}]
sources: [{id: plan, orders: [{id: o1, product: p, quantity: 60, release: 0s, due: 1h}, {id: o2, product: p, quantity: 60, release: 30min, due: 2h}]}]
stations:
  - id: a
    process: {dist: exponential, mean: 30s}
    failures: {mtbf: {dist: exponential, mean: 20min}, mttr: {dist: exponential, mean: 2min}}
  - {id: b, buffer: 4, process: {dist: lognormal, mean: 40s, cv: 0.3}}
)";

/// The log's rows as the replayer publishes them: one JSON object each, empty columns left out.
std::vector<std::string> messages_of(const std::string& log) {
  const twin::LogCatalog none;
  twin::LogReader reader(log, none);
  std::vector<std::pair<std::string_view, std::string_view>> fields;
  kernel::Tick t = 0;
  std::vector<std::string> out;
  while (reader.next_fields(fields, t)) {
    run::Json row = run::Json::object();
    for (const auto& [name, value] : fields) row.add(std::string(name), std::string(value));
    out.push_back(row.dump());
  }
  return out;
}

/// A state file without its first lines and `log:`, which name where the rows came from.
std::string body(const std::string& yaml) {
  std::istringstream in(yaml);
  std::string line, out;
  while (std::getline(in, line))
    if (line.rfind("#", 0) != 0 && line.rfind("log:", 0) != 0) out += line + "\n";
  return out;
}

}  // namespace

namespace {

/// The spec's log given as messages up to `at_s` gives the state file that `plantwin state` reads
/// from the log file.
void check_messages_give_the_file_state(const scenario::ScenarioSpec& spec, double at_s) {
  const TempFile log("live.csv");
  write_log(spec, log.path());
  const auto messages = messages_of(log.path());
  REQUIRE(messages.size() > 500);
  twin::LiveIntake intake(spec, "plantwin/live/events", std::nullopt);
  const kernel::Tick at = static_cast<kernel::Tick>(at_s) * kernel::TICKS_PER_SECOND;
  for (const auto& m : messages) {
    REQUIRE(intake.read(m) == twin::IntakeOutcome::APPLIED);
    if (intake.pending().time > at) break;
    intake.apply_pending();
  }
  const twin::StateResult file = twin::plant_state(log.path(), spec, std::to_string(static_cast<long>(at_s)), {});
  REQUIRE(file.ok);
  CHECK(body(intake.state_yaml(at)) == body(file.yaml));
  CHECK(intake.counts().malformed == 0);
  CHECK(intake.take_diagnostics().empty());
}

}  // namespace

TEST_CASE("messages with the event log's columns give the state that the log file gives", "[twin][live]") {
  check_messages_give_the_file_state(spec_of(LINE), 2400);
}

TEST_CASE("an assembly line's consume and assemble messages give the state that the log file gives", "[twin][live]") {
  // Material flow (docs/planning.md#assembly): components consumed where devices are assembled.
  check_messages_give_the_file_state(spec_of(R"(plantwin: 1
name: live-assembly
seed: 4
horizon: 4h
products:
  - {id: board, route: [smt, box]}
  - {id: housing, route: [mold, box]}
  - {id: device, bom: {board: 1, housing: 2}, route: [box, test]}
sources:
  - id: plan
    orders: [{id: o1, product: device, quantity: 150, release: 0s, due: 2h}, {id: o2, product: device, quantity: 150, release: 1h, due: 4h}]
stations:
  - {id: smt, process: {dist: exponential, mean: 40s}}
  - {id: mold, process: {dist: lognormal, mean: 15s, cv: 0.3}}
  - {id: box, process: {device: 30s}}
  - {id: test, process: 10s}
)"),
                                     3000);
}

TEST_CASE("a malformed, an out-of-order and a repeated message are counted and skipped, an unknown station is reported once", "[twin][live]") {
  const auto spec = spec_of(LINE);
  twin::LiveIntake intake(spec, "plantwin/live/events", std::nullopt);
  using O = twin::IntakeOutcome;
  const std::string release = R"({"time": 0, "event": "release", "part": "1", "product": "p", "order": "o1"})";
  CHECK(intake.apply(release) == O::APPLIED);
  CHECK(intake.apply(release) == O::DUPLICATE);
  CHECK(intake.apply("{\"time\": 1,") == O::MALFORMED);
  CHECK(intake.apply(R"({"time": 2, "event": "enter", "station": "aa", "part": "1", "product": "p"})") == O::MALFORMED);
  CHECK(intake.apply(R"({"time": 3, "event": "enter", "station": "aa", "part": "1", "product": "p"})") == O::MALFORMED);
  CHECK(intake.apply(R"({"time": 5, "event": "enter", "station": "a", "part": "1", "product": "p", "order": "o1"})") == O::APPLIED);
  CHECK(intake.apply(R"({"time": 4, "event": "start", "station": "a", "part": "1", "product": "p"})") == O::OUT_OF_ORDER);
  CHECK(intake.apply(R"({"time": 6, "event": "polish", "station": "a", "part": "1", "product": "p"})") == O::IGNORED);
  CHECK(intake.apply(R"({"time": 7, "event": "polish", "station": "a", "part": "1", "product": "p"})") == O::IGNORED);
  CHECK(intake.apply(R"({"time": [8], "event": "start"})") == O::MALFORMED);
  CHECK(intake.plant_time() == 5 * kernel::TICKS_PER_SECOND);
  const auto& c = intake.counts();
  CHECK(c.received == 10);
  CHECK(c.applied == 2);
  CHECK(c.duplicates == 1);
  CHECK(c.malformed == 4);
  CHECK(c.out_of_order == 1);
  CHECK(c.ignored == 2);
  std::string text;
  for (const auto& d : intake.take_diagnostics()) text += d.format() + "\n";
  CHECK(text ==
        "plantwin/live/events:3: error: not JSON: expected a key in quotes at column 12\n"
        "plantwin/live/events:4: error: unknown station 'aa' (did you mean 'a'?) (not in the scenario)\n"
        "plantwin/live/events:7: error: time goes backwards: 4 is earlier than the row before (rows are in time order)\n"
        "plantwin/live/events:8: warning: unknown event 'polish': ignored (reported once)\n"
        "plantwin/live/events:10: error: column 'time': expected text or a number\n");
}

TEST_CASE("the forecast of a live state has the keys the twin publishes", "[twin][live]") {
  const auto spec = spec_of(LINE);
  const TempFile log("live_forecast.csv");
  write_log(spec, log.path());
  twin::LiveIntake intake(spec, "plantwin/live/events", std::nullopt);
  const kernel::Tick at = 1200 * kernel::TICKS_PER_SECOND;
  for (const auto& m : messages_of(log.path())) {
    if (intake.read(m) != twin::IntakeOutcome::APPLIED || intake.pending().time > at) break;
    intake.apply_pending();
  }
  twin::ForecastRequest r;
  r.state_yaml = intake.state_yaml(at);
  r.plant_time = at;
  r.until = twin::forecast_until(spec, at, std::nullopt);
  r.replications = 5;
  r.jobs = 2;
  r.trigger = "request";
  CHECK(r.until == spec.horizon);
  const run::Json f = twin::compute_forecast(spec, r, nullptr);
  std::vector<std::string> keys;
  for (const auto& [k, v] : f.members()) keys.push_back(k);
  CHECK(keys == std::vector<std::string>{"plant_time_s", "until_s", "replications", "orders", "throughput_per_h", "bottleneck",
                                         "completed", "lead_time_s", "wip", "trigger", "request_id", "seed"});
  CHECK(f.find("plant_time_s")->number() == 1200);
  CHECK(f.find("replications")->number() == 5);
  REQUIRE(f.find("orders")->items().size() == 2);
  for (const run::Json& o : f.find("orders")->items()) {
    CHECK(o.find("p_on_time") != nullptr);
    CHECK(o.find("done_s")->find("mean")->number() > 1200);
  }
  // A later window past the scenario's run is the shift (horizon) that holds it.
  CHECK(twin::forecast_until(spec, spec.horizon + 1, std::nullopt) == 2 * spec.horizon);
  CHECK(twin::forecast_until(spec, at, 600 * kernel::TICKS_PER_SECOND) == at + 600 * kernel::TICKS_PER_SECOND);
}

TEST_CASE("a background child runs beside its caller and gives back what its work returned", "[twin][live]") {
  run::BackgroundChild child;
  child.start([] { return std::string("forecast"); });
  CHECK(child.running());
  std::optional<run::ChildOutcome> outcome;
  for (int i = 0; i < 500 && !outcome; ++i) {
    pollfd p{child.fd(), POLLIN, 0};
    ::poll(&p, 1, 10);
    outcome = child.poll();
  }
  REQUIRE(outcome);
  CHECK(outcome->ok);
  CHECK(outcome->bytes == "forecast");
  CHECK_FALSE(child.running());
  child.start([]() -> std::string { throw std::runtime_error("no state"); });
  for (outcome.reset(); !outcome;) {
    pollfd p{child.fd(), POLLIN, 0};
    ::poll(&p, 1, 10);
    outcome = child.poll();
  }
  CHECK_FALSE(outcome->ok);
  CHECK(outcome->error == "no state");
}
