"""The in-process parts of the benchmark, run by bench/run (see bench/README.md).

    python -m bench.prepare setup WORK_DIR        time loaddata; seed the small size, count
                                                  queries; seed size 1, count queries; time
                                                  scoring; write size 1's targets
    python -m bench.prepare grow WORK_DIR SCALE   seed up to SCALE times size 1, count the
                                                  queries again, write that size's targets
    python -m bench.prepare post-targets WORK_DIR SIZE
                                                  (re)write that size's POST targets from the
                                                  answers' current versions

Every page is loaded over many (user, URL) pairs, not one: different members' dashboards,
different teams' pages, different assessments' results and answer steps, overview pages
and sort orders, each with its own signed-in session. So a cache only counts where real
traffic would hit it. Everything goes to WORK_DIR: state.json (figures and pages),
pages-SIZE.tsv (for bench/run) and targets-SIZE-PAGE.lua (for bench/wrk.lua).
"""

# ruff: noqa: E402 (Django is set up before the project's modules are imported)

import json
import math
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

from assessments.agreement import spread, team_answer
from assessments.forms import answer_choice, answer_fingerprint
from assessments.models import Answer, Assessment, Respondent
from assessments.overview import SORTS
from assessments.results import spec_from_tree
from assessments.scoring import recommendations, score
from assessments.views.dashboard import PAGE_SIZE
from assessments.views.overview import PAGE_SIZE as OVERVIEW_PAGE_SIZE
from bench.seed import (
    BENCH_STAFF,
    BENCH_TEAM_INDEX,
    BENCH_USER,
    FULL,
    SMALL,
    Volume,
    seed,
)
from frameworks.models import Framework
from frameworks.tree import load_tree
from teams.models import Membership, Team

ANSWER_STEP = 5  # Enabling Practices: the largest page of the DORA framework (6 questions)
MVP_STEP = 1  # every MVP gate has ten questions, its largest page
MVP_DRAFTS = 250  # MVP drafts, one per team, each half answered on its first step
SCORING_COUNT = 10_000
CSRF_SECRET = "benchCsrfSecret0123456789abcdefA"  # any 32 letters/digits; Django takes it plain
ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
ROTATION = 250  # (user, URL) pairs per page: at least 200 distinct
FORM = "application/x-www-form-urlencoded"
POST_TARGETS = 2000  # (draft, question) saves per size, drawn from every draft

SESSION_DRAFTS = 250  # teams with a DORA draft for the session row: at least 200 distinct
TOGETHER_DRAFTS = 250  # revealed DORA drafts answered each on one's own, one per team
# Throughput targets per page, as a fraction of the bare view's requests per second, at
# every size measured. Pages are measured without any cache of pages or their parts.
TARGETS = {
    "sqlite": {
        "answer": 0.18,
        "answer-mvp": 0.18,
        "together": 0.18,
        "save": 0.18,
        "session": 0.18,
        None: 0.15,
    },
    "postgresql": {None: 0.15},
}
P95_GROWTH = 1.3  # at the larger size, every page's p95 within this factor of size 1's
REFERENCES = {"baseline", "signed-in"}  # bare views: measured for comparison, no target
PAGES = (
    "baseline",
    "signed-in",
    "dashboard",
    "answer",
    "answer-mvp",
    "together",
    "results",
    "team",
    "overview",
    "save",
    "session",
)
# What each row's requests do: whether a row follows the redirects it is sent (a browser
# does), and how many of its requests write for each one that reads.
FOLLOWS_REDIRECTS = {"session": True}
WRITES_PER_READ = {"save": None, "session": 1 / 3}  # None: writes only; 0 for the rest
BACKEND = "django.contrib.auth.backends.ModelBackend"


def say(text: str) -> None:
    print(f"bench: {text}", file=sys.stderr, flush=True)


# Signing in -------------------------------------------------------------------------------


def sessions_for(users) -> dict[int, str]:
    """A signed-in session per user (by id), written directly (no login form)."""
    store = SessionStore()
    expires = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    unique = {user.pk: user for user in users}
    rows = [
        Session(
            session_key=get_random_string(32, ALPHABET),
            session_data=store.encode(
                {
                    SESSION_KEY: str(user.pk),
                    BACKEND_SESSION_KEY: BACKEND,
                    HASH_SESSION_KEY: user.get_session_auth_hash(),
                }
            ),
            expire_date=expires,
        )
        for user in unique.values()
    ]
    with transaction.atomic():
        Session.objects.bulk_create(rows, batch_size=500)
    return {pk: row.session_key for pk, row in zip(unique, rows, strict=True)}


def cookie(session_key: str) -> str:
    session = f"{settings.SESSION_COOKIE_NAME}={session_key}"
    return f"{session}; {settings.CSRF_COOKIE_NAME}={CSRF_SECRET}"


# What each page row loads -----------------------------------------------------------------


def members_by_team() -> dict[int, list]:
    members: dict[int, list] = {}
    for membership in Membership.objects.select_related("user"):
        members.setdefault(membership.team_id, []).append(membership.user)
    return members


def rotated_targets(rng: random.Random, tree) -> dict[str, list[tuple]]:
    """For each GET page row, ROTATION (user, path) pairs drawn over the whole data."""
    User = get_user_model()
    members = members_by_team()
    member_users = list({u.pk: u for team in members.values() for u in team}.values())
    teams = {team.pk: team for team in Team.objects.all()}
    steps = len(tree.gates)

    def sample(items, count=ROTATION):
        items = list(items)
        return rng.sample(items, min(count, len(items)))

    drafts = Assessment.objects.drafts().filter(framework__slug="dora").values_list("pk", "team_id")
    mvp_drafts = Assessment.objects.drafts().filter(framework__slug="mvp")
    answer_mvp = [
        (member, f"/assessments/{draft}/answer/{MVP_STEP}/")
        for draft, team in mvp_drafts.values_list("pk", "team_id")
        for member in members[team]
    ]
    answer = [
        (rng.choice(members[team]), f"/assessments/{draft}/answer/{step}/")
        for draft, team in drafts
        for step in range(1, steps + 1)
    ]
    submitted = Assessment.objects.submitted().values_list("pk", "team_id")
    results = [
        (rng.choice(members[team]), f"/assessments/{pk}/results/")
        for pk, team in sample(submitted, ROTATION)
    ]
    revealed = Assessment.objects.drafts().filter(revealed_at__isnull=False)
    together = [
        (member, f"/assessments/{pk}/together/")
        for pk, team in revealed.values_list("pk", "team_id")
        for member in members[team]
    ]
    team_pages = [(u, f"/teams/{teams[t].slug}/") for t, team in members.items() for u in team]
    viewers = list(User.objects.filter(username__startswith=BENCH_STAFF))
    overview_pages = math.ceil(Team.objects.count() / OVERVIEW_PAGE_SIZE)
    overview = [
        (viewer, f"/overview/?{urlencode({'sort': sort, 'dir': direction, 'page': page})}")
        for viewer in viewers
        for sort in SORTS
        for direction in ("asc", "desc")
        for page in range(1, overview_pages + 1)
    ]
    return {
        "signed-in": [(u, "/bench/baseline-signed-in/") for u in sample(member_users)],
        "dashboard": [(u, "/") for u in sample(member_users)],
        "answer": sample(answer),
        "answer-mvp": sample(answer_mvp),
        "together": sample(together),
        "results": results,
        "team": sample(team_pages),
        "overview": sample(overview),
    }


def page_body(gate, answers: dict, draft_pk: int, target, go: str = "save") -> str:
    """The POST of an answer page that changes `target` (a question of `gate`).

    Every other question on the page is sent as shown with the state "0:<its fingerprint>",
    so it counts as unchanged whatever the database holds by then. The target question is
    sent with "__choice__" and "__version__:0000000000000000", for the sender to fill in:
    it is written when __version__ is the stored answer's version."""
    data = {"csrfmiddlewaretoken": CSRF_SECRET}
    for q in gate.questions:
        answer = answers.get((draft_pk, q.id))
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
    data["go"] = go
    return urlencode(data)


def first_choice(answer) -> int:
    """A choice that differs from the stored one, so that the first save changes it."""
    current = answer_choice(answer)
    return (int(current) + 1) % 6 if current.isdigit() else 0


def post_targets(tree, rng: random.Random, count: int = POST_TARGETS) -> list[dict]:
    """Up to `count` (draft, question) targets: the POST of the question's page that
    changes it (page_body); wrk fills in `__version__` (and `__choice__`) per request."""
    drafts = list(Assessment.objects.drafts().filter(framework__slug="dora").order_by("pk"))
    answers = {
        (a.assessment_id, a.question_id): a for a in Answer.objects.filter(assessment__in=drafts)
    }
    members = members_by_team()
    pairs = [
        (draft, step, gate, target)
        for draft in drafts
        for step, gate in enumerate(tree.gates, start=1)
        for target in gate.questions
    ]
    targets = []
    for draft, step, gate, target in rng.sample(pairs, min(count, len(pairs))):
        stored = answers.get((draft.pk, target.id))
        targets.append(
            {
                "path": f"/assessments/{draft.pk}/answer/{step}/",
                "question": target.id,
                "user": rng.choice(members[draft.team_id]),
                "version": stored.version if stored else 0,
                "first": first_choice(stored),
                "body": page_body(gate, answers, draft.pk, target),
            }
        )
    return targets


def session_journeys(tree, rng: random.Random, count: int = ROTATION) -> list[dict]:
    """Up to `count` journeys for the session row, each on a DORA draft of another team: a
    step, the page after it, and for each of two teammates (members of the team) the
    question it saves and that page's POST (page_body)."""
    drafts = {}
    for draft in Assessment.objects.drafts().filter(framework__slug="dora").order_by("pk"):
        drafts.setdefault(draft.team_id, draft)  # one draft per team
    chosen = rng.sample(list(drafts.values()), min(count, len(drafts)))
    answers = {
        (a.assessment_id, a.question_id): a for a in Answer.objects.filter(assessment__in=chosen)
    }
    members = members_by_team()
    journeys = []
    for draft in chosen:
        step = rng.randint(1, len(tree.gates))
        gate = tree.gates[step - 1]
        mates = rng.sample(members[draft.team_id], 2)
        following = (
            f"/assessments/{draft.pk}/answer/{step + 1}/"
            if step < len(tree.gates)
            else f"/assessments/{draft.pk}/review/"
        )
        journey = {"step": f"/assessments/{draft.pk}/answer/{step}/", "next": following}
        journey["mates"] = []
        for n, user in enumerate(mates):
            question = gate.questions[n % len(gate.questions)]
            journey["mates"].append(
                {
                    "user": user,
                    "question": question.id,
                    "first": first_choice(answers.get((draft.pk, question.id))),
                    "body": page_body(gate, answers, draft.pk, question),
                }
            )
        journeys.append(journey)
    return journeys


def lua_string(text: str) -> str:
    return json.dumps(text)  # URL-encoded bodies and cookies need no Lua-specific escapes


def write_get_targets(work: Path, size: int, name: str, pairs: list[tuple], keys) -> int:
    """Write a page's GET targets for wrk; return how many distinct (user, path) there are."""
    lines = ["return {"]
    for user, path in pairs:
        lines.append(f"{{path={lua_string(path)}, cookie={lua_string(cookie(keys[user.pk]))}}},")
    lines.append("}")
    (work / f"targets-{size}-{name}.lua").write_text("\n".join(lines) + "\n")
    return len({(user.pk, path) for user, path in pairs})


def write_post_targets(work: Path, size: int, rng: random.Random) -> dict:
    """Write the POST targets of a size (with fresh sessions); note the versions' total."""
    framework = Framework.objects.get(slug="dora")
    targets = post_targets(load_tree(framework), rng)
    keys = sessions_for([t["user"] for t in targets])
    lines = ["return {"]
    for target in targets:
        lines.append(
            f"{{path={lua_string(target['path'])}, "
            f"cookie={lua_string(cookie(keys[target['user'].pk]))}, "
            f"version={target['version']}, first={target['first']}, sent=0, "
            f"body={lua_string(target['body'])}}},"
        )
    lines.append("}")
    (work / f"targets-{size}-save.lua").write_text("\n".join(lines) + "\n")
    distinct = len({(t["user"].pk, t["path"], t["question"]) for t in targets})
    info = {"targets": len(targets), "distinct": distinct, "versions_before": draft_versions()}
    (work / f"post-{size}.json").write_text(json.dumps(info))
    return info


def write_session_targets(work: Path, size: int, rng: random.Random) -> int:
    """Write the session row's journeys for wrk (bench/session.lua), each teammate with a
    session of its own; return how many distinct (member, draft, step) there are."""
    framework = Framework.objects.get(slug="dora")
    journeys = session_journeys(load_tree(framework), rng)
    keys = sessions_for([mate["user"] for journey in journeys for mate in journey["mates"]])
    lines = ["return {"]
    for journey in journeys:
        mates = ", ".join(
            f"{{cookie={lua_string(cookie(keys[mate['user'].pk]))}, question={mate['question']}, "
            f"first={mate['first']}, body={lua_string(mate['body'])}}}"
            for mate in journey["mates"]
        )
        lines.append(
            f"{{step={lua_string(journey['step'])}, next={lua_string(journey['next'])}, "
            f"mates={{{mates}}}}},"
        )
    lines.append("}")
    (work / f"targets-{size}-session.lua").write_text("\n".join(lines) + "\n")
    return len({(m["user"].pk, j["step"]) for j in journeys for m in j["mates"]})


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


def representatives(tree, rng: random.Random) -> tuple[list[dict], dict]:
    """One fixed request per page (the bench user's dashboard, the bench team's page and
    latest result, the bench draft's largest step, the overview as a user who sees every
    team), the same at every size, for counting queries; and a POST target to check."""
    User = get_user_model()
    team = Team.objects.order_by("pk")[BENCH_TEAM_INDEX]
    draft = (  # seeded first: at every size
        team.assessments.drafts().filter(framework__slug="dora").order_by("pk").first()
    )
    mvp_draft = Assessment.objects.drafts().filter(framework__slug="mvp").order_by("pk").first()
    mvp_member = mvp_draft.team.memberships.order_by("pk").first().user
    submitted = team.assessments.submitted().order_by("-submitted_at").first()
    revealed = team.assessments.drafts().filter(revealed_at__isnull=False).first()
    member = User.objects.get(username=BENCH_USER)
    staff = User.objects.get(username=f"{BENCH_STAFF}-0")
    keys = sessions_for([member, staff, mvp_member])
    as_member = {"method": "GET", "cookie": cookie(keys[member.pk]), "expect": 200}
    pages = [
        {"name": "baseline", "path": "/bench/baseline/", **as_member},
        {"name": "signed-in", "path": "/bench/baseline-signed-in/", **as_member},
        {"name": "dashboard", "path": "/", **as_member},
        {"name": "answer", "path": f"/assessments/{draft.pk}/answer/{ANSWER_STEP}/", **as_member},
        {
            "name": "answer-mvp",
            "path": f"/assessments/{mvp_draft.pk}/answer/{MVP_STEP}/",
            **as_member,
            "cookie": cookie(keys[mvp_member.pk]),
        },
        {"name": "together", "path": f"/assessments/{revealed.pk}/together/", **as_member},
        {"name": "results", "path": f"/assessments/{submitted.pk}/results/", **as_member},
        {"name": "team", "path": f"/teams/{team.slug}/", **as_member},
        {
            "name": "overview",
            "path": "/overview/?sort=overall&dir=desc",
            **as_member,
            "cookie": cookie(keys[staff.pk]),
        },
        {"name": "save", "method": "POST", "path": "(targets)", "cookie": "", "expect": 302},
        {"name": "session", "method": "SESSION", "path": "(journey)", "cookie": "", "expect": 200},
    ]
    path = next(page["path"] for page in pages if page["name"] == "answer")
    check = next(t for t in post_targets(tree, rng, count=10**9) if t["path"] == path)
    check["next"] = (
        path.replace(f"/answer/{ANSWER_STEP}/", f"/answer/{ANSWER_STEP + 1}/")
        if len(tree.gates) > ANSWER_STEP
        else f"/assessments/{draft.pk}/review/"
    )
    pages[-2]["cookie"] = pages[-1]["cookie"] = cookie(
        sessions_for([check["user"]])[check["user"].pk]
    )
    return pages, check


def count_queries(pages: list[dict], check: dict) -> dict[str, int]:
    """Each page's queries on a warm process (framework tree cached), through the same
    middleware, session and database as the server; checks the status of every response.

    The POST is sent as `check` (a target of the bench draft) and must really save; the
    session row's count is that of one journey on the same page: open, save, follow the
    redirect, open the next step."""
    client = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
    draft_pk = int(check["path"].split("/")[2])

    def save(queries: list) -> str:
        answer = Answer.objects.filter(
            assessment_id=draft_pk, question_id=check["question"]
        ).first()
        version = answer.version if answer else 0
        with CaptureQueriesContext(connection) as counted:
            response = client.post(check["path"], post_body(check, version), content_type=FORM)
        queries.append(len(counted))
        after = Answer.objects.get(assessment_id=draft_pk, question_id=check["question"])
        if response.status_code != 302 or after.version != version + 1:
            raise SystemExit(f"bench: the POST to {check['path']} saved nothing.")
        return response["Location"].split("#")[0]

    def get(path: str, queries: list, expect: int = 200) -> None:
        with CaptureQueriesContext(connection) as counted:
            response = client.get(path)
        queries.append(len(counted))
        if response.status_code != expect:
            raise SystemExit(f"bench: {path} answered {response.status_code} in-process.")

    counts = {}
    for page in pages:
        client.cookies.clear()
        for part in page["cookie"].split("; "):
            name, value = part.split("=", 1)
            client.cookies[name] = value
        for _ in ("warm", "count"):  # the first request caches the framework tree
            queries: list[int] = []
            if page["method"] == "POST":
                save(queries)
            elif page["method"] == "SESSION":
                get(check["path"], queries)
                get(save(queries), queries)
                get(check["next"], queries)
            else:
                get(page["path"], queries, page["expect"])
        counts[page["name"]] = sum(queries)
    return counts


# Sizes ------------------------------------------------------------------------------------


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


def size_of() -> dict:
    bench_team = Team.objects.order_by("pk")[BENCH_TEAM_INDEX]
    bench_user = get_user_model().objects.get(username=BENCH_USER)
    return {
        "users": get_user_model().objects.count(),
        "teams": Team.objects.count(),
        "submitted": Assessment.objects.submitted().count(),
        "drafts": Assessment.objects.drafts().count(),
        "answers": Answer.objects.count(),
        "bench_team_submitted": bench_team.assessments.submitted().count(),
        "bench_user_assessments": Assessment.objects.visible_to(bench_user).count(),
    }


def target_for(page: str) -> float | None:
    if page in REFERENCES:
        return None
    targets = TARGETS.get(connection.vendor, TARGETS["sqlite"])
    return targets.get(page, targets[None])


def write_size(work: Path, size: int, rng: random.Random, queries: dict) -> dict:
    """Write a size's rotated targets and its page list for bench/run; return its record."""
    framework = Framework.objects.get(slug="dora")
    tree = load_tree(framework)
    rotated = rotated_targets(rng, tree)
    keys = sessions_for([user for pairs in rotated.values() for user, _ in pairs])
    bench_user = get_user_model().objects.get(username=BENCH_USER)
    keys.update(sessions_for([bench_user]))
    distinct = {"baseline": 1}
    rows = []
    for name in PAGES:
        # Empty fields are written "-": bash's read would run two tabs together.
        if name == "baseline":
            path, method, expect = "/bench/baseline/", "GET", 200
            targets = "-"
            cookie_text = cookie(keys[bench_user.pk])
        elif name == "save":
            info = write_post_targets(work, size, rng)
            distinct[name] = info["distinct"]
            method, expect, path = "POST", 302, "(targets)"
            targets, cookie_text = str(work / f"targets-{size}-save.lua"), "-"
        elif name == "session":
            distinct[name] = write_session_targets(work, size, rng)
            method, expect, path = "SESSION", 200, "(journeys)"
            targets, cookie_text = str(work / f"targets-{size}-session.lua"), "-"
        else:
            distinct[name] = write_get_targets(work, size, name, rotated[name], keys)
            method, expect, path = "GET", 200, "(targets)"
            targets, cookie_text = str(work / f"targets-{size}-{name}.lua"), "-"
        rows.append((name, method, expect, targets, cookie_text, path))
    (work / f"pages-{size}.tsv").write_text(
        "".join("\t".join(str(v) for v in row) + "\n" for row in rows)
    )
    return {
        "size": size,
        "data": size_of(),
        "queries": queries,
        "distinct_targets": distinct,
        "follows_redirects": {name: FOLLOWS_REDIRECTS.get(name, False) for name in PAGES},
        "writes_per_read": {name: WRITES_PER_READ.get(name, 0) for name in PAGES},
        "targets": {name: target_for(name) for name in PAGES},
    }


def seed_drafts(framework, label: str, teams, questions, rng: random.Random) -> None:
    """A draft of `framework` ("<label> check of <team>") for each of `teams`, by its first
    member, with the questions that `questions(rng)` picks for it answered at random."""
    members = members_by_team()
    drafts = Assessment.objects.bulk_create(
        Assessment(
            team=team,
            framework=framework,
            title=f"{label} check of {team.name}",
            created_by=members[team.pk][0],
        )
        for team in teams
    )
    Answer.objects.bulk_create(
        Answer(
            assessment=draft,
            question_id=question.id,
            score=rng.randint(0, 5),
            updated_by=members[draft.team_id][0],
            updated_at=timezone.now(),
            version=1,
        )
        for draft in drafts
        for question in questions(rng)
    )


@transaction.atomic
def seed_team_drafts(tree, rng: random.Random) -> None:
    """A DORA draft, about half answered, for teams that have none, until SESSION_DRAFTS
    teams (or all) have one: the session row works through drafts of that many teams."""
    dora = Framework.objects.get(slug="dora")
    taken = Assessment.objects.drafts().filter(framework=dora).values("team_id")
    wanted = SESSION_DRAFTS - taken.distinct().count()
    teams = list(Team.objects.exclude(pk__in=taken).order_by("pk")[: max(0, wanted)])
    seed_drafts(
        dora, "DORA", teams, lambda rng: [q for q in tree.questions if rng.random() < 0.5], rng
    )


@transaction.atomic
def seed_together_drafts(tree, rng: random.Random) -> None:
    """A revealed DORA draft answered each on one's own for teams that have none, until
    TOGETHER_DRAFTS teams (or all) have one: every member's own answers around a level of
    the team's, and the team's answers at their medians, as a reveal leaves them."""
    dora = Framework.objects.get(slug="dora")
    taken = Assessment.objects.filter(framework=dora, revealed_at__isnull=False)
    wanted = TOGETHER_DRAFTS - taken.count()
    teams = list(
        Team.objects.exclude(pk__in=taken.values("team_id")).order_by("pk")[: max(0, wanted)]
    )
    members = members_by_team()
    now = timezone.now()
    drafts = Assessment.objects.bulk_create(
        Assessment(
            team=team,
            framework=dora,
            title=f"DORA together of {team.name}",
            created_by=members[team.pk][0],
            mode=Assessment.Mode.EACH,
            revealed_at=now,
        )
        for team in teams
    )
    Respondent.objects.bulk_create(
        Respondent(assessment=draft, user=user, finished_at=now)
        for draft in drafts
        for user in members[draft.team_id]
    )
    rows = []
    for draft in drafts:
        level = rng.uniform(1, 4)
        for question in tree.questions:
            scores = [max(0, min(5, round(rng.gauss(level, 1.1)))) for _ in members[draft.team_id]]
            for user, own in zip(members[draft.team_id], scores, strict=True):
                rows.append(
                    Answer(
                        assessment=draft,
                        question_id=question.id,
                        score=own,
                        respondent=user,
                        updated_by=user,
                        updated_at=now,
                        version=1,
                    )
                )
            rows.append(
                Answer(
                    assessment=draft,
                    question_id=question.id,
                    score=team_answer(spread(scores)),
                    updated_by=members[draft.team_id][0],
                    updated_at=now,
                    version=1,
                )
            )
    Answer.personal.bulk_create(rows, batch_size=2000)


@transaction.atomic
def seed_mvp_drafts(rng: random.Random) -> None:
    """MVP drafts for the first MVP_DRAFTS teams that have none yet, each with half of its
    first step answered: the answer page with the most questions of the shipped frameworks."""
    mvp = Framework.objects.get(slug="mvp")
    first_step = load_tree(mvp).gates[MVP_STEP - 1].questions
    taken = Assessment.objects.filter(framework=mvp).values("team_id")
    teams = list(Team.objects.exclude(pk__in=taken).order_by("pk")[:MVP_DRAFTS])
    seed_drafts(mvp, "MVP", teams, lambda rng: first_step[: len(first_step) // 2], rng)


def settle() -> None:
    """After seeding: the planner's statistics, and on PostgreSQL the vacuum its autovacuum
    would otherwise run in the middle of the measurements."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")


def load_state(work: Path) -> dict:
    return json.loads((work / "state.json").read_text())


def save_state(work: Path, state: dict) -> None:
    (work / "state.json").write_text(json.dumps(state, indent=2))


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

    call_command("loaddata", "mvp", verbosity=0)

    say(f"seeding {SMALL.teams} teams, then {FULL.teams} (queries are counted at both sizes)")
    started = time.perf_counter()
    seed(SMALL, framework=framework, tree=tree, rng=rng)
    seed_mvp_drafts(rng)
    seed_together_drafts(tree, rng)
    seed_seconds = time.perf_counter() - started
    small = size_of()
    if small["bench_user_assessments"] >= PAGE_SIZE or small["bench_team_submitted"] >= PAGE_SIZE:
        say("warning: at the small size a list fills a page; a query per row would not show")
    pages, check = representatives(tree, rng)
    queries_small = count_queries(pages, check)

    started = time.perf_counter()
    seed(FULL - SMALL, framework=framework, tree=tree, rng=rng)
    seed_mvp_drafts(rng)
    seed_team_drafts(tree, rng)
    seed_together_drafts(tree, rng)
    seed_seconds += time.perf_counter() - started
    say(f"seeded {size_of()} in {seed_seconds:.1f} s")
    settle()
    queries = count_queries(*representatives(tree, rng))

    say(f"scoring {SCORING_COUNT} stored assessments' answers (timed)")
    state = {
        "database": connection.vendor,
        "size_small": small,
        "queries_small": queries_small,
        "seed_seconds": {"1": seed_seconds},
        "loaddata": loaddata,
        "scoring": time_scoring(tree),
        "sizes": [write_size(work, 1, rng, queries)],
    }
    save_state(work, state)


def grow(work: Path, scale: int) -> None:
    """Seed up to `scale` times size 1 and write that size's targets."""
    state = load_state(work)
    rng = random.Random(2026 + scale)
    framework = Framework.objects.get(slug="dora")
    tree = load_tree(framework)
    target = Volume(
        users=FULL.users * scale,
        teams=FULL.teams * scale,
        submitted=FULL.submitted * scale,
        drafts=FULL.drafts * scale,
    )
    say(f"seeding up to {target.teams} teams and {target.submitted} submitted assessments")
    started = time.perf_counter()
    seed(target - FULL, framework=framework, tree=tree, rng=rng)
    seed_team_drafts(tree, rng)
    seed_together_drafts(tree, rng)
    state["seed_seconds"][str(scale)] = time.perf_counter() - started
    say(f"seeded {size_of()} in {state['seed_seconds'][str(scale)]:.1f} s")
    settle()
    queries = count_queries(*representatives(tree, rng))
    state["sizes"].append(write_size(work, scale, rng, queries))
    save_state(work, state)


def main() -> None:
    stage, work = sys.argv[1], Path(sys.argv[2])
    if stage == "setup":
        setup(work)
    elif stage == "grow":
        grow(work, int(sys.argv[3]))
    elif stage == "post-targets":
        size = int(sys.argv[3])
        info = write_post_targets(work, size, random.Random(time.time_ns()))
        say(f"{info['targets']} POST targets written from the answers' current versions")
    else:
        raise SystemExit(f"bench: unknown stage {stage!r}")


if __name__ == "__main__":
    main()
