#pragma once
/// Located messages about a user's input, formatted like a compiler's:
///   FILE:LINE:COLUMN: error: PATH: message
/// Lines and columns are 1-based (yaml-cpp's marks are 0-based: the loader adds one).

#include <cstddef>
#include <string>
#include <vector>

namespace plantwin::scenario {

/// A place in an input: a file (or "--set[N]" for the N-th command-line override), 1-based line and
/// column. line == 0 means the place is the file as a whole.
struct Mark {
  std::string file;
  int line = 0;
  int column = 0;
};

struct Diagnostic {
  enum class Severity { ERROR, WARNING };
  Severity severity = Severity::ERROR;
  Mark mark;
  /// Where in the document, for example "stations[2].process"; empty for the document itself.
  std::string path;
  std::string message;

  /// "FILE:LINE:COLUMN: error: PATH: message" (without "PATH: " when the path is empty, and with
  /// LINE:COLUMN 1:1 when the mark has no line).
  std::string format() const;
};

/// Every diagnostic of one input, in the order they were found. Collecting stops adding errors
/// after MAX_ERRORS (one last error says how many more there were).
class Diagnostics {
 public:
  static constexpr std::size_t MAX_ERRORS = 200;

  void error(const Mark& mark, std::string path, std::string message);
  void warning(const Mark& mark, std::string path, std::string message);

  bool has_errors() const { return errors_ > 0; }
  std::size_t error_count() const { return errors_; }
  const std::vector<Diagnostic>& items() const { return items_; }
  /// Every diagnostic formatted, one per line, each line ending in '\n'.
  std::string format_all() const;
  /// The first error, formatted; empty if there is none.
  std::string first_error() const;
  void append(const Diagnostics& other);

 private:
  std::vector<Diagnostic> items_;
  std::size_t errors_ = 0;
  std::size_t dropped_ = 0;
};

/// Edit distance (Damerau–Levenshtein, optimal string alignment) between two strings.
std::size_t edit_distance(const std::string& a, const std::string& b);

/// " (did you mean 'x'?)" for the closest candidate within a small edit distance, else "".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace plantwin::scenario
