#include "scenario/overrides.hpp"

#include <algorithm>
#include <string>
#include <string_view>

#include "scenario/text.hpp"

namespace plantwin::scenario {

namespace {

struct Segment {
  std::string_view name;
  int column;  ///< 1-based, in "PATH=VALUE"
};

/// "stations" -> "station": what an item of a list is called in messages.
std::string item_noun(std::string_view list_name) {
  if (list_name.size() > 1 && list_name.back() == 's') return std::string(list_name.substr(0, list_name.size() - 1));
  return "item";
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

class OverrideApplier {
 public:
  OverrideApplier(ReadContext& ctx, const Override& o, std::size_t number)
      : ctx_(ctx), doc_(ctx.document()), override_(o) {
    const std::string file = o.origin ? o.origin->file : "--set[" + std::to_string(number) + "]";
    source_ = doc_.source_index(file);
    file_ = file;
  }

  void apply(YamlNode& root) {
    std::vector<Segment> segments;
    std::size_t start = 0;
    const std::string& path = override_.path;
    for (;;) {
      const std::size_t dot = path.find('.', start);
      const std::size_t end = dot == std::string::npos ? path.size() : dot;
      const Segment segment{std::string_view(path).substr(start, end - start), column_at(start)};
      if (segment.name.empty()) {
        error_at(segment.column, "empty name in the path " + quoted(path, '\''));
        return;
      }
      segments.push_back(segment);
      if (dot == std::string::npos) break;
      start = dot + 1;
    }

    // The value starts after "PATH=".
    Placement placement{file_, 1, column_at(path.size()) + 1, false};
    if (override_.origin) placement = Placement{file_, override_.origin->line, override_.origin->column, true};
    std::vector<Diagnostic> errors;
    YamlNode* value = doc_.parse(override_.value, placement, errors);
    ctx_.add(errors);
    if (!value) return;

    YamlNode* current = &root;
    std::string walked;
    for (std::size_t i = 0; i < segments.size(); ++i) {
      const Segment& segment = segments[i];
      const bool last = i + 1 == segments.size();
      // `failures:` left empty in the file, then `--set stations.x.failures.mtbf=8h`.
      if (current->is_null()) {
        current->kind = YamlNode::Kind::MAP;
        current->empty = false;
      }
      YamlEntry* next = nullptr;
      if (current->is_map()) {
        next = current->find(segment.name);
        if (!next) {
          YamlNode* key = make_at(YamlNode::Kind::SCALAR, segment.column);
          key->text = std::string(segment.name);
          current->entries.push_back({key, last ? value : make_at(YamlNode::Kind::MAP, segment.column), false});
          next = &current->entries.back();
        }
      } else if (current->is_sequence()) {
        next = find_item(*current, segment, walked);
        if (!next) return;
      } else {
        error_at(segment.column, "cannot set " + quoted(segment.name, '\'') + " in " + quoted(walked, '\'') +
                                     ": it is " + describe(*current) + ", not a map or a list");
        return;
      }
      if (last) {
        next->value = value;
        next->shared = false;
        return;
      }
      // A value reached through an alias is shared with the alias's other uses: change a copy.
      if (next->shared) {
        next->value = doc_.copy(*next->value);
        next->shared = false;
      }
      current = next->value;
      walked = walked.empty() ? std::string(segment.name) : walked + "." + std::string(segment.name);
    }
  }

 private:
  /// A list item named by the `id` of a map item, or by a 0-based index.
  YamlEntry* find_item(YamlNode& list, const Segment& segment, const std::string& walked) {
    const auto id_of = [](const YamlEntry& e) -> const std::string* {
      const YamlEntry* id = e.value->find("id");
      return id && id->value->is_scalar() ? &id->value->text : nullptr;
    };
    for (YamlEntry& e : list.entries)
      if (const std::string* id = id_of(e); id && *id == segment.name) return &e;
    if (all_digits(segment.name) && segment.name.size() <= 9) {
      const std::size_t index = std::stoul(std::string(segment.name));
      if (index < list.entries.size()) return &list.entries[index];
      error_at(segment.column, "no index " + std::string(segment.name) + " in " + quoted(walked, '\'') + ", which has " +
                                   std::to_string(list.entries.size()) + " item(s)");
      return nullptr;
    }
    std::vector<std::string> ids;  // for "did you mean" (only now: a file may set 20,000 items of a long list)
    for (const YamlEntry& e : list.entries)
      if (const std::string* id = id_of(e)) ids.push_back(*id);
    const std::string list_name = walked.substr(walked.rfind('.') == std::string::npos ? 0 : walked.rfind('.') + 1);
    error_at(segment.column, "no " + item_noun(list_name) + " " + quoted(segment.name, '\'') + " in " + walked +
                                 ctx_.suggest(std::string(segment.name), ids));
    return nullptr;
  }

  int column_at(std::size_t byte_offset) const {
    return static_cast<int>(utf8_length(std::string_view(override_.path).substr(0, byte_offset))) + 1;
  }

  YamlNode* make_at(YamlNode::Kind kind, int column) {
    if (override_.origin) return doc_.make(kind, source_, override_.origin->line, override_.origin->column);
    return doc_.make(kind, source_, 1, column);
  }

  void error_at(int column, std::string message) {
    const Mark at = override_.origin ? *override_.origin : Mark{file_, 1, column};
    ctx_.error(at, "", std::move(message));
  }

  ReadContext& ctx_;
  YamlDocument& doc_;
  const Override& override_;
  std::uint32_t source_ = 0;
  std::string file_;
};

}  // namespace

void apply_overrides(ReadContext& ctx, YamlNode& root, const std::vector<Override>& overrides) {
  // Command-line overrides are numbered from 1 among themselves; those from a file (an
  // expectation file's `set:`) are located in that file and take no number.
  std::size_t number = 0;
  for (const Override& o : overrides) OverrideApplier(ctx, o, o.origin ? 0 : ++number).apply(root);
}

}  // namespace plantwin::scenario
