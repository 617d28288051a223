#include "scenario/material.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "scenario/declared.hpp"
#include "scenario/id_index.hpp"
#include "scenario/text.hpp"

namespace plantwin::scenario {

namespace {

std::optional<std::string> station_reference(ReadContext& ctx, const YamlNode& node, const std::string& path,
                                             std::vector<Reference>& refs) {
  const std::string* text = scalar_text(ctx, node, path, "a station id");
  if (!text) return std::nullopt;
  refs.push_back({*text, ctx.mark(node), path});
  return *text;
}

std::string product_path(std::size_t p) { return item_path("products", p); }

}  // namespace

// ---- reading -------------------------------------------------------------------------------------

std::optional<RouteEntrySpec> read_route_entry(ReadContext& ctx, const YamlNode& node, const std::string& path,
                                               std::vector<Reference>& station_refs) {
  RouteEntrySpec e;
  e.mark = ctx.mark(node);
  if (!node.is_map()) {
    const auto id = station_reference(ctx, node, path, station_refs);
    if (!id) return std::nullopt;
    e.stations.push_back(*id);
    e.station_marks.push_back(ctx.mark(node));
    e.via_mark = e.mark;
    return e;
  }
  MapReader map(ctx, node, path, "a station id, or a map with station (or any) and via");
  const bool has_station = map.has("station"), has_any = map.has("any");
  bool ok = true;
  if (has_station && has_any) {
    ctx.error(*map.key_node("any"), path, "give `station` or `any`, not both");
    map.get("station");
    map.get("any");
    return std::nullopt;
  }
  if (!has_station && !has_any) {
    ctx.error(node, path, "missing required key 'station' (or 'any': a list of alternative stations)");
    map.ignore_rest();
    return std::nullopt;
  }
  if (has_station) {
    const YamlNode& value = *map.get("station");
    const auto id = station_reference(ctx, value, map.child_path("station"), station_refs);
    ok = ok && id.has_value();
    e.stations.push_back(id.value_or(""));
    e.station_marks.push_back(ctx.mark(value));
    if (map.has("weights")) {
      ctx.error(*map.key_node("weights"), path, "`weights` belong to alternatives (`any`), not to one station");
      map.get("weights");
      ok = false;
    }
  } else {
    e.any = true;
    const YamlNode& list = *map.get("any");
    const std::string list_path = map.child_path("any");
    std::unordered_set<std::string> listed;  // a hostile list may hold 100,000
    const bool is_list = for_each_item(ctx, list, list_path, "a list of station ids",
                                       [&](const YamlNode& item, const std::string& item_path, std::size_t) {
                                         const auto id = station_reference(ctx, item, item_path, station_refs);
                                         ok = ok && id.has_value();
                                         // Said at every listing after the first (once each).
                                         if (!listed.insert(id.value_or("")).second && id) {
                                           ctx.error(item, item_path, "station " + quoted(*id, '\'') + " is listed twice");
                                           ok = false;
                                         }
                                         e.stations.push_back(id.value_or(""));
                                         e.station_marks.push_back(ctx.mark(item));
                                       });
    if (!is_list) return std::nullopt;
    if (e.stations.size() < 2) {
      ctx.error(list, list_path, "alternatives need at least two stations (write one station as `station: ID`)");
      ok = false;
    }
    if (const YamlNode* weights = map.get("weights")) {
      e.weights_mark = ctx.mark(*weights);
      MapReader w(ctx, *weights, map.child_path("weights"), "a map station -> weight");
      if (!w.valid()) return std::nullopt;
      std::unordered_map<std::string, double> by_station;
      for (const YamlEntry* entry : w.entries()) {
        const std::string& station = entry->key->text;
        const std::string weight_path = child_path(w.path(), station);
        if (!listed.count(station)) {
          ctx.error(*entry->key, weight_path, "station " + quoted(station, '\'') + " is not among the alternatives");
          ok = false;
          continue;
        }
        const auto value = NumberIn{0, std::numeric_limits<double>::max(), true}(ctx, *entry->value, weight_path);
        ok = ok && value.has_value();
        by_station[station] = value.value_or(1.0);
      }
      double total = 0;
      for (const std::string& s : e.stations) {
        const auto it = by_station.find(s);
        if (it == by_station.end()) {
          if (ok) ctx.error(*weights, w.path(), "no weight for alternative " + quoted(s, '\'') + " (give every alternative one)");
          ok = false;
          continue;
        }
        e.weights.push_back(it->second);
        total += it->second;
      }
      if (ok && !(total > 0)) {
        ctx.error(*weights, w.path(), "the weights add up to 0: no alternative could be chosen");
        ok = false;
      }
    }
  }
  if (const YamlNode* via = map.get("via")) {
    const auto id = read_id(ctx, *via, map.child_path("via"));
    ok = ok && id.has_value();
    e.via = id.value_or("");
    e.via_mark = ctx.mark(*via);
  } else {
    e.via_mark = e.mark;
  }
  return ok ? std::optional(std::move(e)) : std::nullopt;
}

bool read_bom(ReadContext& ctx, const YamlNode& node, const std::string& path, ProductSpec& product,
              std::vector<Reference>& product_refs) {
  product.bom_mark = ctx.mark(node);
  MapReader map(ctx, node, path, "a map component product -> count");
  if (!map.valid()) return false;
  bool ok = true;
  for (const YamlEntry* e : map.entries()) {
    BomEntrySpec line;
    line.product = e->key->text;
    line.mark = ctx.mark(*e->key);
    const std::string line_path = child_path(path, line.product);
    product_refs.push_back({line.product, line.mark, line_path});
    const auto count = IntegerIn<std::int64_t>{1, 10'000}(ctx, *e->value, line_path);
    ok = ok && count.has_value();
    line.count = count.value_or(1);
    product.bom.push_back(std::move(line));
  }
  if (ok && product.bom.empty()) {
    ctx.error(node, path, "a bill of materials needs at least one component");
    ok = false;
  }
  return ok;
}

void read_station_material(ReadContext& ctx, MapReader& map, StationSpec& st, std::vector<Reference>& station_refs) {
  if (const YamlNode* q = map.key_node("queue")) st.queue_mark = ctx.mark(*q);
  if (const YamlNode* rejects = map.get("rejects")) {
    st.rejects_mark = ctx.mark(*rejects);
    MapReader r(ctx, *rejects, map.child_path("rejects"), "a map with route, then and max_attempts");
    if (r.valid()) {
      models::RejectsParams params;
      const bool declared_ok = read_declared(r, params);
      bool route_ok = false;
      if (const YamlNode* route = r.get_required("route")) {
        const std::string route_path = r.child_path("route");
        route_ok = for_each_item(ctx, *route, route_path, "a list of station ids",
                                 [&](const YamlNode& item, const std::string& item_path, std::size_t) {
                                   const auto id = station_reference(ctx, item, item_path, station_refs);
                                   route_ok = route_ok && id.has_value();
                                   st.rework_route.push_back(id.value_or(""));
                                   st.rework_marks.push_back(ctx.mark(item));
                                 });
        if (route_ok && st.rework_route.empty()) {
          ctx.error(*route, route_path, "a rework route needs at least one station");
          route_ok = false;
        }
        for (const std::string& s : st.rework_route) route_ok = route_ok && !s.empty();
      }
      if (declared_ok && route_ok) st.params.rejects = params;
    }
  }
  if (const YamlNode* batch = map.get("batch")) {
    st.batch_mark = ctx.mark(*batch);
    MapReader b(ctx, *batch, map.child_path("batch"), "a map with max, min, max_wait and mixed");
    if (b.valid()) {
      models::BatchParams params;
      const bool has_max = b.has("max");
      if (read_declared(b, params)) {
        if (!has_max) {
          ctx.error(*batch, b.path(), "missing required key 'max' (the most parts in one batch)");
        } else if (params.min > params.max) {
          ctx.error(*b.get("min"), b.child_path("min"),
                    "min " + std::to_string(params.min) + " is more than max " + std::to_string(params.max));
        } else if (params.max_wait && params.min == 0) {
          // max_wait without min: a batch of any size (from 1) starts once the oldest waited.
          params.min = 1;
          st.params.batch = params;
        } else {
          st.params.batch = params;
        }
      }
    }
  }
}

// ---- checks --------------------------------------------------------------------------------------

std::vector<std::vector<std::size_t>> producing_sources(const ScenarioSpec& spec) {
  const IdIndex index(spec.products);
  std::vector<std::vector<std::size_t>> out(spec.products.size());
  for (std::size_t k = 0; k < spec.sources.size(); ++k) {
    // Sources are taken in order: if k is among a product's sources already, it is the last one.
    const auto made = [&](std::size_t p) {
      if (out[p].empty() || out[p].back() != k) out[p].push_back(k);
    };
    const auto named = [&](const std::string& id) {
      const std::size_t p = index.find(id);
      if (p == IdIndex::NONE) return;  // an unknown product: reported as such
      made(p);
      for (const BomEntrySpec& line : spec.products[p].bom)
        if (const std::size_t c = index.find(line.product); c != IdIndex::NONE) made(c);
    };
    for (const MixEntry& m : spec.sources[k].mix) named(m.product);
    for (const OrderSpec& o : spec.sources[k].orders) named(o.product);
  }
  return out;
}

void check_material(ReadContext& ctx, const ScenarioSpec& spec) {
  const IdIndex product_index(spec.products), station_index(spec.stations);

  // Bills of materials: one level, components whose routes end where the product starts.
  std::vector<std::string> component_of(spec.products.size());
  for (std::size_t p = 0; p < spec.products.size(); ++p) {
    const ProductSpec& product = spec.products[p];
    if (product.bom.empty() || product.route.empty()) continue;
    const RouteEntrySpec& first = product.route.front();
    if (first.any) {
      ctx.error(first.mark, product_path(p) + ".route[0]",
                "a product with a bill of materials is assembled at its first station: it cannot be a choice (`any`)");
      continue;
    }
    for (const BomEntrySpec& line : product.bom) {
      const std::size_t c = product_index.find(line.product);
      if (c == IdIndex::NONE) continue;  // reported as unknown
      const std::string path = product_path(p) + ".bom." + line.product;
      const ProductSpec& component = spec.products[c];
      if (c == p) {
        ctx.error(line.mark, path, "a product cannot be a component of itself");
        continue;
      }
      if (!component.bom.empty()) {
        ctx.error(line.mark, path,
                  "component " + quoted(line.product, '\'') +
                      " has a bill of materials of its own; plantwin assembles one level (release its own components "
                      "through this product's bill instead)");
        continue;
      }
      if (!component_of[c].empty() && component_of[c] != product.id) {
        ctx.error(line.mark, path,
                  "product " + quoted(line.product, '\'') + " is already a component of " +
                      quoted(component_of[c], '\'') + "; a product is a component of one product");
        continue;
      }
      component_of[c] = product.id;
      if (component.route.empty()) continue;
      const RouteEntrySpec& last = component.route.back();
      if (last.any || last.station() != first.station())
        ctx.error(line.mark, path,
                  "the route of component " + quoted(line.product, '\'') + " must end at " + quoted(first.station(), '\'') +
                      ", where " + quoted(product.id, '\'') + " is assembled; it ends at " +
                      (last.any ? std::string("a choice (`any`)") : quoted(last.station(), '\'')));
      // It is consumed at its first visit there: a visit before the end would cut its route short.
      for (std::size_t k = 0; k + 1 < component.route.size(); ++k) {
        const RouteEntrySpec& step = component.route[k];
        if (std::find(step.stations.begin(), step.stations.end(), first.station()) == step.stations.end()) continue;
        ctx.error(step.mark, product_path(c) + ".route[" + std::to_string(k) + "]",
                  "component " + quoted(line.product, '\'') + " would be assembled into " + quoted(product.id, '\'') +
                      " here, at its first visit to " + quoted(first.station(), '\'') +
                      ", and never go on: a component visits its assembly station only at the end of its route");
        break;
      }
    }
  }

  // Stations: an assembly station neither batches nor reworks; rework routes, batches and queues.
  std::vector<bool> assembles(spec.stations.size(), false);
  for (const ProductSpec& product : spec.products)
    if (!product.bom.empty() && !product.route.empty() && !product.route.front().any)
      if (const std::size_t i = station_index.find(product.route.front().station()); i != IdIndex::NONE)
        assembles[i] = true;
  for (std::size_t i = 0; i < spec.stations.size(); ++i) {
    const StationSpec& st = spec.stations[i];
    const std::string path = item_path("stations", i);
    if (assembles[i] && st.params.batch)
      ctx.error(st.batch_mark, path + ".batch", "an assembly station builds one kit at a time: it cannot batch");
    if (assembles[i] && st.params.rejects)
      ctx.error(st.rejects_mark, path + ".rejects",
                "an assembly station cannot send rejects to rework (a kit is not taken apart); test after it");
    if (st.params.batch && st.params.queue != models::QueueDiscipline::FIFO)
      ctx.error(st.queue_mark, path + ".queue", "a batch station starts batches in arrival order: its queue is fifo");
    if (st.params.rejects && !(st.params.yield < 1.0))
      ctx.warning(st.rejects_mark, path + ".rejects", "the station has no `yield` below 1: no part is ever rejected");
    if (st.params.rejects)
      for (std::size_t k = 0; k < st.rework_route.size(); ++k) {
        const std::size_t r = station_index.find(st.rework_route[k]);
        if (r == IdIndex::NONE) continue;
        if (r == i)
          ctx.error(st.rework_marks[k], path + ".rejects.route[" + std::to_string(k) + "]",
                    "a rework route leads away from the station; `then: back` brings the part back to it");
        else if (assembles[r])
          ctx.error(st.rework_marks[k], path + ".rejects.route[" + std::to_string(k) + "]",
                    "station " + quoted(st.rework_route[k], '\'') + " assembles kits; it cannot rework single parts");
        else if (spec.stations[r].params.batch)
          ctx.error(st.rework_marks[k], path + ".rejects.route[" + std::to_string(k) + "]",
                    "station " + quoted(st.rework_route[k], '\'') + " batches; a rework route takes single parts");
      }
  }

  // Sources: what a saturated one feeds.
  for (std::size_t s = 0; s < spec.sources.size(); ++s) {
    const SourceSpec& source = spec.sources[s];
    if (source.kind != SourceSpec::Kind::SATURATED) continue;
    for (const MixEntry& m : source.mix) {
      const std::size_t p = product_index.find(m.product);
      if (p == IdIndex::NONE) continue;
      const ProductSpec& product = spec.products[p];
      if (!product.bom.empty())
        ctx.error(m.mark, item_path("sources", s),
                  "a saturated source feeds one station; product " + quoted(m.product, '\'') +
                      " is assembled from components that start elsewhere (give them sources of their own)");
      else if (!product.route.empty() && product.route.front().any)
        ctx.error(m.mark, item_path("sources", s),
                  "a saturated source feeds one station; product " + quoted(m.product, '\'') +
                      " starts at a choice of stations (`any`)");
    }
  }
}

topology::RouteInput::Product route_moves(const ScenarioSpec& spec, const ProductSpec& product,
                                          const std::function<std::size_t(const std::string&)>& station_index) {
  constexpr std::size_t NONE = std::string::npos;
  topology::RouteInput::Product out{product.id, {}, {}, {}, {}};
  const auto indices = [&](const RouteEntrySpec& e) {
    std::vector<std::size_t> v;
    for (const std::string& s : e.stations)
      if (const std::size_t i = station_index(s); i != NONE) v.push_back(i);
    return v;
  };
  const std::size_t n = product.route.size();
  if (n == 0) return out;
  out.starts = indices(product.route.front());
  for (std::size_t k = 0; k < n; ++k) {
    const std::vector<std::size_t> here = indices(product.route[k]);
    const std::vector<std::size_t> after = k + 1 < n ? indices(product.route[k + 1]) : std::vector<std::size_t>{};
    for (std::size_t from : here) {
      // Its rework: from -> r1 -> ... -> rn -> back to `from`, or on to what follows.
      std::vector<std::size_t> leaving{from};
      if (spec.stations[from].params.rejects) {
        std::size_t previous = from;
        for (const std::string& r : spec.stations[from].rework_route) {
          const std::size_t i = station_index(r);
          if (i == NONE) continue;
          out.moves.emplace_back(previous, i);
          previous = i;
        }
        if (spec.stations[from].params.rejects->then == models::RejectsParams::Then::BACK)
          out.moves.emplace_back(previous, from);
        else
          leaving.push_back(previous);
      }
      for (std::size_t l : leaving) {
        for (std::size_t to : after) out.moves.emplace_back(l, to);
        if (k + 1 == n) out.ends.push_back(l);
      }
    }
  }
  return out;
}

std::vector<bool> component_products(const ScenarioSpec& spec) {
  std::unordered_set<std::string> components;
  for (const ProductSpec& p : spec.products)
    for (const BomEntrySpec& line : p.bom)
      if (line.product != p.id) components.insert(line.product);
  std::vector<bool> out(spec.products.size());
  for (std::size_t p = 0; p < spec.products.size(); ++p) out[p] = components.count(spec.products[p].id) > 0;
  return out;
}

std::vector<std::vector<std::size_t>> station_visitors(const ScenarioSpec& spec) {
  const IdIndex station_index(spec.stations);
  const std::vector<bool> component = component_products(spec);
  std::vector<std::vector<std::size_t>> out(spec.stations.size());
  for (std::size_t p = 0; p < spec.products.size(); ++p) {
    // Products are taken in order: if p is among a station's visitors already, it is the last one.
    const auto add_visitor = [&](std::size_t s) {
      if (out[s].empty() || out[s].back() != p) out[s].push_back(p);
    };
    const ProductSpec& product = spec.products[p];
    // A component's last station consumes it: it has no process time there for this product.
    const std::size_t n = product.route.size() - (component[p] && !product.route.empty() ? 1 : 0);
    for (std::size_t k = 0; k < n; ++k)
      for (const std::string& station : product.route[k].stations) {
        const std::size_t s = station_index.find(station);
        if (s == IdIndex::NONE) continue;  // an unknown station: reported as such
        add_visitor(s);
        if (spec.stations[s].params.rejects)
          for (const std::string& r : spec.stations[s].rework_route)
            if (const std::size_t i = station_index.find(r); i != IdIndex::NONE) add_visitor(i);
      }
  }
  return out;
}

bool visits(const std::vector<std::size_t>& visitors, std::size_t product) {
  return std::binary_search(visitors.begin(), visitors.end(), product);
}

ProcessTimes::ProcessTimes(const std::vector<StationSpec>& stations) : stations_(&stations), by_product_(stations.size()) {
  for (std::size_t s = 0; s < stations.size(); ++s)
    for (const ProductDistribution& pd : stations[s].process_by_product) by_product_[s].emplace(pd.product, &pd.dist);
}

const Distribution* ProcessTimes::find(std::size_t s, const std::string& product) const {
  const auto it = by_product_[s].find(product);
  if (it != by_product_[s].end()) return it->second;
  const StationSpec& st = (*stations_)[s];
  return st.process ? &*st.process : nullptr;
}

// ---- building ------------------------------------------------------------------------------------

std::vector<std::vector<std::uint32_t>> entry_steps(const ProductSpec& product) {
  std::vector<std::vector<std::uint32_t>> out(product.route.size());
  auto next = static_cast<std::uint32_t>(product.route.size());
  for (std::size_t k = 0; k < product.route.size(); ++k) {
    if (!product.route[k].any) {
      out[k].push_back(static_cast<std::uint32_t>(k));
      continue;
    }
    for (std::size_t a = 0; a < product.route[k].stations.size(); ++a) out[k].push_back(next++);
  }
  return out;
}

std::vector<models::RouteStepParams> build_route_steps(
    const ScenarioSpec& spec, const ProductSpec& product, bool component,
    const std::function<std::size_t(const std::string&)>& station_index,
    const std::function<kernel::Distribution(std::size_t, const std::string&)>& process_time) {
  using models::RouteStepParams;
  const auto step_at = [&](const std::string& station, std::uint32_t next) {
    RouteStepParams step;
    step.station = station_index(station);
    step.process = process_time(step.station, product.id);
    step.next = next;
    return step;
  };
  const std::size_t n = product.route.size();
  const auto following = [&](std::size_t k) { return k + 1 < n ? static_cast<std::uint32_t>(k + 1) : models::ROUTE_END; };
  std::vector<RouteStepParams> steps;
  steps.reserve(n);
  // The route as written: plain steps, and choice steps whose alternatives follow.
  const auto entries = entry_steps(product);
  for (std::size_t k = 0; k < n; ++k) {
    const RouteEntrySpec& e = product.route[k];
    if (component && k + 1 == n && !e.any) {
      // Consumed here by the assembly: no process time of its own.
      RouteStepParams last;
      last.station = station_index(e.station());
      last.next = models::ROUTE_END;
      steps.push_back(std::move(last));
      continue;
    }
    RouteStepParams step = step_at(e.station(), following(k));
    if (e.any) {
      step.alternatives = entries[k];
      step.weights = e.weights;
    }
    steps.push_back(std::move(step));
  }
  for (std::size_t k = 0; k < n; ++k)
    if (product.route[k].any)
      for (const std::string& s : product.route[k].stations) steps.push_back(step_at(s, following(k)));

  // Rework: for each step at a station with `rejects`, its rework route's steps; the last returns
  // to a copy of the step (`back`) or goes on to the step's `next` (`next`).
  const std::size_t written = steps.size();
  for (std::size_t k = 0; k < written; ++k) {
    if (!steps[k].alternatives.empty()) continue;
    const StationSpec& st = spec.stations[steps[k].station];
    if (!st.params.rejects) continue;
    const auto first = static_cast<std::uint32_t>(steps.size());
    const std::size_t length = st.rework_route.size();
    const bool back = st.params.rejects->then == models::RejectsParams::Then::BACK;
    for (std::size_t r = 0; r < length; ++r) {
      const auto after = static_cast<std::uint32_t>(steps.size() + 1);
      steps.push_back(step_at(st.rework_route[r], r + 1 < length || back ? after : steps[k].next));
    }
    if (back) {
      RouteStepParams again = steps[k];  // tested again: same station and process, no transport
      again.reject = first;
      steps.push_back(std::move(again));
    }
    steps[k].reject = first;
  }
  return steps;
}

}  // namespace plantwin::scenario
