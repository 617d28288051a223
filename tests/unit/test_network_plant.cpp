// Messages over the network through the whole stack (YAML, builder, plant, child processes,
// result document), against what the model says they must do to the material flow.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "kernel/stats.hpp"
#include "run/json.hpp"
#include "run/result_document.hpp"
#include "run/runner.hpp"
#include "scenario/builder.hpp"
#include "scenario/loader.hpp"

using namespace plantwin;

namespace {

struct NetRun {
  models::PlantParams params;
  run::RunOutcome outcome;
  run::Json doc;
};

NetRun run_text(const std::string& yaml, const std::vector<std::string>& sets = {}, int jobs = 2) {
  std::vector<scenario::Override> overrides;
  for (const std::string& s : sets) overrides.push_back(*scenario::parse_override(s));
  const auto loaded = scenario::load_scenario_text(yaml, "test.yaml", overrides);
  INFO(loaded.diagnostics.format_all());
  REQUIRE(loaded.spec.has_value());
  NetRun r;
  r.params = scenario::build_plant_params(*loaded.spec);
  run::RunConfig config;
  config.seed = loaded.spec->seed;
  config.replications = loaded.spec->replications;
  config.warmup = loaded.spec->warmup;
  config.horizon = loaded.spec->horizon;
  config.jobs = jobs;
  r.outcome = run::run_replications(r.params, config);
  INFO(r.outcome.error);
  REQUIRE(r.outcome.ok);
  r.doc = run::result_document(loaded.spec->name, r.params, config, r.outcome);
  return r;
}

double number(const run::Json& doc, std::initializer_list<std::string_view> path) {
  const run::Json* j = &doc;
  for (std::string_view key : path) {
    INFO("key " << key);
    j = j->find(key);
    REQUIRE(j != nullptr);
  }
  REQUIRE(j->is_number());
  return j->number();
}

// A device on a 5G cell whose only other link is a fast backhaul to an edge server: a message's
// time is the radio's latency plus its size over the uplink.
const std::string TELEMETRY = R"(
plantwin: 1
name: telemetry
horizon: 100s
products: [{id: p, route: [m]}]
sources: [{id: s, product: p, interarrival: 1000s}]
stations: [{id: m, process: 1s}]
network:
  nodes:
    - {id: gnb, kind: cell}
    - {id: edge, kind: edge}
  links:
    - {id: radio, kind: 5g, cell: gnb, uplink: 100Mbps, downlink: 100Mbps, latency: 5ms}
    - {id: backhaul, kind: wired, between: [gnb, edge], bandwidth: 1000Gbps, latency: 0s}
  attach:
    - {device: sensor, node: gnb}
messages:
  - {id: reading, from: sensor, to: edge, size: 10kB, every: 10s}
)";

}  // namespace

TEST_CASE("a message's latency is its route's latency plus its size over the bandwidth: kB, KiB, bits and bytes",
          "[network][units]") {
  // 10 kB = 10,000 B over 100 Mbit/s = 12.5 MB/s: 5 ms + 0.8 ms.
  CHECK(number(run_text(TELEMETRY).doc, {"flows", "reading", "latency_s", "mean"}) == Approx(0.0058).epsilon(1e-12));
  // 10 KiB = 10,240 B: 5 ms + 0.8192 ms.
  CHECK(number(run_text(TELEMETRY, {"messages.reading.size=10KiB"}).doc, {"flows", "reading", "latency_s", "mean"}) ==
        Approx(0.0058192).epsilon(1e-12));
  // 100 MBps is bytes per second, eight times 100 Mbps: 5 ms + 0.1 ms.
  CHECK(number(run_text(TELEMETRY, {"network.links.radio.uplink=100MBps"}).doc, {"flows", "reading", "latency_s", "mean"}) ==
        Approx(0.0051).epsilon(1e-12));
  // 10 sends in 100 s, phase uniform in [0, 10 s): every one is delivered.
  CHECK(number(run_text(TELEMETRY).doc, {"flows", "reading", "completed", "mean"}) == 10);
}

TEST_CASE("a route through a switch port and a wired link adds their latencies and flows at the slower bandwidth",
          "[network][units]") {
  const std::string yaml = R"(
plantwin: 1
name: series
horizon: 100s
products: [{id: p, route: [m]}]
sources: [{id: s, product: p, interarrival: 1000s}]
stations: [{id: m, process: 1s}]
network:
  nodes: [{id: sw, kind: switch}, {id: edge, kind: edge}]
  links: [{id: lan, kind: wired, between: [sw, edge], bandwidth: 10Mbps, latency: 2ms}]
  attach: [{device: plc, node: sw, bandwidth: 100Mbps, latency: 1ms}]
messages:
  - {id: upload, from: plc, to: edge, size: 125kB, every: 10s}
)";
  // 1 ms + 2 ms, then 125,000 B at 1.25 MB/s (10 Mbit/s): 0.103 s.
  CHECK(number(run_text(yaml).doc, {"flows", "upload", "latency_s", "mean"}) == Approx(0.103).epsilon(1e-12));
}

TEST_CASE("the mean delay under loss with retransmission follows (T + p rto) / (1 - p)", "[network][loss]") {
  // T = 5.8 ms per attempt; p = 0.3; a lost attempt is sent again rto = 100 ms after it arrived.
  // Attempts until success are geometric: E[D] = T + (T + rto) p / (1 - p) = (T + p rto) / (1 - p),
  // and E[retransmissions per message] = p / (1 - p). Messages every 10 s never overlap.
  const NetRun r = run_text(TELEMETRY, {"horizon=1e5s", "replications=10", "network.links.radio.loss=0.3",
                                        "network.links.radio.retransmit_timeout=100ms"});
  const double p = 0.3, T = 0.0058, rto = 0.1;
  const double expected_delay = (T + p * rto) / (1 - p);
  std::vector<double> delay, retx;
  for (const auto& rep : r.outcome.replications) {
    const auto& f = rep.network.flows[0];
    delay.push_back(f.latency.mean());
    retx.push_back(static_cast<double>(f.retransmissions) / static_cast<double>(f.latency.count()));
  }
  // The replications' mean within its 99.9 % Student-t half-width, which must be under 3 %.
  for (const auto& [values, theory] : {std::pair{delay, expected_delay}, std::pair{retx, p / (1 - p)}}) {
    const kernel::Summary s = kernel::Summary::of(values);
    const double half = s.ci95 / kernel::student_t_quantile(0.975, 9) * kernel::student_t_quantile(0.9995, 9);
    INFO("theory " << theory << ", mean " << s.mean << " ± " << half);
    CHECK(std::fabs(s.mean - theory) <= half);
    CHECK(half <= 0.03 * theory);
  }
  CHECK(number(r.doc, {"flows", "reading", "lost", "mean"}) == 0);
}

namespace {

// One machine (10 s per part, saturated) whose every part uploads 2 MB to the edge over 5G and
// waits for it before it leaves: the cycle is 10 s + latency + 2 MB / uplink.
const std::string INSPECTION = R"(
plantwin: 1
name: inspection
horizon: 1h
products: [{id: board, route: [aoi]}]
sources: [{id: src, product: board, saturated: true}]
stations: [{id: aoi, process: 10s}]
network:
  nodes:
    - {id: gnb, kind: cell}
    - {id: edge, kind: edge, cores: 2}
  links:
    - {id: radio, kind: 5g, cell: gnb, uplink: 100Mbps, downlink: 400Mbps, latency: 5ms}
    - {id: lan, kind: wired, between: [gnb, edge], bandwidth: 10Gbps, latency: 1ms}
  attach:
    - {station: aoi, node: gnb}
messages:
  - {id: images, after_work: aoi, to: edge, size: 2MB, blocking: true}
)";

}  // namespace

TEST_CASE("a slower link lowers throughput by exactly the longer wait for the network", "[network][plant]") {
  // 2 MB at 100 Mbit/s: 0.16 s; at 20 Mbit/s: 0.8 s. Cycle = 10 s + 6 ms (+ the 1.6 µs the 10 Gbps
  // link needs: it is in series, so the uplink alone sets the rate) + transfer.
  for (const auto& [uplink, transfer] : {std::pair{"100Mbps", 0.16}, std::pair{"20Mbps", 0.8}}) {
    const NetRun r = run_text(INSPECTION, {std::string("network.links.radio.uplink=") + uplink});
    const double cycle = 10 + 0.006 + transfer;
    INFO(uplink);
    CHECK(number(r.doc, {"kpis", "completed", "mean"}) == std::floor(3600 / cycle));
    CHECK(number(r.doc, {"kpis", "lead_time_s", "mean"}) == Approx(cycle).epsilon(1e-12));
    CHECK(number(r.doc, {"flows", "images", "latency_s", "mean"}) == Approx(0.006 + transfer).epsilon(1e-12));
    // The server waits on the network for the whole exchange: an availability loss "network".
    const double waiting = number(r.doc, {"stations", "aoi", "waiting_network", "mean"});
    CHECK(waiting == Approx(number(r.doc, {"stations", "aoi", "availability_losses", "network"})));
    CHECK(waiting == Approx(number(r.doc, {"kpis", "completed", "mean"}) * (0.006 + transfer) / 3600).epsilon(1e-3));
  }
}

TEST_CASE("a computation at the edge and a reply add to the part's wait", "[network][plant]") {
  // + 200 ms of work on an idle core, + the 1 kB reply: 6 ms + 1,000 B / 50 MB/s.
  const NetRun r = run_text(INSPECTION, {"messages.images.compute=200ms", "messages.images.reply=1kB"});
  CHECK(number(r.doc, {"flows", "images", "latency_s", "mean"}) == Approx(0.006 + 0.16 + 0.2 + 0.006 + 0.00002).epsilon(1e-12));
  CHECK(number(r.doc, {"nodes", "edge", "utilization", "mean"}) ==
        Approx(number(r.doc, {"flows", "images", "completed", "mean"}) * 0.2 / (2 * 3600)).epsilon(1e-2));
}

TEST_CASE("a non-blocking message does not hold the part", "[network][plant]") {
  const NetRun r = run_text(INSPECTION, {"messages.images.blocking=false"});
  CHECK(number(r.doc, {"kpis", "completed", "mean"}) == 359);  // parts leave at 10, 20, ..., 3590 s
  CHECK(number(r.doc, {"stations", "aoi", "waiting_network", "mean"}) == 0);
  CHECK(number(r.doc, {"flows", "images", "completed", "mean"}) == 359);
}

TEST_CASE("only the listed products trigger a flow", "[network][plant]") {
  // Boards and cases alternate at random; only boards upload, so only they wait.
  const NetRun r = run_text(INSPECTION, {"products=[{id: board, route: [aoi]}, {id: case, route: [aoi]}]",
                                         "sources=[{id: src, mix: {board: 1, case: 1}, saturated: true}]", "messages.images.products=[board]"});
  const double boards = number(r.doc, {"products", "board", "completed", "mean"});
  CHECK(number(r.doc, {"flows", "images", "completed", "mean"}) == boards);
  CHECK(number(r.doc, {"products", "case", "completed", "mean"}) > 100);
  CHECK(number(r.doc, {"products", "board", "lead_time_s", "mean"}) == Approx(10.166).epsilon(1e-12));
  CHECK(number(r.doc, {"products", "case", "lead_time_s", "mean"}) == Approx(10).epsilon(1e-12));
}

namespace {
// A 1 kB exchange (5 ms + 1,000 B / 12.5 MB/s = 5.08 ms) after each 10 s part, with the radio
// down from 15 s to 65 s.
const std::vector<std::string> OUTAGE = {"horizon=100s", "messages.images.size=1kB",
                                         "network.links.lan.latency=0s",
                                         "network.links.radio.outages=[{start: 15s, duration: 50s}]"};
}  // namespace

TEST_CASE("an outage holds a waiting message until the link is back, and the part with it", "[network][faults]") {
  // Parts leave at 10.00508; the second's exchange starts at 20.00508 in the outage and is
  // delivered at 65.00508 (45 s); then 75.01016, 85.01524, 95.02032.
  const NetRun r = run_text(INSPECTION, OUTAGE);
  CHECK(number(r.doc, {"kpis", "completed", "mean"}) == 5);
  CHECK(number(r.doc, {"flows", "images", "latency_s", "mean"}) == Approx((4 * 0.00508 + 45) / 5).epsilon(1e-12));
  CHECK(number(r.doc, {"links", "radio", "down", "mean"}) == Approx(0.5));
  CHECK(number(r.doc, {"stations", "aoi", "waiting_network", "mean"}) == Approx((4 * 0.00508 + 45) / 100).epsilon(1e-12));
}

TEST_CASE("with on_outage drop, a message sent during an outage is lost and the part goes on", "[network][faults]") {
  std::vector<std::string> sets = OUTAGE;
  sets.push_back("messages.images.on_outage=drop");
  const NetRun r = run_text(INSPECTION, sets);
  // Exchanges at 20.00508, 30.00508, 40.00508, 50.00508 and 60.00508 are dropped at once.
  CHECK(number(r.doc, {"flows", "images", "lost", "mean"}) == 5);
  CHECK(number(r.doc, {"flows", "images", "retransmissions", "mean"}) == 0);
}

TEST_CASE("a message that finds its link down is first sent when the link is back: no retransmission", "[network][faults]") {
  // The second part's exchange (20.00508 s) waits for the link until 65 s; nothing was sent before.
  const NetRun r = run_text(INSPECTION, OUTAGE);
  CHECK(number(r.doc, {"flows", "images", "retransmissions", "mean"}) == 0);
}

TEST_CASE("an outage within a message's latency does not touch it, one that outlasts it fails the attempt", "[network][faults]") {
  // The first exchange starts at 10 s and its bytes flow from 10.005 s (the radio's 5 ms latency).
  const std::vector<std::string> base = {"horizon=15s", "messages.images.size=1kB", "network.links.lan.latency=0s"};
  std::vector<std::string> within = base, outlasting = base;
  within.push_back("network.links.radio.outages=[{start: 10.001s, duration: 2ms}]");
  const NetRun a = run_text(INSPECTION, within);
  CHECK(number(a.doc, {"flows", "images", "retransmissions", "mean"}) == 0);
  CHECK(number(a.doc, {"flows", "images", "latency_s", "mean"}) == Approx(0.00508).epsilon(1e-12));
  // Down from 10.001 s to 11.001 s: the attempt fails when its latency ends (10.005 s), waits, and
  // is sent again at 11.001 s: 5 ms + 0.08 ms later it arrives (11.00608 s).
  outlasting.push_back("network.links.radio.outages=[{start: 10.001s, duration: 1s}]");
  const NetRun b = run_text(INSPECTION, outlasting);
  CHECK(number(b.doc, {"flows", "images", "retransmissions", "mean"}) == 1);
  CHECK(number(b.doc, {"flows", "images", "latency_s", "mean"}) == Approx(1.00608).epsilon(1e-12));
}

TEST_CASE("a transfer cut by an outage is sent again from the start when the link is back", "[network][faults]") {
  // 1 MB (80 ms at 12.5 MB/s) flows from 10.005 s; the outage at 10.05 s cuts it; it is sent again
  // at 20 s and delivered at 20.085 s.
  const NetRun r = run_text(INSPECTION, {"horizon=25s", "messages.images.size=1MB", "network.links.lan.latency=0s",
                                         "network.links.radio.outages=[{start: 10.05s, duration: 9.95s}]"});
  CHECK(number(r.doc, {"flows", "images", "retransmissions", "mean"}) == 1);
  CHECK(number(r.doc, {"flows", "images", "latency_s", "mean"}) == Approx(10.085).epsilon(1e-12));
}

TEST_CASE("random link failures take the link down for about mttr / (mtbf + mttr) of the time", "[network][faults]") {
  const NetRun r = run_text(INSPECTION, {"horizon=20d", "replications=4", "messages.images.on_outage=drop",
                                         "network.links.radio.failures={mtbf: {dist: exponential, mean: 1h}, mttr: 20min}"});
  CHECK(number(r.doc, {"links", "radio", "down", "mean"}) == Approx(0.25).margin(0.02));
  CHECK(number(r.doc, {"flows", "images", "lost", "mean"}) > 0);
}

TEST_CASE("a slice is a share of the link with its own latency, apart from the other slices", "[network][slices]") {
  // urllc: 20 % of 100 Mbit/s (2.5 MB/s) at 1 ms; embb: 80 % (10 MB/s) at the link's 5 ms.
  // 25 kB: 1 ms + 10 ms over urllc; 5 ms + 2.5 ms over embb (the first slice, the default).
  const std::string slices = "network.links.radio.slices=[{id: embb, share: 0.8}, {id: urllc, share: 0.2, latency: 1ms}]";
  const std::vector<std::string> base = {"network.links.lan.latency=0s", "messages.images.size=25kB", slices};
  std::vector<std::string> urllc = base;
  urllc.push_back("messages.images.slice=urllc");
  CHECK(number(run_text(INSPECTION, urllc).doc, {"flows", "images", "latency_s", "mean"}) == Approx(0.011).epsilon(1e-12));
  const NetRun embb = run_text(INSPECTION, base);
  CHECK(number(embb.doc, {"flows", "images", "latency_s", "mean"}) == Approx(0.0075).epsilon(1e-12));
  CHECK(embb.doc.find("links")->find("radio")->find("slices")->find("urllc") != nullptr);
}

TEST_CASE("a constant jitter adds to every transfer's latency", "[network][units]") {
  CHECK(number(run_text(TELEMETRY, {"network.links.radio.jitter=2ms"}).doc, {"flows", "reading", "latency_s", "mean"}) ==
        Approx(0.0078).epsilon(1e-12));
}

TEST_CASE("background traffic on the same uplink slows a blocking upload", "[network][plant]") {
  // A second device keeps the uplink busy with 1 MB every 100 ms (80 % of 12.5 MB/s).
  const std::string yaml = INSPECTION + R"(  - {id: video, from: camera, to: edge, size: 1MB, every: 100ms}
)";
  const std::string attach = "network.attach=[{station: aoi, node: gnb}, {device: camera, node: gnb}]";
  const double quiet = number(run_text(INSPECTION).doc, {"flows", "images", "latency_s", "mean"});
  const NetRun busy = run_text(yaml, {attach});
  CHECK(number(busy.doc, {"flows", "images", "latency_s", "mean"}) > 1.5 * quiet);
  CHECK(number(busy.doc, {"links", "radio", "uplink", "mean"}) > 0.8);
}

TEST_CASE("replication k's network numbers do not depend on the number of jobs", "[network][determinism]") {
  const NetRun one = run_text(INSPECTION, {"replications=3", "messages.images.compute={dist: exponential, mean: 300ms}"}, 1);
  const NetRun three = run_text(INSPECTION, {"replications=3", "messages.images.compute={dist: exponential, mean: 300ms}"}, 3);
  for (std::size_t k = 0; k < 3; ++k) {
    CHECK(one.outcome.replications[k].fingerprint == three.outcome.replications[k].fingerprint);
    CHECK(one.outcome.replications[k].network.flows[0].latency.mean() ==
          three.outcome.replications[k].network.flows[0].latency.mean());
  }
}

namespace {

// scenarios/examples/edge_inspection.yaml (docs/network.md walks through it), shortened to two
// replications of 2 h so that it runs in about a second per placement.
NetRun edge_inspection(const std::vector<std::string>& sets) {
  std::vector<std::string> all = {"horizon=2h", "warmup=10min", "replications=2"};
  all.insert(all.end(), sets.begin(), sets.end());
  return run_text(testing::read_text(std::string(PLANTWIN_SOURCE_DIR) + "/scenarios/examples/edge_inspection.yaml"), all);
}

}  // namespace

TEST_CASE("edge inspection example: the edge wins on a quiet cell, the machine on a busy one, the cloud trails the edge",
          "[network][example]") {
  const auto loaded = scenario::load_scenario_file(std::string(PLANTWIN_SOURCE_DIR) + "/scenarios/examples/edge_inspection.yaml");
  CHECK(loaded.diagnostics.format_all().empty());
  REQUIRE(loaded.spec.has_value());

  const auto throughput = [](const NetRun& r) { return number(r.doc, {"kpis", "throughput_per_h", "mean"}); };
  // On the machine: 26 s per board, whatever the cell carries.
  const double machine = throughput(edge_inspection({"stations.aoi.process=26s", "messages=[]"}));
  for (const auto& [load, uplink] : {std::pair{"16s", 0.15}, std::pair{"2s", 0.84}}) {
    const std::string video = std::string("messages.video.every.mean=") + load;
    const NetRun edge = edge_inspection({video});
    const NetRun cloud = edge_inspection({video, "messages.inspection.to=cloud"});
    const double t_edge = throughput(edge), t_cloud = throughput(cloud);
    INFO("video every " << load << ": machine " << machine << ", edge " << t_edge << ", cloud " << t_cloud);
    CHECK(number(edge.doc, {"links", "radio", "uplink", "mean"}) == Approx(uplink).margin(0.03));
    // The cloud's 100 Mbps WAN makes its upload slower than the edge's at every load.
    CHECK(t_cloud < t_edge);
    CHECK(number(cloud.doc, {"flows", "inspection", "latency_s", "mean"}) >
          number(edge.doc, {"flows", "inspection", "latency_s", "mean"}));
    if (uplink < 0.5) {
      CHECK(t_cloud > machine);  // a quiet cell: offloading gains 4 s per board
    } else {
      CHECK(t_edge < machine);  // a busy cell: the upload takes longer than inspecting on the machine
    }
  }
}
