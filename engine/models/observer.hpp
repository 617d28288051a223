#pragma once
/// What happens in a plant, told as it happens to whoever records it: the Timeline that Python's
/// plots read (models/timeline.hpp), the event log of docs/twin.md (run/event_log.hpp). Models
/// call their plant's observer only when one is attached (PlantContext::observer), so a run that
/// records nothing pays one test of a null pointer per call site.
///
/// Stations and servers are named by number (declaration order and index), parts by their id in
/// the PartPool (reused after a part leaves: part_created tells a new one), carriers (fleets'
/// vehicles, conveyors) by the observer's own registration.

#include <cstdint>
#include <string>
#include <vector>

#include "kernel/time.hpp"
#include "models/part.hpp"
#include "models/server_state.hpp"

namespace plantwin::models {

/// A vehicle's or a conveyor's name for the observer: the fleet or conveyor by declaration order,
/// the vehicle by index (0 for a conveyor).
struct CarrierRef {
  enum class Kind : std::uint8_t { VEHICLE, CONVEYOR };
  Kind kind = Kind::VEHICLE;
  std::uint32_t owner = 0;  ///< fleet or conveyor number
  std::uint32_t index = 0;  ///< vehicle index in its fleet
};

class PlantObserver {
 public:
  /// Server `server` of station number `station` now shows `state`.
  virtual void server_state(std::uint32_t /*station*/, std::uint32_t /*server*/, ServerState /*state*/, kernel::Tick /*now*/) {}
  /// A part leaves the plant, good (at the end of its route) or scrapped.
  virtual void part_left(PartId /*id*/, const Part& /*part*/, bool /*good*/, kernel::Tick /*now*/) {}
  /// A part enters the plant at its source.
  virtual void part_created(PartId /*id*/, const Part& /*part*/, kernel::Tick /*now*/) {}
  /// A warm start (models/warm_start.hpp) is about to place the parts of its state, whose log
  /// had numbered parts up to `last_number` (0: none).
  virtual void parts_resumed(std::uint64_t /*last_number*/) {}
  /// A part of a warm start's state enters the plant, released at `released`; `name` is its id in
  /// the state (and the log the state came from).
  virtual void part_resumed(PartId id, const Part& part, kernel::Tick released, const std::string& /*name*/) {
    part_created(id, part, released);
  }
  /// An assembly station consumed `id` (a component) into a part it assembles.
  virtual void part_consumed(std::uint32_t /*station*/, PartId /*id*/, const Part& /*part*/, kernel::Tick /*now*/) {}
  /// An assembly station made `id` from its kit (its components were consumed just before).
  virtual void part_assembled(std::uint32_t /*station*/, PartId /*id*/, const Part& /*part*/, kernel::Tick /*now*/) {}
  /// A part joins a station (its buffer, or a free server at once).
  virtual void part_entered(std::uint32_t /*station*/, PartId /*id*/, const Part& /*part*/, kernel::Tick /*now*/) {}
  enum class Step : std::uint8_t { SETUP_START, SETUP_END, WORK_START, WORK_END, LEAVE, SCRAP, DOWN, UP };
  /// A step of a server's cycle with its part (DOWN and UP: no part, `id` is meaningless).
  virtual void server_step(std::uint32_t /*station*/, std::uint32_t /*server*/, Step /*step*/, PartId /*id*/,
                           const Part* /*part*/, kernel::Tick /*now*/) {}
  /// A vehicle starts a segment from node `from` to node `to`, loaded or empty.
  virtual void vehicle_departed(CarrierRef /*vehicle*/, std::uint32_t /*from*/, std::uint32_t /*to*/, bool /*loaded*/,
                                kernel::Tick /*now*/) {}
  /// A vehicle reaches node `node` at the end of its segment.
  virtual void vehicle_arrived(CarrierRef /*vehicle*/, std::uint32_t /*node*/, kernel::Tick /*now*/) {}
  /// A carrier takes a part at a station (`station`) or hands it over to one.
  virtual void carrier_loaded(CarrierRef /*carrier*/, std::uint32_t /*station*/, PartId /*id*/, const Part& /*part*/,
                              kernel::Tick /*now*/) {}
  virtual void carrier_unloaded(CarrierRef /*carrier*/, std::uint32_t /*station*/, PartId /*id*/, const Part& /*part*/,
                                kernel::Tick /*now*/) {}
  /// A vehicle's state changes (models/transport_params.hpp VehicleState, as its index).
  virtual void vehicle_state(CarrierRef /*vehicle*/, std::uint8_t /*state*/, kernel::Tick /*now*/) {}

 protected:
  ~PlantObserver() = default;
};

/// Tells several observers, in the order they were added.
class Observers final : public PlantObserver {
 public:
  void add(PlantObserver& o) { list_.push_back(&o); }
  std::size_t size() const { return list_.size(); }
  PlantObserver* only() const { return list_.size() == 1 ? list_.front() : nullptr; }

  void server_state(std::uint32_t a, std::uint32_t b, ServerState c, kernel::Tick t) override {
    for (PlantObserver* o : list_) o->server_state(a, b, c, t);
  }
  void part_left(PartId a, const Part& b, bool c, kernel::Tick t) override {
    for (PlantObserver* o : list_) o->part_left(a, b, c, t);
  }
  void part_created(PartId a, const Part& b, kernel::Tick t) override {
    for (PlantObserver* o : list_) o->part_created(a, b, t);
  }
  void parts_resumed(std::uint64_t a) override {
    for (PlantObserver* o : list_) o->parts_resumed(a);
  }
  void part_resumed(PartId a, const Part& b, kernel::Tick t, const std::string& c) override {
    for (PlantObserver* o : list_) o->part_resumed(a, b, t, c);
  }
  void part_consumed(std::uint32_t a, PartId b, const Part& c, kernel::Tick t) override {
    for (PlantObserver* o : list_) o->part_consumed(a, b, c, t);
  }
  void part_assembled(std::uint32_t a, PartId b, const Part& c, kernel::Tick t) override {
    for (PlantObserver* o : list_) o->part_assembled(a, b, c, t);
  }
  void part_entered(std::uint32_t a, PartId b, const Part& c, kernel::Tick t) override {
    for (PlantObserver* o : list_) o->part_entered(a, b, c, t);
  }
  void server_step(std::uint32_t a, std::uint32_t b, Step c, PartId d, const Part* e, kernel::Tick t) override {
    for (PlantObserver* o : list_) o->server_step(a, b, c, d, e, t);
  }
  void vehicle_departed(CarrierRef a, std::uint32_t b, std::uint32_t c, bool d, kernel::Tick t) override {
    for (PlantObserver* o : list_) o->vehicle_departed(a, b, c, d, t);
  }
  void vehicle_arrived(CarrierRef a, std::uint32_t b, kernel::Tick t) override {
    for (PlantObserver* o : list_) o->vehicle_arrived(a, b, t);
  }
  void carrier_loaded(CarrierRef a, std::uint32_t b, PartId c, const Part& d, kernel::Tick t) override {
    for (PlantObserver* o : list_) o->carrier_loaded(a, b, c, d, t);
  }
  void carrier_unloaded(CarrierRef a, std::uint32_t b, PartId c, const Part& d, kernel::Tick t) override {
    for (PlantObserver* o : list_) o->carrier_unloaded(a, b, c, d, t);
  }
  void vehicle_state(CarrierRef a, std::uint8_t b, kernel::Tick t) override {
    for (PlantObserver* o : list_) o->vehicle_state(a, b, t);
  }

 private:
  std::vector<PlantObserver*> list_;
};

}  // namespace plantwin::models
