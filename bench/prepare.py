"""The in-process parts of the benchmark, run by bench/run (see bench/README.md).

    python -m bench.prepare setup WORK_DIR         time loaddata, seed, count queries, time
                                                   scoring, sign in, write the pages to load
    python -m bench.prepare post-targets WORK_DIR  (re)write the POST targets for wrk from the
                                                   answers' current versions

Everything goes to WORK_DIR: state.json (figures and pages), pages.tsv (for bench/run) and
post-targets.lua (for bench/wrk.lua).
"""

# ruff: noqa: E402 (Django is set up before the project's modules are imported)

import json
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.crypto import get_random_string

from assessments import views
from assessments.forms import answer_choice, answer_fingerprint
from assessments.models import Answer, Assessment, Membership, Team
from assessments.results import spec_from_tree
from assessments.scoring import recommendations, score
from bench.seed import BENCH_STAFF, BENCH_TEAM_INDEX, BENCH_USER, FULL, SMALL, seed
from frameworks.models import Framework
from frameworks.tree import load_tree

ANSWER_STEP = 5  # Enabling Practices: the largest page of the DORA framework (6 questions)
SCORING_COUNT = 10_000
CSRF_SECRET = "benchCsrfSecret0123456789abcdefA"  # any 32 letters/digits; Django takes it plain
ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"

# Throughput target per page, as a fraction of the baseline's requests per second.
TARGETS = {"answer": 0.15, "save": 0.15}
DEFAULT_TARGET = 0.25
REFERENCES = {"baseline", "signed-in"}  # bare views: measured for comparison, no target


def say(text: str) -> None:
    print(f"bench: {text}", file=sys.stderr, flush=True)


# Signing in -------------------------------------------------------------------------------


def sessions_for(users) -> list[str]:
    """A signed-in session for each user (repeats allowed), without the login form."""
    store = SessionStore()
    expires = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    rows = [
        Session(
            session_key=get_random_string(32, ALPHABET),
            session_data=store.encode(
                {
                    SESSION_KEY: str(user.pk),
                    BACKEND_SESSION_KEY: "dora_site.auth.UserBackend",
                    HASH_SESSION_KEY: user.get_session_auth_hash(),
                }
            ),
            expire_date=expires,
        )
        for user in users
    ]
    Session.objects.bulk_create(rows)
    return [row.session_key for row in rows]


def cookie(session_key: str) -> str:
    session = f"{settings.SESSION_COOKIE_NAME}={session_key}"
    return f"{session}; {settings.CSRF_COOKIE_NAME}={CSRF_SECRET}"


# The POST: saving one answer on a page ---------------------------------------------------


def post_targets(tree, rng: random.Random) -> list[dict]:
    """One target per (draft, question): the POST of the question's page that changes it.

    Every other question on the page is sent as shown with the state "0:<its fingerprint>",
    so it counts as unchanged whatever the database holds. The target question is sent with
    a new choice and "<version>:0000000000000000", so it is written when <version> is the
    stored answer's version: wrk fills in `__version__` (and `__choice__`) per request.
    """
    drafts = list(Assessment.objects.filter(status=Assessment.Status.DRAFT).order_by("pk"))
    answers = {
        (a.assessment_id, a.question_id): a for a in Answer.objects.filter(assessment__in=drafts)
    }
    members: dict[int, list] = {}
    for membership in Membership.objects.select_related("user"):
        members.setdefault(membership.team_id, []).append(membership.user)
    targets = []
    for draft in drafts:
        for step, gate in enumerate(tree.gates, start=1):
            for target in gate.questions:
                data = {"csrfmiddlewaretoken": CSRF_SECRET}
                for q in gate.questions:
                    answer = answers.get((draft.pk, q.id))
                    choice = answer_choice(answer)
                    reason = answer.not_applicable_reason if answer else ""
                    notes = answer.notes if answer else ""
                    if q is target:
                        data[f"q{q.id}-choice"] = "__choice__"
                        state = "__version__:0000000000000000"
                    else:
                        data[f"q{q.id}-choice"] = choice
                        state = f"0:{answer_fingerprint(choice, reason, notes)}"
                    data[f"q{q.id}-reason"] = reason
                    data[f"q{q.id}-notes"] = notes
                    data[f"q{q.id}-state"] = state
                data["go"] = "save"
                stored = answers.get((draft.pk, target.id))
                current = answer_choice(stored)
                targets.append(
                    {
                        "path": f"/assessments/{draft.pk}/answer/{step}/",
                        "question": target.id,
                        "user": rng.choice(members[draft.team_id]),
                        "version": stored.version if stored else 0,
                        # The first choice differs from the stored one, so every save changes it.
                        "first": (int(current) + 1) % 6 if current.isdigit() else 0,
                        "body": urlencode(data),
                    }
                )
    rng.shuffle(targets)  # revisits of one draft spread out over the run
    return targets


def lua_string(text: str) -> str:
    return json.dumps(text)  # URL-encoded bodies and cookies need no Lua-specific escapes


def write_post_targets(work: Path, rng: random.Random) -> dict:
    """Write post-targets.lua (with fresh sessions) and note the answers' version total."""
    framework = Framework.objects.get(slug="dora")
    targets = post_targets(load_tree(framework), rng)
    with transaction.atomic():
        keys = sessions_for([t["user"] for t in targets])
    lines = ["return {"]
    for target, key in zip(targets, keys, strict=True):
        lines.append(
            f"{{path={lua_string(target['path'])}, cookie={lua_string(cookie(key))}, "
            f"version={target['version']}, first={target['first']}, sent=0, "
            f"body={lua_string(target['body'])}}},"
        )
    lines.append("}")
    (work / "post-targets.lua").write_text("\n".join(lines) + "\n")
    info = {"targets": len(targets), "versions_before": draft_versions()}
    (work / "post.json").write_text(json.dumps(info))
    return info


def draft_versions() -> int:
    """The sum of the versions of every draft's answers: it rises by one per written save."""
    total = Answer.objects.filter(assessment__status=Assessment.Status.DRAFT).aggregate(
        total=Sum("version")
    )["total"]
    return total or 0


def post_body(target: dict, version: int) -> str:
    choice = str(target["first"])
    return target["body"].replace("__version__", str(version)).replace("__choice__", choice)


# SQL queries per request, measured in-process ---------------------------------------------


def count_queries(pages: list[dict], check: dict) -> dict[str, int]:
    """Each page's queries on a warm process (framework tree cached), through the same
    middleware, session and database as the server; checks the status of every response.

    The POST is sent as `check` (a target of the bench draft) and must really save."""
    client = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
    draft_pk = int(check["path"].split("/")[2])
    counts = {}
    for page in pages:
        client.cookies.clear()
        for part in page["cookie"].split("; "):
            name, value = part.split("=", 1)
            client.cookies[name] = value
        for _ in ("warm", "count"):  # the first request caches the framework tree
            if page["method"] == "POST":
                answer = Answer.objects.filter(
                    assessment_id=draft_pk, question_id=check["question"]
                ).first()
                version = answer.version if answer else 0
                body = post_body(check, version)
                with CaptureQueriesContext(connection) as queries:
                    response = client.post(
                        check["path"], body, content_type="application/x-www-form-urlencoded"
                    )
                after = Answer.objects.get(assessment_id=draft_pk, question_id=check["question"])
                if after.version != version + 1:
                    raise SystemExit(f"bench: the POST to {check['path']} saved nothing.")
            else:
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(page["path"])
            if response.status_code != page["expect"]:
                raise SystemExit(
                    f"bench: {page['name']} answered {response.status_code} in-process, "
                    f"not {page['expect']}."
                )
        counts[page["name"]] = len(queries)
    return counts


# Setup --------------------------------------------------------------------------------------


def time_loaddata() -> dict:
    fixture = Path(settings.FIXTURE_DIRS[0]) / "dora.json"
    objects = len(json.loads(fixture.read_text()))
    figures = {"objects": objects}
    for run in ("fresh", "reload"):
        started = time.perf_counter()
        call_command("loaddata", "dora", verbosity=0)
        seconds = time.perf_counter() - started
        figures[run] = {"seconds": seconds, "ms_per_object": 1000 * seconds / objects}
    return figures


def time_scoring(tree) -> dict:
    spec = spec_from_tree(tree)
    stored = list(
        Assessment.objects.submitted().order_by("pk").values_list("result", "overall_percent")
    )
    answers = [{int(k): v for k, v in result["scores"].items()} for result, _ in stored]
    for (_, overall), item in zip(stored[:200], answers, strict=False):
        if float(score(spec, item).overall_percent) != overall:
            raise SystemExit("bench: scoring a stored assessment again gives another result.")
    answers = (answers * (SCORING_COUNT // len(answers) + 1))[:SCORING_COUNT]
    figures = {"assessments": len(answers)}
    for name, function in (("score", score), ("recommendations", recommendations)):
        started = time.perf_counter()
        for item in answers:
            function(spec, item)
        seconds = time.perf_counter() - started
        figures[name] = {"seconds": seconds, "us_per_assessment": 1e6 * seconds / len(answers)}
    return figures


def pages_to_load(member_cookie: str, staff_cookie: str) -> list[dict]:
    team = Team.objects.order_by("pk")[BENCH_TEAM_INDEX]
    draft = (
        team.assessments.filter(status=Assessment.Status.DRAFT).order_by("pk").first()
    )  # the first bench draft; seeded in the first round, so it exists at both sizes
    submitted = team.assessments.submitted().order_by("-submitted_at").first()
    member = {"method": "GET", "cookie": member_cookie, "expect": 200}
    return [
        {"name": "baseline", "path": "/bench/baseline/", **member},
        {"name": "signed-in", "path": "/bench/baseline-signed-in/", **member},
        {"name": "dashboard", "path": "/", **member},
        {"name": "answer", "path": f"/assessments/{draft.pk}/answer/{ANSWER_STEP}/", **member},
        {"name": "results", "path": f"/assessments/{submitted.pk}/results/", **member},
        {"name": "team", "path": f"/teams/{team.slug}/", **member},
        {"name": "overview", "path": "/overview/", **member, "cookie": staff_cookie},
        {
            "name": "save",
            "method": "POST",
            "path": "(targets)",
            "cookie": member_cookie,
            "expect": 302,
        },
    ]


def size_of() -> dict:
    bench_team = Team.objects.order_by("pk")[BENCH_TEAM_INDEX]
    bench_user = get_user_model().objects.get(username=BENCH_USER)
    return {
        "users": get_user_model().objects.count(),
        "teams": Team.objects.count(),
        "submitted": Assessment.objects.submitted().count(),
        "drafts": Assessment.objects.filter(status=Assessment.Status.DRAFT).count(),
        "answers": Answer.objects.count(),
        "bench_team_submitted": bench_team.assessments.submitted().count(),
        "bench_user_assessments": Assessment.objects.for_user(bench_user).count(),
    }


def setup(work: Path) -> None:
    User = get_user_model()
    if User.objects.exists() or Framework.objects.exists():
        raise SystemExit(
            "bench: the database is not empty. The benchmark seeds its own data: give it an "
            "empty database (or leave DATABASE_URL unset for a fresh SQLite file)."
        )
    rng = random.Random(2025)
    say("loading the DORA fixture (timed)")
    loaddata = time_loaddata()
    framework = Framework.objects.get(slug="dora")
    tree = load_tree(framework)

    say(f"seeding {SMALL.teams} teams, then {FULL.teams} (queries are counted at both sizes)")
    started = time.perf_counter()
    seed(SMALL, framework=framework, tree=tree, rng=rng)
    seed_seconds = time.perf_counter() - started
    member, staff = User.objects.get(username=BENCH_USER), User.objects.get(username=BENCH_STAFF)
    member_key, staff_key, check_key = sessions_for([member, staff, member])
    pages = pages_to_load(cookie(member_key), cookie(staff_key))
    save_page = next(p for p in pages if p["name"] == "save")
    save_page["cookie"] = cookie(check_key)  # its "Saved" messages stay out of the GETs' session
    answer_page = next(p for p in pages if p["name"] == "answer")
    check = next(t for t in post_targets(tree, rng) if t["path"] == answer_page["path"])
    small = size_of()
    page_size = getattr(views, "PAGE_SIZE", 20)
    if small["bench_user_assessments"] >= page_size or small["bench_team_submitted"] >= page_size:
        say("warning: at the small size a list fills a page; a query per row would not show")
    queries_small = count_queries(pages, check)

    started = time.perf_counter()
    seed(FULL - SMALL, framework=framework, tree=tree, rng=rng)
    seed_seconds += time.perf_counter() - started
    full = size_of()
    queries_full = count_queries(pages, check)
    say(f"seeded {full} in {seed_seconds:.1f} s")

    say(f"scoring {SCORING_COUNT} stored assessments' answers (timed)")
    scoring = time_scoring(tree)
    post = write_post_targets(work, rng)

    for page in pages:
        page["target"] = (
            None if page["name"] in REFERENCES else TARGETS.get(page["name"], DEFAULT_TARGET)
        )
        page["queries"] = queries_full[page["name"]]
        page["queries_small"] = queries_small[page["name"]]
    state = {
        "database": connection.vendor,
        "size": full,
        "size_small": small,
        "seed_seconds": seed_seconds,
        "loaddata": loaddata,
        "scoring": scoring,
        "post_targets": post["targets"],
        "pages": pages,
    }
    (work / "state.json").write_text(json.dumps(state, indent=2))
    (work / "pages.tsv").write_text(
        "".join(f"{p['name']}\t{p['method']}\t{p['path']}\t{p['cookie']}\n" for p in pages)
    )


def main() -> None:
    stage, work = sys.argv[1], Path(sys.argv[2])
    if stage == "setup":
        setup(work)
    elif stage == "post-targets":
        info = write_post_targets(work, random.Random(time.time_ns()))
        say(f"{info['targets']} POST targets written from the answers' current versions")
    else:
        raise SystemExit(f"bench: unknown stage {stage!r}")


if __name__ == "__main__":
    main()
