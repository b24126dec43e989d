"""What comes out of the printer, rendered by headless Chromium as PDF."""

import re

import pytest
from django.urls import reverse

from assessments.tests.make import make_team, make_user, submitted_assessment
from assessments.tests.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def test_the_one_page_summary_prints_on_one_page_and_the_full_result_on_more(
    page, live_server, dora
):
    member = make_user("dana")
    team = make_team("Platform", members=[member])
    assessment = submitted_assessment(team=team, framework=dora, user=member, scores=2)
    sign_in(page, live_server, "dana", "dana-pass-1")
    page.goto(live_server.url + reverse("assessments:summary", args=[assessment.pk]))
    page.get_by_role("button", name="Print or save as PDF").wait_for()
    summary = page.pdf(format="A4")
    assert pdf_pages(summary) == 1
    page.goto(live_server.url + reverse("assessments:results", args=[assessment.pk]))
    assert pdf_pages(page.pdf(format="A4")) > 1  # so the count can tell one page from more
