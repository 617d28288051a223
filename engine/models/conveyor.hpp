#pragma once
/// An accumulating conveyor between stations.
///
/// A route step reached "via" a conveyor makes it the EntryTarget of the station the part leaves:
/// a finished part enters the conveyor when it holds fewer than `capacity` parts and no earlier
/// request waits; otherwise its server stays BLOCKED (a full conveyor blocks its feeder). A part
/// rides `length / speed` to the end, then the conveyor, as an EntryRequester, asks the next
/// station for room. Parts leave in the order they entered: while the station has no room the
/// part at the end waits there and the parts behind it queue up behind it (accumulation); they
/// still count towards `capacity`.

#include <cstdint>
#include <string>

#include "kernel/kernel.hpp"
#include "kernel/stats.hpp"
#include "models/flow.hpp"
#include "models/plant_context.hpp"
#include "models/transport_params.hpp"

namespace plantwin::models {

class Station;

class Conveyor final : public kernel::Model, public EntryTarget, public EntryRequester, public Waitable {
 public:
  /// `to`: the station it delivers to (one for every route step via this conveyor).
  Conveyor(const ConveyorParams& params, Station& to, PlantContext& ctx);

  const ConveyorParams& params() const { return params_; }
  /// Its position among the plant's conveyors, for observers.
  void set_number(std::uint32_t number) { number_ = number; }
  /// Parts on the conveyor now (riding or waiting at its end).
  std::size_t parts() const { return on_.size(); }

  void request_entry(EntryRequester& requester, std::uint64_t tag, const Transfer& transfer) override;
  ServerState waiting_state() const override { return ServerState::BLOCKED; }
  WaitItem entry_wait(const EntryRequester& /*requester*/, std::uint64_t /*tag*/) const override { return {this, ROOM}; }
  std::string entry_name() const override { return "room on conveyor '" + params_.id + "'"; }
  PartId hand_over(std::uint64_t tag) override;

  // Waitable (models/stall.hpp): its room, and the part at its head.
  static constexpr std::uint32_t ROOM = 0;
  static constexpr std::uint32_t HEAD = 1;
  WaitKind waits_for(std::uint32_t item, std::vector<WaitItem>& on) const override;
  std::string describe_wait(std::uint32_t item) const override;
  void holders(std::vector<WaitItem>& out) const override;

  void reset_statistics();
  ConveyorMeasures measures() const;

  void on_event(const kernel::Event& event) override;
  const char* event_name(std::uint32_t kind) const override;

 private:
  enum EventKind : std::uint32_t { ARRIVE, OFFER, GRANT };
  struct Carried {
    PartId part = 0;
    kernel::Tick entered = 0;
  };
  struct Request {
    EntryRequester* requester = nullptr;
    std::uint64_t tag = 0;
    const Station* from = nullptr;  // the station the part leaves
  };

  void enter(PartId part, const Station* from);
  void offer();
  void grant();
  void count_changed();

  const ConveyorParams& params_;
  Station& to_;
  PlantContext& ctx_;
  kernel::ModelId model_id_;
  std::uint32_t number_ = 0;
  kernel::Tick ride_;
  std::size_t capacity_;
  RingQueue<Carried> on_;        // in the order they entered
  std::size_t at_end_ = 0;       // of them, the first at_end_ have reached the end
  RingQueue<Request> requests_;  // feeders waiting for room, in order
  bool requesting_ = false;      // the head has a request at its station
  bool offering_ = false;
  bool granting_ = false;
  bool grant_deferred_ = false;

  kernel::TimeAverage occupancy_, full_;
  kernel::Tally time_on_;
  std::uint64_t moved_ = 0;
};

}  // namespace plantwin::models
