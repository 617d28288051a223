#include "scenario/loader.hpp"
#include "scenario/material.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>
#include <unordered_set>

#include "scenario/checks.hpp"
#include "scenario/declared.hpp"
#include "scenario/id_index.hpp"
#include "scenario/transport.hpp"
#include "scenario/network.hpp"
#include "scenario/overrides.hpp"
#include "scenario/planning.hpp"
#include "scenario/text.hpp"
#include "scenario/units.hpp"
#include "scenario/yaml_reader.hpp"
#include "scenario/yaml_tree.hpp"
#include "topology/route_graph.hpp"

namespace plantwin::scenario {

namespace {

constexpr int SUPPORTED_VERSION = 1;
constexpr std::int64_t INT64_MAX_VALUE = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t MAX_ORDER_QUANTITY = 1'000'000;
constexpr std::int64_t MAX_TOTAL_ORDER_QUANTITY = 10'000'000;
// Each server costs memory (about 200 bytes) in every replication: 10,000 stations of 10,000
// servers each would be 20 GB.
constexpr std::int64_t MAX_TOTAL_SERVERS = 1'000'000;

/// Everything one scenario read collects besides the spec: declarations and references to check
/// across sections, and whether each section read without error (a check that depends on a
/// section with errors would only repeat them in other words).
struct ScenarioRead {
  explicit ScenarioRead(ReadContext& context) : ctx(context) {}

  ReadContext& ctx;
  std::vector<Declaration> products_declared, units_declared, orders_declared, planning_declared;
  std::unordered_set<std::string> product_ids;  ///< declared, once the products are read
  std::vector<Reference> station_refs, product_refs, calendar_refs, pool_refs;
  std::vector<Reference> route_refs;  ///< the station references of the products' routes
  std::int64_t total_quantity = 0;
  bool total_quantity_reported = false;
  std::int64_t total_servers = 0;
  kernel::Tick run_ticks = 0;  ///< warmup + horizon, once both are read and valid (else 0)
  bool unsupported_version = false;
  bool products_ok = false, sources_ok = false;  ///< the section read without error
  bool products_listed = false, stations_listed = false;  ///< the section is a list
  PlanningRead planning_read;
  std::vector<bool> process_ok;          ///< per station: its `process` read without error
  std::vector<std::string> mix_paths;    ///< per source: the path of `product` or `mix`
  std::vector<bool> mix_ok;              ///< per source: its product or mix read without error
};

/// A value written where a distribution goes is one when it is a duration or a map with `dist`;
/// otherwise (for `process` and `setup`) it is a map keyed by product.
bool is_distribution(const YamlNode& node) { return node.is_scalar() || (node.is_map() && node.find("dist")); }

/// Reads an id declaration for `kind` and remembers it for the uniqueness check.
auto declared_id(std::vector<Declaration>& declarations, const char* kind) {
  return [&declarations, kind](ReadContext& ctx, const YamlNode& node, const std::string& path) {
    auto id = read_id(ctx, node, path);
    if (id) declarations.push_back({*id, ctx.mark(node), path, kind});
    return id;
  };
}

/// Reads a reference to an id (any string: an unknown one is reported, with "did you mean", when
/// every id is known) and remembers it.
auto reference(std::vector<Reference>& references, std::string_view what) {
  return [&references, what](ReadContext& ctx, const YamlNode& node, const std::string& path) {
    const std::string* text = scalar_text(ctx, node, path, what);
    std::optional<std::string> id;
    if (text) {
      id = *text;
      references.push_back({*text, ctx.mark(node), path});
    }
    return id;
  };
}

std::optional<std::string> read_name(ReadContext& ctx, const YamlNode& node, const std::string& path) {
  const std::string* text = scalar_text(ctx, node, path, "a name");
  if (!text) return std::nullopt;
  if (text->empty()) {
    ctx.error(node, path, "expected a non-empty name");
    return std::nullopt;
  }
  // Also C1 controls and the bidirectional ones (U+202E turns the text that follows around): a
  // name is printed in tables, reports and JUnit files.
  for (std::size_t i = 0; i < text->size(); ++i)
    if (control_character_at(*text, i) > 0) {
      ctx.error(node, path, "a name is one line of text, without control characters; got " + quoted(*text));
      return std::nullopt;
    }
  return *text;
}

/// `epoch: 2026-03-02T00:00:00+08:00`: a whole second, with its UTC offset.
std::optional<EpochSpec> read_epoch(ReadContext& ctx, const YamlNode& node, const std::string& path) {
  const std::string* text = scalar_text(ctx, node, path, "a date and time");
  if (!text) return std::nullopt;
  std::string error;
  const auto instant = parse_instant(*text, true, &error);
  if (!instant) {
    ctx.error(node, path, error);
    return std::nullopt;
  }
  if (instant->nanos != 0) {
    ctx.error(node, path, "an epoch is a whole second, got " + quoted(*text));
    return std::nullopt;
  }
  return EpochSpec{instant->unix_seconds, instant->offset_minutes, *text, ctx.mark(node)};
}

// ---- products ---------------------------------------------------------------------------------------

ProductSpec read_product(ScenarioRead& r, const YamlNode& node, const std::string& path) {
  ProductSpec p;
  p.mark = r.ctx.mark(node);
  MapReader map(r.ctx, node, path, "a product (a map with id and route)");
  map.required("id", p.id, declared_id(r.products_declared, "product"));
  map.required("route", p.route, [&](ReadContext& ctx, const YamlNode& route, const std::string& route_path) {
    std::vector<RouteEntrySpec> entries;
    bool ok = true;
    const bool is_list = for_each_item(ctx, route, route_path, "a list of station ids",
                                       [&](const YamlNode& item, const std::string& item_path, std::size_t) {
                                         // `test`, {station: test, via: agv} or {any: [a, b], ...} (material.cpp).
                                         auto entry = read_route_entry(ctx, item, item_path, r.route_refs);
                                         ok = ok && entry.has_value();
                                         if (entry) entries.push_back(std::move(*entry));
                                       });
    if (is_list && route.entries.empty()) ctx.error(route, route_path, "a route needs at least one station");
    return is_list && ok && !entries.empty() ? std::optional(std::move(entries)) : std::nullopt;
  });
  if (const YamlNode* bom = map.get("bom")) read_bom(r.ctx, *bom, map.child_path("bom"), p, r.product_refs);
  return p;
}

// ---- sources ----------------------------------------------------------------------------------------

OrderSpec read_order(ScenarioRead& r, const YamlNode& node, const std::string& path, const std::string& source_id,
                     std::size_t index) {
  OrderSpec o;
  o.mark = r.ctx.mark(node);
  MapReader map(r.ctx, node, path, "an order (a map with product, quantity, release, due)");
  if (!map.valid()) return o;
  o.id = source_id + "#" + std::to_string(index + 1);
  map.optional("id", o.id, declared_id(r.orders_declared, "order"));
  map.required("product", o.product, reference(r.product_refs, "a product id"));
  const bool quantity_ok = map.optional("quantity", o.quantity, IntegerIn<std::int64_t>{1, MAX_ORDER_QUANTITY});
  const bool release_ok = map.optional("release", o.release, read_duration);
  map.optional("due", o.due, read_duration);
  map.optional("priority", o.priority, IntegerIn<int>{-1'000'000, 1'000'000});
  if (release_ok && o.due && *o.due < o.release) {
    const YamlNode& due = *map.get("due");
    r.ctx.error(due, map.child_path("due"), "due " + describe(due) + " is before release " + describe(*map.get("release")));
  }
  if (quantity_ok) {
    r.total_quantity += o.quantity;
    if (r.total_quantity > MAX_TOTAL_ORDER_QUANTITY && !r.total_quantity_reported) {
      r.total_quantity_reported = true;
      const YamlNode* at = map.has("quantity") ? map.get("quantity") : &node;
      r.ctx.error(*at, map.has("quantity") ? map.child_path("quantity") : path,
                  "the orders of a scenario hold at most " + std::to_string(MAX_TOTAL_ORDER_QUANTITY) +
                      " parts in all; this one brings the total to " + std::to_string(r.total_quantity));
    }
  }
  return o;
}

/// The mix of a source: `product: x` (one entry of weight 1) or `mix: {x: 0.7, y: 0.3}`.
/// `kind_given`: the source has one of `interarrival`, `saturated` and `orders`.
bool read_mix(ScenarioRead& r, MapReader& map, SourceSpec& s, bool kind_given) {
  ReadContext& ctx = r.ctx;
  const bool has_product = map.has("product"), has_mix = map.has("mix");
  if (has_product && has_mix) {
    ctx.error(*map.key_node("mix"), map.path(), "give `product` or `mix`, not both");
    map.get("product");
    map.get("mix");
    return false;
  }
  if (!has_product && !has_mix) {
    // With no kind given, `ordres` is a misspelt kind too: an orders source takes no product.
    std::vector<std::string> keys{"product", "mix"};
    if (!kind_given) keys.emplace_back("orders");
    map.require_one_of(keys, "missing required key 'product' (or 'mix')");
    return false;
  }
  if (has_product) {
    r.mix_paths.back() = map.child_path("product");
    MixEntry entry;
    const YamlNode* value = map.get("product");
    if (!map.optional("product", entry.product, reference(r.product_refs, "a product id"))) return false;
    entry.mark = ctx.mark(*value);
    s.mix.push_back(std::move(entry));
    return true;
  }
  r.mix_paths.back() = map.child_path("mix");
  const YamlNode& mix_node = *map.get("mix");
  MapReader mix(ctx, mix_node, map.child_path("mix"), "a map product -> weight");
  if (!mix.valid()) return false;
  bool ok = true;
  for (const YamlEntry* e : mix.entries()) {
    MixEntry entry;
    entry.product = e->key->text;
    entry.mark = ctx.mark(*e->key);
    r.product_refs.push_back({entry.product, ctx.mark(*e->key), mix.path()});
    const auto weight = NumberIn{0, std::numeric_limits<double>::max(), true}(
        ctx, *e->value, child_path(mix.path(), e->key->text));
    ok = ok && weight.has_value();
    entry.weight = weight.value_or(1.0);
    s.mix.push_back(std::move(entry));
  }
  if (s.mix.empty() && ok) {
    ctx.error(mix_node, mix.path(), "a mix needs at least one product");
    return false;
  }
  return ok;
}

SourceSpec read_source(ScenarioRead& r, const YamlNode& node, const std::string& path) {
  ReadContext& ctx = r.ctx;
  SourceSpec s;
  s.mark = ctx.mark(node);
  r.mix_paths.push_back(path);
  r.mix_ok.push_back(false);
  MapReader map(ctx, node, path, "a source (a map)");
  if (!map.valid()) return s;
  map.required("id", s.id, declared_id(r.units_declared, "source"));

  using Kind = SourceSpec::Kind;
  map.require_one_of({"interarrival", "saturated", "orders"},
                     "a source needs one of `interarrival`, `saturated: true` or `orders`");
  std::vector<std::pair<const char*, Kind>> kinds;
  for (const auto& [key, kind] : {std::pair{"interarrival", Kind::INTERARRIVAL}, std::pair{"saturated", Kind::SATURATED},
                                  std::pair{"orders", Kind::ORDERS}})
    if (map.has(key)) kinds.emplace_back(key, kind);
  if (kinds.size() > 1)
    ctx.error(*map.key_node(kinds[1].first), path, "give only one of `interarrival`, `saturated` and `orders`");
  s.kind = kinds.empty() ? Kind::INTERARRIVAL : kinds[0].second;

  if (map.has("interarrival") && map.optional("interarrival", s.interarrival, read_distribution) &&
      s.kind == Kind::INTERARRIVAL && !(s.interarrival.mean() > 0))
    ctx.error(*map.get("interarrival"), map.child_path("interarrival"),
              "interarrival must have a positive mean: parts would all arrive at one instant");
  bool saturated = true;
  if (map.optional("saturated", saturated, read_bool) && !saturated)
    ctx.error(*map.get("saturated"), map.child_path("saturated"), "omit `saturated` or set it to true");
  if (map.has("orders")) {
    const YamlNode& orders = *map.get("orders");
    const std::string orders_path = map.child_path("orders");
    const bool is_list = for_each_item(ctx, orders, orders_path, "a list of orders",
                                       [&](const YamlNode& item, const std::string& item_path, std::size_t i) {
                                         s.orders.push_back(read_order(r, item, item_path, s.id, i));
                                       });
    if (is_list && orders.entries.empty()) ctx.error(orders, orders_path, "expected at least one order");
  }

  bool limit_ok = true;
  if (s.kind == Kind::ORDERS) {
    for (const char* key : {"product", "mix", "limit"})
      if (map.has(key)) {
        ctx.error(*map.key_node(key), path,
                  std::string("an orders source ") +
                      (key == std::string_view("limit") ? "has no `limit`: its orders say how many parts"
                                                        : "takes the product of each order: remove `" +
                                                              std::string(key) + "`"));
        map.get(key);
      }
    r.mix_ok.back() = true;
  } else {
    r.mix_ok.back() = read_mix(r, map, s, !kinds.empty());
    limit_ok = map.optional("limit", s.limit, IntegerIn<std::int64_t>{0, INT64_MAX_VALUE});
  }
  // Judged only for a source that is plainly of this kind with a valid limit: beside another
  // error there, a second one would be noise.
  if (s.kind == Kind::INTERARRIVAL && kinds.size() == 1 && limit_ok && s.interarrival.mean() > 0 &&
      map.has("interarrival") && !(s.limit && static_cast<double>(*s.limit) <= MAX_RECURRENCES))
    check_recurrences(ctx, r.run_ticks, ctx.mark(*map.get("interarrival")), map.child_path("interarrival"),
                      s.interarrival.mean(), "part", "parts", "interarrival");
  if (const YamlNode* limit = map.get("wip_limit")) {
    s.wip_limit_mark = ctx.mark(*limit);
    s.wip_limit = IntegerIn<std::int64_t>{1, 1'000'000'000}(ctx, *limit, map.child_path("wip_limit"));
  }
  if (const YamlNode* calendar = map.get("calendar")) {
    s.calendar = reference(r.calendar_refs, "a calendar id")(ctx, *calendar, map.child_path("calendar")).value_or("");
    s.calendar_mark = ctx.mark(*calendar);
  }
  return s;
}

// ---- stations ---------------------------------------------------------------------------------------

/// `failures`: the fields FailureParams declares (models/station.hpp).
std::optional<models::FailureParams> read_failures(ReadContext& ctx, const YamlNode& node, const std::string& path) {
  MapReader map(ctx, node, path, "a map with mtbf and mttr");
  if (!map.valid()) return std::nullopt;
  models::FailureParams f;
  if (!read_declared(map, f)) return std::nullopt;
  return f;
}

/// `maintenance`: the fields MaintenanceParams declares; `first` only with the calendar basis.
std::optional<models::MaintenanceParams> read_maintenance(ReadContext& ctx, const YamlNode& node, const std::string& path) {
  MapReader map(ctx, node, path, "a map with every and for");
  if (!map.valid()) return std::nullopt;
  models::MaintenanceParams m;
  if (!read_declared(map, m)) return std::nullopt;
  if (m.first && m.basis == models::MaintenanceParams::Basis::OPERATING) {
    ctx.error(*map.key_node("first"), map.child_path("first"),
              "`first` is for the calendar basis; on the operating basis the first maintenance comes after `every` of "
              "working time");
    return std::nullopt;
  }
  return m;
}

/// `operators: {setup: pool, work: pool, repair: pool}`: the pools' ids, checked once every pool is known.
bool read_station_operators(ScenarioRead& r, StationSpec& st, const YamlNode& node, const std::string& path) {
  MapReader map(r.ctx, node, path, "a map with setup, work or repair naming an operator pool");
  if (!map.valid()) return false;
  bool ok = true;
  for (std::size_t t = 0; t < models::OPERATOR_TASK_COUNT; ++t) {
    const char* task = models::operator_task_name(static_cast<models::OperatorTask>(t));
    if (const YamlNode* value = map.get(task)) {
      const auto id = reference(r.pool_refs, "an operator pool id")(r.ctx, *value, map.child_path(task));
      st.operators[t] = id.value_or("");
      st.operator_marks[t] = r.ctx.mark(*value);
      ok = ok && id.has_value();
    }
  }
  if (map.valid() && node.entries.empty()) {
    r.ctx.error(node, path, "expected at least one of setup, work or repair");
    ok = false;
  }
  return ok;
}

/// A map meant as a distribution whose `dist` key is misspelt would read as a map keyed by
/// product, with confusing errors ("unknown product 'dsit'"). Reports each key that is close to
/// `dist` and no declared product as an unknown key instead, and returns whether there was one.
bool misspelt_dist(ScenarioRead& r, const YamlNode& node, const std::string& path) {
  bool misspelt = false;
  for (const YamlEntry& e : node.entries) {
    if (!e.key->is_scalar()) continue;
    const std::string& key = e.key->text;
    if (r.product_ids.count(key)) continue;
    const std::string suggestion = r.ctx.suggest(key, {"dist"});
    if (suggestion.empty()) continue;
    r.ctx.error(*e.key, path, "unknown key " + quoted(key, '\'') + suggestion);
    misspelt = true;
  }
  return misspelt;
}

/// `process`: one distribution, or a map product -> distribution.
bool read_process(ScenarioRead& r, StationSpec& st, const YamlNode& node, const std::string& path) {
  ReadContext& ctx = r.ctx;
  st.process_mark = ctx.mark(node);
  if (is_distribution(node)) {
    st.process = read_distribution(ctx, node, path);
    return st.process.has_value();
  }
  if (node.is_map() && misspelt_dist(r, node, path)) return false;
  MapReader map(ctx, node, path, "a duration, a distribution or a map product -> duration");
  if (!map.valid()) return false;
  bool ok = true;
  for (const YamlEntry* e : map.entries()) {
    r.product_refs.push_back({e->key->text, ctx.mark(*e->key), path});
    const auto dist = read_distribution(ctx, *e->value, child_path(path, e->key->text));
    if (dist) st.process_by_product.push_back({e->key->text, *dist, ctx.mark(*e->key)});
    ok = ok && dist.has_value();
  }
  if (map.entries().empty()) {
    ctx.error(node, path, "expected a duration, a distribution or a map product -> duration, got an empty map");
    ok = false;
  }
  return ok;
}

/// `setup`: one distribution for every change of product, or a matrix from -> {to -> distribution}.
std::optional<SetupSpec> read_setup(ScenarioRead& r, const YamlNode& node, const std::string& path) {
  ReadContext& ctx = r.ctx;
  SetupSpec setup;
  setup.mark = ctx.mark(node);
  if (is_distribution(node)) {
    setup.any = read_distribution(ctx, node, path);
    return setup.any ? std::optional(setup) : std::nullopt;
  }
  if (node.is_map() && misspelt_dist(r, node, path)) return std::nullopt;
  MapReader matrix(ctx, node, path, "a duration, a distribution or a map from-product -> {to-product -> duration}");
  if (!matrix.valid()) return std::nullopt;
  bool ok = true;
  for (const YamlEntry* from : matrix.entries()) {
    r.product_refs.push_back({from->key->text, ctx.mark(*from->key), path});
    const std::string from_path = child_path(path, from->key->text);
    if (from->value->is_map() && from->value->find("dist")) {
      ctx.error(*from->value, from_path, "expected a map to-product -> duration, got a distribution");
      ok = false;
      continue;
    }
    MapReader row(ctx, *from->value, from_path, "a map to-product -> duration");
    if (!row.valid()) {
      ok = false;
      continue;
    }
    for (const YamlEntry* to : row.entries()) {
      r.product_refs.push_back({to->key->text, ctx.mark(*to->key), from_path});
      if (to->key->text == from->key->text) {
        ctx.error(*to->key, from_path,
                  "no setup happens between two parts of the same product; remove " + quoted(to->key->text, '\''));
        ok = false;
        continue;
      }
      const auto dist = read_distribution(ctx, *to->value, child_path(from_path, to->key->text));
      if (dist) setup.matrix.push_back({from->key->text, to->key->text, *dist, ctx.mark(*to->key)});
      ok = ok && dist.has_value();
    }
  }
  if (!ok) return std::nullopt;
  return setup;
}

StationSpec read_station(ScenarioRead& r, const YamlNode& node, const std::string& path) {
  ReadContext& ctx = r.ctx;
  StationSpec st;
  st.mark = ctx.mark(node);
  r.process_ok.push_back(false);
  MapReader map(ctx, node, path, "a station (a map)");
  if (!map.valid()) return st;
  map.required("id", st.id, declared_id(r.units_declared, "station"));
  // servers, buffer, yield, at_shift_end: as StationParams declares them.
  const bool declared_ok = read_declared(map, st.params);
  if (declared_ok && r.total_servers <= MAX_TOTAL_SERVERS && (r.total_servers += st.params.servers) > MAX_TOTAL_SERVERS)
    ctx.error(map.has("servers") ? *map.get("servers") : node, map.has("servers") ? map.child_path("servers") : path,
              "the stations of a scenario have at most " + std::to_string(MAX_TOTAL_SERVERS) +
                  " servers in all; this one brings the total to " + std::to_string(r.total_servers));
  bool process_read = false;
  map.required("process", process_read, [&](ReadContext&, const YamlNode& process, const std::string& process_path) {
    return std::optional(read_process(r, st, process, process_path));
  });
  r.process_ok.back() = process_read;
  map.optional("failures", st.params.failures, read_failures);
  if (const YamlNode* failures = map.get("failures")) {
    st.failures_mark = ctx.mark(*failures);
    // With a short `mttr` too, the mtbf is what was mistyped.
    if (const YamlEntry* mtbf = failures->is_map() ? failures->find("mtbf") : nullptr; mtbf && st.params.failures)
      check_recurrences(ctx, r.run_ticks, ctx.mark(*mtbf->value), map.child_path("failures") + ".mtbf",
                        st.params.failures->time_to_failure.mean() + st.params.failures->time_to_repair.mean(),
                        "failure", "failures of a server", "mtbf + mttr");
  }
  map.optional("setup", st.setup, [&](ReadContext&, const YamlNode& setup, const std::string& setup_path) {
    return read_setup(r, setup, setup_path);
  });
  map.optional("maintenance", st.params.maintenance, read_maintenance);
  if (const YamlNode* maintenance = map.get("maintenance"); maintenance && st.params.maintenance)
    if (const YamlEntry* every = maintenance->is_map() ? maintenance->find("every") : nullptr)
      check_recurrences(ctx, r.run_ticks, ctx.mark(*every->value), map.child_path("maintenance") + ".every",
                        kernel::to_seconds(st.params.maintenance->every) + st.params.maintenance->duration.mean(),
                        "maintenance", "maintenances", "every + for");
  if (const YamlNode* at_shift_end = map.get("at_shift_end")) st.at_shift_end_mark = ctx.mark(*at_shift_end);
  if (const YamlNode* calendar = map.get("calendar")) {
    st.calendar = reference(r.calendar_refs, "a calendar id")(ctx, *calendar, map.child_path("calendar")).value_or("");
    st.calendar_mark = ctx.mark(*calendar);
  }
  if (const YamlNode* operators = map.get("operators")) read_station_operators(r, st, *operators, map.child_path("operators"));
  read_station_material(ctx, map, st, r.station_refs);
  return st;
}

// ---- the scenario -----------------------------------------------------------------------------------

std::optional<int> read_version(ScenarioRead& r, const YamlNode& node, const std::string& path) {
  const std::string* text = scalar_text(r.ctx, node, path, "an integer");
  if (!text) return std::nullopt;
  const auto number = parse_number(*text, nullptr);
  if (!number) {
    report_expected(r.ctx, node, path, "an integer");
    return std::nullopt;
  }
  if (*number != SUPPORTED_VERSION) {
    r.ctx.error(node, path,
                "unsupported format version " + *text + "; this plantwin reads version " +
                    std::to_string(SUPPORTED_VERSION));
    r.unsupported_version = true;
    return std::nullopt;
  }
  return SUPPORTED_VERSION;
}

/// How a top-level list section read.
struct SectionRead {
  bool listed = false;  ///< it is a list
  bool clean = false;   ///< ... of at least one item, read without any error
};

/// Reads a top-level list section into `items`, one item per YAML item (also for items with
/// errors, so that indices in paths stay those of the file).
template <class Item, class ReadItem>
SectionRead read_section(ScenarioRead& r, MapReader& map, const char* key, const char* noun, std::vector<Item>& items,
                         ReadItem&& read_item) {
  const std::size_t errors_before = r.ctx.error_count();
  const YamlNode* node = map.get_required(key);
  if (!node) return {};
  if (node->is_sequence()) items.reserve(node->entries.size());
  const bool is_list = for_each_item(r.ctx, *node, key, std::string("a list of ") + key,
                                     [&](const YamlNode& item, const std::string& path, std::size_t) {
                                       items.push_back(read_item(r, item, path));
                                     });
  if (is_list && items.empty()) r.ctx.error(*node, key, std::string("expected at least one ") + noun);
  return {is_list, is_list && !items.empty() && r.ctx.error_count() == errors_before};
}

void read_scenario(ScenarioRead& r, const YamlNode& root, ScenarioSpec& spec) {
  ReadContext& ctx = r.ctx;
  MapReader map(ctx, root, "", "a map (the scenario)");
  if (!map.valid()) return;
  map.required("plantwin", spec.version, [&](ReadContext&, const YamlNode& node, const std::string& path) {
    return read_version(r, node, path);
  });
  if (r.unsupported_version) {
    // Another version's keys mean other things: judging them by this version's rules would
    // only bury the one error that matters.
    map.ignore_rest();
    return;
  }
  map.required("name", spec.name, read_name);
  std::int64_t seed = 1;
  map.optional("seed", seed, IntegerIn<std::int64_t>{0, INT64_MAX_VALUE});
  spec.seed = static_cast<std::uint64_t>(seed);
  const bool horizon_ok = map.required("horizon", spec.horizon, read_duration);
  if (horizon_ok && spec.horizon <= 0) {
    report_expected(ctx, *map.get("horizon"), "horizon", "a duration > 0");
  }
  const bool warmup_ok = map.optional("warmup", spec.warmup, read_duration);
  if (horizon_ok && warmup_ok && spec.horizon > 0 && spec.horizon > kernel::MAX_RUN_TICKS - spec.warmup) {
    // At the value that made the sum too large: one given by an option or --set rather than the
    // file's (`--warmup 36500d` on the file's 8h is located at the option), else the larger one.
    const YamlNode& horizon = *map.get("horizon");
    const YamlNode* warmup = map.get("warmup");
    const auto in_file = [](const YamlNode& node) { return node.source == 0; };
    const bool at_warmup =
        warmup && (in_file(horizon) != in_file(*warmup) ? in_file(horizon) : spec.warmup > spec.horizon);
    ctx.error(at_warmup ? *warmup : horizon, at_warmup ? "warmup" : "horizon", "warmup + horizon must be at most 100 years");
  } else if (horizon_ok && warmup_ok && spec.horizon > 0 && spec.warmup >= 0) {
    r.run_ticks = spec.warmup + spec.horizon;
  }
  map.optional("replications", spec.replications, IntegerIn<int>{1, 100'000});
  map.optional("epoch", spec.epoch, read_epoch);

  // Products first: a station's `process` map needs the product ids to tell a product from a
  // misspelt `dist`.
  const SectionRead products = read_section(r, map, "products", "product", spec.products, read_product);
  for (const Declaration& d : r.products_declared) r.product_ids.insert(d.id);
  const SectionRead stations = read_section(r, map, "stations", "station", spec.stations, read_station);
  const SectionRead sources = read_section(r, map, "sources", "source", spec.sources, read_source);
  r.planning_read = read_planning_sections(ctx, map, spec, r.planning_declared, r.calendar_refs);
  read_transport(ctx, map, spec.transport);
  read_network_sections(ctx, map, spec);
  r.products_ok = products.clean;
  r.sources_ok = sources.clean;
  r.products_listed = products.listed;
  r.stations_listed = stations.listed;
}

// ---- checks across sections -------------------------------------------------------------------------

std::string station_path(std::size_t i) { return item_path("stations", i); }

/// What the checks of sources look up by product id, built once (a hostile file may hold a hundred
/// thousand products, and a mix or a station's process times as many entries): the product of an
/// id (the first, as ScenarioSpec::find_product), the stations where a component is assembled (the
/// first stations of the products whose bills of materials hold it), and process times.
class ProductLookup {
 public:
  explicit ProductLookup(const ScenarioSpec& spec)
      : products_(&spec.products), index_(spec.products), process_times_(spec.stations) {
    for (const ProductSpec& p : spec.products) {
      if (p.route.empty()) continue;
      for (const BomEntrySpec& line : p.bom)
        assembly_stations_[line.product].insert(p.route.front().stations.begin(), p.route.front().stations.end());
    }
  }
  const ProductSpec* product(const std::string& id) const {
    const std::size_t p = index_.find(id);
    return p == IdIndex::NONE ? nullptr : &(*products_)[p];
  }
  bool assembled_at(const std::string& component, const std::string& station) const {
    const auto it = assembly_stations_.find(component);
    return it != assembly_stations_.end() && it->second.count(station) > 0;
  }
  /// Station `s`'s process time for `product`, or null (a missing entry: an error already said).
  const Distribution* process(std::size_t s, const std::string& product) const { return process_times_.find(s, product); }
  /// Its mean, or nullopt.
  std::optional<double> mean_process(std::size_t s, const std::string& product) const {
    const Distribution* d = process(s, product);
    return d ? std::optional<double>(d->mean()) : std::nullopt;
  }

 private:
  const std::vector<ProductSpec>* products_;  // the spec's: a lookup lives inside check_scenario, before the spec moves
  IdIndex index_;
  ProcessTimes process_times_;
  std::unordered_map<std::string, std::unordered_set<std::string>> assembly_stations_;
};

/// Parts a second that a station's servers finish at most, for a mean process time.
double station_pace(const StationSpec& st, double mean) {
  const double per_process = st.params.batch ? static_cast<double>(st.params.batch->max) : 1.0;
  return mean > 0 ? st.params.servers * per_process / mean : std::numeric_limits<double>::infinity();
}

/// A saturated source makes a part whenever its first station can start one at once, so the
/// recurrence rule (checks.hpp) judges that station's pace: its servers (times a batch's most
/// parts) over the mix's mean process time there. Later stations do not hold the source back
/// through an infinite buffer (the parts pile up there), so a later step bounds it only while
/// every step before it is a plain station of a finite buffer, yield 1 and no rejects (nothing
/// leaves the route before it, and a full step blocks the ones before it), for a source of one
/// product, and not at a station that assembles it (an assembly consumes several to a process).
/// Re-entrant visits, setups, failures, shifts and operators only slow it: the bound is an upper
/// one. Said at the process time of the station that gives it. All process times 0 at the first
/// station are left to the run's stall check (no progress).
void check_saturated_pace(ReadContext& ctx, const ScenarioSpec& spec, Tick run_ticks, std::size_t source,
                          const IdIndex& station_index, const ProductLookup& lookup) {
  const SourceSpec& s = spec.sources[source];
  if (s.limit && static_cast<double>(*s.limit) <= MAX_RECURRENCES) return;  // it says how many there can be
  std::vector<const ProductSpec*> products;
  double heaviest = 0;
  for (const MixEntry& m : s.mix) {
    const ProductSpec* p = lookup.product(m.product);
    if (!p || p->route.empty() || p->route.front().any || !p->route.front().via.empty()) return;
    products.push_back(p);
    heaviest = std::max(heaviest, m.weight);
  }
  if (products.empty() || !(heaviest > 0)) return;
  const std::size_t first = station_index.find(products.front()->route.front().station());
  if (first == IdIndex::NONE) return;
  // The mix's mean process time at the first station (weights over the heaviest: no overflow).
  double weights = 0, weighted_mean = 0;
  for (std::size_t k = 0; k < products.size(); ++k) {
    const std::optional<double> mean = lookup.mean_process(first, products[k]->id);
    if (!mean) return;
    weights += s.mix[k].weight / heaviest;
    weighted_mean += s.mix[k].weight / heaviest * *mean;
  }
  double pace = station_pace(spec.stations[first], weighted_mean / weights);
  std::size_t at = first;
  if (products.size() == 1) {
    const ProductSpec& p = *products.front();
    // A component (in a `bom`) is consumed many to a process where it is assembled (the first
    // station of the product made of it): the walk stops before such a station.
    for (std::size_t k = 1; k < p.route.size(); ++k) {
      const StationSpec& before = spec.stations[station_index.at(p.route[k - 1].station())];
      if (before.params.yield < 1 || before.params.rejects) break;
      const RouteEntrySpec& step = p.route[k];
      if (step.any || !step.via.empty() || lookup.assembled_at(p.id, step.station())) break;
      const std::size_t i = station_index.find(step.station());
      if (i == IdIndex::NONE) break;
      const StationSpec& st = spec.stations[i];
      if (st.params.buffer == models::StationParams::INFINITE) break;
      const std::optional<double> mean = lookup.mean_process(i, p.id);
      if (!mean) return;
      if (const double here = station_pace(st, *mean); here < pace) {
        pace = here;
        at = i;
      }
    }
  }
  if (!std::isfinite(pace)) return;
  const std::string cycle_is = "the pace of " + quoted(spec.stations[at].id, '\'') + ", servers over process time",
                    of = "parts of the saturated source " + quoted(s.id, '\'');
  check_recurrences(ctx, run_ticks, spec.stations[at].process_mark, station_path(at) + ".process", 1 / pace, "part", of.c_str(),
                    cycle_is.c_str());
}

/// Warns of a station given more work than its servers can do, judged where the arrival rate is
/// known: at the first station of the parts of sources of `interarrival` (without a limit, a
/// calendar or a WIP limit) whose first stations all have infinite buffers and no `via` (such a
/// source never waits, so it sends its mean rate; any other could be held back by its head part).
/// Each product's share of the rate times its mean process time there, over the servers (times a
/// batch's most parts); not counted: later steps (an earlier station may hold the flow back), a
/// component where it is assembled (no process of its own), and process times of a long-tailed
/// distribution (lognormal, Weibull: draws are capped at 100 years, so the mean may overstate
/// them). Setups, failures, shifts and operators at the station only add to it, so the load is a
/// lower bound: above 1 no steady state exists, the queue grows without bound and every KPI
/// depends on the horizon. At exactly 1 it may or may not grow (an M/M/1 queue does, a
/// deterministic one does not): warned about from 1.001.
void warn_overload(ReadContext& ctx, const ScenarioSpec& spec, const IdIndex& station_index,
                   const ProductLookup& lookup) {
  const auto first_station = [&](const std::string& product) -> std::optional<std::size_t> {
    const ProductSpec* p = lookup.product(product);
    if (p == nullptr || !p->bom.empty() || p->route.empty() || p->route.front().any || !p->route.front().via.empty())
      return std::nullopt;
    const std::size_t i = station_index.find(p->route.front().station());
    if (i == IdIndex::NONE || spec.stations[i].params.buffer != models::StationParams::INFINITE) return std::nullopt;
    return i;
  };
  // A mean of a year or less is the mean of the draws too (draws are capped at 100 years).
  constexpr double MAX_CERTAIN_MEAN = 365 * 86400.0, HALF_TICK = 0.5e-9;
  std::vector<double> load(spec.stations.size(), 0.0), nominal(load);  // judged, said
  for (const SourceSpec& s : spec.sources) {
    if (s.kind != SourceSpec::Kind::INTERARRIVAL || s.limit || !s.calendar.empty() || s.wip_limit || s.mix.empty()) continue;
    const double interarrival = s.interarrival.mean();
    double heaviest = 0, weights = 0;  // weights over the heaviest: no overflow
    for (const MixEntry& m : s.mix) heaviest = std::max(heaviest, m.weight);
    for (const MixEntry& m : s.mix) weights += m.weight / heaviest;
    if (!(interarrival > 0) || !(heaviest > 0)) continue;
    std::vector<std::size_t> first(s.mix.size());
    bool never_waits = true;
    for (std::size_t k = 0; k < s.mix.size() && never_waits; ++k) {
      const std::optional<std::size_t> at = first_station(s.mix[k].product);
      never_waits = at.has_value();
      first[k] = at.value_or(0);
    }
    if (!never_waits) continue;
    for (std::size_t k = 0; k < s.mix.size(); ++k) {
      const MixEntry& m = s.mix[k];
      const StationSpec& st = spec.stations[first[k]];
      const Distribution* process = lookup.process(first[k], m.product);
      if (lookup.assembled_at(m.product, st.id) || process == nullptr || process->kind() == Distribution::Kind::LOGNORMAL ||
          process->kind() == Distribution::Kind::WEIBULL || process->mean() > MAX_CERTAIN_MEAN)
        continue;
      const double mean = process->mean();
      // Draws are whole nanoseconds: a process may be up to half of one shorter, an interarrival
      // half of one longer, than its distribution's mean.
      const double share = m.weight / heaviest / weights;
      load[first[k]] += share / (interarrival + HALF_TICK) / station_pace(st, std::max(0.0, mean - HALF_TICK));
      nominal[first[k]] += share / interarrival / station_pace(st, mean);
    }
  }
  // From 0.1 % over (closer, the queue grows too slowly to matter); the load of the means said,
  // rounded down to 4 digits (the nanosecond allowance only matters to the judgement).
  for (std::size_t i = 0; i < spec.stations.size(); ++i)
    if (load[i] >= 1.001 && std::isfinite(nominal[i])) {
      const double unit = std::pow(10.0, std::floor(std::log10(nominal[i])) - 3);
      ctx.warning(spec.stations[i].mark, station_path(i),
                  "station " + quoted(spec.stations[i].id, '\'') + " is given at least " +
                      significant(std::floor(nominal[i] / unit * (1 + 1e-12)) * unit, 4) +
                      " times the work its servers can do (its sources' mean arrival rates and the mean process time "
                      "here; setups, failures and shifts add to it): its queue grows without bound, the longer the run the "
                      "longer, and throughput, lead times and WIP depend on the horizon, not on the plant "
                      "(docs/scenario.md#overload)");
    }
}

void check_scenario(ScenarioRead& r, const ScenarioSpec& spec) {
  ReadContext& ctx = r.ctx;
  check_unique(ctx, r.products_declared);
  check_unique(ctx, r.units_declared);
  check_unique(ctx, r.orders_declared);
  check_unique(ctx, r.planning_declared);
  check_planning(ctx, spec, r.planning_read, r.calendar_refs, r.pool_refs);

  std::vector<std::string> product_ids, station_ids;
  for (const ProductSpec& p : spec.products)
    if (!p.id.empty()) product_ids.push_back(p.id);
  for (const StationSpec& s : spec.stations)
    if (!s.id.empty()) station_ids.push_back(s.id);
  // With an id missing, every reference to it would be "unknown": say nothing rather than that.
  const bool all_products_named = r.products_listed && product_ids.size() == spec.products.size();
  const bool all_stations_named = r.stations_listed && station_ids.size() == spec.stations.size();
  if (all_stations_named) {
    resolve(ctx, r.station_refs, station_ids, "station");
    // A route through an unknown station is an error of the products section: the checks that
    // need the routes would only say it again ("station 'b' is on no product's route").
    if (!resolve(ctx, r.route_refs, station_ids, "station")) r.products_ok = false;
  }
  if (all_products_named) resolve(ctx, r.product_refs, product_ids, "product");
  check_network_sections(ctx, spec, NetworkCheckInput{all_stations_named, all_products_named, r.run_ticks});
  if (!r.products_ok) return;

  // Which products visit each station, in product order, each once. (Sets and maps throughout:
  // a hostile file may hold a hundred thousand products visiting one station.)
  const IdIndex station_index(spec.stations);
  std::vector<std::vector<std::string>> visitors(spec.stations.size());
  const std::vector<std::vector<std::size_t>> visiting_products = station_visitors(spec);
  for (std::size_t s = 0; s < spec.stations.size(); ++s)
    for (std::size_t p : visiting_products[s]) {
      auto& v = visitors[s];
      if (v.empty() || v.back() != spec.products[p].id) v.push_back(spec.products[p].id);
    }
  const std::unordered_set<std::string> products(product_ids.begin(), product_ids.end());

  // The material routes as a graph (topology layer): stations on no route are errors; loops
  // through stations with finite buffers are warned about, since they can deadlock.
  topology::RouteInput graph_input;
  const std::vector<std::vector<std::size_t>> sources_of = producing_sources(spec);
  const IdIndex product_index(spec.products);
  for (const StationSpec& st : spec.stations) graph_input.stations.push_back(st.id);
  graph_input.source_count = spec.sources.size();
  for (const ProductSpec& p : spec.products) {
    topology::RouteInput::Product gp = route_moves(spec, p, [&](const std::string& id) { return station_index.find(id); });
    // A product's id: a duplicated one has its first product's sources.
    gp.sources = sources_of[product_index.at(p.id)];
    graph_input.products.push_back(std::move(gp));
  }
  const topology::RouteGraph graph(graph_input);
  std::vector<bool> unvisited(spec.stations.size(), false);
  for (std::size_t i : graph.unvisited_stations()) unvisited[i] = true;
  for (const auto& cycle : graph.cycles()) {
    bool finite = false;
    std::string names;
    for (std::size_t i : cycle) {
      finite = finite || spec.stations[i].params.buffer != models::StationParams::INFINITE;
      // Appended in two steps: `(cond ? "" : ", ") + text` trips a false -Wstringop-overflow of GCC 12 with LTO.
      if (!names.empty()) names += ", ";
      names += quoted(spec.stations[i].id, '\'');
    }
    if (finite)
      ctx.warning(spec.stations[cycle.front()].mark, station_path(cycle.front()),
                  "the routes loop through " + names +
                      " (a part can come back to a station it left); with finite buffers the line can deadlock, "
                      "which stops the run with an error");
  }

  std::unordered_set<std::string> on_refused_rework;  // the rework routes of stations without `rejects`
  for (const StationSpec& other : spec.stations)
    if (!other.params.rejects) on_refused_rework.insert(other.rework_route.begin(), other.rework_route.end());
  std::unordered_set<std::string> seen;  // a second station of one id: its duplicate id is the error
  for (std::size_t i = 0; i < spec.stations.size(); ++i) {
    const StationSpec& st = spec.stations[i];
    if (st.id.empty()) continue;
    const bool duplicate = !seen.insert(st.id).second;
    if (unvisited[i]) {
      // A station on a rework route the loader refused (its error is reported) is not a second mistake.
      if (!on_refused_rework.count(st.id) && !duplicate)
        ctx.error(st.mark, station_path(i), "station " + quoted(st.id, '\'') + " is on no product's route");
      continue;
    }
    if (!r.process_ok[i] || st.process) continue;
    const std::string path = station_path(i) + ".process";
    std::unordered_set<std::string> timed;
    for (const ProductDistribution& d : st.process_by_product) timed.insert(d.product);
    for (const std::string& product : visitors[i])
      if (!timed.count(product))
        ctx.error(st.process_mark, path, "no process time for product " + quoted(product, '\'') + ", which visits this station");
    const std::unordered_set<std::string> visiting(visitors[i].begin(), visitors[i].end());
    for (const ProductDistribution& d : st.process_by_product)
      if (products.count(d.product) && !visiting.count(d.product))
        ctx.error(d.mark, path, "product " + quoted(d.product, '\'') + " never visits this station");
  }

  if (!r.sources_ok) return;
  check_material(ctx, spec);
  for (std::size_t i = 0; i < spec.products.size(); ++i)
    if (sources_of[i].empty())
      ctx.warning(spec.products[i].mark, item_path("products", i),
                  "no source produces product " + quoted(spec.products[i].id, '\''));

  // A saturated source creates a part whenever its first station has room: it needs one first
  // station, and one station cannot be fed that way twice.
  const ProductLookup lookup(spec);
  const auto first = [&](const std::string& product) -> const std::string* {
    const ProductSpec* p = lookup.product(product);
    return p && !p->route.empty() && !p->route.front().any && p->bom.empty() ? &p->route.front().station() : nullptr;
  };
  std::unordered_map<std::string, const SourceSpec*> saturated_feeding;
  for (std::size_t i = 0; i < spec.sources.size(); ++i) {
    const SourceSpec& s = spec.sources[i];
    if (s.kind != SourceSpec::Kind::SATURATED || !r.mix_ok[i] || s.mix.empty()) continue;
    const std::string* station = first(s.mix.front().product);
    if (!station) continue;
    bool same = true;
    for (const MixEntry& m : s.mix) {
      const std::string* other = first(m.product);
      if (!other || *other == *station) continue;
      ctx.error(m.mark, r.mix_paths[i],
                "the products of a saturated source must start at the same station: " +
                    quoted(s.mix.front().product, '\'') + " starts at " + quoted(*station, '\'') + ", " +
                    quoted(m.product, '\'') + " at " + quoted(*other, '\''));
      same = false;
    }
    if (!same) continue;
    const auto [it, inserted] = saturated_feeding.emplace(*station, &s);
    if (!inserted)
      ctx.error(s.mark, item_path("sources", i),
                "station " + quoted(*station, '\'') + " is already fed by the saturated source " +
                    quoted(it->second->id, '\'') + " (line " + std::to_string(it->second->mark.line) + ")");
    else if (ctx.error_count() == 0)
      check_saturated_pace(ctx, spec, r.run_ticks, i, station_index, lookup);
  }
  if (ctx.error_count() == 0) warn_overload(ctx, spec, station_index, lookup);
}

/// Parses, overrides, reads and checks; `text` is nullopt when reading the file failed.
LoadResult load(std::optional<std::string_view> text, const std::string& file, const std::vector<Override>& overrides,
                std::vector<Diagnostic> file_errors) {
  LoadResult result;
  YamlDocument document;
  ReadContext ctx(document);
  ctx.add(file_errors);
  if (YamlNode* root = parse_document(ctx, text, file)) {
    if (root->is_map()) apply_overrides(ctx, *root, overrides);
    ScenarioSpec spec;
    spec.file = file;
    ScenarioRead r(ctx);
    read_scenario(r, *root, spec);
    if (!r.unsupported_version) {
      check_scenario(r, spec);
      check_transport(ctx, spec, r.products_ok);
    }
    if (ctx.error_count() == 0) result.spec = std::move(spec);
  }
  ctx.flush(result.diagnostics);
  return result;
}

}  // namespace

std::vector<Override> overrides_of(const std::vector<std::pair<std::string, std::string>>& changes) {
  std::vector<Override> out;
  out.reserve(changes.size());
  for (const auto& [path, value] : changes) out.push_back(Override{path, value, std::nullopt});
  return out;
}

std::optional<Override> parse_override(std::string_view text) {
  const std::size_t equals = text.find('=');
  if (equals == std::string_view::npos || equals == 0) return std::nullopt;
  return Override{std::string(text.substr(0, equals)), std::string(text.substr(equals + 1)), std::nullopt};
}

LoadResult load_scenario_file(const std::string& path, const std::vector<Override>& overrides) {
  std::vector<Diagnostic> errors;
  const auto text = read_text_file(path, errors);
  if (!text) return load(std::nullopt, path, overrides, std::move(errors));
  return load(std::string_view(*text), path, overrides, {});
}

LoadResult load_scenario_text(std::string_view text, const std::string& file, const std::vector<Override>& overrides) {
  return load(text, file, overrides, {});
}

std::optional<Tick> parse_duration_text(std::string_view text, std::string* error) {
  return parse_duration_ticks(text, error);
}

}  // namespace plantwin::scenario
