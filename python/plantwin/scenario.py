"""Scenarios: load, inspect, change."""

from __future__ import annotations

import datetime
import json
import math
import numbers
import os
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Mapping, Optional, Tuple, Union

from . import _plantwin
from .errors import Diagnostic, ScenarioError

if TYPE_CHECKING:  # pragma: no cover
    from .params import Items

PathLike = Union[str, "os.PathLike[str]"]
#: Changes to a scenario: ``{PATH: value}`` or ``[(PATH, value), ...]`` (applied in order).
Changes = Union[Mapping[str, Any], Iterable[Tuple[str, Any]]]

_Origin = Tuple[str, bytes]  # (the name errors give the file, the YAML text as read)
_ChangeList = Tuple[Tuple[str, str], ...]  # (PATH, VALUE as YAML text), in order


def yaml_value(value: Any) -> str:
    """A Python value as the YAML text a ``--set PATH=VALUE`` would carry.

    ``str`` is taken as YAML text as it is (``"30s"``, ``"inf"``, ``"{dist: exponential, mean: 30s}"``);
    booleans, ``None``, integers and floats (Python's or NumPy's) become YAML scalars; a
    ``datetime.timedelta`` becomes its seconds; lists, tuples and dicts become flow YAML.
    Raises ``TypeError`` for anything else.
    """
    if hasattr(value, "item") and callable(value.item) and not isinstance(value, (list, tuple, dict, str)):
        value = value.item()  # a NumPy scalar
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        value = float(value)
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    if isinstance(value, datetime.timedelta):
        return repr(value.total_seconds())
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, default=_json_default)  # JSON is YAML flow style
    raise TypeError(f"cannot use a {type(value).__name__} as a scenario value: {value!r}")


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    raise TypeError(f"cannot use a {type(value).__name__} as a scenario value: {value!r}")


def change_pairs(changes: Optional[Changes]) -> List[Tuple[str, Any]]:
    """``changes`` (a mapping or pairs) as a list of ``(PATH, value)`` pairs, in order."""
    if changes is None:
        return []
    if isinstance(changes, Mapping):
        return [(str(k), v) for k, v in changes.items()]
    if isinstance(changes, (str, bytes)):
        raise TypeError("changes must be a mapping of PATH to value, or (PATH, value) pairs")
    pairs = []
    for item in changes:
        if not (isinstance(item, tuple) and len(item) == 2):
            raise TypeError(f"changes must be a mapping of PATH to value, or (PATH, value) pairs; got {item!r}")
        pairs.append((str(item[0]), item[1]))
    return pairs


def _diagnostics(raw) -> Tuple[List[Diagnostic], List[Diagnostic]]:
    items = [Diagnostic(**d) for d in raw]
    return [d for d in items if d.severity == "error"], [d for d in items if d.severity == "warning"]


class Scenario:
    """A loaded and validated scenario. Immutable: :meth:`with_changes` returns a new one.

    Get one with :func:`plantwin.load` (a file) or :func:`plantwin.loads` (YAML text). A scenario
    keeps the text it was read from, so a later edit of the file does not change it, and it
    pickles as that text plus its changes (to worker processes and Dask workers, which read it
    again).
    """

    def __init__(self, loaded, origin: _Origin, changes: _ChangeList, warnings: List[Diagnostic]):
        self._loaded = loaded
        self._origin = origin
        self._changes = changes
        #: Warnings found while loading (errors raise :class:`ScenarioError` instead).
        self.warnings: List[Diagnostic] = list(warnings)

    # -- what it is -------------------------------------------------------------------------
    @property
    def name(self) -> str:
        """The scenario's ``name``."""
        return self._loaded.name

    @property
    def file(self) -> str:
        """The file it was read from, as given (``loads``: the name given to it)."""
        return self._loaded.file

    @property
    def text(self) -> str:
        """The YAML text it was read from (before changes)."""
        return self._origin[1].decode("utf-8", errors="replace")

    @property
    def seed(self) -> int:
        """The seed of replication 0's random streams (``seed``, default 1)."""
        return self._loaded.seed

    @property
    def replications(self) -> int:
        """The number of replications a run makes unless told otherwise."""
        return self._loaded.replications

    @property
    def horizon_s(self) -> float:
        """The measured time per replication, in seconds."""
        return self._loaded.horizon_s

    @property
    def warmup_s(self) -> float:
        """The warm-up before the measured window, in seconds."""
        return self._loaded.warmup_s

    @property
    def stations(self) -> "Items":
        """The stations by id, in declaration order, with their parameters
        (``line.stations["aoi"].process.mean_s``, ``.servers``, ``.buffer`` (None: unlimited),
        ``.failures.mtbf.mean_s``, ``.calendar``, ``.operators``...; see :mod:`plantwin.params`).
        Iterating gives the ids."""
        return self._items("stations")

    @property
    def fleets(self) -> "Items":
        """The AGV fleets by id, with their parameters (``.vehicles``, ``.speed``, ``.battery``...)."""
        return self._items("fleets")

    @property
    def conveyors(self) -> "Items":
        """The conveyors by id, with their parameters."""
        return self._items("conveyors")

    @property
    def arms(self) -> "Items":
        """The robot arms by id, with their parameters."""
        return self._items("arms")

    @property
    def calendars(self) -> "Items":
        """The calendars by id (``.days``, ``.shifts`` with ``from_s``/``to_s``...)."""
        return self._items("calendars")

    @property
    def operators(self) -> "Items":
        """The operator pools by id (``.count``, ``.calendar``)."""
        return self._items("operators")

    @property
    def links(self) -> "Items":
        """The network's links by id, with their rates in bytes per second (``.uplink_Bps``)."""
        network = self.plant["network"]
        from .params import Items

        return Items(network["links"] if network else [])

    @property
    def attachments(self) -> "Items":
        """The network's attachments (stations, device groups, fleets) by id, with their ``count``."""
        network = self.plant["network"]
        from .params import Items

        return Items(network["attach"] if network else [])

    @property
    def messages(self) -> "Items":
        """The message flows by id: ``size_bytes``, ``every`` (a distribution), ``to``..."""
        return self._items("messages")

    def _items(self, section: str) -> "Items":
        from .params import Items

        return Items(self.plant[section])

    @property
    def products(self) -> List[str]:
        """Product ids, in declaration order."""
        return list(self._loaded.products)

    @property
    def sources(self) -> "Items":
        """The sources by id, in declaration order: ``kind``, ``mix`` (product -> weight),
        ``interarrival`` (a distribution, for interarrival sources), ``limit``, ``calendar``.
        Iterating gives the ids."""
        return self._items("sources")

    @property
    def routes(self) -> Dict[str, List[str]]:
        """Each product's route: station ids in visiting order."""
        return {product: list(route) for product, route in self._loaded.routes.items()}

    @property
    def plant(self) -> Dict[str, Any]:
        """What a drawing of the plant needs, as plain dicts and lists (the replay of
        :mod:`plantwin.view` draws from it): ``stations`` (``id``, ``servers``, ``buffer`` (None:
        unlimited), ``failures``, ``batch`` (``max``, ...) or None), ``products`` (``id``, ``route``
        (stations), ``steps`` (per entry: its station or alternatives), ``via`` per entry, ``bom``),
        ``orders`` (``id``, ``product``, ``quantity``, ``release_s``, ``due_s``), ``layout`` (``nodes``
        with ``x``, ``y`` in metres, ``segments``, ``places``) or None, ``fleets``, ``conveyors``,
        ``arms``, ``calendars``, ``operators``, ``network`` (``nodes``, ``links`` with their ``ends``
        and rates, ``attach``) or None, ``messages``, and ``epoch`` or None. Each item's declared
        parameters are there under their YAML keys (durations in seconds)."""
        return self._loaded.plant

    @property
    def changes(self) -> Dict[str, str]:
        """The changes applied to the text, ``PATH: VALUE`` as YAML text (a later change of the
        same path wins)."""
        return dict(self._changes)

    @property
    def kpi_paths(self) -> List[str]:
        """The paths of every KPI a run of this scenario reports (``throughput_per_h``,
        ``lead_time_s.p95``, ``stations.reflow.utilization``, ...), in the result document's order:
        the names :func:`plantwin.sweep` and ``plantwin check`` use."""
        from ._document import kpi_rows

        return [row[0] for row in kpi_rows(self._loaded.skeleton)]

    def __repr__(self) -> str:
        extra = f", changes={self.changes}" if self._changes else ""
        return (f"<plantwin.Scenario {self.name!r} from {self.file!r}: {len(self.stations)} stations, "
                f"{len(self.products)} products, {self.replications} replications{extra}>")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Scenario):
            return NotImplemented
        return self._origin == other._origin and self._changes == other._changes

    def __hash__(self) -> int:
        return hash((self._origin, self._changes))

    # -- changes ----------------------------------------------------------------------------
    def with_changes(self, changes: Changes) -> "Scenario":
        """A new scenario with values changed by path, exactly like the CLI's ``--set PATH=VALUE``.

        >>> line.with_changes({"stations.reflow.servers": 16, "horizon": "24h"})

        ``changes`` is a mapping ``{PATH: value}`` or a sequence of ``(PATH, value)`` pairs, applied
        in order after this scenario's own changes. Paths name keys and, in lists of items with an
        ``id``, items by id (``sources.plan.orders.MB-1001.due``) or by 0-based index. Values are
        Python values or YAML text (``"30s"``, ``"{dist: exponential, mean: 30s}"``), see
        :func:`yaml_value`.

        Raises :class:`ScenarioError` when the result is invalid: every error, located like the
        CLI's (``--set[N]:1:COLUMN`` for an error in the N-th change of the scenario, counting its
        earlier changes; did-you-mean for misspelt keys and ids), or in the file when the change
        makes the file wrong elsewhere. Raises ``TypeError`` for a value that has no YAML form.
        """
        added = tuple((path, yaml_value(value)) for path, value in change_pairs(changes))
        return _load(self._origin, self._changes + added) if added else self

    # -- pickling: a scenario travels to worker processes and Dask workers as its recipe --------
    def __reduce__(self):
        return (_load, (self._origin, self._changes))


def _load(origin: _Origin, changes: _ChangeList) -> Scenario:
    name, text = origin
    loaded, raw = _plantwin.load_text(text, name, list(changes))
    errors, warnings = _diagnostics(raw)
    if errors or loaded is None:
        raise ScenarioError(errors, warnings)
    return Scenario(loaded, origin, changes, warnings)


def load(path: PathLike, changes: Optional[Changes] = None) -> Scenario:
    """Reads and validates a scenario file, then applies ``changes`` (see
    :meth:`Scenario.with_changes`).

    Raises :class:`ScenarioError` with every error of the file (an unreadable file is one too).
    """
    name = os.fspath(path)
    text, raw = _plantwin.read_file(name)
    if text is None:
        raise ScenarioError(*_diagnostics(raw))
    scenario = _load((name, text), ())
    return scenario.with_changes(changes) if changes else scenario


def loads(text: Union[str, bytes], name: str = "<string>", changes: Optional[Changes] = None) -> Scenario:
    """Reads and validates a scenario from YAML text; ``name`` names it in error messages.

    Raises :class:`ScenarioError` with every error.
    """
    data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
    scenario = _load((name, data), ())
    return scenario.with_changes(changes) if changes else scenario
