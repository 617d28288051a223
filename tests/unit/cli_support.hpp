#pragma once
// Runs the plantwin executable as a user would and captures its exit code, stdout and stderr.

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include "test_dir.hpp"

namespace plantwin::testing {

struct CliResult {
  int exit_code = -1;
  std::string out, err;
  std::string first_err_line() const { return err.substr(0, err.find('\n')); }
};

inline std::string read_text(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

/// Runs `plantwin ARGS` from the source directory (so relative scenario paths work). ARGS is
/// passed to /bin/sh: quote what needs it.
inline CliResult run_cli(const std::string& args) {
  static int counter = 0;
  const std::string base = test_path("cli_" + std::to_string(counter++));
  const std::string cmd = std::string("cd '") + PLANTWIN_SOURCE_DIR + "' && '" + PLANTWIN_CLI + "' " + args + " >'" +
                          base + ".out' 2>'" + base + ".err'";
  const int status = std::system(cmd.c_str());
  CliResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_text(base + ".out");
  r.err = read_text(base + ".err");
  std::remove((base + ".out").c_str());
  std::remove((base + ".err").c_str());
  return r;
}

}  // namespace plantwin::testing
