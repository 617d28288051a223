#pragma once
/// How parts move between models, and what a server can wait on. These interfaces are the seams
/// where transport (conveyors, AGV fleets, robot arms) and the network (messages that a part waits
/// for) attach to the core stations without the stations knowing them.
///
/// - An EntryRequester holds a part and asks an EntryTarget to take it. A target grants requests in
///   the order they were made by calling the requester's hand_over(tag), which gives the part up.
///   Stations are targets (and, through their blocked servers, requesters); a conveyor or a fleet
///   is a target at the station the part leaves and a requester at the station it goes to.
/// - A Gate is an activity outside the station that a server waits for before or after working
///   (a robot arm loading or unloading it, an exchange of messages over the network). The server
///   shows the gate's waiting state meanwhile.

#include <cstdint>
#include <string>

#include "models/part.hpp"
#include "models/server_state.hpp"
#include "models/stall.hpp"

namespace plantwin::models {

class Station;

/// Holds a part and asked a target to take it.
class EntryRequester {
 public:
  /// The target takes the part now: give it up and return it.
  virtual PartId hand_over(std::uint64_t tag) = 0;

 protected:
  ~EntryRequester() = default;
};

/// What a transfer is: the part, where it is, and the station it is bound for (nullptr when it
/// leaves a source).
struct Transfer {
  PartId part = 0;
  const Station* from = nullptr;
  const Station* to = nullptr;
};

/// Takes parts: a station, or a conveyor or fleet on the way to one.
class EntryTarget {
 public:
  /// Asks to take the part `requester` holds under `tag`. When it can be granted now (no earlier
  /// request waits and there is room), the requester's hand_over(tag) is called before this
  /// returns; otherwise the request waits its turn.
  virtual void request_entry(EntryRequester& requester, std::uint64_t tag, const Transfer& transfer) = 0;
  /// The requester's server went off shift (`held`) or came back: a request it made here is
  /// skipped until then, keeping its place (PLANNING.md §1). Targets that collect parts by
  /// themselves (a fleet) take them anyway.
  virtual void set_request_held(const EntryRequester& /*requester*/, std::uint64_t /*tag*/, bool /*held*/) {}
  /// What a server that waits for this target shows: BLOCKED for a station or a conveyor,
  /// WAITING_TRANSPORT for a fleet.
  virtual ServerState waiting_state() const = 0;
  /// The item of the waits-for graph (models/stall.hpp) that `requester`, waiting here under
  /// `tag`, waits on: a station's or a conveyor's room, a fleet's transport request.
  virtual WaitItem entry_wait(const EntryRequester& requester, std::uint64_t tag) const = 0;
  /// What a requester waiting here waits for, in a sentence: "room at station 'b'", "fleet 'agv'".
  virtual std::string entry_name() const = 0;

 protected:
  ~EntryTarget() = default;
};

/// Told when a gate lets a server go on.
class GateClient {
 public:
  virtual void gate_passed(std::uint64_t tag) = 0;

 protected:
  ~GateClient() = default;
};

/// An activity outside the station that a server waits for before or after work.
class Gate {
 public:
  /// Starts the activity for `part` at `station`; calls client.gate_passed(tag) when it is done,
  /// possibly before this returns (for example, when it does not apply to this part).
  virtual void request(GateClient& client, std::uint64_t tag, const Station& station, PartId part) = 0;
  /// WAITING_TRANSPORT (an arm) or WAITING_NETWORK (a message exchange).
  virtual ServerState waiting_state() const = 0;

 protected:
  ~Gate() = default;
};

}  // namespace plantwin::models
