"""The README's CI snippets, run as they are written (bin/report-deployment, which they tell
teams to copy) with bash in a real git repository, against the live API: each deployment
reports every commit it shipped, with that commit's own time."""

import os
import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from delivery.models import Change, Deployment

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_URL = "https://dora.example.com"


def readme_yaml() -> list:
    """Every yaml block of README.md, parsed."""
    blocks = re.findall(r"^```yaml\n(.*?)^```$", (ROOT / "README.md").read_text(), re.M | re.S)
    return [yaml.safe_load(block) for block in blocks]


def github_actions(url: str, key: str, run: int) -> tuple[dict, str, str]:
    """The GitHub Actions step's environment (with the secret and the live server's address)
    and commands, and the deployment id it sends."""
    steps = next(block for block in readme_yaml() if isinstance(block, list))
    checkout = next(step for step in steps if step.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0  # the history back to the previous deployment
    step = next(step for step in steps if step.get("name") == "Report the deployment to dora_site")
    env = dict(step["env"])
    assert (env["DORA_URL"], env["DORA_TOKEN"]) == (EXAMPLE_URL, "${{ secrets.DORA_TOKEN }}")
    env |= {
        "DORA_URL": url,
        "DORA_TOKEN": key,
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_RUN_ID": str(run),
        "GITHUB_RUN_ATTEMPT": "1",
    }
    return env, step["run"], f"{run}-1"


def gitlab_ci(url: str, key: str, run: int) -> tuple[dict, str, str]:
    """The GitLab CI job's variables (with the project's DORA_TOKEN and the live server's
    address) and script, and the deployment id it sends. Its before_script installs the
    tools, which are here already."""
    job = next(b["report-deployment"] for b in readme_yaml() if "report-deployment" in b)
    env = {name: str(value) for name, value in job["variables"].items()}
    assert env["DORA_URL"] == EXAMPLE_URL and env["GIT_DEPTH"] == "0"
    env |= {
        "DORA_URL": url,
        "DORA_TOKEN": key,
        "CI": "true",
        "GITLAB_CI": "true",
        "CI_PIPELINE_ID": str(run),
    }
    return env, "\n".join(job["script"]), str(run)


def git(repo: Path, *args: str, when: datetime | None = None) -> str:
    env = {"PATH": os.environ["PATH"], "HOME": str(repo.parent), "GIT_CONFIG_NOSYSTEM": "1"}
    if when is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when.isoformat()
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def new_repository(path: Path) -> Path:
    """A repository holding the report script, as a team's would after copying it in."""
    (path / "bin").mkdir(parents=True)
    shutil.copy(ROOT / "bin" / "report-deployment", path / "bin" / "report-deployment")
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.name", "Pat")
    git(path, "config", "user.email", "pat@example.com")
    git(path, "add", "bin")
    return path


def commit(repo: Path, when: datetime) -> tuple[str, datetime]:
    """A commit made at `when`; its sha and time."""
    (repo / "app.txt").write_text(f"changed at {when.isoformat()}\n")
    git(repo, "add", "app.txt")
    git(repo, "commit", "-q", "-m", f"Change of {when.isoformat()}", when=when)
    return git(repo, "rev-parse", "HEAD"), when


def commits(repo: Path, start: datetime, count: int) -> list[tuple[str, datetime]]:
    """Commits an hour and a quarter apart, in alternating time zones (as `git log %cI`
    writes them, with the committer's offset)."""
    zones = [timezone(timedelta(hours=2)), timezone(timedelta(hours=-5))]
    return [
        commit(repo, (start + timedelta(minutes=75 * n)).astimezone(zones[n % 2]))
        for n in range(count)
    ]


def report(ci, repo: Path, live_server, key: str, run: int) -> Deployment:
    """Run the snippet's commands in the repository as the CI would; the deployment stored."""
    env, commands, deployment_id = ci(live_server.url, key, run)
    env |= {"PATH": os.environ["PATH"], "HOME": str(repo.parent), "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", commands],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return Deployment.objects.get(external_id=deployment_id)


def shipped(deployment: Deployment) -> set[tuple[str, datetime]]:
    rows = Change.objects.filter(team=deployment.team, deployment_id=deployment.external_id)
    return {(row.external_id, row.committed_at) for row in rows}


@pytest.mark.parametrize("ci", [github_actions, gitlab_ci])
def test_each_deployment_reports_the_commits_since_the_previous_one_with_their_times(
    ci, live_server, team, key, tmp_path
):
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=5)
    repo = new_repository(tmp_path / "repo")
    before = commits(repo, start, 4)

    first = report(ci, repo, live_server, key, run=101)
    # The service's first deployment sends only its head: the commits before it would count
    # lead times from before the team reported anything.
    assert (first.team, first.service, first.commit) == (team, "api", before[-1][0])
    assert shipped(first) == {before[-1]}

    later = commits(repo, start + timedelta(days=1), 3)
    second = report(ci, repo, live_server, key, run=102)
    assert (second.commit, second.status, second.production) == (later[-1][0], "success", True)
    assert shipped(second) == set(later)
    assert Change.objects.count() == 4


def test_a_previous_commit_missing_from_the_history_sends_only_the_head(
    live_server, team, key, tmp_path
):
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=5)
    old = new_repository(tmp_path / "old")
    commits(old, start, 2)
    report(github_actions, old, live_server, key, run=101)
    # Another history (rewritten, or a fresh repository): the commit deployed is not in it.
    other = new_repository(tmp_path / "other")
    made = commits(other, start + timedelta(days=1), 3)

    second = report(github_actions, other, live_server, key, run=102)
    assert second.commit == made[-1][0]
    assert shipped(second) == {made[-1]}
