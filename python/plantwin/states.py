"""The server states as the engine declares them (``engine/models/server_state.hpp``): their order,
colour, whether they count as active for the bottleneck, and the OEE availability loss they are.
Tables, plots and the report read them from here, so a state added to the engine appears
everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional, Tuple

from . import _plantwin


@dataclass(frozen=True)
class ServerState:
    """One server state."""

    name: str            #: in results: ``"waiting_transport"``
    column: str          #: the CLI table's heading: ``"transport"``
    colour: str          #: in plots and the report: ``"#9467bd"``
    active: bool         #: counts in a station's active share (the bottleneck)
    loss: Optional[str]  #: the OEE availability loss it is (``"failure"``), or None
    planned: bool        #: counts in planned time (off_shift and maintenance do not)
    always: bool         #: reported for every plant (the others when the plant can enter them)
    doc: str             #: what a server in this state does


#: Every server state, in the order results list them.
SERVER_STATES: Tuple[ServerState, ...] = tuple(ServerState(**s) for s in _plantwin.server_states())
#: Their names, in that order.
STATES: Tuple[str, ...] = tuple(s.name for s in SERVER_STATES)
#: The colour of each state, in every plot.
STATE_COLORS: Dict[str, str] = {s.name: s.colour for s in SERVER_STATES}
#: The states that count as active for the bottleneck (docs/kpis.md).
ACTIVE_STATES: Tuple[str, ...] = tuple(s.name for s in SERVER_STATES if s.active)

__all__ = ["ACTIVE_STATES", "SERVER_STATES", "STATES", "STATE_COLORS", "ServerState"]
