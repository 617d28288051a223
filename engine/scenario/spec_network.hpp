#pragma once
/// The `network:` and `messages:` sections of a scenario as typed structs (docs/network.md is the
/// reference of every key). Ids are names here; the builder resolves them. Every element keeps
/// the Mark of its YAML node for checks made after reading.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kernel/distribution.hpp"
#include "kernel/time.hpp"
#include "scenario/diagnostics.hpp"

namespace plantwin::scenario {

struct NetworkNodeSpec {
  enum class Kind { CELL, SWITCH, EDGE, CLOUD };
  std::string id;
  Kind kind = Kind::SWITCH;
  int cores = 1;  ///< EDGE, CLOUD: cores that compute
  Mark mark;
};

struct SliceSpec {
  std::string id;
  double share = 1;                    ///< (0, 1] of the link's bandwidth, in each direction
  std::optional<kernel::Tick> latency;  ///< replaces the link's latency for this slice
  Mark mark;
};

struct OutageSpec {
  kernel::Tick start = 0;     ///< absolute, from time 0
  kernel::Tick duration = 0;  ///< > 0
  Mark mark;
  bool valid = false;  ///< both read without error
};

struct LinkFailureSpec {
  kernel::Distribution mtbf, mttr;
  Mark mark;
  Mark mtbf_mark;
};

struct NetworkLinkSpec {
  enum class Kind { FIVE_G, WIRED };
  std::string id;
  Kind kind = Kind::WIRED;
  Mark mark;
  std::string cell;                    ///< FIVE_G: the cell node whose radio this is
  Mark cell_mark;
  std::vector<std::string> between;    ///< WIRED: the two nodes
  std::vector<Mark> between_marks;
  double bandwidth = 0;                ///< WIRED: bytes/s in each direction
  double uplink = 0, downlink = 0;     ///< FIVE_G: bytes/s, device → cell and cell → device
  kernel::Tick latency = 0;            ///< one way, 0 .. 10 s
  double loss = 0;                     ///< [0, 1)
  std::optional<kernel::Tick> retransmit_timeout;  ///< required when loss > 0
  std::optional<kernel::Distribution> jitter;
  std::vector<SliceSpec> slices;
  std::vector<OutageSpec> outages;
  std::optional<LinkFailureSpec> failures;
};

/// A station, a group of devices or the vehicles of a fleet (one device each), connected to a cell
/// (over its 5G link) or to a switch (over a port of its own per device).
struct AttachmentSpec {
  enum class Kind { STATION, DEVICE, FLEET };
  Kind kind = Kind::DEVICE;
  std::string id;        ///< the station's id, the device group's or the fleet's
  Mark id_mark;
  std::string node;
  Mark node_mark;
  int count = 1;                        ///< DEVICE: devices in the group; FLEET: its vehicles
  std::optional<double> bandwidth;      ///< switch port: bytes/s in each direction (required)
  kernel::Tick latency = 0;             ///< switch port: one way
  Mark mark;
};

struct NetworkSpec {
  std::vector<NetworkNodeSpec> nodes;
  std::vector<NetworkLinkSpec> links;
  std::vector<AttachmentSpec> attach;
  Mark mark;
};

struct MessageSpec {
  enum class Trigger { AFTER_WORK, BEFORE_WORK, EVERY, BEFORE_MOVE };
  enum class OnOutage { WAIT, DROP };
  std::string id;
  Mark mark;
  Trigger trigger = Trigger::EVERY;
  std::string station;  ///< AFTER_WORK, BEFORE_WORK
  Mark station_mark;
  std::string fleet;    ///< BEFORE_MOVE: the fleet whose trips wait for this flow
  Mark fleet_mark;
  std::optional<kernel::Tick> resend;         ///< BEFORE_MOVE: wait before a failed command is sent again
  kernel::Distribution every;                 ///< EVERY
  Mark every_mark;
  std::optional<kernel::Distribution> phase;  ///< EVERY; default uniform over [0, mean of every)
  std::optional<std::string> from;            ///< default: the triggering station
  Mark from_mark;
  std::string to;
  Mark to_mark;
  double size = 0;                            ///< bytes, >= 1
  std::optional<kernel::Distribution> compute;
  Mark compute_mark;
  std::optional<double> reply;                ///< bytes, >= 1
  bool blocking = false;
  std::vector<std::string> products;
  std::vector<Mark> product_marks;
  std::optional<std::string> slice;
  Mark slice_mark;
  OnOutage on_outage = OnOutage::WAIT;
  std::optional<std::int64_t> max_retransmissions;
};

}  // namespace plantwin::scenario
