"""Parameter sweeps: many points of one scenario, in parallel processes or on a Dask cluster,
gathered into one tidy DataFrame."""

from __future__ import annotations

import concurrent.futures
import difflib
import fnmatch
import itertools
import multiprocessing
import os
import sys
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

import pandas as pd

from . import _engine
from ._document import kpi_rows
from .errors import RunError, ScenarioError
from .run import prepare
from .scenario import PathLike, Scenario

#: A grid: ``{PATH: [values...]}`` (every combination) or a sequence of points ``[{PATH: value}, ...]``.
Grid = Union[Mapping[str, Sequence[Any]], Sequence[Mapping[str, Any]]]


def sweep(scenario: Union[Scenario, PathLike], grid: Grid, replications: Optional[int] = None,
          client: Any = None, jobs: Optional[int] = None, progress: Optional[bool] = None, *,
          seed: Optional[int] = None, kpis: Optional[Iterable[str]] = None) -> pd.DataFrame:
    """Runs a scenario at every point of a grid and returns one tidy DataFrame.

    Parameters
    ----------
    scenario:
        A :class:`Scenario` or the path of a scenario file.
    grid:
        ``{PATH: [values...]}``: every combination (the last path varies fastest), e.g.
        ``{"stations.reflow.servers": [1, 2, 3], "stations.aoi.buffer": [2, 5, 10]}`` is 9 points;
        or a sequence of points ``[{PATH: value, ...}, ...]`` run as given. Paths and values are
        those of :meth:`Scenario.with_changes` (the CLI's ``--set``).
    replications:
        Replications per point (default: the scenario's).
    client:
        A ``dask.distributed.Client``: the points run as tasks on its cluster (one engine thread
        each). Any ``concurrent.futures.Executor`` works too. ``None``: local processes.
    jobs:
        Without a client: how many cores to use (``None`` or 0: every core). ``jobs=1`` runs the
        points one after the other in this process; more run them in as many worker processes
        (started with the ``forkserver`` method, never forked from this possibly multithreaded
        process: network scenarios fork processes of their own). With fewer points than jobs, each
        point's replications share the spare cores as threads. With a client: engine threads per
        point (default 1).
    progress:
        A progress bar (tqdm) over the points: ``True`` always, ``False`` never, ``None`` (the
        default) when working interactively (a notebook or a terminal) and the sweep lasts more
        than a second.
    seed:
        Replaces the scenario's seed at every point.
    kpis:
        Only these KPIs (names or ``fnmatch`` patterns of the ``kpi`` column, such as
        ``"stations.*.utilization"``); default: every KPI. A name that matches no KPI is an error
        before anything runs.

    Returns
    -------
    pandas.DataFrame
        One row per point and KPI: ``point`` (the point's 0-based number), one column per grid
        path holding the point's value, ``kpi``, ``mean``, ``ci95``, ``ci_low`` and ``ci_high``
        (the 95 % interval over the replications, within the KPI's range: docs/kpis.md) and
        ``values`` (a tuple of the per-replication values, for :func:`plantwin.compare` of two
        points). KPIs are named as ``plantwin check`` names them: plant KPIs by name
        (``throughput_per_h``), the others by path (``orders.on_time``,
        ``products.<id>.lead_time_s``, ``stations.<id>.utilization``, and the sections transport
        and the network add); percentiles of lead times are KPIs of their own
        (``lead_time_s.p95``, pooled over replications: intervals NaN, ``values`` None).
        ``frame.attrs`` holds ``scenario``, ``seed``, ``replications``, ``parameters`` (the grid
        paths), ``fingerprints`` and ``seeds`` (one per point).

    Every point runs with the same seed: **common random numbers**. A station's process times,
    failures and a source's arrivals come from streams named after them, so two points differ only
    by the change between them, not by the luck of the draw, and differences between points are
    much sharper than their separate intervals suggest: ``plantwin.compare(frame[frame.point == 0],
    frame[frame.point == 1])`` measures it replication by replication. The numbers are the same for
    any ``jobs``, locally or on a cluster.

    Raises :class:`ScenarioError` (with a note naming the point) when a point's changes are
    invalid, before anything runs; :class:`RunError` when a point fails while simulating;
    ``ValueError`` for an empty grid or an unknown KPI name. Ctrl-C stops every worker and raises
    ``KeyboardInterrupt``.

    Worker processes import the ``__main__`` module of a script again: a script that calls
    ``sweep`` needs the usual ``if __name__ == "__main__":`` guard (notebooks do not).
    """
    base = prepare(scenario, seed=seed, replications=replications)
    names, points = _points(grid)
    scenarios = []
    for i, point in enumerate(points):
        try:
            scenarios.append(base.with_changes(point))
        except ScenarioError as error:
            error.add_note(f"in sweep point {i}: {point}")
            raise
    select = _selector(kpis, scenarios)

    documents = _execute(scenarios, points, client, jobs, progress, f"sweep {base.name}")

    rows = []
    for i, (point, document) in enumerate(zip(points, documents)):
        values = [point.get(name) for name in names]
        for row in kpi_rows(document):
            if select(row[0]):
                rows.append((i, *values, *row))
    frame = pd.DataFrame(rows, columns=["point", *names, "kpi", "mean", "ci95", "ci_low", "ci_high", "values"])
    for column in ("mean", "ci95", "ci_low", "ci_high"):
        frame[column] = frame[column].astype(float)
    frame.attrs.update(scenario=base.name, seed=base.seed, replications=base.replications, parameters=list(names),
                       fingerprints=[d["fingerprint"] for d in documents], seeds=[d["seed"] for d in documents])
    return frame


def _points(grid: Grid) -> Tuple[List[str], List[Dict[str, Any]]]:
    if isinstance(grid, Mapping):
        names = [str(k) for k in grid]
        axes = []
        for name, values in grid.items():
            if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
                raise TypeError(f"grid[{name!r}] must be a list of values, got {values!r}")
            values = list(values)
            if not values:
                raise ValueError(f"grid[{name!r}] has no values")
            axes.append(values)
        if not axes:
            raise ValueError("the grid has no parameter")
        return names, [dict(zip(names, combo)) for combo in itertools.product(*axes)]
    points = [dict(p) for p in grid]
    if not points:
        raise ValueError("the grid has no point")
    names = list(dict.fromkeys(str(k) for p in points for k in p))
    return names, points


def _selector(kpis: Optional[Iterable[str]], scenarios: List[Scenario]) -> Callable[[str], bool]:
    if kpis is None:
        return lambda path: True
    patterns = [kpis] if isinstance(kpis, str) else list(kpis)
    known = list(dict.fromkeys(path for s in scenarios for path in s.kpi_paths))
    for pattern in patterns:
        if not fnmatch.filter(known, pattern):
            close = difflib.get_close_matches(pattern, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValueError(f"kpis: {pattern!r} matches no KPI of {scenarios[0].name!r}{hint}")
    return lambda path: any(fnmatch.fnmatchcase(path, p) for p in patterns)


def _execute(scenarios: List[Scenario], points: List[Dict[str, Any]], client: Any, jobs: Optional[int],
             progress: Optional[bool], desc: str) -> List[Dict[str, Any]]:
    """The result documents of every point, in point order."""
    n = len(scenarios)
    if client is not None:
        threads = 1 if jobs is None else max(1, int(jobs))
        return _gather(client, scenarios, points, threads, progress, desc)
    cores = _cores(jobs)
    workers = min(cores, n)
    threads = max(1, cores // workers)
    if workers == 1:
        out = []
        with _bar(progress, n, desc) as bar:
            for i, s in enumerate(scenarios):
                out.append(_point(lambda: _engine.run_point(s, threads), i, points[i]))
                bar.update(1)
        return out
    context = multiprocessing.get_context("forkserver")
    executor = concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                                      initializer=_engine.init_worker)
    try:
        return _gather(executor, scenarios, points, threads, progress, desc)
    except BaseException:
        # Ctrl-C or a failed point: stop the running points at once, not after they finish.
        for process in list(getattr(executor, "_processes", {}).values()):
            process.terminate()
        raise
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _gather(client: Any, scenarios: List[Scenario], points: List[Dict[str, Any]], threads: int,
            progress: Optional[bool], desc: str) -> List[Dict[str, Any]]:
    """Submits every point to an executor or a Dask client and collects the documents."""
    dask = not isinstance(client, concurrent.futures.Executor)
    if dask:
        from distributed import as_completed
        futures = [client.submit(_engine.run_point, s, threads, pure=False) for s in scenarios]
    else:
        as_completed = concurrent.futures.as_completed
        futures = [client.submit(_engine.run_point, s, threads) for s in scenarios]
    index = {id(f): i for i, f in enumerate(futures)}
    out: List[Optional[Dict[str, Any]]] = [None] * len(futures)
    try:
        with _bar(progress, len(futures), desc) as bar:
            for future in as_completed(futures):
                i = index[id(future)]
                out[i] = _point(future.result, i, points[i])
                bar.update(1)
    except BaseException:
        if dask:
            client.cancel(futures)
        else:
            for future in futures:
                future.cancel()
        raise
    return out  # type: ignore[return-value]


def _point(compute: Callable[[], Dict[str, Any]], i: int, point: Dict[str, Any]) -> Dict[str, Any]:
    try:
        return compute()
    except (RunError, ScenarioError) as error:
        error.add_note(f"in sweep point {i}: {point}")
        raise


def _cores(jobs: Optional[int]) -> int:
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 0):
        raise ValueError(f"jobs must be an integer >= 0 (0 or None: every core), got {jobs!r}")
    if jobs:
        return jobs
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover (not Linux)
        return os.cpu_count() or 1


class _NoBar:
    def __enter__(self) -> "_NoBar":
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def update(self, n: int) -> None:
        return None


def _interactive() -> bool:
    """In a Jupyter kernel, or with a terminal on stderr."""
    shell = sys.modules.get("IPython")
    if shell is not None:
        ip = shell.get_ipython()
        if ip is not None and "IPKernelApp" in getattr(ip, "config", {}):
            return True
    return bool(getattr(sys.stderr, "isatty", lambda: False)())


def _bar(progress: Optional[bool], total: int, desc: str):
    if progress is False or (progress is None and not _interactive()):
        return _NoBar()
    try:
        import ipywidgets  # noqa: F401  (tqdm's notebook bar needs it)
        from tqdm.auto import tqdm
    except ImportError:
        from tqdm import tqdm
    return tqdm(total=total, desc=desc, unit="point", delay=0 if progress else 1.0, file=sys.stderr)
