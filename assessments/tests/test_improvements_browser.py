"""The improvement loop in headless Chromium: from a recommendation on the results page a
member makes an action, starts it and marks it done; once a later result is submitted and
28 days of delivery data have arrived since, the action's page gives its verdict with the
rule in words: "improved" when the data moved its metric, "no change" when it did not."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Action
from assessments.tests.make import make_team, make_user, submitted_assessment
from assessments.tests.test_browser import sign_in
from assessments.tests.test_results import dora_scores
from delivery.services import delivery_store

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def changes(team, prefix, start, count, lead_hours):
    """`count` deployments a day apart from `start`, each shipping a change committed
    `lead_hours` before it."""
    deployments, shipped = [], []
    for n in range(count):
        finished = start + timedelta(days=n, hours=n % 5)
        deployments.append(
            (
                n,
                {
                    "external_id": f"{prefix}{n}",
                    "service": "api",
                    "environment": "production",
                    "finished_at": finished,
                    "status": "success",
                    "rework": False,
                },
            )
        )
        shipped.append(
            (
                n,
                {
                    "external_id": f"{prefix}c{n}",
                    "committed_at": finished - timedelta(hours=lead_hours),
                    "deployment_id": f"{prefix}{n}",
                },
            )
        )
    delivery_store(
        team, {"deployments": deployments, "changes": shipped}, channel="api", sender="test"
    )


@pytest.mark.parametrize(("after_hours", "state"), [(20, "improved"), (52, "no change")])
def test_an_action_from_a_recommendation_to_its_verdict(
    page, live_server, dora, after_hours, state
):
    member = make_user("dana")
    team = make_team("Platform", members=[member])
    now = timezone.now()
    changes(team, "before", now - timedelta(days=85), 40, lead_hours=52)
    result = submitted_assessment(
        team=team, framework=dora, user=member, scores=dora_scores(d2=[2, 3, 3, 3, 3])
    )
    sign_in(page, live_server, "dana", "dana-pass-1")

    # From the results page's first recommendation, a prefilled form (the button beside it
    # makes the action at once: test_improvements.py).
    page.goto(live_server.url + reverse("assessments:results", args=[result.pk]))
    page.get_by_role("link", name="or fill in the form first").first.click()
    page.get_by_label("The key metric it should move").select_option("lead_time")
    title = page.get_by_label("Title").input_value()
    assert title.startswith("Q")
    page.get_by_role("button", name="Make the action").click()
    page.get_by_text("made, with its baseline").wait_for()
    assert "52 h, from 40 changes" in page.locator("main").inner_text()

    # Start it, then mark it done.
    page.get_by_role("button", name="Start").click()
    page.get_by_text("is in progress now").wait_for()
    page.get_by_role("button", name="Mark done").click()
    page.get_by_text("is done now").wait_for()
    assert "Waiting for a result" in page.locator(".action-verdict").inner_text()

    # Five weeks later (the clock moved by the rows): a new result, and the data since.
    action = Action.objects.get()
    done = now - timedelta(days=36)
    Action.objects.filter(pk=action.pk).update(done_at=done)
    changes(team, "after", done + timedelta(hours=2), 34, lead_hours=after_hours)
    submitted_assessment(
        team=team,
        framework=dora,
        user=member,
        scores=dora_scores(d2=[3, 3, 3, 3, 3]),
        title="Later",
    )
    page.reload()
    verdict = page.locator(".action-verdict").inner_text()
    assert verdict.startswith(state), verdict
    assert f"Lead time for changes 52 h → {after_hours} h" in verdict
    assert "a change of more than a tenth counts" in verdict

    # Confirming it keeps the verdict and who confirmed it; the history lists every step.
    page.get_by_role("button", name="Confirm the verdict").click()
    page.get_by_text("is verified now").wait_for()
    assert "Confirmed by dana" in page.locator(".action-verdict").inner_text()
    history = page.locator(".action-history li").all_inner_texts()
    assert [line.split(": ")[1].split(" by")[0] for line in history] == [
        "planned",
        "in progress",
        "done",
        "verified",
    ]
    page.goto(live_server.url + reverse("assessments:team_detail", args=[team.slug]))
    assert title in page.locator("#improvements").inner_text()
