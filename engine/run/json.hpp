#pragma once
/// A small JSON value with ordered object keys, for the result document: the CLI prints it, the
/// check command resolves dotted paths in it (and reads an earlier one back as its baseline), and
/// the Python module converts it to a dict. Numbers are written in the shortest form that reads
/// back to the same double (std::to_chars); NaN and infinities are written as null.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace plantwin::run {

class Json {
 public:
  enum class Type { NUL, BOOL, NUMBER, STRING, ARRAY, OBJECT };

  Json() = default;
  Json(std::nullptr_t) {}
  Json(bool b) : type_(Type::BOOL), bool_(b) {}
  Json(double d) : type_(Type::NUMBER), number_(d) {}
  Json(int i) : Json(static_cast<double>(i)) {}
  Json(std::int64_t i) : Json(static_cast<double>(i)) {}
  /// Unsigned integers are kept exactly (seeds, event counts): dump() writes every digit.
  Json(std::uint64_t i) : type_(Type::NUMBER), number_(static_cast<double>(i)), exact_(true), unsigned_(i) {}
  Json(std::string s) : type_(Type::STRING), string_(std::move(s)) {}
  Json(const char* s) : Json(std::string(s)) {}

  static Json array() { Json j; j.type_ = Type::ARRAY; return j; }
  static Json object() { Json j; j.type_ = Type::OBJECT; return j; }
  static Json array_of(const std::vector<double>& values);

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::NUL; }
  bool is_number() const { return type_ == Type::NUMBER; }
  bool is_object() const { return type_ == Type::OBJECT; }
  bool is_array() const { return type_ == Type::ARRAY; }
  bool is_string() const { return type_ == Type::STRING; }
  double number() const { return number_; }
  /// The number as an unsigned integer when it is one exactly (a seed read back with all its
  /// digits, or a whole double below 2^53); nullopt otherwise.
  std::optional<std::uint64_t> exact_unsigned() const;
  bool boolean() const { return bool_; }
  const std::string& string() const { return string_; }

  /// Object member, inserted (null) at the end when missing. Precondition: an object. Linear in
  /// the number of members: for the sections keyed by id, which may hold 100,000 stations, add().
  Json& operator[](std::string_view key);
  /// Appends the member `key` without looking for it, in constant time, and returns it.
  /// Precondition: an object without that key (ids are unique in their section).
  Json& add(std::string key, Json value);
  /// Object member or nullptr.
  const Json* find(std::string_view key) const;
  const std::vector<std::pair<std::string, Json>>& members() const { return members_; }
  std::vector<std::pair<std::string, Json>>& members() { return members_; }
  void push_back(Json value) { items_.push_back(std::move(value)); }
  const std::vector<Json>& items() const { return items_; }

  /// Compact when indent < 0, else pretty-printed with `indent` spaces per level.
  std::string dump(int indent = -1) const;

 private:
  void dump_to(std::string& out, int indent, int depth) const;
  Type type_ = Type::NUL;
  bool bool_ = false;
  double number_ = 0;
  bool exact_ = false;
  std::uint64_t unsigned_ = 0;
  std::string string_;
  std::vector<Json> items_;
  std::vector<std::pair<std::string, Json>> members_;
};

/// Formats a double in its shortest round-trip form ("0.1", "705", "1e+21"); "null" if not finite.
std::string format_number(double value);

/// Where and why parse_json() stopped.
struct JsonError {
  std::string message;
  int line = 1;    ///< 1-based
  int column = 1;  ///< 1-based, in bytes
};

/// Reads JSON text (RFC 8259): objects keep their key order (a repeated key is an error), numbers
/// become doubles, except non-negative integers up to 2^64 − 1, which are kept exactly. Nesting
/// deeper than 512 levels, text after the value, and invalid UTF-8 escapes are errors. Never throws;
/// nullopt with `*error` set on bad input.
std::optional<Json> parse_json(std::string_view text, JsonError* error);

}  // namespace plantwin::run
