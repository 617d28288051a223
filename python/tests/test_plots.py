"""Plots render to files (Agg), and say what they need."""

from __future__ import annotations

import copy

import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

import plantwin
from plantwin import plots


@pytest.fixture(scope="module")
def result(flagship):
    return plantwin.run(flagship, replications=3, timeline=True)


def saved(ax_or_figure, path) -> int:
    figure = ax_or_figure if isinstance(ax_or_figure, Figure) else ax_or_figure.figure
    figure.savefig(path, dpi=60)
    return path.stat().st_size


@pytest.mark.parametrize("draw", [plots.station_states, plots.throughput, plots.lead_times, plots.gantt],
                         ids=lambda f: f.__name__)
def test_each_result_plot_renders_to_a_png(result, tmp_path, draw):
    ax = draw(result)
    assert isinstance(ax, Axes)
    assert saved(ax, tmp_path / "plot.png") > 5000


def test_plots_draw_on_a_given_axes(result, tmp_path):
    figure = Figure(figsize=(12, 8))
    axes = figure.subplots(2, 1)
    assert plots.station_states(result, ax=axes[0]) is axes[0]
    assert plots.gantt(result, start_s=0, end_s=1800, stations=["pnp_chip", "reflow"], ax=axes[1]) is axes[1]
    assert [t.get_text() for t in axes[1].get_yticklabels()] == ["pnp_chip"] + [f"reflow/{k}" for k in range(8)]
    assert saved(figure, tmp_path / "two.png") > 5000


def test_state_bars_show_the_states_a_plant_has(result):
    # The flagship has AGVs, a 5G network, shifts, a setter and maintenance: its stations also wait
    # for transport, the network and the setter, and are off shift or in maintenance.
    labels = [t.get_text() for t in plots.station_states(result).get_legend().get_texts()]
    assert labels == ["working", "setup", "waiting operator", "blocked", "waiting transport", "waiting network", "down",
                      "maintenance", "off shift", "idle"]
    # A plant without them shows the core states only (its document has no others).
    doc = copy.deepcopy(result.to_dict())
    extra = ("waiting_operator", "waiting_transport", "waiting_network", "maintenance", "off_shift")
    for station in doc["stations"].values():
        station["states"]["idle"] += sum(station["states"].pop(k) for k in extra)
    labels = [t.get_text() for t in plots.station_states(plantwin.Result(doc)).get_legend().get_texts()]
    assert labels == ["working", "setup", "blocked", "down", "idle"]


def test_timeline_plots_need_a_recorded_timeline(flagship):
    plain = plantwin.run(flagship, replications=1)
    for draw in (plots.throughput, plots.lead_times, plots.gantt):
        with pytest.raises(ValueError, match="timeline=True"):
            draw(plain)


def test_gantt_rejects_an_unknown_station_and_an_empty_window(result):
    with pytest.raises(ValueError, match="no station 'reflw'"):
        plots.gantt(result, stations=["reflw"])
    with pytest.raises(ValueError, match="after start_s"):
        plots.gantt(result, start_s=100, end_s=100)


@pytest.fixture(scope="module")
def table(flagship):
    return plantwin.sweep(flagship, {"stations.reflow.servers": [8, 12], "stations.pnp_chip.buffer": [1, 3, 6]},
                          replications=3, jobs=1, progress=False)


def test_sweep_curves_draw_bands_per_hue(table, tmp_path):
    ax = plots.sweep_curves(table, x="stations.pnp_chip.buffer", kpi="orders.on_time", hue="stations.reflow.servers")
    assert len(ax.lines) == 2 and len(ax.collections) == 2  # a curve and a band per oven count
    assert saved(ax, tmp_path / "curves.png") > 5000
    figure = plots.sweep_curves(table, x="stations.pnp_chip.buffer", kpi=["throughput_per_h", "lead_time_s.p95"],
                                hue="stations.reflow.servers")
    assert isinstance(figure, Figure) and len(figure.axes) == 2
    assert saved(figure, tmp_path / "panels.png") > 5000


def test_sweep_curves_need_every_other_path_fixed(table):
    with pytest.raises(ValueError, match="stations.reflow.servers also vary"):
        plots.sweep_curves(table, x="stations.pnp_chip.buffer", kpi="orders.on_time")
    one = table[table["stations.reflow.servers"] == 8]
    assert len(plots.sweep_curves(one, x="stations.pnp_chip.buffer", kpi="orders.on_time").lines) == 1
    with pytest.raises(KeyError, match="no KPI"):
        plots.sweep_curves(one, x="stations.pnp_chip.buffer", kpi="orders.late")


def test_kpi_bars_show_one_kpi_of_a_section(result, tmp_path):
    ax = plots.kpi_bars(result, "stations", "oee")
    assert [t.get_text() for t in ax.get_yticklabels()] == list(result.stations.index)
    assert saved(ax, tmp_path / "bars.png") > 5000
    # The flagship's AGV fleet is a section like the stations; it has no conveyors.
    assert [t.get_text() for t in plots.kpi_bars(result, "fleets", "utilization").get_yticklabels()] == ["agv"]
    with pytest.raises(KeyError, match="no section 'conveyors'"):
        plots.kpi_bars(result, "conveyors", "occupancy")
    with pytest.raises(KeyError, match="no KPI 'speed'"):
        plots.kpi_bars(result, "stations", "speed")
