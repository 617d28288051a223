"""Errors raised by plantwin."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable, List, Optional, Union


@dataclass(frozen=True)
class Diagnostic:
    """One located message about a scenario, as the CLI prints it:
    ``FILE:LINE:COLUMN: error: PATH: message``."""

    severity: str  #: "error" or "warning"
    file: str  #: the scenario file, or "--set[N]" for the N-th change (with_changes, run's changes)
    line: int  #: 1-based
    column: int  #: 1-based
    path: str  #: where in the document, e.g. "stations[2].process"; "" for the document
    message: str
    text: str  #: the whole line as the CLI prints it

    def __str__(self) -> str:
        return self.text


class ScenarioError(ValueError):
    """A scenario (or a change to one) is invalid.

    ``file``, ``line``, ``column``, ``path`` and ``message`` name the first error; ``errors`` holds
    every error (the loader finds all of a file's errors in one pass), ``warnings`` the warnings.
    ``str(error)`` is every error line, as ``plantwin validate`` prints them.
    """

    def __init__(self, errors: List[Diagnostic], warnings: Optional[List[Diagnostic]] = None):
        self.errors = list(errors)
        self.warnings = list(warnings or [])
        first = self.errors[0]
        self.file: str = first.file
        self.line: int = first.line
        self.column: int = first.column
        self.path: str = first.path
        self.message: str = first.message
        super().__init__("\n".join(e.text for e in self.errors))

    def __reduce__(self):
        return (type(self), (self.errors, self.warnings))


class RunError(RuntimeError):
    """A run failed while simulating: a deadlock, a line that cannot keep up with its arrivals, a
    loop of zero-duration activities, memory exhausted (the CLI's exit code 3).

    ``file`` is the scenario file, ``reason`` the engine's message (``"replication K: ..."``, K
    being the lowest-numbered replication that failed, whatever the number of jobs).
    """

    def __init__(self, file: str, reason: str):
        self.file = file
        self.reason = reason
        super().__init__(f"{file}: {reason}")

    def __reduce__(self):
        return (type(self), (self.file, self.reason))


class LogError(ValueError):
    """An event log (or a state file) could not be used: by the twin (:func:`plantwin.fit`,
    :func:`plantwin.validate_log`, :func:`plantwin.plant_state`, ``run(state=...)``) or by the
    replay (:func:`plantwin.view.write_view`). ``diagnostics`` holds every message, located as the
    CLI prints them (``log.csv:1234: error: ...``); ``str(error)`` is the errors."""

    def __init__(self, diagnostics: Union[str, List[str]], warnings: Optional[List[str]] = None):
        self.diagnostics = [diagnostics] if isinstance(diagnostics, str) else list(diagnostics)
        self.warnings = list(warnings or [])
        super().__init__("\n".join(self.diagnostics) or "the event log could not be used")

    def __reduce__(self):
        return (type(self), (self.diagnostics, self.warnings))


class PathError(KeyError):
    """A dotted path (``result["stations.reflow.utilisation"]``) names nothing in the result
    document. A ``KeyError``, so ``except KeyError`` still catches it.

    ``path`` is the path asked for, ``missing`` the first name not found, ``parent`` where it was
    looked for (``""``: the top of the document) and ``suggestions`` the closest names there
    (``difflib``), best first; ``str(error)`` says it all:
    ``no 'utilisation' in 'stations.reflow' (did you mean 'utilization'?)``.
    """

    def __init__(self, path: str, missing: str, parent: str, candidates: Iterable[str]):
        self.path = path
        self.missing = missing
        self.parent = parent
        self.suggestions: List[str] = difflib.get_close_matches(missing, list(dict.fromkeys(candidates)), n=3)
        where = f"{parent!r}" if parent else "the result document"
        hint = ""
        if self.suggestions:
            hint = " (did you mean " + " or ".join(repr(s) for s in self.suggestions) + "?)"
        self.message = f"no {missing!r} in {where}{hint}"
        super().__init__(self.message)

    def __str__(self) -> str:  # KeyError's own would print the message in quotes
        return self.message

    def __reduce__(self):
        return (type(self), (self.path, self.missing, self.parent, self.suggestions))
