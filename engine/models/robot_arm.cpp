#include "models/robot_arm.hpp"

#include <cassert>

namespace plantwin::models {

RobotArm::RobotArm(const ArmParams& params, PlantContext& ctx)
    : params_(params),
      ctx_(ctx),
      model_id_(ctx.kernel.add_model(*this, "arm/" + params.id)),
      cycle_rng_(ctx.stream("arm/" + params.id + "/cycle")) {}

void RobotArm::request(GateClient& client, std::uint64_t tag, const Station& /*station*/, PartId /*part*/) {
  queue_.push_back(Request{&client, tag, ctx_.kernel.now()});
  queue_length_.set(ctx_.kernel.now(), static_cast<double>(queue_.size()));
  if (!busy_) start_next();
}

void RobotArm::start_next() {
  const kernel::Tick now = ctx_.kernel.now();
  if (queue_.empty()) {
    busy_ = false;
    busy_time_.set(now, 0);
    return;
  }
  current_ = queue_.pop_front();
  queue_length_.set(now, static_cast<double>(queue_.size()));
  wait_.add(kernel::to_seconds(now - current_.made));
  busy_ = true;
  busy_time_.set(now, 1);
  ctx_.kernel.schedule_in(params_.cycle.sample_ticks(cycle_rng_), model_id_, CYCLE_END);
}

void RobotArm::on_event(const kernel::Event& event) {
  assert(event.kind == CYCLE_END);
  static_cast<void>(event);
  ++cycles_;
  const Request done = current_;
  // Free before the call back: the server it lets go on may ask again at once.
  busy_ = false;
  done.client->gate_passed(done.tag);
  if (!busy_) start_next();
}

const char* RobotArm::event_name(std::uint32_t kind) const { return kind == CYCLE_END ? "cycle_end" : nullptr; }

void RobotArm::reset_statistics() {
  const kernel::Tick now = ctx_.kernel.now();
  busy_time_.reset(now);
  queue_length_.reset(now);
  wait_.reset();
  cycles_ = 0;
}

ArmMeasures RobotArm::measures() const {
  const kernel::Tick now = ctx_.kernel.now();
  return ArmMeasures{busy_time_.mean(now), cycles_, wait_, queue_length_.mean(now)};
}

}  // namespace plantwin::models
