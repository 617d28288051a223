#pragma once
/// `plantwin serve-runs PARENT_PID`: the run server (run/run_server.hpp), an internal command that
/// Python's package starts; not for users. It reads requests on its standard input (a socket),
/// runs each and writes the answer back, until the input ends.

#include <string>
#include <vector>

namespace plantwin::cli {

int command_serve_runs(const std::vector<std::string>& args);

}  // namespace plantwin::cli
