#pragma once
/// Operator pools: labour that station steps wait for (PLANNING.md §3, docs/planning.md).
///
/// A step (a setup, a part's work, a repair) that names a pool needs one operator of it for its
/// whole duration. Requests are served first come, first served across the plant (ties in the
/// order they were made). An operator is held for the step and released after it. A pool with a
/// calendar has no one off its on-time: at the end of its on-time each operator finishes the step
/// in hand (overtime) and takes no new one. A step that is paused or interrupted releases its
/// operator; a waiting request is withdrawn (the step asks again, at the back, when it can go on).
///
/// KPIs (docs/kpis.md, "Operators"): utilization = busy time / (count · on-time), taken literally
/// (overtime can lift it above 1); busy time by task; the wait of each granted request (from the
/// request to its grant; withdrawn requests are not counted); the number of granted requests.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kernel/kernel.hpp"
#include "kernel/stats.hpp"
#include "models/calendar.hpp"
#include "models/params.hpp"
#include "models/part.hpp"
#include "models/stall.hpp"

namespace plantwin::models {

/// What an operator is needed for.
enum class OperatorTask : std::uint8_t { SETUP, WORK, REPAIR, COUNT };
inline constexpr std::size_t OPERATOR_TASK_COUNT = static_cast<std::size_t>(OperatorTask::COUNT);
/// "setup", "work", "repair".
const char* operator_task_name(OperatorTask task);

struct OperatorPoolParams {
  std::string id;
  int count = 1;                          ///< operators, >= 1
  std::optional<std::size_t> calendar;    ///< index in PlantParams::calendars

  /// Its plain keys; `calendar` (an id) is read beside.
  static constexpr auto FIELDS = std::tuple{
      decl::Integer<OperatorPoolParams>{{"count", "operators", "", "1 .. 10000", "operators in the pool"},
                                        &OperatorPoolParams::count, 1, 10'000},
  };
};

/// Told when its request is granted: it holds one operator from now on.
class OperatorClient {
 public:
  virtual void operator_granted(std::uint64_t tag) = 0;

 protected:
  ~OperatorClient() = default;
};

/// One replication's measures of a pool over the measured window.
struct OperatorMeasures {
  std::array<double, OPERATOR_TASK_COUNT> busy{};  ///< operator-seconds busy, by task
  double on_time = 0;                              ///< seconds the pool was on (the window without a calendar)
  kernel::Tally wait;                              ///< seconds from request to grant
  kernel::Histogram wait_histogram;                ///< ticks
  template <class A>
  void serialize(A& a) {
    a(busy, on_time, wait, wait_histogram);
  }
};

class OperatorPool final : public kernel::Model, public CalendarClient, public Waitable {
 public:
  /// `calendar`: the pool's calendar, or nullptr (always on).
  OperatorPool(const OperatorPoolParams& params, Calendar* calendar, kernel::Kernel& kernel);

  const OperatorPoolParams& params() const { return params_; }

  /// Asks for an operator for `task`. True: granted now (the client holds one and is not called).
  /// False: the request waits; client.operator_granted(tag) is called when it is granted.
  bool request(OperatorClient& client, std::uint64_t tag, OperatorTask task);
  /// Takes back a request that waits (no-op when it has none).
  void withdraw(const OperatorClient& client, std::uint64_t tag);
  /// The client gives back the operator it held for `task`.
  void release(OperatorTask task);

  void calendar_changed(bool on) override;

  void reset_statistics();
  OperatorMeasures measures() const;

  void on_event(const kernel::Event& event) override;
  const char* event_name(std::uint32_t kind) const override;

  // Waitable (models/stall.hpp): one item, an operator. Operators are held only by steps that
  // end by themselves, so a request waits only while the pool is off: until its next on-time, or
  // for ever when its calendar has none (Calendar::off_for_good), which is the only case in which
  // the stall detector asks it to describe itself.
  WaitKind waits_for(std::uint32_t item, std::vector<WaitItem>& on) const override;
  std::string describe_wait(std::uint32_t item) const override;
  void holders(std::vector<WaitItem>& /*out*/) const override {}
  /// The item a waiting step waits on.
  WaitItem operator_item() const { return {this, 0}; }

 private:
  struct Request {
    OperatorClient* client = nullptr;
    std::uint64_t tag = 0;
    OperatorTask task = OperatorTask::WORK;
    Tick made = 0;
  };
  bool available() const { return on_ && busy_total_ < params_.count; }
  void take(OperatorTask task, Tick made);
  void serve();

  const OperatorPoolParams& params_;
  Calendar* calendar_;
  kernel::Kernel& kernel_;
  kernel::ModelId model_id_;
  bool on_ = true;
  bool serving_ = false;
  int busy_total_ = 0;
  std::array<kernel::TimeAverage, OPERATOR_TASK_COUNT> busy_;
  kernel::TimeAverage on_time_;
  std::vector<Request> queue_;  ///< in the order made
  kernel::Tally wait_;
  kernel::Histogram wait_histogram_;
  Tick window_start_ = 0;
};

}  // namespace plantwin::models
