#include "run/json.hpp"

#include <charconv>
#include <cmath>
#include <unordered_set>

namespace plantwin::run {

Json Json::array_of(const std::vector<double>& values) {
  Json j = array();
  for (double v : values) j.push_back(Json(v));
  return j;
}

Json& Json::operator[](std::string_view key) {
  for (auto& [k, v] : members_)
    if (k == key) return v;
  members_.emplace_back(std::string(key), Json());
  return members_.back().second;
}

Json& Json::add(std::string key, Json value) {
  members_.emplace_back(std::move(key), std::move(value));
  return members_.back().second;
}

const Json* Json::find(std::string_view key) const {
  for (const auto& [k, v] : members_)
    if (k == key) return &v;
  return nullptr;
}

std::string format_number(double value) {
  if (!std::isfinite(value)) return "null";
  if (value == 0) return "0";  // also -0
  char buf[64];
  // Whole numbers below 2^53 as integers ("1000000", not "1e+06"): counts and seconds read better.
  if (std::fabs(value) < 9007199254740992.0 && value == std::trunc(value)) {
    const auto res = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(value));
    return std::string(buf, res.ptr);
  }
  const auto res = std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, res.ptr);
}

namespace {
void escape(std::string& out, const std::string& s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          static const char* hex = "0123456789abcdef";
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void newline(std::string& out, int indent, int depth) {
  if (indent < 0) return;
  out += '\n';
  out.append(static_cast<std::size_t>(indent * depth), ' ');
}
}  // namespace

void Json::dump_to(std::string& out, int indent, int depth) const {
  switch (type_) {
    case Type::NUL: out += "null"; break;
    case Type::BOOL: out += bool_ ? "true" : "false"; break;
    case Type::NUMBER: out += exact_ ? std::to_string(unsigned_) : format_number(number_); break;
    case Type::STRING: escape(out, string_); break;
    case Type::ARRAY: {
      // Arrays of numbers stay on one line: per-replication values are read across.
      bool flat = true;
      for (const auto& item : items_) flat = flat && (item.type_ != Type::ARRAY && item.type_ != Type::OBJECT);
      out += '[';
      for (std::size_t i = 0; i < items_.size(); ++i) {
        if (i > 0) out += indent >= 0 && flat ? ", " : ",";
        if (!flat) newline(out, indent, depth + 1);
        items_[i].dump_to(out, indent, depth + 1);
      }
      if (!flat && !items_.empty()) newline(out, indent, depth);
      out += ']';
      break;
    }
    case Type::OBJECT: {
      out += '{';
      for (std::size_t i = 0; i < members_.size(); ++i) {
        if (i > 0) out += ',';
        newline(out, indent, depth + 1);
        escape(out, members_[i].first);
        out += indent >= 0 ? ": " : ":";
        members_[i].second.dump_to(out, indent, depth + 1);
      }
      if (!members_.empty()) newline(out, indent, depth);
      out += '}';
      break;
    }
  }
}

std::optional<std::uint64_t> Json::exact_unsigned() const {
  if (type_ != Type::NUMBER) return std::nullopt;
  if (exact_) return unsigned_;
  if (number_ >= 0 && number_ < 9007199254740992.0 && number_ == std::trunc(number_))
    return static_cast<std::uint64_t>(number_);
  return std::nullopt;
}

std::string Json::dump(int indent) const {
  std::string out;
  dump_to(out, indent, 0);
  return out;
}

namespace {

/// A recursive-descent reader over the text, keeping the line and column of the next byte.
class JsonReader {
 public:
  static constexpr int MAX_DEPTH = 512;

  explicit JsonReader(std::string_view text) : text_(text) {}

  std::optional<Json> document(JsonError* error) {
    std::optional<Json> value = read_value(0);
    if (value) {
      skip_space();
      if (at_ < text_.size()) value = fail("unexpected text after the document");
    }
    if (!value && error) *error = error_;
    return value;
  }

 private:
  std::nullopt_t fail(std::string message) {
    if (error_.message.empty()) error_ = {std::move(message), line_, column_};
    return std::nullopt;
  }
  bool more() const { return at_ < text_.size(); }
  char peek() const { return text_[at_]; }
  void advance() {
    if (text_[at_] == '\n') {
      ++line_;
      column_ = 1;
    } else {
      ++column_;
    }
    ++at_;
  }
  void skip_space() {
    while (more() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) advance();
  }
  bool literal(std::string_view word) {
    if (text_.substr(at_, word.size()) != word) return false;
    for (std::size_t i = 0; i < word.size(); ++i) advance();
    return true;
  }

  std::optional<Json> read_value(int depth) {
    skip_space();
    if (!more()) return fail("unexpected end of the text, expected a value");
    if (depth > MAX_DEPTH) return fail("nested deeper than " + std::to_string(MAX_DEPTH) + " levels");
    const char c = peek();
    if (c == '{') return read_object(depth);
    if (c == '[') return read_array(depth);
    if (c == '"') {
      auto s = read_string();
      if (!s) return std::nullopt;
      return Json(std::move(*s));
    }
    if (c == '-' || (c >= '0' && c <= '9')) return read_number();
    if (literal("null")) return Json();
    if (literal("true")) return Json(true);
    if (literal("false")) return Json(false);
    return fail(std::string("unexpected character '") + c + "', expected a value");
  }

  std::optional<Json> read_object(int depth) {
    advance();  // {
    Json object = Json::object();
    std::unordered_set<std::string> seen;
    skip_space();
    if (more() && peek() == '}') {
      advance();
      return object;
    }
    while (true) {
      skip_space();
      if (!more() || peek() != '"') return fail("expected a key in quotes");
      const int key_line = line_, key_column = column_;
      auto key = read_string();
      if (!key) return std::nullopt;
      if (!seen.insert(*key).second) {
        line_ = key_line;
        column_ = key_column;
        return fail("duplicate key \"" + *key + "\"");
      }
      skip_space();
      if (!more() || peek() != ':') return fail("expected ':' after a key");
      advance();
      auto value = read_value(depth + 1);
      if (!value) return std::nullopt;
      object.members().emplace_back(std::move(*key), std::move(*value));
      skip_space();
      if (more() && peek() == ',') {
        advance();
        continue;
      }
      if (more() && peek() == '}') {
        advance();
        return object;
      }
      return fail("expected ',' or '}' in an object");
    }
  }

  std::optional<Json> read_array(int depth) {
    advance();  // [
    Json array = Json::array();
    skip_space();
    if (more() && peek() == ']') {
      advance();
      return array;
    }
    while (true) {
      auto value = read_value(depth + 1);
      if (!value) return std::nullopt;
      array.push_back(std::move(*value));
      skip_space();
      if (more() && peek() == ',') {
        advance();
        continue;
      }
      if (more() && peek() == ']') {
        advance();
        return array;
      }
      return fail("expected ',' or ']' in an array");
    }
  }

  std::optional<Json> read_number() {
    // The JSON grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    const std::size_t start = at_;
    bool integral = true;
    if (peek() == '-') advance();
    const auto digits = [&] {
      std::size_t n = 0;
      while (more() && peek() >= '0' && peek() <= '9') advance(), ++n;
      return n;
    };
    if (more() && peek() == '0') {
      advance();
    } else if (digits() == 0) {
      return fail("expected a digit");
    }
    if (more() && peek() == '.') {
      integral = false;
      advance();
      if (digits() == 0) return fail("expected a digit after '.'");
    }
    if (more() && (peek() == 'e' || peek() == 'E')) {
      integral = false;
      advance();
      if (more() && (peek() == '+' || peek() == '-')) advance();
      if (digits() == 0) return fail("expected a digit in the exponent");
    }
    const std::string_view token = text_.substr(start, at_ - start);
    if (integral && token.front() != '-') {
      std::uint64_t u = 0;
      const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), u);
      if (ec == std::errc() && ptr == token.data() + token.size()) return Json(u);
    }
    double d = 0;
    const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), d);
    if (ec == std::errc::result_out_of_range) {
      // Too small reads as 0; too large is no finite number.
      const auto e = token.find_first_of("eE");
      if (e != std::string_view::npos && token.find('-', e) != std::string_view::npos) return Json(0.0);
      return fail("number out of range: " + std::string(token));
    }
    if (ec != std::errc() || ptr != token.data() + token.size()) return fail("invalid number " + std::string(token));
    return Json(d);
  }

  static void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  std::optional<std::uint32_t> read_hex4() {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      if (!more()) return fail("unexpected end of the text in a \\u escape");
      const char c = peek();
      const int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (digit < 0) return fail("expected 4 hexadecimal digits after \\u");
      v = v * 16 + static_cast<std::uint32_t>(digit);
      advance();
    }
    return v;
  }

  std::optional<std::string> read_string() {
    advance();  // "
    std::string out;
    while (true) {
      if (!more()) return fail("unexpected end of the text in a string");
      const char c = peek();
      if (c == '"') {
        advance();
        return out;
      }
      if (static_cast<unsigned char>(c) < 0x20) return fail("control character in a string");
      if (c != '\\') {
        out += c;
        advance();
        continue;
      }
      advance();
      if (!more()) return fail("unexpected end of the text in a string");
      const char e = peek();
      advance();
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          auto cp = read_hex4();
          if (!cp) return std::nullopt;
          if (*cp >= 0xD800 && *cp < 0xDC00) {  // a high surrogate: its low half must follow
            if (!literal("\\u")) return fail("a \\u escape of a high surrogate without its low half");
            auto low = read_hex4();
            if (!low) return std::nullopt;
            if (*low < 0xDC00 || *low >= 0xE000) return fail("a \\u escape of a high surrogate without its low half");
            *cp = 0x10000 + ((*cp - 0xD800) << 10) + (*low - 0xDC00);
          } else if (*cp >= 0xDC00 && *cp < 0xE000) {
            return fail("a \\u escape of a lone low surrogate");
          }
          append_utf8(out, *cp);
          break;
        }
        default: return fail(std::string("unknown escape '\\") + e + "'");
      }
    }
  }

  std::string_view text_;
  std::size_t at_ = 0;
  int line_ = 1, column_ = 1;
  JsonError error_;
};

}  // namespace

std::optional<Json> parse_json(std::string_view text, JsonError* error) { return JsonReader(text).document(error); }

}  // namespace plantwin::run
