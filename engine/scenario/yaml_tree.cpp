#include "scenario/yaml_tree.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <istream>
#include <new>
#include <streambuf>
#include <utility>

#include "scenario/text.hpp"

namespace plantwin::scenario {

const YamlEntry* YamlNode::find(std::string_view key) const {
  if (kind != Kind::MAP) return nullptr;
  for (const YamlEntry& e : entries)
    if (e.key && e.key->kind == Kind::SCALAR && e.key->text == key) return &e;
  return nullptr;
}

YamlEntry* YamlNode::find(std::string_view key) {
  return const_cast<YamlEntry*>(static_cast<const YamlNode*>(this)->find(key));
}

namespace {

constexpr std::string_view UTF8_BOM = "\xEF\xBB\xBF";

/// A place in a text that is about to be parsed, and why it is bad.
struct TextProblem {
  std::size_t pos;
  std::string message;
};

/// Thrown from the event handler to stop yaml-cpp at once; it unwinds through yaml-cpp's own
/// code, which holds its state in RAII members.
struct ParseAbort {
  std::size_t pos;
  std::string message;
};

std::string hex_byte(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", static_cast<unsigned>(c));
  return buf;
}

std::string code_point(unsigned c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", c);
  return buf;
}

/// The first byte that is not valid UTF-8, or a control character YAML does not allow (all C0
/// characters but tab, line feed and carriage return, and DEL). yaml-cpp does not check either:
/// it passes invalid bytes into scalars, and from there into messages and output files.
std::optional<TextProblem> check_utf8(std::string_view s) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  std::size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = byte(i);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
        return TextProblem{i, "control character " + code_point(c) + " is not allowed"};
      ++i;
      continue;
    }
    // The length of the sequence and the range of its second byte: E0 and F0 exclude overlong
    // forms, ED the UTF-16 surrogates, F4 code points above U+10FFFF.
    std::size_t length = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    }
    const auto invalid = [&](std::size_t at) {
      return TextProblem{at, "invalid UTF-8 (byte " + hex_byte(byte(at)) + "); a scenario is UTF-8 text"};
    };
    if (length == 0) return invalid(i);
    for (std::size_t k = 1; k < length; ++k) {
      if (i + k >= s.size()) return TextProblem{i, "invalid UTF-8: the text ends inside a character"};
      const unsigned char b = byte(i + k);
      // Point at the start of the bad character (Latin-1 "é" is the usual case), not at the
      // byte after it that gives it away.
      if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return invalid(i);
    }
    i += length;
  }
  return std::nullopt;
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/// A lexical pre-scan for what yaml-cpp handles badly: flow collections nested deeper than
/// MAX_DEPTH or longer than MAX_FLOW_BYTES (yaml-cpp's scanner keeps every token of a flow
/// collection queued until it closes: 100,000 '[' take a second, a 16 MiB list a gigabyte), and
/// quoted strings that never end (yaml-cpp silently ends them at the end of the text).
///
/// It follows YAML's lexical structure closely enough for that: quoted strings, comments, block
/// scalars (`|`, `>`) and whether a '[' or '{' starts a node (in block context only where a node
/// may begin: after indentation, "- ", "? ", ": ", an anchor or a tag, not inside a plain scalar
/// like `a: x[1]`). Where it is unsure it counts fewer levels, never more; yaml-cpp's own depth
/// guard and the event handler's depth check remain behind it.
std::optional<TextProblem> check_flow(std::string_view s) {
  const std::size_t n = s.size();
  std::size_t i = 0;
  int depth = 0;                 // flow nesting
  std::size_t outer_start = 0;   // the outermost '[' or '{' of the current flow collection
  bool node_may_start = true;    // block context: a node may begin here
  bool line_start = true;
  std::size_t indent = 0;        // of the current line
  std::optional<std::size_t> block_scalar_indent;  // set while skipping a block scalar's lines
  char previous = '\n';

  const auto skip_quoted = [&](char quote) -> std::optional<TextProblem> {
    const std::size_t start = i;
    ++i;
    while (i < n) {
      if (quote == '"' && s[i] == '\\') {
        i += 2;
      } else if (s[i] == quote) {
        if (quote == '\'' && i + 1 < n && s[i + 1] == '\'') {
          i += 2;
        } else {
          ++i;
          previous = quote;
          return std::nullopt;
        }
      } else {
        ++i;
      }
    }
    return TextProblem{start, "unterminated quoted string"};
  };
  const auto skip_to_line_end = [&] {
    while (i < n && s[i] != '\n') ++i;
  };
  const auto too_long = [&]() -> std::optional<TextProblem> {
    if (depth > 0 && i - outer_start > YamlDocument::MAX_FLOW_BYTES)
      return TextProblem{outer_start,
                         "a flow collection ([...] or {...}) longer than 1 MiB; write long lists in block style"};
    return std::nullopt;
  };

  while (i < n) {
    if (line_start) {
      line_start = false;
      indent = 0;
      while (i + indent < n && s[i + indent] == ' ') ++indent;
      if (block_scalar_indent) {
        std::size_t j = i + indent;
        while (j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r')) ++j;
        const bool blank = j >= n || s[j] == '\n';
        if (blank || indent > *block_scalar_indent) {
          skip_to_line_end();
          continue;
        }
        block_scalar_indent.reset();
      }
      if (depth == 0) node_may_start = true;
      if (depth == 0 && s.substr(i, 3) == "---" && (i + 3 >= n || is_blank(s[i + 3]))) {
        i += 3;
        previous = ' ';
        continue;
      }
    }
    const char c = s[i];
    if (c == '\n') {
      ++i;
      line_start = true;
      previous = '\n';
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
      previous = ' ';
      continue;
    }
    if (c == '#' && (previous == ' ' || previous == '\n')) {
      skip_to_line_end();
      continue;
    }
    if (depth > 0) {
      if (c == '[' || c == '{') {
        if (++depth > YamlDocument::MAX_DEPTH)
          return TextProblem{i, "nesting deeper than " + std::to_string(YamlDocument::MAX_DEPTH) + " levels"};
      } else if (c == ']' || c == '}') {
        --depth;
      } else if ((c == '"' || c == '\'') &&
                 (previous == ' ' || previous == '\n' || previous == '[' || previous == '{' || previous == ',' ||
                  previous == ':')) {
        if (auto problem = skip_quoted(c)) return problem;
        if (auto problem = too_long()) return problem;
        continue;
      }
      previous = c;
      ++i;
      if (auto problem = too_long()) return problem;
      if (depth == 0) node_may_start = false;
      continue;
    }
    // Block context.
    const bool followed_by_blank = i + 1 >= n || is_blank(s[i + 1]);
    if (node_may_start) {
      if ((c == '-' || c == '?' || c == ':') && followed_by_blank) {
        ++i;
        previous = c;
        continue;
      }
      if (c == '[' || c == '{') {
        depth = 1;
        outer_start = i;
        ++i;
        previous = c;
        continue;
      }
      if (c == '"' || c == '\'') {
        if (auto problem = skip_quoted(c)) return problem;
        node_may_start = false;
        continue;
      }
      if (c == '&' || c == '!') {
        while (i < n && !is_blank(s[i])) ++i;
        continue;
      }
      if (c == '|' || c == '>') {
        std::size_t j = i + 1;
        while (j < n && (s[j] == '+' || s[j] == '-' || (s[j] >= '0' && s[j] <= '9'))) ++j;
        if (j >= n || is_blank(s[j]) || s[j] == '#') {
          block_scalar_indent = indent;
          skip_to_line_end();
          continue;
        }
      }
      node_may_start = false;  // an alias or a plain scalar begins
    } else if (c == ':' && followed_by_blank) {
      node_may_start = true;  // the value of a key
    }
    previous = c;
    ++i;
  }
  return std::nullopt;
}

/// Line starts of a text, to turn yaml-cpp's byte positions into 1-based lines and character
/// columns (yaml-cpp counts bytes, editors count characters).
class LineIndex {
 public:
  explicit LineIndex(std::string_view text) : text_(text) {
    starts_.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i)
      if (text[i] == '\n') starts_.push_back(i + 1);
  }

  /// (line, column), both 1-based.
  std::pair<int, int> locate(std::size_t pos) {
    pos = std::min(pos, text_.size());
    const auto line = static_cast<std::size_t>(std::upper_bound(starts_.begin(), starts_.end(), pos) - starts_.begin()) - 1;
    // Marks arrive mostly in increasing order: count on from the last one on the same line, so
    // that a long single-line file is not counted from its start for every node.
    std::size_t from = starts_[line], column = 0;
    if (line == cached_line_ && pos >= cached_pos_) {
      from = cached_pos_;
      column = cached_column_;
    }
    column += utf8_length(text_.substr(from, pos - from));
    cached_line_ = line;
    cached_pos_ = pos;
    cached_column_ = column;
    return {static_cast<int>(line) + 1, static_cast<int>(column) + 1};
  }

 private:
  std::string_view text_;
  std::vector<std::size_t> starts_;
  std::size_t cached_line_ = static_cast<std::size_t>(-1), cached_pos_ = 0, cached_column_ = 0;
};

/// Places positions of one text according to its Placement.
class Locator {
 public:
  Locator(std::string_view text, const Placement& placement, std::uint32_t source)
      : index_(text), placement_(placement), source_(source) {}

  void place(YamlNode& node, std::size_t pos) {
    node.source = source_;
    if (placement_.fixed) {
      node.line = placement_.line;
      node.column = placement_.column;
      return;
    }
    const auto [line, column] = index_.locate(pos);
    node.line = placement_.line + line - 1;
    node.column = line == 1 ? placement_.column + column - 1 : column;
  }

  Mark mark(std::size_t pos) {
    YamlNode probe;
    place(probe, pos);
    return Mark{placement_.file, probe.line, probe.column};
  }

  Mark start() const { return Mark{placement_.file, placement_.line, placement_.column}; }
  std::uint32_t source() const { return source_; }

 private:
  LineIndex index_;
  const Placement& placement_;
  std::uint32_t source_;
};

std::size_t position_of(const YAML::Mark& mark) { return mark.pos < 0 ? 0 : static_cast<std::size_t>(mark.pos); }

/// Builds the tree from parser events.
class TreeBuilder final : public YAML::EventHandler {
 public:
  TreeBuilder(YamlDocument& document, Locator& locator, std::string_view text)
      : document_(document), locator_(locator), text_(text) {}

  YamlNode* root() const { return root_; }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    YamlNode* node = make(YamlNode::Kind::NUL, mark);
    node->empty = !explicit_null_at(position_of(mark));
    remember(anchor, node);
    add(node, false, position_of(mark));
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    count(mark);
    // yaml-cpp has already rejected aliases to unknown anchors.
    YamlNode* target = anchor < anchors_.size() ? anchors_[anchor] : nullptr;
    if (!target) throw ParseAbort{position_of(mark), "alias to an unknown anchor"};
    add(target, true, position_of(mark));
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    refuse_tag(mark, tag);
    YamlNode* node = make(YamlNode::Kind::SCALAR, mark);
    node->text = value;
    node->plain = tag == "?";
    remember(anchor, node);
    add(node, false, position_of(mark));
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    refuse_tag(mark, tag);
    open(YamlNode::Kind::SEQUENCE, mark, anchor);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    refuse_tag(mark, tag);
    open(YamlNode::Kind::MAP, mark, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    YamlNode* node;
    YamlNode* pending_key = nullptr;
    std::size_t pos;
  };

  /// A tag (`!!binary`, `!!python/object:...`, `!!int`) asks for a type the scenario's schema
  /// does not take from the file: every value is read as the schema says. Ignoring it would
  /// read `!!binary aGVsbG8=` as the text "aGVsbG8=". yaml-cpp gives "?" for a plain node
  /// without tag and "!" for a quoted scalar (or the non-specific tag `!`, which means the same).
  void refuse_tag(const YAML::Mark& mark, const std::string& tag) {
    if (tag.empty() || tag == "?" || tag == "!") return;
    constexpr std::string_view CORE = "tag:yaml.org,2002:";
    const std::string written = tag.compare(0, CORE.size(), CORE) == 0 ? "!!" + tag.substr(CORE.size())
                                : tag[0] == '!'                       ? tag
                                                                       : "!<" + tag + ">";
    throw ParseAbort{position_of(mark), "YAML tag " + scenario::quoted(written, '\'') +
                                            " is not supported: a scenario's values take their type from the key "
                                            "(remove the tag)"};
  }

  void count(const YAML::Mark& mark) {
    if (++events_ > document_.limits().nodes)
      throw ParseAbort{position_of(mark), "more than " + std::to_string(document_.limits().nodes) + " YAML nodes"};
  }

  YamlNode* make(YamlNode::Kind kind, const YAML::Mark& mark) {
    count(mark);
    YamlNode* node = document_.make(kind, locator_.source(), 0, 0);
    locator_.place(*node, position_of(mark));
    return node;
  }

  void remember(YAML::anchor_t anchor, YamlNode* node) {
    if (anchor == YAML::NullAnchor) return;
    if (anchors_.size() <= anchor) anchors_.resize(anchor + 1, nullptr);
    anchors_[anchor] = node;
  }

  void open(YamlNode::Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (stack_.size() >= static_cast<std::size_t>(YamlDocument::MAX_DEPTH))
      throw ParseAbort{position_of(mark), "nesting deeper than " + std::to_string(YamlDocument::MAX_DEPTH) + " levels"};
    YamlNode* node = make(kind, mark);
    // Registered before its children, as yaml-cpp does: `&a [*a]` is a node inside itself. The
    // reader never follows such a cycle further than the schema's depth.
    remember(anchor, node);
    stack_.push_back({node, nullptr, position_of(mark)});
  }

  void close() {
    const Frame frame = stack_.back();
    stack_.pop_back();
    add(frame.node, false, frame.pos);
  }

  void add(YamlNode* node, bool shared, std::size_t pos) {
    if (stack_.empty()) {
      root_ = node;
      return;
    }
    Frame& parent = stack_.back();
    if (parent.node->kind == YamlNode::Kind::SEQUENCE) {
      if (node->empty && !shared) place_empty_item(*node, pos);
      parent.node->entries.push_back({nullptr, node, shared});
    } else if (!parent.pending_key) {
      parent.pending_key = node;
    } else {
      // yaml-cpp places an empty value (`servers:` and a line break) at the next token, often on
      // the next line; the key is where the user looks.
      if (node->empty && !shared) {
        node->line = parent.pending_key->line;
        node->column = parent.pending_key->column;
      }
      parent.node->entries.push_back({parent.pending_key, node, shared});
      parent.pending_key = nullptr;
    }
  }

  /// An empty sequence item (`-` and a line break) is placed at its '-', not at the next token.
  void place_empty_item(YamlNode& node, std::size_t pos) {
    std::size_t p = std::min(pos, text_.size());
    while (p > 0 && is_blank(text_[p - 1])) --p;
    if (p > 0 && text_[p - 1] == '-') locator_.place(node, p - 1);
  }

  /// Whether the null at `pos` is written (`~`, `null`) rather than an empty value.
  bool explicit_null_at(std::size_t pos) const {
    const std::string_view rest = pos < text_.size() ? text_.substr(pos) : std::string_view();
    for (const std::string_view word : {"~", "null", "Null", "NULL"})
      if (rest.substr(0, word.size()) == word) {
        const std::size_t after = word.size();
        if (after == rest.size()) return true;
        const char c = rest[after];
        if (is_blank(c) || c == ',' || c == ']' || c == '}' || c == '#') return true;
      }
    return false;
  }

  YamlDocument& document_;
  Locator& locator_;
  std::string_view text_;
  std::vector<Frame> stack_;
  std::vector<YamlNode*> anchors_;
  YamlNode* root_ = nullptr;
  std::size_t events_ = 0;
};

/// Stops at the start of a second document.
class SecondDocumentProbe final : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    throw ParseAbort{position_of(mark), "more than one YAML document; a file holds one"};
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

/// A read-only stream buffer over text that is already in memory (no copy of up to 16 MiB).
class ViewBuffer final : public std::streambuf {
 public:
  explicit ViewBuffer(std::string_view text) {
    char* begin = const_cast<char*>(text.data());
    setg(begin, begin, begin + text.size());
  }
};

}  // namespace

YamlNode* YamlDocument::make(YamlNode::Kind kind, const YamlNode& place) {
  return make(kind, place.source, place.line, place.column);
}

YamlNode* YamlDocument::make(YamlNode::Kind kind, std::uint32_t source, int line, int column) {
  YamlNode& node = nodes_.emplace_back();
  node.kind = kind;
  node.source = source;
  node.line = line;
  node.column = column;
  return &node;
}

YamlNode* YamlDocument::copy(const YamlNode& node) {
  YamlNode& clone = nodes_.emplace_back(node);
  for (YamlEntry& e : clone.entries) e.shared = true;
  return &clone;
}

std::uint32_t YamlDocument::source_index(const std::string& file) {
  for (std::size_t i = 0; i < files_.size(); ++i)
    if (files_[i] == file) return static_cast<std::uint32_t>(i);
  files_.push_back(file);
  return static_cast<std::uint32_t>(files_.size() - 1);
}

Mark YamlDocument::mark(const YamlNode& node) const {
  return Mark{node.source < files_.size() ? files_[node.source] : std::string(), node.line, node.column};
}

YamlNode* YamlDocument::parse(std::string_view text, const Placement& placement, std::vector<Diagnostic>& errors) {
  const auto fail = [&](Mark mark, std::string message) -> YamlNode* {
    errors.push_back({Diagnostic::Severity::ERROR, std::move(mark), "", std::move(message)});
    return nullptr;
  };
  if (text.size() > limits_.bytes)
    return fail(Mark{placement.file, 0, 0},
                "larger than " + std::to_string(limits_.bytes >> 20) + " MiB (" + std::to_string(text.size()) + " bytes)");
  // yaml-cpp skips a byte order mark and counts positions after it; so do we.
  if (text.substr(0, UTF8_BOM.size()) == UTF8_BOM) text.remove_prefix(UTF8_BOM.size());

  // YAML takes a carriage return alone as a line break (files from old Macs), and yaml-cpp does
  // not: it read such a file as one line, mostly one comment ("empty document"). Each lone CR
  // becomes LF here; positions stay the same, so the lines and columns of messages are right.
  std::string lf_text;
  for (std::size_t i = text.find('\r'); i != std::string_view::npos; i = text.find('\r', i + 1)) {
    if (i + 1 < text.size() && text[i + 1] == '\n') continue;
    if (lf_text.empty()) lf_text.assign(text);
    lf_text[i] = '\n';
  }
  if (!lf_text.empty()) text = lf_text;

  const std::uint32_t source = source_index(placement.file);
  Locator locator(text, placement, source);
  if (auto problem = check_utf8(text)) return fail(locator.mark(problem->pos), problem->message);
  if (auto problem = check_flow(text)) return fail(locator.mark(problem->pos), problem->message);

  ViewBuffer buffer(text);
  std::istream stream(&buffer);
  TreeBuilder builder(*this, locator, text);
  try {
    YAML::Parser parser(stream);
    if (!parser.HandleNextDocument(builder) || !builder.root()) {
      YamlNode* none = make(YamlNode::Kind::NUL, source, placement.line, placement.column);
      none->empty = true;
      return none;
    }
    SecondDocumentProbe probe;
    parser.HandleNextDocument(probe);
    return builder.root();
  } catch (const ParseAbort& abort) {
    return fail(locator.mark(abort.pos), abort.message);
  } catch (const YAML::DeepRecursion& e) {
    return fail(locator.mark(position_of(e.mark)),
                "nesting deeper than " + std::to_string(MAX_DEPTH) + " levels");
  } catch (const YAML::ParserException& e) {
    return fail(e.mark.is_null() ? Mark{placement.file, 0, 0} : locator.mark(position_of(e.mark)),
                "invalid YAML: " + e.msg);
  } catch (const std::bad_alloc&) {
    throw;  // not a fault of the file: the command reports it (out of memory, exit code 3)
  } catch (const std::exception& e) {
    return fail(locator.start(), std::string("cannot parse YAML: ") + e.what());
  } catch (...) {
    return fail(locator.start(), "cannot parse YAML");
  }
}

std::optional<std::string> read_text_file(const std::string& path, std::vector<Diagnostic>& errors,
                                          std::size_t max_bytes) {
  const auto fail = [&](std::string message) -> std::optional<std::string> {
    errors.push_back({Diagnostic::Severity::ERROR, Mark{path, 0, 0}, "", std::move(message)});
    return std::nullopt;
  };
  const std::string too_large = "larger than " + std::to_string(max_bytes >> 20) + " MiB";
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!ec && std::filesystem::is_directory(status)) return fail("cannot read: it is a directory");
  if (!ec && std::filesystem::is_regular_file(status)) {
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec && size > max_bytes) return fail(too_large + " (" + std::to_string(size) + " bytes)");
  }
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(std::string("cannot read: ") + (errno ? std::strerror(errno) : "cannot open the file"));
  // Read in chunks up to the limit: a pipe or a special file has no size to check beforehand.
  std::string text;
  char chunk[65536];
  while (in) {
    in.read(chunk, sizeof chunk);
    text.append(chunk, static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_bytes) return fail(too_large);
  }
  if (in.bad()) return fail("cannot read: input error");
  return text;
}

namespace {

bool is_plain_safe(const YamlNode& node) {
  const std::string& t = node.text;
  if (!node.plain || t.empty()) return false;
  const char first = t[0];
  const bool first_ok = (first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z') ||
                        (first >= '0' && first <= '9') || first == '_' || first == '.' || first == '+' ||
                        (first == '-' && t.size() > 1 && t[1] >= '0' && t[1] <= '9');
  if (!first_ok) return false;
  return std::all_of(t.begin(), t.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '+' || c == '-' || c == '/';
  });
}

bool emit(const YamlNode& node, std::string& out, std::size_t max_bytes, int depth) {
  if (depth > YamlDocument::MAX_DEPTH) return false;
  switch (node.kind) {
    case YamlNode::Kind::NUL: out += '~'; break;
    case YamlNode::Kind::SCALAR:
      if (is_plain_safe(node)) {
        out += node.text;
      } else {
        out += '"';
        for (const char c : node.text) {
          const auto u = static_cast<unsigned char>(c);
          if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
          } else if (u < 0x20 || u == 0x7F) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(u));
            out += buf;
          } else {
            out += c;
          }
        }
        out += '"';
      }
      break;
    case YamlNode::Kind::SEQUENCE:
    case YamlNode::Kind::MAP: {
      const bool map = node.kind == YamlNode::Kind::MAP;
      out += map ? '{' : '[';
      bool first = true;
      for (const YamlEntry& e : node.entries) {
        if (!first) out += ", ";
        first = false;
        if (map) {
          if (!emit(*e.key, out, max_bytes, depth + 1)) return false;
          out += ": ";
        }
        if (!emit(*e.value, out, max_bytes, depth + 1)) return false;
        if (out.size() > max_bytes) return false;
      }
      out += map ? '}' : ']';
      break;
    }
  }
  return out.size() <= max_bytes;
}

}  // namespace

std::optional<std::string> to_flow_yaml(const YamlNode& node, std::size_t max_bytes) {
  std::string out;
  if (!emit(node, out, max_bytes, 0)) return std::nullopt;
  return out;
}

}  // namespace plantwin::scenario
