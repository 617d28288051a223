#pragma once
/// `plantwin view LOG --scenario SCENARIO --out DIR [--result RESULT.json] [--set PATH=VALUE]...`:
/// the animated replay of an event log (docs/view.md). The page is written by the Python package
/// (python/plantwin/view.py), so this command runs `python3 -m plantwin view` with the same
/// arguments and returns its exit code.

#include <string>
#include <vector>

namespace plantwin::cli {

/// Replaces this process with `PYTHON -m plantwin view ARGS...` (PYTHON: $PLANTWIN_PYTHON, else
/// /usr/bin/python3), with this checkout's python/ first on PYTHONPATH. `args` are the command
/// line after `plantwin`, starting with "view". Returns only when the interpreter cannot be
/// started: exit code 3, with the reason on stderr.
int command_view(const std::vector<std::string>& args);

}  // namespace plantwin::cli
