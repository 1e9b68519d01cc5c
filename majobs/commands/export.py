"""``majobs export postings``: JSON Lines or CSV, streamed (no whole table in memory)."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from majobs.errors import InputError

FORMATS = ("jsonl", "csv")


def flatten(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested dicts -> dotted columns; lists -> '|'-joined strings (for CSV)."""
    flat: dict[str, Any] = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, name + "."))
        elif isinstance(value, list):
            flat[name] = "|".join(str(v) for v in value)
        else:
            flat[name] = value
    return flat


def write_jsonl(rows: Iterable[dict[str, Any]], out: IO[str]) -> int:
    n = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
        n += 1
    return n


def write_csv(rows: Iterable[dict[str, Any]], out: IO[str]) -> int:
    writer: csv.DictWriter | None = None
    n = 0
    for row in rows:
        flat = flatten(row)
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=list(flat), extrasaction="ignore")
            writer.writeheader()
        writer.writerow(flat)
        n += 1
    return n


@contextmanager
def open_output(path: Path | None) -> Iterator[IO[str]]:
    if path is None:
        yield sys.stdout
        return
    with path.open("w", encoding="utf-8", newline="") as fh:
        yield fh


def export_command(db_url: str, fmt: str, include_all: bool, output: Path | None) -> int:
    if fmt not in FORMATS:
        raise InputError(None, "--format", f"must be one of {', '.join(FORMATS)}, got {fmt!r}")
    from majobs.db import store
    from majobs.db.engine import make_engine, session_factory

    Session = session_factory(make_engine(db_url))
    writer = write_jsonl if fmt == "jsonl" else write_csv
    with Session() as session, open_output(output) as out:
        return writer(store.export_postings(session, include_all=include_all), out)
