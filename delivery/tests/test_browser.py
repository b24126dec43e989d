"""Delivery data in headless Chromium: a member uploads CSV files, answers with the data in
view, submits, and sees what the team claimed set beside what its data says."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment
from assessments.tests.make import answer_all, make_team, make_user
from assessments.tests.test_browser import sign_in
from assessments.tests.test_results import dora_scores

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def delivery_files(tmp_path):
    """Twelve weeks of three deployments a week, a quarter of them failed, each shipping a
    change committed 30 hours before: measured High, High, Medium."""
    now = timezone.now().replace(microsecond=0) - timedelta(days=1)
    deployments = ["id,service,environment,finished_at,status,rework"]
    changes = ["id,committed_at,deployment_id"]
    for n in range(36):
        when = now - timedelta(hours=56 * n)
        status = "failure" if n % 4 == 0 else "success"
        deployments.append(f"d{n},api,production,{when.isoformat()},{status},false")
        changes.append(f"c{n},{(when - timedelta(hours=30)).isoformat()},d{n}")
    paths = {}
    for name, lines in (("deployments", deployments), ("changes", changes)):
        paths[name] = tmp_path / f"{name}.csv"
        paths[name].write_text("\n".join(lines) + "\n")
    return paths


def test_a_member_uploads_data_and_sees_claims_beside_it_on_the_results(
    page, live_server, dora, tmp_path
):
    member = make_user("dana")
    team = make_team("Platform", members=[member])
    sign_in(page, live_server, "dana", "dana-pass-1")

    # Upload the CSV files from the team's delivery page.
    page.goto(live_server.url + reverse("assessments:delivery", args=[team.slug]))
    page.get_by_text("has sent no delivery data yet").wait_for()
    files = delivery_files(tmp_path)
    page.get_by_label("Deployments").set_input_files(files["deployments"])
    page.get_by_label("Changes").set_input_files(files["changes"])
    page.get_by_role("button", name="Import").click()
    page.get_by_text("Imported 36 deployments and 36 changes.").wait_for()
    frequency = page.get_by_role("row", name="Deployment frequency")
    # The 27 successful of 36 over the 83 or 84 days since the first (the day count depends
    # on the hour): 2.28 or 2.25 a week.
    assert re.search(r"2\.[23] deployments a week", frequency.inner_text())
    assert "(since the first)" in frequency.inner_text()

    # While answering, the headline question shows the data as evidence.
    assessment = Assessment.objects.create(team=team, framework=dora, title="Q4", created_by=member)
    page.goto(live_server.url + reverse("assessments:answer", args=[assessment.pk, 1]))
    evidence = page.locator("fieldset.question").first.locator(".measured-evidence")
    assert re.search(r"2\.[23] deployments a week", evidence.inner_text())
    assert "score 4" in evidence.inner_text()

    # Claim Elite for frequency and change failure rate; submit in the browser.
    answer_all(assessment, dora_scores(d1=[5, 3, 3, 3, 3], d3=[5, 3, 3, 3]))
    page.goto(live_server.url + reverse("assessments:review", args=[assessment.pk]))
    page.get_by_role("button", name="Submit the assessment").click()
    page.get_by_text("Submitted. Here is your result.").wait_for()
    cards = page.locator(".metric-card")
    frequency_card = cards.filter(has_text="Deployment Frequency")
    assert "Answer and data disagree: answered Elite, measured High." in frequency_card.inner_text()
    failure_card = cards.filter(has_text="Change Failure Rate")
    assert "25% (9 failed of 36 deployments)" in failure_card.inner_text()
    assert "measured Medium" in failure_card.inner_text()
    assert page.locator(".measured-differs").count() == 3  # frequency, lead time, failure rate
    page.get_by_role("link", name="See the delivery data").click()
    page.wait_for_url(live_server.url + reverse("assessments:delivery", args=[team.slug]))
