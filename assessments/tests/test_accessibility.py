"""axe-core (WCAG 2.1 A and AA) on every member page, at a desktop's and a phone's width.

axe-core comes from npm (tools/axe, installed by bin/test). The site's Content-Security-Policy
allows no inline script, so axe is run through Playwright's evaluate (the DevTools protocol),
which the page's policy does not govern: the pages are checked exactly as they are served.
"""

from datetime import timedelta
from functools import cache
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments.improvements import action_create, action_move
from assessments.tests.make import (
    make_assessment,
    make_team,
    make_user,
    make_viewer,
    submitted_assessment,
)
from assessments.tests.test_browser import sign_in
from assessments.tests.test_results import dora_scores
from delivery.tests.test_imports import recent_history
from frameworks.models import Framework, Question
from teams.models import TeamToken

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "tools/axe/node_modules/axe-core/axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
WIDTHS = [(1280, 800), (390, 844)]  # a desktop, a phone


@cache
def axe_source():
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: bin/test installs it (npm ci --prefix tools/axe)")
    return AXE.read_text(encoding="utf-8")


def axe_violations(page):
    """The page's serious and critical WCAG 2.1 A/AA violations, as readable lines."""
    page.evaluate(axe_source())
    results = page.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        TAGS,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"])
        for v in results["violations"]
        if v["impact"] in BLOCKING
    ]


def seed_site(dora):
    """One of everything a member and an organisation viewer see: a DORA team with a
    history, key metrics, delivery data and tokens; drafts of DORA and MVP; a second team
    that is due."""
    call_command("loaddata", "mvp", verbosity=0)
    mvp = Framework.objects.get(slug="mvp")
    member = make_user("dana")
    team = make_team("Platform", members=[member])
    now = timezone.now()
    history = [
        (200, dora_scores(d1=2, d2=2), "Spring"),
        (100, dora_scores(d3=[1, 3, 3, 3]), "Summer"),
        (1, dora_scores(d1=[5, 3, 3, 3, 3], d2=4, d3=[2, 4, 4, 4]), "Autumn"),
    ]
    done = [
        submitted_assessment(
            team=team,
            framework=dora,
            user=member,
            scores=scores,
            title=title,
            when=now - timedelta(days=days),
        )
        for days, scores, title in history
    ]
    recent_history(team, failures=9)
    TeamToken.issue(team=team, name="GitHub Actions", user=member)
    revoked, _ = TeamToken.issue(team=team, name="Old runner", user=member)
    TeamToken.objects.filter(pk=revoked.pk).update(revoked_at=now)
    dora_draft = make_assessment(team=team, framework=dora, user=member, title="Winter")
    mvp_draft = make_assessment(team=team, framework=mvp, user=member, title="MVP check")

    other = make_team("Payments", members=[make_user("pat")])
    submitted_assessment(
        team=other,
        framework=dora,
        user=other.members.get(),
        scores=dora_scores(d1=1),
        title="Old",
        when=now - timedelta(days=300),
    )
    questions = list(Question.objects.filter(gate__domain__framework=dora)[:2])
    action = action_create(
        team=team,
        user=member,
        framework=dora,
        questions=questions,
        title="Trunk-based development",
        key_metric="lead_time",
        owner=member,
        source=done[-1],
        due=now.date() - timedelta(days=1),
    )
    action_move(action=action, user=member, status="in_progress")
    make_viewer("vera")
    return {
        "action": action,
        "team": team,
        "older": done[-2],
        "latest": done[-1],
        "dora_draft": dora_draft,
        "mvp_draft": mvp_draft,
        "dora": dora,
    }


def member_pages(site):
    team, latest = site["team"], site["latest"]
    return {
        "dashboard": reverse("assessments:dashboard"),
        "start": reverse("assessments:start"),
        "answer DORA": reverse("assessments:answer", args=[site["dora_draft"].pk, 1]),
        "answer MVP": reverse("assessments:answer", args=[site["mvp_draft"].pk, 1]),
        "review": reverse("assessments:review", args=[site["dora_draft"].pk]),
        "results": reverse("assessments:results", args=[latest.pk]),
        "one-page summary": reverse("assessments:summary", args=[latest.pk]),
        "compare": reverse("assessments:compare") + f"?a={site['older'].pk}&b={latest.pk}",
        "team list": reverse("assessments:team_list"),
        "team": reverse("assessments:team_detail", args=[team.slug]),
        "delivery": reverse("assessments:delivery", args=[team.slug]),
        "how it was measured": reverse("assessments:delivery_measured", args=[team.slug]),
        "action": reverse("assessments:action", args=[team.slug, site["action"].pk]),
        "new action": reverse("assessments:action_new", args=[team.slug])
        + f"?result={latest.pk}&question={site['action'].questions.first().pk}",
        "change an action": reverse("assessments:action_edit", args=[team.slug, site["action"].pk]),
        "frameworks": reverse("frameworks:list"),
        "framework": reverse("frameworks:detail", args=[site["dora"].slug, site["dora"].version]),
        "password change": reverse("password_change"),
    }


def check(page, name, found):
    """axe on the page as loaded, at each width in turn (a resize re-applies the CSS)."""
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        found.extend(f"{name} at {width} px: {line}" for line in axe_violations(page))


def check_all(page, live_server, pages, found):
    for name, path in pages.items():
        response = page.goto(live_server.url + path)
        assert response.ok, (name, response.status)
        check(page, name, found)


def test_no_serious_or_critical_violations_on_any_member_page(page, live_server, dora):
    site = seed_site(dora)
    found = []
    sign_in(page, live_server, "dana", "dana-pass-1")
    check_all(page, live_server, member_pages(site), found)

    # What-if: the results page scored again with a changed answer, in place.
    page.goto(live_server.url + reverse("assessments:results", args=[site["latest"].pk]))
    page.get_by_label("What if Q11 were").select_option("5")
    page.get_by_role("button", name="Show the result with these answers").click()
    page.get_by_text("What if: nothing is saved").wait_for()
    check(page, "what-if", found)

    # The overview, as an organisation viewer who sees every team.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, "vera", "vera-pass-1")
    overview = {
        "overview": reverse("assessments:overview"),
        "overview by team": reverse("assessments:overview_teams"),
    }
    check_all(page, live_server, overview, found)
    assert not found, "axe found serious or critical violations:\n" + "\n".join(found)
