"""Improvement actions (models.Action): the rules of making and moving one, its baseline,
and the verdict on whether it moved what it was meant to move.

- An action addresses one or more questions of one framework, and optionally a key metric.
  Its baseline, kept when it is made: the questions' scores in the team's latest result of
  that framework (by slug, so a newer version counts: questions are matched by their place),
  and, where the team sends delivery data, the metric over the 91 days before that day.
- Focus: at most Team.actions_in_progress_limit actions in progress at once.
- The verdict of a done action, once a result of the framework is submitted after it was
  done: each question's score before -> after, and, when the baseline has the metric, the
  metric over as many days after the action was done as the baseline had (up to today; at
  least MIN_DAYS_AFTER days, else "not enough data" yet). The metric decides when it is
  measured on both sides with enough of a sample; else the scores do. A verdict of "not
  enough data" cannot be confirmed (verified). A metric moved by
  more than a tenth of its baseline value in its better direction improved, in the other
  direction got worse, else no change; scores improved when some rose and none fell, got
  worse when some fell and none rose, else no change.
The caller has checked the user may read (or change) the team: the one access rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from delivery import metrics
from delivery.selectors import buckets_of, has_data, measure
from frameworks.key_metrics import BY_CODE
from teams.models import Membership, Team

from .evidence import team_measuring_framework
from .models import Action, ActionEvent, ActionQuestion, Answer, Assessment

MIN_DAYS_AFTER = 28
CHANGE = 0.10  # a tenth of the baseline value, either way, is a change

# Per key metric: the Metrics value, its sample and the sample's noun, and the least sample
# that says anything (as the measured levels require).
MEASURED = {
    "deployment_frequency": ("deployment_frequency_per_week", "measured_days", "day", 1),
    "lead_time": ("lead_time_hours_median", "changes_measured", "change", 5),
    "change_failure_rate": ("change_failure_rate", "deployments", "deployment", 5),
    "time_to_restore": ("recovery_time_hours_median", "incidents_resolved", "resolved incident", 1),
}
HIGHER_IS_BETTER = {"deployment_frequency"}

# Where a status may go, and what it is called as a step.
MOVES = {
    Action.Status.PLANNED: (Action.Status.IN_PROGRESS, Action.Status.DROPPED),
    Action.Status.IN_PROGRESS: (Action.Status.DONE, Action.Status.PLANNED, Action.Status.DROPPED),
    Action.Status.DONE: (Action.Status.VERIFIED, Action.Status.IN_PROGRESS),
    Action.Status.VERIFIED: (),
    Action.Status.DROPPED: (Action.Status.PLANNED,),
}
STEP = {
    Action.Status.PLANNED: "Back to planned",
    Action.Status.IN_PROGRESS: "Start",
    Action.Status.DONE: "Mark done",
    Action.Status.VERIFIED: "Confirm the verdict",
    Action.Status.DROPPED: "Drop",
}


class ActionRefused(Exception):
    """What was wrong, by field ({"owner": "…"}); nothing was written."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))


def _value_text(code: str, value: float | None) -> str:
    if value is None:
        return "nothing to measure"
    if code == "deployment_frequency":
        return f"{value:.1f} deployments a week"
    if code == "change_failure_rate":
        return f"{value:.0%}"
    return f"{value:.0f} h" if value >= 10 else f"{value:.1f} h"


def metric_over(team, code: str, start: date, end: date) -> dict:
    """The key metric of the team's data over start..end: its value, level and sample."""
    attribute, sample, noun, _ = MEASURED[code]
    data = measure(team, start, end, buckets_of(team_measuring_framework(team)))
    value = getattr(data, attribute)
    return {
        "value": value,
        "text": _value_text(code, value),
        "level": data.levels.get(code),
        "sample": getattr(data, sample),
        "noun": noun,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "days": data.measured_days,
    }


def _place(question) -> tuple[int, int, int]:
    return (question.gate.domain.position, question.gate.position, question.position)


def _scores(assessment: Assessment, places: dict[tuple, int]) -> dict[str, int | None]:
    """The scores of an assessment's answers at the given places ({place: action's question
    id}), by that question id; None for not answered or not applicable."""
    found = {str(qid): None for qid in places.values()}
    rows = Answer.objects.filter(assessment=assessment).values_list(
        "question__gate__domain__position",
        "question__gate__position",
        "question__position",
        "score",
        "not_applicable",
    )
    for domain, gate, position, score, not_applicable in rows:
        qid = places.get((domain, gate, position))
        if qid is not None:
            found[str(qid)] = None if not_applicable else score
    return found


def latest_result(team, framework, *, after=None) -> Assessment | None:
    """The team's latest submitted result of the framework (any version of it), or, with
    `after`, its first one submitted after that moment."""
    results = Assessment.objects.filter(
        team=team, framework__slug=framework.slug, status=Assessment.Status.SUBMITTED
    )
    if after is not None:
        return results.filter(submitted_at__gt=after).order_by("submitted_at", "pk").first()
    return results.order_by("-submitted_at", "-pk").first()


def baseline_of(team, framework, questions, key_metric: str, today: date) -> dict:
    """What stands when an action is made (its baseline; see the module's rules)."""
    places = {_place(q): q.pk for q in questions}
    latest = latest_result(team, framework)
    baseline = {
        "result": latest.pk if latest else None,
        "result_title": latest.title if latest else None,
        "scores": _scores(latest, places) if latest else {str(q.pk): None for q in questions},
        "metric": None,
    }
    if key_metric and has_data(team):
        end = today - timedelta(days=1)
        baseline["metric"] = metric_over(
            team, key_metric, end - timedelta(days=metrics.WINDOW_DAYS - 1), end
        )
    return baseline


def _owner_problem(team, owner) -> str | None:
    if owner is None:
        return None
    if not Membership.objects.filter(team=team, user=owner).exists():
        return f"{owner.get_username()} is not a member of {team}; the owner must be."
    return None


def link_problem(link: str) -> str | None:
    if link and urlsplit(link).scheme not in ("http", "https"):
        return "A link must start with http:// or https://."
    return None


@transaction.atomic
def action_create(
    *,
    team,
    user,
    framework,
    questions: list,
    title: str,
    plan: str = "",
    key_metric: str = "",
    owner=None,
    due: date | None = None,
    link: str = "",
    source: Assessment | None = None,
) -> Action:
    """Make an action of the team, with its baseline and the first line of its history;
    ActionRefused, naming each field, writes nothing."""
    errors = {}
    if not questions:
        errors["questions"] = "Choose at least one question it addresses."
    elif any(q.gate.domain.framework_id != framework.pk for q in questions):
        errors["questions"] = f"The questions must all belong to {framework}."
    if key_metric and key_metric not in BY_CODE:
        errors["key_metric"] = f"“{key_metric}” is no key metric."
    if problem := _owner_problem(team, owner):
        errors["owner"] = problem
    if problem := link_problem(link):
        errors["link"] = problem
    if source is not None and (source.team_id != team.pk or source.framework_id != framework.pk):
        errors["source"] = "The result it comes from must be this team's, of this framework."
    if errors:
        raise ActionRefused(errors)
    today = timezone.now().date()
    action = Action.objects.create(
        team=team,
        framework=framework,
        title=title,
        plan=plan,
        key_metric=key_metric,
        owner=owner,
        due=due,
        link=link,
        source=source,
        created_by=user,
        baseline=baseline_of(team, framework, questions, key_metric, today),
    )
    ActionQuestion.objects.bulk_create(ActionQuestion(action=action, question=q) for q in questions)
    ActionEvent.objects.create(
        action=action,
        status=action.status,
        by=user,
        note=f"made from {source.title}" if source else "made by hand",
    )
    return action


@transaction.atomic
def action_update(*, action: Action, title, plan, owner, due, link) -> Action:
    """Change what an action says (not its questions, metric or baseline)."""
    errors = {}
    if problem := _owner_problem(action.team, owner):
        errors["owner"] = problem
    if problem := link_problem(link):
        errors["link"] = problem
    if errors:
        raise ActionRefused(errors)
    action.title, action.plan, action.owner, action.due, action.link = (
        title,
        plan,
        owner,
        due,
        link,
    )
    action.save(update_fields=["title", "plan", "owner", "due", "link"])
    return action


@transaction.atomic
def action_move(*, action: Action, user, status: str, note: str = "") -> Action:
    """Move an action to another status, keeping who and when; ActionRefused writes
    nothing. Starting one past the team's limit names those in progress; dropping needs a
    reason; confirming a verdict needs one."""
    # The team's row is the lock that keeps two starts from passing the limit together.
    team = Team.objects.select_for_update().get(pk=action.team_id)
    action = Action.objects.select_for_update().get(pk=action.pk)
    if status not in MOVES.get(action.status, ()):
        raise ActionRefused(
            {"status": f"An action that is {action.get_status_display()} cannot become {status}."}
        )
    note = note.strip()
    if status == Action.Status.IN_PROGRESS:
        busy = list(
            Action.objects.filter(team=team, status=Action.Status.IN_PROGRESS)
            .exclude(pk=action.pk)
            .order_by("created_at", "pk")
            .values_list("title", flat=True)
        )
        if len(busy) >= team.actions_in_progress_limit:
            named = ", ".join(f"“{title}”" for title in busy)
            raise ActionRefused(
                {
                    "status": f"{team} has {len(busy)} actions in progress already, its limit: "
                    f"{named}. Finish or drop one first, or raise the limit."
                }
            )
    if status == Action.Status.DROPPED and not note:
        raise ActionRefused({"note": "Say why it is dropped."})
    now = timezone.now()
    fields = ["status"]
    if status == Action.Status.DONE:
        action.done_at = now
        fields.append("done_at")
    if status == Action.Status.VERIFIED:
        found = verdict(action, now.date())
        if found is None or found["state"] == "waiting":
            raise ActionRefused(
                {"status": "There is no verdict to confirm yet: it needs a later result."}
            )
        if found["state"] == "not enough data":
            raise ActionRefused(
                {"status": f"There is not enough data for a verdict yet: {found['words']}"}
            )
        action.verified_by, action.verified_at = user, now
        action.verdict = {
            "state": found["state"],
            "words": found["words"],
            "result": found["result"].pk,
            "result_title": found["result"].title,
        }
        fields += ["verified_by", "verified_at", "verdict"]
    if status == Action.Status.DROPPED:
        action.dropped_reason = note[:300]
        fields.append("dropped_reason")
    action.status = status
    action.save(update_fields=fields)
    ActionEvent.objects.create(action=action, status=status, by=user, note=note[:300])
    return action


@dataclass(frozen=True)
class Verdict:
    state: str  # "waiting", "improved", "no change", "worse", "not enough data"
    words: str


def _metric_verdict(code: str, before: dict, after: dict) -> str | None:
    """improved / no change / worse for two measurements, or None when either side has too
    small a sample (or no value) to say."""
    _, _, _, least = MEASURED[code]
    if before.get("value") is None or after.get("value") is None:
        return None
    if before["sample"] < least or after["sample"] < least:
        return None
    old, new = before["value"], after["value"]
    # From zero, any rise is a whole change: a tenth of nothing would be nothing.
    moved = (new - old) / abs(old) if old else float(new > 0)
    if round(abs(moved), 9) <= CHANGE:  # a tenth exactly, whatever the float's last bit
        return "no change"
    better = moved > 0 if code in HIGHER_IS_BETTER else moved < 0
    return "improved" if better else "worse"


def _scores_verdict(pairs: list[tuple[int | None, int | None]]) -> str | None:
    known = [(a, b) for a, b in pairs if a is not None and b is not None]
    if not known:
        return None
    rose = any(b > a for a, b in known)
    fell = any(b < a for a, b in known)
    if rose and not fell:
        return "improved"
    if fell and not rose:
        return "worse"
    return "no change"


def verdict(action: Action, today: date) -> dict | None:
    """The verdict of a done (or verified) action (see the module's rules): {"state",
    "words", "result", "scores": [{"question", "before", "after"}], "metric": {...}}; None
    for an action that is not done."""
    if action.status not in (Action.Status.DONE, Action.Status.VERIFIED) or not action.done_at:
        return None
    framework = action.framework
    later = latest_result(action.team, framework, after=action.done_at)
    if later is None:
        return {
            "state": "waiting",
            "words": f"Waiting for a result of {framework.name} submitted after it was done.",
            "result": None,
            "scores": [],
            "metric": None,
        }
    questions = list(
        action.questions.select_related("gate__domain").order_by(
            "gate__domain__position", "gate__position", "position"
        )
    )
    after = _scores(later, {_place(q): q.pk for q in questions})
    before = action.baseline.get("scores", {})
    pairs = [(before.get(str(q.pk)), after.get(str(q.pk))) for q in questions]
    scores = [
        {"question": q, "before": b, "after": a} for q, (b, a) in zip(questions, pairs, strict=True)
    ]
    found = {"result": later, "scores": scores, "metric": None}
    base = action.baseline.get("metric")
    code = action.key_metric
    if code and base:
        done = action.done_at.date()
        days_after = (today - done).days
        if days_after < MIN_DAYS_AFTER:
            found |= {
                "state": "not enough data",
                "words": f"{BY_CODE[code].name}: {days_after} days of data since it was done; "
                f"a verdict needs at least {MIN_DAYS_AFTER}.",
            }
            return found
        length = max(base.get("days") or metrics.WINDOW_DAYS, 1)
        end = min(today, done + timedelta(days=length - 1))
        now = metric_over(action.team, code, done, end)
        found["metric"] = {"before": base, "after": now}
        state = _metric_verdict(code, base, now)
        sample = (
            f"over {metrics.counted(base['sample'], base['noun'])} and {now['sample']:,}"
            if MEASURED[code][1] != "measured_days"
            else f"over {base['sample']} and {now['sample']} days"
        )
        words = f"{BY_CODE[code].name} {base['text']} → {now['text']} {sample}"
        if state is not None:
            found |= {
                "state": state,
                "words": f"{words}: {state} (a change of more than a tenth counts).",
            }
            return found
        # Too small a sample on one side: the scores decide, and the words say so.
        prefix = f"{words}: too small a sample on one side to say; so the scores decide. "
    else:
        prefix = ""
    state = _scores_verdict(pairs)
    moved = "; ".join(
        f"{row['question'].topic}: {row['before']} → {row['after']}"
        for row in scores
        if row["before"] is not None and row["after"] is not None
    )
    if state is None:
        found |= {
            "state": "not enough data",
            "words": f"{prefix}No question has a score both before and after.",
        }
    else:
        found |= {"state": state, "words": f"{prefix}Scores before → after ({moved}): {state}."}
    return found


def team_actions(team) -> dict:
    """The team's actions by status, each with its owner and whether it is overdue (one
    query), for the team page."""
    today = timezone.now().date()
    rows = list(
        Action.objects.filter(team=team)
        .select_related("owner", "framework")
        .order_by("due", "created_at", "pk")
    )
    for action in rows:
        action.overdue = (
            action.status in Action.OPEN and action.due is not None and action.due < today
        )
    return {status: [a for a in rows if a.status == status] for status, _ in Action.Status.choices}


def action_counts(team_ids: list[int]) -> dict[int, dict[str, int]]:
    """In progress and verified actions per team (one query), for the overview."""
    rows = (
        Action.objects.filter(team_id__in=team_ids)
        .values("team_id")
        .annotate(
            in_progress=Count("pk", filter=Q(status=Action.Status.IN_PROGRESS)),
            verified=Count("pk", filter=Q(status=Action.Status.VERIFIED)),
        )
        .order_by()
    )
    return {row["team_id"]: row for row in rows}


def actions_since_last_time(assessment: Assessment, previous: dict | None) -> dict | None:
    """The team's actions on the framework done between the previous result (`previous`,
    selectors.previous_result) and this one, with the verdicts confirmed so far (one
    query), for the results page."""
    if not assessment.is_submitted:
        return None
    done = Action.objects.filter(
        team_id=assessment.team_id,
        framework__slug=assessment.framework.slug,
        status__in=(Action.Status.DONE, Action.Status.VERIFIED),
        done_at__lt=assessment.submitted_at,
    )
    if previous is not None:
        done = done.filter(done_at__gte=previous["submitted_at"])
    rows = list(done.order_by("done_at", "pk"))
    if not rows:
        return None
    improved = [a for a in rows if a.verdict and a.verdict["state"] == "improved"]
    return {"actions": rows, "improved": improved}


def my_open_actions(user, limit: int = 10) -> list[Action]:
    """The open actions a user owns, on their own teams, soonest due first (one query)."""
    return list(
        Action.objects.changeable_by(user)
        .open()
        .filter(owner=user)
        .select_related("team", "framework")
        .order_by(F("due").asc(nulls_last=True), "pk")[:limit]
    )


def open_actions_of_teams(user) -> list[Action]:
    """The open actions of the user's teams, for the start of a new assessment: what the
    team committed to since its last one (one query)."""
    return list(
        Action.objects.changeable_by(user)
        .open()
        .select_related("team", "framework", "owner")
        .order_by("team__name", "framework__name", "-status", "pk")[:50]
    )


def result_actions(assessment: Assessment) -> list[dict]:
    """The actions that addressed a result: made from it, or whose verdict was confirmed
    against it (two queries), as its downloads carry them."""
    actions = list(
        Action.objects.filter(
            Q(source=assessment) | Q(verdict__result=assessment.pk), team_id=assessment.team_id
        )
        .select_related("owner")
        .order_by("created_at", "pk")
    )
    addressed: dict[int, list[int]] = {}
    for action_id, question_id in ActionQuestion.objects.filter(
        action__in=[a.pk for a in actions]
    ).values_list("action_id", "question_id"):
        addressed.setdefault(action_id, []).append(question_id)
    return [
        {
            "title": a.title,
            "status": a.status,
            "question_ids": addressed.get(a.pk, []),
            "key_metric": a.key_metric or None,
            "owner": a.owner.get_username() if a.owner else None,
            "due": a.due.isoformat() if a.due else None,
            "link": a.link or None,
            "made_from_this_result": a.source_id == assessment.pk,
            "verdict": a.verdict,
        }
        for a in actions
    ]


def frameworks_for_actions(team):
    """The frameworks a team may make actions on: the published ones and any it has
    assessed (an unpublished draft of staff's is no one's to act on)."""
    from frameworks.models import Framework

    return Framework.objects.filter(Q(is_published=True) | Q(assessments__team=team)).distinct()
