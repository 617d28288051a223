#pragma once
/// How user text appears in messages, and UTF-8 counting for columns.

#include <cstddef>
#include <string>
#include <string_view>

namespace plantwin::scenario {

/// The length in bytes of the character that starts at `text[i]` when it is one that a terminal
/// acts upon or that changes how the text around it shows: the C0 and C1 control characters,
/// DEL, the Unicode bidirectional controls (U+061C, U+200E, U+200F, U+202A..U+202E,
/// U+2066..U+2069) and the line and paragraph separators (U+2028, U+2029); 0 for any other.
std::size_t control_character_at(std::string_view text, std::size_t i);

/// `text` as a message shows it: between `quote` characters, with the quote, '\' and control
/// characters escaped (\n, \t, \x1b, \u202e), and cut with "..." after 60 characters (a hostile
/// 10 MB scalar must not become a 10 MB error line).
std::string quoted(std::string_view text, char quote = '"');

/// The number of characters (code points) in UTF-8 `text`: a column counts characters, not bytes.
std::size_t utf8_length(std::string_view text);

}  // namespace plantwin::scenario
