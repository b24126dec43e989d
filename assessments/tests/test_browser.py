"""The real pages in headless Chromium: what a person sees and does."""

import pytest
from django.urls import reverse

from assessments.models import Answer, Assessment
from assessments.tests.make import answer_all, make_team, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username, password):
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + reverse("assessments:dashboard"))


@pytest.fixture
def dora_member(dora):
    user = make_user("dana")
    make_team("Platform", members=[user])
    return user


def test_a_member_starts_answers_over_two_sittings_and_submits_dora(
    page, live_server, dora, dora_member
):
    sign_in(page, live_server, "dana", "dana-pass-1")
    page.get_by_role("link", name="Start an assessment").click()
    page.get_by_label("Framework").select_option(label="DORA Metrics Framework 1.0")
    page.get_by_label("Together", exact=True).check()  # one shared draft, as before
    page.get_by_role("button", name="Start").click()
    page.get_by_text("Step 1 of 5: Deployment Frequency").wait_for()
    assessment = Assessment.objects.get()

    # Labels are clickable: clicking a guidance text chooses its score.
    first = page.locator("fieldset.question").first
    first.locator("label.option-label").nth(4).click()
    assert first.locator("input[value='4']").is_checked()
    # Not applicable asks for a reason, which appears once it is chosen.
    second = page.locator("fieldset.question").nth(1)
    assert not second.get_by_label("Why it does not apply").is_visible()
    second.get_by_label("Not applicable", exact=False).check()
    second.get_by_label("Why it does not apply").fill("Deploys are done by the vendor")
    first.get_by_label("Notes and evidence", exact=False).fill("https://ci.example.com/deploys")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Saved 2 answers.").wait_for()

    # A later sitting: sign out, sign in again, the answers are there.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, "dana", "dana-pass-1")
    assert "0 of 25" not in page.content()
    page.get_by_role("region", name="Continue where your team left off").get_by_role(
        "link", name=assessment.title
    ).click()
    first = page.locator("fieldset.question").first
    assert first.locator("input[value='4']").is_checked()
    assert (
        first.get_by_label("Notes and evidence", exact=False).input_value()
        == "https://ci.example.com/deploys"
    )

    # Answer everything else directly, then review and submit in the browser.
    answer_all(assessment, 3)
    page.goto(live_server.url + reverse("assessments:review", args=[assessment.pk]))
    page.get_by_role("button", name="Submit the assessment").click()
    page.get_by_text("Submitted. Here is your result.").wait_for()
    assessment.refresh_from_db()
    assert assessment.is_submitted


def test_the_answer_page_is_usable_with_the_keyboard_alone(page, live_server, dora, dora_member):
    assessment = Assessment.objects.create(
        team=dora_member.teams.get(), framework=dora, title="Keys", created_by=dora_member
    )
    sign_in(page, live_server, "dana", "dana-pass-1")
    page.goto(live_server.url + reverse("assessments:answer", args=[assessment.pk, 1]))
    page.locator("fieldset.question input[type=radio]").first.focus()
    page.keyboard.press("ArrowDown")  # moves to score 1 and selects it
    page.keyboard.press("ArrowDown")  # score 2
    assert page.locator("fieldset.question").first.locator("input[value='2']").is_checked()
    page.get_by_role("button", name="Save", exact=True).focus()
    page.keyboard.press("Enter")
    page.get_by_text("Saved 1 answer.").wait_for()
    assert Answer.objects.get().score == 2


def test_leaving_with_unsaved_changes_asks_first(page, live_server, dora, dora_member):
    assessment = Assessment.objects.create(
        team=dora_member.teams.get(), framework=dora, title="Warn", created_by=dora_member
    )
    sign_in(page, live_server, "dana", "dana-pass-1")
    page.goto(live_server.url + reverse("assessments:answer", args=[assessment.pk, 1]))
    page.locator("fieldset.question").first.locator("label.option-label").nth(3).click()
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.get_by_role("link", name="Lead Time for Changes").click()
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert "/answer/1/" in page.url


def test_the_answer_page_reads_well_on_a_phone(browser, live_server, dora, dora_member, settings):
    settings.SESSION_COOKIE_SECURE = False
    assessment = Assessment.objects.create(
        team=dora_member.teams.get(), framework=dora, title="Phone", created_by=dora_member
    )
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    try:
        sign_in(page, live_server, "dana", "dana-pass-1")
        page.goto(live_server.url + reverse("assessments:answer", args=[assessment.pk, 1]))
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        assert page.locator("fieldset.question").first.is_visible()
    finally:
        context.close()


def test_on_a_phone_the_first_question_shows_on_the_first_screen(
    browser, live_server, dora, dora_member, settings
):
    from django.core.management import call_command

    from frameworks.models import Framework

    settings.SESSION_COOKIE_SECURE = False
    call_command("loaddata", "mvp", verbosity=0)  # long step names, ten steps
    team = dora_member.teams.get()
    dora_draft, mvp_draft = (
        Assessment.objects.create(team=team, framework=f, title="Phone", created_by=dora_member)
        for f in (dora, Framework.objects.get(slug="mvp"))
    )
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, live_server, "dana", "dana-pass-1")
        for draft in (dora_draft, mvp_draft):
            page.goto(live_server.url + reverse("assessments:answer", args=[draft.pk, 1]))
            legend = page.locator("fieldset.question legend").first.bounding_box()
            save_bar = page.locator(".answer-actions").bounding_box()
            assert legend["y"] < 844, draft.framework
            # its first line clear of the sticky save bar
            assert legend["y"] + 24 <= save_bar["y"], (draft.framework, legend, save_bar)
        # The step pills keep to one line, scrolled to show the current step.
        page.goto(live_server.url + reverse("assessments:answer", args=[dora_draft.pk, 5]))
        pills = page.locator(".step-list .step")
        assert len({round(pills.nth(i).bounding_box()["y"]) for i in range(pills.count())}) == 1
        current = page.locator(".step-current").bounding_box()
        assert current["x"] >= 0 and current["x"] + current["width"] <= 390, current
    finally:
        context.close()


def test_the_results_page_draws_its_chart_and_prints_without_navigation(
    page, live_server, dora, dora_member
):
    from assessments.tests.make import submitted_assessment

    scores = [5, 4, 4, 3, 5, 4, 3, 3, 2, 4, 3, 3, 2, None, 2, 1, 3, 2, 2, 1, 2, 3, 2, 2, 1]
    assessment = submitted_assessment(
        team=dora_member.teams.get(), framework=dora, user=dora_member, scores=scores
    )
    sign_in(page, live_server, "dana", "dana-pass-1")
    page.goto(live_server.url + reverse("assessments:results", args=[assessment.pk]))
    assert page.locator("h1").inner_text() == assessment.title
    chart = page.get_by_role("img", name="Domain percentages")
    assert chart.is_visible()
    assert chart.locator("rect.bar").count() == 5
    assert page.get_by_role("button", name="Print or save as PDF").is_visible()
    details = page.locator("details")
    assert not details.locator("li").last.is_visible()
    details.locator("summary").click()
    assert details.locator("li").last.is_visible()
    page.emulate_media(media="print")
    assert not page.get_by_role("navigation", name="Main").is_visible()
    assert not page.get_by_role("link", name="CSV").is_visible()
    assert page.get_by_role("img", name="Domain percentages").is_visible()


def test_a_team_page_with_three_assessments_and_the_comparison_of_the_last_two(
    page, live_server, dora, dora_member
):
    from datetime import timedelta

    from django.utils import timezone

    from assessments.tests.make import submitted_assessment

    team = dora_member.teams.get()
    now = timezone.now()
    for months, scores, title in (
        (6, [1] * 25, "Spring"),
        (3, [2] * 25, "Summer"),
        (0, [2] * 20 + [4] * 5, "Autumn"),
    ):
        submitted_assessment(
            team=team,
            framework=dora,
            user=dora_member,
            scores=scores,
            title=title,
            when=now - timedelta(days=30 * months + 1),
        )
    sign_in(page, live_server, "dana", "dana-pass-1")
    page.get_by_role("link", name="Teams").click()
    page.get_by_role("link", name="Platform").click()
    chart = page.get_by_role("img", name="Overall and domain scores over time")
    assert chart.is_visible()
    assert chart.locator("circle.series-overall").count() == 3
    history = page.locator("table.history-table tbody tr")
    assert [history.nth(i).locator("td").nth(1).inner_text() for i in range(3)] == [
        "Autumn",
        "Summer",
        "Spring",
    ]
    assert page.locator("table.metric-history tbody tr").count() == 4
    page.get_by_role("link", name="Compare the latest two").click()
    page.get_by_role("heading", name="Compare two assessments").wait_for()
    summary = page.locator("table.compare-summary")
    assert "Summer" in summary.inner_text() and "Autumn" in summary.inner_text()
    # From Summer to Autumn the last five questions rise from 2 to 4; nothing else moves.
    first_moved = page.locator("table.compare-questions tbody tr").first
    assert "+2" in first_moved.inner_text()
    assert page.locator("table.compare-questions .delta-up").count() == 5


@pytest.mark.parametrize("script", [True, False], ids=["with-javascript", "without-javascript"])
def test_what_if_on_the_results_page_with_and_without_javascript(
    browser, live_server, dora, dora_member, settings, script
):
    from assessments.tests.make import submitted_assessment
    from assessments.tests.test_results import dora_scores

    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    assessment = submitted_assessment(
        team=dora_member.teams.get(),
        framework=dora,
        user=dora_member,
        scores=dora_scores(d3=[1, 3, 3, 3]),
    )
    stored = Assessment.objects.get(pk=assessment.pk).result
    context = browser.new_context(java_script_enabled=script)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        sign_in(page, live_server, "dana", "dana-pass-1")
        url = live_server.url + reverse("assessments:results", args=[assessment.pk])
        page.goto(url)
        delivery = page.locator("#delivery-heading").locator("xpath=..")
        assert "Limited by Change failure rate" in delivery.inner_text()
        page.get_by_label("What if Q11 were").select_option("5")
        page.get_by_role("button", name="Show the result with these answers").click()
        page.get_by_text("What if: nothing is saved").wait_for()
        delivery = page.locator("#delivery-heading").locator("xpath=..")
        assert "Limited by Change failure rate" not in delivery.inner_text()
        assert page.get_by_label("What if Q11 were").input_value() == "5"
        # with script the page stayed where it was; without, the form was posted
        expected = url if script else url.replace("/results/", "/what-if/")
        assert page.url == expected
        assert Assessment.objects.get(pk=assessment.pk).result == stored
    finally:
        context.close()
    assert not errors, errors


def open_a_draft(page, live_server, dora, member, step):
    """A new DORA draft of the member's team, open at `step` in the signed-in page."""
    draft = Assessment.objects.create(
        team=member.teams.get(), framework=dora, title="Keys", created_by=member
    )
    sign_in(page, live_server, "dana", "dana-pass-1")
    page.goto(live_server.url + reverse("assessments:answer", args=[draft.pk, step]))
    return draft


def test_enter_saves_and_stays_on_the_step_from_a_radio_and_from_the_reason_box(
    page, live_server, dora, dora_member
):
    team = dora_member.teams.get()
    draft = Assessment.objects.create(
        team=team, framework=dora, title="Keys", created_by=dora_member
    )
    sign_in(page, live_server, "dana", "dana-pass-1")
    url = live_server.url + reverse("assessments:answer", args=[draft.pk, 2])
    page.goto(url)
    first = page.locator("fieldset.question").first
    first.locator("input[value='3']").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    page.get_by_text("Saved 1 answer.").wait_for()
    assert page.url.split("#")[0] == url  # not sent back a step
    second = page.locator("fieldset.question").nth(1)
    second.get_by_label("Not applicable", exact=False).check()
    reason = second.get_by_label("Why it does not apply")
    reason.fill("No pipeline of our own")
    reason.press("Enter")
    page.get_by_text("Saved 1 answer.").wait_for()
    assert page.url.split("#")[0] == url
    saved = {a.question.position: a for a in Answer.objects.filter(assessment=draft)}
    assert saved[1].score == 3 and saved[2].not_applicable


def test_arrow_keys_stay_in_the_radio_group_past_not_applicable(
    page, live_server, dora, dora_member
):
    team = dora_member.teams.get()
    draft = Assessment.objects.create(
        team=team, framework=dora, title="Keys", created_by=dora_member
    )
    sign_in(page, live_server, "dana", "dana-pass-1")
    page.goto(live_server.url + reverse("assessments:answer", args=[draft.pk, 1]))
    first = page.locator("fieldset.question").first
    first.locator("input[value='5']").focus()
    page.keyboard.press("ArrowDown")  # onto "not applicable"
    assert page.evaluate("document.activeElement.value") == "na"
    page.keyboard.press("ArrowDown")  # onto "not answered yet", not into the reason box
    assert page.evaluate("document.activeElement.type") == "radio"


def test_every_improvement_prints(page, live_server, dora, dora_member):
    from assessments.tests.make import submitted_assessment

    scores = [3] * 25
    assessment = submitted_assessment(
        team=dora_member.teams.get(), framework=dora, user=dora_member, scores=scores
    )
    sign_in(page, live_server, "dana", "dana-pass-1")
    page.goto(live_server.url + reverse("assessments:results", args=[assessment.pk]))
    page.emulate_media(media="print")
    printed = page.locator("ol.recommendation-list > li:visible")
    assert printed.count() == 25
    assert not page.get_by_text("Show all 25 improvements").is_visible()


# The labels of the cells of stacked tables (.table-stack) that lie outside the viewport or
# in a region that scrolls sideways.
STACKED_CELLS_OUT_OF_VIEW = """() => {
    const width = document.documentElement.clientWidth;
    const cells = [...document.querySelectorAll("table.table-stack tbody td")];
    return cells.filter(cell => {
        const box = cell.getBoundingClientRect();
        const region = cell.closest(".table-responsive");
        return box.left < 0 || box.right > width
            || (region && region.scrollWidth > region.clientWidth);
    }).map(cell => cell.dataset.label || cell.textContent.trim());
}"""


def test_on_a_small_phone_nothing_overflows_and_chart_text_stays_readable(
    browser, live_server, dora, dora_member, settings
):
    from assessments.tests.make import submitted_assessment
    from delivery.tests.test_imports import recent_history

    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    team = dora_member.teams.get()
    older = submitted_assessment(team=team, framework=dora, user=dora_member, scores=[2] * 25)
    newer = submitted_assessment(team=team, framework=dora, user=dora_member, scores=[3] * 25)
    recent_history(team)
    context = browser.new_context(viewport={"width": 320, "height": 640}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, live_server, "dana", "dana-pass-1")
        pages = [
            reverse("assessments:dashboard"),
            reverse("assessments:results", args=[newer.pk]),
            reverse("assessments:summary", args=[newer.pk]),
            reverse("assessments:compare") + f"?a={older.pk}&b={newer.pk}",
            reverse("assessments:team_detail", args=[team.slug]),
            reverse("assessments:overview"),
            reverse("assessments:overview_teams"),
            reverse("assessments:team_list"),
            reverse("assessments:delivery", args=[team.slug]),
            reverse("assessments:delivery_rows", args=[team.slug]) + "?kind=changes",
            reverse("frameworks:list"),
        ]
        for path in pages:
            page.goto(live_server.url + path)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, (path, overflow)
            # List tables are stacked cards: every cell, each key column's included, is in
            # view, none in a box that scrolls sideways (the one-page summary has none).
            if "/summary/" not in path:
                assert page.locator("table.table-stack tbody td[data-label]").count(), path
            hidden = page.evaluate(STACKED_CELLS_OUT_OF_VIEW)
            assert not hidden, (path, hidden)
            for region in page.locator(".table-responsive, .chart").all():
                assert region.get_attribute("tabindex") == "0", path
                assert region.get_attribute("aria-label"), path
            # A phone shows each chart's compact drawing, whose 12-unit text stays 11 px
            # or more, and none of the wide one; a legend's swatches stay swatches.
            for svg in page.locator(".chart > svg.chart-compact").all():
                scale = svg.evaluate(
                    "s => s.getBoundingClientRect().width / s.viewBox.baseVal.width"
                )
                assert 12 * scale >= 11, (path, scale)
            for svg in page.locator(".chart > svg.chart-wide").all():
                assert not svg.is_visible(), path
            for swatch in page.locator(".chart .legend-swatch").all():
                box = swatch.bounding_box()
                assert box["width"] <= 16 and box["height"] <= 16, (path, box)
    finally:
        context.close()
