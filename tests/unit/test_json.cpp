// Reading JSON back: what `plantwin check --baseline` does with an earlier result document.
#include <catch2/catch.hpp>

#include <string>

#include "run/json.hpp"

using namespace plantwin::run;

namespace {
std::string parse_error(std::string_view text) {
  JsonError error;
  CHECK_FALSE(parse_json(text, &error));
  return std::to_string(error.line) + ":" + std::to_string(error.column) + ": " + error.message;
}
}  // namespace

TEST_CASE("a document read back prints the same", "[json]") {
  Json doc = Json::object();
  doc["scenario"] = "smt-line-a";
  doc["seed"] = std::uint64_t{9223372036854775807ULL};
  doc["wall_s"] = 0.246710182;
  doc["ok"] = true;
  doc["missing"] = Json();
  doc["kpis"]["wip"]["values"] = Json::array_of({1.5, -2e-300, 1e300, 0.1});
  doc["text"] = "tab\t, quote \", backslash \\, é";
  const std::string text = doc.dump(2);
  JsonError error;
  const auto back = parse_json(text, &error);
  INFO(error.message);
  REQUIRE(back);
  CHECK(back->dump(2) == text);
  CHECK(back->find("seed")->exact_unsigned() == 9223372036854775807ULL);
  CHECK(back->find("wall_s")->exact_unsigned() == std::nullopt);
  CHECK(back->find("missing")->is_null());
}

TEST_CASE("JSON escapes become UTF-8", "[json]") {
  const auto j = parse_json(R"(["\u00e9\u20ac", "\ud83d\ude00", "a\/b\n"])", nullptr);
  REQUIRE(j);
  CHECK(j->items()[0].string() == "\xc3\xa9\xe2\x82\xac");
  CHECK(j->items()[1].string() == "\xf0\x9f\x98\x80");
  CHECK(j->items()[2].string() == "a/b\n");
}

TEST_CASE("bad JSON is an error at its place", "[json]") {
  CHECK(parse_error("{\"a\": 1,,}") == "1:9: expected a key in quotes");
  CHECK(parse_error("{\n  \"a\": 1,\n  \"a\": 2\n}") == "3:3: duplicate key \"a\"");
  CHECK(parse_error("[1, 2") == "1:6: expected ',' or ']' in an array");
  CHECK(parse_error("{} x") == "1:4: unexpected text after the document");
  CHECK(parse_error("") == "1:1: unexpected end of the text, expected a value");
  CHECK(parse_error("[01]") == "1:3: expected ',' or ']' in an array");
  CHECK(parse_error("[1e999]") == "1:7: number out of range: 1e999");
  CHECK(parse_error("[NaN]") == "1:2: unexpected character 'N', expected a value");
  CHECK(parse_error("\"\\ud800\"") == "1:8: a \\u escape of a high surrogate without its low half");
  CHECK(parse_error("\"a\nb\"") == "1:3: control character in a string");
}

TEST_CASE("deep nesting is refused, not a stack overflow", "[json]") {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  CHECK(parse_error(deep) == "1:514: nested deeper than 512 levels");
  const std::string fine = std::string(500, '[') + std::string(500, ']');
  CHECK(parse_json(fine, nullptr));
}
