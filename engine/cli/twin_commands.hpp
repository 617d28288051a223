#pragma once
// The commands of the twin and the plant's data (docs/twin.md): `fit`, `validate-log` and
// `state`, each with its own arguments, behind main()'s dispatch.

#include <atomic>
#include <string>
#include <vector>

namespace plantwin::cli {

/// The usage lines of the three commands, for `plantwin --help`.
extern const char* TWIN_USAGE;

/// Runs `args[0]` (fit, validate-log or state) with the rest of `args`; returns the exit code.
int command_twin(const std::vector<std::string>& args, const std::atomic<bool>* interrupt);

}  // namespace plantwin::cli
