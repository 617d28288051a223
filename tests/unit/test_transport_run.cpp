// Transport through the runner: determinism over threads, the archive that brings results back
// from child processes, and the result document's shape.
#include "run/archive.hpp"
#include "test_transport_support.hpp"

using namespace plantwin;
using namespace plantwin::transport_testing;

namespace {

std::string theory_file(const std::string& name) { return std::string(PLANTWIN_SOURCE_DIR) + "/tests/theory/" + name; }

Run load_file(const std::string& path) {
  auto loaded = scenario::load_scenario_file(path);
  INFO(loaded.diagnostics.format_all());
  REQUIRE(!loaded.diagnostics.has_errors());
  Run r{*loaded.spec, scenario::build_plant_params(*loaded.spec), {}, {}, {}};
  r.config.seed = r.spec.seed;
  r.config.replications = 4;
  r.config.warmup = r.spec.warmup;
  r.config.horizon = kernel::TICKS_PER_SECOND * 8 * 3600;
  return r;
}

}  // namespace

TEST_CASE("a plant with transport gives the same document on one thread and on four", "[transport][run]") {
  Run one = load_file(theory_file("agv_open.yaml"));
  one.config.jobs = 1;
  execute(one);
  Run four = load_file(theory_file("agv_open.yaml"));
  four.config.jobs = 4;
  execute(four);
  one.doc["wall_s"] = 0.0;
  four.doc["wall_s"] = 0.0;
  CHECK(one.doc.dump() == four.doc.dump());
  CHECK(one.first().fingerprint == four.first().fingerprint);
}

TEST_CASE("a replication's transport measures survive the archive bit for bit", "[transport][run][archive]") {
  Run r = load_file(theory_file("agv_open.yaml"));
  r.config.replications = 1;
  execute(r);
  const models::ReplicationResult& original = r.first();
  REQUIRE(original.transport.fleets.size() == 1);
  run::ArchiveWriter w;
  w(original);
  models::ReplicationResult copy;
  run::ArchiveReader reader(w.bytes());
  reader(copy);
  CHECK(reader.done());
  run::ArchiveWriter again;
  again(copy);
  CHECK(again.bytes() == w.bytes());
  CHECK(copy.transport.fleets[0].vehicles[2].state_ticks == original.transport.fleets[0].vehicles[2].state_ticks);
  CHECK(copy.transport.fleets[0].request_wait_histogram.quantile(0.95) ==
        original.transport.fleets[0].request_wait_histogram.quantile(0.95));
  CHECK(copy.transport.conveyors[0].time_on.mean() == original.transport.conveyors[0].time_on.mean());
  CHECK(copy.transport.arms[0].busy_fraction == original.transport.arms[0].busy_fraction);
  // A cut anywhere is an error, not a crash.
  models::ReplicationResult partial;
  run::ArchiveReader cut(std::string_view(w.bytes()).substr(0, w.bytes().size() - 3));
  CHECK_THROWS_AS(cut(partial), run::ArchiveError);
}

TEST_CASE("the result document has a section per kind of transport and a bottleneck over every resource", "[transport][run]") {
  Run r = load_file(theory_file("agv_open.yaml"));
  r.config.replications = 2;
  execute(r);
  const run::Json& fleet = *r.doc.find("fleets")->find("agv");
  CHECK(fleet.find("vehicles")->number() == 3);
  for (const char* kpi : {"utilization", "active", "distance_m", "trips", "moved", "requests", "waiting_requests"})
    CHECK(fleet.find(kpi)->find("values")->items().size() == 2);
  const run::Json& wait = *fleet.find("request_wait_s");
  CHECK(wait.find("p50")->number() <= wait.find("p95")->number());
  CHECK(fleet.find("by_vehicle")->members().size() == 3);
  // Every state but waiting_network, which plants with a network report.
  CHECK(fleet.find("states")->members().size() == models::VEHICLE_STATE_COUNT - 1);
  CHECK(fleet.find("states")->find("waiting_network") == nullptr);
  CHECK(r.doc.find("conveyors")->find("belt")->find("occupancy") != nullptr);
  CHECK(r.doc.find("arms")->find("loader")->find("utilization") != nullptr);
  const run::Json& resource = *r.doc.find("bottleneck")->find("resource");
  CHECK(resource.find("kind")->string() == "fleet");
  CHECK(resource.find("active")->number() == Approx(value(r.doc, {"fleets", "agv", "active"})));
  // Stations report the time they wait for transport.
  CHECK(value(r.doc, {"stations", "paint", "states", "waiting_transport"}) > 0.1);
  // A skeleton (every number 0) has the same paths, for `check`.
  const run::Json skeleton = run::result_skeleton(r.spec.name, r.params, r.config);
  CHECK(skeleton.find("fleets")->find("agv")->find("by_vehicle")->find("2") != nullptr);
  CHECK(skeleton.find("bottleneck")->find("resource") != nullptr);
}

TEST_CASE("a plant without transport has no transport sections", "[transport][run]") {
  const Run r = run_text(R"(plantwin: 1
name: plain
horizon: 1h
products: [{id: p, route: [a]}]
sources: [{id: s, product: p, interarrival: 60s}]
stations: [{id: a, process: 30s}]
)");
  CHECK(r.params.transport == nullptr);
  for (const char* section : {"fleets", "conveyors", "arms"}) CHECK(r.doc.find(section) == nullptr);
  CHECK(r.doc.find("bottleneck")->find("resource") == nullptr);
  CHECK(r.doc.find("stations")->find("a")->find("states")->find("waiting_transport") == nullptr);
}

TEST_CASE("a plant built from a scenario's parameters runs its transport", "[transport][run]") {
  Run r = load_file(theory_file("agv_open.yaml"));
  // The PlantParams outlive the plant (a temporary is refused by Plant's constructor).
  const models::PlantParams built = scenario::build_plant_params(r.spec);
  auto plant = std::make_unique<models::Plant>(built, 1, 0);
  const models::ReplicationResult result = plant->run(0, 3600 * kernel::TICKS_PER_SECOND);
  CHECK(result.status == kernel::Kernel::Status::RUNNING);
  CHECK(result.transport.fleets[0].moved > 0);
}
