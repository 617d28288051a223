#pragma once
/// The transport of one replication: zone control, fleets, conveyors and robot arms built from
/// TransportParams and wired into the plant through the seams of flow.hpp (RouteStep::via for
/// fleets and conveyors, gates for arms). Plant owns one when its params have transport.

#include <memory>
#include <vector>

#include "models/conveyor.hpp"
#include "models/fleet.hpp"
#include "models/plant_context.hpp"
#include "models/robot_arm.hpp"
#include "models/traffic.hpp"
#include "models/transport_params.hpp"

namespace plantwin::models {

class Station;

class TransportSystem {
 public:
  /// Builds every transport model and wires it: `routes[product][step].via` for the steps it
  /// carries, gates on the stations arms serve. The models refer to `params`, which this object
  /// keeps alive (a Plant outlives the PlantParams it was built from). Precondition: `params` is
  /// valid for this plant (the scenario loader checks it).
  TransportSystem(std::shared_ptr<const TransportParams> params, PlantContext& ctx,
                  const std::vector<std::unique_ptr<Station>>& stations, std::vector<std::vector<RouteStep>>& routes);
  TransportSystem(const TransportSystem&) = delete;
  TransportSystem& operator=(const TransportSystem&) = delete;

  /// Called once at time 0, after the stations started.
  void start();
  void reset_statistics();
  TransportMeasures measures() const;

  const std::vector<std::unique_ptr<Fleet>>& fleets() const { return fleets_; }
  const std::vector<std::unique_ptr<Conveyor>>& conveyors() const { return conveyors_; }
  const std::vector<std::unique_ptr<RobotArm>>& arms() const { return arms_; }

 private:
  std::shared_ptr<const TransportParams> params_;
  std::unique_ptr<Traffic> traffic_;
  std::vector<std::unique_ptr<Fleet>> fleets_;
  std::vector<std::unique_ptr<Conveyor>> conveyors_;
  std::vector<std::unique_ptr<RobotArm>> arms_;
};

}  // namespace plantwin::models
