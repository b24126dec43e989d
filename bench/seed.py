"""Seed a realistic volume of users, teams and DORA assessments for the benchmark.

Rows are written with bulk_create, but every submitted assessment carries the result that
`assessment_submit` would have stored: the same document from `result_document`, and the
same status, submitted_at/by, overall percent and maturity level columns.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from assessments.models import Answer, Assessment
from assessments.results import result_columns, result_document
from assessments.services import default_title, latest_rebuild
from frameworks.models import Framework
from frameworks.tree import FrameworkTree
from teams.models import Membership, Team

BENCH_USER = "bench"
BENCH_STAFF = "bench-staff"  # users who see every team (the overview's heavy case)
STAFF_VIEWERS = 10
BENCH_TEAM_INDEX = 0  # the bench user's main team: the one with drafts and a long history

FIRST_NAMES = [
    "Ada",
    "Ben",
    "Chloé",
    "Dev",
    "Elif",
    "Femi",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Kofi",
    "Lena",
    "Mateo",
    "Nadia",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sami",
    "Tara",
    "Uma",
    "Viktor",
    "Wen",
    "Yara",
    "Zoltan",
]
LAST_NAMES = [
    "Adeyemi",
    "Berg",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "García",
    "Haddad",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Novak",
    "O'Brien",
    "Petrov",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Varga",
    "Weber",
    "Yilmaz",
]
AREAS = [
    "Payments",
    "Search",
    "Checkout",
    "Identity",
    "Billing",
    "Catalogue",
    "Shipping",
    "Notifications",
    "Reporting",
    "Pricing",
    "Onboarding",
    "Loyalty",
    "Inventory",
    "Claims",
    "Messaging",
    "Analytics",
    "Accounts",
    "Booking",
    "Content",
    "Fraud",
]
KINDS = [
    "API",
    "Web",
    "Mobile",
    "Platform",
    "Data",
    "Core",
    "Integrations",
    "Services",
    "Ops",
    "UX",
]
NOTES = [
    "We measured this from the last quarter's deployment log.",
    "Depends on the service: the legacy batch jobs are much slower.",
    "Agreed after a long discussion; two of us would have said one level lower.",
    "Tracked in our team dashboard since March.",
    "",
]
NA_REASON = "We have no production traffic for this part yet."


@dataclass(frozen=True)
class Volume:
    users: int
    teams: int
    submitted: int
    drafts: int

    def __sub__(self, other: Volume) -> Volume:
        return Volume(
            users=self.users - other.users,
            teams=self.teams - other.teams,
            submitted=self.submitted - other.submitted,
            drafts=self.drafts - other.drafts,
        )


FULL = Volume(users=500, teams=200, submitted=2000, drafts=50)
# Small enough that every list is shorter than its page (dashboard and team history 20 rows,
# overview 50), so a query per row shows as a count that grows from SMALL to FULL.
SMALL = Volume(users=50, teams=20, submitted=40, drafts=5)


def team_name(index: int) -> str:
    area = AREAS[index % len(AREAS)]
    kind = KINDS[(index // len(AREAS)) % len(KINDS)]
    round_ = index // (len(AREAS) * len(KINDS))
    return f"{area} {kind}" + (f" {round_ + 1}" if round_ else "")


def _scores(rng: random.Random, tree: FrameworkTree, level: float) -> dict[int, int | None]:
    """Scores 0-5 around a team's current level; about one answer in 25 not applicable."""
    scores: dict[int, int | None] = {}
    for question in tree.questions:
        if rng.random() < (0.01 if question.is_headline else 0.04):
            scores[question.id] = None
        else:
            scores[question.id] = max(0, min(5, round(rng.gauss(level, 0.9))))
    return scores


def _answer(assessment, question_id, score, *, user, when, rng) -> Answer:
    not_applicable = score is None
    return Answer(
        assessment=assessment,
        question_id=question_id,
        score=score,
        not_applicable=not_applicable,
        not_applicable_reason=NA_REASON if not_applicable else "",
        notes=rng.choice(NOTES) if rng.random() < 0.2 else "",
        version=rng.choice((1, 1, 1, 2, 3)),
        updated_by_id=user,
        updated_at=when,
    )


@transaction.atomic
def seed(volume: Volume, *, framework: Framework, tree: FrameworkTree, rng: random.Random) -> dict:
    """Add `volume` more users, teams, submitted assessments and drafts.

    New users join new teams (every team gets at least two members, every user one to three
    teams); assessments go to all teams, old and new, so later calls grow existing teams.
    The first call also creates the bench user (in the first team) and a staff user.
    """
    User = get_user_model()
    now = timezone.now()
    password = make_password(None)  # unusable: the benchmark signs in through sessions
    first_call = not User.objects.filter(username=BENCH_USER).exists()
    start = User.objects.count()

    users = User.objects.bulk_create(
        User(
            username=BENCH_USER if first_call and i == 0 else f"user{start + i:03d}",
            first_name=rng.choice(FIRST_NAMES),
            last_name=rng.choice(LAST_NAMES),
            email=f"user{start + i}@example.com",
            password=password,
        )
        for i in range(volume.users)
    )
    if first_call:  # organisation viewers: they read every team
        viewers = User.objects.bulk_create(
            User(username=f"{BENCH_STAFF}-{i}", password=password) for i in range(STAFF_VIEWERS)
        )
        viewing = Permission.objects.get(content_type__app_label="teams", codename="view_all_teams")
        viewing.user_set.add(*viewers)
    team_start = Team.objects.count()
    teams = Team.objects.bulk_create(
        Team(name=team_name(team_start + i), slug=slugify(team_name(team_start + i)))
        for i in range(volume.teams)
    )

    # Two members for every new team first, then each user joins up to 1-3 teams in all.
    pairs: set[tuple[int, int]] = set()
    order = users[:]
    rng.shuffle(order)
    if first_call:  # the bench user starts in the bench team
        order.remove(users[0])
        order.insert(2 * BENCH_TEAM_INDEX, users[0])
    for i, team in enumerate(teams):
        pairs.update({(team.pk, order[2 * i].pk), (team.pk, order[2 * i + 1].pk)})
    for user in users:
        wanted = 3 if user.username == BENCH_USER else rng.choices((1, 2, 3), (6, 3, 1))[0]
        mine = {t for t, u in pairs if u == user.pk}
        while len(mine) < wanted:
            team = rng.choice(teams)
            mine.add(team.pk)
            pairs.add((team.pk, user.pk))
    Membership.objects.bulk_create(Membership(team_id=t, user_id=u) for t, u in sorted(pairs))

    all_teams = list(Team.objects.order_by("pk"))
    members: dict[int, list[int]] = {}
    for team_id, user_id in Membership.objects.values_list("team_id", "user_id"):
        members.setdefault(team_id, []).append(user_id)
    # Each team has its own level and pace of improvement; some assess far more often.
    profile = {
        team.pk: (rng.uniform(0.8, 3.6), rng.uniform(-0.1, 0.9), rng.uniform(0.3, 1.7))
        for team in all_teams
    }
    bench_team = all_teams[BENCH_TEAM_INDEX]
    weights = [4.0 if team.pk == bench_team.pk else profile[team.pk][2] for team in all_teams]

    assessments, dates, answers = [], [], []
    two_years = timedelta(days=730)
    for team in rng.choices(all_teams, weights, k=volume.submitted):
        level, pace, _ = profile[team.pk]
        submitted_at = now - two_years * rng.random()
        years = (submitted_at - (now - two_years)).days / 365
        created_at = submitted_at - timedelta(days=rng.uniform(1, 20))
        scores = _scores(rng, tree, level + pace * years)
        document = result_document(tree, scores)
        author = rng.choice(members[team.pk])
        assessment = Assessment(
            team=team,
            framework=framework,
            title=default_title(framework, team, submitted_at),
            created_by_id=author,
            status=Assessment.Status.SUBMITTED,
            submitted_by_id=rng.choice(members[team.pk]),
            submitted_at=submitted_at,
            result=document,
            **result_columns(document),
        )
        assessments.append(assessment)
        dates.append((created_at, submitted_at))
        for question_id, score in scores.items():
            when = created_at + (submitted_at - created_at) * rng.random()
            answers.append(_answer(assessment, question_id, score, user=author, when=when, rng=rng))

    drafts = rng.choices(all_teams, weights, k=volume.drafts)
    if first_call:
        drafts[:2] = [bench_team, bench_team]
    for team in drafts:
        level, pace, _ = profile[team.pk]
        created_at = now - timedelta(days=rng.uniform(0, 60))
        updated_at = created_at + (now - created_at) * rng.random()
        author = rng.choice(members[team.pk])
        assessment = Assessment(
            team=team,
            framework=framework,
            title=default_title(framework, team, created_at),
            created_by_id=author,
        )
        assessments.append(assessment)
        dates.append((created_at, updated_at))
        scores = _scores(rng, tree, level + 2 * pace)
        answered = rng.sample(list(scores), rng.randint(0, len(scores)))
        for question_id in answered:
            when = created_at + (updated_at - created_at) * rng.random()
            answers.append(
                _answer(
                    assessment, question_id, scores[question_id], user=author, when=when, rng=rng
                )
            )

    Assessment.objects.bulk_create(assessments, batch_size=500)
    # bulk_create stamps created_at/updated_at with now (auto_now); put the history back.
    for assessment, (created_at, updated_at) in zip(assessments, dates, strict=True):
        assessment.created_at = created_at
        assessment.updated_at = updated_at
    Assessment.objects.bulk_update(assessments, ["created_at", "updated_at"], batch_size=500)
    Answer.objects.bulk_create(answers, batch_size=2000)
    latest_rebuild()
    actions = _seed_actions(teams, members, tree, framework, rng, now)
    return {
        "users": len(users) + (1 if first_call else 0),
        "teams": len(teams),
        "memberships": len(pairs),
        "submitted": volume.submitted,
        "drafts": volume.drafts,
        "answers": len(answers),
        "actions": actions,
    }


ACTION_STATUSES = ("planned", "in_progress", "in_progress", "done", "verified", "dropped")


def _seed_actions(teams, members, tree, framework, rng, now) -> int:
    """Improvement actions for most teams (0 to 8 each, of every status), each addressing
    one or two questions, as a team's page shows them."""
    from assessments.models import Action, ActionQuestion

    questions = [q.id for q in tree.questions]
    actions, addressed = [], []
    for team in teams:
        for n in range(rng.choice((0, 1, 3, 3, 5, 8))):
            status = rng.choice(ACTION_STATUSES)
            actions.append(
                Action(
                    team=team,
                    framework=framework,
                    title=f"Improvement {n + 1}",
                    status=status,
                    owner_id=rng.choice(members[team.pk]),
                    due=(now + timedelta(days=rng.randint(-30, 60))).date(),
                    done_at=now - timedelta(days=rng.randint(1, 60))
                    if status in ("done", "verified")
                    else None,
                    dropped_reason="superseded" if status == "dropped" else "",
                    baseline={"scores": {}, "metric": None, "result": None, "result_title": None},
                )
            )
            addressed.append(rng.sample(questions, rng.randint(1, 2)))
    Action.objects.bulk_create(actions, batch_size=1000)
    ActionQuestion.objects.bulk_create(
        (
            ActionQuestion(action=action, question_id=qid)
            for action, ids in zip(actions, addressed, strict=True)
            for qid in ids
        ),
        batch_size=2000,
    )
    return len(actions)
