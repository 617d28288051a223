#include "twin/log_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "scenario/id_index.hpp"
#include "scenario/planning.hpp"
#include "scenario/diagnostics.hpp"
#include "scenario/units.hpp"

namespace plantwin::twin {

namespace {

constexpr const char* EVENT_NAMES[] = {"release", "enter", "setup_start", "setup_end", "start", "end",
                                       "leave", "scrap", "down", "up", "exit", "state",
                                       "load", "unload", "depart", "arrive", "vehicle_state",
                                       "consume", "assemble"};
constexpr std::size_t EVENT_COUNT = std::size(EVENT_NAMES);

constexpr const char* COLUMN_NAMES[] = {"time", "event", "station", "server", "part", "product",
                                        "order", "carrier", "from", "to", "state"};
constexpr bool COLUMN_REQUIRED[] = {true, true, true, false, true, true, false, false, false, false, false};

bool needs_station(LogEventKind k) {
  return k != LogEventKind::RELEASE && k != LogEventKind::EXIT && k != LogEventKind::DEPART &&
         k != LogEventKind::ARRIVE && k != LogEventKind::VEHICLE_STATE;
}
bool needs_part(LogEventKind k) {
  return k != LogEventKind::DOWN && k != LogEventKind::UP && k != LogEventKind::STATE && k != LogEventKind::DEPART &&
         k != LogEventKind::ARRIVE && k != LogEventKind::VEHICLE_STATE;
}
bool on_server(LogEventKind k) {
  switch (k) {
    case LogEventKind::SETUP_START: case LogEventKind::SETUP_END: case LogEventKind::START: case LogEventKind::END:
    case LogEventKind::LEAVE: case LogEventKind::SCRAP: case LogEventKind::DOWN: case LogEventKind::UP:
    case LogEventKind::STATE: return true;
    default: return false;
  }
}

/// `s` in single quotes for a message, its control characters as \xNN (a log is any bytes).
std::string quoted(std::string_view s) {
  std::string out = "'";
  for (const char c : s.substr(0, 200)) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + (s.size() > 200 ? "...'" : "'");
}

/// Seconds as ticks, exactly: "125", "125.5", "0.000000001" (more than nine decimals are rounded).
std::optional<kernel::Tick> parse_seconds(std::string_view text) {
  std::size_t i = 0;
  std::int64_t whole = 0;
  std::size_t digits = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    if (whole > (kernel::MAX_RUN_TICKS / kernel::TICKS_PER_SECOND)) return std::nullopt;
    whole = whole * 10 + (text[i++] - '0');
    ++digits;
  }
  std::int64_t frac = 0;
  int frac_digits = 0;
  bool round_up = false;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (frac_digits < 9) {
        frac = frac * 10 + (text[i] - '0');
        ++frac_digits;
      } else if (frac_digits == 9) {
        round_up = text[i] >= '5';
        ++frac_digits;
      }
      ++i;
      ++digits;
    }
  }
  if (digits == 0) return std::nullopt;
  if (i != text.size()) {
    // Another form of a number ("1e3"): read it as a number of seconds.
    const auto v = scenario::parse_number(text, nullptr);
    if (!v || *v < 0 || *v > kernel::to_seconds(kernel::MAX_RUN_TICKS)) return std::nullopt;
    return kernel::duration_from_seconds(*v);
  }
  for (int d = std::min(frac_digits, 9); d < 9; ++d) frac *= 10;
  const kernel::Tick t = whole * kernel::TICKS_PER_SECOND + frac + (round_up ? 1 : 0);
  if (t > kernel::MAX_RUN_TICKS) return std::nullopt;
  return t;
}

}  // namespace

const char* log_event_name(LogEventKind kind) { return EVENT_NAMES[static_cast<std::size_t>(kind)]; }

LogCatalog LogCatalog::of(const scenario::ScenarioSpec& spec) {
  LogCatalog c;
  for (const auto& s : spec.stations) {
    c.stations.push_back(s.id);
    c.servers.push_back(s.params.servers);
  }
  for (const auto& p : spec.products) c.products.push_back(p.id);
  return c;
}

ReplayRules replay_rules(const scenario::ScenarioSpec& spec) {
  ReplayRules rules;
  // Each calendar compiled once, shared by the stations that work in it.
  std::vector<std::shared_ptr<const models::CalendarParams>> calendars;
  for (const auto& c : spec.calendars)
    calendars.push_back(std::make_shared<const models::CalendarParams>(scenario::compiled_calendar(c)));
  const scenario::IdIndex calendar_index(spec.calendars, [](const auto& c) -> const std::string& { return c.params.id; });
  for (const auto& st : spec.stations) {
    rules.restart.push_back(st.params.failures && st.params.failures->interrupted == models::FailureParams::Interrupted::RESTART);
    std::shared_ptr<const models::CalendarParams> calendar;
    if (const std::size_t i = calendar_index.find(st.calendar); !st.calendar.empty() && i != scenario::IdIndex::NONE)
      calendar = calendars[i];
    rules.calendar.push_back(std::move(calendar));
    rules.pauses.push_back(st.params.at_shift_end == models::StationParams::AtShiftEnd::PAUSE);
    rules.batches.push_back(st.params.batch ? st.params.batch->max : 0);
    rules.batches_mixed.push_back(st.params.batch && st.params.batch->mixed);
  }
  const scenario::IdIndex station_index(spec.stations);
  for (const auto& st : spec.stations) {
    const auto& r = st.params.rejects;
    std::int32_t first = -1;
    if (r && r->then == models::RejectsParams::Then::BACK && r->max_attempts != models::RejectsParams::UNLIMITED && !st.rework_route.empty())
      if (const std::size_t i = station_index.find(st.rework_route.front()); i != scenario::IdIndex::NONE)
        first = static_cast<std::int32_t>(i);
    rules.rework_first.push_back(first);
  }
  // Ambiguous when a route goes on from a station to its rework's first station: good parts would
  // look rejected. Each route step once (a plant may hold thousands of products and of stations).
  for (const auto& p : spec.products)
    for (std::size_t k = 0; k + 1 < p.route.size(); ++k)
      for (const std::string& id : p.route[k].stations) {
        const std::size_t s = station_index.find(id);
        if (s == scenario::IdIndex::NONE || rules.rework_first[s] < 0) continue;
        const auto& next = p.route[k + 1].stations;
        if (std::find(next.begin(), next.end(), spec.stations[s].rework_route.front()) != next.end()) rules.rework_first[s] = -1;
      }
  return rules;
}

std::optional<Epoch> epoch_of(const scenario::ScenarioSpec& spec) {
  if (!spec.epoch) return std::nullopt;
  return Epoch{spec.epoch->unix_seconds, spec.epoch->offset_minutes};
}

std::optional<Epoch> parse_epoch(std::string_view text, std::string* error) {
  const auto instant = scenario::parse_instant(text, true, error);
  if (!instant) return std::nullopt;
  if (instant->nanos != 0) {
    if (error != nullptr) *error = "an epoch is a whole second, got \"" + std::string(text) + "\"";
    return std::nullopt;
  }
  return Epoch{instant->unix_seconds, instant->offset_minutes};
}

std::string LogDiagnostic::format() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line);
  out += error ? ": error: " : ": warning: ";
  return out + message;
}

LogReader::LogReader(std::string path, const LogCatalog& catalog, std::optional<Epoch> epoch)
    : path_(std::move(path)), catalog_(catalog), epoch_(epoch), buffer_(BUFFER_BYTES) {
  std::fill(std::begin(column_), std::end(column_), -1);
  for (std::size_t i = 0; i < catalog.stations.size(); ++i) station_index_.emplace(catalog.stations[i], static_cast<std::int32_t>(i));
  for (std::size_t i = 0; i < catalog.products.size(); ++i) product_index_.emplace(catalog.products[i], static_cast<std::int32_t>(i));
  server_names_.resize(catalog.stations.size());
  file_ = std::fopen(path_.c_str(), "rb");
  if (file_ == nullptr) {
    error(0, std::string("cannot read the event log: ") + std::strerror(errno));
    return;
  }
  ok_ = read_header();
}

LogReader::LogReader(Messages, std::string source, const LogCatalog& catalog, std::optional<Epoch> epoch)
    : path_(std::move(source)), catalog_(catalog), epoch_(epoch), messages_(true) {
  for (std::size_t c = 0; c < COLUMNS; ++c) column_[c] = static_cast<std::int32_t>(c);
  header_fields_ = COLUMNS;
  for (std::size_t i = 0; i < catalog.stations.size(); ++i) station_index_.emplace(catalog.stations[i], static_cast<std::int32_t>(i));
  for (std::size_t i = 0; i < catalog.products.size(); ++i) product_index_.emplace(catalog.products[i], static_cast<std::int32_t>(i));
  server_names_.resize(catalog.stations.size());
  ok_ = true;
}

bool LogReader::parse_fields(const std::vector<std::pair<std::string_view, std::string_view>>& fields, std::uint64_t number,
                             LogEvent& event) {
  fields_.assign(COLUMNS, std::string_view());
  row_line_ = number;
  refusal_ = Refusal::NONE;
  for (const auto& [name, value] : fields) {
    const auto* it = std::find_if(std::begin(COLUMN_NAMES), std::end(COLUMN_NAMES), [&](const char* c) { return name == c; });
    if (it == std::end(COLUMN_NAMES)) {
      if (std::find(unknown_columns_.begin(), unknown_columns_.end(), name) == unknown_columns_.end() && unknown_columns_.size() < 100) {
        unknown_columns_.emplace_back(name);
        std::vector<std::string> known(std::begin(COLUMN_NAMES), std::end(COLUMN_NAMES));
        warning(number, "unknown column " + quoted(name) + scenario::did_you_mean(std::string(name), known) + ": ignored");
      }
      continue;
    }
    fields_[static_cast<std::size_t>(it - std::begin(COLUMN_NAMES))] = value;
  }
  return parse_row(event);
}

LogReader::~LogReader() {
  if (file_ != nullptr) std::fclose(file_);
}

void LogReader::error(std::uint64_t line, std::string message) {
  ++errors_;
  refusal_ = Refusal::ERROR;
  if (messages_) {
    diagnostics_.push_back({true, path_, line, std::move(message)});
    return;
  }
  if (errors_ > MAX_ERRORS) {
    if (!stopped_) diagnostics_.push_back({true, path_, line, "too many errors; reading stops here"});
    stopped_ = true;
    return;
  }
  diagnostics_.push_back({true, path_, line, std::move(message)});
}

void LogReader::warning(std::uint64_t line, std::string message) { diagnostics_.push_back({false, path_, line, std::move(message)}); }

bool LogReader::fill() {
  if (eof_) return false;
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buffer_.size()) {
    if (buffer_.size() >= MAX_ROW_BYTES + BUFFER_BYTES) return false;
    buffer_.resize(buffer_.size() + BUFFER_BYTES);
  }
  const std::size_t n = std::fread(buffer_.data() + end_, 1, buffer_.size() - end_, file_);
  end_ += n;
  if (n == 0) {
    if (std::ferror(file_)) error(line_, std::string("cannot read the event log: ") + std::strerror(errno));
    eof_ = true;
    return false;
  }
  return true;
}

bool LogReader::read_row() {
  for (;;) {
    // Find the end of the row: the first line feed outside quotes.
    const char* data = buffer_.data();
    std::size_t row_end = std::string::npos;
    bool quotes = false;
    {
      const void* lf = std::memchr(data + begin_, '\n', end_ - begin_);
      const std::size_t until = lf != nullptr ? static_cast<std::size_t>(static_cast<const char*>(lf) - data) : end_;
      quotes = std::memchr(data + begin_, '"', until - begin_) != nullptr;
      if (!quotes && lf != nullptr) row_end = until;
    }
    if (quotes) {
      bool in = false;
      for (std::size_t i = begin_; i < end_; ++i) {
        if (data[i] == '"') in = !in;
        else if (data[i] == '\n' && !in) {
          row_end = i;
          break;
        }
      }
    }
    if (row_end == std::string::npos) {
      if (fill()) continue;
      if (stopped_) return false;
      if (begin_ == end_) return false;  // the end of the file
      if (!eof_) {
        error(line_, "a row longer than " + std::to_string(MAX_ROW_BYTES) + " bytes");
        stopped_ = true;
        return false;
      }
      // The last row has no line feed; unbalanced quotes mean one was never closed.
      std::size_t count = 0;
      for (std::size_t i = begin_; i < end_; ++i) count += data[i] == '"';
      if (count % 2 != 0) {
        error(line_, "a quoted field is not closed before the end of the file");
        begin_ = end_;
        return false;
      }
      row_end = end_;
    }
    // Split [begin_, row_end) into fields.
    std::size_t e = row_end;
    const std::size_t b = begin_;
    row_line_ = line_;
    for (std::size_t i = b; i < e; ++i) line_ += data[i] == '\n';
    if (row_end < end_) ++line_;
    begin_ = row_end < end_ ? row_end + 1 : end_;
    if (e > b && data[e - 1] == '\r') --e;
    fields_.clear();
    if (e == b) continue;  // an empty line
    std::size_t i = b;
    std::size_t quoted_fields = 0;
    for (;;) {
      if (i < e && data[i] == '"') {
        // A quoted field: up to the closing quote; "" stands for one quote.
        std::string& text = unquoted_.size() > quoted_fields ? unquoted_[quoted_fields] : unquoted_.emplace_back();
        ++quoted_fields;
        text.clear();
        std::size_t j = i + 1;
        for (; j < e; ++j) {
          if (data[j] != '"') {
            text += data[j];
          } else if (j + 1 < e && data[j + 1] == '"') {
            text += '"';
            ++j;
          } else {
            break;
          }
        }
        fields_.emplace_back(text);
        i = j + 1;
        if (i < e && data[i] != ',') {
          error(row_line_, "text after the closing quote of field " + std::to_string(fields_.size()));
          fields_.clear();
          break;
        }
      } else {
        const void* comma = std::memchr(data + i, ',', e - i);
        const std::size_t f_end = comma != nullptr ? static_cast<std::size_t>(static_cast<const char*>(comma) - data) : e;
        fields_.emplace_back(data + i, f_end - i);
        i = f_end;
      }
      if (i >= e) break;
      ++i;  // the comma
      if (i == e) {
        fields_.emplace_back();  // a trailing empty field
        break;
      }
    }
    if (fields_.empty()) {
      if (stopped_) return false;
      continue;  // the row had an error
    }
    return true;
  }
}

bool LogReader::read_header() {
  if (!read_row()) {
    if (!has_errors()) error(1, "the event log is empty: expected a header line (" + std::string("time,event,station,server,part,product,order") + ")");
    return false;
  }
  std::vector<std::string_view> names(fields_.begin(), fields_.end());
  header_fields_ = names.size();
  header_names_.assign(names.size(), std::string());
  // A UTF-8 byte-order mark before the first name.
  if (!names.empty() && names[0].substr(0, 3) == "\xEF\xBB\xBF") names[0].remove_prefix(3);
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::string_view name = names[i];
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    const auto* it = std::find_if(std::begin(COLUMN_NAMES), std::end(COLUMN_NAMES), [&](const char* c) { return name == c; });
    if (it == std::end(COLUMN_NAMES)) {
      std::vector<std::string> known(std::begin(COLUMN_NAMES), std::end(COLUMN_NAMES));
      warning(row_line_, "unknown column " + quoted(name) + scenario::did_you_mean(std::string(name), known) + ": ignored");
      continue;
    }
    const auto c = static_cast<std::size_t>(it - std::begin(COLUMN_NAMES));
    if (column_[c] >= 0) {
      error(row_line_, "column " + quoted(name) + " appears twice in the header");
      continue;
    }
    column_[c] = static_cast<std::int32_t>(i);
    header_names_[i] = COLUMN_NAMES[c];
  }
  std::string missing;
  for (std::size_t c = 0; c < COLUMNS; ++c)
    if (COLUMN_REQUIRED[c] && column_[c] < 0) missing += std::string(missing.empty() ? "" : ", ") + COLUMN_NAMES[c];
  if (!missing.empty()) {
    error(row_line_, "missing required column(s) " + missing + " in the header (the format's columns: " +
                         "time,event,station,server,part,product,order; docs/twin.md)");
    return false;
  }
  return !has_errors();
}

std::optional<kernel::Tick> LogReader::parse_time(std::string_view text) {
  if (iso_ < 0) iso_ = text.size() >= 10 && text[4] == '-' ? 1 : 0;
  if (iso_ == 0) {
    const auto t = parse_seconds(text);
    if (t) return t;
    // A number off the axis is told so, as an ISO time is.
    const auto number = scenario::parse_number(text, nullptr);
    if (number && *number < 0)
      error(row_line_, "time " + std::string(text) + " is before time 0");
    else if (number && *number >= kernel::to_seconds(kernel::MAX_RUN_TICKS))
      error(row_line_, "time " + std::string(text) + " is more than 100 years after time 0");
    else
      error(row_line_, "expected a time in seconds (like 125.5) or ISO 8601 like the first row's, got " + quoted(text));
    return std::nullopt;
  }
  std::string message;
  const auto instant = scenario::parse_instant(text, false, &message);
  if (!instant) {
    error(row_line_, "time: " + message);
    return std::nullopt;
  }
  if (!time0_) {
    if (epoch_) {
      time0_ = epoch_;
    } else {
      // Time 0 is midnight of the first row's day, in its offset (TWIN.md §1).
      const std::int64_t local = instant->unix_seconds + std::int64_t{instant->offset_minutes} * 60;
      std::int64_t day = local / 86400;
      if (local % 86400 < 0) --day;
      time0_ = Epoch{day * 86400 - std::int64_t{instant->offset_minutes} * 60, instant->offset_minutes};
    }
    default_offset_ = time0_->offset_minutes;
  }
  const std::int64_t unix_s = instant->has_offset ? instant->unix_seconds : instant->unix_seconds - std::int64_t{default_offset_} * 60;
  const std::int64_t seconds = unix_s - time0_->unix_s;
  if (seconds < 0) {
    error(row_line_, "time " + std::string(text) + " is before time 0 (" + (epoch_ ? "the epoch" : "midnight of the first row's day") + ")");
    return std::nullopt;
  }
  if (seconds > kernel::MAX_RUN_TICKS / kernel::TICKS_PER_SECOND) {
    error(row_line_, "time " + std::string(text) + " is more than 100 years after time 0");
    return std::nullopt;
  }
  return seconds * kernel::TICKS_PER_SECOND + instant->nanos;
}

bool LogReader::parse_row(LogEvent& e) {
  if (fields_.size() > header_fields_) {
    error(row_line_, "the row has " + std::to_string(fields_.size()) + " fields, the header " + std::to_string(header_fields_));
    return false;
  }
  e = LogEvent{};
  e.line = row_line_;
  const std::string_view event = field(EVENT);
  std::size_t kind = 0;
  while (kind < EVENT_COUNT && event != EVENT_NAMES[kind]) ++kind;
  if (kind == EVENT_COUNT) {
    if (event.empty()) {
      error(row_line_, "the row has no event");
      return false;
    }
    count_unknown(unknown_events_, event);
    return false;
  }
  e.kind = static_cast<LogEventKind>(kind);
  const std::string_view time_text = field(TIME);
  if (time_text.empty()) {
    error(row_line_, "the row has no time");
    return false;
  }
  const auto t = parse_time(time_text);
  if (!t) return false;
  if (rows_ > 0 && *t < last_time_) {
    error(row_line_, "time goes backwards: " + std::string(time_text) + " is earlier than the row before (rows are in time order)");
    refusal_ = Refusal::OUT_OF_ORDER;
    return false;
  }
  e.time = *t;

  const std::string_view station = field(STATION);
  if (needs_station(e.kind)) {
    if (station.empty()) {
      error(row_line_, "a '" + std::string(event) + "' row needs a station");
      return false;
    }
    const auto it = station_index_.find(station);
    if (it == station_index_.end()) {
      if (messages_) {
        // Reported once: a plant that names a station the scenario lacks does it in every message.
        if (std::find(unknown_stations_.begin(), unknown_stations_.end(), station) != unknown_stations_.end()) {
          ++errors_;
          refusal_ = Refusal::ERROR;
          return false;
        }
        if (unknown_stations_.size() < 100) unknown_stations_.emplace_back(station);
      }
      error(row_line_, "unknown station " + quoted(station) + scenario::did_you_mean(std::string(station), catalog_.stations) +
                           " (not in the scenario)");
      return false;
    }
    e.station = it->second;
  }
  const std::string_view server = field(SERVER);
  if (e.station >= 0 && on_server(e.kind)) {
    const int servers = catalog_.servers[static_cast<std::size_t>(e.station)];
    if (!server.empty()) {
      std::int64_t index = 0;
      bool numeric = server.size() <= 9;
      for (char c : server) numeric = numeric && c >= '0' && c <= '9';
      if (numeric) {
        for (char c : server) index = index * 10 + (c - '0');
      } else {
        auto& names = server_names_[static_cast<std::size_t>(e.station)];
        const auto it = std::find(names.begin(), names.end(), server);
        index = it - names.begin();
        if (it == names.end()) names.emplace_back(server);
      }
      if (index >= servers) {
        error(row_line_, "server " + quoted(server) + " of station " + quoted(station) + ": the station has " +
                             std::to_string(servers) + " server(s) in the scenario" +
                             (numeric ? " (numbered from 0)" : " (a name is a server: this is one more)"));
        return false;
      }
      e.server = static_cast<std::int32_t>(index);
    } else if (servers == 1) {
      e.server = 0;
    } else if (e.kind == LogEventKind::DOWN || e.kind == LogEventKind::UP || e.kind == LogEventKind::STATE) {
      error(row_line_, "a '" + std::string(event) + "' row at station " + quoted(station) + " (" + std::to_string(servers) +
                           " servers) needs its server");
      return false;
    }
  }
  e.part = field(PART);
  if (needs_part(e.kind) && e.part.empty()) {
    error(row_line_, "a '" + std::string(event) + "' row needs a part");
    return false;
  }
  const std::string_view product = field(PRODUCT);
  if (!product.empty()) {
    const auto it = product_index_.find(product);
    if (it == product_index_.end()) {
      error(row_line_, "unknown product " + quoted(product) + scenario::did_you_mean(std::string(product), catalog_.products) +
                           " (not in the scenario)");
      return false;
    }
    e.product = it->second;
  } else if (e.kind == LogEventKind::RELEASE) {
    error(row_line_, "a 'release' row needs the part's product");
    return false;
  }
  const std::string_view order = field(ORDER);
  if (!order.empty()) {
    auto it = order_index_.find(order);
    if (it == order_index_.end()) {
      it = order_index_.emplace(std::string(order), static_cast<std::int32_t>(orders_.size())).first;
      orders_.emplace_back(order);
    }
    e.order = it->second;
  }
  e.carrier = field(CARRIER);
  e.from = field(FROM);
  e.to = field(TO);
  e.state_text = field(STATE);
  if (e.kind == LogEventKind::STATE) {
    const std::string_view state = e.state_text;
    for (const models::ServerStateInfo& info : models::SERVER_STATES)
      if (state == info.name) e.state = static_cast<std::int8_t>(info.state);
    if (e.state < 0) {
      count_unknown(unknown_states_, state);
      return false;
    }
    ++state_rows_;
  }
  if (rows_ == 0) first_time_ = e.time;
  last_time_ = e.time;
  ++rows_;
  return true;
}

bool LogReader::next(LogEvent& event) {
  if (!ok_) return false;
  while (!stopped_ && read_row()) {
    if (parse_row(event)) return true;
  }
  add_count_warnings();
  return false;
}

bool LogReader::next_fields(std::vector<std::pair<std::string_view, std::string_view>>& out, kernel::Tick& time) {
  if (!ok_) return false;
  while (!stopped_ && read_row()) {
    if (fields_.size() > header_fields_) {
      error(row_line_, "the row has " + std::to_string(fields_.size()) + " fields, the header " + std::to_string(header_fields_));
      continue;
    }
    const std::string_view time_text = field(TIME);
    if (time_text.empty()) {
      error(row_line_, "the row has no time");
      continue;
    }
    const auto t = parse_time(time_text);
    if (!t) continue;
    if (rows_ > 0 && *t < last_time_) {
      error(row_line_, "time goes backwards: " + std::string(time_text) + " is earlier than the row before (rows are in time order)");
      continue;
    }
    out.clear();
    for (std::size_t i = 0; i < fields_.size(); ++i)
      if (!fields_[i].empty() && !header_names_[i].empty()) out.emplace_back(header_names_[i], fields_[i]);
    if (rows_ == 0) first_time_ = *t;
    last_time_ = *t;
    ++rows_;
    time = *t;
    return true;
  }
  return false;
}

void LogReader::count_unknown(std::vector<std::pair<std::string, Unknown>>& list, std::string_view name) {
  refusal_ = Refusal::UNKNOWN_NAME;
  auto it = std::find_if(list.begin(), list.end(), [&](const auto& u) { return u.first == name; });
  if (it == list.end()) {
    if (list.size() >= 100) return;  // a hundred kinds say enough
    it = list.insert(list.end(), {std::string(name), Unknown{row_line_, 0}});
    if (messages_)
      warning(row_line_, std::string(&list == &unknown_events_ ? "unknown event " : "unknown server state ") + quoted(name) +
                             ": ignored (reported once)");
  }
  ++it->second.rows;
}

void LogReader::add_count_warnings() {
  if (messages_) return;  // reported when first seen
  for (const auto& [name, u] : unknown_events_)
    warning(u.first_line, "unknown event " + quoted(name) + " (" + std::to_string(u.rows) + " row(s)): ignored");
  for (const auto& [name, u] : unknown_states_)
    warning(u.first_line, "unknown server state " + quoted(name) + " (" + std::to_string(u.rows) + " row(s)): ignored");
  unknown_events_.clear();
  unknown_states_.clear();
}

}  // namespace plantwin::twin
