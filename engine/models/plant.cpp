#include "models/plant.hpp"

#include <algorithm>
#include <chrono>

#include "models/transport.hpp"

namespace plantwin::models {

namespace {
std::vector<OrderState> initial_orders(const PlantParams& params) {
  std::vector<OrderState> orders;
  orders.reserve(params.orders.size());
  for (const auto& o : params.orders) orders.push_back(OrderState{o.release, o.due, o.quantity, -1, o.product});
  return orders;
}
}  // namespace

std::vector<bool> PlantParams::components() const {
  std::vector<bool> out(products.size(), false);
  for (const ProductParams& p : products)
    for (const BomLine& line : p.bom) out[line.component] = true;
  return out;
}

StateSet PlantParams::possible_states() const {
  StateSet states;
  if (has_transport) states.add(ServerState::WAITING_TRANSPORT);
  if (has_network) states.add(ServerState::WAITING_NETWORK);
  for (const NamedStation& s : stations) {
    if (s.params.calendar) states.add(ServerState::OFF_SHIFT);
    if (s.params.maintenance) states.add(ServerState::MAINTENANCE);
    if (s.params.operators[static_cast<std::size_t>(OperatorTask::SETUP)] ||
        s.params.operators[static_cast<std::size_t>(OperatorTask::WORK)])
      states.add(ServerState::WAITING_OPERATOR);
  }
  return states;
}

Plant::Plant(const PlantParams& params, std::uint64_t seed, std::uint64_t replication)
    : params_(&params), parts_(params.max_live_parts) {
  routes_.resize(params.products.size());
  process_.resize(params.products.size());
  sink_ = std::make_unique<Sink>(kernel_, parts_, params.products.size(), initial_orders(params));
  ctx_ = std::make_unique<PlantContext>(
      PlantContext{kernel_, parts_, routes_, *sink_, seed, replication, nullptr, nullptr, 0, nullptr, {}, {}, &params, {}});
  for (const auto& p : params.products) product_ids_.push_back(p.id);
  ctx_->product_ids = &product_ids_;
  // A network's simulator brings events of its own: a dry calendar then proves nothing.
  stalls_ = std::make_unique<StallDetector>(kernel_, ctx_->moves, parts_, params.network != nullptr);
  ctx_->stalls = stalls_.get();
  stalls_->set_products(params);
  kernel_.set_watchdog(stalls_.get());
  // Calendars and pools first: stations and sources subscribe to them as they are built.
  for (const CalendarParams& c : params.calendars) {
    calendars_.push_back(std::make_unique<Calendar>(c, kernel_));
    ctx_->calendars.push_back(calendars_.back().get());
  }
  for (const OperatorPoolParams& o : params.operators) {
    pools_.push_back(std::make_unique<OperatorPool>(o, o.calendar ? calendars_[*o.calendar].get() : nullptr, kernel_));
    ctx_->pools.push_back(pools_.back().get());
  }
  for (std::size_t p = 0; p < params.products.size(); ++p) {
    const ProductParams& product = params.products[p];
    if (product.bom.empty()) continue;
    ctx_->assembled_at.resize(params.stations.size());
    ctx_->assembled_at[product.route.front().station].push_back(static_cast<ProductIndex>(p));
  }
  stations_.reserve(params.stations.size());
  for (const auto& s : params.stations)
    stations_.push_back(std::make_unique<Station>(s.id, s.params, *ctx_, static_cast<std::uint32_t>(stations_.size())));
  for (std::size_t p = 0; p < params.products.size(); ++p) {
    const auto& steps = params.products[p].route;
    for (const auto& step : steps) process_[p].push_back(step.process);
    for (std::size_t k = 0; k < steps.size(); ++k) {
      const RouteStepParams& step = steps[k];
      RouteStep r{stations_[step.station].get(), &process_[p][k]};
      r.next = step.next != FOLLOWING ? step.next : k + 1 < steps.size() ? static_cast<std::uint32_t>(k + 1) : ROUTE_END;
      r.reject = step.reject;
      if (!step.alternatives.empty()) {
        // Each choice step draws from a stream of its own: adding one leaves the others unchanged.
        auto choice = std::make_unique<RouteChoice>(RouteChoice{
            step.alternatives, {}, ctx_->stream("route/" + params.products[p].id + "/" + std::to_string(k))});
        double total = 0;
        for (double w : step.weights) choice->cumulative.push_back(total += w);
        r.choice = choice.get();
        choices_.push_back(std::move(choice));
      }
      routes_[p].push_back(r);
    }
  }
  if (params.transport) transport_ = std::make_unique<TransportSystem>(params.transport, *ctx_, stations_, routes_);
  for (const auto& s : stations_) stalls_->add(*s);
  if (transport_) {
    for (const auto& f : transport_->fleets()) stalls_->add(*f);
    for (const auto& c : transport_->conveyors()) stalls_->add(*c);
  }
  sources_.reserve(params.sources.size());
  std::vector<Source*> limited;  // release control: the sink tells these when their parts leave
  for (const auto& s : params.sources) {
    sources_.push_back(std::make_unique<Source>(s.id, s.params, *ctx_, static_cast<std::uint32_t>(sources_.size())));
    limited.push_back(s.params.wip_limit ? sources_.back().get() : nullptr);
    if (s.params.kind == SourceParams::Kind::SATURATED) sources_.back()->saturated_station()->set_saturating_source(sources_.back().get());
    stalls_->add(*sources_.back());
  }
  if (std::any_of(limited.begin(), limited.end(), [](const Source* s) { return s != nullptr; }))
    sink_->set_release_control(std::move(limited));
  std::vector<bool> is_component = params.components();
  if (std::find(is_component.begin(), is_component.end(), true) != is_component.end()) {
    std::vector<Source*> all;
    for (const auto& s : sources_) all.push_back(s.get());
    sink_->set_replacement(std::move(all), std::move(is_component));
  }
  network_ = params.network;
  if (network_) messages_ = std::make_unique<Messages>(*network_, *ctx_, stations_);
  // Fleets whose trips wait for commands over the network (docs/transport.md).
  if (messages_ && transport_) {
    const std::vector<MessageFlowParams>& flows = network_->flows;
    for (std::size_t f = 0; f < flows.size(); ++f)
      if (flows[f].fleet) transport_->fleets()[*flows[f].fleet]->take_commands(*messages_, f, flows[f]);
  }
}

Plant::~Plant() = default;

void Plant::record_timeline() {
  timeline_ = std::make_unique<Timeline>();
  add_observer(*timeline_);
}

void Plant::add_observer(PlantObserver& observer) {
  observers_.add(observer);
  // One observer is called directly; several through the list.
  PlantObserver* o = observers_.size() == 1 ? observers_.only() : &observers_;
  ctx_->observer = o;
  sink_->set_observer(o);
}

ReplicationResult Plant::run(kernel::Tick warmup, kernel::Tick horizon, const std::atomic<bool>* interrupt) {
  const auto wall_start = std::chrono::steady_clock::now();
  kernel_.set_interrupt_flag(interrupt);
  if (warm_ != nullptr) {
    start_warm();
  } else {
    for (auto& c : calendars_) c->start();
    for (auto& s : stations_) s->start();
    if (transport_) transport_->start();
    for (auto& s : sources_) s->start();
  }

  ReplicationResult r;
  r.warmup = warmup;
  r.horizon = horizon;
  // The measured window starts at the warm-up. A cold run without one measures from its start:
  // its models are new, and what they did while starting at time 0 (a saturated station's first
  // part and its operator's grant, say) is in the window, not forgotten with a warm-up of 0.
  const bool measured_from_start = warm_ == nullptr && warmup == 0;
  const auto reset_statistics = [&] {
    if (measured_from_start) return;
    sink_->reset_statistics();
    for (auto& s : stations_) s->reset_statistics();
    for (auto& p : pools_) p->reset_statistics();
    for (auto& s : sources_) s->reset_statistics();
    if (transport_) transport_->reset_statistics();
    if (messages_) messages_->reset_statistics();
  };
  if (messages_) {
    // The network's simulator drives the kernel on SimGrid's clock (network/simulator.hpp).
    messages_->start();
    messages_->run(warmup, warmup + horizon, reset_statistics);
  } else if (kernel_.run_until(warmup) == kernel::Kernel::Status::RUNNING) {
    reset_statistics();
    kernel_.run_until(warmup + horizon);
  }
  // A plant that is stuck at the end fails even when no check caught it closing (a part of the
  // plant deadlocked while the rest ran on).
  stalls_->check_plant(false);
  r.status = kernel_.status();
  r.failure = kernel_.failure();
  r.events = kernel_.events_executed();
  r.fingerprint = kernel_.fingerprint();
  r.plant = sink_->measures();
  r.stations.reserve(stations_.size());
  for (const auto& s : stations_) r.stations.push_back(s->measures());
  r.orders = sink_->orders();
  if (timeline_) r.timeline = std::move(*timeline_);
  for (const auto& p : pools_) r.operators.push_back(p->measures());
  r.sources.reserve(sources_.size());
  for (const auto& s : sources_) r.sources.push_back(s->measures());
  if (transport_) r.transport = transport_->measures();
  if (messages_) r.network = messages_->measures();
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return r;
}

}  // namespace plantwin::models
