// Hostile and malformed input: every case ends in a located error, quickly, without a crash.

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "scenario/loader.hpp"
#include "scenario/yaml_reader.hpp"
#include "scenario/yaml_tree.hpp"
#include "test_loader_support.hpp"

using namespace plantwin::scenario;
using namespace plantwin::scenario::testing;

namespace {

/// A billion laughs: ten levels of ten aliases each, 10^10 leaves if expanded. `use` is appended
/// after the anchors (for example a scenario that refers to them).
std::string alias_bomb(const std::string& use) {
  std::string text = "bombs:\n  l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int level = 1; level < 10; ++level) {
    const std::string previous = "*l" + std::to_string(level - 1);
    text += "  l" + std::to_string(level) + ": &l" + std::to_string(level) + " [";
    for (int i = 0; i < 10; ++i) text += (i ? ", " : "") + previous;
    text += "]\n";
  }
  return text + use;
}

/// A temporary file removed at the end of the test.
class TempFile {
 public:
  explicit TempFile(const std::string& name) : path_(std::filesystem::temp_directory_path() / name) {}
  ~TempFile() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

/// Whether loading scenario(4n) takes less than 8 times as long as scenario(n): about 4 when the
/// checks are linear, 16 when quadratic (absolute times differ too much between an optimised and
/// a sanitized build). `last` is the result for 4n.
template <class Scenario>
bool loads_in_linear_time(Scenario scenario, int n, LoadResult& last) {
  const std::string small = scenario(n), large = scenario(4 * n);
  const double small_seconds = least_seconds_taken([&] { last = load(small); });
  const double large_seconds = least_seconds_taken([&] { last = load(large); });
  return large_seconds < 8 * small_seconds + 0.05;
}

}  // namespace

TEST_CASE("an empty file is an empty document", "[loader][hostile]") {
  CHECK(first_error("") == "x.yaml:1:1: error: empty document");
  CHECK(first_error("# only a comment\n\n") == "x.yaml:1:1: error: empty document");
  CHECK(first_error("---\n") == "x.yaml:1:1: error: empty document");
  CHECK(first_error("~\n") == "x.yaml:1:1: error: empty document");
}

TEST_CASE("a file that is not a map is an error", "[loader][hostile]") {
  CHECK(first_error("- plantwin: 1\n") == "x.yaml:1:1: error: expected a map (the scenario), got a list");
  CHECK(first_error("just text\n") == "x.yaml:1:1: error: expected a map (the scenario), got \"just text\"");
}

TEST_CASE("a second YAML document in the file is an error", "[loader][hostile]") {
  CHECK(first_error(MINIMAL + "---\nname: other\n") ==
        "x.yaml:14:1: error: more than one YAML document; a file holds one");
}

TEST_CASE("invalid UTF-8 is reported at the first bad byte", "[loader][hostile]") {
  CHECK(first_error(edit(MINIMAL, "name: line", "name: li\xFFne")) ==
        "x.yaml:2:9: error: invalid UTF-8 (byte 0xff); a scenario is UTF-8 text");
  // Columns count characters: 'é' is one.
  CHECK(first_error(edit(MINIMAL, "name: line", "name: \xC3\xA9\xC3\xA9\xC0\xAF")) ==
        "x.yaml:2:9: error: invalid UTF-8 (byte 0xc0); a scenario is UTF-8 text");
  // A UTF-16 surrogate encoded in UTF-8 is invalid; the error points at the start of it.
  CHECK(first_error(edit(MINIMAL, "name: line", "name: \xED\xA0\x80")) ==
        "x.yaml:2:7: error: invalid UTF-8 (byte 0xed); a scenario is UTF-8 text");
  // Latin-1 text: a lead byte followed by no continuation byte.
  CHECK(first_error(edit(MINIMAL, "name: line", "name: l\xE9gne")) ==
        "x.yaml:2:8: error: invalid UTF-8 (byte 0xe9); a scenario is UTF-8 text");
  CHECK(first_error(MINIMAL + "# \xE2\x82") == "x.yaml:14:3: error: invalid UTF-8: the text ends inside a character");
}

TEST_CASE("control characters are rejected", "[loader][hostile]") {
  CHECK(first_error(edit(MINIMAL, "name: line", std::string("name: li\0ne", 11))) ==
        "x.yaml:2:9: error: control character U+0000 is not allowed");
  CHECK(first_error(edit(MINIMAL, "name: line", "name: li\x1bne")) ==
        "x.yaml:2:9: error: control character U+001B is not allowed");
}

TEST_CASE("100,000 nested flow lists end in a nesting error within a second", "[loader][hostile]") {
  const std::string text = "plantwin: 1\nname: " + std::string(100'000, '[');
  std::string error;
  CHECK(seconds_taken([&] { error = first_error(text); }) < A_SECOND);
  CHECK(error == "x.yaml:2:71: error: nesting deeper than 64 levels");
}

TEST_CASE("100,000 nested flow maps end in a nesting error within a second", "[loader][hostile]") {
  std::string text = "plantwin: 1\nname: ";
  for (int i = 0; i < 100'000; ++i) text += "{a: ";
  std::string error;
  CHECK(seconds_taken([&] { error = first_error(text); }) < A_SECOND);
  CHECK(error == "x.yaml:2:263: error: nesting deeper than 64 levels");
}

TEST_CASE("100,000 nested block lists end in a nesting error within a second", "[loader][hostile]") {
  std::string text;
  for (int i = 0; i < 100'000; ++i) text += "- ";
  text += "x\n";
  std::string error;
  CHECK(seconds_taken([&] { error = first_error(text); }) < A_SECOND);
  CHECK(error == "x.yaml:1:129: error: nesting deeper than 64 levels");
}

TEST_CASE("deeply nested block maps end in a nesting error within a second", "[loader][hostile]") {
  // 100,000 levels of block maps need 5·10^9 bytes of indentation, far above the 16 MiB limit:
  // 5,000 levels (12.5 MB) is the deepest that fits.
  std::string text = "plantwin: 1\n";
  for (int i = 0; i < 5'000; ++i) text += std::string(static_cast<std::size_t>(i), ' ') + "a:\n";
  std::string error;
  CHECK(seconds_taken([&] { error = first_error(text); }) < A_SECOND);
  CHECK(error == "x.yaml:66:65: error: nesting deeper than 64 levels");
}

TEST_CASE("nesting within the limit is not an error in itself", "[loader][hostile]") {
  const std::string deep = std::string(60, '[') + std::string(60, ']');
  CHECK(first_error(MINIMAL + "extra: " + deep + "\n") == "x.yaml:14:1: error: unknown key 'extra'");
}

TEST_CASE("an alias bomb under an unknown key is never expanded", "[loader][hostile]") {
  const std::string text = alias_bomb(MINIMAL);
  LoadResult result;
  CHECK(seconds_taken([&] { result = load(text); }) < A_SECOND);
  CHECK(result.diagnostics.first_error() == "x.yaml:1:1: error: unknown key 'bombs'");
  CHECK(result.diagnostics.error_count() == 1);
}

TEST_CASE("an alias bomb where the schema reads is read one level deep", "[loader][hostile]") {
  const std::string text = alias_bomb(edit(edit(MINIMAL, "route: [printer]", "route: *l9"), "process: 30s",
                                           "process: {dist: empirical, values: *l9}"));
  LoadResult result;
  CHECK(seconds_taken([&] { result = load(text); }) < A_SECOND);
  CHECK(result.diagnostics.error_count() == 21);  // bombs, route[0..9], values[0..9]
  REQUIRE(result.diagnostics.items().size() == 21);
  CHECK(result.diagnostics.items()[1].format() ==
        "x.yaml:10:7: error: products[0].route[0]: expected a station id, got a list");
}

TEST_CASE("an alias to a node inside itself is read without looping", "[loader][hostile]") {
  CHECK(first_error(edit(MINIMAL, "route: [printer]", "route: &r [*r]")) ==
        "x.yaml:6:12: error: products[0].route[0]: expected a station id, got a list");
}

TEST_CASE("an alias to an unknown anchor is a YAML error", "[loader][hostile]") {
  CHECK(first_error(edit(MINIMAL, "route: [printer]", "route: *nowhere")) ==
        "x.yaml:6:12: error: invalid YAML: the referenced anchor is not defined");
}

TEST_CASE("a YAML syntax error is located one-based", "[loader][hostile]") {
  CHECK(first_error(edit(MINIMAL, "name: line", "name: a: b")) == "x.yaml:2:8: error: invalid YAML: illegal map value");
  CHECK(first_error(edit(MINIMAL, "    route: [printer]", "\troute: [printer]")) ==
        "x.yaml:6:1: error: invalid YAML: illegal tab when looking for indentation");
}

TEST_CASE("an unterminated quoted string is an error, not the rest of the file", "[loader][hostile]") {
  CHECK(first_error(edit(MINIMAL, "name: line", "name: \"line")) == "x.yaml:2:7: error: unterminated quoted string");
}

TEST_CASE("a flow collection longer than 1 MiB is refused before yaml-cpp queues it", "[loader][hostile]") {
  std::string route = "[printer";
  while (route.size() < 1'100'000) route += ", printer";
  std::string error;
  CHECK(seconds_taken([&] { error = first_error(edit(MINIMAL, "[printer]", route + "]")); }) < A_SECOND);
  CHECK(error ==
        "x.yaml:6:12: error: a flow collection ([...] or {...}) longer than 1 MiB; write long lists in block style");
}

TEST_CASE("a text above 16 MiB is refused", "[loader][hostile]") {
  const std::string text(17 * 1024 * 1024, ' ');
  std::string error;
  CHECK(seconds_taken([&] { error = first_error(text); }) < A_SECOND);
  CHECK(error == "x.yaml:1:1: error: larger than 16 MiB (17825792 bytes)");
}

TEST_CASE("a file above 16 MiB is refused without being read", "[loader][hostile]") {
  TempFile file("plantwin_test_17mib.yaml");
  {
    std::ofstream out(file.path(), std::ios::binary);
    out << MINIMAL;
    out.seekp(17 * 1024 * 1024 - 1);
    out.put('\n');
  }
  LoadResult result;
  CHECK(seconds_taken([&] { result = load_scenario_file(file.path()); }) < A_SECOND);
  CHECK(result.diagnostics.first_error() == file.path() + ":1:1: error: larger than 16 MiB (17825792 bytes)");
}

TEST_CASE("a file that cannot be read is an error naming it", "[loader][hostile]") {
  const std::string missing = "/nonexistent-dir/none.yaml";
  CHECK(load_scenario_file(missing).diagnostics.first_error() ==
        missing + ":1:1: error: cannot read: No such file or directory");
  const std::string dir = std::filesystem::temp_directory_path().string();
  CHECK(load_scenario_file(dir).diagnostics.first_error() == dir + ":1:1: error: cannot read: it is a directory");
}

TEST_CASE("a scenario file on disk loads with its path in marks", "[loader][hostile]") {
  TempFile file("plantwin_test_ok.yaml");
  std::ofstream(file.path()) << MINIMAL << "    servers: two\n";
  CHECK(load_scenario_file(file.path()).diagnostics.first_error() ==
        file.path() + ":14:14: error: stations[0].servers: expected an integer, got \"two\"");
}

TEST_CASE("more than a million YAML nodes are refused", "[loader][hostile]") {
  std::string text = "items:\n";
  text.reserve(4'200'000);
  for (int i = 0; i < 1'000'010; ++i) text += "- a\n";
  CHECK(first_error(text) == "x.yaml:999999:3: error: more than 1000000 YAML nodes");
}

TEST_CASE("huge numbers are range errors, never wrapped", "[loader][hostile]") {
  CHECK(first_error(edit(MINIMAL, "process: 30s", "process: 30s\n    servers: 99999999999999999999999999999")) ==
        "x.yaml:14:14: error: stations[0].servers: expected an integer from 1 to 10000, got "
        "\"99999999999999999999999999999\"");
  CHECK(first_error(edit(MINIMAL, "horizon: 8h", "horizon: 1e308d")) ==
        "x.yaml:3:10: error: horizon: expected a duration of at most 100 years, got \"1e308d\"");
}

TEST_CASE("negative zero is no valid duration", "[loader][hostile]") {
  CHECK(first_error(edit(MINIMAL, "horizon: 8h", "horizon: 8h\nwarmup: -0.0")) ==
        "x.yaml:4:9: error: warmup: expected a duration >= 0, got \"-0.0\"");
}

TEST_CASE("a huge scalar is cut short in the message", "[loader][hostile]") {
  const std::string long_text(100'000, 'x');
  CHECK(first_error(edit(MINIMAL, "process: 30s", "process: 30s\n    servers: " + long_text)) ==
        "x.yaml:14:14: error: stations[0].servers: expected an integer, got \"" + std::string(60, 'x') + "...\"");
}

TEST_CASE("errors beyond the cap are counted, not listed", "[loader][hostile]") {
  std::string text = MINIMAL;
  for (int i = 0; i < 1000; ++i) text += "unknown" + std::to_string(i) + ": 1\n";
  const auto result = load(text);
  CHECK(result.diagnostics.error_count() == 1000);
  REQUIRE(result.diagnostics.items().size() == Diagnostics::MAX_ERRORS + 1);
  CHECK(result.diagnostics.items().back().message == "800 more error(s) not shown");
}

TEST_CASE("reporting unknown references takes time linear in their number", "[loader][hostile]") {
  // Each unknown id is compared with every station id for "did you mean": without a budget on
  // those comparisons, 100,000 of them took minutes.
  const auto scenario = [](int n) {
    std::string text = "plantwin: 1\nname: many\nhorizon: 8h\nproducts:\n  - id: p\n    route:\n";
    for (int i = 0; i < n; ++i) text += "      - sttion" + std::to_string(i) + "\n";
    text += "sources: [{id: src, product: p, interarrival: 1s}]\nstations:\n";
    for (int i = 0; i < n; ++i) text += "  - {id: station" + std::to_string(i) + ", process: 1s}\n";
    return text;
  };
  LoadResult result;
  CHECK(loads_in_linear_time(scenario, 2'500, result));
  CHECK(result.diagnostics.error_count() == 10'000);  // the unknown stations (not also the unvisited ones)
  CHECK(result.diagnostics.first_error() ==
        "x.yaml:7:9: error: products[0].route[0]: unknown station 'sttion0' (did you mean 'station0'?)");
}

TEST_CASE("checking many components of one mix takes time linear in their number", "[loader][hostile]") {
  // Whether a product is a component, which sources create it and where it is assembled were each
  // looked up by a walk over every product: 20,000 components in one mix (and their 20,000 kits)
  // took 30 s to validate.
  const auto scenario = [](int n) {
    std::string text = "plantwin: 1\nname: kits\nhorizon: 8h\nproducts:\n", mix;
    for (int i = 0; i < n; ++i) {
      const std::string c = "c" + std::to_string(i);
      text += "  - {id: " + c + ", route: [t]}\n  - {id: k" + std::to_string(i) + ", bom: {" + c + ": 1}, route: [t]}\n";
      mix += (i ? ", " : "") + c + ": 1";
    }
    return text + "sources: [{id: src, interarrival: 1s, mix: {" + mix + "}}]\nstations: [{id: t, process: 1s}]\n";
  };
  LoadResult result;
  CHECK(loads_in_linear_time(scenario, 1'500, result));
  CHECK(result.diagnostics.error_count() == 0);
  REQUIRE(result.spec);
  CHECK(result.spec->products.size() == 12'000);
}

TEST_CASE("reporting stations on no route takes time linear in their number", "[loader][hostile]") {
  // Each was looked for on every station's rework route (40,000 of them: 5.6 s).
  const auto scenario = [](int n) {
    std::string text = "plantwin: 1\nname: idle\nhorizon: 8h\nproducts: [{id: p, route: [t]}]\n"
                       "sources: [{id: src, product: p, interarrival: 1s}]\nstations:\n  - {id: t, process: 1s}\n";
    for (int i = 0; i < n; ++i) text += "  - {id: idle" + std::to_string(i) + ", process: 1s}\n";
    return text;
  };
  LoadResult result;
  CHECK(loads_in_linear_time(scenario, 5'000, result));
  CHECK(result.diagnostics.error_count() == 20'000);
  CHECK(result.diagnostics.first_error() == "x.yaml:8:5: error: stations[1]: station 'idle0' is on no product's route");
}

TEST_CASE("a document's own limits are the ones its parse and its reader keep", "[loader][hostile]") {
  // A scenario's are the defaults; a state file (twin/state.cpp) sets larger ones.
  YamlDocument document(YamlDocument::Limits{1u << 20, 6, 3});
  std::vector<Diagnostic> errors;
  const YamlNode* root = document.parse("[a, b, c, d]", Placement{"x.yaml", 1, 1, false}, errors);
  REQUIRE(root != nullptr);
  ReadContext ctx(document);
  int read = 0;
  for (const YamlEntry& e : root->entries) read += ctx.visit(*e.value) ? 1 : 0;
  CHECK(read == 3);
  Diagnostics found;
  ctx.flush(found);
  CHECK(found.first_error() ==
        "x.yaml:1:11: error: the document expands to more than 3 values (are aliases repeating large parts?)");
  YamlDocument small(YamlDocument::Limits{1u << 20, 6, 3});
  CHECK(small.parse("[a, b, c, d, e, f, g]", Placement{"y.yaml", 1, 1, false}, errors) == nullptr);
  REQUIRE(errors.size() == 1);
  CHECK(errors.front().message == "more than 6 YAML nodes");
  errors.clear();
  YamlDocument tiny(YamlDocument::Limits{1u << 20, 100, 100});
  CHECK(tiny.parse(std::string((1u << 20) + 1, '#'), Placement{"z.yaml", 1, 1, false}, errors) == nullptr);
  REQUIRE(errors.size() == 1);
  CHECK(errors.front().message == "larger than 1 MiB (1048577 bytes)");
}
