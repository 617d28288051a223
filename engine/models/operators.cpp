#include "models/operators.hpp"

#include <algorithm>
#include <cassert>

namespace plantwin::models {

const char* operator_task_name(OperatorTask task) {
  switch (task) {
    case OperatorTask::SETUP: return "setup";
    case OperatorTask::WORK: return "work";
    case OperatorTask::REPAIR: return "repair";
    case OperatorTask::COUNT: break;
  }
  return "?";
}

OperatorPool::OperatorPool(const OperatorPoolParams& params, Calendar* calendar, kernel::Kernel& kernel)
    : params_(params), calendar_(calendar), kernel_(kernel), model_id_(kernel.add_model(*this, "operators/" + params.id)) {
  if (calendar_ != nullptr) {
    on_ = calendar_->on();
    calendar_->subscribe(*this);
  }
  on_time_.set(0, on_ ? 1.0 : 0.0);
}

bool OperatorPool::request(OperatorClient& client, std::uint64_t tag, OperatorTask task) {
  const Tick now = kernel_.now();
  if (queue_.empty() && available()) {
    take(task, now);
    return true;
  }
  queue_.push_back(Request{&client, tag, task, now});
  return false;
}

void OperatorPool::withdraw(const OperatorClient& client, std::uint64_t tag) {
  const auto it = std::find_if(queue_.begin(), queue_.end(),
                               [&](const Request& r) { return r.client == &client && r.tag == tag; });
  if (it != queue_.end()) queue_.erase(it);
}

void OperatorPool::take(OperatorTask task, Tick made) {
  const Tick now = kernel_.now();
  ++busy_total_;
  busy_[static_cast<std::size_t>(task)].add(now, 1);
  wait_.add(kernel::to_seconds(now - made));
  wait_histogram_.add(now - made);
}

void OperatorPool::release(OperatorTask task) {
  assert(busy_total_ > 0);
  --busy_total_;
  busy_[static_cast<std::size_t>(task)].add(kernel_.now(), -1);
  serve();
}

// Grants waiting requests in order while an operator is free. A grant may make the client release
// or request at once (a step of zero length): the loop, not recursion, serves what follows.
void OperatorPool::serve() {
  if (serving_) return;
  serving_ = true;
  while (!queue_.empty() && available()) {
    const Request r = queue_.front();
    queue_.erase(queue_.begin());
    take(r.task, r.made);
    r.client->operator_granted(r.tag);
  }
  serving_ = false;
}

void OperatorPool::calendar_changed(bool on) {
  on_ = on;
  on_time_.set(kernel_.now(), on ? 1.0 : 0.0);
  if (on) serve();
}

void OperatorPool::reset_statistics() {
  const Tick now = kernel_.now();
  for (auto& b : busy_) b.reset(now);
  on_time_.reset(now);
  wait_.reset();
  wait_histogram_.reset();
  window_start_ = now;
}

OperatorMeasures OperatorPool::measures() const {
  const Tick now = kernel_.now();
  const double window = kernel::to_seconds(now - window_start_);
  OperatorMeasures m;
  for (std::size_t k = 0; k < OPERATOR_TASK_COUNT; ++k) m.busy[k] = busy_[k].mean(now) * window;
  m.on_time = on_time_.mean(now) * window;
  m.wait = wait_;
  m.wait_histogram = wait_histogram_;
  return m;
}

const char* OperatorPool::event_name(std::uint32_t /*kind*/) const { return nullptr; }
void OperatorPool::on_event(const kernel::Event& /*event*/) {}

WaitKind OperatorPool::waits_for(std::uint32_t /*item*/, std::vector<WaitItem>& /*on*/) const {
  if (on_ || calendar_ == nullptr || !calendar_->off_for_good()) return WaitKind::MOVES;
  return WaitKind::ANY;  // off for ever, waiting on nothing: nothing can bring an operator
}

std::string OperatorPool::describe_wait(std::uint32_t /*item*/) const {
  return "operator pool '" + params_.id + "' is off shift for good: its calendar '" + calendar_->params().id +
         "' has no on-time left";
}

}  // namespace plantwin::models
