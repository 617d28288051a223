"""The server states come from the engine's one declaration (engine/models/server_state.hpp)."""

import plantwin
from plantwin import plots, states
from plantwin.result import STATES


def test_the_states_are_the_engines_in_its_order():
    assert STATES == states.STATES
    assert STATES == ("working", "setup", "waiting_operator", "blocked", "waiting_transport", "waiting_network", "down",
                      "maintenance", "off_shift", "idle")
    assert set(plots.STATE_COLORS) == set(STATES)
    assert all(c.startswith("#") and len(c) == 7 for c in plots.STATE_COLORS.values())


def test_active_states_and_losses_are_declared_once():
    assert states.ACTIVE_STATES == ("working", "setup", "waiting_network", "down")
    losses = {s.name: s.loss for s in states.SERVER_STATES if s.loss}
    assert losses == {"setup": "setup", "waiting_operator": "operator", "waiting_transport": "transport",
                      "waiting_network": "network", "down": "failure"}
    assert {s.name for s in states.SERVER_STATES if not s.planned} == {"maintenance", "off_shift"}


def test_a_document_lists_the_states_its_plant_can_be_in_in_that_order(in_root):
    line = plantwin.load("scenarios/examples/two_stations.yaml")
    result = plantwin.run(line, replications=1)
    assert list(result.station_states.columns) == ["working", "setup", "blocked", "down", "idle"]
