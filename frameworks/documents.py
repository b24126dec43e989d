"""Framework documents: one JSON document per framework version, to carry a framework from
one site to another.

The format ("dora-site-framework", format_version 1) holds the framework, its maturity
levels and its domains > gates > questions > guidance, with no database ids and no
site-specific state (publication, timestamps). Numbers are JSON numbers; weights and
bounds are read back as exact decimals. Exporting what was imported gives the same document.

    {
      "format": "dora-site-framework",
      "format_version": 1,
      "framework": {
        "name": "...", "slug": "...", "version": "1.0", "description": "...",
        "estimated_minutes": 75,
        "levels": [{"level": 1, "name": "...", "lower_bound": 0, "description": "..."}],
        "domains": [{
          "position": 1, "name": "...", "description": "...", "weight": 25,
          "gates": [{
            "position": 1, "name": "...", "description": "...",
            "questions": [{
              "position": 1, "topic": "...", "text": "...", "why_it_matters": "...",
              "benchmark_note": "...",
              "guidance": [{"score": 0, "description": "...", "example": "...",
                            "performance_label": ""}]
            }]
          }]
        }]
      }
    }

`parse_document` checks a document in full (JSON, shape, types, sizes, text lengths,
values, and the framework integrity check) and reports every problem with its location
(such as `framework.domains[2].gates[0].questions[1].guidance[3].score`) before anything is
written.

Format version 2 adds a domain's `key_metric` and a question's `key_metrics`; a key metric's
headline question may also give each score's measured `lower_bound` and `upper_bound`
(frameworks/key_metrics.py: units and which end is included), written only where set.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from . import key_metrics
from .integrity import framework_problems
from .models import SCORES, PerformanceLabel, trim_decimal
from .tree import FrameworkTree, build_tree

FORMAT = "dora-site-framework"
FORMAT_VERSION = 2
# Version 2 added each domain's "key_metric" and each question's "key_metrics"; documents of
# version 1 are read as well, without them.
READABLE_VERSIONS = (1, 2)
MAX_DOCUMENT_BYTES = 2_000_000
MAX_DOMAINS = 30
MAX_GATES_PER_DOMAIN = 30
MAX_QUESTIONS = 500
MAX_LEVELS = 20
# A document is nested 11 deep (document > framework > domains > [..] > gates > ...); a
# deeper one is no framework, and Python's JSON reader would run out of stack on it.
MAX_DEPTH = 20
# Whole numbers longer than this are no position, weight or bound (and Python refuses to
# turn more than 4,300 digits into a number).
MAX_DIGITS = 18
# Positions and level numbers are PositiveSmallIntegerFields: at most this on every database.
MAX_SMALL = 32767

SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")
VERSION_RE = re.compile(r"^[0-9]+(\.[0-9]+)*$")


def _number(value: Decimal) -> int | float:
    """25.00 -> 25, 33.33 -> 33.33: the shortest JSON number with the same value."""
    text = trim_decimal(value)
    return int(text) if "." not in text else float(text)


def export_document(tree: FrameworkTree) -> dict:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "framework": {
            "name": tree.name,
            "slug": tree.slug,
            "version": tree.version,
            "description": tree.description,
            "estimated_minutes": tree.estimated_minutes,
            "levels": [
                {
                    "level": level.level,
                    "name": level.name,
                    "lower_bound": _number(level.lower_bound),
                    "description": level.description,
                }
                for level in sorted(tree.levels, key=lambda lv: lv.level)
            ],
            "domains": [
                {
                    "position": domain.position,
                    "name": domain.name,
                    "description": domain.description,
                    "weight": _number(domain.weight),
                    "key_metric": domain.key_metric,
                    "gates": [
                        {
                            "position": gate.position,
                            "name": gate.name,
                            "description": gate.description,
                            "questions": [
                                {
                                    "position": q.position,
                                    "topic": q.topic,
                                    "text": q.text,
                                    "why_it_matters": q.why_it_matters,
                                    "benchmark_note": q.benchmark_note,
                                    "key_metrics": list(q.key_metrics),
                                    "guidance": [
                                        {
                                            "score": g.score,
                                            "description": g.description,
                                            "example": g.example,
                                            "performance_label": g.performance_label,
                                            **_bounds(g),
                                        }
                                        for g in q.guidance
                                    ],
                                }
                                for q in gate.questions
                            ],
                        }
                        for gate in domain.gates
                    ],
                }
                for domain in tree.domains
            ],
        },
    }


def dump_document(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _bounds(guidance) -> dict:
    """A guidance's measured bounds, written only where it has them."""
    return {
        name: value
        for name in ("lower_bound", "upper_bound")
        if (value := getattr(guidance, name)) is not None
    }


class DocumentInvalid(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class _Field:
    name: str
    kind: str  # "text", "int", "number" (two decimals), "bound" (any number or null), "list"
    required: bool = True
    max_length: int | None = None
    blank: bool = True
    maximum: int | None = None


class _TooLong:
    """A JSON whole number of more than MAX_DIGITS digits, kept as text to be reported."""

    def __init__(self, text: str):
        self.digits = len(text.lstrip("-"))

    def __repr__(self) -> str:
        return f"a number of {self.digits:,} digits"


def _whole_number(text: str):
    return int(text) if len(text.lstrip("-")) <= MAX_DIGITS else _TooLong(text)


class _Object(dict):
    """A JSON object that remembers the keys it was given more than once (the last one
    wins in Python's reader, silently)."""

    duplicates: tuple = ()


def _object(pairs: list[tuple[str, object]]) -> _Object:
    result = _Object(pairs)
    if len(result) != len(pairs):
        seen, again = set(), []
        for key, _ in pairs:
            if key in seen and key not in again:
                again.append(key)
            seen.add(key)
        result.duplicates = tuple(again)
    return result


def _label(key) -> str:
    """A key as it can be shown in a message: itself if it is plain printable text, else
    as a JSON string with its odd characters escaped."""
    if isinstance(key, str) and key.isprintable() and len(key) <= 60 and _is_unicode(key):
        return key
    return json.dumps(str(key)[:60])


def _is_unicode(text: str) -> bool:
    """False for text holding a lone surrogate (such as "\\ud800" in JSON), which no
    database or page can store or show."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


_NESTING = re.compile(r'"(?:[^"\\]++|\\.)*+"|[\[\]{}]')


def _nesting_problem(text: str) -> str | None:
    """Where the text nests objects and lists deeper than MAX_DEPTH, if it does (checked
    before parsing: Python's JSON reader recurses once per level)."""
    depth = 0
    for match in _NESTING.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, match.start()) + 1
                column = match.start() - text.rfind("\n", 0, match.start())
                return (
                    f"document: nests objects and lists more than {MAX_DEPTH} levels deep "
                    f"(at line {line} column {column})"
                )
        elif token in "]}":
            depth -= 1
    return None


FRAMEWORK_FIELDS = (
    _Field("name", "text", max_length=120, blank=False),
    _Field("slug", "text", max_length=60, blank=False),
    _Field("version", "text", max_length=20, blank=False),
    _Field("description", "text", required=False, max_length=5000),
    _Field("estimated_minutes", "int"),
    _Field("levels", "list"),
    _Field("domains", "list"),
)
LEVEL_FIELDS = (
    _Field("level", "int", maximum=MAX_SMALL),
    _Field("name", "text", max_length=60, blank=False),
    _Field("lower_bound", "number"),
    _Field("description", "text", required=False, max_length=400),
)
DOMAIN_FIELDS = (
    _Field("position", "int", maximum=MAX_SMALL),
    _Field("name", "text", max_length=120, blank=False),
    _Field("description", "text", required=False, max_length=2000),
    _Field("weight", "number"),
    _Field("key_metric", "text", required=False, max_length=30),
    _Field("gates", "list"),
)
GATE_FIELDS = (
    _Field("position", "int", maximum=MAX_SMALL),
    _Field("name", "text", max_length=120, blank=False),
    _Field("description", "text", required=False, max_length=2000),
    _Field("questions", "list"),
)
QUESTION_FIELDS = (
    _Field("position", "int", maximum=MAX_SMALL),
    _Field("topic", "text", max_length=80, blank=False),
    _Field("text", "text", max_length=300, blank=False),
    _Field("why_it_matters", "text", required=False, max_length=600),
    _Field("benchmark_note", "text", required=False, max_length=600),
    _Field("key_metrics", "list", required=False),
    _Field("guidance", "list"),
)
GUIDANCE_FIELDS = (
    _Field("score", "int"),
    _Field("description", "text", max_length=400, blank=False),
    _Field("example", "text", required=False, max_length=300),
    _Field("performance_label", "text", required=False, max_length=10),
    _Field("lower_bound", "bound", required=False),
    _Field("upper_bound", "bound", required=False),
)


class _Reader:
    """Walks a parsed document, collecting every problem with its location."""

    def __init__(self):
        self.problems: list[str] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def fields(self, where: str, data, spec: tuple[_Field, ...]) -> dict | None:
        if not isinstance(data, dict):
            self.problem(where, "must be an object")
            return None
        known = {f.name for f in spec}
        for key in data:
            if key not in known:
                self.problem(f"{where}.{_label(key)}", "is not a known field")
        for key in getattr(data, "duplicates", ()):
            self.problem(f"{where}.{_label(key)}", "is given more than once")
        values = {}
        for field in spec:
            here = f"{where}.{field.name}"
            if field.name not in data:
                if field.required:
                    self.problem(here, "is missing")
                values[field.name] = {"list": [], "text": ""}.get(field.kind)
                continue
            values[field.name] = self.value(here, data[field.name], field)
        return values

    def value(self, where: str, value, field: _Field):
        if field.kind == "text":
            if not isinstance(value, str):
                self.problem(where, "must be text")
                return ""
            if "\x00" in value:
                self.problem(where, "must not contain NUL characters")
            if not _is_unicode(value):
                self.problem(where, "holds an invalid character (a lone surrogate such as \\ud800)")
                return ""
            if not field.blank and not value.strip():
                self.problem(where, "must not be empty")
            if field.max_length and len(value) > field.max_length:
                self.problem(
                    where, f"is {len(value)} characters long; at most {field.max_length} allowed"
                )
            return value
        if isinstance(value, _TooLong):
            self.problem(where, f"is a number of {value.digits:,} digits; far too large")
            return None
        if field.kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                self.problem(where, "must be a whole number")
                return None
            if field.maximum is not None and value > field.maximum:
                self.problem(where, f"must be at most {field.maximum:,}")
                return None
            return value
        if field.kind == "bound":
            if value is None:
                return None
            if isinstance(value, bool) or not isinstance(value, int | Decimal):
                self.problem(where, "must be a number or null")
                return None
            number = float(value)
            if not math.isfinite(number) or number < 0:
                self.problem(where, "must be a number from 0 up")
                return None
            return number
        if field.kind == "number":
            if isinstance(value, bool) or not isinstance(value, int | Decimal):
                self.problem(where, "must be a number")
                return None
            try:
                number = Decimal(value)
                if number != round(number, 2):
                    self.problem(where, "may have at most two decimal places")
                return number
            except InvalidOperation:
                self.problem(where, "must be a number")
                return None
        if not isinstance(value, list):
            self.problem(where, "must be a list")
            return []
        return value

    def numbers(self, where: str, items: list[dict | None], field: str = "position") -> None:
        """Positions (or level numbers) are whole numbers from 1, each used once."""
        seen = set()
        for i, item in enumerate(items):
            if item is None or item.get(field) is None:
                continue
            number = item[field]
            if number < 1:
                self.problem(f"{where}[{i}].{field}", "must be 1 or more")
            elif number in seen:
                self.problem(f"{where}[{i}].{field}", f"{field} {number} is used twice")
            seen.add(number)


def parse_document(raw: str | bytes, *, version: str = "") -> FrameworkTree:
    """Check a framework document in full and return it as a FrameworkTree (ids None).

    With `version`, the document is read as that version of the framework. Raises
    DocumentInvalid listing every problem with its location.
    """
    if isinstance(raw, bytes):
        if len(raw) > MAX_DOCUMENT_BYTES:
            raise DocumentInvalid(
                [f"document: is {len(raw):,} bytes; at most {MAX_DOCUMENT_BYTES:,} allowed"]
            )
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise DocumentInvalid([f"document: is not UTF-8 text ({error.reason})"]) from None
    elif len(raw.encode("utf-8", "surrogatepass")) > MAX_DOCUMENT_BYTES:
        raise DocumentInvalid([f"document: is larger than {MAX_DOCUMENT_BYTES:,} bytes"])
    too_deep = _nesting_problem(raw)
    if too_deep:
        raise DocumentInvalid([too_deep])
    try:
        data = json.loads(
            raw, parse_float=Decimal, parse_int=_whole_number, object_pairs_hook=_object
        )
    except json.JSONDecodeError as error:
        raise DocumentInvalid(
            [
                f"document: is not valid JSON: {error.msg} "
                f"at line {error.lineno} column {error.colno}"
            ]
        ) from None

    reader = _Reader()
    if not isinstance(data, dict):
        raise DocumentInvalid(["document: must be a JSON object"])
    for key in data:
        if key not in ("format", "format_version", "framework"):
            reader.problem(_label(key), "is not a known field")
    for key in data.duplicates:
        reader.problem(_label(key), "is given more than once")
    if data.get("format") != FORMAT:
        reader.problem("format", f'must be "{FORMAT}"')
    if data.get("format_version") not in READABLE_VERSIONS:
        reader.problem(
            "format_version",
            "this site reads format versions "
            + " and ".join(str(v) for v in READABLE_VERSIONS)
            + f", not {data.get('format_version')!r}",
        )
    framework = reader.fields("framework", data.get("framework"), FRAMEWORK_FIELDS)
    if framework is None:
        raise DocumentInvalid(reader.problems)
    if version:
        framework["version"] = version
    _check_framework_values(reader, framework)

    levels = []
    for i, item in enumerate(framework["levels"][:MAX_LEVELS]):
        level = reader.fields(f"framework.levels[{i}]", item, LEVEL_FIELDS)
        if level is None:
            continue
        bound = level["lower_bound"]
        if bound is not None and not 0 <= bound <= 100:
            reader.problem(f"framework.levels[{i}].lower_bound", "must be between 0 and 100")
        levels.append(level)
    if len(framework["levels"]) > MAX_LEVELS:
        reader.problem("framework.levels", f"has more than {MAX_LEVELS} levels")

    domains, gates, questions, guidance = [], [], [], []
    metrics_seen: set = set()
    if len(framework["domains"]) > MAX_DOMAINS:
        reader.problem("framework.domains", f"has more than {MAX_DOMAINS} domains")
    for d_index, item in enumerate(framework["domains"][:MAX_DOMAINS]):
        d_where = f"framework.domains[{d_index}]"
        domain = reader.fields(d_where, item, DOMAIN_FIELDS)
        domains.append(domain)
        if domain is None:
            continue
        weight = domain["weight"]
        if weight is not None and not 0 < weight <= 100:
            reader.problem(f"{d_where}.weight", "must be above 0 and at most 100")
        metric = domain["key_metric"]
        if data.get("format_version") == 1 and isinstance(domain["name"], str):
            # Older documents name no key metric; DORA's domains are known by their names.
            metric = domain["key_metric"] = key_metrics.code_for_name(domain["name"])
        if metric and metric not in key_metrics.BY_CODE:
            reader.problem(
                f"{d_where}.key_metric", "must be empty or one of " + ", ".join(key_metrics.CODES)
            )
        elif metric and metric in metrics_seen:
            reader.problem(f"{d_where}.key_metric", f"{metric} is named by two domains")
        metrics_seen.add(metric or None)
        domain["id"] = d_where
        if len(domain["gates"]) > MAX_GATES_PER_DOMAIN:
            reader.problem(f"{d_where}.gates", f"has more than {MAX_GATES_PER_DOMAIN} gates")
        domain_gates = []
        for g_index, g_item in enumerate(domain["gates"][:MAX_GATES_PER_DOMAIN]):
            g_where = f"{d_where}.gates[{g_index}]"
            gate = reader.fields(g_where, g_item, GATE_FIELDS)
            domain_gates.append(gate)
            if gate is None:
                continue
            gate.update(id=g_where, domain_id=d_where)
            gates.append(gate)
            gate_questions = []
            for q_index, q_item in enumerate(gate["questions"]):
                q_where = f"{g_where}.questions[{q_index}]"
                if len(questions) >= MAX_QUESTIONS:
                    reader.problem(q_where, f"more than {MAX_QUESTIONS} questions in all")
                    break
                question = reader.fields(q_where, q_item, QUESTION_FIELDS)
                gate_questions.append(question)
                if question is None:
                    continue
                question.update(id=q_where, gate_id=g_where)
                if key_metrics.invalid_codes(question["key_metrics"]):
                    reader.problem(
                        f"{q_where}.key_metrics",
                        "must list distinct key-metric codes: " + ", ".join(key_metrics.CODES),
                    )
                    question["key_metrics"] = []
                questions.append(question)
                guidance.extend(_guidance(reader, q_where, question["guidance"]))
            reader.numbers(f"{g_where}.questions", gate_questions)
        reader.numbers(f"{d_where}.gates", domain_gates)
    reader.numbers("framework.domains", domains)
    reader.numbers("framework.levels", levels, "level")

    if reader.problems:
        raise DocumentInvalid(reader.problems)

    def by_position(rows):
        return sorted(rows, key=lambda row: row["position"])

    tree = build_tree(
        {
            "id": None,
            "slug": framework["slug"],
            "version": framework["version"],
            "name": framework["name"],
            "description": framework["description"],
            "estimated_minutes": framework["estimated_minutes"],
            "is_published": False,
        },
        by_position([d for d in domains if d]),
        by_position(gates),
        by_position(questions),
        sorted(guidance, key=lambda row: row["score"]),
        sorted(levels, key=lambda row: (row["lower_bound"], row["level"])),
    )
    problems = framework_problems(tree)
    if problems:
        raise DocumentInvalid(problems)
    return tree


def _check_framework_values(reader: _Reader, framework: dict) -> None:
    if framework["slug"] and not SLUG_RE.match(framework["slug"]):
        reader.problem("framework.slug", "may hold only letters, digits, hyphens and underscores")
    if framework["version"] and not VERSION_RE.match(framework["version"]):
        reader.problem("framework.version", "must be numbers separated by dots, such as 1.0")
    minutes = framework["estimated_minutes"]
    if minutes is not None and minutes != "" and not 1 <= minutes <= 10_000:
        reader.problem("framework.estimated_minutes", "must be between 1 and 10000")


def _guidance(reader: _Reader, q_where: str, items) -> list[dict]:
    rows = []
    seen = set()
    labels = set(PerformanceLabel.values) | {""}
    for i, item in enumerate(items[: len(SCORES) + 1]):
        where = f"{q_where}.guidance[{i}]"
        row = reader.fields(where, item, GUIDANCE_FIELDS)
        if row is None:
            continue
        score = row["score"]
        if score is not None and score not in SCORES:
            reader.problem(f"{where}.score", f"must be a score from 0 to 5, not {score}")
        elif score in seen:
            reader.problem(f"{where}.score", f"score {score} has guidance twice")
        seen.add(score)
        if row["performance_label"] not in labels:
            reader.problem(
                f"{where}.performance_label",
                "must be empty or one of " + ", ".join(PerformanceLabel.values),
            )
        row["question_id"] = q_where
        rows.append(row)
    if len(items) > len(SCORES):
        reader.problem(f"{q_where}.guidance", f"has more than {len(SCORES)} entries")
    return rows
