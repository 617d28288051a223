"""Result tables of the material-flow KPIs."""
import pytest

import plantwin


def test_material_kpis_reach_the_tables(tmp_path):
    """Rework, batches and release control (docs/planning.md) in Result.stations and section("sources")."""
    scenario = plantwin.loads(
        """plantwin: 1
name: material
horizon: 10h
products: [{id: p, route: [oven, test]}, {id: q, route: [repair]}]
sources:
  - {id: s, product: p, saturated: true, wip_limit: 16}
  - {id: r, product: q, interarrival: 1h}
stations:
  - {id: oven, process: 5min, batch: {max: 8}}
  - {id: test, process: 10s, yield: 0.9, rejects: {route: [repair], then: back}}
  - {id: repair, process: {p: 30s, q: 30s}}
""",
        "material.yaml",
    )
    result = plantwin.run(scenario)
    stations = result.stations
    assert stations.loc["oven", "batches_mean_size"] == 8
    assert stations.loc["oven", "batches_count"] > 100
    assert stations.loc["test", "rejected"] > 0
    assert stations.loc["test", "visits_per_good_part"] == pytest.approx(1 / 0.9, rel=0.05)
    sources = result.section("sources")
    assert list(sources.index) == ["s"]
    assert sources.loc["s", "wip_limit"] == 16
