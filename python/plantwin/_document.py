"""Walking the result document: the one place that knows what a KPI object looks like and how its
path is written (the same paths as ``plantwin check``: ``throughput_per_h``,
``stations.reflow.utilization``, ``orders.by_order.MB-1001.on_time``)."""

from __future__ import annotations

from typing import Any, Dict, Iterator, Optional, Tuple

#: Percentiles a KPI object may carry (lead times), pooled over all replications.
PERCENTILES = ("p50", "p95")


def is_kpi(value: Any) -> bool:
    """A KPI object: ``{"mean": ..., "ci95": ..., "ci_low": ..., "ci_high": ..., "values": [...]}``
    (and maybe p50, p95)."""
    return isinstance(value, dict) and "mean" in value and "values" in value


def interval(kpi: Dict[str, Any]) -> Tuple[float, float]:
    """The KPI's 95 % interval ``(ci_low, ci_high)``, which stays within the values it can take
    (docs/kpis.md, "Intervals"); NaN when undefined."""
    return _float(kpi.get("ci_low")), _float(kpi.get("ci_high"))


def _float(value: Any) -> float:
    return float("nan") if value is None else float(value)


def kpi_entries(doc: Dict[str, Any]) -> Iterator[Tuple[str, Dict[str, Any]]]:
    """Every KPI object of a result document with its path, in document order. Plant KPIs
    (``kpis.<name>``) go by their bare name; every other section (``products``, ``orders``,
    ``stations`` and those transport and the network add) by its full path. The ``check`` section
    of ``plantwin check --json`` holds no KPI."""

    def walk(obj: Dict[str, Any], prefix: str) -> Iterator[Tuple[str, Dict[str, Any]]]:
        for key, value in obj.items():
            if is_kpi(value):
                yield f"{prefix}{key}", value
            elif isinstance(value, dict):
                yield from walk(value, f"{prefix}{key}.")

    for section, value in doc.items():
        if isinstance(value, dict) and section != "check":  # check: plantwin check's outcome
            yield from walk(value, "" if section == "kpis" else f"{section}.")


#: One row of :func:`kpi_rows`: path, mean, ci95, ci_low, ci_high and the per-replication values.
KpiRow = Tuple[str, Any, Any, Any, Any, Optional[Tuple[float, ...]]]


def kpi_rows(doc: Dict[str, Any]) -> Iterator[KpiRow]:
    """``(path, mean, ci95, ci_low, ci_high, values)`` for every KPI (``values`` a tuple, undefined
    ones NaN), followed by its percentiles as ``(path.p50, value, None, None, None, None)``: a
    percentile is pooled over the replications and has neither interval nor values."""
    for path, kpi in kpi_entries(doc):
        yield (path, kpi["mean"], kpi["ci95"], kpi.get("ci_low"), kpi.get("ci_high"),
               tuple(_float(v) for v in kpi["values"]))
        for q in PERCENTILES:
            if q in kpi:
                yield f"{path}.{q}", kpi[q], None, None, None, None
