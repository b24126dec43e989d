"""The project's layout rules that code review would otherwise have to remember."""

import ast
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import NoReverseMatch

from dora_site.jinja2 import url
from frameworks.templating import percent

ROOT = Path(__file__).resolve().parents[2]


def imported_packages(folder: str) -> dict[str, set[str]]:
    """For each non-test module of `folder`, the top-level packages it imports."""
    found = {}
    for path in (ROOT / folder).rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        names = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


def test_the_project_package_imports_no_app():
    for module, names in imported_packages("dora_site").items():
        assert not names & {"assessments", "frameworks"}, module


@pytest.mark.parametrize("app", ["assessments", "frameworks"])
def test_the_apps_import_nothing_from_the_project_package(app):
    for module, names in imported_packages(app).items():
        assert "dora_site" not in names, module


def test_frameworks_knows_nothing_of_assessments():
    for module, names in imported_packages("frameworks").items():
        assert "assessments" not in names, module


def test_the_url_helper_refuses_what_reverse_refuses():
    assert url("assessments:answer", 12, 3) == "/assessments/12/answer/3/"
    for bad in (("abc", 1), (-1, 1), ("1/2", 1), ("12", "x")):
        with pytest.raises(NoReverseMatch):
            url("assessments:answer", *bad)


@pytest.mark.parametrize(
    ("value", "args", "shown"),
    [
        (79.98, (), "79.9%"),  # never "80.0%" beside a High badge
        (59.98, (), "59.9%"),
        (80.0, (), "80.0%"),
        (79.99999999999999, (), "79.9%"),
        (100.0, (), "100.0%"),
        (0.0, (), "0.0%"),
        (72.333, (), "72.3%"),
        (None, (), "–"),
        (None, (1, "n/a"), "n/a"),
        (Decimal("25.00"), (None,), "25%"),
        (Decimal("12.50"), (None,), "12.5%"),
        (Decimal("100.00"), (None,), "100%"),
        (33.33, (None,), "33.33%"),
        (66.666, (2,), "66.66%"),
    ],
)
def test_one_percent_filter_truncates_scores_and_shows_weights_as_typed(value, args, shown):
    assert percent(value, *args) == shown


@pytest.mark.parametrize(
    "fmt", ["j M Y", "j M Y, H:i", "j F Y", "j M Y H:i", "d/m/y G:i:s", "D j M", r"j \o\f F"]
)
@pytest.mark.parametrize("zone", ["UTC", "Europe/London", "Pacific/Auckland"])
def test_the_date_filter_formats_exactly_as_django_does(settings, fmt, zone):
    from datetime import UTC, datetime, timedelta

    from django.utils import dateformat, timezone

    from dora_site.jinja2 import date

    settings.TIME_ZONE = zone
    moment = datetime(2024, 1, 1, 0, 5, 9, tzinfo=UTC)
    for step in range(0, 400 * 24, 37):  # every month, hours around midnight and DST
        value = moment + timedelta(hours=step)
        expected = dateformat.format(timezone.localtime(value), fmt)
        assert date(value, fmt) == expected, (value, fmt)
    assert date(None) == ""
