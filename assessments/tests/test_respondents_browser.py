"""Answering each on your own, then together, in headless Chromium: a member starts the way
DORA recommends and answers a step on their own; two teammates answer too; one reveals;
the team sees each question's spread with "discuss" marks, settles an answer and submits;
the result shows where the team agreed."""

import re

import pytest
from django.urls import reverse

from assessments.models import Assessment
from assessments.respondents import respondent_finish
from assessments.tests.make import make_team, make_user, questions_of
from assessments.tests.test_browser import sign_in
from assessments.tests.test_respondents import own

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_three_answer_on_their_own_then_settle_together(page, live_server, dora):
    dana, eli, fay = make_user("dana"), make_user("eli"), make_user("fay")
    make_team("Platform", members=[dana, eli, fay])
    sign_in(page, live_server, "dana", "dana-pass-1")

    # Start: "each on your own, then together" is the default.
    page.get_by_role("link", name="Start an assessment").click()
    assert page.get_by_label("Each on your own, then together").is_checked()
    page.get_by_role("button", name="Start").click()
    assert "Your own answers." in page.locator(".own-answers").inner_text()

    # Dana answers the first step on her own, on the page, then the rest by the service.
    first = page.locator("fieldset.question")
    for n in range(first.count()):
        first.nth(n).locator(f"input[value='{2 + n % 2}']").check()
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Saved 5 answers.").wait_for()
    assessment = Assessment.objects.get()
    count = len(questions_of(dora))
    own(assessment, dana, [None] * 5 + [2] * (count - 5))
    # Her teammates answer, one of them far apart on the first question.
    own(assessment, eli, [5] + [3] * (count - 1))
    own(assessment, fay, [3] + [3] * (count - 1))
    respondent_finish(assessment, eli)
    respondent_finish(assessment, fay)

    page.goto(live_server.url + reverse("assessments:review", args=[assessment.pk]))
    assert "2 of 3 needed have finished" in page.locator(".own-answers").inner_text()
    page.get_by_role("button", name="I have finished").click()
    page.get_by_text("Your answers are finished.").wait_for()
    page.get_by_role("button", name="Reveal the answers").click()
    page.wait_for_url("**/together/")

    # Most disagreement first, counts only.
    first_row = page.locator(".together-table tbody tr").first
    assert "discuss" in first_row.inner_text() and "Q1" in first_row.inner_text()
    assert "1× 2, 1× 3, 1× 5" in first_row.inner_text()
    assert not re.search(r"\b(eli|fay|dana)\b", page.locator(".together-table").inner_text())

    # Settle Q1 on its step: the spread stands beside it, the team's answer at the median.
    first_row.get_by_role("link").click()
    spread = page.locator("fieldset.question").first.locator(".spread")
    assert "median 3" in spread.inner_text() and "You chose 2" in spread.inner_text()
    page.locator("fieldset.question").first.locator("input[value='4']").check()
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Saved 1 answer.").wait_for()

    page.goto(live_server.url + reverse("assessments:review", args=[assessment.pk]))
    page.get_by_role("button", name="Submit").click()
    card = page.locator(".agreement-card")
    card.wait_for()
    assert "3 answered on their own" in card.inner_text()
    assert "Agreed on" in card.inner_text() and "widest: Q1" in card.inner_text()
