#include "scenario/text.hpp"

namespace plantwin::scenario {

namespace {
constexpr std::size_t MAX_SHOWN_CHARACTERS = 60;

bool is_continuation_byte(unsigned char c) { return (c & 0xC0) == 0x80; }
}  // namespace

std::size_t control_character_at(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0u; };
  const unsigned c = byte(0);
  if (c < 0x20 || c == 0x7F) return 1;
  if (c == 0xC2 && byte(1) >= 0x80 && byte(1) <= 0x9F) return 2;  // C1: U+0080..U+009F
  if (c == 0xD8 && byte(1) == 0x9C) return 2;                      // U+061C arabic letter mark
  if (c == 0xE2 && byte(1) == 0x80) {
    const unsigned b = byte(2);
    if (b == 0x8E || b == 0x8F || (b >= 0xA8 && b <= 0xAE)) return 3;  // U+200E, U+200F, U+2028..U+202E
  }
  if (c == 0xE2 && byte(1) == 0x81 && byte(2) >= 0xA6 && byte(2) <= 0xA9) return 3;  // U+2066..U+2069
  return 0;
}

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
    } else if (const std::size_t length = control_character_at(text, i); length > 1) {
      // Shown as \u and its code point: printed raw, U+202E would turn the rest of the line around.
      const unsigned code = length == 2 ? (c & 0x1Fu) << 6 | (static_cast<unsigned char>(text[i + 1]) & 0x3Fu)
                                        : (c & 0x0Fu) << 12 | (static_cast<unsigned char>(text[i + 1]) & 0x3Fu) << 6 |
                                              (static_cast<unsigned char>(text[i + 2]) & 0x3Fu);
      out += "\\u";
      for (int shift = 12; shift >= 0; shift -= 4) out += HEX[(code >> shift) & 0xF];
      i += length - 1;
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
