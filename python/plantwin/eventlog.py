"""Event logs as DataFrames (docs/twin.md, "The event log"): what ``plantwin run --events`` writes and
what a plant's MES export is converted to."""

from __future__ import annotations

from pathlib import Path
from typing import Union

import pandas as pd

#: The columns of the format, then plantwin's additions.
COLUMNS = ("time", "event", "station", "server", "part", "product", "order")
EXTRA_COLUMNS = ("carrier", "from", "to", "state")
#: The columns a log must have; the others of COLUMNS are added, empty, when it has not.
REQUIRED_COLUMNS = ("time", "event", "station", "part", "product")


def as_ids(column: pd.Series) -> pd.Series:
    """A column of ids (``part``, ``server``) as nullable integers when every value is a whole
    number of at most 18 digits (plantwin's own numbering), else as strings (a plant's ids, kept
    exactly as written); empty values stay ``<NA>``."""
    if pd.api.types.is_integer_dtype(column.dtype):
        return column.astype("Int64")
    if pd.api.types.is_float_dtype(column.dtype):  # a frame from plain pd.read_csv: 0.0, 1.0, NaN
        given = column.dropna()
        if ((given % 1 == 0) & (given.abs() < 1e18)).all():
            return column.astype("Int64")
        return column.astype("string")
    text = column.astype("string")
    if text.dropna().str.fullmatch(r"-?\d{1,18}").all():
        return text.astype("Int64")
    return text


def read_events(path: Union[str, Path]) -> pd.DataFrame:
    """Reads an event log CSV into a DataFrame: ``time`` as seconds (a float) or, for ISO 8601
    times, as timezone-aware timestamps; ``server`` and ``part`` as nullable integers when every
    value is a whole number (plantwin's logs), else as strings (a plant's server names and part
    ids); text columns as strings with missing values as ``<NA>``. ``server`` and ``order`` are
    optional (as for the CLI): a log without them gets them, empty."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: not an event log: missing column(s) {', '.join(missing)}")
    for column in COLUMNS:
        if column not in frame.columns:
            frame[column] = pd.Series(pd.NA, index=frame.index, dtype="string")
    times = frame["time"]
    if times.str.match(r"\d{4}-\d{2}-\d{2}[T ]", na=False).any():  # ISO 8601; a space may stand for the T
        try:
            frame["time"] = pd.to_datetime(times, utc=False, format="ISO8601")
        except ValueError:  # pandas before 2.0 (Debian 12's 1.5) has no "ISO8601" format: it parses ISO 8601 itself
            frame["time"] = pd.to_datetime(times, utc=False)
    else:
        frame["time"] = pd.to_numeric(times)
    for column in ("server", "part"):
        frame[column] = as_ids(frame[column])
    for column in frame.columns:
        if column != "time" and not pd.api.types.is_integer_dtype(frame[column].dtype):
            frame[column] = frame[column].astype("string")
    return frame


__all__ = ["COLUMNS", "EXTRA_COLUMNS", "REQUIRED_COLUMNS", "as_ids", "read_events"]
