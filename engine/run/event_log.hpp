#pragma once
/// The event log of one replication (docs/twin.md, "The event log"; TWIN.md §1): one CSV row per
/// event, in time order, in the format a plant's MES export is converted to, so that a simulated
/// log and a real one are read, fitted, validated and replayed alike.
///
///   time,event,station,server,part,product,order,carrier,from,to,state
///
/// The first seven columns are the format's; the last four are plantwin's additions (a reader
/// takes a log without them): the vehicle or conveyor of `load`/`unload`/`depart`/`arrive`
/// (`carrier`), the nodes of a vehicle's segment (`from`, `to`), and the state of `state` and
/// `vehicle_state` rows. Times are seconds from time 0, or ISO 8601 with the scenario's `epoch`.
/// Parts are numbered 1, 2, ... in the order they were created.

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "models/observer.hpp"
#include "models/plant.hpp"
#include "scenario/spec.hpp"

namespace plantwin::run {

/// Seconds from time 0 ("125.5"), or ISO 8601 in the epoch's offset ("2026-03-02T06:02:05.5+08:00").
class LogClock {
 public:
  /// No epoch: seconds.
  LogClock() = default;
  /// `epoch`: the instant of time 0 as seconds since 1970-01-01T00:00:00Z; `offset_minutes`: the
  /// UTC offset times are written in.
  LogClock(std::int64_t epoch_unix_s, int offset_minutes) : epoch_(epoch_unix_s), offset_(offset_minutes) {}
  bool iso() const { return epoch_.has_value(); }
  std::string format(kernel::Tick t) const;

 private:
  std::optional<std::int64_t> epoch_;
  int offset_ = 0;
};

class EventLogWriter final : public models::PlantObserver {
 public:
  static constexpr const char* HEADER = "time,event,station,server,part,product,order,carrier,from,to,state";

  /// Writes the header at once; attach it with Plant::add_observer before the run. A stream that
  /// goes bad fails the run ("cannot write the event log: REASON").
  EventLogWriter(const models::PlantParams& params, kernel::Kernel& kernel, std::ostream& out, LogClock clock = {});

  void server_state(std::uint32_t station, std::uint32_t server, models::ServerState state, kernel::Tick now) override;
  void part_left(models::PartId id, const models::Part& part, bool good, kernel::Tick now) override;
  void part_created(models::PartId id, const models::Part& part, kernel::Tick now) override;
  void parts_resumed(std::uint64_t last_number) override;
  void part_resumed(models::PartId id, const models::Part& part, kernel::Tick released, const std::string& name) override;
  void part_consumed(std::uint32_t station, models::PartId id, const models::Part& part, kernel::Tick now) override;
  void part_assembled(std::uint32_t station, models::PartId id, const models::Part& part, kernel::Tick now) override;
  void part_entered(std::uint32_t station, models::PartId id, const models::Part& part, kernel::Tick now) override;
  void server_step(std::uint32_t station, std::uint32_t server, Step step, models::PartId id, const models::Part* part,
                   kernel::Tick now) override;
  void vehicle_departed(models::CarrierRef vehicle, std::uint32_t from, std::uint32_t to, bool loaded, kernel::Tick now) override;
  void vehicle_arrived(models::CarrierRef vehicle, std::uint32_t node, kernel::Tick now) override;
  void carrier_loaded(models::CarrierRef carrier, std::uint32_t station, models::PartId id, const models::Part& part,
                      kernel::Tick now) override;
  void carrier_unloaded(models::CarrierRef carrier, std::uint32_t station, models::PartId id, const models::Part& part,
                        kernel::Tick now) override;
  void vehicle_state(models::CarrierRef vehicle, std::uint8_t state, kernel::Tick now) override;

  std::uint64_t rows() const { return rows_; }

 private:
  struct Row {
    kernel::Tick time = 0;
    const char* event = "";
    const std::string* station = nullptr;
    std::int64_t server = -1;
    models::PartId part = 0;
    const models::Part* p = nullptr;
    std::string carrier = {};
    const std::string* from = nullptr;
    const std::string* to = nullptr;
    const char* state = nullptr;
  };
  void write(const Row& row);
  std::string carrier_name(models::CarrierRef c) const;

  const models::PlantParams& params_;
  kernel::Kernel& kernel_;
  std::ostream& out_;
  LogClock clock_;
  /// Numbers `id` as the next part (released or assembled).
  void number(models::PartId id);
  std::vector<std::uint64_t> serial_;  // part number by PartId (ids are reused; numbers are not); 0: named
  std::vector<std::string> name_;      // a warm start's part that is not a number: its id in the state
  std::uint64_t next_serial_ = 0;
  std::uint64_t rows_ = 0;
  // The state last written by station and server (NOT_TOLD before the first): a `state` row is a
  // change, so one that repeats it is not written.
  static constexpr std::uint8_t NOT_TOLD = 0xff;
  std::vector<std::vector<std::uint8_t>> told_;
};

/// The clock of a scenario's logs: ISO 8601 with its `epoch`, else seconds.
LogClock log_clock(const scenario::ScenarioSpec& spec);

}  // namespace plantwin::run
