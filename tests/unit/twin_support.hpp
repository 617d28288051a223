#pragma once
// Helpers of the twin's tests (docs/twin.md): scenarios from text, temporary files, logs written
// by plantwin itself.

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>

#include "run/session.hpp"
#include "test_dir.hpp"
#include "scenario/loader.hpp"

namespace plantwin::testing {

/// A file in the test directory (test_dir.hpp), removed when the object goes.
class TempFile {
 public:
  /// A name only: the test writes the file (or not).
  explicit TempFile(const std::string& name) : path_(test_path("twin_" + name)) {}
  /// A file holding `text` (which may be empty).
  TempFile(const std::string& name, const std::string& text) : TempFile(name) {
    std::ofstream(path_, std::ios::binary) << text;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline scenario::ScenarioSpec spec_of(const std::string& text, const std::string& file = "twin.yaml",
                                      const std::vector<scenario::Override>& overrides = {}) {
  auto loaded = scenario::load_scenario_text(text, file, overrides);
  if (!loaded.spec) throw std::runtime_error("scenario does not load: " + loaded.diagnostics.format_all());
  return *loaded.spec;
}

/// Runs `spec` and writes replication 0's event log to `log`; returns the result document.
inline run::Json write_log(const scenario::ScenarioSpec& spec, const std::string& log) {
  run::SessionOptions options;
  options.jobs = 2;
  options.events_path = log;
  const run::SessionResult r = run::run_session(spec, options);
  if (!r.ok) throw std::runtime_error("run failed: " + r.error);
  return r.document;
}

}  // namespace plantwin::testing
