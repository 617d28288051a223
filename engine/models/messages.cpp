#include "models/messages.hpp"

#include <algorithm>
#include <cassert>
#include <iterator>

#include "models/station.hpp"

namespace plantwin::models {

namespace {
/// More exchanges in flight than this stop the run: the offered load is above what the network
/// carries, and the backlog would grow without bound.
constexpr std::size_t MAX_EXCHANGES_IN_FLIGHT = 1'000'000;

std::uint64_t pack(std::size_t high, std::size_t low) { return static_cast<std::uint64_t>(high) << 32 | low; }
}  // namespace

/// The gate a station-triggered flow puts on its station.
class Messages::FlowGate final : public Gate {
 public:
  FlowGate(Messages& messages, std::size_t flow) : messages_(messages), flow_(flow) {}
  void request(GateClient& client, std::uint64_t tag, const Station& /*station*/, PartId part) override {
    messages_.gate_request(flow_, client, tag, part);
  }
  ServerState waiting_state() const override { return ServerState::WAITING_NETWORK; }

 private:
  Messages& messages_;
  std::size_t flow_;
};

Messages::Messages(const NetworkParams& params, PlantContext& ctx, const std::vector<std::unique_ptr<Station>>& stations)
    : params_(params), ctx_(ctx), model_id_(ctx.kernel.add_model(*this, "messages")) {
  simulator_ = std::make_unique<network::Simulator>(ctx.kernel, params.platform);
  for (std::size_t f = 0; f < params.flows.size(); ++f) {
    const MessageFlowParams& flow = params.flows[f];
    const std::string name = "message/" + flow.id;
    FlowStreams s{ctx.stream(name + "/loss"), ctx.stream(name + "/jitter"), ctx.stream(name + "/compute"), {}};
    if (flow.trigger == MessageFlowParams::Trigger::EVERY) {
      s.every.reserve(flow.devices);
      for (std::size_t d = 0; d < flow.devices; ++d) s.every.push_back(ctx.stream(name + "/every/" + std::to_string(d)));
    }
    streams_.push_back(std::move(s));
    if (flow.trigger == MessageFlowParams::Trigger::AFTER_WORK || flow.trigger == MessageFlowParams::Trigger::BEFORE_WORK) {
      gates_.push_back(std::make_unique<FlowGate>(*this, f));
      Station& station = *stations[flow.station];
      if (flow.trigger == MessageFlowParams::Trigger::AFTER_WORK)
        station.add_gate_after_work(*gates_.back());
      else
        station.add_gate_before_work(*gates_.back());
    }
  }
  for (const NetLinkParams& l : params.links)
    links_.push_back(LinkState{0, 0, 0, ctx.stream("link/" + l.id + "/ttf"), ctx.stream("link/" + l.id + "/ttr")});
  flow_measures_.resize(params.flows.size());
}

Messages::~Messages() = default;

void Messages::start() {
  for (std::size_t f = 0; f < params_.flows.size(); ++f) {
    const MessageFlowParams& flow = params_.flows[f];
    if (flow.trigger != MessageFlowParams::Trigger::EVERY) continue;
    for (std::size_t d = 0; d < flow.devices; ++d)
      ctx_.kernel.schedule_in(flow.phase.sample_ticks(streams_[f].every[d]), model_id_, SEND_PERIODIC, pack(f, d));
  }
  for (std::size_t l = 0; l < params_.links.size(); ++l) {
    const NetLinkParams& link = params_.links[l];
    for (const NetLinkParams::Window& w : link.outages) {
      ctx_.kernel.schedule_at(w.start, model_id_, OUTAGE_BEGIN, l);
      ctx_.kernel.schedule_at(w.end, model_id_, OUTAGE_END, l);
    }
    if (link.failures)
      ctx_.kernel.schedule_in(link.failures->time_to_failure.sample_ticks(links_[l].ttf), model_id_, LINK_FAIL, l);
  }
}

kernel::Kernel::Status Messages::run(kernel::Tick warmup, kernel::Tick end, const std::function<void()>& at_warmup) {
  return simulator_->run(warmup, end, at_warmup);
}

void Messages::reset_statistics() {
  const kernel::Tick now = ctx_.kernel.now();
  std::fill(flow_measures_.begin(), flow_measures_.end(), FlowMeasures{});
  for (LinkState& l : links_) {
    l.down_ticks = 0;
    l.down_since = now;
  }
  window_start_ = now;
}

NetworkMeasures Messages::measures() const {
  const kernel::Tick now = ctx_.kernel.now();
  NetworkMeasures m;
  m.flows = flow_measures_;
  for (const LinkState& l : links_) m.link_down.push_back(l.down_ticks + (l.down > 0 ? now - l.down_since : 0));
  m.usage = simulator_->usage();
  return m;
}

// ---- exchanges -------------------------------------------------------------------------------

std::uint32_t Messages::begin(std::size_t flow, std::size_t device) {
  std::uint32_t ex;
  if (!free_exchanges_.empty()) {
    ex = free_exchanges_.back();
    free_exchanges_.pop_back();
  } else {
    if (exchanges_.size() >= MAX_EXCHANGES_IN_FLIGHT) {
      ctx_.kernel.fail("more than " + std::to_string(MAX_EXCHANGES_IN_FLIGHT) + " messages in flight at t=" +
                       std::to_string(kernel::to_seconds(ctx_.kernel.now())) + "s (flow '" + params_.flows[flow].id +
                       "'): the network carries less than the messages offered, and the backlog grows without bound");
    }
    ex = static_cast<std::uint32_t>(exchanges_.size());
    exchanges_.emplace_back();
  }
  Exchange& e = exchanges_[ex];
  e = Exchange{};
  e.flow = static_cast<std::uint32_t>(flow);
  e.device = static_cast<std::uint32_t>(device);
  e.started = ctx_.kernel.now();
  ++flow_measures_[flow].started;
  return ex;
}

void Messages::gate_request(std::size_t flow, GateClient& client, std::uint64_t tag, PartId part) {
  const MessageFlowParams& f = params_.flows[flow];
  if (!f.products.empty() && !f.products[ctx_.parts[part].product]) {
    client.gate_passed(tag);
    return;
  }
  const std::uint32_t ex = begin(flow, 0);
  if (f.blocking) {
    exchanges_[ex].waiter = Waiter::GATE;
    exchanges_[ex].gate_client = &client;
    exchanges_[ex].tag = tag;
  }
  send(ex);
  if (!f.blocking) client.gate_passed(tag);
}

void Messages::start_exchange(std::size_t flow, std::size_t device, ExchangeClient& client, std::uint64_t tag) {
  assert(flow < params_.flows.size() && device < params_.flows[flow].devices);
  const std::uint32_t ex = begin(flow, device);
  exchanges_[ex].waiter = Waiter::CLIENT;
  exchanges_[ex].client = &client;
  exchanges_[ex].tag = tag;
  send(ex);
}

const NetRouteParams& Messages::route_of(const Exchange& ex) const {
  const MessageFlowParams& f = params_.flows[ex.flow];
  return params_.routes[ex.phase == Phase::REPLY ? f.reply_routes[ex.device] : f.request_routes[ex.device]];
}

bool Messages::route_up(const NetRouteParams& route) const {
  for (std::uint32_t l : route.links)
    if (links_[l].down > 0) return false;
  return true;
}

void Messages::send(std::uint32_t ex) {
  const Exchange& e = exchanges_[ex];
  const MessageFlowParams& f = params_.flows[e.flow];
  const NetRouteParams& route = route_of(e);
  if (!route_up(route)) {
    if (f.on_outage == MessageFlowParams::OnOutage::DROP)
      finish(ex, false);
    else
      parked_.push_back(ex);
    return;
  }
  kernel::Tick delay = route.latency;
  for (std::uint32_t l : route.links)
    if (const auto& jitter = params_.links[l].jitter) delay += jitter->sample_ticks(streams_[e.flow].jitter);
  simulator_->transfer(route.route, e.phase == Phase::REPLY ? f.reply : f.size, delay, *this, ex);
}

void Messages::resend_later(std::uint32_t ex, kernel::Tick delay) {
  ctx_.kernel.schedule_in(delay, model_id_, RETRY, ex);
}

void Messages::activity_done(std::uint64_t tag, bool ok) {
  const auto ex = static_cast<std::uint32_t>(tag);
  Exchange& e = exchanges_[ex];
  const MessageFlowParams& f = params_.flows[e.flow];
  FlowMeasures& m = flow_measures_[e.flow];
  if (e.phase == Phase::COMPUTE) {
    if (f.reply > 0) {
      e.phase = Phase::REPLY;
      e.retransmissions = 0;
      send(ex);
    } else {
      finish(ex, true);
    }
    return;
  }
  if (!ok) {
    // A link of the route went down under the transfer.
    if (f.on_outage == MessageFlowParams::OnOutage::DROP) {
      finish(ex, false);
      return;
    }
    ++m.retransmissions;
    ++e.retransmissions;
    send(ex);  // parks it while the route is down
    return;
  }
  for (std::uint32_t l : route_of(e).links) {
    const NetLinkParams& link = params_.links[l];
    if (link.loss > 0 && streams_[e.flow].loss.uniform() < link.loss) {
      if (f.max_retransmissions && e.retransmissions >= *f.max_retransmissions) {
        finish(ex, false);
        return;
      }
      ++m.retransmissions;
      ++e.retransmissions;
      resend_later(ex, link.retransmit_timeout);
      return;
    }
  }
  after_delivery(ex);
}

void Messages::after_delivery(std::uint32_t ex) {
  Exchange& e = exchanges_[ex];
  const MessageFlowParams& f = params_.flows[e.flow];
  if (e.phase == Phase::REQUEST && f.compute) {
    e.phase = Phase::COMPUTE;
    simulator_->compute(f.compute_host, f.compute->sample(streams_[e.flow].compute), *this, ex);
    return;
  }
  if (e.phase == Phase::REQUEST && f.reply > 0) {
    e.phase = Phase::REPLY;
    e.retransmissions = 0;
    send(ex);
    return;
  }
  finish(ex, true);
}

void Messages::finish(std::uint32_t ex, bool delivered) {
  const Exchange e = exchanges_[ex];
  FlowMeasures& m = flow_measures_[e.flow];
  if (delivered) {
    const kernel::Tick latency = ctx_.kernel.now() - e.started;
    m.latency.add(kernel::to_seconds(latency));
    m.latency_histogram.add(latency);
  } else {
    ++m.lost;
  }
  free_exchanges_.push_back(ex);
  if (e.waiter == Waiter::GATE) e.gate_client->gate_passed(e.tag);
  if (e.waiter == Waiter::CLIENT) e.client->exchange_done(e.tag, delivered);
}

// ---- links -----------------------------------------------------------------------------------

void Messages::link_down(std::uint32_t link, bool down) {
  LinkState& s = links_[link];
  const kernel::Tick now = ctx_.kernel.now();
  const int before = s.down;
  s.down += down ? 1 : -1;
  assert(s.down >= 0);
  if ((before > 0) == (s.down > 0)) return;
  if (down) {
    s.down_since = now;
  } else {
    s.down_ticks += now - std::max(s.down_since, window_start_);
  }
  for (network::ChannelIndex c : params_.links[link].channels) simulator_->set_channel_on(c, !down);
  if (down) return;
  // Send again, in the order they came, the messages whose whole route is up now.
  std::vector<std::uint32_t> waiting;
  waiting.swap(parked_);
  for (std::uint32_t ex : waiting) {
    if (route_up(route_of(exchanges_[ex])))
      send(ex);
    else
      parked_.push_back(ex);
  }
}

const char* Messages::event_name(std::uint32_t kind) const {
  static constexpr const char* names[] = {"send", "retry", "outage_begin", "outage_end", "link_fail", "link_repair"};
  return kind < std::size(names) ? names[kind] : nullptr;
}

void Messages::on_event(const kernel::Event& event) {
  switch (event.kind) {
    case SEND_PERIODIC: {
      const auto flow = static_cast<std::size_t>(event.arg >> 32);
      const auto device = static_cast<std::size_t>(event.arg & 0xffffffffu);
      send(begin(flow, device));
      ctx_.kernel.schedule_in(params_.flows[flow].every.sample_ticks(streams_[flow].every[device]), model_id_,
                              SEND_PERIODIC, event.arg);
      break;
    }
    case RETRY: send(static_cast<std::uint32_t>(event.arg)); break;
    case OUTAGE_BEGIN: link_down(static_cast<std::uint32_t>(event.arg), true); break;
    case OUTAGE_END: link_down(static_cast<std::uint32_t>(event.arg), false); break;
    case LINK_FAIL: {
      const auto l = static_cast<std::uint32_t>(event.arg);
      link_down(l, true);
      ctx_.kernel.schedule_in(params_.links[l].failures->time_to_repair.sample_ticks(links_[l].ttr), model_id_, LINK_REPAIR, l);
      break;
    }
    case LINK_REPAIR: {
      const auto l = static_cast<std::uint32_t>(event.arg);
      link_down(l, false);
      ctx_.kernel.schedule_in(params_.links[l].failures->time_to_failure.sample_ticks(links_[l].ttf), model_id_, LINK_FAIL, l);
      break;
    }
    default: assert(false);
  }
}

}  // namespace plantwin::models
