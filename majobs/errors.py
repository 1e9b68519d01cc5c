"""Errors that the CLI turns into exit codes (DESIGN.md: 2 = bad input)."""

from __future__ import annotations


class MajobsError(Exception):
    """Base class for errors reported to the user as one clear line."""

    exit_code = 1


class InputError(MajobsError):
    """A file or value the user gave is wrong: exit 2, naming file, field and reason."""

    exit_code = 2

    def __init__(self, file: str | None, field: str | None, reason: str) -> None:
        self.file, self.field, self.reason = file, field, reason
        where = ": ".join(p for p in (file, field) if p)
        super().__init__(f"{where}: {reason}" if where else reason)
