#pragma once
/// The layout of a scenario with its ids resolved (node indices, segments and their lengths): what
/// the transport checks (transport_check.cpp) and the builder (transport_build.cpp) share.
/// Internal to the scenario layer.

#include <cmath>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "scenario/spec.hpp"
#include "topology/path_network.hpp"

namespace plantwin::scenario::transport_layout {

/// The layout with ids resolved: node indices and segments with their lengths.
struct ResolvedLayout {
  std::unordered_map<std::string, topology::NodeIndex> node;
  std::vector<topology::PathSegment> segments;
  bool complete = true;  ///< every segment's nodes are known and its length is > 0

  std::optional<topology::NodeIndex> find(const std::string& id) const {
    const auto it = node.find(id);
    if (it == node.end()) return std::nullopt;
    return it->second;
  }
};

inline ResolvedLayout resolve_layout(const LayoutSpec& layout) {
  ResolvedLayout r;
  for (std::size_t i = 0; i < layout.nodes.size(); ++i)
    r.node.emplace(layout.nodes[i].id, static_cast<topology::NodeIndex>(i));
  for (const SegmentSpec& s : layout.segments) {
    const auto from = r.find(s.from), to = r.find(s.to);
    if (!from || !to || *from == *to) {
      r.complete = false;
      continue;
    }
    const NodeSpec &a = layout.nodes[*from], &b = layout.nodes[*to];
    const double length = s.length ? *s.length : std::hypot(b.x - a.x, b.y - a.y);
    if (!(length > 0)) r.complete = false;
    r.segments.push_back({*from, *to, length, s.one_way});
  }
  return r;
}

inline std::string segment_name(const SegmentSpec& s) { return s.id.empty() ? s.from + "-" + s.to : s.id; }


}  // namespace plantwin::scenario::transport_layout
