"""Walking the result document: the one place that knows what a KPI object looks like and how its
path is written (the same paths as ``plantwin check``: ``throughput_per_h``,
``stations.reflow.utilization``, ``orders.by_order.MB-1001.on_time``)."""

from __future__ import annotations

from typing import Any, Dict, Iterator, Tuple

#: Percentiles a KPI object may carry (lead times), pooled over all replications.
PERCENTILES = ("p50", "p95")


def is_kpi(value: Any) -> bool:
    """A KPI object: ``{"mean": ..., "ci95": ..., "values": [...]}`` (and maybe p50, p95)."""
    return isinstance(value, dict) and "mean" in value and "values" in value


def kpi_entries(doc: Dict[str, Any]) -> Iterator[Tuple[str, Dict[str, Any]]]:
    """Every KPI object of a result document with its path, in document order. Plant KPIs
    (``kpis.<name>``) go by their bare name; every other section (``products``, ``orders``,
    ``stations`` and those transport and the network add) by its full path."""

    def walk(obj: Dict[str, Any], prefix: str) -> Iterator[Tuple[str, Dict[str, Any]]]:
        for key, value in obj.items():
            if is_kpi(value):
                yield f"{prefix}{key}", value
            elif isinstance(value, dict):
                yield from walk(value, f"{prefix}{key}.")

    for section, value in doc.items():
        if isinstance(value, dict):
            yield from walk(value, "" if section == "kpis" else f"{section}.")


def kpi_rows(doc: Dict[str, Any]) -> Iterator[Tuple[str, Any, Any]]:
    """``(path, mean, ci95)`` for every KPI, followed by its percentiles as ``(path.p50, value,
    None)``: a percentile is pooled over the replications and has no interval."""
    for path, kpi in kpi_entries(doc):
        yield path, kpi["mean"], kpi["ci95"]
        for q in PERCENTILES:
            if q in kpi:
                yield f"{path}.{q}", kpi[q], None
