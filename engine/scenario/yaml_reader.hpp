#pragma once
/// Schema-directed reading of a YamlNode tree into typed structs, in the style of Drake's YAML
/// layer: the C++ structs are the schema, and each struct has one read function built from
/// MapReader calls:
///
///   std::optional<FailureSpec> read_failures(ReadContext& ctx, const YamlNode& node, const std::string& path) {
///     MapReader map(ctx, node, path);
///     if (!map.valid()) return std::nullopt;
///     FailureSpec f;
///     map.required("mtbf", f.mtbf, read_distribution);
///     map.optional("basis", f.basis, Choice<FailureSpec::Basis>{{{"operating", ...}, {"calendar", ...}}});
///     return f;
///   }   // ~MapReader reports every key it was not asked for: "unknown key 'bassis' (did you mean 'basis'?)"
///
/// A read function has the signature
///   std::optional<T> read(ReadContext&, const YamlNode& node, const std::string& path)
/// reports its own errors (located at `node`, under `path`) and returns nullopt after one.
/// Reading goes on after an error, so that one pass reports every error of a file.
///
/// The reader only descends where the schema expects something, and counts the nodes it visits
/// (an alias can make a small tree look huge): past a budget (MAX_VISITS) it reports one error and reads no
/// further.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "kernel/distribution.hpp"
#include "kernel/time.hpp"
#include "scenario/diagnostics.hpp"
#include "scenario/yaml_tree.hpp"

namespace plantwin::scenario {

/// What every read function shares: the document (to turn nodes into Marks), the diagnostics
/// found so far, and the budgets that keep hostile input cheap.
class ReadContext {
 public:
  /// A scenario's budget of visits; a document may set its own (YamlDocument::Limits).
  static constexpr std::size_t MAX_VISITS = YamlDocument::MAX_VISITS;
  /// Diagnostics kept before sorting; further ones are only counted.
  static constexpr std::size_t MAX_KEPT = 10'000;

  explicit ReadContext(YamlDocument& document) : document_(document) {}

  YamlDocument& document() { return document_; }
  Mark mark(const YamlNode& node) const { return document_.mark(node); }

  void error(const YamlNode& at, std::string path, std::string message);
  void error(Mark at, std::string path, std::string message);
  void warning(const YamlNode& at, std::string path, std::string message);
  void warning(Mark at, std::string path, std::string message);
  void add(const std::vector<Diagnostic>& diagnostics);
  std::size_t error_count() const { return errors_; }

  /// Counts one visited node; false (after one error) once more than the document's budget of
  /// visits (MAX_VISITS for a scenario) were visited.
  bool visit(const YamlNode& node);

  /// did_you_mean() within a budget of comparisons over the whole read, so that thousands of
  /// misspelt references to a million ids cannot take minutes; "" once the budget is spent.
  std::string suggest(const std::string& word, const std::vector<std::string>& candidates);

  /// Moves every diagnostic into `out`, sorted by place: the file first, then each override in
  /// order; within one, by line and column (so the first error is the first one in the file).
  void flush(Diagnostics& out);
  /// Whether `a` comes before `b` in that order.
  bool before(const Mark& a, const Mark& b) const;

 private:
  void keep(Diagnostic diagnostic);

  YamlDocument& document_;
  std::vector<Diagnostic> kept_;
  std::size_t errors_ = 0;
  std::size_t dropped_errors_ = 0;
  std::size_t visits_ = 0;
  std::size_t suggest_budget_ = 10'000'000;  // about 100,000 comparisons of 10-letter ids
};

/// Parses the text of `file` (nullopt: reading the file failed, its errors are in `ctx` already)
/// into ctx.document(), with the file as the first source. Returns the root, or nullptr after
/// reporting errors; a document with nothing in it is the error "empty document".
YamlNode* parse_document(ReadContext& ctx, std::optional<std::string_view> text, const std::string& file);

/// "a map", "a list", "null", "nothing" or the scalar in quotes: what a message says was found.
std::string describe(const YamlNode& node);
/// Reports "expected <what>, got <describe(node)>".
void report_expected(ReadContext& ctx, const YamlNode& node, const std::string& path, std::string_view what);
/// `path` + "." + key, or key at the top level.
std::string child_path(const std::string& path, std::string_view key);
/// `path` + "[index]".
std::string item_path(const std::string& path, std::size_t index);

/// Reads one YAML map against a schema. Construction checks that the node is a map and reports
/// duplicate keys ("duplicate key 'servers' (first at line 4)") and keys that are not strings.
/// The destructor (or finish()) reports the keys nobody asked for, with "did you mean" over the
/// keys that were asked for, and the required keys that are missing (located at the map).
class MapReader {
 public:
  /// `expected` names what the node must be in the "expected ..., got ..." error.
  MapReader(ReadContext& ctx, const YamlNode& node, std::string path, std::string_view expected = "a map");
  ~MapReader() { finish(); }
  MapReader(const MapReader&) = delete;
  MapReader& operator=(const MapReader&) = delete;

  /// False when the node is not a map (the error is reported); every other call then does nothing.
  bool valid() const { return valid_; }
  const YamlNode& node() const { return node_; }
  const std::string& path() const { return path_; }
  std::string child_path(std::string_view key) const { return scenario::child_path(path_, key); }

  /// Whether the key is present (does not consume it).
  bool has(std::string_view key) const;
  /// The key's node, to locate an error at the key itself; nullptr when absent.
  const YamlNode* key_node(std::string_view key) const;
  /// The value of `key`, or nullptr when absent; the key becomes known and consumed.
  const YamlNode* get(std::string_view key);

  /// get() for a key that must be present: finish() reports it when it is not.
  const YamlNode* get_required(std::string_view key) {
    const YamlNode* value = get(key);
    if (!value && valid_) missing_.push_back({{std::string(key)}, "missing required key '" + std::string(key) + "'"});
    return value;
  }
  /// For a map that needs one of `keys` (a source's kind) and has none: finish() reports `message`
  /// at the map, unless an unknown key is a misspelling of one of `keys`, whose "unknown key
  /// 'interarival' (did you mean 'interarrival'?)" says it alone. Every key becomes known.
  void require_one_of(const std::vector<std::string>& keys, std::string message);

  /// Reads `key` with `read` into `out` (unchanged on error); a missing key is reported by finish().
  template <class T, class Read>
  bool required(std::string_view key, T& out, Read&& read) {
    const YamlNode* value = get_required(key);
    if (!value) return false;
    return assign(out, read(ctx_, *value, child_path(key)));
  }
  /// Reads `key` when present; `out` keeps its default otherwise. False only when the key is
  /// present and its value has an error. Call it whether or not the key is there: that makes the
  /// key known, for the "did you mean" of a misspelt one.
  template <class T, class Read>
  bool optional(std::string_view key, T& out, Read&& read) {
    const YamlNode* value = get(key);
    if (!value) return true;
    return assign(out, read(ctx_, *value, child_path(key)));
  }

  /// For maps whose keys are data (product -> weight): every entry with a string key, in order,
  /// duplicates left out; all of them become consumed.
  const std::vector<const YamlEntry*>& entries();
  /// Consumes every key: nothing is reported as unknown or missing (after an error that makes
  /// the rest meaningless, such as an unknown distribution kind).
  void ignore_rest();
  /// Reports unknown and missing keys; called by the destructor when not called before.
  void finish();

 private:
  template <class T, class R>
  static bool assign(T& out, R&& result) {
    if (!result) return false;
    out = std::move(*result);
    return true;
  }
  std::optional<std::size_t> index_of(std::string_view key) const;

  ReadContext& ctx_;
  const YamlNode& node_;
  std::string path_;
  bool valid_ = false;
  bool finished_ = false;
  std::vector<const YamlEntry*> unique_;
  std::unordered_map<std::string_view, std::size_t> index_;
  std::vector<bool> consumed_;
  std::vector<std::string> known_;
  /// What finish() reports as missing: the message, unless a key of `keys` was suggested.
  struct Missing {
    std::vector<std::string> keys;
    std::string message;
  };
  std::vector<Missing> missing_;
};

/// Calls `read_item(const YamlNode& item, const std::string& item_path, std::size_t index)` for each
/// item of a list; reports "expected <what>, got ..." and returns false when the node is no list.
template <class ReadItem>
bool for_each_item(ReadContext& ctx, const YamlNode& node, const std::string& path, std::string_view what,
                   ReadItem&& read_item) {
  if (!ctx.visit(node)) return false;
  if (!node.is_sequence()) {
    report_expected(ctx, node, path, what);
    return false;
  }
  for (std::size_t i = 0; i < node.entries.size(); ++i) read_item(*node.entries[i].value, item_path(path, i), i);
  return true;
}

// ---- scalars ----------------------------------------------------------------------------------------

/// The text of a scalar (quoted or not); reports "expected <what>, got ..." for anything else.
const std::string* scalar_text(ReadContext& ctx, const YamlNode& node, const std::string& path, std::string_view what);

/// Any scalar, as text.
std::optional<std::string> read_string(ReadContext& ctx, const YamlNode& node, const std::string& path);
/// An id: [A-Za-z_][A-Za-z0-9_-]*, at most MAX_ID_LENGTH characters (no dots: --set paths use them).
std::optional<std::string> read_id(ReadContext& ctx, const YamlNode& node, const std::string& path);
inline constexpr std::size_t MAX_ID_LENGTH = 64;
bool is_valid_id(std::string_view text);
/// `true` or `false` (also True, TRUE, False, FALSE); not yes/no/on/off.
std::optional<bool> read_bool(ReadContext& ctx, const YamlNode& node, const std::string& path);
/// A duration (see units.hpp), in ticks.
std::optional<kernel::Tick> read_duration(ReadContext& ctx, const YamlNode& node, const std::string& path);
/// A duration, in seconds.
std::optional<double> read_duration_seconds(ReadContext& ctx, const YamlNode& node, const std::string& path);
/// A size, in bytes.
std::optional<double> read_size(ReadContext& ctx, const YamlNode& node, const std::string& path);
/// A rate, in bytes per second.
std::optional<double> read_rate(ReadContext& ctx, const YamlNode& node, const std::string& path);

std::optional<std::int64_t> read_integer(ReadContext& ctx, const YamlNode& node, const std::string& path,
                                         std::int64_t min, std::int64_t max);
/// A finite number in [min, max] (or (min, max] when `above_min`).
std::optional<double> read_number(ReadContext& ctx, const YamlNode& node, const std::string& path, double min,
                                  double max, bool above_min);

/// Reads an integer in [min, max] as T: `map.optional("servers", s.servers, IntegerIn<int>{1, 10'000})`.
template <class T>
struct IntegerIn {
  std::int64_t min, max;
  std::optional<T> operator()(ReadContext& ctx, const YamlNode& node, const std::string& path) const {
    const auto value = read_integer(ctx, node, path, min, max);
    if (!value) return std::nullopt;
    return static_cast<T>(*value);
  }
};

/// Reads a finite number in [min, max], or (min, max] when `above_min`.
struct NumberIn {
  double min, max;
  bool above_min = false;
  std::optional<double> operator()(ReadContext& ctx, const YamlNode& node, const std::string& path) const {
    return read_number(ctx, node, path, min, max, above_min);
  }
};

/// The index of the scalar among `names`; reports "expected a or b, got "c" (did you mean 'a'?)".
std::optional<std::size_t> read_choice(ReadContext& ctx, const YamlNode& node, const std::string& path,
                                       const std::vector<std::string>& names);

/// Reads one of a fixed set of words as an enum value.
template <class E>
struct Choice {
  std::vector<std::pair<std::string, E>> options;
  std::optional<E> operator()(ReadContext& ctx, const YamlNode& node, const std::string& path) const {
    std::vector<std::string> names;
    for (const auto& option : options) names.push_back(option.first);
    const auto index = read_choice(ctx, node, path, names);
    if (!index) return std::nullopt;
    return options[*index].second;
  }
};

// ---- distributions -------------------------------------------------------------------------------

/// A distribution of durations: a bare duration (a constant), or a map with a `dist` key:
///   {dist: constant, value}  {dist: exponential, mean}  {dist: uniform, min, max}
///   {dist: triangular, min, mode, max}  {dist: normal, mean, sd}  {dist: lognormal, mean, cv}
///   {dist: erlang, mean, k}  {dist: weibull, shape, scale}  {dist: empirical, values, weights}
/// Durations in seconds; cv and shape are plain numbers, k an integer, weights numbers. The result
/// has passed Distribution::validate() (its message is reported at the node otherwise).
std::optional<kernel::Distribution> read_distribution(ReadContext& ctx, const YamlNode& node, const std::string& path);

}  // namespace plantwin::scenario
