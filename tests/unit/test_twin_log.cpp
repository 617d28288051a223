// Reading event logs (twin/log_reader.hpp) and replaying them (twin/replay.hpp).
#include <catch2/catch.hpp>

#include "twin/log_reader.hpp"
#include "twin/replay.hpp"
#include "twin_support.hpp"

using namespace plantwin;
using namespace plantwin::testing;
using twin::LogEvent;
using twin::LogEventKind;

namespace {

const char* LINE = "plantwin: 1\nname: two\nhorizon: 1h\n"
                   "products: [{id: p, route: [a, b]}, {id: q, route: [a, b]}]\n"
                   "sources: [{id: s, mix: {p: 1, q: 1}, interarrival: 10s}]\n"
                   "stations: [{id: a, servers: 2, process: 5s}, {id: b, process: 3s}]\n";

twin::LogCatalog catalog() { return twin::LogCatalog::of(spec_of(LINE)); }

struct Read {
  std::vector<LogEvent> events;
  std::vector<std::string> parts;
  std::vector<twin::LogDiagnostic> diagnostics;
  bool ok = false;
  std::optional<twin::Epoch> time0;
};

Read read(const std::string& text, std::optional<twin::Epoch> epoch = {}) {
  const TempFile file("log.csv", text);
  const twin::LogCatalog c = catalog();
  twin::LogReader reader(file.path(), c, epoch);
  Read r;
  r.ok = reader.ok();
  LogEvent e;
  while (reader.next(e)) {
    r.events.push_back(e);
    r.parts.emplace_back(e.part);
  }
  r.diagnostics = reader.diagnostics();
  r.time0 = reader.time0();
  return r;
}

std::string first_error(const Read& r) {
  for (const auto& d : r.diagnostics)
    if (d.error) return d.format();
  return "";
}

constexpr kernel::Tick S = kernel::TICKS_PER_SECOND;

/// Replays the log at `path` row by row: each row's observation.
std::vector<twin::Observation> replay_all(const std::string& path, const twin::LogCatalog& c, twin::LogReplay& replay) {
  twin::LogReader reader(path, c);
  LogEvent e;
  std::vector<twin::Observation> obs;
  while (reader.next(e)) obs.push_back(replay.apply(e));
  return obs;
}

}  // namespace

TEST_CASE("a log in seconds is read row by row with every id resolved", "[twin][log]") {
  const Read r = read("time,event,station,server,part,product,order,carrier,from,to,state\n"
                      "0,release,,,1,q,o1,,,,\n"
                      "0,enter,a,,1,q,o1,,,,\n"
                      "0.5,start,a,1,1,q,o1,,,,\n"
                      "5.000000001,end,a,1,1,q,o1,,,,\n");
  REQUIRE(r.ok);
  REQUIRE(r.events.size() == 4);
  CHECK(r.events[0].kind == LogEventKind::RELEASE);
  CHECK(r.events[0].product == 1);
  CHECK(r.events[0].order == 0);
  CHECK(r.events[2].station == 0);
  CHECK(r.events[2].server == 1);
  CHECK(r.events[2].time == S / 2);
  CHECK(r.events[3].time == 5 * S + 1);
  CHECK(r.events[3].line == 5);
  CHECK(first_error(r).empty());
}

TEST_CASE("quoted fields may hold commas, doubled quotes and line breaks (RFC 4180)", "[twin][log]") {
  const Read r = read("\xEF\xBB\xBFtime,event,station,server,part,product,order\r\n"
                      "0,release,,,\"SN,1\",p,\"order \"\"A\"\"\"\r\n"
                      "1,release,,,\"SN\n2\",p,\r\n"
                      "2,enter,a,,\"SN,1\",p,\r\n");
  REQUIRE(r.ok);
  REQUIRE(r.events.size() == 3);
  CHECK(r.parts[0] == "SN,1");
  CHECK(r.parts[1] == "SN\n2");
  CHECK(r.events[2].line == 5);  // the quoted line break counts
}

TEST_CASE("columns are found by name in any order, unknown columns and events are warnings", "[twin][log]") {
  const Read r = read("product,part,event,time,station,shift\n"
                      "p,1,release,0,,A\n"
                      "p,1,inspect,1,a,A\n"
                      "p,1,inspect,2,a,A\n");
  REQUIRE(r.ok);
  CHECK(r.events.size() == 1);
  REQUIRE(r.diagnostics.size() == 2);
  CHECK(r.diagnostics[0].format() == r.diagnostics[0].file + ":1: warning: unknown column 'shift': ignored");
  CHECK_THAT(r.diagnostics[1].format(), Catch::EndsWith(":3: warning: unknown event 'inspect' (2 row(s)): ignored"));
}

TEST_CASE("a log without a required column is refused at its header", "[twin][log]") {
  const Read r = read("time,event,part\n0,release,1\n");
  CHECK_FALSE(r.ok);
  CHECK_THAT(first_error(r), Catch::Contains(":1: error: missing required column(s) station, product in the header"));
}

TEST_CASE("bad rows are located errors, and reading goes on past them", "[twin][log]") {
  const Read r = read("time,event,station,server,part,product,order\n"
                      "0,release,,,1,p,\n"
                      "soon,enter,a,,1,p,\n"
                      "2,enter,reflw,,1,p,\n"
                      "3,start,a,7,1,p,\n"
                      "3,start,a,0,1,p,\n"
                      "1,end,a,0,1,p,\n"
                      "4,release,,,2,board,\n"
                      "5,end,a,0,1,p,\n");
  REQUIRE(r.ok);
  CHECK(r.events.size() == 3);
  std::vector<std::string> errors;
  for (const auto& d : r.diagnostics)
    if (d.error) errors.push_back(d.format().substr(d.file.size()));
  REQUIRE(errors.size() == 5);
  CHECK(errors[0] == ":3: error: expected a time in seconds (like 125.5) or ISO 8601 like the first row's, got 'soon'");
  CHECK(errors[1] == ":4: error: unknown station 'reflw' (not in the scenario)");
  CHECK(errors[2] == ":5: error: server '7' of station 'a': the station has 2 server(s) in the scenario (numbered from 0)");
  CHECK(errors[3] == ":7: error: time goes backwards: 1 is earlier than the row before (rows are in time order)");
  CHECK(errors[4] == ":8: error: unknown product 'board' (not in the scenario)");
}

TEST_CASE("an unterminated quote, an empty file and a missing file are errors, not crashes", "[twin][log]") {
  CHECK_THAT(first_error(read(std::string("time,event,station,part,product\n0,release,,1,p") + '\0' + "\n")),
             Catch::Contains(":2: error: unknown product 'p\\x00' (did you mean 'p'?)"));
  CHECK_THAT(first_error(read("time,event,station,part,product\n0,release,,\"1,p\n")),
             Catch::Contains(":2: error: a quoted field is not closed before the end of the file"));
  CHECK_THAT(first_error(read("")), Catch::Contains(":1: error: the event log is empty"));
  const twin::LogCatalog c = catalog();
  twin::LogReader missing("/tmp/plantwin_no_such_log.csv", c);
  CHECK_FALSE(missing.ok());
  CHECK_THAT(missing.diagnostics().front().format(), Catch::Contains("cannot read the event log: No such file"));
}

TEST_CASE("ISO times count from the epoch, or from midnight of the first row's day", "[twin][log]") {
  const std::string log = "time,event,station,server,part,product,order\n"
                          "2026-03-02T06:00:00+08:00,release,,,1,p,\n"
                          "2026-03-02T06:00:01.25+08:00,enter,a,,1,p,\n"
                          "2026-03-01T22:00:02Z,start,a,0,1,p,\n"
                          "2026-03-02T06:00:03,end,a,0,1,p,\n";
  const Read midnight = read(log);
  REQUIRE(midnight.events.size() == 4);
  CHECK(midnight.events[0].time == 6 * 3600 * S);
  CHECK(midnight.events[1].time == 6 * 3600 * S + S + S / 4);
  CHECK(midnight.events[2].time == (6 * 3600 + 2) * S);  // 22:00Z is 06:00 at +08:00
  CHECK(midnight.events[3].time == (6 * 3600 + 3) * S);  // no offset: the first row's
  const Read epoch = read(log, twin::Epoch{*twin::parse_epoch("2026-03-02T06:00:00+08:00", nullptr)});
  CHECK(epoch.events[0].time == 0);
  CHECK(epoch.events[3].time == 3 * S);
  const Read before = read(log, twin::parse_epoch("2026-03-03T00:00:00+08:00", nullptr));
  CHECK_THAT(first_error(before), Catch::Contains(":2: error: time 2026-03-02T06:00:00+08:00 is before time 0 (the epoch)"));
}

TEST_CASE("ISO times may leave out the seconds and the offset's colon, malformed ones are still refused", "[twin][log]") {
  const Read r = read("time,event,station,server,part,product,order\n"
                      "2026-03-02T06:00+08:00,release,,,1,p,\n"
                      "2026-03-02T06:00:01+0800,enter,a,,1,p,\n"
                      "2026-03-01T22:01Z,start,a,0,1,p,\n"
                      "2026-03-02T06:01:30-0130,end,a,0,1,p,\n");
  INFO(first_error(r));
  REQUIRE(r.events.size() == 4);
  CHECK(r.events[0].time == 6 * 3600 * S);
  CHECK(r.events[1].time == (6 * 3600 + 1) * S);
  CHECK(r.events[2].time == (6 * 3600 + 60) * S);
  CHECK(r.events[3].time == (6 * 3600 + 90 + 9 * 3600 + 30 * 60) * S);  // 07:31:30Z is 15:31:30 at +08:00
  for (const std::string bad : {"2026-03-02T06:00+080", "2026-03-02T06:00+08:0", "2026-03-02T06+08:00",
                                "2026-03-02T06:00.5+08:00", "2026-03-02T06:00:00+08:", "2026-03-02T06:00:00+08000"}) {
    const Read refused = read("time,event,station,server,part,product,order\n" + bad + ",release,,,1,p,\n");
    CHECK(first_error(refused).substr(refused.diagnostics.front().file.size()) ==
          ":2: error: time: expected a date and time like \"2026-03-02T06:00:00+08:00\", got \"" + bad + "\"");
  }
}

TEST_CASE("a time in seconds before time 0 or more than 100 years after it says so", "[twin][log]") {
  const Read r = read("time,event,station,server,part,product,order\n"
                      "0,release,,,1,p,\n"
                      "-5,enter,a,,1,p,\n"
                      "3153600001,start,a,0,1,p,\n"
                      "1e10,start,a,0,1,p,\n"
                      "-1e3,start,a,0,1,p,\n");
  std::vector<std::string> errors;
  for (const auto& d : r.diagnostics)
    if (d.error) errors.push_back(d.format().substr(d.file.size()));
  REQUIRE(errors.size() == 4);
  CHECK(errors[0] == ":3: error: time -5 is before time 0");
  CHECK(errors[1] == ":4: error: time 3153600001 is more than 100 years after time 0");
  CHECK(errors[2] == ":5: error: time 1e10 is more than 100 years after time 0");
  CHECK(errors[3] == ":6: error: time -1e3 is before time 0");
}

TEST_CASE("the replay nets out repairs from work and knows where every part is", "[twin][replay]") {
  const TempFile file("replay.csv", "time,event,station,server,part,product,order\n"
                                     "0,release,,,1,p,\n"
                                     "0,enter,a,,1,p,\n"
                                     "1,start,a,0,1,p,\n"
                                     "3,down,a,0,,,\n"
                                     "10,up,a,0,,,\n"
                                     "12,end,a,0,1,p,\n"
                                     "13,leave,a,0,1,p,\n"
                                     "13,enter,b,,1,p,\n"
                                     "14,release,,,2,q,\n");
  const twin::LogCatalog c = catalog();
  twin::LogReplay replay(c, {});
  const std::vector<twin::Observation> obs = replay_all(file.path(), c, replay);
  REQUIRE(obs.size() == 9);
  CHECK(*obs[4].repair == 7 * S);
  CHECK(*obs[5].work == 4 * S);  // 1..12 less the 7 s down
  REQUIRE(replay.parts().size() == 2);
  CHECK(replay.parts().at("1").place == twin::Place::BUFFER);
  CHECK(replay.parts().at("1").station == 1);
  CHECK(replay.parts().at("2").place == twin::Place::SOURCE);
  CHECK(replay.anomalies() == 0);
}

TEST_CASE("a log without servers, leave or enter rows seats a part on its station's first free server until it starts elsewhere",
          "[twin][replay]") {
  // An MES export: station a has 2 servers; part 1 moves on to b by its start row there, which
  // frees a's server 0 for part 3.
  const TempFile file("mes.csv", "time,event,station,server,part,product\n"
                                 "0,release,,,1,p\n0,release,,,2,p\n0,release,,,3,p\n"
                                 "1,start,a,,1,p\n1,start,a,,2,p\n"
                                 "6,end,a,,1,p\n6,end,a,,2,p\n"
                                 "7,start,b,,1,p\n8,start,a,,3,p\n"
                                 "10,end,b,,1,p\n13,end,a,,3,p\n");
  const twin::LogCatalog c = catalog();
  twin::LogReplay replay(c, {});
  const std::vector<twin::Observation> obs = replay_all(file.path(), c, replay);
  REQUIRE(obs.size() == 11);
  CHECK(replay.anomalies() == 0);
  CHECK(*obs[5].work == 5 * S);
  CHECK(*obs[9].work == 3 * S);
  CHECK(*obs[10].work == 5 * S);
  const auto& a = replay.servers()[0];
  CHECK(a[0].part == "3");
  CHECK(a[1].part == "2");
  CHECK(replay.servers()[1][0].part == "1");
  CHECK(replay.parts().at("1").station == 1);
  CHECK(replay.parts().at("3").server == 0);
}

TEST_CASE("a log without leave rows: a part starting on a server whose part's work ended sends that part on",
          "[twin][replay]") {
  // An MES export has `start` and `end` rows only. Both of a's servers hold a finished part when
  // part 3 starts at 8 s: without a server column it takes the first of them (part 1 moves on, to b
  // at 15 s), with one the server it names (part 2 moves on). Both were anomalies, and part 3's work
  // went unmeasured.
  for (const bool named : {false, true}) {
    const std::string three = named ? "8,start,a,1,3,p\n13,end,a,1,3,p\n" : "8,start,a,,3,p\n13,end,a,,3,p\n";
    const std::string moved = named ? "2" : "1", stays = named ? "1" : "2";
    const TempFile file("mes_end.csv", "time,event,station,server,part,product\n"
                                       "0,release,,,1,p\n0,release,,,2,p\n0,release,,,3,p\n"
                                       "1,start,a,,1,p\n1,start,a,,2,p\n6,end,a,,1,p\n6,end,a,,2,p\n" +
                                           three + "15,start,b,," + moved + ",p\n");
    const twin::LogCatalog c = catalog();
    twin::LogReplay replay(c, {});
    const std::vector<twin::Observation> obs = replay_all(file.path(), c, replay);
    REQUIRE(obs.size() == 10);
    CHECK(replay.anomalies() == 0);
    REQUIRE(obs[8].work);
    CHECK(*obs[8].work == 5 * S);
    const auto& a = replay.servers()[0];
    CHECK(a[named ? 1 : 0].part == "3");
    CHECK(a[named ? 0 : 1].part == stays);
    CHECK(a[named ? 0 : 1].activity == twin::ServerTrack::Activity::FINISHED);
    CHECK(replay.parts().at(moved).station == 1);  // on its way, then at b
    CHECK(replay.parts().at(moved).left_from == 0);
  }
  {
    // Of two finished parts, the one that ended first moves on (the station grants its hand-overs
    // in that order): part 2, ended at 5 s on server 1, though server 0's part ended too.
    const TempFile file("mes_first.csv", "time,event,station,server,part,product\n"
                                         "0,release,,,1,p\n0,release,,,2,p\n0,release,,,3,p\n"
                                         "1,start,a,,1,p\n1,start,a,,2,p\n5,end,a,,2,p\n6,end,a,,1,p\n8,start,a,,3,p\n");
    const twin::LogCatalog c = catalog();
    twin::LogReplay replay(c, {});
    replay_all(file.path(), c, replay);
    CHECK(replay.anomalies() == 0);
    CHECK(replay.servers()[0][1].part == "3");
    CHECK(replay.servers()[0][0].part == "1");
    CHECK(replay.parts().at("2").place == twin::Place::TRANSIT);
  }
  // A server that is down is not taken (its part's work had ended): part 3 goes to server 1 while 0
  // is down (a review found it measured 0 s of work on the down server). Part 1, which entering b
  // takes off its server, left a (a station it last left counts toward a rework's attempts).
  const TempFile file("mes_down.csv", "time,event,station,server,part,product\n"
                                      "0,release,,,1,p\n0,release,,,2,p\n0,release,,,3,p\n"
                                      "1,start,a,,1,p\n1,start,a,,2,p\n6,end,a,,1,p\n6,end,a,,2,p\n"
                                      "7,down,a,0,,\n8,start,a,,3,p\n13,end,a,,3,p\n14,enter,b,,1,p\n");
  const twin::LogCatalog c = catalog();
  twin::LogReplay replay(c, {});
  const std::vector<twin::Observation> obs = replay_all(file.path(), c, replay);
  REQUIRE(obs.size() == 11);
  CHECK(replay.anomalies() == 0);
  REQUIRE(obs[9].work);
  CHECK(*obs[9].work == 5 * S);
  CHECK(replay.servers()[0][1].part == "3");
  CHECK(replay.servers()[0][0].part.empty());
  CHECK(replay.parts().at("2").place == twin::Place::TRANSIT);
  CHECK(replay.parts().at("1").left_from == 0);
}

TEST_CASE("a log without servers: the parts starting with a batch join it up to its most, the rest take another oven",
          "[twin][replay]") {
  // An oven of two chambers, batches of at most 3: five parts start at 1 s, as two batches (3 and
  // 2). Each part took the next free chamber: the third found none, an anomaly, and its work and
  // the second batch's were measured on the wrong chambers.
  const scenario::ScenarioSpec spec = spec_of(R"(plantwin: 1
name: ovens
horizon: 1h
products: [{id: p, route: [oven]}, {id: q, route: [oven]}]
sources: [{id: s, mix: {p: 1, q: 1}, interarrival: 1min}]
stations: [{id: oven, servers: 2, process: 10s, batch: {max: 3}}]
)");
  std::string rows = "time,event,station,server,part,product\n";
  for (const char* id : {"1", "2", "3", "4", "5"}) rows += std::string("0,release,,,") + id + ",p\n";
  for (const char* id : {"1", "2", "3", "4", "5"}) rows += std::string("1,start,oven,,") + id + ",p\n";
  for (const char* id : {"1", "2", "3", "4", "5"}) rows += std::string("11,end,oven,,") + id + ",p\n";
  rows += "12,start,oven,,6,p\n";  // a part never released (an anomaly), into the first chamber whose work ended
  const TempFile file("ovens.csv", rows);
  const twin::LogCatalog c = twin::LogCatalog::of(spec);
  twin::LogReplay replay(c, twin::replay_rules(spec));
  const std::vector<twin::Observation> obs = replay_all(file.path(), c, replay);
  REQUIRE(obs.size() == 16);
  CHECK(replay.anomalies() == 1);
  CHECK(*obs[10].work == 10 * S);  // the first batch's
  CHECK(*obs[13].work == 10 * S);  // the second's
  const auto& oven = replay.servers()[0];
  CHECK(oven[0].part == "6");
  CHECK(oven[1].part == "4");
  CHECK(oven[1].batch == std::vector<std::string>{"5"});
  CHECK(replay.parts().at("3").place == twin::Place::TRANSIT);
  // Batches are of one product: two that start at one instant, of p and of q, are two batches even
  // when the first has room (a review found q's parts in p's batch).
  const TempFile two("ovens_pq.csv", "time,event,station,server,part,product\n0,release,,,1,p\n0,release,,,2,p\n"
                                     "0,release,,,3,q\n0,release,,,4,q\n1,start,oven,,1,p\n1,start,oven,,2,p\n"
                                     "1,start,oven,,3,q\n1,start,oven,,4,q\n");
  twin::LogReplay pq(c, twin::replay_rules(spec));
  replay_all(two.path(), c, pq);
  CHECK(pq.anomalies() == 0);
  CHECK(pq.servers()[0][0].batch == std::vector<std::string>{"2"});
  CHECK(pq.servers()[0][1].part == "3");
  CHECK(pq.servers()[0][1].batch == std::vector<std::string>{"4"});
  // A part whose product the log does not say (no release row, none in its start) joins any batch.
  const TempFile unknown("ovens_u.csv", "time,event,station,server,part,product\n"
                                        "1,start,oven,,1,\n1,start,oven,,2,p\n1,start,oven,,3,\n");
  twin::LogReplay u(c, twin::replay_rules(spec));
  replay_all(unknown.path(), c, u);
  CHECK(u.servers()[0][0].batch == std::vector<std::string>{"2", "3"});
}

TEST_CASE("a part released again while on a server stays on it, and its end is measured", "[twin][replay]") {
  // Its release row came late (an anomaly): its work from 1 to 6 s is still observed, and its
  // server is free once it leaves.
  const TempFile file("late.csv", "time,event,station,server,part,product\n"
                                  "0,release,,,1,p\n1,start,a,,1,p\n2,release,,,1,p\n6,end,a,,1,p\n7,leave,a,,1,p\n"
                                  "8,release,,,2,p\n8,start,a,,2,p\n");
  const twin::LogCatalog c = catalog();
  twin::LogReplay replay(c, {});
  const std::vector<twin::Observation> obs = replay_all(file.path(), c, replay);
  REQUIRE(obs.size() == 7);
  CHECK(replay.anomalies() == 1);
  CHECK(*obs[3].work == 5 * S);
  CHECK(replay.servers()[0][0].part == "2");
  CHECK(replay.servers()[0][1].part.empty());
}

TEST_CASE("the replay takes a station's calendar from the scenario: paused work nets out the breaks", "[twin][replay]") {
  // Station a pauses at its break (10:00-10:30), station b finishes the part in hand in overtime.
  const scenario::ScenarioSpec spec = spec_of(
      "plantwin: 1\nname: shifts\nhorizon: 1d\n"
      "calendars: [{id: day, shifts: [{from: 6h, to: 14h}], breaks: [{from: 10h, to: 10h30min}]}]\n"
      "products: [{id: p, route: [a, b]}]\n"
      "sources: [{id: s, product: p, interarrival: 10min}]\n"
      "stations: [{id: a, process: 5min, calendar: day}, {id: b, process: 5min, calendar: day, at_shift_end: finish}]\n");
  const twin::LogCatalog c = twin::LogCatalog::of(spec);
  const TempFile file("shifts.csv", "time,event,station,server,part,product,order\n"
                                    "35580,release,,,1,p,\n"
                                    "35580,start,a,0,1,p,\n"       // 09:53, 7 min before the break
                                    "37980,end,a,0,1,p,\n"         // 10:33: 7 + 3 min of work
                                    "37980,leave,a,0,1,p,\n"
                                    "37980,enter,b,,1,p,\n"
                                    "37980,start,b,0,1,p,\n"
                                    "38280,end,b,0,1,p,\n"
                                    "38280,exit,b,0,1,p,\n"
                                    "39000,release,,,2,p,\n"
                                    "49980,start,b,0,2,p,\n"       // 13:53: finishes at 13:58, no pause
                                    "50280,end,b,0,2,p,\n");
  twin::LogReplay replay(c, twin::replay_rules(spec), 6 * 3600 * S, 14 * 3600 * S);
  const std::vector<twin::Observation> obs = replay_all(file.path(), c, replay);
  replay.finish(14 * 3600 * S);
  REQUIRE(obs.size() == 11);
  CHECK(*obs[2].work == 10 * 60 * S);  // 40 min of wall time less the 30-min break
  CHECK(*obs[6].work == 5 * 60 * S);
  CHECK(*obs[10].work == 5 * 60 * S);
  const auto& a = replay.window().states_derived[0];
  CHECK(a[static_cast<std::size_t>(models::ServerState::WORKING)] == 10 * 60 * S);
  CHECK(a[static_cast<std::size_t>(models::ServerState::OFF_SHIFT)] == 30 * 60 * S);
  CHECK(a[static_cast<std::size_t>(models::ServerState::IDLE)] == (8 * 3600 - 40 * 60) * S);
  // Without the calendar (a scenario that does not say), the break would count as work.
  twin::LogReplay plain(c, {});
  const std::vector<twin::Observation> raw = replay_all(file.path(), c, plain);
  CHECK(*raw[2].work == 40 * 60 * S);
}
