#pragma once
/// The state vocabulary of a station's servers, declared once. Everything that lists states reads
/// this table: the stations' state accounting, the result document (`states`, `availability_losses`,
/// the bottleneck's active share), the CLI's station table, and, through the bindings, Python's
/// STATES, the plots' colours and the report. A new state is one enumerator and one row.
///
/// At every instant a server is in exactly one state; where several apply, the one with the
/// higher `precedence` is shown (`down` over everything else).

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace plantwin::models {

/// The enumerators index the servers' state-time arrays; SERVER_STATES lists them in the order
/// results show them. (IDLE is 0: the hot path's "is it idle" is a test against zero.)
enum class ServerState : std::uint8_t {
  IDLE,
  SETUP,
  WORKING,
  BLOCKED,
  DOWN,
  WAITING_TRANSPORT,
  WAITING_NETWORK,
  WAITING_OPERATOR,
  MAINTENANCE,
  OFF_SHIFT,
  COUNT
};
inline constexpr std::size_t SERVER_STATE_COUNT = static_cast<std::size_t>(ServerState::COUNT);

struct ServerStateInfo {
  ServerState state;
  const char* name;        ///< in results and Python: "waiting_transport"
  const char* column;      ///< the CLI table's column heading: "transport"
  const char* colour;      ///< in plots, the report and the replay view
  /// Counts in a station's active share for the bottleneck (docs/kpis.md, "Bottleneck"): the
  /// station itself holds the server (working, setup, down, a blocking exchange). Waiting for
  /// room, for transport or with nothing to do means the constraint is elsewhere.
  bool active;
  /// An availability loss of OEE, and its cause in `availability_losses`; nullptr when not one.
  const char* loss;
  /// Planned time: OEE and utilization are over the servers' time in these states (PLANNING.md:
  /// off-shift time and planned maintenance are not planned production time).
  bool planned;
  /// Reported for every plant; the others only for plants that can enter them.
  bool always;
  const char* doc;
};

inline constexpr std::array<ServerStateInfo, SERVER_STATE_COUNT> SERVER_STATES = {{
    {ServerState::WORKING, "working", "working", "#2ca02c", true, nullptr, true, true, "processing a part"},
    {ServerState::SETUP, "setup", "setup", "#f2c12e", true, "setup", true, true, "changing over to another product"},
    {ServerState::WAITING_OPERATOR, "waiting_operator", "operator", "#ff7f0e", false, "operator", true, false,
     "waiting for an operator of a pool for its setup or work"},
    {ServerState::BLOCKED, "blocked", "blocked", "#d62728", false, nullptr, true, true,
     "holding a finished part: the next station or conveyor has no room"},
    {ServerState::WAITING_TRANSPORT, "waiting_transport", "transport", "#9467bd", false, "transport", true, false,
     "waiting for a vehicle to collect its part, or for a robot arm"},
    {ServerState::WAITING_NETWORK, "waiting_network", "network", "#17becf", true, "network", true, false,
     "waiting for a blocking exchange of messages over the network"},
    {ServerState::DOWN, "down", "down", "#3b3b3b", true, "failure", true, true,
     "failed, until its repair ends (waiting for a technician included)"},
    {ServerState::MAINTENANCE, "maintenance", "maint", "#8c564b", false, nullptr, false, false,
     "in planned maintenance (or stopped for the station's maintenance)"},
    {ServerState::OFF_SHIFT, "off_shift", "off_shift", "#9ecae1", false, nullptr, false, false,
     "outside its calendar's on-time"},
    {ServerState::IDLE, "idle", "idle", "#d9d9d9", false, nullptr, true, true, "up and free, with no part to work on"},
}};

namespace detail {
/// The row of each enumerator in SERVER_STATES.
constexpr std::array<std::size_t, SERVER_STATE_COUNT> state_rows() {
  std::array<std::size_t, SERVER_STATE_COUNT> rows{};
  for (std::size_t i = 0; i < SERVER_STATE_COUNT; ++i) rows[static_cast<std::size_t>(SERVER_STATES[i].state)] = i;
  return rows;
}
constexpr bool one_row_per_state() {
  std::array<bool, SERVER_STATE_COUNT> seen{};
  for (const ServerStateInfo& s : SERVER_STATES) seen[static_cast<std::size_t>(s.state)] = true;
  for (bool b : seen)
    if (!b) return false;
  return true;
}
static_assert(one_row_per_state(), "SERVER_STATES has one row per ServerState");
inline constexpr std::array<std::size_t, SERVER_STATE_COUNT> STATE_ROWS = state_rows();
}  // namespace detail

constexpr const ServerStateInfo& info(ServerState s) { return SERVER_STATES[detail::STATE_ROWS[static_cast<std::size_t>(s)]]; }
/// "working", "waiting_transport", ...
constexpr const char* server_state_name(ServerState s) { return info(s).name; }

/// Which states a plant's servers can enter: the `always` ones, and those its models add.
class StateSet {
 public:
  constexpr StateSet() {
    for (const ServerStateInfo& s : SERVER_STATES)
      if (s.always) add(s.state);
  }
  constexpr void add(ServerState s) { bits_ |= 1u << static_cast<unsigned>(s); }
  constexpr bool contains(ServerState s) const { return (bits_ >> static_cast<unsigned>(s)) & 1u; }

 private:
  std::uint32_t bits_ = 0;
};

}  // namespace plantwin::models
