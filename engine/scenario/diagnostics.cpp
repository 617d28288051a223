#include "scenario/diagnostics.hpp"

#include <algorithm>

namespace plantwin::scenario {

std::string Diagnostic::format() const {
  std::string out = mark.file.empty() ? std::string("<input>") : mark.file;
  const int line = mark.line > 0 ? mark.line : 1;
  const int column = mark.line > 0 && mark.column > 0 ? mark.column : 1;
  out += ':' + std::to_string(line) + ':' + std::to_string(column) + ": ";
  out += severity == Severity::ERROR ? "error: " : "warning: ";
  if (!path.empty()) out += path + ": ";
  out += message;
  return out;
}

void Diagnostics::error(const Mark& mark, std::string path, std::string message) {
  ++errors_;
  if (errors_ > MAX_ERRORS) {
    ++dropped_;
    // Keep one trailing summary line, updated in place.
    Diagnostic summary{Diagnostic::Severity::ERROR, mark, "",
                       std::to_string(dropped_) + " more error(s) not shown"};
    if (dropped_ == 1) {
      items_.push_back(std::move(summary));
    } else {
      for (auto it = items_.rbegin(); it != items_.rend(); ++it)
        if (it->severity == Diagnostic::Severity::ERROR && it->path.empty() &&
            it->message.find(" more error(s) not shown") != std::string::npos) {
          it->message = summary.message;
          break;
        }
    }
    return;
  }
  items_.push_back({Diagnostic::Severity::ERROR, mark, std::move(path), std::move(message)});
}

void Diagnostics::warning(const Mark& mark, std::string path, std::string message) {
  items_.push_back({Diagnostic::Severity::WARNING, mark, std::move(path), std::move(message)});
}

std::string Diagnostics::format_all() const {
  std::string out;
  for (const auto& d : items_) out += d.format() + '\n';
  return out;
}

std::string Diagnostics::first_error() const {
  for (const auto& d : items_)
    if (d.severity == Diagnostic::Severity::ERROR) return d.format();
  return {};
}

void Diagnostics::append(const Diagnostics& other) {
  for (const auto& d : other.items_) {
    if (d.severity == Diagnostic::Severity::ERROR)
      error(d.mark, d.path, d.message);
    else
      warning(d.mark, d.path, d.message);
  }
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i)
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[n][m];
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  if (word.size() > 256) return {};
  const std::string* best = nullptr;
  std::size_t best_distance = 0;
  for (const auto& c : candidates) {
    if (c.size() > 256) continue;
    const std::size_t dist = edit_distance(word, c);
    if (best == nullptr || dist < best_distance) {
      best = &c;
      best_distance = dist;
    }
  }
  // Accept up to a third of the word's length (at least 1, at most 3) edits.
  const std::size_t limit = std::clamp<std::size_t>(word.size() / 3, 1, 3);
  if (best == nullptr || best_distance == 0 || best_distance > limit) return {};
  return " (did you mean '" + *best + "'?)";
}

}  // namespace plantwin::scenario
