"""Scenarios: load, inspect, change."""

from __future__ import annotations

import json
import math
import os
from typing import Any, Dict, Mapping, Optional, Tuple, Union

from . import _plantwin
from .errors import Diagnostic, ScenarioError

PathLike = Union[str, "os.PathLike[str]"]


def _yaml_value(value: Any) -> str:
    """A Python value as the YAML text a ``--set PATH=VALUE`` would carry."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value)  # JSON is YAML flow style
    raise TypeError(f"cannot use a {type(value).__name__} as a scenario value: {value!r}")


def _diagnostics(raw) -> Tuple[list, list]:
    items = [Diagnostic(**d) for d in raw]
    return [d for d in items if d.severity == "error"], [d for d in items if d.severity == "warning"]


class Scenario:
    """A loaded and validated scenario. Immutable: ``with_changes`` returns a new one.

    Use :func:`plantwin.load` to get one.
    """

    def __init__(self, loaded, origin: Tuple[str, str, str], changes: Tuple[Tuple[str, str], ...], warnings):
        self._loaded = loaded
        self._origin = origin  # ("file", path, "") or ("text", name, text)
        self._changes = changes
        #: Warnings found while loading (errors raise ScenarioError instead).
        self.warnings = list(warnings)

    # -- what it is -------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._loaded.name

    @property
    def file(self) -> str:
        return self._loaded.file

    @property
    def seed(self) -> int:
        return self._loaded.seed

    @property
    def replications(self) -> int:
        return self._loaded.replications

    @property
    def horizon_s(self) -> float:
        return self._loaded.horizon_s

    @property
    def warmup_s(self) -> float:
        return self._loaded.warmup_s

    @property
    def stations(self) -> list:
        """Station ids, in declaration order."""
        return list(self._loaded.stations)

    @property
    def products(self) -> list:
        """Product ids, in declaration order."""
        return list(self._loaded.products)

    @property
    def changes(self) -> Dict[str, str]:
        """The changes applied to the file, as ``PATH: VALUE`` text."""
        return dict(self._changes)

    def __repr__(self) -> str:
        extra = f", changes={self.changes}" if self._changes else ""
        return (f"<plantwin.Scenario {self.name!r} from {self.file!r}: {len(self.stations)} stations, "
                f"{len(self.products)} products, {self.replications} replications{extra}>")

    # -- changes ----------------------------------------------------------------------------
    def with_changes(self, changes: Mapping[str, Any]) -> "Scenario":
        """A new scenario with values changed by path, exactly like the CLI's ``--set PATH=VALUE``.

        >>> s.with_changes({"stations.reflow.servers": 2, "horizon": "24h"})

        Paths name keys and, in lists of items with an ``id``, items by id. Values are Python
        values or YAML text (``"30s"``, ``"{dist: exponential, mean: 30s}"``). The result is
        validated as the file is: a bad change raises :class:`ScenarioError` located at the change.
        """
        if not isinstance(changes, Mapping):
            raise TypeError("changes must be a mapping of PATH to value")
        added = tuple((str(path), _yaml_value(value)) for path, value in changes.items())
        return _load(self._origin, self._changes + added)

    def run(self, **kwargs) -> "Result":
        """Runs this scenario: ``plantwin.run(self, **kwargs)``."""
        from .run import run

        return run(self, **kwargs)

    # -- pickling: a scenario travels to worker processes and Dask workers as its recipe --------
    def __reduce__(self):
        return (_load, (self._origin, self._changes))


def _load(origin: Tuple[str, str, str], changes: Tuple[Tuple[str, str], ...]) -> Scenario:
    kind, name, text = origin
    if kind == "file":
        loaded, raw = _plantwin.load_file(name, list(changes))
    else:
        loaded, raw = _plantwin.load_text(text, name, list(changes))
    errors, warnings = _diagnostics(raw)
    if errors or loaded is None:
        raise ScenarioError(errors, warnings)
    return Scenario(loaded, origin, changes, warnings)


def load(path: PathLike, changes: Optional[Mapping[str, Any]] = None) -> Scenario:
    """Reads and validates a scenario file; raises :class:`ScenarioError` with every error."""
    scenario = _load(("file", os.fspath(path), ""), ())
    return scenario.with_changes(changes) if changes else scenario


def loads(text: str, name: str = "<string>", changes: Optional[Mapping[str, Any]] = None) -> Scenario:
    """Reads and validates a scenario from YAML text; ``name`` names it in error messages."""
    scenario = _load(("text", name, text), ())
    return scenario.with_changes(changes) if changes else scenario


from .result import Result  # noqa: E402  (for the type in Scenario.run)
