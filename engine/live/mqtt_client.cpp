#include "live/mqtt_client.hpp"

#include <mosquitto.h>

#include <algorithm>
#include <utility>
#include <charconv>
#include <mutex>
#include <stdexcept>

namespace plantwin::live {

namespace {

constexpr int KEEPALIVE_S = 30;
constexpr std::chrono::milliseconds FIRST_BACKOFF{500};
constexpr std::chrono::milliseconds MAX_BACKOFF{10000};

// mosquitto_lib_init() once per process, before the first client (it is not thread-safe, and
// the process has one thread when the first client is made).
void init_library() {
  static std::once_flag once;
  std::call_once(once, [] { mosquitto_lib_init(); });
}

/// libmosquitto's text for `rc`, without its final period (it goes inside a sentence).
std::string error_text(int rc) {
  std::string text = mosquitto_strerror(rc);
  while (!text.empty() && (text.back() == '.' || text.back() == ' ')) text.pop_back();
  return text;
}

std::string seconds_text(std::chrono::milliseconds d) {
  const long long ms = d.count();
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + " s";
}

}  // namespace

std::optional<BrokerAddress> parse_broker(std::string_view text, std::string* error) {
  const auto fail = [&](const std::string& why) {
    if (error != nullptr) *error = "--broker: " + why + ", got '" + std::string(text) + "'";
    return std::nullopt;
  };
  std::string_view rest = text;
  if (rest.substr(0, 7) == "mqtt://") rest.remove_prefix(7);
  else if (rest.find("://") != std::string_view::npos) return fail("expected mqtt://HOST:PORT (TLS, mqtts://, is not supported)");
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  BrokerAddress b;
  const auto colon = rest.rfind(':');
  if (colon != std::string_view::npos) {
    const std::string_view port = rest.substr(colon + 1);
    int p = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (ec != std::errc() || end != port.data() + port.size() || p < 1 || p > 65535)
      return fail("expected a port from 1 to 65535 after the host");
    b.port = p;
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) return fail("expected mqtt://HOST:PORT, with a host");
  if (rest.find_first_of("/@ ") != std::string_view::npos) return fail("expected mqtt://HOST:PORT (no path or user)");
  b.host = std::string(rest);
  return b;
}

MqttClient::MqttClient(const std::string& client_id, bool persistent) {
  init_library();
  mosq_ = mosquitto_new(client_id.c_str(), !persistent, this);
  if (mosq_ == nullptr) throw std::runtime_error("libmosquitto cannot make a client (out of memory or an invalid client id)");
  mosquitto_connect_with_flags_callback_set(mosq_, &MqttClient::on_connect);
  mosquitto_disconnect_callback_set(mosq_, &MqttClient::on_disconnect);
  mosquitto_message_callback_set(mosq_, &MqttClient::on_message);
  mosquitto_publish_callback_set(mosq_, &MqttClient::on_publish);
  // Messages in flight at once: more keeps a fast replayer from waiting for each acknowledgement.
  mosquitto_max_inflight_messages_set(mosq_, 1000);
}

MqttClient::~MqttClient() {
  if (mosq_ != nullptr) mosquitto_destroy(mosq_);
}

void MqttClient::connect(const BrokerAddress& broker) {
  broker_ = broker;
  const int rc = started_ ? mosquitto_reconnect(mosq_) : mosquitto_connect(mosq_, broker.host.c_str(), broker.port, KEEPALIVE_S);
  if (rc == MOSQ_ERR_SUCCESS) {
    started_ = true;
    connecting_ = true;
    return;
  }
  // mosquitto_reconnect() needs a first mosquitto_connect() that got as far as a socket.
  lost("cannot connect to " + broker.text() + ": " + error_text(rc));
}

void MqttClient::lost(const std::string& why) {
  connected_ = false;
  connecting_ = false;
  retry_at_ = Clock::now() + backoff_;
  log_.push_back(why + "; trying again in " + seconds_text(backoff_));
  backoff_ = std::min(backoff_ * 2, MAX_BACKOFF);
}

void MqttClient::subscribe(const std::string& topic, int qos) {
  subscriptions_.emplace_back(topic, qos);
  if (connected_) mosquitto_subscribe(mosq_, nullptr, topic.c_str(), qos);
}

bool MqttClient::publish(const std::string& topic, std::string_view payload, int qos, bool retain, std::string* why) {
  const int rc = mosquitto_publish(mosq_, nullptr, topic.c_str(), static_cast<int>(payload.size()), payload.data(), qos, retain);
  // libmosquitto queues a QoS 1 message before it writes it to the socket, and keeps it when the
  // write fails: not connected, or the connection dropped under the write (the broker went away
  // since the last step). It sends it again after the reconnection; only a refusal before the
  // queue (too large, invalid topic, no memory) loses it.
  const bool kept = qos > 0 && (rc == MOSQ_ERR_NO_CONN || rc == MOSQ_ERR_CONN_LOST || rc == MOSQ_ERR_ERRNO);
  if (rc != MOSQ_ERR_SUCCESS && !kept) {
    if (why != nullptr) *why = error_text(rc);
    return false;
  }
  if (qos > 0) ++unacknowledged_;
  return true;
}

int MqttClient::fd() const { return connecting_ || connected_ ? mosquitto_socket(mosq_) : -1; }
bool MqttClient::wants_write() const { return mosquitto_want_write(mosq_); }

void MqttClient::step() {
  if (!connecting_ && !connected_) {
    if (!stopping_ && Clock::now() >= retry_at_) connect(broker_);
    return;
  }
  int rc = mosquitto_loop_read(mosq_, 100);
  if (rc == MOSQ_ERR_SUCCESS && mosquitto_want_write(mosq_)) rc = mosquitto_loop_write(mosq_, 100);
  if (rc == MOSQ_ERR_SUCCESS) rc = mosquitto_loop_misc(mosq_);
  if (rc != MOSQ_ERR_SUCCESS && (connecting_ || connected_)) {
    lost(std::string("connection to ") + broker_.text() + " lost: " +
         (rc == MOSQ_ERR_CONN_LOST || rc == MOSQ_ERR_NO_CONN ? std::string("the broker closed it") : error_text(rc)));
  }
}

void MqttClient::on_connect(mosquitto* mosq, void* self, int rc, int flags) {
  auto& c = *static_cast<MqttClient*>(self);
  if (rc != 0) {
    c.lost(std::string("the broker ") + c.broker_.text() + " refused the connection: " + mosquitto_connack_string(rc));
    return;
  }
  c.connecting_ = false;
  c.connected_ = true;
  c.session_present_ = (flags & 1) != 0;
  c.backoff_ = FIRST_BACKOFF;
  ++c.connections_;
  c.log_.push_back("connected to " + c.broker_.text() + (c.connections_ > 1 ? (c.session_present_ ? " again (the broker kept the session)" : " again (a new session)") : ""));
  for (const auto& [topic, qos] : c.subscriptions_) mosquitto_subscribe(mosq, nullptr, topic.c_str(), qos);
}

void MqttClient::on_disconnect(mosquitto*, void* self, int rc) {
  auto& c = *static_cast<MqttClient*>(self);
  if (c.stopping_ || (!c.connected_ && !c.connecting_)) return;
  c.lost(std::string("connection to ") + c.broker_.text() + " lost" + (rc != 0 ? ": " + error_text(rc) : std::string()));
}

void MqttClient::on_message(mosquitto*, void* self, const mosquitto_message* m) {
  auto& c = *static_cast<MqttClient*>(self);
  c.inbox_.push_back({m->topic, std::string(static_cast<const char*>(m->payload), static_cast<std::size_t>(m->payloadlen))});
}

void MqttClient::on_publish(mosquitto*, void* self, int) {
  auto& c = *static_cast<MqttClient*>(self);
  if (c.unacknowledged_ > 0) --c.unacknowledged_;
}

std::vector<std::string> MqttClient::take_log() { return std::exchange(log_, {}); }

void MqttClient::disconnect() {
  stopping_ = true;
  if (connected_) {
    mosquitto_disconnect(mosq_);
    // Let the DISCONNECT packet go out.
    for (int i = 0; i < 10 && mosquitto_want_write(mosq_); ++i) mosquitto_loop_write(mosq_, 1);
  }
  connected_ = false;
  connecting_ = false;
}

}  // namespace plantwin::live
