#pragma once
/// What every model of one plant shares: the kernel, the parts, the routes and the sink. One
/// PlantContext exists per replication; models hold a reference to it.

#include <cstdint>
#include <string>
#include <vector>

#include "kernel/distribution.hpp"
#include "kernel/kernel.hpp"
#include "kernel/rng.hpp"
#include "models/part.hpp"

namespace plantwin::models {

class Station;
class Sink;

/// One step of a product's route: the station, and that product's process time there.
struct RouteStep {
  Station* station;
  const kernel::Distribution* process;
};

struct PlantContext {
  kernel::Kernel& kernel;
  PartPool& parts;
  /// routes[product][step]: where a part of that product goes at that step.
  const std::vector<std::vector<RouteStep>>& routes;
  Sink& sink;
  std::uint64_t seed;
  std::uint64_t replication;

  /// The random stream named `name` for this replication (see kernel/rng.hpp).
  kernel::RngStream stream(const std::string& name) const { return kernel::RngStream(seed, replication, name); }
};

/// Something that holds a part and asked a station to take it: a source, or a server blocked
/// after service. When the station grants the request it calls hand_over(), which gives up the
/// part and returns it; the station then owns it.
class EntryRequester {
 public:
  virtual PartId hand_over(std::uint64_t tag) = 0;

 protected:
  ~EntryRequester() = default;
};

}  // namespace plantwin::models
