#include <catch2/catch.hpp>

#include "run/archive.hpp"
#include "plant_fixtures.hpp"

using namespace plantwin;
using namespace plantwin::testing;

TEST_CASE("a replication's result survives the archive bit for bit", "[archive]") {
  LineBuilder b;
  b.station("a", Distribution::exponential(1), 2, 3).station("b", Distribution::lognormal(1.5, 0.5), 1, 1);
  b.last().failures = models::FailureParams{Distribution::exponential(50), Distribution::exponential(5)};
  b.source("src", Distribution::exponential(1.2));
  const auto original = run_plant(b.build(), 100 * S, 5000 * S);
  run::ArchiveWriter w;
  w(original);
  models::ReplicationResult copy;
  run::ArchiveReader r(w.bytes());
  r(copy);
  CHECK(r.done());
  run::ArchiveWriter again;
  again(copy);
  CHECK(again.bytes() == w.bytes());
  CHECK(copy.fingerprint == original.fingerprint);
  CHECK(copy.plant.all.tally.mean() == original.plant.all.tally.mean());
  CHECK(copy.plant.all.histogram.quantile(0.95) == original.plant.all.histogram.quantile(0.95));
  CHECK(copy.stations[1].state_ticks == original.stations[1].state_ticks);
}

TEST_CASE("a truncated or corrupt archive is an error, not a crash", "[archive]") {
  LineBuilder b;
  b.station("a", Distribution::exponential(1)).source("src", Distribution::exponential(2));
  const auto original = run_plant(b.build(), 0, 1000 * S);
  run::ArchiveWriter w;
  w(original);
  for (std::size_t cut : {std::size_t{0}, std::size_t{3}, w.bytes().size() / 2, w.bytes().size() - 1}) {
    models::ReplicationResult copy;
    run::ArchiveReader r(std::string_view(w.bytes()).substr(0, cut));
    CHECK_THROWS_AS(r(copy), run::ArchiveError);
  }
  std::string corrupt = w.bytes();
  std::memset(corrupt.data() + 4, 0xff, 8);  // inside the first size fields
  models::ReplicationResult copy;
  run::ArchiveReader r(corrupt);
  CHECK_THROWS(r(copy));
}
