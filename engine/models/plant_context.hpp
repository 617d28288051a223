#pragma once
/// What every model of one plant shares: the kernel, the parts, the routes and the sink. One
/// PlantContext exists per replication; models hold a reference to it.

#include <cstdint>
#include <string>
#include <vector>

#include "kernel/distribution.hpp"
#include "kernel/kernel.hpp"
#include "kernel/rng.hpp"
#include "models/flow.hpp"
#include "models/observer.hpp"
#include "models/part.hpp"
#include "models/stall.hpp"

namespace plantwin::models {

class Station;
class Sink;
struct PlantParams;
class Calendar;
class OperatorPool;

/// The end of a route (a part whose next step it is leaves the plant), and "no step".
inline constexpr std::uint32_t ROUTE_END = 0xffffffffu;
inline constexpr std::uint32_t NO_STEP = 0xfffffffeu;

struct RouteChoice;

/// One step of a product's route: the station, that product's process time there, how the part
/// gets there (nullptr: straight into the station), and where it goes next. A product's steps
/// are its route in order, then the steps that alternatives and rework add (models/route.hpp).
struct RouteStep {
  Station* station;
  const kernel::Distribution* process;
  EntryTarget* via = nullptr;
  std::uint32_t next = ROUTE_END;  ///< the step after a good pass, or ROUTE_END
  std::uint32_t reject = NO_STEP;  ///< the first step of the rework of a rejected part, or NO_STEP: scrapped
  /// `{any: [...]}`: a part bound for this step goes to one of the choice's steps instead.
  RouteChoice* choice = nullptr;
};

struct PlantContext {
  kernel::Kernel& kernel;
  PartPool& parts;
  /// routes[product][step]: where a part of that product goes at that step.
  const std::vector<std::vector<RouteStep>>& routes;
  Sink& sink;
  std::uint64_t seed;
  std::uint64_t replication;
  /// Told of every state change and every part that leaves, when set (models/timeline.hpp).
  class PlantObserver* observer = nullptr;
  /// The waits-for graph's checks (models/stall.hpp); models call check() when an item starts
  /// waiting. Null in a plant built without one (unit tests of a single model).
  StallDetector* stalls = nullptr;
  /// Counts parts moving (entering a station or a vehicle, starting work, leaving the plant): the
  /// stall detector's sign of life.
  std::uint64_t moves = 0;
  /// Product ids by index, for messages.
  const std::vector<std::string>* product_ids = nullptr;
  /// The plant's calendars and operator pools (PlantParams::calendars, ::operators), by index.
  std::vector<Calendar*> calendars;
  std::vector<OperatorPool*> pools;
  /// What the plant was built from (products' bills of materials, orders' due dates and
  /// priorities); null in tests of a single model.
  const PlantParams* plant = nullptr;
  /// assembled_at[station]: the products assembled at that station (the first station of a
  /// product with a `bom`); empty when nothing is assembled anywhere. Found once for the plant,
  /// so that building a station does not scan every product (10,000 stations x 1,000 products).
  std::vector<std::vector<ProductIndex>> assembled_at;

  /// The product id of a part, for messages.
  const std::string& product_name(PartId part) const { return (*product_ids)[parts[part].product]; }

  /// The random stream named `name` for this replication (see kernel/rng.hpp).
  kernel::RngStream stream(const std::string& name) const { return kernel::RngStream(seed, replication, name); }
};

}  // namespace plantwin::models
