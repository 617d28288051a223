#pragma once
/// Stall detection: a plant that can no longer move stops the run with what waits on what.
///
/// The waits-for graph. Every model that can hold a part or a resource is a Waitable; its items
/// (a server, a station's room, a vehicle, a zone, a conveyor's room...) are the graph's nodes. An
/// item either moves on by itself (an event for it is on the calendar, or it holds nothing:
/// MOVES), or waits until any one of a list of other items moves (ANY: a station's room appears
/// when any of its servers lets its part go), or until all of them do (ALL: a kit that needs every
/// component). An item can move again exactly when it is in the least set that contains the MOVES
/// items and every ANY item with a member among its dependencies and every ALL item whose
/// dependencies are all members; the others are stuck for ever, whatever the order of events.
///
/// Two checks use it:
/// - check(item), called by a model when one of its items starts waiting: when that item is stuck,
///   the run fails at once (Kernel::fail) naming the stuck items. A stuck set forms only when its
///   last member starts waiting, so this finds every deadlock at the instant it closes.
/// - The plant-level guard (a kernel::Watchdog): when the calendar runs dry, or when no part has
///   moved for 4,096 events, and at the end of the run, every item that holds a part is checked;
///   if one is stuck, or no event is left while parts are in the plant, the run fails.
/// Both stop the run with exit code 3 (docs/scenario.md, "Deadlocks and stalls").

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "kernel/kernel.hpp"
#include "models/part.hpp"

namespace plantwin::models {

class Waitable;
struct PlantParams;

/// Whether parts of `component` can become parts of `product`: it is `product`, or in its bill of
/// materials (recursively). Without a plant, only `product` itself.
bool goes_into(const PlantParams* plant, ProductIndex component, ProductIndex product);

/// A supply that counts parts of its product whatever their order (a batch's).
inline constexpr std::int32_t ANY_ORDER = -2;

/// The order whose kits a part of `product` and `order` goes into: `order` when it is an order of
/// a product assembled from `product`, else NO_ORDER (an order of boards only supplies boards).
/// The plant-wide form of Kits::kit_order.
std::int32_t kit_order(const PlantParams* plant, ProductIndex product, std::int32_t order);

/// What a supply of one product waits on, when no source can release it by itself.
struct Wanted {
  ProductIndex product = 0;
  /// ANY_ORDER, or the order whose kits the parts must go into (NO_ORDER: kits of no order): a
  /// kit waits for components of its own order, which no other order's parts can give.
  std::int32_t order = ANY_ORDER;
  /// Sources that hold parts of `product` back under their `wip_limit`: these come when the
  /// sources' parts in the plant move.
  std::vector<std::uint32_t> held;
  const PlantParams* plant = nullptr;
  /// Whether `part` may still bring a part of `product` (of the kit order): it is one, or becomes
  /// one by assembly, or its source holds more of them back.
  bool matches(const Part& part) const;
  /// Whether releasing a part of `released` and `order` brings one: it is one, it is assembled
  /// into one, or it is released as its components (of its order), one of which is one.
  bool brought_by(ProductIndex released, std::int32_t order) const;

 private:
  /// Whether a part of `product` (a part of the wanted product or a component of it) and
  /// `part_order` is of the kit order wanted.
  bool of_order(ProductIndex part_product, std::int32_t part_order) const {
    return order == ANY_ORDER || kit_order(plant, part_product, part_order) == order;
  }
};

/// One node of the waits-for graph: an item of a model.
struct WaitItem {
  const Waitable* model = nullptr;
  std::uint32_t item = 0;
  bool operator==(const WaitItem& o) const { return model == o.model && item == o.item; }
};

/// How an item waits.
enum class WaitKind : std::uint8_t {
  MOVES,  ///< it goes on by itself (or holds nothing that waits)
  ANY,    ///< it goes on when any one of its dependencies does
  ALL,    ///< it goes on when every one of its dependencies does
};

/// A model seen by the stall detector.
class Waitable {
 public:
  /// How `item` waits now; appends what it waits on to `on` (ANY, ALL).
  virtual WaitKind waits_for(std::uint32_t item, std::vector<WaitItem>& on) const = 0;
  /// One sentence on what `item` holds and waits for ("station 'a' server 0 holds a part of 'p'
  /// and waits for fleet 'agv'"), or "" for an item that only relays (a station's room).
  virtual std::string describe_wait(std::uint32_t item) const = 0;
  /// Appends the items that hold parts now.
  virtual void holders(std::vector<WaitItem>& out) const = 0;
  /// Whether it can still bring new parts into the plant (a source with arrivals, orders or a
  /// backlog left to release).
  virtual bool supplies() const { return false; }
  /// Whether it can still bring parts that `wanted` asks for into the plant by itself. A source
  /// that holds them back under its `wip_limit` appends its number to `wanted.held` instead: they
  /// come when its parts in the plant move.
  virtual bool supplies(Wanted& /*wanted*/) const { return supplies(); }
  /// Whether `item` may hold a part that `wanted` matches (a holder that cannot say answers true).
  virtual bool may_hold(std::uint32_t /*item*/, const Wanted& /*wanted*/) const { return true; }

 protected:
  ~Waitable() = default;
};

class StallDetector final : public kernel::Watchdog {
 public:
  /// `external_clock`: another simulator (the network) brings events, so a dry calendar proves
  /// nothing by itself.
  StallDetector(kernel::Kernel& kernel, const std::uint64_t& moves, const PartPool& parts, bool external_clock);

  void add(const Waitable& model) { models_.push_back(&model); }
  /// The plant's products: their names in messages (else they are numbered) and their bills of
  /// materials (a part of a component supplies the product it goes into).
  void set_products(const PlantParams& plant);

  /// The plant's supply of parts, as one item: it moves while a source can still release parts,
  /// else when any part in the plant moves. A batch that waits to fill, or a kit for a missing
  /// component, waits on it: once the sources are done and every other part is stuck (or gone),
  /// nothing more can come, and the run stops as a deadlock even while calendars still tick.
  WaitItem supply() const { return {&supply_, 0}; }
  /// The supply of parts of one product: it moves while a source can still release them, else
  /// when a part of that product (or of a source whose `wip_limit` holds them back) moves. With an
  /// `order` other than ANY_ORDER, only parts whose kits are of that order count (a kit's
  /// components).
  WaitItem supply(ProductIndex product, std::int32_t order = ANY_ORDER) const;

  /// `item` has started waiting: fails the run when it can never move again.
  void check(WaitItem item);
  /// Checks every item that holds a part; fails the run when one is stuck, or when
  /// `calendar_empty` (and no other clock) while parts are in the plant.
  void check_plant(bool calendar_empty);

  void on_quiet(bool calendar_empty) override;

 private:
  struct Node {
    WaitItem item;
    WaitKind kind = WaitKind::MOVES;
    std::uint32_t first_dep = 0, dep_count = 0;  // into deps_
    bool moves = false;
  };
  /// Builds the graph reachable from the `root_count` items at `roots` and marks the items that can move. With
  /// `stop_early` and one root, it stops as soon as the root is known to move (only the root's
  /// mark is then meaningful).
  void solve(const WaitItem* roots, std::size_t root_count, bool stop_early);
  std::uint32_t index_of(WaitItem item);
  void fail(const std::vector<std::uint32_t>& stuck, const std::string& why);

  class Supply final : public Waitable {
   public:
    explicit Supply(const std::vector<const Waitable*>& models) : models_(models) {}
    WaitKind waits_for(std::uint32_t item, std::vector<WaitItem>& on) const override;
    std::string describe_wait(std::uint32_t item) const override;
    void holders(std::vector<WaitItem>& /*out*/) const override {}
    std::vector<std::string> names;
    const PlantParams* plant = nullptr;
    /// The product and order of each supply item after the first (item k + 1), in the order first
    /// asked for.
    mutable std::vector<std::pair<ProductIndex, std::int32_t>> keys;

   private:
    const std::vector<const Waitable*>& models_;
  };

  kernel::Kernel& kernel_;
  const std::uint64_t& moves_;
  const PartPool& parts_;
  bool external_clock_;
  std::vector<const Waitable*> models_;
  Supply supply_{models_};
  std::uint64_t moves_at_last_poll_ = ~std::uint64_t{0};

  struct ItemHash {
    std::size_t operator()(const WaitItem& w) const {
      return std::hash<const void*>()(w.model) ^ (static_cast<std::size_t>(w.item) * 0x9e3779b97f4a7c15ULL);
    }
  };
  // The graph of the last solve(): nodes in discovery order, their dependencies, and the index of
  // a large one (membership only, never iterated).
  std::vector<Node> nodes_;
  std::vector<std::uint32_t> deps_;
  std::vector<WaitItem> scratch_;
  std::unordered_map<WaitItem, std::uint32_t, ItemHash> index_;
};

}  // namespace plantwin::models
