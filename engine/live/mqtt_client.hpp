#pragma once
/// An MQTT client on the caller's thread (Debian's libmosquitto, its only user): the live twin's
/// and the replayer's connection to the broker. The caller's loop polls fd() with its own file
/// descriptors and calls step(); nothing runs on another thread, so the process may fork (the
/// twin's forecast does).
///
/// A lost connection is reconnected with back-off (0.5 s, doubling, at most 10 s); the
/// subscriptions are made again on every connection. Publications of QoS 1 that the broker has
/// not acknowledged are sent again by libmosquitto after a reconnection (at least once: a
/// receiver sees duplicates, which the twin recognises).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct mosquitto;
struct mosquitto_message;

namespace plantwin::live {

struct BrokerAddress {
  std::string host;
  int port = 1883;
  std::string text() const { return "mqtt://" + host + ":" + std::to_string(port); }
};
/// Parses "mqtt://HOST:PORT" (the port defaults to 1883; "HOST:PORT" is taken too); nullopt with
/// `*error` set otherwise.
std::optional<BrokerAddress> parse_broker(std::string_view text, std::string* error);

struct MqttMessage {
  std::string topic;
  std::string payload;
};

class MqttClient {
 public:
  using Clock = std::chrono::steady_clock;
  /// `client_id` names the session at the broker; `persistent`: the broker keeps the session (its
  /// subscriptions and the QoS 1 messages that arrive while the client is away) over a
  /// disconnection. Throws std::runtime_error when libmosquitto cannot make a client.
  MqttClient(const std::string& client_id, bool persistent);
  ~MqttClient();
  MqttClient(const MqttClient&) = delete;
  MqttClient& operator=(const MqttClient&) = delete;

  /// Starts connecting to `broker`; a failure is retried by step() with back-off (log() says so).
  void connect(const BrokerAddress& broker);
  /// Subscribes now (when connected) and after every reconnection.
  void subscribe(const std::string& topic, int qos);
  /// Queues a publication; false when libmosquitto refuses it (too large, no memory), with its
  /// reason in `*why`. A QoS 1 message is kept over a lost connection and sent after reconnecting.
  bool publish(const std::string& topic, std::string_view payload, int qos, bool retain = false, std::string* why = nullptr);
  /// The socket to poll (-1 while disconnected), and whether to poll it for writing too.
  int fd() const;
  bool wants_write() const;
  /// Does the network's work (reads, writes, keep-alive, reconnection when it is due). Received
  /// messages go to messages().
  void step();
  bool connected() const { return connected_; }
  /// Publications queued or not yet acknowledged (QoS 1).
  std::size_t unacknowledged() const { return unacknowledged_; }
  std::vector<MqttMessage>& messages() { return inbox_; }
  /// What happened to the connection since the last call ("connected to ...", "connection lost:
  /// ...; reconnecting in 1 s"), one line each.
  std::vector<std::string> take_log();
  /// Connections made (the first one included), and whether the broker had kept the session.
  std::uint64_t connections() const { return connections_; }
  bool session_present() const { return session_present_; }
  /// Disconnects cleanly (a DISCONNECT packet when connected).
  void disconnect();

 private:
  static void on_connect(mosquitto*, void* self, int rc, int flags);
  static void on_disconnect(mosquitto*, void* self, int rc);
  static void on_message(mosquitto*, void* self, const mosquitto_message* m);
  static void on_publish(mosquitto*, void* self, int mid);
  void lost(const std::string& why);

  mosquitto* mosq_ = nullptr;
  BrokerAddress broker_;
  bool started_ = false, connecting_ = false, connected_ = false, session_present_ = false, stopping_ = false;
  Clock::time_point retry_at_{};
  std::chrono::milliseconds backoff_{500};
  std::vector<std::pair<std::string, int>> subscriptions_;
  std::vector<MqttMessage> inbox_;
  std::vector<std::string> log_;
  std::size_t unacknowledged_ = 0;
  std::uint64_t connections_ = 0;
};

}  // namespace plantwin::live
