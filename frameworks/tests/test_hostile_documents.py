"""Hostile framework documents: each refusal is a message with its location, in the admin
and the import command alike, never a traceback, and nothing is written."""

import json
import os
import subprocess
import sys
import tempfile
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from frameworks.documents import DocumentInvalid, export_document, parse_document
from frameworks.models import Framework, Question
from frameworks.tree import load_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(dora) -> dict:
    # Imported as another version, so that only the document's own faults can refuse it.
    Framework.objects.filter(pk=dora.pk).update(version="0.9")
    return export_document(load_tree(dora))


def deeply_nested(document: dict) -> str:
    return '{"format": "dora-site-framework", "format_version": 1, "framework": %s}' % (
        "[" * 100_000 + "]" * 100_000
    )


def with_field(path: list, raw: str):
    """The document with the value at `path` written as `raw` JSON text."""
    marker = "__HOSTILE__"

    def make(document: dict) -> str:
        target = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = marker
        return json.dumps(document).replace(json.dumps(marker), raw)

    return make


def duplicated_name(document: dict) -> str:
    text = json.dumps(document)
    return text.replace('"framework": {', '"framework": {"name": "First name", ', 1)


DOMAIN = ["framework", "domains", 0]
HOSTILE = {
    "nested 100,000 deep": (
        deeply_nested,
        "document: nests objects and lists more than 20 levels deep (at line 1 column",
    ),
    "an integer of 5,000 digits": (
        with_field(["framework", "estimated_minutes"], "9" * 5000),
        "framework.estimated_minutes: is a number of 5,000 digits; far too large",
    ),
    "position 2**63": (
        with_field([*DOMAIN, "position"], str(2**63)),
        "framework.domains[0].position: is a number of 19 digits; far too large",
    ),
    "a position past the column's range": (
        with_field([*DOMAIN, "gates", 0, "position"], "40000"),
        "framework.domains[0].gates[0].position: must be at most 32,767",
    ),
    "a level number past the column's range": (
        with_field(["framework", "levels", 0, "level"], "32768"),
        "framework.levels[0].level: must be at most 32,767",
    ),
    "a lone surrogate": (
        with_field([*DOMAIN, "name"], '"Flow \\ud800"'),
        "framework.domains[0].name: holds an invalid character (a lone surrogate",
    ),
    "a lone surrogate in a key": (
        with_field([*DOMAIN, "gates", 0, "\ud800"], "1"),
        'framework.domains[0].gates[0]."\\ud800": is not a known field',
    ),
    "a duplicate key": (duplicated_name, "framework.name: is given more than once"),
    "a weight with a huge exponent": (
        with_field([*DOMAIN, "weight"], "1e999999999"),
        "framework.domains[0].weight: must be",
    ),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_a_hostile_document_is_refused_with_a_message(document, case):
    make, message = HOSTILE[case]
    before = (Framework.objects.count(), Question.objects.count())
    with pytest.raises(DocumentInvalid) as refused:
        parse_document(make(document).encode())
    assert any(message in problem for problem in refused.value.problems), refused.value.problems
    for problem in refused.value.problems:
        problem.encode("utf-8")  # every message can be shown
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        import_with_the_command(make(document), err)
    assert message in err.getvalue()
    assert (Framework.objects.count(), Question.objects.count()) == before


def import_with_the_command(text: str, err: StringIO) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "hostile.json"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        call_command("import_framework", str(path), stderr=err)


@pytest.mark.parametrize("case", ["nested 100,000 deep", "a duplicate key", "a lone surrogate"])
def test_the_admin_shows_the_refusal(client, staff_user, document, case):
    make, message = HOSTILE[case]
    client.force_login(staff_user)
    upload = SimpleUploadedFile("hostile.json", make(document).encode(), "application/json")
    response = client.post(reverse("admin:frameworks_framework_import"), {"document": upload})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Framework.objects.count() == 1


def test_the_command_prints_no_traceback(document, tmp_path):
    path = tmp_path / "deep.json"
    path.write_text(deeply_nested(document))
    done = subprocess.run(
        [sys.executable, "manage.py", "import_framework", str(path)],
        cwd=settings.BASE_DIR,
        env={**os.environ, "SECRET_KEY": "x", "DATABASE_URL": "sqlite:///" + str(tmp_path / "db")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "more than 20 levels deep" in done.stderr
    assert "Traceback" not in done.stderr
