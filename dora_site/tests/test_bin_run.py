"""bin/run as a newcomer runs it, in a copy of the project: it serves only its own SQLite
file whatever DATABASE_URL says, writes a .env that makes manage.py work in a fresh shell
(and that the tests do not read), a second run keeps staff's edits and publication choices,
and a run after a real user was added still serves."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


@pytest.fixture
def project(tmp_path):
    """The files of the project as git sees them (tracked, and new ones it does not ignore),
    with the virtualenv shared."""
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    if not files:
        pytest.skip("not a git checkout")
    copy = tmp_path / "site"
    for name in files:
        target = copy / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    (copy / ".venv").symlink_to(ROOT / ".venv")
    return copy


def run(project, *command, **extra):
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    return subprocess.run(
        command, cwd=project, env={**env, **extra}, capture_output=True, text=True, timeout=300
    )


def manage(project, code: str):
    return run(project, ".venv/bin/python", "manage.py", "shell", "--no-imports", "-c", code)


def test_bin_run_serves_its_own_sqlite_and_keeps_staff_edits(project):
    # A DATABASE_URL that cannot be reached: using it would fail the run.
    elsewhere = "postgres://dora:secret@127.0.0.1:1/production"
    first = run(project, "bin/run", DATABASE_URL=elsewhere, DORA_RUN_NO_SERVER="1")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "serving db.sqlite3" in first.stdout
    assert "staff / dora-demo" in first.stdout
    assert (project / "db.sqlite3").exists()
    dotenv = (project / ".env").read_text()
    assert "DEBUG=1" in dotenv and "SECRET_KEY=" in dotenv and "sqlite:///" in dotenv

    # The README's manage.py commands now work in a fresh shell (the .env is read).
    edit = manage(
        project,
        "from frameworks.models import Framework, Question; "
        "q = Question.objects.get(gate__domain__framework__slug='dora', gate__domain__position=1,"
        " gate__position=1, position=1); q.text = 'Edited by staff?'; q.save(); "
        "Framework.objects.filter(slug='calms').update(is_published=False)",
    )
    assert edit.returncode == 0, edit.stderr

    again = run(project, "bin/run", DATABASE_URL=elsewhere, DORA_RUN_NO_SERVER="1")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "DORA Metrics Framework 1.0 (dora.json): differs" in again.stdout
    kept = manage(
        project,
        "from frameworks.models import Framework, Question; "
        "print(Question.objects.filter(text='Edited by staff?').count(), "
        "Framework.objects.get(slug='calms').is_published)",
    )
    assert kept.stdout.split() == ["1", "False"], kept.stderr

    # A teammate added in the admin: the demo step skips itself with one line, the site
    # is prepared all the same, and the unchanged frameworks are not compared again.
    added = manage(
        project,
        "from django.contrib.auth.models import User; "
        "User.objects.create_user('alice', password='a-long-password-1')",
    )
    assert added.returncode == 0, added.stderr
    third = run(project, "bin/run", DORA_RUN_NO_SERVER="1")
    assert third.returncode == 0, third.stdout + third.stderr
    assert "Demo logins: not created, because this database holds 1 other user" in third.stdout
    assert "nothing changed here or in fixtures/ since the last report" in third.stdout
    assert "bin/run: ready" in third.stdout


def test_the_tests_pass_after_bin_run_wrote_its_env(project):
    ran = run(project, "bin/run", DORA_RUN_NO_SERVER="1")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "DEBUG=1" in (project / ".env").read_text()
    # The .env says DEBUG=1; the settings test that wants DEBUG off by default still passes.
    tests = run(
        project,
        ".venv/bin/pytest",
        "-q",
        "dora_site/tests/test_settings.py",
        "-k",
        "debug_is_off_unless_asked_for",
        SECRET_KEY="t",
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "1 passed" in tests.stdout
