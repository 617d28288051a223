// Bad scenarios: each class of mistake gives one located error with the exact expected text.

#include <catch2/catch.hpp>

#include "scenario/loader.hpp"
#include "test_loader_support.hpp"

using namespace plantwin::scenario;
using namespace plantwin::scenario::testing;

namespace {

/// Two products through two stations; line numbers:
///   5 - id: board   7 - id: case    10 - id: src    14 - id: printer   16 - id: aoi
///   6   route       8   route       11   mix        15   process       17   process
///                                   12   interarrival
const std::string TWO = R"(plantwin: 1
name: line
horizon: 8h
products:
  - id: board
    route: [printer, aoi]
  - id: case
    route: [printer]
sources:
  - id: src
    mix: {board: 1, case: 1}
    interarrival: 40s
stations:
  - id: printer
    process: {board: 30s, case: 20s}
  - id: aoi
    process: 10s
)";

std::string with_station_line(const std::string& line) {
  return edit(MINIMAL, "    process: 30s\n", "    process: 30s\n    " + line + "\n");
}

std::string with_process(const std::string& process) {
  return edit(MINIMAL, "process: 30s", "process: " + process);
}

}  // namespace

// ---- keys -------------------------------------------------------------------------------------------

TEST_CASE("an unknown top-level key is reported with did-you-mean instead of the missing key", "[loader][errors]") {
  const auto result = load(edit(MINIMAL, "horizon: 8h", "horizn: 8h"));
  CHECK(result.diagnostics.first_error() == "x.yaml:3:1: error: unknown key 'horizn' (did you mean 'horizon'?)");
  CHECK(result.diagnostics.error_count() == 1);
  CHECK_FALSE(result.spec);
}

TEST_CASE("an unknown key in a station is located at the key", "[loader][errors]") {
  const auto result = load(edit(MINIMAL, "process: 30s", "proces: 30s"));
  CHECK(result.diagnostics.first_error() == "x.yaml:13:5: error: stations[0]: unknown key 'proces' (did you mean 'process'?)");
  CHECK(result.diagnostics.error_count() == 1);
}

TEST_CASE("an unknown key far from every known key gets no suggestion", "[loader][errors]") {
  CHECK(first_error(with_station_line("colour: red")) == "x.yaml:14:5: error: stations[0]: unknown key 'colour'");
}

TEST_CASE("a missing required key is located at the map that lacks it", "[loader][errors]") {
  CHECK(first_error(edit(MINIMAL, "name: line\n", "")) == "x.yaml:1:1: error: missing required key 'name'");
  CHECK(first_error(edit(MINIMAL, "\n    process: 30s", "")) ==
        "x.yaml:12:5: error: stations[0]: missing required key 'process'");
}

TEST_CASE("a duplicate key is an error naming the first one's line", "[loader][errors]") {
  const auto result = load(with_station_line("servers: 2\n    servers: 3"));
  CHECK(result.diagnostics.first_error() == "x.yaml:15:5: error: stations[0]: duplicate key 'servers' (first at line 14)");
  CHECK(result.diagnostics.error_count() == 1);
}

TEST_CASE("a duplicate key in a flow map is found too", "[loader][errors]") {
  CHECK(first_error(with_process("{dist: exponential, mean: 1s, mean: 2s}")) ==
        "x.yaml:13:44: error: stations[0].process: duplicate key 'mean' (first at line 13)");
}

TEST_CASE("a key that is not a string is an error", "[loader][errors]") {
  CHECK(first_error(MINIMAL + "[a, b]: 1\n") == "x.yaml:14:1: error: expected a key (a string), got a list");
}

// ---- types ------------------------------------------------------------------------------------------

TEST_CASE("a wrong type says what was expected and what was found", "[loader][errors]") {
  CHECK(first_error(edit(MINIMAL, "route: [printer]", "route: printer")) ==
        "x.yaml:6:12: error: products[0].route: expected a list of station ids, got \"printer\"");
  CHECK(first_error(edit(MINIMAL, "route: [printer]", "route: [[printer]]")) ==
        "x.yaml:6:13: error: products[0].route[0]: expected a station id, got a list");
  CHECK(first_error(edit(MINIMAL, "stations:\n  - id: printer\n    process: 30s", "stations: {printer: 30s}")) ==
        "x.yaml:11:11: error: stations: expected a list of stations, got a map");
  CHECK(first_error(edit(MINIMAL, "sources:\n  - id: src", "sources:\n  - src\n  - id: src")) ==
        "x.yaml:8:5: error: sources[0]: expected a source (a map), got \"src\"");
  CHECK(first_error(with_station_line("failures: often")) ==
        "x.yaml:14:15: error: stations[0].failures: expected a map with mtbf and mttr, got \"often\"");
}

TEST_CASE("a string where an integer is expected is an error", "[loader][errors]") {
  CHECK(first_error(with_station_line("servers: two")) ==
        "x.yaml:14:14: error: stations[0].servers: expected an integer, got \"two\"");
}

TEST_CASE("an integer field rejects a fraction", "[loader][errors]") {
  CHECK(first_error(with_station_line("servers: 2.5")) ==
        "x.yaml:14:14: error: stations[0].servers: expected an integer, got \"2.5\"");
}

TEST_CASE("an integer out of range is an error", "[loader][errors]") {
  CHECK(first_error(with_station_line("servers: 1e12")) ==
        "x.yaml:14:14: error: stations[0].servers: expected an integer from 1 to 10000, got \"1e12\"");
  CHECK(first_error(with_station_line("servers: 0")) ==
        "x.yaml:14:14: error: stations[0].servers: expected an integer from 1 to 10000, got \"0\"");
  CHECK(first_error(edit(MINIMAL, "name: line", "name: line\nseed: 9223372036854775808")) ==
        "x.yaml:3:7: error: seed: expected an integer from 0 to 9223372036854775807, got \"9223372036854775808\"");
  CHECK(first_error(edit(MINIMAL, "name: line", "name: line\nreplications: 100001")) ==
        "x.yaml:3:15: error: replications: expected an integer from 1 to 100000, got \"100001\"");
  CHECK(first_error(with_station_line("buffer: -0")) ==
        "x.yaml:14:13: error: stations[0].buffer: expected an integer from 0 to 2147483647 or inf, got \"-0\"");
}

TEST_CASE("an empty value is reported at its key, a null at the null", "[loader][errors]") {
  CHECK(first_error(with_station_line("servers:")) ==
        "x.yaml:14:5: error: stations[0].servers: expected an integer, got nothing");
  CHECK(first_error(with_station_line("servers: ~")) ==
        "x.yaml:14:14: error: stations[0].servers: expected an integer, got null");
  CHECK(first_error(edit(MINIMAL, "horizon: 8h", "horizon:")) ==
        "x.yaml:3:1: error: horizon: expected a duration, got nothing");
}

TEST_CASE("a non-finite number is an error", "[loader][errors]") {
  CHECK(first_error(with_station_line("yield: .nan")) ==
        "x.yaml:14:12: error: stations[0].yield: expected a finite number, got \".nan\"");
  CHECK(first_error(edit(MINIMAL, "horizon: 8h", "horizon: .inf")) ==
        "x.yaml:3:10: error: horizon: expected a finite duration, got \".inf\"");
  CHECK(first_error(edit(MINIMAL, "product: board", "mix: {board: 1e999}")) ==
        "x.yaml:9:18: error: sources[0].mix.board: expected a finite number, got \"1e999\"");
}

TEST_CASE("a number out of its range is an error", "[loader][errors]") {
  CHECK(first_error(with_station_line("yield: 1.5")) ==
        "x.yaml:14:12: error: stations[0].yield: expected a number from 0 to 1, got \"1.5\"");
  CHECK(first_error(edit(MINIMAL, "product: board", "mix: {board: 0}")) ==
        "x.yaml:9:18: error: sources[0].mix.board: expected a number > 0, got \"0\"");
}

TEST_CASE("a duration with a bad unit is an error", "[loader][errors]") {
  CHECK(first_error(with_process("fast")) ==
        "x.yaml:13:14: error: stations[0].process: expected a duration like \"12s\", got \"fast\"");
  CHECK(first_error(edit(MINIMAL, "horizon: 8h", "horizon: 8 hours")) ==
        "x.yaml:3:10: error: horizon: expected a duration like \"12s\", got \"8 hours\"");
}

TEST_CASE("a boolean is true or false, nothing else", "[loader][errors]") {
  CHECK(first_error(edit(MINIMAL, "interarrival: 40s", "saturated: yes")) ==
        "x.yaml:10:16: error: sources[0].saturated: expected true or false, got \"yes\"");
}

// ---- the scenario -----------------------------------------------------------------------------------

TEST_CASE("another format version is the only error reported", "[loader][errors]") {
  const auto result = load(edit(edit(MINIMAL, "plantwin: 1", "plantwin: 2"), "horizon: 8h", "horizon: 8h\nnew_thing: 1"));
  CHECK(result.diagnostics.first_error() ==
        "x.yaml:1:11: error: plantwin: unsupported format version 2; this plantwin reads version 1");
  CHECK(result.diagnostics.error_count() == 1);
}

TEST_CASE("a format version that is no number is an error", "[loader][errors]") {
  CHECK(first_error(edit(MINIMAL, "plantwin: 1", "plantwin: one")) ==
        "x.yaml:1:11: error: plantwin: expected an integer, got \"one\"");
}

TEST_CASE("a name is not empty", "[loader][errors]") {
  CHECK(first_error(edit(MINIMAL, "name: line", "name: \"\"")) == "x.yaml:2:7: error: name: expected a non-empty name");
  CHECK(first_error(edit(MINIMAL, "name: line", "name: \"a\\nb\"")) ==
        "x.yaml:2:7: error: name: a name is one line of text, without control characters; got \"a\\nb\"");
}

TEST_CASE("the horizon is positive", "[loader][errors]") {
  CHECK(first_error(edit(MINIMAL, "horizon: 8h", "horizon: 0s")) ==
        "x.yaml:3:10: error: horizon: expected a duration > 0, got \"0s\"");
}

TEST_CASE("warm-up and horizon together are at most 100 years", "[loader][errors]") {
  CHECK(first_error(edit(MINIMAL, "horizon: 8h", "horizon: 36500d\nwarmup: 1d")) ==
        "x.yaml:3:10: error: horizon: warmup + horizon must be at most 100 years");
  CHECK(load(edit(MINIMAL, "horizon: 8h", "horizon: 36499d\nwarmup: 1d")).spec);
}

TEST_CASE("warm-up and horizon too long together are located at the value that made them so", "[loader][errors]") {
  // An override's over the file's: the file's 8h horizon was fine with no warm-up.
  const Override warmup{"warmup", "36500d", Mark{"--warmup", 0, 0}}, horizon{"horizon", "36500d", Mark{"--horizon", 0, 0}};
  CHECK(first_error(MINIMAL, {warmup}) == "--warmup:1:1: error: warmup: warmup + horizon must be at most 100 years");
  CHECK(first_error(edit(MINIMAL, "horizon: 8h", "horizon: 8h\nwarmup: 1d"), {horizon}) ==
        "--horizon:1:1: error: horizon: warmup + horizon must be at most 100 years");
  // Both from the file, or both overrides: the larger one.
  CHECK(first_error(edit(MINIMAL, "horizon: 8h", "horizon: 1d\nwarmup: 36500d")) ==
        "x.yaml:4:9: error: warmup: warmup + horizon must be at most 100 years");
  CHECK(first_error(MINIMAL, {horizon, Override{"warmup", "1d", Mark{"--warmup", 0, 0}}}) ==
        "--horizon:1:1: error: horizon: warmup + horizon must be at most 100 years");
}

TEST_CASE("a section needs at least one item", "[loader][errors]") {
  CHECK(first_error(edit(MINIMAL, "products:\n  - id: board\n    route: [printer]", "products: []")) ==
        "x.yaml:4:11: error: products: expected at least one product");
  CHECK(first_error(edit(MINIMAL, "route: [printer]", "route: []")) ==
        "x.yaml:6:12: error: products[0].route: a route needs at least one station");
}

// ---- ids --------------------------------------------------------------------------------------------

TEST_CASE("an id with a dot is rejected, because --set paths use dots", "[loader][errors]") {
  const auto result = load(edit(edit(MINIMAL, "id: printer", "id: re.flow"), "[printer]", "[re.flow]"));
  CHECK(result.diagnostics.first_error() ==
        "x.yaml:12:9: error: stations[0].id: expected an id (a letter or '_', then letters, digits, '_' or '-'), got "
        "\"re.flow\"");
  CHECK(result.diagnostics.error_count() == 1);
}

TEST_CASE("an id longer than 64 characters is rejected", "[loader][errors]") {
  const std::string id(65, 'p');
  CHECK(first_error(edit(edit(MINIMAL, "id: printer", "id: " + id), "[printer]", "[" + id + "]")) ==
        "x.yaml:12:9: error: stations[0].id: an id has at most 64 characters, got 65");
}

TEST_CASE("product ids are unique", "[loader][errors]") {
  CHECK(first_error(edit(MINIMAL, "sources:", "  - id: board\n    route: [printer]\nsources:")) ==
        "x.yaml:7:9: error: products[1].id: duplicate id 'board' (first used by the product at line 5)");
}

TEST_CASE("sources and stations share one set of ids", "[loader][errors]") {
  CHECK(first_error(edit(MINIMAL, "id: src", "id: printer")) ==
        "x.yaml:12:9: error: stations[0].id: duplicate id 'printer' (first used by the source at line 8)");
}

TEST_CASE("a route names stations", "[loader][errors]") {
  const auto result = load(edit(MINIMAL, "[printer]", "[printr]"));
  CHECK(result.diagnostics.first_error() ==
        "x.yaml:6:13: error: products[0].route[0]: unknown station 'printr' (did you mean 'printer'?)");
}

TEST_CASE("a source names a product", "[loader][errors]") {
  CHECK(first_error(edit(MINIMAL, "product: board", "product: bord")) ==
        "x.yaml:9:14: error: sources[0].product: unknown product 'bord' (did you mean 'board'?)");
  CHECK(first_error(edit(MINIMAL, "product: board", "mix: {bord: 1}")) ==
        "x.yaml:9:11: error: sources[0].mix: unknown product 'bord' (did you mean 'board'?)");
}

TEST_CASE("an order names a product", "[loader][errors]") {
  CHECK(first_error(edit(MINIMAL, "    product: board\n    interarrival: 40s", "    orders:\n      - {product: bard}")) ==
        "x.yaml:10:19: error: sources[0].orders[0].product: unknown product 'bard' (did you mean 'board'?)");
}

// ---- sources ----------------------------------------------------------------------------------------

TEST_CASE("a source needs a kind", "[loader][errors]") {
  CHECK(first_error(edit(MINIMAL, "\n    interarrival: 40s", "")) ==
        "x.yaml:8:5: error: sources[0]: a source needs one of `interarrival`, `saturated: true` or `orders`");
}

TEST_CASE("a misspelt source kind is one unknown key with did-you-mean, not also a missing kind", "[loader][errors]") {
  const auto kind = [](const std::string& key) { return load(edit(MINIMAL, "interarrival: 40s", key + ": 40s")); };
  for (const std::string key : {"interarival", "interarrivel"}) {
    const auto result = kind(key);
    CHECK(result.diagnostics.first_error() ==
          "x.yaml:10:5: error: sources[0]: unknown key '" + key + "' (did you mean 'interarrival'?)");
    CHECK(result.diagnostics.error_count() == 1);
  }
  // Nor does a misspelt `orders` ask for the product that an orders source must not have.
  const auto orders = load(edit(MINIMAL, "    product: board\n    interarrival: 40s", "    ordres: [{product: board}]"));
  CHECK(orders.diagnostics.first_error() == "x.yaml:9:5: error: sources[0]: unknown key 'ordres' (did you mean 'orders'?)");
  CHECK(orders.diagnostics.error_count() == 1);
  // A key close to no kind leaves the kind missing.
  const auto far = kind("every");
  CHECK(far.diagnostics.first_error() ==
        "x.yaml:8:5: error: sources[0]: a source needs one of `interarrival`, `saturated: true` or `orders`");
  CHECK(far.diagnostics.error_count() == 2);
}

TEST_CASE("a misspelt product or mix of a source is one unknown key with did-you-mean", "[loader][errors]") {
  const auto prodcut = load(edit(MINIMAL, "product: board", "prodcut: board"));
  CHECK(prodcut.diagnostics.first_error() == "x.yaml:9:5: error: sources[0]: unknown key 'prodcut' (did you mean 'product'?)");
  CHECK(prodcut.diagnostics.error_count() == 1);
  const auto mixx = load(edit(MINIMAL, "product: board", "mixx: {board: 1}"));
  CHECK(mixx.diagnostics.first_error() == "x.yaml:9:5: error: sources[0]: unknown key 'mixx' (did you mean 'mix'?)");
  CHECK(mixx.diagnostics.error_count() == 1);
}

TEST_CASE("a source has only one kind", "[loader][errors]") {
  CHECK(first_error(edit(MINIMAL, "interarrival: 40s", "interarrival: 40s\n    saturated: true")) ==
        "x.yaml:11:5: error: sources[0]: give only one of `interarrival`, `saturated` and `orders`");
}

TEST_CASE("saturated false is an error, not a silent default", "[loader][errors]") {
  CHECK(first_error(edit(MINIMAL, "interarrival: 40s", "saturated: false")) ==
        "x.yaml:10:16: error: sources[0].saturated: omit `saturated` or set it to true");
}

TEST_CASE("a source has a product or a mix, not both", "[loader][errors]") {
  CHECK(first_error(edit(MINIMAL, "product: board", "product: board\n    mix: {board: 1}")) ==
        "x.yaml:10:5: error: sources[0]: give `product` or `mix`, not both");
  CHECK(first_error(edit(MINIMAL, "    product: board\n", "")) ==
        "x.yaml:8:5: error: sources[0]: missing required key 'product' (or 'mix')");
}

TEST_CASE("an orders source has neither product nor limit", "[loader][errors]") {
  const std::string orders = "    orders: [{product: board}]";
  CHECK(first_error(edit(MINIMAL, "    interarrival: 40s", orders)) ==
        "x.yaml:9:5: error: sources[0]: an orders source takes the product of each order: remove `product`");
  CHECK(first_error(edit(MINIMAL, "    product: board\n    interarrival: 40s", orders + "\n    limit: 5")) ==
        "x.yaml:10:5: error: sources[0]: an orders source has no `limit`: its orders say how many parts");
}

TEST_CASE("an interarrival time with mean 0 is an error", "[loader][errors]") {
  CHECK(first_error(edit(MINIMAL, "interarrival: 40s", "interarrival: 0s")) ==
        "x.yaml:10:19: error: sources[0].interarrival: interarrival must have a positive mean: parts would all arrive "
        "at one instant");
}

TEST_CASE("an interarrival source that would make more than 1e11 parts in a replication is refused", "[loader][errors]") {
  CHECK(first_error(edit(MINIMAL, "interarrival: 40s", "interarrival: 1ns")) ==
        "x.yaml:10:19: error: sources[0].interarrival: a part every 1e-09s on average (interarrival) is 2.88e+13 "
        "parts in one replication of 28800s (warmup + horizon); more than 1e11 would take hours or days: is the unit "
        "right?");
  // A tiny value beside another error of the source is not judged: one error, not two.
  const auto both = load(edit(MINIMAL, "interarrival: 40s", "interarrival: 1ns\n    limit: -1"));
  CHECK(both.diagnostics.error_count() == 1);
  // A limit says how many there can be.
  CHECK(load(edit(MINIMAL, "interarrival: 40s", "interarrival: 1ns\n    limit: 1000")).diagnostics.error_count() == 0);
  // A year of a can line at a thousand cans a second is a long run, not a mistake.
  CHECK(load(edit(edit(MINIMAL, "interarrival: 40s", "interarrival: 1ms"), "horizon: 8h", "horizon: 365d"))
            .diagnostics.error_count() == 0);
  CHECK(load(edit(MINIMAL, "interarrival: 40s", "interarrival: 1ms")).diagnostics.error_count() == 0);
}

TEST_CASE("an order's quantity, release and due are checked", "[loader][errors]") {
  const auto orders = [](const std::string& order) {
    return first_error(edit(MINIMAL, "    product: board\n    interarrival: 40s", "    orders:\n      - " + order));
  };
  CHECK(orders("{product: board, quantity: 0}") ==
        "x.yaml:10:36: error: sources[0].orders[0].quantity: expected an integer from 1 to 1000000, got \"0\"");
  CHECK(orders("{product: board, release: 2h, due: 1h}") ==
        "x.yaml:10:44: error: sources[0].orders[0].due: due \"1h\" is before release \"2h\"");
}

TEST_CASE("the orders of a scenario hold at most ten million parts", "[loader][errors]") {
  std::string orders = "    orders:\n";
  for (int i = 0; i < 11; ++i) orders += "      - {product: board, quantity: 1000000}\n";
  orders.pop_back();
  CHECK(first_error(edit(MINIMAL, "    product: board\n    interarrival: 40s", orders)) ==
        "x.yaml:20:36: error: sources[0].orders[10].quantity: the orders of a scenario hold at most 10000000 parts "
        "in all; this one brings the total to 11000000");
}

TEST_CASE("the products of a saturated source start at one station", "[loader][errors]") {
  const std::string text = edit(edit(TWO, "route: [printer]", "route: [aoi]"), "interarrival: 40s", "saturated: true");
  CHECK(first_error(text) ==
        "x.yaml:11:21: error: sources[0].mix: the products of a saturated source must start at the same station: "
        "'board' starts at 'printer', 'case' at 'aoi'");
}

TEST_CASE("one station is fed by at most one saturated source", "[loader][errors]") {
  const std::string text = edit(edit(TWO, "    mix: {board: 1, case: 1}\n    interarrival: 40s",
                                     "    product: board\n    saturated: true\n  - id: src2\n    product: case"),
                                "stations:", "    saturated: true\nstations:");
  CHECK(first_error(text) ==
        "x.yaml:13:5: error: sources[1]: station 'printer' is already fed by the saturated source 'src' (line 10)");
}

// ---- stations ---------------------------------------------------------------------------------------

TEST_CASE("every product visiting a station needs a process time there", "[loader][errors]") {
  const auto result = load(edit(TWO, "{board: 30s, case: 20s}", "{board: 30s}"));
  CHECK(result.diagnostics.first_error() ==
        "x.yaml:15:14: error: stations[0].process: no process time for product 'case', which visits this station");
  CHECK(result.diagnostics.error_count() == 1);
}

TEST_CASE("a process time for a product that never visits the station is an error", "[loader][errors]") {
  CHECK(first_error(edit(TWO, "process: 10s", "process: {board: 10s, case: 5s}")) ==
        "x.yaml:17:27: error: stations[1].process: product 'case' never visits this station");
}

TEST_CASE("a process time for an unknown product is an error", "[loader][errors]") {
  const auto result = load(edit(TWO, "{board: 30s, case: 20s}", "{board: 30s, cse: 20s}"));
  CHECK(result.diagnostics.format_all() ==
        "x.yaml:15:14: error: stations[0].process: no process time for product 'case', which visits this station\n"
        "x.yaml:15:27: error: stations[0].process: unknown product 'cse' (did you mean 'case'?)\n");
}

TEST_CASE("a misspelt dist in a process map is not taken for a product", "[loader][errors]") {
  const auto result = load(with_process("{dsit: exponential, mean: 30s}"));
  CHECK(result.diagnostics.first_error() ==
        "x.yaml:13:15: error: stations[0].process: unknown key 'dsit' (did you mean 'dist'?)");
  CHECK(result.diagnostics.error_count() == 1);
}

TEST_CASE("every station is on some product's route", "[loader][errors]") {
  CHECK(first_error(MINIMAL + "  - id: aoi\n    process: 10s\n") ==
        "x.yaml:14:5: error: stations[1]: station 'aoi' is on no product's route");
}

TEST_CASE("a route through an unknown station is one error, not also a station on no route", "[loader][errors]") {
  // TWO with printer misspelt in case's route: printer is still on board's, so try it on aoi.
  const auto result = load(edit(TWO, "route: [printer, aoi]", "route: [printer, ao]"));
  CHECK(result.diagnostics.format_all() ==
        "x.yaml:6:22: error: products[0].route[1]: unknown station 'ao' (did you mean 'aoi'?)\n");
  CHECK(result.diagnostics.error_count() == 1);
}

TEST_CASE("a setup matrix names products and no product to itself", "[loader][errors]") {
  CHECK(first_error(edit(TWO, "process: 10s", "process: 10s\n    setup: {board: {cse: 1min}}")) ==
        "x.yaml:18:21: error: stations[1].setup.board: unknown product 'cse' (did you mean 'case'?)");
  CHECK(first_error(edit(TWO, "process: 10s", "process: 10s\n    setup: {board: {board: 1min}}")) ==
        "x.yaml:18:21: error: stations[1].setup.board: no setup happens between two parts of the same product; "
        "remove 'board'");
  CHECK(first_error(edit(TWO, "process: 10s", "process: 10s\n    setup: {board: {dist: constant, value: 1s}}")) ==
        "x.yaml:18:20: error: stations[1].setup.board: expected a map to-product -> duration, got a distribution");
}

TEST_CASE("failures need mtbf and mttr, and words from their lists", "[loader][errors]") {
  CHECK(first_error(with_station_line("failures: {mtbf: 8h}")) ==
        "x.yaml:14:15: error: stations[0].failures: missing required key 'mttr'");
  CHECK(first_error(with_station_line("failures: {mtbf: 8h, mttr: 5min, basis: operatin}")) ==
        "x.yaml:14:45: error: stations[0].failures.basis: expected operating or calendar, got \"operatin\" (did you "
        "mean 'operating'?)");
  CHECK(first_error(with_station_line("failures: {mtbf: 0s, mttr: 5min}")) ==
        "x.yaml:14:22: error: stations[0].failures.mtbf: mtbf must have a positive mean: a server would fail without "
        "end");
}

TEST_CASE("a server that would fail or be maintained more than 1e11 times in a replication is refused", "[loader][errors]") {
  // `mtbf: 1ns` for 1h ran for days: 2.9e13 failures in the 8 hours.
  CHECK(first_error(with_station_line("failures: {mtbf: 1ns, mttr: 0s}")) ==
        "x.yaml:14:22: error: stations[0].failures.mtbf: a failure every 1e-09s on average (mtbf + mttr) is "
        "2.88e+13 failures of a server in one replication of 28800s (warmup + horizon); more than 1e11 would take "
        "hours or days: is the unit right?");
  // The whole horizon counts: a year with a failure every 10 us is 3.15e12.
  CHECK(first_error(edit(with_station_line("failures: {mtbf: 10us, mttr: 0s}"), "horizon: 8h", "horizon: 365d")) ==
        "x.yaml:14:22: error: stations[0].failures.mtbf: a failure every 1e-05s on average (mtbf + mttr) is "
        "3.15e+12 failures of a server in one replication of 31536000s (warmup + horizon); more than 1e11 would "
        "take hours or days: is the unit right?");
  // A long repair makes the cycle long; 2.9e7 failures of 1 ms, or 2.9e10 of 1 us, are long runs, not mistakes.
  CHECK(load(with_station_line("failures: {mtbf: 1us, mttr: 0s}")).diagnostics.error_count() == 0);
  CHECK(load(with_station_line("failures: {mtbf: 1ns, mttr: 1s}")).diagnostics.error_count() == 0);
  CHECK(load(with_station_line("failures: {mtbf: 1ms, mttr: 0s}")).diagnostics.error_count() == 0);
  // Maintenance too: every 1 ns for 1 ns.
  CHECK(first_error(with_station_line("maintenance: {every: 1ns, for: 1ns}")) ==
        "x.yaml:14:26: error: stations[0].maintenance.every: a maintenance every 2e-09s on average (every + for) is "
        "1.44e+13 maintenances in one replication of 28800s (warmup + horizon); more than 1e11 would take hours or "
        "days: is the unit right?");
}

// ---- distributions ----------------------------------------------------------------------------------

TEST_CASE("an unknown distribution kind gets did-you-mean or the list of kinds", "[loader][errors]") {
  CHECK(first_error(with_process("{dist: exponental, mean: 30s}")) ==
        "x.yaml:13:21: error: stations[0].process.dist: unknown distribution 'exponental' (did you mean "
        "'exponential'?)");
  CHECK(first_error(with_process("{dist: gamma, mean: 30s}")) ==
        "x.yaml:13:21: error: stations[0].process.dist: unknown distribution 'gamma'; expected one of constant, "
        "exponential, uniform, triangular, normal, lognormal, erlang, weibull, empirical");
}

TEST_CASE("a distribution's missing and unknown parameters are errors", "[loader][errors]") {
  CHECK(first_error(with_process("{dist: uniform, min: 1s}")) ==
        "x.yaml:13:14: error: stations[0].process: missing required key 'max'");
  CHECK(first_error(with_process("{dist: exponential, mean: 1s, sd: 2s}")) ==
        "x.yaml:13:44: error: stations[0].process: unknown key 'sd'");
  CHECK(first_error(with_process("{dist: normal, maen: 1s, sd: 2s}")) ==
        "x.yaml:13:29: error: stations[0].process: unknown key 'maen' (did you mean 'mean'?)");
}

TEST_CASE("a distribution map without dist is an error where only a distribution fits", "[loader][errors]") {
  CHECK(first_error(with_station_line("failures: {mtbf: {mean: 8h}, mttr: 5min}")) ==
        "x.yaml:14:22: error: stations[0].failures.mtbf: missing required key 'dist'");
  CHECK(first_error(with_station_line("failures: {mtbf: {dsit: exponential, mean: 8h}, mttr: 5min}")) ==
        "x.yaml:14:23: error: stations[0].failures.mtbf: unknown key 'dsit' (did you mean 'dist'?)");
}

TEST_CASE("Distribution::validate's message is reported at the distribution", "[loader][errors]") {
  CHECK(first_error(with_process("{dist: uniform, min: 2s, max: 1s}")) ==
        "x.yaml:13:14: error: stations[0].process: max must be >= min, got 1");
  CHECK(first_error(with_process("{dist: empirical, values: [1s, 2s], weights: [1]}")) ==
        "x.yaml:13:14: error: stations[0].process: weights must have one entry per value (2), got 1");
  CHECK(first_error(with_process("{dist: lognormal, mean: 1s, cv: -1}")) ==
        "x.yaml:13:14: error: stations[0].process: cv must be between 0 and 100, got -1");
  CHECK(first_error(with_process("{dist: weibull, shape: 0.01, scale: 1s}")) ==
        "x.yaml:13:14: error: stations[0].process: the mean scale * Gamma(1 + 1/shape) must be at most 100 years, got "
        "9.33262e+157");
}

TEST_CASE("distribution parameters have their types", "[loader][errors]") {
  CHECK(first_error(with_process("{dist: erlang, mean: 1s, k: 2.5}")) ==
        "x.yaml:13:42: error: stations[0].process.k: expected an integer, got \"2.5\"");
  CHECK(first_error(with_process("{dist: empirical, values: [1s, soon]}")) ==
        "x.yaml:13:45: error: stations[0].process.values[1]: expected a duration like \"12s\", got \"soon\"");
  CHECK(first_error(with_process("{dist: empirical, values: 1s}")) ==
        "x.yaml:13:40: error: stations[0].process.values: expected a list of durations, got \"1s\"");
  CHECK(first_error(with_process("[30s]")) ==
        "x.yaml:13:14: error: stations[0].process: expected a duration, a distribution or a map product -> duration, "
        "got a list");
}

// ---- all errors in one pass -------------------------------------------------------------------------

TEST_CASE("three independent errors are all reported, in file order", "[loader][errors]") {
  const std::string text = edit(edit(edit(MINIMAL, "horizon: 8h", "horizon: fast"), "route: [printer]", "route: [printer]\n    colour: red"),
              "process: 30s", "process: 30s\n    servers: two");
  const auto result = load(text);
  CHECK(result.diagnostics.error_count() == 3);
  CHECK(result.diagnostics.format_all() ==
        "x.yaml:3:10: error: horizon: expected a duration like \"12s\", got \"fast\"\n"
        "x.yaml:7:5: error: products[0]: unknown key 'colour'\n"
        "x.yaml:15:14: error: stations[0].servers: expected an integer, got \"two\"\n");
}

TEST_CASE("errors come in file order whatever order the sections are in", "[loader][errors]") {
  const std::string text = R"(plantwin: 1
name: line
horizon: 8h
stations:
  - id: printer
    process: 30s
    servers: 0
sources:
  - id: src
    product: board
    interarrival: soon
products:
  - id: board
    route: [printer]
    colour: red
)";
  const auto result = load(text);
  CHECK(result.diagnostics.format_all() ==
        "x.yaml:7:14: error: stations[0].servers: expected an integer from 1 to 10000, got \"0\"\n"
        "x.yaml:11:19: error: sources[0].interarrival: expected a duration like \"12s\", got \"soon\"\n"
        "x.yaml:15:5: error: products[0]: unknown key 'colour'\n");
}

TEST_CASE("a misspelt optional key gets did-you-mean too", "[loader][errors]") {
  CHECK(first_error(with_station_line("yeild: 0.9")) ==
        "x.yaml:14:5: error: stations[0]: unknown key 'yeild' (did you mean 'yield'?)");
  CHECK(first_error(edit(MINIMAL, "horizon: 8h", "horizon: 8h\nwramup: 1h")) ==
        "x.yaml:4:1: error: unknown key 'wramup' (did you mean 'warmup'?)");
  CHECK(first_error(with_station_line("failures: {mtbf: 8h, mttr: 5min, bassis: calendar}")) ==
        "x.yaml:14:38: error: stations[0].failures: unknown key 'bassis' (did you mean 'basis'?)");
}

TEST_CASE("a saturated source whose stations would take more than 1e11 parts in a replication is refused", "[loader][errors]") {
  // It makes a part whenever its first station can start one: that station's servers (times a
  // batch's most parts) over the mix's mean process time bound it.
  const std::string line = R"(plantwin: 1
name: sat
horizon: 8h
products:
  - {id: a, route: [cut, m1]}
sources:
  - {id: src, product: a, saturated: true}
stations:
  - {id: cut, servers: 2, process: 1ns}
  - {id: m1, process: 1s}
)";
  // The slow m1 does not hold it back through an infinite buffer: the parts pile up there.
  CHECK(first_error(line) ==
        "x.yaml:9:36: error: stations[0].process: a part every 5e-10s on average (the pace of 'cut', servers over "
        "process time) is 5.76e+13 parts of the saturated source 'src' in one replication of 28800s (warmup + "
        "horizon); more than 1e11 would take hours or days: is the unit right?");
  // Through a finite buffer it does (cut blocks), unless parts leave before it.
  const std::string finite = edit(line, "{id: m1, process: 1s}", "{id: m1, buffer: 2, process: 1s}");
  CHECK(load(finite).diagnostics.error_count() == 0);
  CHECK_THAT(first_error(edit(finite, "process: 1ns}", "process: 1ns, yield: 0.5}")),
             Catch::Contains("stations[0].process: a part every 5e-10s on average (the pace of 'cut'"));
  // The slower of the two bounds it: m1 at 1 ns, one server.
  CHECK_THAT(first_error(edit(finite, "process: 1s}", "process: 1ns}")),
             Catch::Contains("stations[1].process: a part every 1e-09s on average (the pace of 'm1'"));
  // An assembly consumes a component many to a process: a product in a `bom` is judged at its
  // first station only.
  const std::string kit = edit(edit(finite, "process: 1ns}", "process: 1ns}\n  - {id: x, process: 1s}"),
                               "  - {id: a, route: [cut, m1]}", "  - {id: a, route: [cut, m1]}\n  - {id: k, route: [m1, x], bom: {a: 100}}");
  CHECK_THAT(first_error(kit), Catch::Contains("stations[0].process: a part every 5e-10s on average (the pace of 'cut'"));
  // A finite buffer before the assembly still holds the source back.
  CHECK(load(edit(edit(kit, "route: [cut, m1]}", "route: [cut, g, m1]}"), "  - {id: x,", "  - {id: g, buffer: 2, process: 1s}\n  - {id: x,"))
            .diagnostics.error_count() == 0);
  // A limit says how many there can be.
  CHECK(load(edit(line, "saturated: true", "saturated: true, limit: 1000")).diagnostics.error_count() == 0);
  // Process time 0 at the first station is left to the run (no progress).
  CHECK(load(edit(line, "process: 1ns", "process: 0s")).diagnostics.error_count() == 0);

  // A mix shares the first station: 1:1 of 200 ns and 600 ns is 400 ns a part, 7.2e10 in 8 hours.
  const std::string mix = R"(plantwin: 1
name: sat
horizon: 8h
products: [{id: a, route: [s]}, {id: b, route: [s]}]
sources: [{id: src, mix: {a: 1, b: 1}, saturated: true}]
stations:
  - {id: s, servers: 1, process: {a: 200ns, b: 600ns}}
)";
  CHECK(load(mix).diagnostics.error_count() == 0);
  CHECK_THAT(first_error(edit(mix, "servers: 1", "servers: 2")),
             Catch::Contains("a part every 2e-07s on average (the pace of 's', servers over process time) is 1.44e+11 parts"));
  // Weights so large that their sum would overflow are judged all the same.
  CHECK(load(edit(mix, "{a: 1, b: 1}", "{a: 1e308, b: 1e308}")).diagnostics.error_count() == 0);
  CHECK_THAT(first_error(edit(edit(mix, "{a: 1, b: 1}", "{a: 1e308, b: 1e308}"), "servers: 1", "servers: 2")),
             Catch::Contains("is 1.44e+11 parts"));
  // A batch of up to 10 parts per process: 10 times the pace (2 us, 1.44e10 and 1.44e11).
  const std::string one = "plantwin: 1\nname: sat\nhorizon: 8h\nproducts: [{id: p, route: [s]}]\n"
                          "sources: [{id: src, product: p, saturated: true}]\nstations: [{id: s, process: 2us}]\n";
  CHECK(load(one).diagnostics.error_count() == 0);
  CHECK_THAT(first_error(edit(one, "process: 2us", "process: 2us, batch: {max: 10}")),
             Catch::Contains("is 1.44e+11 parts of the saturated source 'src'"));
}

TEST_CASE("a calendar or operator pool whose id is in error is not also reported unknown where it is named", "[loader][errors]") {
  // A reviewer's cases: `id: 7` gave a second error "unknown operator pool '7' (did you mean ''?)".
  const auto pool =
      load(edit(with_station_line("operators: {work: 7}"), "stations:", "operators: [{id: 7, count: 1}]\nstations:"));
  CHECK_THAT(pool.diagnostics.first_error(), Catch::EndsWith("error: operators[0].id: expected an id (a letter or '_', then "
                                                             "letters, digits, '_' or '-'), got \"7\""));
  CHECK(pool.diagnostics.error_count() == 1);
  const auto calendar = load(edit(with_station_line("calendar: 5"), "stations:", "calendars: [{id: 5}]\nstations:"));
  CHECK_THAT(calendar.diagnostics.first_error(), Catch::Contains("error: calendars[0].id: expected an id"));
  CHECK(calendar.diagnostics.error_count() == 1);
  // A section that is not a list: its error alone.
  const auto not_list = load(edit(with_station_line("calendar: day"), "stations:", "calendars: 5\nstations:"));
  CHECK_THAT(not_list.diagnostics.first_error(), Catch::EndsWith("error: calendars: expected a list of calendars, got \"5\""));
  CHECK(not_list.diagnostics.error_count() == 1);
  // A misspelt reference to a well declared one still gets its "did you mean".
  CHECK_THAT(first_error(edit(with_station_line("calendar: dya"), "stations:", "calendars: [{id: day}]\nstations:")),
             Catch::EndsWith("error: stations[0].calendar: unknown calendar 'dya' (did you mean 'day'?)"));
}
