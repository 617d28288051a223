"""Event logs as DataFrames (docs/twin.md, "The event log"): what ``plantwin run --events`` writes and
what a plant's MES export is converted to."""

from __future__ import annotations

from pathlib import Path
from typing import Union

import pandas as pd

#: The columns of the format, then plantwin's additions.
COLUMNS = ("time", "event", "station", "server", "part", "product", "order")
EXTRA_COLUMNS = ("carrier", "from", "to", "state")


def read_events(path: Union[str, Path]) -> pd.DataFrame:
    """Reads an event log CSV into a DataFrame: ``time`` as seconds (a float) or, for ISO 8601
    times, as timezone-aware timestamps; ``server`` and ``part`` as nullable integers; text
    columns as strings with missing values as ``<NA>``."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: not an event log: missing column(s) {', '.join(missing)}")
    times = frame["time"]
    if times.str.contains("T", na=False).any():
        try:
            frame["time"] = pd.to_datetime(times, utc=False, format="ISO8601")
        except ValueError:  # pandas < 2.0 (Debian 12's 1.5) has no "ISO8601" format, and infers it
            frame["time"] = pd.to_datetime(times, utc=False)
    else:
        frame["time"] = pd.to_numeric(times)
    for column in ("server", "part"):
        frame[column] = pd.to_numeric(frame[column]).astype("Int64")
    for column in frame.columns:
        if column not in ("time", "server", "part"):
            frame[column] = frame[column].astype("string")
    return frame


__all__ = ["COLUMNS", "EXTRA_COLUMNS", "read_events"]
