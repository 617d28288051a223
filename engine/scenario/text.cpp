#include "scenario/text.hpp"

namespace plantwin::scenario {

namespace {
constexpr std::size_t MAX_SHOWN_CHARACTERS = 60;

bool is_continuation_byte(unsigned char c) { return (c & 0xC0) == 0x80; }
}  // namespace

std::string quoted(std::string_view text, char quote) {
  static constexpr char HEX[] = "0123456789abcdef";
  std::string out(1, quote);
  std::size_t characters = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (!is_continuation_byte(c) && ++characters > MAX_SHOWN_CHARACTERS) {
      out += "...";
      break;
    }
    if (c == static_cast<unsigned char>(quote) || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7F) {
      out += "\\x";
      out += HEX[c >> 4];
      out += HEX[c & 0xF];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += quote;
  return out;
}

std::size_t utf8_length(std::string_view text) {
  std::size_t n = 0;
  for (const char c : text)
    if (!is_continuation_byte(static_cast<unsigned char>(c))) ++n;
  return n;
}

}  // namespace plantwin::scenario
