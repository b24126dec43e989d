"""CSV import of a team's delivery data: deployments.csv, changes.csv, incidents.csv.

UTF-8 with a header row of exactly the columns below; timestamps in ISO 8601 with `Z` or
an offset. Every file is read as a stream and checked in full before anything is written;
every problem is reported with its file, row and column, and on any problem nothing is
written. Sending a row again (the same id within the team) updates it: imports repeat.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from .models import Deployment
from .services import Repeated, delivery_store

COLUMNS = {
    "deployments": ("id", "service", "environment", "finished_at", "status", "rework"),
    "changes": ("id", "committed_at", "deployment_id"),
    "incidents": ("id", "opened_at", "resolved_at", "deployment_id"),
}
MAX_PROBLEMS = 100


class ImportRefused(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class _Reading:
    name: str
    problems: list[str] = field(default_factory=list)
    extra: int = 0  # problems beyond MAX_PROBLEMS

    def problem(self, row: int | None, column: str | None, message: str) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            self.extra += 1
            return
        where = (
            f"{self.name}.csv" + (f", row {row}" if row else "") + (f", {column}" if column else "")
        )
        self.problems.append(f"{where}: {message}")


def _text(reading, row, column, value, *, limit, required=True) -> str:
    value = value.strip()
    if required and not value:
        reading.problem(row, column, "is empty")
    elif len(value) > limit:
        reading.problem(row, column, f"is {len(value)} characters long; at most {limit}")
    return value


def _moment(reading, row, column, value, *, required=True) -> datetime | None:
    value = value.strip()
    if not value:
        if required:
            reading.problem(row, column, "is empty")
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        reading.problem(
            row, column, f"{value!r} is no ISO 8601 timestamp (such as 2026-11-27T09:30:00Z)"
        )
        return None
    if moment.tzinfo is None:
        reading.problem(row, column, f"{value!r} needs a time zone: Z or an offset such as +01:00")
        return None
    return moment


def _rows(reading: _Reading, stream):
    """The file's rows as dicts (row numbers count the header as row 1), after checking the
    header; nothing if the file cannot be read."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        reader = csv.reader(text)
        header = next(reader, None)
        expected = COLUMNS[reading.name]
        if header is None:
            reading.problem(None, None, "is empty; it needs the header row " + ",".join(expected))
            return
        if [h.strip() for h in header] != list(expected):
            reading.problem(1, None, "the header must be exactly " + ",".join(expected))
            return
        for number, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(expected):
                reading.problem(number, None, f"has {len(values)} columns, not {len(expected)}")
                continue
            yield number, dict(zip(expected, values, strict=True))
    except UnicodeDecodeError:
        reading.problem(None, None, "is not UTF-8 text")
    except csv.Error as error:
        reading.problem(None, None, f"is not valid CSV ({error})")
    finally:
        text.detach()


def _read_deployments(reading, stream):
    for number, row in _rows(reading, stream):
        item = {
            "external_id": _text(reading, number, "id", row["id"], limit=200),
            "service": _text(reading, number, "service", row["service"], limit=200),
            "environment": _text(reading, number, "environment", row["environment"], limit=100),
            "finished_at": _moment(reading, number, "finished_at", row["finished_at"]),
        }
        status = row["status"].strip()
        if status not in Deployment.Status.values:
            reading.problem(number, "status", f"must be success or failure, not {status!r}")
        rework = row["rework"].strip().lower()
        if rework not in ("true", "false"):
            reading.problem(number, "rework", f"must be true or false, not {row['rework']!r}")
        yield number, {**item, "status": status, "rework": rework == "true"}


def _read_changes(reading, stream):
    for number, row in _rows(reading, stream):
        item = {
            "external_id": _text(reading, number, "id", row["id"], limit=200),
            "committed_at": _moment(reading, number, "committed_at", row["committed_at"]),
            "deployment_id": _text(
                reading, number, "deployment_id", row["deployment_id"], limit=200, required=False
            ),
        }
        yield number, item


def _read_incidents(reading, stream):
    for number, row in _rows(reading, stream):
        item = {
            "external_id": _text(reading, number, "id", row["id"], limit=200),
            "opened_at": _moment(reading, number, "opened_at", row["opened_at"]),
            "resolved_at": _moment(
                reading, number, "resolved_at", row["resolved_at"], required=False
            ),
            "deployment_id": _text(
                reading, number, "deployment_id", row["deployment_id"], limit=200, required=False
            ),
        }
        if item["opened_at"] and item["resolved_at"] and item["resolved_at"] < item["opened_at"]:
            reading.problem(number, "resolved_at", "is before opened_at")
        yield number, item


READERS = {
    "deployments": _read_deployments,
    "changes": _read_changes,
    "incidents": _read_incidents,
}


def import_delivery(team, files: dict, *, channel: str, sender: str) -> dict[str, int]:
    """Import the given files ({"deployments": binary stream, ...}) for the team, all or
    nothing; how many rows of each were written. ImportRefused lists every problem.

    Each file is read twice as a stream, never held whole: first to check every row, then,
    when all are sound, to write them in batches in one transaction (the streams must be
    seekable, as uploads and files are). An id repeated within a file is found as it is
    written, in the database, and undoes the whole import."""
    unknown = set(files) - set(READERS)
    if unknown:
        raise ImportRefused([f"{name}: not a kind of delivery data" for name in sorted(unknown)])
    problems = []
    for name, stream in files.items():
        reading = _Reading(name)
        for _row in READERS[name](reading, stream):
            pass
        problems += reading.problems
        if reading.extra:
            problems.append(f"{name}.csv: ... and {reading.extra} more problems")
    if problems:
        raise ImportRefused(problems)
    batches = {}
    for name, stream in files.items():
        stream.seek(0)
        batches[name] = READERS[name](_Reading(name), stream)
    try:
        return delivery_store(team, batches, channel=channel, sender=sender)
    except Repeated as repeated:
        problems = [
            f"{kind}.csv, row {row}, id: {external_id!r} appears twice in the file"
            for kind, row, external_id in repeated.repeats
        ]
        if repeated.more:
            problems.append(f"... and {repeated.more} more ids that appear twice")
        raise ImportRefused(problems) from None
