"""Errors raised by plantwin."""

from __future__ import annotations

from dataclasses import dataclass
from typing import List


@dataclass(frozen=True)
class Diagnostic:
    """One located message about a scenario: ``FILE:LINE:COLUMN: error: PATH: message``."""

    severity: str  #: "error" or "warning"
    file: str  #: the scenario file, or "--set[N]" for the N-th change (with_changes, run's changes)
    line: int  #: 1-based
    column: int  #: 1-based
    path: str  #: where in the document, e.g. "stations[2].process"; "" for the document
    message: str
    text: str  #: the whole line as the CLI prints it

    def __str__(self) -> str:
        return self.text


class ScenarioError(Exception):
    """A scenario (or a change to one) is invalid.

    The attributes name the first error; ``errors`` holds every error of the file (all of them are
    found in one pass), ``warnings`` the warnings.
    """

    def __init__(self, errors: List[Diagnostic], warnings: List[Diagnostic]):
        self.errors = list(errors)
        self.warnings = list(warnings)
        first = self.errors[0]
        self.file = first.file
        self.line = first.line
        self.column = first.column
        self.path = first.path
        self.message = first.message
        super().__init__("\n".join(e.text for e in self.errors))


class RunError(Exception):
    """A run failed while simulating (a deadlock, an unstable line, ...): the CLI's exit code 3."""
