// The network layer against closed-form answers: every transfer is a SimGrid communication, and
// these are the cases where its time is known exactly. Each runs SimGrid in a child process.
#include <catch2/catch.hpp>

#include <random>
#include <stdexcept>

#include "network_support.hpp"

using namespace plantwin;
using namespace plantwin::testing;
using network::Platform;

namespace {
constexpr kernel::Tick S = kernel::TICKS_PER_SECOND;
constexpr double MB = 1e6;

Platform one_link(double bandwidth) {
  Platform p = platform_of(2, {bandwidth});
  p.routes.push_back({0, 1, {0}});
  return p;
}
}  // namespace

TEST_CASE("one transfer on an idle link takes its latency plus its size over the bandwidth", "[network][exact]") {
  // 10 kB over 100 Mbit/s (12.5 MB/s) after 5 ms: 5 ms + 10,000 B / 12,500,000 B/s = 5.8 ms.
  const Timeline t = run_network(one_link(12.5e6), {{0, 0, 10'000, 5 * MS}}, 1 * S);
  CHECK(t.end[0] == 5'800'000);
}

TEST_CASE("a transfer started later ends as much later", "[network][exact]") {
  const Timeline t = run_network(one_link(12.5e6), {{7 * S + 3, 0, 10'000, 5 * MS}}, 10 * S);
  CHECK(t.end[0] == 7 * S + 3 + 5'800'000);
}

TEST_CASE("n equal transfers started together share the link equally and end together", "[network][exact]") {
  // 4 × 1 MB on 10 MB/s: each gets 2.5 MB/s, all end at 5 ms + 0.4 s.
  std::vector<ActivitySpec> four(4, ActivitySpec{0, 0, 1 * MB, 5 * MS});
  const Timeline t = run_network(one_link(10 * MB), four, 10 * S);
  for (kernel::Tick end : t.end) CHECK(end == 405 * MS);
}

TEST_CASE("two staggered transfers: the first alone, then both at half the rate", "[network][exact]") {
  // 1 MB each on 10 MB/s, the second 50 ms later. The first moves 0.5 MB alone, then shares:
  // it ends at 2S/B - t1 = 0.15 s; the second then runs alone and ends at 2S/B = 0.2 s.
  const Timeline t = run_network(one_link(10 * MB), {{0, 0, 1 * MB, 0}, {50 * MS, 0, 1 * MB, 0}}, 10 * S);
  CHECK(t.end[0] == 150 * MS);
  CHECK(t.end[1] == 200 * MS);
}

TEST_CASE("max-min sharing across two links gives a flow what its bottleneck leaves, not a per-link split",
          "[network][exact]") {
  // Links X and Y carry 10 MB/s each. f1 crosses X; f2 crosses X then Y; f3 and f4 cross Y.
  // Y is the bottleneck of f2, f3, f4: 10/3 MB/s each. Max-min then gives f1 the rest of X,
  // 20/3 MB/s, and its 10 MB end at 1.5 s. A naive split of X in two would give f1 5 MB/s (2 s).
  Platform p = platform_of(8, {10 * MB, 10 * MB});
  p.routes = {{0, 1, {0}}, {2, 3, {0, 1}}, {4, 5, {1}}, {6, 7, {1}}};
  const Timeline t = run_network(p, {{0, 0, 10 * MB, 0}, {0, 1, 10 * MB, 0}, {0, 2, 10 * MB, 0}, {0, 3, 10 * MB, 0}}, 10 * S);
  CHECK(t.end[0] == 1500 * MS);
  CHECK(t.end[1] == 3 * S);
  CHECK(t.end[2] == 3 * S);
  CHECK(t.end[3] == 3 * S);
}

TEST_CASE("two links in series: the transfer flows at the slower one's bandwidth", "[network][exact]") {
  // 125 kB over 100 Mbit/s then 10 Mbit/s (1.25 MB/s): 0.1 s after the route's latency.
  Platform p = platform_of(2, {12.5e6, 1.25e6});
  p.routes.push_back({0, 1, {0, 1}});
  const Timeline t = run_network(p, {{0, 0, 125'000, 5 * MS}}, 1 * S);
  CHECK(t.end[0] == 105 * MS);
}

TEST_CASE("a computation takes its work on an idle core, and more computations than cores share them",
          "[network][exact]") {
  Platform p = platform_of(1, {});
  p.hosts.push_back({"edge", 2});
  // One job alone: 0.25 s. Then three jobs of 1 s on 2 cores: each runs at 2/3, all end 1.5 s later.
  const Timeline t =
      run_network(p, {{0, 0, 0.25, 0, 1}, {1 * S, 0, 1.0, 0, 1}, {1 * S, 0, 1.0, 0, 1}, {1 * S, 0, 1.0, 0, 1}}, 10 * S);
  CHECK(t.end[0] == 250 * MS);
  CHECK(t.end[1] == 2500 * MS);
  CHECK(t.end[2] == 2500 * MS);
  CHECK(t.end[3] == 2500 * MS);
}

TEST_CASE("a delivery at the tick of a plant event is handled after it, and before any later event", "[network][exact]") {
  // The transfer ends at 5.8 ms exactly; plant events at 5.8 ms and 1 ns later.
  const Timeline t = run_network(one_link(12.5e6), {{0, 0, 10'000, 5 * MS}}, 1 * S, {}, {5'800'000, 5'800'001, 5'799'999});
  REQUIRE(t.order.size() == 4);
  CHECK(t.order[0] == "plant 2");
  CHECK(t.order[1] == "plant 0");
  CHECK(t.order[2] == "done 0 ok");
  CHECK(t.order[3] == "plant 1");
}

TEST_CASE("a link that goes off fails the transfer on it, and one started while it is off", "[network][exact]") {
  // 1 MB on 10 MB/s (0.1 s): off at 50 ms fails it then; a transfer started at 60 ms fails at
  // once; the link is on again at 200 ms and a transfer started then runs normally.
  const Timeline t = run_network(one_link(10 * MB), {{0, 0, 1 * MB, 0}, {60 * MS, 0, 1 * MB, 0}, {200 * MS, 0, 1 * MB, 0}}, 1 * S,
                                 {{50 * MS, 0, false}, {200 * MS, 0, true}});
  CHECK(t.end[0] == -1);
  CHECK(t.end[1] == -1);
  CHECK(t.end[2] == 300 * MS);
  CHECK(t.order[0] == "done 0 failed");
}

TEST_CASE("the shortcuts past SimGrid change no end: transfers alone, joined, failed, and computations", "[network][exact]") {
  // Three channels of uneven bandwidths, routes over one, two and three of them, transfers at
  // random ticks (some alone, some overlapping, some joined while they flowed alone), computations
  // on two cores, and channels that go off and on: the ends with each of the shortcuts
  // (network::Shortcuts) against those without.
  Platform p = platform_of(2, {12.5e6, 3.3e6, 7.77e6});
  p.hosts.push_back({"edge", 2});
  p.routes = {{0, 1, {0}}, {0, 1, {1}}, {0, 1, {0, 1}}, {0, 1, {2, 0, 1}}, {0, 1, {2}}};
  std::mt19937_64 random(20261205);
  std::vector<ActivitySpec> activities;
  for (int i = 0; i < 400; ++i) {
    ActivitySpec a;
    a.start = static_cast<kernel::Tick>(random() % (20 * S));
    if (random() % 8 == 0) {
      a.host = 2;
      a.amount = 0.001 + static_cast<double>(random() % 1000) / 800.0;  // up to 1.25 s: they overlap on the 2 cores
    } else {
      a.route = static_cast<network::RouteIndex>(random() % p.routes.size());
      a.amount = static_cast<double>(1 + random() % 200'000);
      a.delay = random() % 3 == 0 ? 0 : static_cast<kernel::Tick>(random() % (7 * MS));
    }
    activities.push_back(a);
  }
  const std::vector<ChannelSwitch> outage{{5 * S + 123, 1, false}, {6 * S + 7, 1, true}, {12 * S, 2, false}, {12 * S + 1, 2, true}};
  const Timeline plain = run_network(p, activities, 30 * S, outage, {}, network::Shortcuts{false, false});
  std::size_t failed = 0;
  for (kernel::Tick end : plain.end) failed += end == -1;
  CHECK(failed > 0);  // the outages hit transfers

  // Running ahead of SimGrid while it carries nothing changes no date at all.
  const Timeline ahead = run_network(p, activities, 30 * S, outage, {}, network::Shortcuts{false, true});
  CHECK(ahead.end == plain.end);
  CHECK(ahead.order == plain.order);

  // A transfer alone ends at its start plus its size over its bandwidth, as SimGrid computes it.
  // One that another joins is handed to SimGrid with what is left of it, computed in one step
  // where SimGrid took several: the same to the last bit or two, which may move its end by 1 ns.
  for (const network::Shortcuts shortcuts : {network::Shortcuts{true, false}, network::Shortcuts{}}) {
    INFO("alone " << shortcuts.alone << ", run ahead " << shortcuts.run_ahead);
    const Timeline fast = run_network(p, activities, 30 * S, outage, {}, shortcuts);
    CHECK(fast.simgrid_transfers < plain.simgrid_transfers / 2);  // most transfers here flow alone
    std::size_t moved = 0;
    for (std::size_t i = 0; i < plain.end.size(); ++i) {
      if (fast.end[i] == plain.end[i]) continue;
      ++moved;
      INFO("activity " << i << " ends at " << fast.end[i] << ", not " << plain.end[i]);
      CHECK(plain.end[i] >= 0);
      CHECK(std::abs(fast.end[i] - plain.end[i]) <= 1);
    }
    CHECK(moved <= 4);
  }
}

TEST_CASE("transfers that share one bottleneck flow outside SimGrid and end where SimGrid ends them", "[network][exact]") {
  // Four routes whose slowest channel is c0 (4 MB/s; the others faster): max-min gives each of the
  // n transfers on them 4/n MB/s, the fair share computed outside SimGrid. Bursts of equal
  // transfers at one tick (messages sent again when a link comes back), transfers on c1 alone
  // (another bottleneck: SimGrid takes the share over), a route of its own (c3), and outages of c2
  // (members crossing it fail, the others go on faster) and of c0 (all fail).
  Platform p = platform_of(2, {4e6, 20e6, 9e6, 3e6});
  p.routes = {{0, 1, {0}}, {0, 1, {1, 0}}, {0, 1, {0, 2}}, {0, 1, {1, 0, 2}}, {0, 1, {1}}, {0, 1, {3}}};
  std::mt19937_64 random(20261206);
  std::vector<ActivitySpec> activities;
  for (int i = 0; i < 600; ++i) {
    ActivitySpec a;
    a.start = static_cast<kernel::Tick>(random() % (10 * S));
    a.route = static_cast<network::RouteIndex>(random() % 4);
    if (i % 100 == 0) a.route = 4 + static_cast<network::RouteIndex>(random() % 2);
    a.amount = static_cast<double>(1 + random() % 100'000);
    a.delay = random() % 2 == 0 ? 0 : static_cast<kernel::Tick>(random() % (5 * MS));
    activities.push_back(a);
  }
  for (int burst = 0; burst < 3; ++burst)
    for (int i = 0; i < 50; ++i)
      activities.push_back({(3 + 4 * burst) * S + 17, static_cast<network::RouteIndex>(i % 4), 12'000.0 + (i % 3) * 1000.0, 0, -1});
  const std::vector<ChannelSwitch> outage{{2 * S, 2, false}, {2 * S + 300 * MS, 2, true}, {8 * S + 5, 0, false}, {8 * S + 50 * MS, 0, true}};
  const Timeline plain = run_network(p, activities, 40 * S, outage, {}, network::Shortcuts{false, false});
  const Timeline fast = run_network(p, activities, 40 * S, outage, {}, network::Shortcuts{});
  std::size_t failed = 0, moved = 0;
  for (std::size_t i = 0; i < plain.end.size(); ++i) {
    INFO("activity " << i << " ends at " << fast.end[i] << ", not " << plain.end[i]);
    failed += plain.end[i] == -1;
    CHECK(plain.end[i] >= -1);  // every one ended or failed
    CHECK((fast.end[i] == -1) == (plain.end[i] == -1));
    if (fast.end[i] == plain.end[i]) continue;
    ++moved;
    CHECK(std::abs(fast.end[i] - plain.end[i]) <= 1);
  }
  CHECK(failed > 10);
  CHECK(moved <= plain.end.size() / 50);
  // SimGrid carried only the shares that met another bottleneck's transfers, and those (46 of 740
  // on 2026-12-06, when 3 of the 750 ends moved by 1 ns and 13 failed).
  CHECK(fast.simgrid_transfers > 0);
  CHECK(fast.simgrid_transfers < plain.simgrid_transfers / 4);
}

TEST_CASE("members of a fair share that end together end before an outage at that instant", "[network][exact]") {
  // 300 kB from 2.9 s and 100 kB from 3.1 s on 1 MB/s: both end at 3.3 s, when the channel goes
  // off (the outage's event runs first at that tick). The second's finish is the service when it
  // joined (200 kB and a rounding) plus its size: a rounding past the first's, yet due at 3.3 s.
  const Platform p = one_link(1e6);
  const std::vector<ActivitySpec> activities{{2900 * MS, 0, 300'000, 0, -1}, {3100 * MS, 0, 100'000, 0, -1}};
  const std::vector<ChannelSwitch> outage{{3300 * MS, 0, false}};
  const Timeline plain = run_network(p, activities, 5 * S, outage, {}, network::Shortcuts{false, false});
  const Timeline fast = run_network(p, activities, 5 * S, outage, {}, network::Shortcuts{});
  CHECK(plain.end == std::vector<kernel::Tick>{3300 * MS, 3300 * MS});
  CHECK(fast.end == plain.end);
  CHECK(fast.simgrid_transfers == 0);
}

TEST_CASE("a process makes at most one network simulator: SimGrid's engine cannot restart", "[network]") {
  const run::ChildOutcome child = run::run_in_child([] {
    kernel::Kernel k1, k2;
    network::Simulator first(k1, one_link(1e6));
    try {
      network::Simulator second(k2, one_link(1e6));
    } catch (const std::logic_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  });
  REQUIRE(child.ok);
  CHECK_THAT(child.bytes, Catch::Contains("a process of its own"));
}
