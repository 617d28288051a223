#pragma once
/// `--set PATH=VALUE` applied to a YAML tree before typed reading, so that an overridden value
/// goes through exactly the same checks as one written in the file. See Override in loader.hpp.

#include <vector>

#include "scenario/loader.hpp"
#include "scenario/yaml_reader.hpp"
#include "scenario/yaml_tree.hpp"

namespace plantwin::scenario {

/// Applies `overrides` in order to `root` (a map). PATH is split on '.'; maps are walked by key
/// (a missing key is created), lists by the `id` of their items or by a 0-based index. VALUE is
/// parsed as YAML into nodes placed at "--set[N]" line 1, at their column in "PATH=VALUE" (or at
/// the override's origin), so that errors found later point into the override. Errors in the
/// path or the value are added to `ctx`; that override is then skipped.
void apply_overrides(ReadContext& ctx, YamlNode& root, const std::vector<Override>& overrides);

}  // namespace plantwin::scenario
