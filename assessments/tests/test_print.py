"""What comes out of the printer, rendered by headless Chromium as PDF."""

import io
import re

import pytest
from django.urls import reverse

from assessments.models import Assessment
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


METRIC_TITLES = ("Deployment Frequency", "Lead Time for Changes", "Change Failure Rate")
METRIC_TITLES += ("Mean Time to Restore",)


def covered_card_lines(pdf: bytes) -> list[tuple[int, str]]:
    """Key-metric cards that another card covers on paper: (page, the covering card's title)
    wherever a card title stands between one card's "Where you stand:" line and its own "Next
    bucket" line, in the same column. Its text is still in the PDF, drawn under the other
    card, so only the positions tell."""
    from pypdf import PdfReader

    found = []
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, 1):
        runs = []

        def visit(text, cm, tm, font, size, runs=runs):
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]  # PDF y grows up the page
                runs.append((y, x, text.strip()))

        page.extract_text(visitor_text=visit)
        nexts = [(y, x) for y, x, text in runs if text.startswith("Next bucket")]
        titles = [(y, x, text) for y, x, text in runs if text in METRIC_TITLES]
        for y_where, x_where in [(y, x) for y, x, t in runs if t.startswith("Where you stand")]:
            below = [y for y, x in nexts if abs(x - x_where) < 5 and y < y_where]
            if below:
                y_next = max(below)  # this card's own "Next bucket" line
                found += [
                    (number, title)
                    for y, x, title in titles
                    if abs(x - x_where) < 20 and y_next < y < y_where
                ]
    return found


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_printed_key_metric_cards_stand_whole(page, live_server, dora, settings, paper):
    """The demo's latest result (whose first row of cards falls across a page) and a result
    with every card filled: on paper no card covers another."""
    from io import StringIO

    from django.core.management import call_command
    from django.db import connection

    from delivery.tests.test_imports import recent_history

    settings.DEBUG = True  # demo_setup runs only with DEBUG on
    call_command("demo_setup", stdout=StringIO(), force=connection.vendor != "sqlite")
    settings.DEBUG = False
    demo = Assessment.objects.filter(team__slug="demo-team", status="submitted")
    sign_in(page, live_server, "demo", "dora-demo")
    results = [demo.order_by("-submitted_at").first()]
    member = make_user("dana")
    team = make_team("Platform", members=[member])
    recent_history(team)
    results.append(submitted_assessment(team=team, framework=dora, user=member, scores=2))
    for result in results:
        if result.team_id == team.pk:
            page.context.clear_cookies()
            sign_in(page, live_server, "dana", "dana-pass-1")
        page.goto(live_server.url + reverse("assessments:results", args=[result.pk]))
        assert page.locator(".metric-card").count() == 4
        assert covered_card_lines(page.pdf(format=paper)) == [], (paper, result.title)
