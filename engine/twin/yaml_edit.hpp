#pragma once
/// Edits a YAML text in place, at the places its parser recorded (scenario/yaml_tree.hpp): a
/// value replaced by another, a key added to a map. Everything else, comments included, stays as
/// it was, byte for byte. What `plantwin fit` writes its fitted values with.
///
/// A replaced value may be a scalar (`5min`), a flow collection (`{dist: lognormal, mean: 22s,
/// cv: 0.1}`) or a block collection (a map on the lines below its key): the new value is written
/// in flow style on the key's line, and a block value's lines (and the comments among them) go.
/// A key is added at the end of a block map, on a line of its own at the map's indentation, or
/// before the closing brace of a flow map.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/yaml_tree.hpp"

namespace plantwin::twin {

class YamlEdit {
 public:
  /// Parses `text` (named `file` in errors); root() is null when it does not parse.
  YamlEdit(std::string text, const std::string& file);

  const scenario::YamlNode* root() const { return root_; }
  const std::vector<scenario::Diagnostic>& errors() const { return errors_; }

  /// Replaces the value of `entry` (an entry of map `parent`) with `flow` (YAML in flow style).
  /// False, changing nothing, when it cannot: the value is an alias, or its text is not where
  /// the parser placed it.
  bool replace(const scenario::YamlNode& parent, const scenario::YamlEntry& entry, const std::string& flow);
  /// Adds `key: flow` to the map `map`.
  bool add(const scenario::YamlNode& map, const std::string& key, const std::string& flow);

  /// The text with every edit made.
  std::string result() const;

 private:
  struct Edit {
    std::size_t begin, end;  // bytes of the original text
    std::string text;
  };
  /// The byte offset of a node's mark.
  std::optional<std::size_t> offset(const scenario::YamlNode& node) const;
  /// The end (one past) of the flow collection or quoted scalar starting at `begin`.
  std::optional<std::size_t> flow_end(std::size_t begin) const;
  /// The end of a plain scalar starting at `begin`; `in_flow`: inside a flow collection.
  std::size_t plain_end(std::size_t begin, bool in_flow) const;
  /// The end of the last line (before its line break) of the block that starts at line `first`
  /// (1-based) and holds the lines indented by at least `column` - 1 characters.
  std::size_t block_end(int first, int column) const;
  std::size_t line_start(int line) const { return starts_[static_cast<std::size_t>(line - 1)]; }
  std::size_t line_end(int line) const;
  bool is_flow_collection(const scenario::YamlNode& node) const;

  std::string text_;
  std::size_t bom_ = 0;
  std::vector<std::size_t> starts_;
  scenario::YamlDocument document_;
  scenario::YamlNode* root_ = nullptr;
  std::vector<scenario::Diagnostic> errors_;
  std::vector<Edit> edits_;
};

}  // namespace plantwin::twin
