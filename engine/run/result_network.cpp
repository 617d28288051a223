#include "run/result_network.hpp"

#include <limits>

#include "kernel/stats.hpp"
#include "run/result_document.hpp"

namespace plantwin::run {

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

/// A latency KPI: mean and interval over the replications' means; p50, p95 and p99 of every
/// exchange of every replication pooled (from the merged histograms).
Json latency_kpi(const RunOutcome& outcome, std::size_t flow) {
  std::vector<double> means;
  kernel::Histogram pooled;
  for (const auto& r : outcome.replications) {
    const models::FlowMeasures& f = r.network.flows[flow];
    means.push_back(f.latency.count() > 0 ? f.latency.mean() : NaN);
    pooled.merge(f.latency_histogram);
  }
  return kpi(std::move(means), pooled, {{"p50", 0.50}, {"p95", 0.95}, {"p99", 0.99}});
}

/// The utilisation of a set of channels: bytes carried over bytes they could carry in the horizon.
Json utilization_kpi(const RunOutcome& outcome, const models::NetworkParams& net, const std::vector<network::ChannelIndex>& channels,
                     double horizon_s) {
  double capacity = 0;
  for (network::ChannelIndex c : channels) capacity += net.platform.channels[c].bandwidth * horizon_s;
  std::vector<double> values;
  for (const auto& r : outcome.replications) {
    double bytes = 0;
    for (network::ChannelIndex c : channels) bytes += r.network.usage.channel_bytes[c];
    values.push_back(capacity > 0 ? bytes / capacity : 0.0);
  }
  return kpi(std::move(values));
}

}  // namespace

models::NetworkMeasures empty_network_measures(const models::NetworkParams& network) {
  models::NetworkMeasures m;
  m.flows.resize(network.flows.size());
  m.link_down.resize(network.links.size());
  m.usage.channel_bytes.resize(network.platform.channels.size());
  m.usage.host_work.resize(network.platform.hosts.size());
  return m;
}

void add_network_sections(Json& doc, const models::NetworkParams& net, const RunConfig& config, const RunOutcome& outcome) {
  const double horizon_s = kernel::to_seconds(config.horizon);
  const auto per_replication = [&](auto&& value) {
    std::vector<double> values;
    for (const auto& r : outcome.replications) values.push_back(value(r.network));
    return kpi(std::move(values));
  };

  Json& flows = doc["flows"] = Json::object();
  for (std::size_t f = 0; f < net.flows.size(); ++f) {
    Json& j = flows.add(net.flows[f].id, Json::object());
    j["started"] = per_replication([&](const models::NetworkMeasures& m) { return static_cast<double>(m.flows[f].started); });
    j["completed"] = per_replication([&](const models::NetworkMeasures& m) { return static_cast<double>(m.flows[f].latency.count()); });
    j["latency_s"] = latency_kpi(outcome, f);
    j["lost"] = per_replication([&](const models::NetworkMeasures& m) { return static_cast<double>(m.flows[f].lost); });
    j["retransmissions"] =
        per_replication([&](const models::NetworkMeasures& m) { return static_cast<double>(m.flows[f].retransmissions); });
  }

  Json& links = doc["links"] = Json::object();
  for (std::size_t l = 0; l < net.links.size(); ++l) {
    const models::NetLinkParams& link = net.links[l];
    Json& j = links.add(link.id, Json::object());
    j["utilization"] = utilization_kpi(outcome, net, link.channels, horizon_s);
    const std::size_t slices = link.slice_count();
    for (std::size_t d = 0; d < link.directions.size(); ++d) {
      const std::vector<network::ChannelIndex> channels(link.channels.begin() + static_cast<std::ptrdiff_t>(d * slices),
                                                        link.channels.begin() + static_cast<std::ptrdiff_t>((d + 1) * slices));
      j[link.directions[d]] = utilization_kpi(outcome, net, channels, horizon_s);
    }
    if (!link.slices.empty()) {
      Json& by_slice = j["slices"] = Json::object();
      for (std::size_t k = 0; k < slices; ++k) {
        std::vector<network::ChannelIndex> channels;
        for (std::size_t d = 0; d < link.directions.size(); ++d) channels.push_back(link.channels[d * slices + k]);
        by_slice[link.slices[k]] = Json::object();
        by_slice[link.slices[k]]["utilization"] = utilization_kpi(outcome, net, channels, horizon_s);
      }
    }
    j["down"] = per_replication([&](const models::NetworkMeasures& m) {
      return horizon_s > 0 ? kernel::to_seconds(m.link_down[l]) / horizon_s : 0.0;
    });
  }

  Json& nodes = doc["nodes"] = Json::object();
  for (const models::ComputeNodeParams& n : net.compute_nodes) {
    Json& j = nodes.add(n.id, Json::object());
    j["utilization"] = per_replication([&](const models::NetworkMeasures& m) {
      return horizon_s > 0 ? m.usage.host_work[n.host] / (n.cores * horizon_s) : 0.0;
    });
  }
}

}  // namespace plantwin::run
