"""CSV import of a team's delivery data: deployments.csv, changes.csv, incidents.csv.

UTF-8 with a header row of exactly the columns below; timestamps in ISO 8601 with `Z` or
an offset. Every file is read as a stream and checked in full before anything is written;
every problem is reported with its file, row and column, and on any problem nothing is
written. Sending a row again (the same id within the team) updates it: imports repeat.
Rows that are sound but will not count as their sender may expect (another environment
than production, a time in the future, a deployment the team has not sent) are imported
and named in the summary's notes.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from .metrics import counted, out_of_range
from .models import Change, Deployment, Incident
from .services import CauseAfterIncident, Repeated, delivery_store

COLUMNS = {
    "deployments": ("id", "service", "environment", "finished_at", "status", "rework"),
    "changes": ("id", "committed_at", "deployment_id"),
    "incidents": ("id", "opened_at", "resolved_at", "deployment_id"),
}
# Columns a file may add after those, in this order: the commit a deployment deployed, the
# service an incident struck (which linking by time matches).
OPTIONAL = {"deployments": ("commit",), "changes": (), "incidents": ("service",)}
MAX_PROBLEMS = 100
# Rows an upload on the delivery page may bring, its files together: a member's request
# must not tie up a worker, nor hold SQLite's write lock long enough for another user to
# notice (writing 5,000 rows takes about half a second here). The import command takes any
# number; larger files go through it or through the API in batches.
MAX_UPLOAD_ROWS = 5_000
# A clock a little ahead is not "the future"; more than this is noted.
CLOCK_SLACK = timedelta(minutes=5)


class ImportRefused(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class _Reading:
    name: str
    max_rows: int | None = None  # what is left of the import's rows for this file
    limit: int | None = None  # the import's rows in all
    rows: int = 0  # rows read
    problems: list[str] = field(default_factory=list)
    extra: int = 0  # problems beyond MAX_PROBLEMS
    production: frozenset = frozenset()  # the team's production names (Team.production_names)
    environments: Counter = field(default_factory=Counter)  # deployments outside production
    future: int = 0  # rows dated after now
    latest: datetime | None = None
    now: datetime = field(default_factory=timezone.now)

    def dated(self, moment: datetime | None) -> None:
        if moment is not None and moment > self.now + CLOCK_SLACK:
            self.future += 1
            self.latest = max(self.latest or moment, moment)

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
    if "\x00" in value:
        reading.problem(row, column, "holds a NUL character, which no text may hold")
    elif required and not value:
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
    if problem := out_of_range(moment, reading.now.date()):
        reading.problem(row, column, f"{value!r} {problem}")
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
        header = [h.strip() for h in header]
        optional = OPTIONAL[reading.name]
        if header[: len(expected)] != list(expected) or header[len(expected) :] not in (
            [],
            list(optional),
        ):
            reading.problem(
                1,
                None,
                "the header must be exactly "
                + ",".join(expected)
                + (f" (optionally followed by {','.join(optional)})" if optional else ""),
            )
            return
        expected = tuple(header)
        for number, values in enumerate(reader, start=2):
            if reading.max_rows is not None and number - 1 > reading.max_rows:
                reading.problem(
                    None,
                    None,
                    f"brings the upload past {reading.limit:,} rows, the most one upload "
                    "takes; import it with manage.py import_delivery_data, or send it "
                    "through the API in batches",
                )
                return
            reading.rows = number - 1
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(expected):
                reading.problem(number, None, f"has {len(values)} columns, not {len(expected)}")
                continue
            # An optional column the file does not have is None: what is stored stays.
            yield number, dict.fromkeys(optional) | dict(zip(expected, values, strict=True))
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
        item["commit"] = (
            None
            if row["commit"] is None
            else _text(reading, number, "commit", row["commit"], limit=200, required=False)
        )
        if item["environment"].lower() not in reading.production and (
            item["environment"] in reading.environments or len(reading.environments) < 20
        ):
            reading.environments[item["environment"]] += 1
        reading.dated(item["finished_at"])
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
        reading.dated(item["committed_at"])
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
            "service": None
            if row["service"] is None
            else _text(reading, number, "service", row["service"], limit=200, required=False),
        }
        if item["opened_at"] and item["resolved_at"] and item["resolved_at"] < item["opened_at"]:
            reading.problem(number, "resolved_at", "is before opened_at")
        reading.dated(item["opened_at"])
        yield number, item


READERS = {
    "deployments": _read_deployments,
    "changes": _read_changes,
    "incidents": _read_incidents,
}


@dataclass
class Imported:
    """What an import wrote, by kind (and of that, how many rows were new, changed, or sent
    again as they were), and notes on rows that count otherwise than their sender may
    expect."""

    written: dict[str, int]
    notes: list[str]
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        parts = []
        for name, count in self.written.items():
            part = counted(count, name.removesuffix("s"))
            if count and self.created.get(name, 0) != count:
                new, changed = self.created.get(name, 0), self.updated.get(name, 0)
                same = count - new - changed
                split = [f"{new:,} new", f"{changed:,} changed", f"{same:,} as they were"]
                part += f" ({', '.join(x for x in split if not x.startswith('0 '))})"
            parts.append(part)
        text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        return f"Imported {text}."


def production_names_text(names) -> str:
    return ", ".join(f"“{name}”" for name in names) or "none"


def _reading_notes(reading: _Reading, names: list[str]) -> list[str]:
    notes = []
    for environment, count in reading.environments.most_common():
        notes.append(
            f"{reading.name}.csv: {counted(count, 'deployment')} in the environment "
            f"“{environment}” {'is' if count == 1 else 'are'} kept but counted in no metric: "
            f"the team's production environments are {production_names_text(names)} (in any "
            "case; members change them on the delivery page)."
        )
    if reading.future:
        notes.append(
            f"{reading.name}.csv: {counted(reading.future, 'row')} dated in the future (the "
            f"latest {reading.latest.isoformat()}) {'is' if reading.future == 1 else 'are'} "
            "kept and counted only in windows that reach that date; check the clock or the "
            "time zone of what wrote them."
        )
    return notes


UNLINKED = {
    "changes": (Change, "they count in lead time once it arrives"),
    "incidents": (Incident, "they count as incidents but as the failure of no deployment"),
}


def _unlinked_notes(team, receipts: dict) -> list[str]:
    """Changes and incidents of this import that name a deployment the team has not sent."""
    notes = []
    sent = Deployment.objects.filter(team=team).values("external_id")
    for kind, (model, meaning) in UNLINKED.items():
        if kind not in receipts:
            continue
        rows = (
            model.objects.filter(team=team, receipt=receipts[kind])
            .exclude(deployment_id="")
            .exclude(deployment_id__in=sent)
        )
        count = rows.count()
        if count:
            example = rows.values_list("deployment_id", flat=True).first()
            notes.append(
                f"{kind}.csv: {counted(count, kind.removesuffix('s'))} "
                f"name{'s' if count == 1 else ''} a deployment this team has not sent (such "
                f"as “{example}”): {meaning}."
            )
    return notes


def import_delivery(
    team, files: dict, *, channel: str, sender: str, max_rows: int | None = None
) -> Imported:
    """Import the given files ({"deployments": binary stream, ...}) for the team, all or
    nothing: how many rows of each were written, and notes. ImportRefused lists every
    problem; files of more than `max_rows` rows together are one.

    Each file is read twice as a stream, never held whole: first to check every row, then,
    when all are sound, to write them in batches in one transaction (the streams must be
    seekable, as uploads and files are). An id repeated within a file is found as it is
    written, in the database, and undoes the whole import."""
    unknown = set(files) - set(READERS)
    if unknown:
        raise ImportRefused([f"{name}: not a kind of delivery data" for name in sorted(unknown)])
    problems, notes, left = [], [], max_rows
    names = team.production_names
    for name, stream in files.items():
        reading = _Reading(name, max_rows=left, limit=max_rows, production=frozenset(names))
        for _row in READERS[name](reading, stream):
            pass
        if left is not None:
            left = max(0, left - reading.rows)
        problems += reading.problems
        if reading.extra:
            problems.append(f"{name}.csv: ... and {reading.extra} more problems")
        notes += _reading_notes(reading, names)
    if problems:
        raise ImportRefused(problems)
    batches = {}
    for name, stream in files.items():
        stream.seek(0)
        batches[name] = READERS[name](_Reading(name), stream)
    try:
        stored = delivery_store(team, batches, channel=channel, sender=sender)
    except Repeated as repeated:
        problems = [
            f"{kind}.csv, row {row}, id: {external_id!r} appears twice in the file"
            for kind, row, external_id in repeated.repeats
        ]
        if repeated.more:
            problems.append(f"... and {repeated.more} more ids that appear twice")
        raise ImportRefused(problems) from None
    except CauseAfterIncident as refused:
        raise ImportRefused(
            [
                f"incidents.csv, row {row}, deployment_id: {deployment!r} finished at "
                f"{finished.isoformat()}, after this incident opened; it cannot have caused it"
                for row, _, deployment, finished in refused.items
            ]
        ) from None
    if stored.kept:
        one = stored.kept == 1
        notes.append(
            f"changes.csv: {counted(stored.kept, 'change')} named another deployment than the "
            f"successful production one that first shipped {'it' if one else 'them'}; "
            f"{'it stays' if one else 'they stay'} with that first one (a later report "
            "does not move a change)."
        )
    if stored.moved_count:
        notes.append(
            f"deployments.csv: {counted(stored.moved_count, 'deployment')} sent before "
            f"{'has' if stored.moved_count == 1 else 'have'} another service or finish time "
            "now, which moves the windows and services it counts in: "
            + "; ".join(f"“{external_id}”: {what}" for external_id, what in stored.moved)
            + ("; …" if stored.moved_count > len(stored.moved) else "")
            + "."
        )
    return Imported(
        stored.written,
        notes + _unlinked_notes(team, stored.receipts),
        created=stored.created,
        updated=stored.updated,
    )
