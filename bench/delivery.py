"""The delivery data rows of the benchmark, run by bench/run after the pages (see
bench/README.md).

    python -m bench.delivery WORK_DIR

- Writes CSV files of one team's delivery data (deployments.csv, changes.csv, incidents.csv)
  at two sizes, a tenth and the whole: 100,000 deployments, 300,000 changes and 5,000
  incidents (`BENCH_DELIVERY_DEPLOYMENTS` sets the deployments; the rest follow).
- Imports each size with `manage.py import_delivery_data`, one kind at a time into a team,
  then all three in one command into another, each import in a process of its own
  (bench/measure_import.py) so that its peak memory is its own.
- Times `GET /api/v1/teams/<slug>/metrics/` in-process (Django's test client, a signed-in
  session, the same settings and database as the server) for a team with 1,000 deployments,
  for the teams of both sizes and for one with 400,000 deployments in the window (written
  directly, not imported), and counts its SQL queries; each must answer in under 0.5 s.
- Times the largest upload the delivery page takes (5,000 rows: 1,000 deployments and
  4,000 changes) through the page, in-process, while another thread writes sessions as
  sign-ins do, and records the longest that such a write waited for SQLite's (or
  PostgreSQL's) locks: at most a second.

Writes WORK_DIR/delivery.json; bench/report.py prints it with `print_delivery`. The files are
the same for a given day (a seeded random): every deployment is a production one, finished
in the metrics' default window (the 91 days ending today).
"""

# ruff: noqa: E402 (Django is set up before the project's modules are imported)

import csv
import io
import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bench.prepare import cookie, say, sessions_for
from delivery import metrics
from teams.models import Membership, Team

DEPLOYMENTS = int(os.environ.get("BENCH_DELIVERY_DEPLOYMENTS", "100000"))
CHANGES_PER_DEPLOYMENT = 3
DEPLOYMENTS_PER_INCIDENT = 20
SIZES = {"tenth": 10, "whole": 1}  # DEPLOYMENTS divided by
KINDS = ("deployments", "changes", "incidents")
SMALL_TEAM = 1000  # deployments of the team the metrics endpoint is first measured for
METRICS_REPEATS = 3  # timed requests per team, after one that warms the process
BIG_TEAM = 400_000  # deployments in the window of the largest team the metrics are timed for
METRICS_LIMIT_MS = 500
WAIT_LIMIT_S = 1.0  # the longest another user's write may wait behind the largest upload
SERVICES = ("api", "web", "worker", "search", "billing", "mobile-backend")
USER = "bench-delivery"
SLUG = "delivery-bench-"
# Targets: ten times the rows may cost at most LINEAR times the seconds per 10,000 rows, and
# at most FLAT times the import's own memory (taken as at least MEMORY_FLOOR_MIB at a tenth,
# so that a few MiB of noise in a small import gives no verdict).
LINEAR = 1.3
FLAT = 1.5
MEMORY_FLOOR_MIB = 10


def say_rows(rows: dict) -> str:
    return ", ".join(f"{count} {kind}" for kind, count in rows.items())


# The CSV files ----------------------------------------------------------------------------


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def write_files(folder: Path, deployments: int, rng: random.Random) -> dict[str, Path]:
    """One team's files: `deployments` production deployments finished in the default
    window before today, about 5% failed and 4% rework; three changes each on average,
    committed up to a week before (5% not shipped yet); an incident per 20 deployments,
    most of them caused by a failed deployment, 2% still open."""
    folder.mkdir(parents=True, exist_ok=True)
    today = timezone.now().date()
    low, _ = metrics.window_bounds(*metrics.default_window(today))
    seconds = (metrics.window_bounds(today, today)[0] - low).total_seconds()
    finished = sorted(low + timedelta(seconds=rng.uniform(0, seconds)) for _ in range(deployments))
    paths = {kind: folder / f"{kind}.csv" for kind in KINDS}
    failed = []
    with paths["deployments"].open("w", newline="") as file:
        out = csv.writer(file)
        out.writerow(("id", "service", "environment", "finished_at", "status", "rework"))
        for number, moment in enumerate(finished):
            status = "failure" if rng.random() < 0.05 else "success"
            if status == "failure":
                failed.append(number)
            rework = "true" if rng.random() < 0.04 else "false"
            service = rng.choice(SERVICES)
            out.writerow((f"d{number}", service, "production", stamp(moment), status, rework))
    with paths["changes"].open("w", newline="") as file:
        out = csv.writer(file)
        out.writerow(("id", "committed_at", "deployment_id"))
        for number in range(deployments * CHANGES_PER_DEPLOYMENT):
            shipped = rng.randrange(deployments)
            committed = finished[shipped] - timedelta(hours=rng.uniform(0.2, 168))
            deployment = "" if rng.random() < 0.05 else f"d{shipped}"
            sha = f"{rng.getrandbits(40):010x}{number:07d}"  # unique, like a commit's
            out.writerow((sha, stamp(committed), deployment))
    with paths["incidents"].open("w", newline="") as file:
        out = csv.writer(file)
        out.writerow(("id", "opened_at", "resolved_at", "deployment_id"))
        for number in range(max(1, deployments // DEPLOYMENTS_PER_INCIDENT)):
            cause = rng.choice(failed) if failed and rng.random() < 0.8 else None
            if cause is None:
                cause = rng.randrange(deployments)
            opened = finished[cause] + timedelta(minutes=rng.uniform(1, 600))
            resolved = opened + timedelta(hours=rng.expovariate(0.2))
            out.writerow(
                (
                    f"INC-{number}",
                    stamp(opened),
                    "" if rng.random() < 0.02 else stamp(resolved),
                    f"d{cause}" if rng.random() < 0.9 else "",
                )
            )
    return paths


def rows_in(path: Path) -> int:
    with path.open("rb") as file:
        return sum(1 for _ in file) - 1  # the header


# Teams and their reader -------------------------------------------------------------------


def bench_user():
    user, _ = get_user_model().objects.get_or_create(
        username=USER, defaults={"password": make_password(None)}
    )
    return user


def new_team(name: str) -> Team:
    team = Team.objects.create(name=f"Delivery bench {name}", slug=f"{SLUG}{name}")
    Membership.objects.create(team=team, user=bench_user())
    return team


# The import, each in a process of its own -------------------------------------------------


def measure_import(slug: str, files: dict[str, Path]) -> dict:
    args = [sys.executable, "-m", "bench.measure_import", slug]
    for kind, path in files.items():
        args += [f"--{kind}", str(path)]
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("BENCH-IMPORT ")]
    if done.returncode or not lines:
        raise SystemExit(f"bench: the import of {', '.join(files)} failed:\n{done.stderr}")
    figures = json.loads(lines[-1].removeprefix("BENCH-IMPORT "))
    figures["own_mib"] = figures["peak_rss_mib"] - figures["start_rss_mib"]
    return figures


def import_size(work: Path, name: str, rng: random.Random) -> dict:
    """Write a size's files; import them one kind at a time into one team, then all three
    in one command into another."""
    files = write_files(work / "delivery" / name, DEPLOYMENTS // SIZES[name], rng)
    rows = {kind: rows_in(path) for kind, path in files.items()}
    say(f"delivery import, {name}: {say_rows(rows)}, one kind at a time and all together")
    team = new_team(name)
    runs = {kind: measure_import(team.slug, {kind: path}) for kind, path in files.items()}
    runs["all three"] = measure_import(new_team(f"{name}-all").slug, files)
    rows["all three"] = sum(rows.values())
    for kind, figures in runs.items():
        figures["rows"] = rows[kind]
        figures["seconds_per_10k"] = figures["seconds"] * 10_000 / rows[kind]
    return {"team": team.slug, "runs": runs}


# The metrics endpoint ---------------------------------------------------------------------


def time_metrics(team: Team, client: Client) -> dict:
    """Median and fastest of METRICS_REPEATS warm requests, and their SQL queries. The
    endpoint keeps its answer in the cache until the team's next report, and CI reports
    after every deploy, so each request here starts with an empty cache: this is the cost
    of computing the metrics, not of reading them back."""
    url = reverse("api-metrics", args=[team.slug])
    times, queries = [], set()
    for repeat in range(METRICS_REPEATS + 1):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"bench: {url} answered {response.status_code} in-process, not 200.")
        if repeat:  # the first warms the process
            times.append(1000 * elapsed)
            queries.add(len(captured))
    data = response.json()
    return {
        "team": team.slug,
        "deployments": team.deployments.count(),
        "deployments_in_window": data["deployments"],
        "changes_measured": data["changes_measured"],
        "incidents_resolved": data["incidents_resolved"],
        "ms_median": statistics.median(times),
        "ms_min": min(times),
        "queries": max(queries),
        "queries_steady": len(queries) == 1,
    }


def small_team(work: Path, rng: random.Random) -> Team:
    """A team with SMALL_TEAM deployments, imported in this process (not measured)."""
    files = write_files(work / "delivery" / "small", SMALL_TEAM, rng)
    team = new_team("small")
    options = [part for kind, path in files.items() for part in (f"--{kind}", str(path))]
    call_command("import_delivery_data", team.slug, *options, stdout=io.StringIO())
    return team


def big_team() -> Team:
    """A team with BIG_TEAM successful production deployments in the default window,
    written with bulk_create (importing them would take minutes and measure nothing new)."""
    from delivery.models import Deployment

    team = new_team("400k")
    now = timezone.now()
    step = timedelta(days=metrics.WINDOW_DAYS - 2) / BIG_TEAM
    Deployment.objects.bulk_create(
        (
            Deployment(
                team=team,
                external_id=f"d{n}",
                service="api",
                environment="production",
                production=True,
                finished_at=now - step * (n + 1),
                status="success",
            )
            for n in range(BIG_TEAM)
        ),
        batch_size=5000,
    )
    return team


def time_upload(client: Client) -> dict:
    """The page's largest upload, and the longest another user's session write waited
    meanwhile (a thread of its own, with its own database connection)."""
    import threading

    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connections

    from assessments.views.delivery import MAX_UPLOAD_BYTES
    from delivery.imports import MAX_UPLOAD_ROWS

    team = new_team("upload")  # the bench user is its member
    now = timezone.now()
    deployments = 1000
    changes = MAX_UPLOAD_ROWS - deployments
    files = {
        "deployments": "id,service,environment,finished_at,status,rework\n"
        + "".join(
            f"u{n},web,production,{stamp(now - timedelta(minutes=n + 1))},success,false\n"
            for n in range(deployments)
        ),
        "changes": "id,committed_at,deployment_id\n"
        + "".join(
            f"uc{n},{stamp(now - timedelta(minutes=n // 4 + 1, hours=2))},u{n // 4}\n"
            for n in range(changes)
        ),
    }
    waits, done = [], threading.Event()

    def sign_ins():
        while not done.is_set():
            started = time.perf_counter()
            session = SessionStore()
            session["bench"] = 1
            session.create()
            waits.append(time.perf_counter() - started)
            time.sleep(0.02)
        connections.close_all()

    writer = threading.Thread(target=sign_ins)
    writer.start()
    time.sleep(0.1)
    uploads = {}
    for kind, text in files.items():
        upload = io.BytesIO(text.encode())
        upload.name = f"{kind}.csv"
        uploads[kind] = upload
    started = time.perf_counter()
    response = client.post(reverse("assessments:delivery", args=[team.slug]), uploads)
    seconds = time.perf_counter() - started
    time.sleep(0.1)
    done.set()
    writer.join()
    if response.status_code != 302:
        raise SystemExit(f"bench: the upload answered {response.status_code}, not 302.")
    return {
        "rows": MAX_UPLOAD_ROWS,
        "bytes": sum(len(text) for text in files.values()),
        "bytes_limit": MAX_UPLOAD_BYTES,
        "seconds": seconds,
        "longest_wait": max(waits),
        "writes": len(waits),
    }


def run(work: Path) -> None:
    if DEPLOYMENTS < 100:
        raise SystemExit("bench: BENCH_DELIVERY_DEPLOYMENTS must be 100 or more.")
    if Team.objects.filter(slug__startswith=SLUG).exists():
        raise SystemExit(f"bench: teams {SLUG}... exist already: give it an empty database.")
    rng = random.Random(2027)
    imports = {name: import_size(work, name, rng) for name in SIZES}
    say("timing the metrics endpoint")
    client = Client(HTTP_HOST="127.0.0.1")
    user = bench_user()
    for part in cookie(sessions_for([user])[user.pk]).split("; "):
        key, value = part.split("=", 1)
        client.cookies[key] = value
    teams = [small_team(work, rng)] + [Team.objects.get(slug=i["team"]) for i in imports.values()]
    say(f"writing {BIG_TEAM:,} deployments for the largest team")
    teams.append(big_team())
    endpoint = sorted(
        (time_metrics(team, client) for team in teams), key=lambda r: r["deployments"]
    )
    say("timing the largest upload of the delivery page")
    upload = time_upload(client)
    figures = {
        "deployments": DEPLOYMENTS,
        "imports": imports,
        "metrics": endpoint,
        "upload": upload,
    }
    (work / "delivery.json").write_text(json.dumps(figures, indent=2))


# The report (bench/report.py) -------------------------------------------------------------


def delivery_verdicts(figures: dict) -> dict:
    """Per kind (and all three together): seconds per 10,000 rows and the import's own
    memory at both sizes, their ratios and verdicts; the metrics endpoint per team, with
    whether its queries equal the smallest team's."""
    tenth, whole = figures["imports"]["tenth"]["runs"], figures["imports"]["whole"]["runs"]
    imports = []
    for kind in (*KINDS, "all three"):
        a, b = tenth[kind], whole[kind]
        time_ratio = b["seconds_per_10k"] / a["seconds_per_10k"]
        memory_ratio = b["own_mib"] / max(a["own_mib"], MEMORY_FLOOR_MIB)
        imports.append(
            {
                "kind": kind,
                "tenth": a,
                "whole": b,
                "time_ratio": time_ratio,
                "memory_ratio": memory_ratio,
                "linear": time_ratio <= LINEAR,
                "flat": memory_ratio <= FLAT,
            }
        )
    first = figures["metrics"][0]["queries"]
    endpoint = [
        {
            **row,
            # The 400,000 team has no changes or incidents, whose middles then need no read.
            "queries_constant": row["queries_steady"] and row["queries"] <= first,
            "fast": row["ms_median"] < METRICS_LIMIT_MS,
        }
        for row in figures["metrics"]
    ]
    upload = figures.get("upload")
    if upload:
        upload = {**upload, "short": upload["longest_wait"] <= WAIT_LIMIT_S}
    return {"imports": imports, "metrics": endpoint, "upload": upload}


def import_columns(run: dict, width: int) -> str:
    return (
        f"{run['rows']:>{width}}{run['seconds_per_10k']:>7.2f}"
        f"{run['peak_rss_mib']:>6.0f}{run['own_mib']:>5.0f}"
    )


def print_delivery(verdicts: dict) -> list[str]:
    """Print the delivery tables; what missed its target."""
    rows = verdicts["imports"]
    print(
        "delivery import: manage.py import_delivery_data, each import in a process of its "
        "own; a tenth, then the whole"
    )
    print(f"{'':<12}{'-- a tenth ---------':>26}{'-- the whole --------':>27}")
    header = (
        f"{'kind':<12}{'rows':>8}{'s/10k':>7}{'peak':>6}{'own':>5}"
        f"{'rows':>9}{'s/10k':>7}{'peak':>6}{'own':>5}"
        f"{'time x':>8}{'target':>8}{'MiB x':>7}{'target':>8}  result"
    )
    print(header)
    print("-" * len(header))
    missed = []
    for row in rows:
        a, b = row["tenth"], row["whole"]
        verdict = "pass" if row["linear"] and row["flat"] else "FAIL"
        if not row["linear"]:
            verdict += " (time grows)"
            missed.append(f"{row['kind']} import time")
        if not row["flat"]:
            verdict += " (memory grows)"
            missed.append(f"{row['kind']} import memory")
        print(
            f"{row['kind']:<12}{import_columns(a, 8)}{import_columns(b, 9)}"
            f"{row['time_ratio']:>8.2f}{'<=' + str(LINEAR):>8}"
            f"{row['memory_ratio']:>7.2f}{'<=' + str(FLAT):>8}  {verdict}"
        )
    print(
        "s/10k: seconds per 10,000 rows. peak: the process's peak resident MiB; own: that "
        "peak less its\nresident MiB before the import. time x, MiB x: the whole's against "
        f"the tenth's (own MiB at least {MEMORY_FLOOR_MIB})."
    )
    print()
    print(
        "metrics endpoint: GET /api/v1/teams/<slug>/metrics/, the default window, signed in, "
        f"in-process; {METRICS_REPEATS} warm requests"
    )
    header = (
        f"{'deployments':>11}{'in window':>11}{'changes':>9}{'incidents':>11}"
        f"{'ms median':>11}{'ms min':>9}{'queries':>9}  result"
    )
    print(header)
    print("-" * len(header))
    for row in verdicts["metrics"]:
        verdict = "pass" if row["queries_constant"] and row.get("fast", True) else "FAIL"
        if not row["queries_constant"]:
            verdict += " (queries grow)"
            missed.append(f"metrics queries at {row['deployments']} deployments")
        if not row.get("fast", True):
            verdict += f" (over {METRICS_LIMIT_MS} ms)"
            missed.append(f"metrics time at {row['deployments']} deployments")
        print(
            f"{row['deployments']:>11}{row['deployments_in_window']:>11}"
            f"{row['changes_measured']:>9}{row['incidents_resolved']:>11}"
            f"{row['ms_median']:>11.1f}{row['ms_min']:>9.1f}{row['queries']:>9}  {verdict}"
        )
    print("changes, incidents: those the window measured (shipped, resolved). No team may take")
    print(
        "more queries than the smallest team's, and each answer must take under "
        f"{METRICS_LIMIT_MS} ms."
    )
    print()
    upload = verdicts.get("upload")
    if upload:
        verdict = "pass" if upload["short"] else f"FAIL (a write waited over {WAIT_LIMIT_S} s)"
        if not upload["short"]:
            missed.append("another user's wait behind the largest upload")
        print(
            "delivery upload: the page's largest (its row limit), in-process, while another "
            "thread writes sessions"
        )
        header = (
            f"{'rows':>6}{'bytes':>10}{'limit':>10}{'seconds':>9}{'longest wait s':>16}  result"
        )
        print(header)
        print("-" * len(header))
        print(
            f"{upload['rows']:>6}{upload['bytes']:>10}{upload['bytes_limit']:>10}"
            f"{upload['seconds']:>9.2f}{upload['longest_wait']:>16.3f}  {verdict}"
        )
        print(
            f"longest wait: of {upload['writes']} session writes made meanwhile "
            f"(at most {WAIT_LIMIT_S} s)."
        )
        print()
    return missed


if __name__ == "__main__":
    run(Path(sys.argv[1]))
