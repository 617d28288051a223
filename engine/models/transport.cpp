#include "models/transport.hpp"

#include <cassert>

#include "models/station.hpp"

namespace plantwin::models {

TransportSystem::TransportSystem(std::shared_ptr<const TransportParams> shared, PlantContext& ctx,
                                 const std::vector<std::unique_ptr<Station>>& stations,
                                 std::vector<std::vector<RouteStep>>& routes)
    : params_(std::move(shared)) {
  const TransportParams& params = *params_;
  if (params.layout) traffic_ = std::make_unique<Traffic>(*params.layout, ctx);
  for (std::size_t f = 0; f < params.fleets.size(); ++f) {
    assert(params.layout && "the loader requires a layout for fleets");
    fleets_.push_back(
        std::make_unique<Fleet>(params.fleets[f], *params.layout, params.station_node, stations, *traffic_, ctx));
    traffic_->add_fleet(*fleets_.back());
    fleets_.back()->set_number(static_cast<std::uint32_t>(f));
  }
  for (const ConveyorParams& c : params.conveyors) {
    // The station it delivers to: that of any step it carries (the loader checks they agree).
    Station* to = nullptr;
    for (const ViaParams& via : params.vias)
      if (via.kind == ViaParams::Kind::CONVEYOR && &params.conveyors[via.index] == &c) to = stations[via.to_station].get();
    assert(to != nullptr && "the loader rejects a conveyor no route uses");
    conveyors_.push_back(std::make_unique<Conveyor>(c, *to, ctx));
    conveyors_.back()->set_number(static_cast<std::uint32_t>(conveyors_.size() - 1));
  }
  for (const ViaParams& via : params.vias) {
    EntryTarget* target = via.kind == ViaParams::Kind::FLEET ? static_cast<EntryTarget*>(fleets_[via.index].get())
                                                             : static_cast<EntryTarget*>(conveyors_[via.index].get());
    routes[via.product][via.step].via = target;
  }
  for (const ArmParams& a : params.arms) {
    arms_.push_back(std::make_unique<RobotArm>(a, ctx));
    for (std::size_t s : a.stations) {
      if (a.load) stations[s]->add_gate_before_work(*arms_.back());
      if (a.unload) stations[s]->add_gate_after_work(*arms_.back());
    }
  }
}

void TransportSystem::start() {
  for (auto& f : fleets_) f->start();
}

void TransportSystem::reset_statistics() {
  for (auto& f : fleets_) f->reset_statistics();
  for (auto& c : conveyors_) c->reset_statistics();
  for (auto& a : arms_) a->reset_statistics();
}

TransportMeasures TransportSystem::measures() const {
  TransportMeasures m;
  for (const auto& f : fleets_) m.fleets.push_back(f->measures());
  for (const auto& c : conveyors_) m.conveyors.push_back(c->measures());
  for (const auto& a : arms_) m.arms.push_back(a->measures());
  return m;
}

}  // namespace plantwin::models
