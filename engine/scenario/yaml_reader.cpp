#include "scenario/yaml_reader.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "scenario/text.hpp"
#include "scenario/units.hpp"

namespace plantwin::scenario {

using kernel::Distribution;

// ---- ReadContext ------------------------------------------------------------------------------------

void ReadContext::keep(Diagnostic diagnostic) {
  const bool is_error = diagnostic.severity == Diagnostic::Severity::ERROR;
  if (is_error) ++errors_;
  if (kept_.size() >= MAX_KEPT) {
    if (is_error) ++dropped_errors_;
    return;
  }
  kept_.push_back(std::move(diagnostic));
}

void ReadContext::error(const YamlNode& at, std::string path, std::string message) {
  error(mark(at), std::move(path), std::move(message));
}

void ReadContext::error(Mark at, std::string path, std::string message) {
  keep({Diagnostic::Severity::ERROR, std::move(at), std::move(path), std::move(message)});
}

void ReadContext::warning(const YamlNode& at, std::string path, std::string message) {
  warning(mark(at), std::move(path), std::move(message));
}

void ReadContext::warning(Mark at, std::string path, std::string message) {
  keep({Diagnostic::Severity::WARNING, std::move(at), std::move(path), std::move(message)});
}

void ReadContext::add(const std::vector<Diagnostic>& diagnostics) {
  for (const Diagnostic& d : diagnostics) keep(d);
}

bool ReadContext::visit(const YamlNode& node) {
  const std::size_t budget = document_.limits().visits;
  if (++visits_ <= budget) return true;
  if (visits_ == budget + 1)
    error(node, "",
          "the document expands to more than " + std::to_string(budget) + " values (are aliases repeating large parts?)");
  return false;
}

std::string ReadContext::suggest(const std::string& word, const std::vector<std::string>& candidates) {
  // Looking at a candidate costs one step, comparing it about |word| × |candidate|; both are
  // charged, and a call that the rest of the budget cannot pay for returns at once.
  if (candidates.size() > suggest_budget_) {
    suggest_budget_ = 0;
    return {};
  }
  suggest_budget_ -= candidates.size();
  // did_you_mean() accepts at most 3 edits, so a candidate whose length differs by more cannot be
  // the answer.
  std::vector<const std::string*> near;
  std::size_t cost = 0;
  for (const std::string& c : candidates) {
    const std::size_t difference = c.size() > word.size() ? c.size() - word.size() : word.size() - c.size();
    if (difference > 3) continue;
    cost += (word.size() + 1) * (c.size() + 1);
    if (cost > suggest_budget_) {
      suggest_budget_ = 0;
      return {};
    }
    near.push_back(&c);
  }
  suggest_budget_ -= cost;
  std::vector<std::string> compared;
  compared.reserve(near.size());
  for (const std::string* c : near) compared.push_back(*c);
  return did_you_mean(word, compared);
}

bool ReadContext::before(const Mark& a, const Mark& b) const {
  const auto rank = [this](const Mark& m) {
    for (std::uint32_t i = 0; i < document_.source_count(); ++i)
      if (document_.file(i) == m.file) return i;
    return static_cast<std::uint32_t>(document_.source_count());
  };
  const auto ra = rank(a), rb = rank(b);
  if (ra != rb) return ra < rb;
  if (a.line != b.line) return a.line < b.line;
  return a.column < b.column;
}

void ReadContext::flush(Diagnostics& out) {
  std::stable_sort(kept_.begin(), kept_.end(), [&](const Diagnostic& a, const Diagnostic& b) { return before(a.mark, b.mark); });
  // Past MAX_ERRORS, Diagnostics keeps one summary line and finds it again from the back for
  // every further error: warnings are held back until the errors are in, so that it stays the
  // last line and counting a million dropped errors stays linear.
  std::vector<Diagnostic> later_warnings;
  std::size_t errors_sent = 0;
  for (Diagnostic& d : kept_) {
    if (d.severity == Diagnostic::Severity::ERROR) {
      out.error(d.mark, std::move(d.path), std::move(d.message));
      ++errors_sent;
    } else if (errors_sent >= Diagnostics::MAX_ERRORS) {
      later_warnings.push_back(std::move(d));
    } else {
      out.warning(d.mark, std::move(d.path), std::move(d.message));
    }
  }
  // Diagnostics counts what it does not show; let it count these too.
  for (std::size_t i = 0; i < dropped_errors_; ++i) out.error(Mark{}, "", "error not kept");
  for (Diagnostic& d : later_warnings) out.warning(d.mark, std::move(d.path), std::move(d.message));
  kept_.clear();
  dropped_errors_ = 0;
}

// ---- helpers ----------------------------------------------------------------------------------------

YamlNode* parse_document(ReadContext& ctx, std::optional<std::string_view> text, const std::string& file) {
  // The file is source 0 even when it cannot be read: diagnostics sort by source.
  ctx.document().source_index(file);
  if (!text) return nullptr;
  std::vector<Diagnostic> errors;
  YamlNode* root = ctx.document().parse(*text, Placement{file, 1, 1, false}, errors);
  ctx.add(errors);
  if (root && root->is_null()) {
    ctx.error(Mark{file, 0, 0}, "", "empty document");
    return nullptr;
  }
  return root;
}

std::string describe(const YamlNode& node) {
  switch (node.kind) {
    case YamlNode::Kind::NUL: return node.empty ? "nothing" : "null";
    case YamlNode::Kind::SCALAR: return quoted(node.text);
    case YamlNode::Kind::SEQUENCE: return "a list";
    case YamlNode::Kind::MAP: return "a map";
  }
  return "?";
}

void report_expected(ReadContext& ctx, const YamlNode& node, const std::string& path, std::string_view what) {
  ctx.error(node, path, "expected " + std::string(what) + ", got " + describe(node));
}

std::string child_path(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string item_path(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

// ---- MapReader --------------------------------------------------------------------------------------

MapReader::MapReader(ReadContext& ctx, const YamlNode& node, std::string path, std::string_view expected)
    : ctx_(ctx), node_(node), path_(std::move(path)) {
  if (!ctx_.visit(node_)) {
    finished_ = true;
    return;
  }
  if (!node_.is_map()) {
    report_expected(ctx_, node_, path_, expected);
    finished_ = true;
    return;
  }
  valid_ = true;
  unique_.reserve(node_.entries.size());
  for (const YamlEntry& e : node_.entries) {
    const YamlNode& key = *e.key;
    if (!key.is_scalar()) {
      ctx_.error(key, path_, "expected a key (a string), got " + describe(key));
      continue;
    }
    const auto [it, inserted] = index_.emplace(std::string_view(key.text), unique_.size());
    if (!inserted) {
      const YamlNode& first = *unique_[it->second]->key;
      std::string where = "line " + std::to_string(first.line);
      if (first.source != key.source) where = ctx_.mark(first).file + ":" + std::to_string(first.line);
      ctx_.error(key, path_, "duplicate key " + quoted(key.text, '\'') + " (first at " + where + ")");
      continue;
    }
    unique_.push_back(&e);
  }
  consumed_.assign(unique_.size(), false);
}

std::optional<std::size_t> MapReader::index_of(std::string_view key) const {
  const auto it = index_.find(key);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

bool MapReader::has(std::string_view key) const { return valid_ && index_of(key).has_value(); }

const YamlNode* MapReader::key_node(std::string_view key) const {
  const auto i = index_of(key);
  return i ? unique_[*i]->key : nullptr;
}

const YamlNode* MapReader::get(std::string_view key) {
  if (!valid_) return nullptr;
  if (std::find(known_.begin(), known_.end(), key) == known_.end()) known_.emplace_back(key);
  const auto i = index_of(key);
  if (!i) return nullptr;
  consumed_[*i] = true;
  return unique_[*i]->value;
}

void MapReader::require_one_of(const std::vector<std::string>& keys, std::string message) {
  if (!valid_) return;
  bool any = false;
  for (const std::string& key : keys) any = get(key) != nullptr || any;
  if (!any) missing_.push_back({keys, std::move(message)});
}

const std::vector<const YamlEntry*>& MapReader::entries() {
  consumed_.assign(unique_.size(), true);
  return unique_;
}

void MapReader::ignore_rest() {
  consumed_.assign(unique_.size(), true);
  missing_.clear();
}

void MapReader::finish() {
  if (finished_) return;
  finished_ = true;
  std::vector<std::string> suggested;
  for (std::size_t i = 0; i < unique_.size(); ++i) {
    if (consumed_[i]) continue;
    const YamlNode& key = *unique_[i]->key;
    const std::string suggestion = ctx_.suggest(key.text, known_);
    // " (did you mean 'x'?)": remember x, whose absence this error already explains.
    constexpr std::string_view PREFIX = " (did you mean '", SUFFIX = "'?)";
    if (suggestion.size() > PREFIX.size() + SUFFIX.size())
      suggested.push_back(suggestion.substr(PREFIX.size(), suggestion.size() - PREFIX.size() - SUFFIX.size()));
    ctx_.error(key, path_, "unknown key " + quoted(key.text, '\'') + suggestion);
  }
  for (Missing& missing : missing_)
    if (std::none_of(missing.keys.begin(), missing.keys.end(), [&](const std::string& key) {
          return std::find(suggested.begin(), suggested.end(), key) != suggested.end();
        }))
      ctx_.error(node_, path_, std::move(missing.message));
}

// ---- scalars ----------------------------------------------------------------------------------------

const std::string* scalar_text(ReadContext& ctx, const YamlNode& node, const std::string& path, std::string_view what) {
  if (!ctx.visit(node)) return nullptr;
  if (!node.is_scalar()) {
    report_expected(ctx, node, path, what);
    return nullptr;
  }
  return &node.text;
}

std::optional<std::string> read_string(ReadContext& ctx, const YamlNode& node, const std::string& path) {
  const std::string* text = scalar_text(ctx, node, path, "a string");
  if (!text) return std::nullopt;
  return *text;
}

bool is_valid_id(std::string_view text) {
  if (text.empty() || text.size() > MAX_ID_LENGTH) return false;
  const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!letter(text[0])) return false;
  return std::all_of(text.begin(), text.end(),
                     [&](char c) { return letter(c) || (c >= '0' && c <= '9') || c == '-'; });
}

std::optional<std::string> read_id(ReadContext& ctx, const YamlNode& node, const std::string& path) {
  const std::string* text = scalar_text(ctx, node, path, "an id");
  if (!text) return std::nullopt;
  if (text->size() > MAX_ID_LENGTH && utf8_length(*text) > MAX_ID_LENGTH) {
    ctx.error(node, path,
              "an id has at most " + std::to_string(MAX_ID_LENGTH) + " characters, got " +
                  std::to_string(utf8_length(*text)));
    return std::nullopt;
  }
  if (!is_valid_id(*text)) {
    ctx.error(node, path,
              "expected an id (a letter or '_', then letters, digits, '_' or '-'), got " + quoted(*text));
    return std::nullopt;
  }
  return *text;
}

std::optional<bool> read_bool(ReadContext& ctx, const YamlNode& node, const std::string& path) {
  const std::string* text = scalar_text(ctx, node, path, "true or false");
  if (!text) return std::nullopt;
  if (*text == "true" || *text == "True" || *text == "TRUE") return true;
  if (*text == "false" || *text == "False" || *text == "FALSE") return false;
  report_expected(ctx, node, path, "true or false");
  return std::nullopt;
}

namespace {

/// Reads a scalar with one of the units.hpp parsers, reporting its message.
template <class T>
std::optional<T> read_with(ReadContext& ctx, const YamlNode& node, const std::string& path, std::string_view what,
                           std::optional<T> (*parse)(std::string_view, std::string*)) {
  const std::string* text = scalar_text(ctx, node, path, what);
  if (!text) return std::nullopt;
  std::string error;
  auto value = parse(*text, &error);
  if (!value) ctx.error(node, path, std::move(error));
  return value;
}

std::string format_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

std::optional<kernel::Tick> read_duration(ReadContext& ctx, const YamlNode& node, const std::string& path) {
  return read_with<kernel::Tick>(ctx, node, path, "a duration", parse_duration_ticks);
}

std::optional<double> read_duration_seconds(ReadContext& ctx, const YamlNode& node, const std::string& path) {
  return read_with<double>(ctx, node, path, "a duration", parse_duration_seconds);
}

std::optional<double> read_size(ReadContext& ctx, const YamlNode& node, const std::string& path) {
  return read_with<double>(ctx, node, path, "a size", parse_size_bytes);
}

std::optional<double> read_rate(ReadContext& ctx, const YamlNode& node, const std::string& path) {
  return read_with<double>(ctx, node, path, "a rate", parse_rate_bytes_per_second);
}

std::optional<std::int64_t> read_integer(ReadContext& ctx, const YamlNode& node, const std::string& path,
                                         std::int64_t min, std::int64_t max) {
  const std::string* text = scalar_text(ctx, node, path, "an integer");
  if (!text) return std::nullopt;
  std::string error;
  const auto value = parse_integer(*text, min, max, &error);
  if (!value) ctx.error(node, path, std::move(error));
  return value;
}

std::optional<double> read_number(ReadContext& ctx, const YamlNode& node, const std::string& path, double min,
                                  double max, bool above_min) {
  const std::string* text = scalar_text(ctx, node, path, "a number");
  if (!text) return std::nullopt;
  std::string error;
  const auto value = parse_number(*text, &error);
  if (!value) {
    ctx.error(node, path, std::move(error));
    return std::nullopt;
  }
  // A written "-0" is below a lower bound of 0 as far as the user is concerned.
  const bool below = above_min ? !(*value > min) : (*value < min || (min == 0 && std::signbit(*value)));
  if (below || *value > max) {
    std::string range;
    if (max == std::numeric_limits<double>::max())
      range = (above_min ? "> " : ">= ") + format_number(min);
    else if (above_min)
      range = "> " + format_number(min) + " and <= " + format_number(max);
    else
      range = "from " + format_number(min) + " to " + format_number(max);
    ctx.error(node, path, "expected a number " + range + ", got " + quoted(*text));
    return std::nullopt;
  }
  return value;
}

std::optional<std::size_t> read_choice(ReadContext& ctx, const YamlNode& node, const std::string& path,
                                       const std::vector<std::string>& names) {
  std::string alternatives;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) alternatives += i + 1 == names.size() ? " or " : ", ";
    alternatives += names[i];
  }
  const std::string* text = scalar_text(ctx, node, path, alternatives);
  if (!text) return std::nullopt;
  for (std::size_t i = 0; i < names.size(); ++i)
    if (*text == names[i]) return i;
  ctx.error(node, path, "expected " + alternatives + ", got " + quoted(*text) + ctx.suggest(*text, names));
  return std::nullopt;
}

// ---- distributions ----------------------------------------------------------------------------------

namespace {

const std::vector<std::pair<std::string, Distribution::Kind>>& distribution_kinds() {
  static const std::vector<std::pair<std::string, Distribution::Kind>> kinds = [] {
    std::vector<std::pair<std::string, Distribution::Kind>> all;
    for (const auto kind : {Distribution::Kind::CONSTANT, Distribution::Kind::EXPONENTIAL,
                            Distribution::Kind::UNIFORM, Distribution::Kind::TRIANGULAR, Distribution::Kind::NORMAL,
                            Distribution::Kind::LOGNORMAL, Distribution::Kind::ERLANG, Distribution::Kind::WEIBULL,
                            Distribution::Kind::EMPIRICAL})
      all.emplace_back(Distribution::kind_name(kind), kind);
    return all;
  }();
  return kinds;
}

std::optional<std::vector<double>> read_duration_list(ReadContext& ctx, const YamlNode& node, const std::string& path) {
  std::vector<double> values;
  bool ok = true;
  const bool is_list = for_each_item(ctx, node, path, "a list of durations",
                                     [&](const YamlNode& item, const std::string& p, std::size_t) {
                                       const auto v = read_duration_seconds(ctx, item, p);
                                       if (v) values.push_back(*v);
                                       ok = ok && v.has_value();
                                     });
  if (!is_list || !ok) return std::nullopt;
  return values;
}

std::optional<std::vector<double>> read_weight_list(ReadContext& ctx, const YamlNode& node, const std::string& path) {
  std::vector<double> weights;
  bool ok = true;
  const bool is_list = for_each_item(ctx, node, path, "a list of numbers",
                                     [&](const YamlNode& item, const std::string& p, std::size_t) {
                                       const auto w = read_number(ctx, item, p, 0, std::numeric_limits<double>::max(), false);
                                       if (w) weights.push_back(*w);
                                       ok = ok && w.has_value();
                                     });
  if (!is_list || !ok) return std::nullopt;
  return weights;
}

constexpr NumberIn ANY_NUMBER{-std::numeric_limits<double>::max(), std::numeric_limits<double>::max()};

}  // namespace

std::optional<Distribution> read_distribution(ReadContext& ctx, const YamlNode& node, const std::string& path) {
  if (node.is_scalar()) {
    const auto value = read_duration_seconds(ctx, node, path);
    if (!value) return std::nullopt;
    return Distribution::constant(*value);
  }
  MapReader map(ctx, node, path, "a duration or a distribution ({dist: ...})");
  if (!map.valid()) return std::nullopt;
  const YamlNode* kind_node = map.get("dist");
  if (!kind_node) {
    // Without a kind the other keys cannot be judged; a misspelt `dist` is the likely cause.
    bool misspelt = false;
    for (const YamlEntry* e : map.entries()) {
      const std::string suggestion = ctx.suggest(e->key->text, {"dist"});
      if (suggestion.empty()) continue;
      ctx.error(*e->key, path, "unknown key " + quoted(e->key->text, '\'') + suggestion);
      misspelt = true;
    }
    if (!misspelt) ctx.error(node, path, "missing required key 'dist'");
    return std::nullopt;
  }
  const std::string* kind_text = scalar_text(ctx, *kind_node, map.child_path("dist"), "a distribution name");
  if (!kind_text) {
    map.ignore_rest();
    return std::nullopt;
  }
  const auto& kinds = distribution_kinds();
  const auto found = std::find_if(kinds.begin(), kinds.end(), [&](const auto& k) { return k.first == *kind_text; });
  if (found == kinds.end()) {
    std::vector<std::string> names;
    for (const auto& k : kinds) names.push_back(k.first);
    std::string hint = ctx.suggest(*kind_text, names);
    if (hint.empty()) {
      hint = "; expected one of";
      for (std::size_t i = 0; i < names.size(); ++i) hint += (i == 0 ? " " : ", ") + names[i];
    }
    ctx.error(*kind_node, map.child_path("dist"), "unknown distribution " + quoted(*kind_text, '\'') + hint);
    map.ignore_rest();
    return std::nullopt;
  }

  double a = 0, b = 0, c = 0;
  int k = 0;
  std::vector<double> values, weights;
  bool ok = true;
  const auto duration = [&](const char* key, double& out) { ok = map.required(key, out, read_duration_seconds) && ok; };
  const auto number = [&](const char* key, double& out) { ok = map.required(key, out, ANY_NUMBER) && ok; };
  Distribution d;
  switch (found->second) {
    case Distribution::Kind::CONSTANT:
      duration("value", a);
      d = Distribution::constant(a);
      break;
    case Distribution::Kind::EXPONENTIAL:
      duration("mean", a);
      d = Distribution::exponential(a);
      break;
    case Distribution::Kind::UNIFORM:
      duration("min", a);
      duration("max", b);
      d = Distribution::uniform(a, b);
      break;
    case Distribution::Kind::TRIANGULAR:
      duration("min", a);
      duration("mode", b);
      duration("max", c);
      d = Distribution::triangular(a, b, c);
      break;
    case Distribution::Kind::NORMAL:
      duration("mean", a);
      duration("sd", b);
      d = Distribution::normal(a, b);
      break;
    case Distribution::Kind::LOGNORMAL:
      duration("mean", a);
      number("cv", b);
      d = Distribution::lognormal(a, b);
      break;
    case Distribution::Kind::ERLANG:
      duration("mean", a);
      ok = map.required("k", k, IntegerIn<int>{1, 1000}) && ok;
      d = Distribution::erlang(a, k);
      break;
    case Distribution::Kind::WEIBULL:
      number("shape", a);
      duration("scale", b);
      d = Distribution::weibull(a, b);
      break;
    case Distribution::Kind::EMPIRICAL:
      ok = map.required("values", values, read_duration_list) && ok;
      ok = map.optional("weights", weights, read_weight_list) && ok;
      d = Distribution::empirical(std::move(values), std::move(weights));
      break;
  }
  map.finish();
  if (!ok) return std::nullopt;
  if (const std::string problem = d.validate(); !problem.empty()) {
    ctx.error(node, path, problem);
    return std::nullopt;
  }
  return d;
}

}  // namespace plantwin::scenario
