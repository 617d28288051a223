#pragma once
/// A robot arm: one shared resource that loads parts onto the machines of its stations before
/// work and/or unloads them after work. It is a Gate of each station it serves: a server whose
/// part needs the arm shows WAITING_TRANSPORT while it waits for the arm and while the arm works
/// for it. Requests are served one at a time, first come first served; each load or unload takes
/// one `cycle` (drawn from the stream "arm/<id>/cycle").

#include <cstdint>
#include <string>

#include "kernel/kernel.hpp"
#include "kernel/rng.hpp"
#include "kernel/stats.hpp"
#include "models/flow.hpp"
#include "models/part.hpp"
#include "models/plant_context.hpp"
#include "models/transport_params.hpp"

namespace plantwin::models {

class RobotArm final : public kernel::Model, public Gate {
 public:
  RobotArm(const ArmParams& params, PlantContext& ctx);

  const ArmParams& params() const { return params_; }

  void request(GateClient& client, std::uint64_t tag, const Station& station, PartId part) override;
  ServerState waiting_state() const override { return ServerState::WAITING_TRANSPORT; }

  void reset_statistics();
  ArmMeasures measures() const;

  void on_event(const kernel::Event& event) override;
  const char* event_name(std::uint32_t kind) const override;

 private:
  enum EventKind : std::uint32_t { CYCLE_END };
  struct Request {
    GateClient* client = nullptr;
    std::uint64_t tag = 0;
    kernel::Tick made = 0;
  };
  void start_next();

  const ArmParams& params_;
  PlantContext& ctx_;
  kernel::ModelId model_id_;
  kernel::RngStream cycle_rng_;
  RingQueue<Request> queue_;
  Request current_;
  bool busy_ = false;

  kernel::TimeAverage busy_time_, queue_length_;
  kernel::Tally wait_;
  std::uint64_t cycles_ = 0;
};

}  // namespace plantwin::models
