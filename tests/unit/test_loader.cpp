// Reading valid scenarios: values, defaults, distributions, marks.

#include <catch2/catch.hpp>

#include "scenario/loader.hpp"
#include "test_loader_support.hpp"

using namespace plantwin::scenario;
using namespace plantwin::scenario::testing;
using plantwin::kernel::Distribution;
using plantwin::kernel::TICKS_PER_SECOND;

namespace {

constexpr plantwin::kernel::Tick S = TICKS_PER_SECOND;

// The example of the product brief, with the stations the routes need.
const std::string BRIEF_EXAMPLE = R"(plantwin: 1                 # format version, required
name: smt-line-a            # required
seed: 42                    # default 1
horizon: 8h                 # required
warmup: 30min               # default 0
replications: 10            # default 1

products:
  - id: board
    route: [printer, reflow, aoi]
  - id: case
    route: [printer, aoi]

sources:
  - id: orders
    product: board                    # or  mix: {board: 0.7, case: 0.3}
    interarrival: {dist: exponential, mean: 40s}
    limit: 1000
  - id: raw
    mix: {board: 0.7, case: 0.3}
    saturated: true
  - id: plan
    orders:
      - {product: board, quantity: 10, release: 0s, due: 2h}
      - {product: case, quantity: 10, release: 30min, due: 3h}

stations:
  - id: printer
    servers: 1
    buffer: 5
    process: {dist: lognormal, mean: 35s, cv: 0.2}
    failures:
      mtbf: {dist: exponential, mean: 8h}
      mttr: {dist: exponential, mean: 15min}
      basis: calendar
      interrupted: restart
    setup: 5min
    yield: 0.98
  - id: reflow
    servers: 2
    process: 1min
  - id: aoi
    buffer: inf
    process: {board: 30s, case: {dist: uniform, min: 10s, max: 20s}}
    setup: {board: {case: 2min}, case: {board: 10min}}
)";

/// Reads `dist` as the process of the only station of MINIMAL.
Distribution process_of(const std::string& dist) {
  const auto result = load(edit(MINIMAL, "process: 30s", "process: " + dist));
  INFO(result.diagnostics.format_all());
  REQUIRE(result.spec);
  REQUIRE(result.spec->stations[0].process);
  return *result.spec->stations[0].process;
}

}  // namespace

TEST_CASE("the example of the product brief loads without diagnostics", "[loader]") {
  const auto result = load(BRIEF_EXAMPLE);
  INFO(result.diagnostics.format_all());
  REQUIRE(result.spec);
  CHECK(result.diagnostics.items().empty());
  const ScenarioSpec& spec = *result.spec;
  CHECK(spec.file == "x.yaml");
  CHECK(spec.version == 1);
  CHECK(spec.name == "smt-line-a");
  CHECK(spec.seed == 42);
  CHECK(spec.horizon == 8 * 3600 * S);
  CHECK(spec.warmup == 30 * 60 * S);
  CHECK(spec.replications == 10);
  REQUIRE(spec.products.size() == 2);
  CHECK(stations_of(spec.products[0]) == std::vector<std::string>{"printer", "reflow", "aoi"});
  REQUIRE(spec.sources.size() == 3);
  REQUIRE(spec.stations.size() == 3);
}

TEST_CASE("sources of each kind are read", "[loader]") {
  const auto result = load(BRIEF_EXAMPLE);
  REQUIRE(result.spec);
  const SourceSpec& orders = result.spec->sources[0];
  CHECK(orders.kind == SourceSpec::Kind::INTERARRIVAL);
  REQUIRE(orders.mix.size() == 1);
  CHECK(orders.mix[0].product == "board");
  CHECK(orders.mix[0].weight == 1.0);
  CHECK(orders.interarrival == Distribution::exponential(40));
  CHECK(orders.limit == 1000);

  const SourceSpec& raw = result.spec->sources[1];
  CHECK(raw.kind == SourceSpec::Kind::SATURATED);
  REQUIRE(raw.mix.size() == 2);
  CHECK(raw.mix[0].product == "board");
  CHECK(raw.mix[0].weight == 0.7);
  CHECK(raw.mix[1].product == "case");
  CHECK(raw.mix[1].weight == 0.3);
  CHECK_FALSE(raw.limit);

  const SourceSpec& plan = result.spec->sources[2];
  CHECK(plan.kind == SourceSpec::Kind::ORDERS);
  CHECK(plan.mix.empty());
  REQUIRE(plan.orders.size() == 2);
  CHECK(plan.orders[1].product == "case");
  CHECK(plan.orders[1].quantity == 10);
  CHECK(plan.orders[1].release == 30 * 60 * S);
  CHECK(plan.orders[1].due == 3 * 3600 * S);
}

TEST_CASE("stations are read with failures, setup and yield", "[loader]") {
  const auto result = load(BRIEF_EXAMPLE);
  REQUIRE(result.spec);
  const StationSpec& printer = result.spec->stations[0];
  CHECK(printer.params.servers == 1);
  CHECK(printer.params.buffer == 5);
  CHECK(printer.process == Distribution::lognormal(35, 0.2));
  REQUIRE(printer.params.failures);
  CHECK(printer.params.failures->time_to_failure == Distribution::exponential(8 * 3600));
  CHECK(printer.params.failures->time_to_repair == Distribution::exponential(15 * 60));
  CHECK(printer.params.failures->basis == plantwin::models::FailureParams::Basis::CALENDAR);
  CHECK(printer.params.failures->interrupted == plantwin::models::FailureParams::Interrupted::RESTART);
  REQUIRE(printer.setup);
  CHECK(printer.setup->any == Distribution::constant(300));
  CHECK(printer.setup->matrix.empty());
  CHECK(printer.params.yield == 0.98);
  CHECK(result.spec->stations[1].params.servers == 2);
}

TEST_CASE("a per-product process map gives one distribution per product", "[loader]") {
  const auto result = load(BRIEF_EXAMPLE);
  REQUIRE(result.spec);
  const StationSpec& aoi = result.spec->stations[2];
  CHECK_FALSE(aoi.process);
  REQUIRE(aoi.process_by_product.size() == 2);
  CHECK(aoi.process_by_product[0].product == "board");
  CHECK(aoi.process_by_product[0].dist == Distribution::constant(30));
  CHECK(aoi.process_by_product[1].product == "case");
  CHECK(aoi.process_by_product[1].dist == Distribution::uniform(10, 20));
  CHECK(aoi.process_mark.line == 44);
}

TEST_CASE("a setup matrix gives one entry per pair", "[loader]") {
  const auto result = load(BRIEF_EXAMPLE);
  REQUIRE(result.spec);
  const auto& setup = result.spec->stations[2].setup;
  REQUIRE(setup);
  CHECK_FALSE(setup->any);
  REQUIRE(setup->matrix.size() == 2);
  CHECK(setup->matrix[0].from == "board");
  CHECK(setup->matrix[0].to == "case");
  CHECK(setup->matrix[0].dist == Distribution::constant(120));
  CHECK(setup->matrix[1].from == "case");
  CHECK(setup->matrix[1].to == "board");
  CHECK(setup->matrix[1].dist == Distribution::constant(600));
}

TEST_CASE("defaults are applied to what a scenario leaves out", "[loader]") {
  const auto result = load(MINIMAL);
  REQUIRE(result.spec);
  const ScenarioSpec& spec = *result.spec;
  CHECK(spec.seed == 1);
  CHECK(spec.warmup == 0);
  CHECK(spec.replications == 1);
  const StationSpec& st = spec.stations[0];
  CHECK(st.params.servers == 1);
  CHECK(st.params.buffer == plantwin::models::StationParams::INFINITE);
  CHECK_FALSE(st.params.failures);
  CHECK_FALSE(st.setup);
  CHECK(st.params.yield == 1.0);
  CHECK_FALSE(spec.sources[0].limit);
}

TEST_CASE("failures default to the operating basis and resuming", "[loader]") {
  const auto result = load(edit(MINIMAL, "process: 30s", "process: 30s\n    failures: {mtbf: 8h, mttr: 5min}"));
  REQUIRE(result.spec);
  const auto& f = result.spec->stations[0].params.failures;
  REQUIRE(f);
  CHECK(f->basis == plantwin::models::FailureParams::Basis::OPERATING);
  CHECK(f->interrupted == plantwin::models::FailureParams::Interrupted::RESUME);
}

TEST_CASE("order defaults: id from the source and index, quantity 1, release 0, no due", "[loader]") {
  const auto result = load(edit(MINIMAL, "    product: board\n    interarrival: 40s",
                                "    orders:\n      - {product: board}\n      - {id: rush, product: board, due: 1h}"));
  INFO(result.diagnostics.format_all());
  REQUIRE(result.spec);
  const auto& orders = result.spec->sources[0].orders;
  REQUIRE(orders.size() == 2);
  CHECK(orders[0].id == "src#1");
  CHECK(orders[0].quantity == 1);
  CHECK(orders[0].release == 0);
  CHECK_FALSE(orders[0].due);
  CHECK(orders[1].id == "rush");
  CHECK(orders[1].due == 3600 * S);
}

TEST_CASE("a bare duration is a constant distribution", "[loader]") {
  CHECK(process_of("30s") == Distribution::constant(30));
  CHECK(process_of("30") == Distribution::constant(30));
  CHECK(process_of("\"250ms\"") == Distribution::constant(0.25));
}

TEST_CASE("every distribution kind is read with its parameters", "[loader]") {
  CHECK(process_of("{dist: constant, value: 2min}") == Distribution::constant(120));
  CHECK(process_of("{dist: exponential, mean: 40s}") == Distribution::exponential(40));
  CHECK(process_of("{dist: uniform, min: 10s, max: 20s}") == Distribution::uniform(10, 20));
  CHECK(process_of("{dist: triangular, min: 1s, mode: 2s, max: 4s}") == Distribution::triangular(1, 2, 4));
  CHECK(process_of("{dist: normal, mean: 30s, sd: 5s}") == Distribution::normal(30, 5));
  CHECK(process_of("{dist: lognormal, mean: 35s, cv: 0.2}") == Distribution::lognormal(35, 0.2));
  CHECK(process_of("{dist: erlang, mean: 1min, k: 3}") == Distribution::erlang(60, 3));
  CHECK(process_of("{dist: weibull, shape: 1.5, scale: 1h}") == Distribution::weibull(1.5, 3600));
  CHECK(process_of("{dist: empirical, values: [1s, 2s, 5s]}") == Distribution::empirical({1, 2, 5}, {}));
  CHECK(process_of("{dist: empirical, values: [1s, 2s], weights: [3, 1]}") ==
        Distribution::empirical({1, 2}, {3, 1}));
}

TEST_CASE("a distribution may be written in block style", "[loader]") {
  CHECK(process_of("\n      dist: normal\n      mean: 30s\n      sd: 5s") == Distribution::normal(30, 5));
}

TEST_CASE("buffer takes an integer or inf", "[loader]") {
  const auto buffer = [](const std::string& value) {
    const auto result = load(edit(MINIMAL, "process: 30s", "process: 30s\n    buffer: " + value));
    REQUIRE(result.spec);
    return result.spec->stations[0].params.buffer;
  };
  CHECK(buffer("0") == 0);
  CHECK(buffer("2147483647") == 2147483647);
  CHECK(buffer("inf") == plantwin::models::StationParams::INFINITE);
  CHECK(buffer(".inf") == plantwin::models::StationParams::INFINITE);
}

TEST_CASE("marks are 1-based lines and columns of the nodes", "[loader]") {
  const auto result = load(MINIMAL);
  REQUIRE(result.spec);
  const ProductSpec& board = result.spec->products[0];
  CHECK(board.mark.file == "x.yaml");
  CHECK(board.mark.line == 5);
  CHECK(board.mark.column == 5);
  REQUIRE(board.route.size() == 1);
  CHECK(board.route[0].mark.line == 6);
  CHECK(board.route[0].mark.column == 13);
  CHECK(result.spec->stations[0].process_mark.line == 13);
  CHECK(result.spec->stations[0].process_mark.column == 14);
  CHECK(result.spec->sources[0].mix[0].mark.line == 9);
}

TEST_CASE("columns count characters, not bytes", "[loader]") {
  const auto result = load(edit(MINIMAL, "name: line", "name: \"línea ñ\"\nseed: two"));
  CHECK(result.diagnostics.first_error() == "x.yaml:3:7: error: seed: expected an integer, got \"two\"");
  const auto after_accents = load(edit(MINIMAL, "name: line", "name: {é: 1}"));
  CHECK(after_accents.diagnostics.first_error() == "x.yaml:2:7: error: name: expected a name, got a map");
  const auto same_line = load(edit(MINIMAL, "route: [printer]", "route: [é, ü, 1.5]"));
  CHECK(same_line.diagnostics.first_error() == "x.yaml:6:13: error: products[0].route[0]: unknown station 'é'");
}

TEST_CASE("a byte order mark at the start is skipped", "[loader]") {
  const auto result = load("\xEF\xBB\xBF" + MINIMAL);
  CHECK(result.spec);
  CHECK(first_error("\xEF\xBB\xBF" + edit(MINIMAL, "horizon: 8h", "horizon: 8x")) ==
        "x.yaml:3:10: error: horizon: expected a duration like \"12s\", got \"8x\"");
}

TEST_CASE("ids may hold letters, digits, '_' and '-', up to 64 characters", "[loader]") {
  const std::string id = "_Print-er_2" + std::string(53, 'x');
  const auto result = load(edit(edit(MINIMAL, "[printer]", "[" + id + "]"), "id: printer", "id: " + id));
  INFO(result.diagnostics.format_all());
  CHECK(result.spec);
}

TEST_CASE("aliases are followed where the schema reads", "[loader]") {
  const std::string text = MINIMAL + "  - id: aoi\n    process: *p\n";
  const auto result = load(edit(edit(text, "process: 30s", "process: &p {dist: exponential, mean: 30s}"),
                                "[printer]", "[printer, aoi]"));
  INFO(result.diagnostics.format_all());
  REQUIRE(result.spec);
  CHECK(result.spec->stations[1].process == Distribution::exponential(30));
}

TEST_CASE("quoted numbers are read like plain ones", "[loader]") {
  const auto result = load(edit(MINIMAL, "process: 30s", "process: 30s\n    servers: \"3\""));
  REQUIRE(result.spec);
  CHECK(result.spec->stations[0].params.servers == 3);
}

TEST_CASE("a product that no source produces is a warning, not an error", "[loader]") {
  const auto result = load(edit(MINIMAL, "    route: [printer]\n", "    route: [printer]\n  - id: case\n    route: [printer]\n"));
  REQUIRE(result.spec);
  CHECK(result.diagnostics.format_all() == "x.yaml:7:5: warning: products[1]: no source produces product 'case'\n");
}

TEST_CASE("a re-entrant route visits a station twice", "[loader]") {
  const auto result = load(edit(MINIMAL, "[printer]", "[printer, printer]"));
  REQUIRE(result.spec);
  CHECK(result.spec->products[0].route.size() == 2);
}

TEST_CASE("a station given more work than its servers can do is a warning", "[loader][overload]") {
  // One source, product p through `route`; stations a (its keys given) and b (30s).
  const auto plant = [](const std::string& source, const std::string& route, const std::string& a) {
    return "plantwin: 1\nname: load\nhorizon: 8h\nproducts: [{id: p, route: " + route + "}, {id: q, route: [b]}]\n" +
           "sources: [" + source + "]\nstations:\n  - {id: a, " + a + "}\n  - {id: b, process: 30s}\n";
  };
  // The overload warnings alone (q, the second product, is made by no source in most cases).
  const auto warnings = [](const std::string& yaml) {
    const auto result = load(yaml);
    if (!result.spec) return "invalid: " + result.diagnostics.format_all();
    std::string all = result.diagnostics.format_all(), out;
    for (std::size_t at = 0, end; at < all.size(); at = end + 1) {
      end = all.find('\n', at);
      if (all.find("is given at least", at) < end) out += all.substr(at, end - at + 1);
    }
    return out;
  };
  const std::string poisson = "{id: s, product: p, interarrival: {dist: exponential, mean: 60s}}";
  // 60 s between parts, 66 s of work: 10 % more than one server does.
  CHECK(warnings(plant(poisson, "[a]", "process: 66s")) ==
        "x.yaml:7:5: warning: stations[0]: station 'a' is given at least 1.1 times the work its servers can do (its "
        "sources' mean arrival rates and the mean process time here; setups, failures and shifts add to it): its queue "
        "grows without bound, the longer the run the longer, and throughput, lead times and WIP depend on the horizon, "
        "not on the plant (docs/scenario.md#overload)\n");
  // Said rounded down: 60.1 s of work is 1.00166..., "at least 1.001"; 60.05 s is under 0.1 % over.
  CHECK_THAT(warnings(plant(poisson, "[a]", "process: 60.1s")), Catch::Contains("'a' is given at least 1.001 times"));
  CHECK(warnings(plant(poisson, "[a]", "process: 60.05s")).empty());
  // Exactly as much: an M/M/1 queue grows, a deterministic one does not; not warned about.
  CHECK(warnings(plant(poisson, "[a]", "process: 60s")).empty());
  // Servers and a batch's most parts divide it.
  CHECK(warnings(plant(poisson, "[a]", "process: 90s, servers: 2")).empty());
  CHECK(warnings(plant(poisson, "[a]", "process: 90s, batch: {max: 2}")).empty());
  CHECK_THAT(warnings(plant(poisson, "[a]", "process: 150s, servers: 2")), Catch::Contains("'a' is given at least 1.25 times"));
  // Only the first station is judged: b, behind a slower a, gets what a lets through, and a
  // second visit of a comes after b.
  CHECK_THAT(warnings(plant(poisson, "[a, b]", "process: 120s")), Catch::Contains("'a' is given at least 2 times") && !Catch::Contains("'b'"));
  CHECK(warnings(plant(poisson, "[a, b, a]", "process: 40s")).empty());
  // A mix: half of the parts start at a (1 s), half at b (30 s): b gets 0.5 x 30/10 = 1.5.
  CHECK_THAT(warnings(plant("{id: s, mix: {p: 1, q: 1}, interarrival: 10s}", "[a, b]", "process: 1s")),
             Catch::Contains("'b' is given at least 1.5 times") && !Catch::Contains("'a'"));
  CHECK(warnings(plant("{id: s, mix: {p: 1, q: 1}, interarrival: 20s}", "[a, b]", "process: 1s")).empty());
  // A first station with a finite buffer can hold the source back (its head part waits there):
  // not judged; nor a source with a limit, nor a long-tailed process time.
  CHECK(warnings(plant(poisson, "[a]", "process: 66s, buffer: 5")).empty());
  CHECK(warnings(plant("{id: s, product: p, interarrival: 1s, limit: 100}", "[a]", "process: 60s")).empty());
  CHECK(warnings(plant(poisson, "[a]", "process: {dist: lognormal, mean: 66s, cv: 0.2}")).empty());
}
