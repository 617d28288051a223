#pragma once
/// A YAML document as a small tree that keeps what yaml-cpp's YAML::Node hides or loses: every map
/// entry in order (a duplicate key stays visible), the place of every node, whether a scalar was
/// quoted, and aliases as shared nodes, never copies (an alias bomb costs no memory). The tree is
/// built from yaml-cpp's parser events; this is the only place in plantwin that calls yaml-cpp.
///
/// Parsing guards against hostile input before and while yaml-cpp runs, each with a located
/// error: texts above MAX_BYTES, invalid UTF-8 and control characters, nesting deeper than
/// MAX_DEPTH, flow collections ([...] or {...}) longer than MAX_FLOW_BYTES (yaml-cpp holds every
/// token of one in memory, about 130 bytes per input byte), more than MAX_NODES nodes, more than
/// one document, unterminated quoted strings (which yaml-cpp accepts silently), and every
/// yaml-cpp exception.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/diagnostics.hpp"

namespace plantwin::scenario {

struct YamlNode;

/// One item of a sequence (key == nullptr) or one key-value pair of a map.
struct YamlEntry {
  YamlNode* key = nullptr;
  YamlNode* value = nullptr;
  /// The value is reached through an alias (or belongs to a copy of a shared node): it must be
  /// copied before an override changes it, or the change would show at every alias.
  bool shared = false;
};

struct YamlNode {
  enum class Kind : std::uint8_t { NUL, SCALAR, SEQUENCE, MAP };
  Kind kind = Kind::NUL;
  /// SCALAR: written without quotes or tag.
  bool plain = true;
  /// NUL: nothing was written (`servers:`), as opposed to `~` or `null`.
  bool empty = false;
  std::uint32_t source = 0;  ///< index of the text it came from, in its YamlDocument
  std::int32_t line = 0;     ///< 1-based; 0 = the source as a whole
  std::int32_t column = 0;   ///< 1-based, in characters
  std::string text;          ///< SCALAR: the value, after YAML unescaping and folding
  std::vector<YamlEntry> entries;

  bool is_map() const { return kind == Kind::MAP; }
  bool is_sequence() const { return kind == Kind::SEQUENCE; }
  bool is_scalar() const { return kind == Kind::SCALAR; }
  bool is_null() const { return kind == Kind::NUL; }
  /// MAP: the first entry whose key is the scalar `key`; nullptr if there is none.
  const YamlEntry* find(std::string_view key) const;
  YamlEntry* find(std::string_view key);
};

/// Where the nodes of a parsed text are placed in diagnostics.
struct Placement {
  std::string file;
  /// Line and column of the text's first character; later lines start at column 1.
  int line = 1;
  int column = 1;
  /// Every node at (line, column): used for text that was not written by the user as such (the
  /// value of an expectation file's `set:` entry, re-emitted as flow YAML).
  bool fixed = false;
};

/// Owns the nodes of one file and of the texts parsed into it (command-line overrides).
class YamlDocument {
 public:
  static constexpr std::size_t MAX_BYTES = 16 * 1024 * 1024;
  static constexpr int MAX_DEPTH = 64;
  static constexpr std::size_t MAX_NODES = 1'000'000;
  static constexpr std::size_t MAX_FLOW_BYTES = 1024 * 1024;
  /// Values a reader visits (ReadContext::visit), aliases expanded.
  static constexpr std::size_t MAX_VISITS = 2'000'000;

  /// What one document may hold: a scenario's limits by default; a state file (twin/state.cpp),
  /// which plantwin writes from a plant's log and which grows with its work in progress and its
  /// orders, takes larger ones.
  struct Limits {
    std::size_t bytes = MAX_BYTES;  ///< a whole number of MiB
    std::size_t nodes = MAX_NODES;
    std::size_t visits = MAX_VISITS;
  };

  YamlDocument() = default;
  explicit YamlDocument(Limits limits) : limits_(limits) {}
  YamlDocument(const YamlDocument&) = delete;
  YamlDocument& operator=(const YamlDocument&) = delete;

  /// Parses one YAML document. Returns its root, or nullptr after adding errors (path empty) to
  /// `errors`. A text without a document (empty, only comments) gives a NUL root marked `empty`,
  /// placed at the placement's start. Never throws for bad input; std::bad_alloc passes through.
  YamlNode* parse(std::string_view text, const Placement& placement, std::vector<Diagnostic>& errors);

  /// A new node of `kind`, placed like `place` (or at (source, line, column)).
  YamlNode* make(YamlNode::Kind kind, const YamlNode& place);
  YamlNode* make(YamlNode::Kind kind, std::uint32_t source, int line, int column);
  /// A shallow copy of `node` whose entries are all marked shared (copy-on-write, one level).
  YamlNode* copy(const YamlNode& node);
  /// Index of `placement.file` among the sources (added when new).
  std::uint32_t source_index(const std::string& file);

  Mark mark(const YamlNode& node) const;
  const std::string& file(std::uint32_t source) const { return files_[source]; }
  std::size_t source_count() const { return files_.size(); }
  const Limits& limits() const { return limits_; }

 private:
  Limits limits_;
  std::deque<YamlNode> nodes_;
  std::vector<std::string> files_;
};

/// Reads a whole file for parse(). Refuses one larger than `max_bytes` (a whole number of MiB)
/// without reading it all, and anything that is not a readable file; nullopt after adding an
/// error to `errors`.
std::optional<std::string> read_text_file(const std::string& path, std::vector<Diagnostic>& errors,
                                          std::size_t max_bytes = YamlDocument::MAX_BYTES);

/// The node as flow YAML, with aliases expanded ("{dist: exponential, mean: 30s}"); nullopt when
/// the text would be longer than `max_bytes` (an alias bomb) or nest deeper than MAX_DEPTH.
std::optional<std::string> to_flow_yaml(const YamlNode& node, std::size_t max_bytes);

}  // namespace plantwin::scenario
