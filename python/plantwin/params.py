"""A scenario's parameters as typed Python objects, read from the engine's declarations
(``engine/models/params.hpp``): ``line.stations["aoi"].process.mean_s``,
``line.stations["reflow"].servers``, ``line.links["radio"].uplink_Bps``. Durations are in seconds
(``_s``), sizes in bytes, rates in bytes per second (``_Bps``); an unlimited buffer is ``None``.

Every value comes from the loaded scenario itself (with its changes), through the same declarations
the loader reads YAML with: nothing here parses YAML or units again."""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, Mapping

from . import _plantwin


class Params(Mapping):
    """One item's parameters: attributes (``item.servers``) and keys (``item["servers"]``); nested
    maps are Params too (``item.failures.mtbf.mean_s``)."""

    def __init__(self, values: Mapping[str, Any]):
        self._values = {k: _wrap(v) for k, v in values.items()}

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            import difflib

            close = difflib.get_close_matches(name, list(self._values), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise AttributeError(f"no parameter {name!r}{hint}; there are: {', '.join(self._values)}") from None

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return "Params(" + ", ".join(f"{k}={v!r}" for k, v in self._values.items()) + ")"

    def to_dict(self) -> Dict[str, Any]:
        """Plain dicts and lists, e.g. for JSON."""
        return {k: _plain(v) for k, v in self._values.items()}


class Items(Mapping):
    """Items of one kind by id, in declaration order: ``line.stations["aoi"]``. Iterating gives the
    ids, a position or a slice gives ids (``line.stations[:3]``), and it equals the list of its
    ids: code written for a list of ids reads it as before."""

    def __init__(self, items: List[Mapping[str, Any]]):
        self._items = {item["id"]: Params(item) for item in items}

    def __getitem__(self, key):
        # A position or a slice reads the ids, as the list of ids did before these parameters.
        if isinstance(key, (int, slice)):
            return list(self._items)[key]
        try:
            return self._items[key]
        except KeyError:
            import difflib

            close = difflib.get_close_matches(str(key), list(self._items), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise KeyError(f"no item {key!r}{hint}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (list, tuple)):
            return list(self._items) == list(other)
        if isinstance(other, Items):
            return list(self._items) == list(other._items) and all(
                self._items[k].to_dict() == other._items[k].to_dict() for k in self._items)
        return NotImplemented

    def __repr__(self) -> str:
        return f"Items({list(self._items)})"


def _wrap(value: Any) -> Any:
    if isinstance(value, Mapping):
        return Params(value)
    if isinstance(value, list):
        return [_wrap(v) for v in value]
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, Params):
        return value.to_dict()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def schema() -> Dict[str, List[Dict[str, Any]]]:
    """What each kind declares: ``{"station": [{"key", "type", "unit", "default", "range", "doc"},
    ...], "failures": [...], "fleet": [...], ...}`` (the reference tables of docs/ are checked
    against the same declarations)."""
    return _plantwin.schema()


__all__ = ["Items", "Params", "schema"]
