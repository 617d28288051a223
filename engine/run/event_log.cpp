#include "run/event_log.hpp"

#include <algorithm>
#include <cstdio>

#include "models/transport_params.hpp"
#include "run/output_file.hpp"

namespace plantwin::run {

namespace {

/// Seconds with up to nine decimals, trailing zeros dropped: "125.5", "7", "0.000000001".
std::string seconds_text(kernel::Tick t) {
  const bool negative = t < 0;
  const std::uint64_t a = negative ? static_cast<std::uint64_t>(-t) : static_cast<std::uint64_t>(t);
  const std::uint64_t whole = a / static_cast<std::uint64_t>(kernel::TICKS_PER_SECOND);
  std::uint64_t frac = a % static_cast<std::uint64_t>(kernel::TICKS_PER_SECOND);
  std::string out = (negative ? "-" : "") + std::to_string(whole);
  if (frac == 0) return out;
  char digits[10];
  std::snprintf(digits, sizeof digits, "%09llu", static_cast<unsigned long long>(frac));
  std::string f(digits);
  while (!f.empty() && f.back() == '0') f.pop_back();
  return out + "." + f;
}

/// Year, month, day of a day count since 1970-01-01 (proleptic Gregorian; H. Hinnant's algorithm).
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

/// A CSV field: quoted (RFC 4180) when it holds a comma, a quote or a line break.
void field(std::string& line, const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) {
    line += text;
    return;
  }
  line += '"';
  for (char c : text) {
    if (c == '"') line += '"';
    line += c;
  }
  line += '"';
}

}  // namespace

std::string LogClock::format(kernel::Tick t) const {
  if (!epoch_) return seconds_text(t);
  // Local time in the epoch's offset: whole seconds since 1970 plus the offset, then the fraction.
  const std::int64_t whole = t / kernel::TICKS_PER_SECOND;
  const std::int64_t frac = t % kernel::TICKS_PER_SECOND;
  const std::int64_t local = *epoch_ + whole + static_cast<std::int64_t>(offset_) * 60;
  std::int64_t days = local / 86400, rem = local % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  std::int64_t y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(days, y, m, d);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld", static_cast<long long>(y), m, d,
                static_cast<long long>(rem / 3600), static_cast<long long>(rem / 60 % 60), static_cast<long long>(rem % 60));
  std::string out = buf;
  if (frac != 0) {
    const std::string f = seconds_text(frac);  // "0.5"
    out += f.substr(1);
  }
  const int off = offset_ < 0 ? -offset_ : offset_;
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", offset_ < 0 ? '-' : '+', off / 60, off % 60);
  return out + buf;
}

LogClock log_clock(const scenario::ScenarioSpec& spec) {
  if (!spec.epoch) return {};
  return LogClock(spec.epoch->unix_seconds, spec.epoch->offset_minutes);
}

EventLogWriter::EventLogWriter(const models::PlantParams& params, kernel::Kernel& kernel, std::ostream& out, LogClock clock)
    : params_(params), kernel_(kernel), out_(out), clock_(clock) {
  out_ << HEADER << '\n';
}

std::string EventLogWriter::carrier_name(models::CarrierRef c) const {
  if (c.kind == models::CarrierRef::Kind::CONVEYOR) return params_.transport->conveyors[c.owner].id;
  return models::vehicle_name(params_.transport->fleets[c.owner], c.index);
}

void EventLogWriter::write(const Row& r) {
  static const std::string empty;
  std::string line = clock_.format(r.time);
  line += ',';
  line += r.event;
  line += ',';
  if (r.station != nullptr) field(line, *r.station);
  line += ',';
  if (r.server >= 0) line += std::to_string(r.server);
  line += ',';
  if (r.p != nullptr) {
    if (const std::uint64_t n = serial_[r.part]; n != 0)
      line += std::to_string(n);
    else
      field(line, name_[r.part]);
    line += ',';
    field(line, params_.products[r.p->product].id);
    line += ',';
    if (r.p->order != models::NO_ORDER) field(line, params_.orders[static_cast<std::size_t>(r.p->order)].id);
  } else {
    line += ",,";
  }
  line += ',';
  field(line, r.carrier);
  line += ',';
  if (r.from != nullptr) field(line, *r.from);
  line += ',';
  if (r.to != nullptr) field(line, *r.to);
  line += ',';
  if (r.state != nullptr) line += r.state;
  line += '\n';
  out_ << line;
  ++rows_;
  // A full disk stops the run at once rather than simulate on and lose the rest of the log.
  if (!out_) kernel_.fail("cannot write the event log: " + write_error(out_));
}

void EventLogWriter::number(models::PartId id) {
  if (id >= serial_.size()) serial_.resize(id + 1);
  serial_[id] = ++next_serial_;
}

void EventLogWriter::part_created(models::PartId id, const models::Part& part, kernel::Tick now) {
  number(id);
  write({now, "release", nullptr, -1, id, &part});
}

void EventLogWriter::parts_resumed(std::uint64_t last_number) { next_serial_ = std::max(next_serial_, last_number); }

void EventLogWriter::part_resumed(models::PartId id, const models::Part& part, kernel::Tick released, const std::string& name) {
  // The state's id: a number (as this log writes them) goes on being that number, and later parts
  // are numbered after it; any other id is written as it is.
  const std::uint64_t n = models::part_number(name);
  if (n == 0) {
    if (name.empty()) {
      number(id);  // a state without ids
    } else {
      if (id >= serial_.size()) serial_.resize(id + 1);
      if (id >= name_.size()) name_.resize(id + 1);
      serial_[id] = 0;
      name_[id] = name;
    }
  } else {
    if (id >= serial_.size()) serial_.resize(id + 1);
    serial_[id] = n;
    next_serial_ = std::max(next_serial_, n);
  }
  write({released, "release", nullptr, -1, id, &part});
}

void EventLogWriter::part_consumed(std::uint32_t station, models::PartId id, const models::Part& part, kernel::Tick now) {
  write({now, "consume", &params_.stations[station].id, -1, id, &part});
}

void EventLogWriter::part_assembled(std::uint32_t station, models::PartId id, const models::Part& part, kernel::Tick now) {
  number(id);  // a new part, numbered like a released one
  write({now, "assemble", &params_.stations[station].id, -1, id, &part});
}

void EventLogWriter::part_entered(std::uint32_t station, models::PartId id, const models::Part& part, kernel::Tick now) {
  write({now, "enter", &params_.stations[station].id, -1, id, &part});
}

void EventLogWriter::server_step(std::uint32_t station, std::uint32_t server, Step step, models::PartId id,
                                 const models::Part* part, kernel::Tick now) {
  static constexpr const char* NAMES[] = {"setup_start", "setup_end", "start", "end", "leave", "scrap", "down", "up"};
  write({now, NAMES[static_cast<std::size_t>(step)], &params_.stations[station].id, server, id, part});
}

void EventLogWriter::part_left(models::PartId id, const models::Part& part, bool good, kernel::Tick now) {
  if (good) write({now, "exit", nullptr, -1, id, &part});  // a scrapped part's row is `scrap`, at its station
}

void EventLogWriter::server_state(std::uint32_t station, std::uint32_t server, models::ServerState state, kernel::Tick now) {
  if (station >= told_.size()) told_.resize(params_.stations.size());
  std::vector<std::uint8_t>& told = told_[station];
  if (server >= told.size()) told.resize(server + 1, NOT_TOLD);
  if (told[server] == static_cast<std::uint8_t>(state)) return;  // no change (a maintenance due while it works)
  told[server] = static_cast<std::uint8_t>(state);
  Row r{now, "state", &params_.stations[station].id, server};
  r.state = models::server_state_name(state);
  write(r);
}

void EventLogWriter::vehicle_departed(models::CarrierRef vehicle, std::uint32_t from, std::uint32_t to, bool loaded,
                                      kernel::Tick now) {
  const models::LayoutParams& layout = *params_.transport->layout;
  Row r{now, "depart"};
  r.carrier = carrier_name(vehicle);
  r.from = &layout.node_ids[from];
  r.to = &layout.node_ids[to];
  r.state = loaded ? "loaded" : "empty";
  write(r);
}

void EventLogWriter::vehicle_arrived(models::CarrierRef vehicle, std::uint32_t node, kernel::Tick now) {
  Row r{now, "arrive"};
  r.carrier = carrier_name(vehicle);
  r.to = &params_.transport->layout->node_ids[node];
  write(r);
}

void EventLogWriter::carrier_loaded(models::CarrierRef carrier, std::uint32_t station, models::PartId id,
                                    const models::Part& part, kernel::Tick now) {
  Row r{now, "load", &params_.stations[station].id, -1, id, &part};
  r.carrier = carrier_name(carrier);
  write(r);
}

void EventLogWriter::carrier_unloaded(models::CarrierRef carrier, std::uint32_t station, models::PartId id,
                                      const models::Part& part, kernel::Tick now) {
  Row r{now, "unload", &params_.stations[station].id, -1, id, &part};
  r.carrier = carrier_name(carrier);
  write(r);
}

void EventLogWriter::vehicle_state(models::CarrierRef vehicle, std::uint8_t state, kernel::Tick now) {
  Row r{now, "vehicle_state"};
  r.carrier = carrier_name(vehicle);
  r.state = models::vehicle_state_name(static_cast<models::VehicleState>(state));
  write(r);
}

}  // namespace plantwin::run
