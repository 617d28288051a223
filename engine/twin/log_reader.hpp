#pragma once
/// Reading an event log (docs/twin.md, "The event log"; TWIN.md §1), streaming: one row at a
/// time from a fixed buffer, so that memory stays constant however long the log (a row may not be
/// longer than MAX_ROW_BYTES). Columns are found by name in the header (any order; `time`,
/// `event`, `station`, `part` and `product` are required); RFC 4180 quoting (a quoted field may
/// hold commas, doubled quotes and line breaks); CR LF or LF line ends; a UTF-8 byte-order mark
/// is skipped.
///
/// Times are seconds from time 0 ("125.5") or ISO 8601 ("2026-03-02T06:00:12.5+08:00"), one kind
/// for the whole log (its first row decides). An ISO time is placed on the scenario's time axis by
/// the epoch (the scenario's `epoch` or `--epoch`); without one, time 0 is midnight (00:00) of
/// the first row's day in the first row's UTC offset. An ISO time without an offset is taken in
/// the epoch's offset (or the first row's).
///
/// Errors are located (`log.csv:1234: error: ...`), and a row with an error is skipped: a
/// missing required column, an unparseable or negative time, a time earlier than the row before,
/// a station or product the scenario does not have, a server index beyond the station's servers,
/// a row with more fields than the header, an unterminated quote. Unknown events, unknown columns
/// and unknown server states are warnings, given once each with the number of rows they concern.
/// Order ids are free: an MES names its own orders.

#include <cstdint>
#include <cstdio>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "kernel/time.hpp"
#include "models/server_state.hpp"
#include "scenario/spec.hpp"

namespace plantwin::twin {

/// The events of the format, then plantwin's additions.
enum class LogEventKind : std::uint8_t {
  RELEASE, ENTER, SETUP_START, SETUP_END, START, END, LEAVE, SCRAP, DOWN, UP, EXIT,
  STATE, LOAD, UNLOAD, DEPART, ARRIVE, VEHICLE_STATE,
  CONSUME, ASSEMBLE,  // assembly (docs/planning.md, "Assembly")
};
/// "release", "setup_start", ... as written in logs.
const char* log_event_name(LogEventKind kind);

/// One row, with every id resolved. The text fields are valid until the next read.
struct LogEvent {
  kernel::Tick time = 0;  ///< on the scenario's time axis
  LogEventKind kind = LogEventKind::RELEASE;
  std::int32_t station = -1;  ///< index in the scenario's stations; -1: none
  std::int32_t server = -1;   ///< index at the station; -1: none given
  std::int32_t product = -1;  ///< index in the scenario's products; -1: none
  std::int32_t order = -1;    ///< index in LogReader::orders(); -1: none
  std::string_view part;      ///< as written; empty: none
  std::string_view carrier, from, to;
  std::string_view state_text;  ///< the `state` column as written (`loaded` on a `depart` row)
  std::int8_t state = -1;  ///< STATE: a models::ServerState; -1 otherwise
  std::uint64_t line = 0;  ///< the row's first line in the file (1-based)
};

/// What a log may name: the scenario's stations (with their server counts) and products.
struct LogCatalog {
  std::vector<std::string> stations;
  std::vector<int> servers;
  std::vector<std::string> products;
  static LogCatalog of(const scenario::ScenarioSpec& spec);
};

/// What a replay of a log needs to know of the scenario's stations besides their ids: per station,
/// whether work a failure interrupts starts over after the repair (`failures.interrupted:
/// restart`), and the calendar it works in (none: always on) with whether its work pauses off
/// shift (`at_shift_end: pause`). Without them a log of a plant with breaks would count the breaks
/// as working time (an MES log has no rows for shifts).
struct ReplayRules {
  std::vector<bool> restart;
  std::vector<std::shared_ptr<const models::CalendarParams>> calendar;
  std::vector<bool> pauses;
  /// The most parts in one batch at the station (its `batch.max`); 0: it does not work in batches.
  /// A batch station's server holds every part started with its first.
  std::vector<std::int64_t> batches;
  std::vector<bool> batches_mixed;  ///< a batch station whose batches take parts of any product
  /// A station whose rejects go back to it with `max_attempts`: the first station of its rework
  /// route, where a part that leaves it and enters there was rejected (its failed passes count
  /// toward the limit); -1 when its parts' attempts do not matter or the log cannot tell them
  /// (that station also follows it on a route, where good parts go).
  std::vector<std::int32_t> rework_first;
};
ReplayRules replay_rules(const scenario::ScenarioSpec& spec);

/// The instant of time 0 and the offset ISO times without one are read in.
struct Epoch {
  std::int64_t unix_s = 0;
  int offset_minutes = 0;
};
/// The scenario's `epoch`, if it has one.
std::optional<Epoch> epoch_of(const scenario::ScenarioSpec& spec);
/// Parses `--epoch` (ISO 8601 with its offset, a whole second); nullopt and `error` otherwise.
std::optional<Epoch> parse_epoch(std::string_view text, std::string* error);

/// An error or a warning about a log: "FILE:LINE: error: message".
struct LogDiagnostic {
  bool error = true;
  std::string file;
  std::uint64_t line = 0;  ///< 0: the file as a whole
  std::string message;
  std::string format() const;
};

class LogReader {
 public:
  static constexpr std::size_t BUFFER_BYTES = 1 << 20;
  static constexpr std::size_t MAX_ROW_BYTES = 1 << 20;
  /// Reading stops after this many errors (one more says so).
  static constexpr std::size_t MAX_ERRORS = 50;

  /// Opens `path` and reads its header; ok() says whether it could.
  LogReader(std::string path, const LogCatalog& catalog, std::optional<Epoch> epoch = {});
  /// A reader of rows that arrive one at a time as messages (the live twin's MQTT events), not from
  /// a file: `source` names them in diagnostics (`plantwin/line-a/events:12: error: ...`, 12 being
  /// the message's number). Errors never stop it; an unknown station, event, server state or column
  /// is reported once, with the first message that named it, and counted after that.
  struct Messages {};
  LogReader(Messages, std::string source, const LogCatalog& catalog, std::optional<Epoch> epoch = {});
  ~LogReader();
  LogReader(const LogReader&) = delete;
  LogReader& operator=(const LogReader&) = delete;

  /// The file is open and its header has every required column.
  bool ok() const { return ok_; }
  /// The next row without errors into `event`; false at the end, after an I/O error or after
  /// MAX_ERRORS errors.
  bool next(LogEvent& event);

  /// The next row as it is written, for a replayer that passes rows on: its columns of the format
  /// (name and value; empty values left out) and its time. Rows with an unreadable time, a time
  /// earlier than the row before, or more fields than the header are skipped with an error; ids
  /// are not checked. False at the end (or after MAX_ERRORS errors).
  bool next_fields(std::vector<std::pair<std::string_view, std::string_view>>& fields, kernel::Tick& time);

  /// A messages reader: one row given column by column (a message's JSON object, values as text),
  /// numbered `number` in diagnostics. True with its event in `event`; false when it has an error
  /// (diagnostics() says which) or is ignored (an unknown event or state).
  bool parse_fields(const std::vector<std::pair<std::string_view, std::string_view>>& fields, std::uint64_t number, LogEvent& event);
  /// Why parse_fields() refused its last row.
  enum class Refusal : std::uint8_t { NONE, ERROR, OUT_OF_ORDER, UNKNOWN_NAME };
  Refusal last_refusal() const { return refusal_; }
  /// Takes the diagnostics so far, leaving none (a messages reader, which never ends, drains them).
  std::vector<LogDiagnostic> take_diagnostics() { return std::exchange(diagnostics_, {}); }

  const std::string& path() const { return path_; }
  /// Errors and warnings so far (warnings about unknown events and states are added at the end).
  const std::vector<LogDiagnostic>& diagnostics() const { return diagnostics_; }
  bool has_errors() const { return errors_ > 0; }
  /// Order ids in the order they first appeared (LogEvent::order indexes this).
  const std::vector<std::string>& orders() const { return orders_; }
  /// The log has the columns of plantwin's vehicle rows (`carrier` and `state`).
  bool has_vehicle_columns() const { return column_[CARRIER] >= 0 && column_[STATE] >= 0; }
  /// The log has plantwin's `state` rows (at least one so far).
  bool has_state_rows() const { return state_rows_ > 0; }
  /// Its times are ISO 8601 (known after the first row).
  bool iso() const { return iso_ == 1; }
  /// Time 0 as an instant (ISO logs, after the first row): the epoch, or the first row's midnight.
  std::optional<Epoch> time0() const { return time0_; }
  std::uint64_t rows() const { return rows_; }
  /// The time of the last row read, and of the first.
  kernel::Tick first_time() const { return first_time_; }
  kernel::Tick last_time() const { return last_time_; }

 private:
  enum Column : std::uint8_t { TIME, EVENT, STATION, SERVER, PART, PRODUCT, ORDER, CARRIER, FROM, TO, STATE, COLUMNS };
  bool read_header();
  /// The next row's fields into fields_ (false at the end of the file).
  bool read_row();
  bool fill();
  bool parse_row(LogEvent& event);
  std::optional<kernel::Tick> parse_time(std::string_view text);
  void error(std::uint64_t line, std::string message);
  void warning(std::uint64_t line, std::string message);
  void add_count_warnings();
  std::string_view field(Column c) const { return column_[c] >= 0 && static_cast<std::size_t>(column_[c]) < fields_.size() ? fields_[static_cast<std::size_t>(column_[c])] : std::string_view(); }

  std::string path_;
  const LogCatalog& catalog_;
  std::optional<Epoch> epoch_;
  std::FILE* file_ = nullptr;
  bool ok_ = false;
  bool eof_ = false;
  bool stopped_ = false;
  // The buffer: [begin_, end_) not yet parsed.
  std::vector<char> buffer_;
  std::size_t begin_ = 0, end_ = 0;
  std::vector<std::string_view> fields_;
  std::deque<std::string> unquoted_;  // the text of quoted fields (a deque: fields_ point into it)
  std::uint64_t line_ = 1;      // the line the next row starts on
  std::uint64_t row_line_ = 0;  // the current row's first line
  std::int32_t column_[COLUMNS];
  std::size_t header_fields_ = 0;
  std::vector<std::string> header_names_;  // the format's name of each field ("" for an unknown column)

  /// Looks up a std::string key by a string_view without making a string of it.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Index = std::unordered_map<std::string, std::int32_t, Hash, std::equal_to<>>;
  Index station_index_, product_index_, order_index_;
  std::vector<std::string> orders_;
  // Server names (not numbers) per station, numbered in the order they appear.
  std::vector<std::vector<std::string>> server_names_;

  int iso_ = -1;  // -1: not known yet
  std::optional<Epoch> time0_;
  int default_offset_ = 0;
  kernel::Tick first_time_ = 0, last_time_ = 0;
  std::uint64_t rows_ = 0, state_rows_ = 0;
  std::vector<LogDiagnostic> diagnostics_;
  std::size_t errors_ = 0;
  bool messages_ = false;
  Refusal refusal_ = Refusal::NONE;
  std::vector<std::string> unknown_stations_, unknown_columns_;  // messages: reported once each
  struct Unknown {
    std::uint64_t first_line = 0, rows = 0;
  };
  std::vector<std::pair<std::string, Unknown>> unknown_events_, unknown_states_;
  void count_unknown(std::vector<std::pair<std::string, Unknown>>& list, std::string_view name);
};

}  // namespace plantwin::twin
