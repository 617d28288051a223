#pragma once
/// How user text appears in messages, and UTF-8 counting for columns.

#include <cstddef>
#include <string>
#include <string_view>

namespace plantwin::scenario {

/// `text` as a message shows it: between `quote` characters, with the quote, '\' and control
/// characters escaped, and cut with "..." after 60 characters (a hostile 10 MB scalar must not
/// become a 10 MB error line).
std::string quoted(std::string_view text, char quote = '"');

/// The number of characters (code points) in UTF-8 `text`: a column counts characters, not bytes.
std::size_t utf8_length(std::string_view text);

}  // namespace plantwin::scenario
