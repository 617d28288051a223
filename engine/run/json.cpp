#include "run/json.hpp"

#include <charconv>
#include <cmath>

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

std::string Json::dump(int indent) const {
  std::string out;
  dump_to(out, indent, 0);
  return out;
}

}  // namespace plantwin::run
