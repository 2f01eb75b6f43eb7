"""One error hierarchy. The CLI turns these into one-line messages and exit codes."""
from __future__ import annotations


class SrcscanError(Exception):
    """A problem the user can act on. ``exit_code`` follows the CLI convention:
    1 = nothing found, 2 = usage or input error."""

    exit_code = 2

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return where + self.message


class UsageError(SrcscanError):
    """Bad arguments or bad input files (exit 2)."""


class NotFound(SrcscanError):
    """The question was fine but has no answer (exit 1), e.g. an unknown symbol."""

    exit_code = 1


class RevisionError(SrcscanError):
    """A revision that cannot be resolved or read (exit 2)."""


class UnreadableSource(RevisionError):
    """One file of a revision cannot be read (a blob missing from an incomplete clone): the
    file is skipped with a warning, like an unreadable file on disk."""
