#include "twin/yaml_edit.hpp"

#include <algorithm>

namespace plantwin::twin {

using scenario::YamlEntry;
using scenario::YamlNode;

YamlEdit::YamlEdit(std::string text, const std::string& file) : text_(std::move(text)) {
  if (text_.compare(0, 3, "\xEF\xBB\xBF") == 0) bom_ = 3;
  starts_.push_back(bom_);
  for (std::size_t i = bom_; i < text_.size(); ++i)
    if (text_[i] == '\n') starts_.push_back(i + 1);
  root_ = document_.parse(text_, scenario::Placement{file}, errors_);
}

std::size_t YamlEdit::line_end(int line) const {
  std::size_t end = static_cast<std::size_t>(line) < starts_.size() ? starts_[static_cast<std::size_t>(line)] - 1 : text_.size();
  if (end > 0 && end <= text_.size() && end > line_start(line) && text_[end - 1] == '\r') --end;
  return end;
}

std::optional<std::size_t> YamlEdit::offset(const YamlNode& node) const {
  if (node.line < 1 || static_cast<std::size_t>(node.line) > starts_.size() || node.column < 1) return std::nullopt;
  std::size_t pos = line_start(node.line);
  // Columns count characters: skip column - 1 of them (UTF-8 continuation bytes are not characters).
  for (int c = 1; c < node.column; ++c) {
    if (pos >= text_.size() || text_[pos] == '\n') return std::nullopt;
    ++pos;
    while (pos < text_.size() && (static_cast<unsigned char>(text_[pos]) & 0xC0) == 0x80) ++pos;
  }
  return pos;
}

std::optional<std::size_t> YamlEdit::flow_end(std::size_t begin) const {
  const char open = text_[begin];
  if (open == '"' || open == '\'') {
    for (std::size_t i = begin + 1; i < text_.size(); ++i) {
      if (open == '"' && text_[i] == '\\') {
        ++i;
      } else if (text_[i] == open) {
        if (open == '\'' && i + 1 < text_.size() && text_[i + 1] == '\'') {
          ++i;
          continue;
        }
        return i + 1;
      }
    }
    return std::nullopt;
  }
  int depth = 0;
  for (std::size_t i = begin; i < text_.size(); ++i) {
    const char c = text_[i];
    if (c == '"' || c == '\'') {
      const auto end = flow_end(i);
      if (!end) return std::nullopt;
      i = *end - 1;
    } else if (c == '#' && i > 0 && (text_[i - 1] == ' ' || text_[i - 1] == '\t' || text_[i - 1] == '\n')) {
      while (i < text_.size() && text_[i] != '\n') ++i;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return i + 1;
    }
  }
  return std::nullopt;
}

std::size_t YamlEdit::plain_end(std::size_t begin, bool in_flow) const {
  std::size_t i = begin;
  for (; i < text_.size(); ++i) {
    const char c = text_[i];
    if (c == '\n' || c == '\r') break;
    if (c == '#' && i > begin && (text_[i - 1] == ' ' || text_[i - 1] == '\t')) break;
    if (in_flow && (c == ',' || c == '}' || c == ']')) break;
  }
  while (i > begin && (text_[i - 1] == ' ' || text_[i - 1] == '\t')) --i;
  return i;
}

std::size_t YamlEdit::block_end(int first, int column) const {
  int last = first;
  for (int line = first + 1; static_cast<std::size_t>(line) <= starts_.size(); ++line) {
    const std::size_t b = line_start(line), e = line_end(line);
    std::size_t i = b;
    while (i < e && text_[i] == ' ') ++i;
    if (i == e || text_[i] == '#') continue;  // blank or a comment
    if (static_cast<int>(i - b) < column - 1) break;
    last = line;
  }
  return line_end(last);
}

bool YamlEdit::is_flow_collection(const YamlNode& node) const {
  const auto o = offset(node);
  return o && *o < text_.size() && (text_[*o] == '{' || text_[*o] == '[');
}

bool YamlEdit::replace(const YamlNode& parent, const YamlEntry& entry, const std::string& flow) {
  if (entry.shared || entry.value == nullptr || entry.key == nullptr) return false;
  const YamlNode& value = *entry.value;
  const auto key_at = offset(*entry.key);
  const auto at = offset(value);
  if (!key_at || !at) return false;
  // The end of the key and its colon.
  const auto colon_after_key = [&]() -> std::optional<std::size_t> {
    std::size_t k = *key_at;
    if (text_[k] == '"' || text_[k] == '\'') {
      const auto e = flow_end(k);
      if (!e) return std::nullopt;
      k = *e;
    } else {
      while (k < text_.size() && text_[k] != ':' && text_[k] != '\n') ++k;
    }
    while (k < text_.size() && (text_[k] == ' ' || text_[k] == '\t')) ++k;
    if (k >= text_.size() || text_[k] != ':') return std::nullopt;
    return k + 1;
  };
  if (value.is_null() && value.empty) {
    const auto colon = colon_after_key();
    if (!colon) return false;
    edits_.push_back({*colon, *colon, " " + flow});
    return true;
  }
  const char c = *at < text_.size() ? text_[*at] : '\0';
  if (c == '{' || c == '[' || c == '"' || c == '\'') {
    const auto end = flow_end(*at);
    if (!end) return false;
    edits_.push_back({*at, *end, flow});
    return true;
  }
  if (value.is_scalar() || value.is_null()) {
    edits_.push_back({*at, plain_end(*at, is_flow_collection(parent)), flow});
    return true;
  }
  if (!value.is_map()) return false;  // a block sequence: not needed by the fit
  // A block map on the lines below its key: the new value goes on the key's line.
  const auto colon = colon_after_key();
  if (!colon || value.line <= entry.key->line) return false;
  edits_.push_back({*colon, block_end(value.line, value.column), " " + flow});
  return true;
}

bool YamlEdit::add(const YamlNode& map, const std::string& key, const std::string& flow) {
  if (!map.is_map()) return false;
  const auto at = offset(map);
  if (!at) return false;
  if (text_[*at] == '{') {
    const auto end = flow_end(*at);
    if (!end) return false;
    edits_.push_back({*end - 1, *end - 1, (map.entries.empty() ? "" : ", ") + key + ": " + flow});
    return true;
  }
  const std::string newline = text_.find("\r\n") != std::string::npos ? "\r\n" : "\n";
  const std::size_t end = block_end(map.line, map.column);
  edits_.push_back({end, end, newline + std::string(static_cast<std::size_t>(map.column - 1), ' ') + key + ": " + flow});
  return true;
}

std::string YamlEdit::result() const {
  std::vector<Edit> edits = edits_;
  std::stable_sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) { return a.begin < b.begin; });
  std::string out;
  std::size_t pos = 0;
  for (const Edit& e : edits) {
    if (e.begin < pos) continue;  // overlaps an earlier edit: the first one wins
    out.append(text_, pos, e.begin - pos);
    out += e.text;
    pos = e.end;
  }
  out.append(text_, pos, std::string::npos);
  return out;
}

}  // namespace plantwin::twin
