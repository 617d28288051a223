#pragma once
// Shared by the test_loader*.cpp files: a minimal valid scenario and short ways to load text.

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/loader.hpp"

namespace plantwin::scenario::testing {

/// A route's stations (the first of each entry), and the carrier of each entry ("" for none).
inline std::vector<std::string> stations_of(const ProductSpec& p) {
  std::vector<std::string> out;
  for (const RouteEntrySpec& e : p.route) out.push_back(e.station());
  return out;
}
inline std::vector<std::string> vias_of(const ProductSpec& p) {
  std::vector<std::string> out;
  for (const RouteEntrySpec& e : p.route) out.push_back(e.via);
  return out;
}

/// The smallest valid scenario. Line numbers matter to the tests that edit it:
///   1 plantwin   4 products      7 sources      11 stations
///   2 name       5   - id: board 8   - id: src  12   - id: printer
///   3 horizon    6     route     9     product  13     process
///                               10     interarrival
inline const std::string MINIMAL = R"(plantwin: 1
name: line
horizon: 8h
products:
  - id: board
    route: [printer]
sources:
  - id: src
    product: board
    interarrival: 40s
stations:
  - id: printer
    process: 30s
)";

/// MINIMAL with `from` replaced by `to` (once; `from` must occur).
inline std::string edit(std::string text, std::string_view from, std::string_view to) {
  const auto at = text.find(from);
  if (at == std::string::npos) return "<edit: text not found: " + std::string(from) + ">";
  return text.replace(at, from.size(), to);
}

inline LoadResult load(std::string_view text, const std::vector<Override>& overrides = {}) {
  return load_scenario_text(text, "x.yaml", overrides);
}

inline std::string first_error(std::string_view text, const std::vector<Override>& overrides = {}) {
  return load(text, overrides).diagnostics.first_error();
}

/// "Within a second" in the hostile-input tests: they guard against work that grows exponentially
/// or quadratically with the input (minutes), so the bound is loose. It is 4 s: CI's two cores may
/// be shared with other builds (a 0.62 s load took 2.36 s in a fresh-Debian CI run beside two
/// builds), and a sanitized build runs the loader 3 to 4 times slower again (0.14 s -> 0.34 s for
/// 5,000 nested block maps), so it gets 12 s.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr double A_SECOND = 12.0;
#else
inline constexpr double A_SECOND = 4.0;
#endif

/// Seconds of wall time taken by f().
template <class F>
double seconds_taken(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// The least of three runs' seconds: complexity checks compare two sizes, and one run slowed by
/// another process (a build, CI's other test) must not read as quadratic growth.
template <class F>
double least_seconds_taken(F&& f) {
  const double a = seconds_taken(f), b = seconds_taken(f), c = seconds_taken(f);
  return a < b ? (a < c ? a : c) : (b < c ? b : c);
}

}  // namespace plantwin::scenario::testing
