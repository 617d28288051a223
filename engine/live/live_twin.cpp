#include "live/live_twin.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ostream>
#include <stdexcept>
#include <thread>

#include "run/json.hpp"
#include "run/process_runner.hpp"
#include "twin/live_intake.hpp"

namespace plantwin::live {

namespace {

using Clock = std::chrono::steady_clock;

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

/// Diagnostics of the intake go to the log, the first MAX_LOGGED of each kind in full; after that
/// one line per 10,000 (a plant that sends garbage must not fill the disk).
class DiagnosticLog {
 public:
  static constexpr std::uint64_t MAX_LOGGED = 100;
  explicit DiagnosticLog(std::ostream* out) : out_(out) {}
  void add(const twin::LogDiagnostic& d) {
    std::uint64_t& n = d.error ? errors_ : warnings_;
    ++n;
    if (out_ == nullptr) return;
    if (n <= MAX_LOGGED) *out_ << d.format() << "\n";
    if (n == MAX_LOGGED) *out_ << "plantwin twin: " << MAX_LOGGED << " " << (d.error ? "errors" : "warnings") << " logged; from now on one line per 10000\n";
    if (n > MAX_LOGGED && n % 10000 == 0) *out_ << "plantwin twin: " << n << " " << (d.error ? "errors" : "warnings") << " so far; the last: " << d.format() << "\n";
    out_->flush();
  }

 private:
  std::ostream* out_;
  std::uint64_t errors_ = 0, warnings_ = 0;
};

}  // namespace

LiveTwinSummary run_live_twin(const scenario::ScenarioSpec& spec, const LiveTwinOptions& o) {
  const std::string base = "plantwin/" + o.plant;
  const std::string events_topic = base + "/events", request_topic = base + "/forecast/request", forecast_topic = base + "/forecast";
  const auto say = [&](const std::string& line) {
    if (o.log != nullptr) *o.log << "plantwin twin: " << line << "\n" << std::flush;
  };
  // A persistent session: while the twin is away (the broker restarts, the network drops), the
  // broker keeps its subscriptions and the events of QoS 1 for it.
  MqttClient client("plantwin-twin-" + o.plant, true);
  client.subscribe(events_topic, 1);
  client.subscribe(request_topic, 1);
  client.connect(o.broker);

  twin::LiveIntake intake(spec, events_topic, o.epoch);
  DiagnosticLog diagnostics(o.log);
  run::BackgroundChild child;
  std::optional<twin::ForecastRequest> waiting;
  twin::ForecastRequest running;
  Clock::time_point running_since{};
  std::optional<kernel::Tick> next_every;
  LiveTwinSummary sum;

  const auto request_at = [&](kernel::Tick t, const std::string& trigger, run::Json id) {
    twin::ForecastRequest r;
    r.state_yaml = intake.state_yaml(t);
    r.plant_time = t;
    r.until = twin::forecast_until(spec, t, o.look_ahead);
    r.replications = o.replications;
    r.seed = o.seed;
    r.jobs = o.jobs;
    r.trigger = trigger;
    r.request_id = std::move(id);
    r.requested_wall_s = unix_now();
    if (waiting) ++sum.superseded;
    waiting = std::move(r);
  };
  const auto start_forecast = [&] {
    running = std::move(*waiting);
    waiting.reset();
    running_since = Clock::now();
    // The child computes and returns the document's text; this process only publishes it.
    child.start([&spec, req = running] { return twin::compute_forecast(spec, req, nullptr).dump(); });
    say("forecast (" + running.trigger + ") at plant time " + run::format_number(kernel::to_seconds(running.plant_time)) + " s started");
  };
  const auto finish_forecast = [&](const run::ChildOutcome& outcome) {
    const double compute_s = std::chrono::duration<double>(Clock::now() - running_since).count();
    if (!outcome.ok) {
      ++sum.forecast_failures;
      say("the forecast at plant time " + run::format_number(kernel::to_seconds(running.plant_time)) + " s failed: " + outcome.error);
      return;
    }
    run::JsonError error;
    const auto body = run::parse_json(outcome.bytes, &error);
    if (!body || !body->is_object()) {
      ++sum.forecast_failures;
      say("the forecast's document did not read back: " + error.message);
      return;
    }
    run::Json doc = run::Json::object();
    doc["made_at_s"] = unix_now();
    for (const auto& [k, v] : body->members()) doc.add(k, v);
    doc["requested_at_s"] = running.requested_wall_s;
    doc["compute_s"] = compute_s;
    doc["events"] = intake.counts().to_json();
    doc["parts_in_plant"] = static_cast<std::uint64_t>(intake.parts_in_plant());
    std::string why;
    if (!client.publish(forecast_topic, doc.dump(), 1, false, &why)) {
      ++sum.forecast_failures;
      say("the forecast could not be queued for publication: " + why);
      return;
    }
    ++sum.forecasts;
    const run::Json* b = doc.find("bottleneck");
    say("forecast (" + running.trigger + ") at plant time " + run::format_number(kernel::to_seconds(running.plant_time)) + " s to " +
        run::format_number(kernel::to_seconds(running.until)) + " s published in " + run::format_number(std::round(compute_s * 1000) / 1000) +
        " s" + (b != nullptr && b->is_object() && b->find("station") != nullptr ? ", bottleneck " + b->find("station")->string() : ""));
  };

  say("listening on " + o.broker.text() + " to " + events_topic + " (forecasts to " + forecast_topic + ", " +
      (o.every > 0 ? "every " + run::format_number(kernel::to_seconds(o.every)) + " s of plant time" : "on request only") + ", " +
      std::to_string(o.replications) + " replications)");
  while (o.stop == nullptr || !o.stop->load()) {
    pollfd fds[2];
    nfds_t n = 0;
    if (client.fd() >= 0) fds[n++] = pollfd{client.fd(), static_cast<short>(POLLIN | (client.wants_write() ? POLLOUT : 0)), 0};
    if (child.running()) fds[n++] = pollfd{child.fd(), POLLIN, 0};
    if (n > 0) ::poll(fds, n, 200);  // EINTR (a stop signal) only ends the wait early
    else std::this_thread::sleep_for(std::chrono::milliseconds(50));
    client.step();
    for (const std::string& line : client.take_log()) say(line);

    for (MqttMessage& m : client.messages()) {
      if (m.topic == request_topic) {
        ++sum.requests;
        run::Json id;
        if (!m.payload.empty()) {
          run::JsonError error;
          const auto req = run::parse_json(m.payload, &error);
          if (req && req->is_object() && req->find("id") != nullptr) id = *req->find("id");
          else if (!req || !req->is_object()) say(request_topic + ": the request is not a JSON object ({\"id\": ...}): answered without an id");
        }
        request_at(intake.plant_time(), "request", std::move(id));
        continue;
      }
      if (intake.read(m.payload) != twin::IntakeOutcome::APPLIED) continue;
      const kernel::Tick t = intake.pending().time;
      if (o.every > 0) {
        if (!next_every) next_every = (t / o.every + (t % o.every == 0 ? 0 : 1)) * o.every;
        // The state at the last multiple of `every` before this row: every row at or before it is in.
        if (t > *next_every) {
          const kernel::Tick at = (t - 1) / o.every * o.every;
          request_at(at, "every", run::Json());
          next_every = at + o.every;
        }
      }
      intake.apply_pending();
    }
    client.messages().clear();
    for (const auto& d : intake.take_diagnostics()) diagnostics.add(d);

    if (child.running())
      if (const auto outcome = child.poll()) finish_forecast(*outcome);
    if (!child.running() && waiting) {
      try {
        start_forecast();
      } catch (const std::exception& e) {
        ++sum.forecast_failures;
        say(std::string("cannot start a forecast: ") + e.what());
      }
    }
  }
  child.kill();
  // The forecasts already queued go out before the DISCONNECT (a second or two at most).
  const auto flush_until = Clock::now() + std::chrono::seconds(2);
  while (client.connected() && client.unacknowledged() > 0 && Clock::now() < flush_until) {
    pollfd p{client.fd(), static_cast<short>(POLLIN | (client.wants_write() ? POLLOUT : 0)), 0};
    ::poll(&p, 1, 50);
    client.step();
  }
  client.disconnect();
  sum.events = intake.counts();
  sum.connections = client.connections();
  return sum;
}

ReplaySummary replay_log(const std::string& log_path, const ReplayOptions& o) {
  ReplaySummary sum;
  const auto say = [&](const std::string& line) {
    if (o.log != nullptr) *o.log << "plantwin replay: " << line << "\n" << std::flush;
  };
  const twin::LogCatalog none;
  twin::LogReader reader(log_path, none, o.epoch);
  if (!reader.ok()) {
    sum.diagnostics = reader.diagnostics();
    return sum;
  }
  const std::string topic = "plantwin/" + o.plant + "/events";
  MqttClient client("plantwin-replay-" + o.plant + "-" + std::to_string(::getpid()), false);
  client.connect(o.broker);
  const auto start = Clock::now();
  constexpr std::size_t MAX_UNACKNOWLEDGED = 2000;  // flow control: memory stays flat at full speed
  std::vector<std::pair<std::string_view, std::string_view>> fields;
  kernel::Tick t = 0;
  std::optional<kernel::Tick> first;
  std::string payload;
  const auto stopped = [&] { return o.stop != nullptr && o.stop->load(); };
  const auto pump = [&](int timeout_ms) {
    pollfd p{client.fd(), static_cast<short>(POLLIN | (client.wants_write() ? POLLOUT : 0)), 0};
    if (p.fd >= 0) ::poll(&p, 1, timeout_ms);
    else std::this_thread::sleep_for(std::chrono::milliseconds(std::min(timeout_ms, 50)));
    client.step();
    for (const std::string& line : client.take_log()) say(line);
  };
  while (!stopped() && reader.next_fields(fields, t)) {
    if (!first) first = t;
    // Its moment in wall time: the log's pace, `speed` times faster.
    if (o.speed > 0) {
      const auto due = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(kernel::to_seconds(t - *first) / o.speed));
      while (!stopped() && Clock::now() < due) {
        const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(due - Clock::now()).count();
        pump(static_cast<int>(std::clamp<long long>(wait, 0, 50)));
      }
    }
    // Publish only while connected, and no more than MAX_UNACKNOWLEDGED ahead of the broker.
    while (!stopped() && (!client.connected() || client.unacknowledged() >= MAX_UNACKNOWLEDGED)) pump(50);
    if (stopped()) break;
    run::Json row = run::Json::object();
    for (const auto& [name, value] : fields) {
      // A time in seconds goes as a number; everything else as text, as written.
      if (name == "time" && !reader.iso()) {
        const auto v = run::parse_json(value, nullptr);
        row.add(std::string(name), v && v->is_number() ? *v : run::Json(std::string(value)));
      } else {
        row.add(std::string(name), std::string(value));
      }
    }
    payload = row.dump();
    std::string why;
    if (!client.publish(topic, payload, 1, false, &why)) {
      say("cannot queue the row of line " + std::to_string(reader.rows()) + " for publication: " + why);
      ++sum.skipped;
      continue;
    }
    ++sum.published;
    client.step();
  }
  sum.stopped = stopped();
  // Every row acknowledged by the broker before it says it is done.
  while (!stopped() && (client.unacknowledged() > 0 || !client.connected())) pump(50);
  client.disconnect();
  sum.diagnostics = reader.diagnostics();
  sum.skipped += static_cast<std::uint64_t>(std::count_if(sum.diagnostics.begin(), sum.diagnostics.end(), [](const auto& d) { return d.error; }));
  sum.wall_s = std::chrono::duration<double>(Clock::now() - start).count();
  sum.ok = !sum.stopped && !reader.has_errors();
  return sum;
}

}  // namespace plantwin::live
