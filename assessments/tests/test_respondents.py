"""Answering "each on your own, then together" (assessments/respondents.py): own answers
through the same pages and service, seen by nobody else by any path; finishing; the
reveal, one atomic step refused below the minimum or twice; the team's answers starting at
the median; the spreads; and the agreement block in the result."""

import pytest
from django.urls import reverse

from assessments.models import Answer, Assessment, Respondent
from assessments.respondents import (
    RevealRefused,
    assessment_reveal,
    respondent_finish,
    standing,
)
from assessments.services import (
    AnswerElsewhere,
    AnswerInput,
    answers_save,
    assessment_start,
    assessment_submit,
)
from assessments.tests.make import make_team, make_user, page_data, questions_of
from assessments.tests.test_roles import editor, staff_only, superuser, viewer  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def crew():
    """A team of four: ann, ben, cat, dan."""
    people = [make_user(name) for name in ("ann", "ben", "cat", "dan")]
    return make_team("Crew", members=people), people


def start_each(team, framework, user):
    return assessment_start(user=user, team=team, framework=framework, mode="each")


def own(assessment, user, scores):
    """The user's own answers to every question: a score, "na", or None (left open)."""
    changes = [
        AnswerInput(
            q.pk, None if s == "na" else s, s == "na", "Not ours" if s == "na" else "", "", 0
        )
        for q, s in zip(questions_of(assessment.framework), scores, strict=True)
        if s is not None
    ]
    answers_save(assessment=assessment, user=user, changes=changes, respondent=user)


def test_own_answers_are_kept_apart_and_nobody_else_reads_them(framework, crew):
    team, (ann, ben, *_) = crew
    draft = start_each(team, framework, ann)
    assert Respondent.objects.filter(assessment=draft).count() == 4
    own(draft, ann, [5, 4, 3])
    assert not Answer.objects.filter(assessment=draft).exists()  # the team has none
    assert Answer.personal.filter(assessment=draft, respondent=ann).count() == 3
    assert list(draft.answers.all()) == []  # related managers hide them too
    found = standing(draft, ben, mine=0)
    assert (found.finished, found.required, found.me_answered) == (0, 3, 0)
    assert found.not_started == ("ben", "cat", "dan")


def test_the_team_answers_only_after_the_reveal_and_nobody_alone_after_it(framework, crew):
    team, (ann, ben, cat, dan) = crew
    draft = start_each(team, framework, ann)
    team_change = [AnswerInput(questions_of(framework)[0].pk, 3, False, "", "", 0)]
    with pytest.raises(AnswerElsewhere):
        answers_save(assessment=draft, user=ann, changes=team_change)
    for user, scores in ((ann, [1, 2, "na"]), (ben, [3, 2, "na"]), (cat, [4, 3, 2])):
        own(draft, user, scores)
        respondent_finish(draft, user)
    assert assessment_reveal(draft, ann) == 3
    with pytest.raises(AnswerElsewhere) as refused:
        own(draft, dan, [5, 5, 5])
    assert "revealed" in str(refused.value)
    assert not Answer.personal.filter(respondent=dan).exists()
    draft.refresh_from_db()
    team_answers = {a.question_id: a for a in Answer.objects.filter(assessment=draft)}
    first, second, third = questions_of(framework)
    assert team_answers[first.pk].score == 3  # median of 1, 3, 4
    assert team_answers[second.pk].score == 2
    assert team_answers[third.pk].not_applicable  # two of three chose it
    with pytest.raises(RevealRefused, match="already"):
        assessment_reveal(draft, ben)


@pytest.mark.parametrize(("finishing", "refused"), [(2, True), (3, False)])
def test_the_reveal_waits_for_the_minimum(framework, crew, finishing, refused):
    team, people = crew
    draft = start_each(team, framework, people[0])
    for user in people[:finishing]:
        own(draft, user, [2, 2, 2])
        respondent_finish(draft, user)
    if refused:
        with pytest.raises(RevealRefused, match="2 of the 3"):
            assessment_reveal(draft, people[0])
        assert Assessment.objects.get(pk=draft.pk).revealed_at is None
        assert not Answer.objects.filter(assessment=draft).exists()
    else:
        assessment_reveal(draft, people[0])


def test_a_small_team_needs_every_member(framework):
    pair = [make_user("xia"), make_user("yan")]
    team = make_team("Pair", members=pair)
    draft = start_each(team, framework, pair[0])
    own(draft, pair[0], [2, 2, 2])
    respondent_finish(draft, pair[0])
    with pytest.raises(RevealRefused, match="1 of the 2"):
        assessment_reveal(draft, pair[0])


def test_finishing_needs_every_question_answered(framework, crew):
    team, (ann, *_) = crew
    draft = start_each(team, framework, ann)
    own(draft, ann, [2, None, 2])
    with pytest.raises(RevealRefused, match="1 of your answers are still open"):
        respondent_finish(draft, ann)


def test_submission_keeps_the_agreement_counts_only(framework, crew):
    team, (ann, ben, cat, _) = crew
    draft = start_each(team, framework, ann)
    for user, scores in ((ann, [1, 2, 2]), (ben, [3, 2, 3]), (cat, [4, 3, 2])):
        own(draft, user, scores)
        respondent_finish(draft, user)
    with pytest.raises(AnswerElsewhere):
        assessment_submit(assessment=draft, user=ann)  # not revealed yet
    assessment_reveal(draft, ann)
    result = assessment_submit(assessment=draft, user=ann).result
    block = result["agreement"]
    assert (block["respondents"], block["agreed"], block["total"]) == (3, 2, 3)
    first = str(questions_of(framework)[0].pk)
    assert block["questions"][first]["counts"] == {"0": 0, "1": 1, "2": 0, "3": 1, "4": 1, "5": 0}
    assert "ann" not in str(block) and "ben" not in str(block)


def test_together_assessments_have_no_agreement_block(framework, crew):
    team, (ann, *_) = crew
    draft = assessment_start(user=ann, team=team, framework=framework)
    changes = [AnswerInput(q.pk, 2, False, "", "", 0) for q in questions_of(framework)]
    answers_save(assessment=draft, user=ann, changes=changes)
    assert assessment_submit(assessment=draft, user=ann).result["agreement"] is None


# --- the pages ---


def test_a_respondent_answers_on_the_page_and_a_teammate_sees_counts_only(client, framework, crew):
    team, (ann, ben, *_) = crew
    draft = start_each(team, framework, ann)
    question = questions_of(framework)[0]
    client.force_login(ann)
    url = reverse("assessments:answer", args=[draft.pk, 1])
    review = reverse("assessments:review", args=[draft.pk])
    assert "Your own answers." in client.get(url).content.decode()
    assert "not started yet: ann, ben, cat, dan" in client.get(review).content.decode()
    step = questions_of(framework)[:2]  # the first step's questions
    data = page_data(
        step, **{f"q{question.pk}-choice": "4", f"q{question.pk}-notes": "my secret note"}
    )
    assert client.post(url, data).status_code == 302
    mine = Answer.personal.get(assessment=draft, respondent=ann, question=question)
    assert (mine.score, mine.notes) == (4, "my secret note")
    client.force_login(ben)
    page = client.get(url).content.decode()
    assert "my secret note" not in page and 'value="4" checked' not in page
    assert "not started yet: ben, cat, dan" in client.get(review).content.decode()


@pytest.mark.parametrize("role", ["teammate", "viewer", "superuser", "staff_only", "editor"])
def test_no_other_path_shows_a_respondents_answers(client, request, framework, crew, role):
    team, (ann, ben, cat, dan) = crew
    draft = start_each(team, framework, ann)
    for user, scores in ((ann, [1, 2, 2]), (ben, [3, 2, 3]), (cat, [4, 3, 2])):
        own(draft, user, scores)
        respondent_finish(draft, user)
    Answer.personal.filter(respondent__isnull=False).update(notes="SECRET-NOTE-42")
    user = dan if role == "teammate" else request.getfixturevalue(role)
    client.force_login(user)
    paths = [
        reverse("assessments:answer", args=[draft.pk, 1]),
        reverse("assessments:answer", args=[draft.pk, 2]),
        reverse("assessments:review", args=[draft.pk]),
        reverse("api-assessment", args=[draft.pk]),
        reverse("assessments:dashboard"),
    ]
    if user.is_staff:
        paths.append(reverse("admin:index"))
    for path in paths:
        body = client.get(path).content.decode()
        assert "SECRET-NOTE-42" not in body, path
    assessment_reveal(draft, ann)
    assessment_submit(assessment=draft, user=ann)
    for path in (
        reverse("assessments:results", args=[draft.pk]),
        reverse("assessments:results_json", args=[draft.pk]),
        reverse("assessments:results_csv", args=[draft.pk]),
        reverse("api-results", args=[draft.pk]),
        reverse("assessments:together", args=[draft.pk]),
    ):
        response = client.get(path)
        body = response.content.decode() if response.status_code == 200 else ""
        assert "SECRET-NOTE-42" not in body, path


def test_the_reveal_and_the_together_page(client, framework, crew):
    team, (ann, ben, cat, dan) = crew
    draft = start_each(team, framework, ann)
    for user, scores in ((ann, [1, 2, 2]), (ben, [3, 2, 3]), (cat, [4, 3, 2])):
        own(draft, user, scores)
    client.force_login(ann)
    reveal = reverse("assessments:reveal", args=[draft.pk])
    assert client.post(reveal).status_code == 302
    assert Assessment.objects.get(pk=draft.pk).revealed_at is None  # none finished
    for user in (ann, ben, cat):
        client.force_login(user)
        client.post(reverse("assessments:finish_own", args=[draft.pk]))
    client.force_login(dan)  # a respondent who has not answered may reveal too
    response = client.post(reveal)
    assert response["Location"] == reverse("assessments:together", args=[draft.pk])
    page = client.get(response["Location"]).content.decode()
    first = questions_of(framework)[0]
    rows = page.split("<tbody>")[1]
    assert rows.index(f"#q{first.pk}") < rows.index("discuss") + 200  # widest first
    assert "1× 1, 1× 3, 1× 4" in page and "discuss" in page
    assert "ann" not in rows and "ben" not in rows


@pytest.mark.parametrize(("value", "expected"), [("5", 5), ("2", 3), ("51", 3), ("three", 3)])
def test_members_set_the_minimum_within_its_bounds(client, crew, value, expected):
    team, (ann, *_) = crew
    client.force_login(ann)
    response = client.post(
        reverse("assessments:min_respondents", args=[team.slug]), {"minimum": value}
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.min_respondents == expected


def test_a_non_member_or_a_member_who_left_cannot_answer_or_reveal(client, framework, crew):
    from teams.models import Membership

    team, (ann, ben, cat, dan) = crew
    draft = start_each(team, framework, ann)
    for user in (ann, ben, cat):
        own(draft, user, [2, 2, 2])
        respondent_finish(draft, user)
    Membership.objects.filter(team=team, user=dan).delete()
    outsider = make_user("ole")
    for user in (dan, outsider):
        client.force_login(user)
        assert client.post(reverse("assessments:reveal", args=[draft.pk])).status_code == 404
        step = questions_of(framework)[:2]
        url = reverse("assessments:answer", args=[draft.pk, 1])
        assert (
            client.post(url, page_data(step, **{f"q{step[0].pk}-choice": "5"})).status_code == 404
        )
    assert not Answer.personal.filter(respondent__in=[dan, outsider]).exists()
    assert Assessment.objects.get(pk=draft.pk).revealed_at is None


# --- what it costs ---


@pytest.mark.parametrize("mode", ["together", "each"])
def test_a_respondents_answer_page_and_save_cost_what_a_shared_drafts_do(
    client, framework, crew, mode, django_assert_num_queries
):
    team, (ann, *_) = crew
    draft = assessment_start(user=ann, team=team, framework=framework, mode=mode)
    client.force_login(ann)
    url = reverse("assessments:answer", args=[draft.pk, 1])
    client.get(url)  # warms the framework cache
    # session, user, the assessment with its team and framework, the user's teams, the
    # answers (the team's or the user's own), the team's answers last time
    with django_assert_num_queries(6):
        client.get(url)
    step = questions_of(framework)[:2]
    data = page_data(step, **{f"q{step[0].pk}-choice": "3"}, go="save")
    # the same for both: the lock checks the mode in the same update
    with django_assert_num_queries(8):
        assert client.post(url, data).status_code == 302


@pytest.mark.parametrize("respondents", [3, 20])
def test_the_together_page_costs_the_same_however_many_respondents(
    client, framework, respondents, django_assert_num_queries
):
    people = [make_user(f"r{n}") for n in range(respondents)]
    team = make_team(f"Team {respondents}", members=people)
    draft = start_each(team, framework, people[0])
    for n, user in enumerate(people):
        own(draft, user, [n % 6, 2, "na"])
        respondent_finish(draft, user)
    assessment_reveal(draft, people[0])
    client.force_login(people[0])
    url = reverse("assessments:together", args=[draft.pk])
    client.get(url)  # warms the framework cache
    # session, user, the assessment with its team, the user's teams; the members (how
    # many must have answered), the spreads, the team's answers, the user's own
    with django_assert_num_queries(8):
        page = client.get(url).content.decode()
    assert "discuss" in page


def test_agreement_shows_in_the_history_the_overview_and_the_downloads(
    client,
    framework,
    crew,
    viewer,  # noqa: F811
):
    team, (ann, ben, cat, _) = crew
    draft = start_each(team, framework, ann)
    for user, scores in ((ann, [1, 2, 2]), (ben, [3, 2, 3]), (cat, [4, 3, 2])):
        own(draft, user, scores)
        respondent_finish(draft, user)
    assessment_reveal(draft, ann)
    done = assessment_submit(assessment=draft, user=ann)
    assert done.agreement_share == pytest.approx(2 / 3)
    client.force_login(ann)
    history = client.get(reverse("assessments:team_detail", args=[team.slug])).content.decode()
    assert "67% of questions" in history
    page = client.get(reverse("assessments:results", args=[done.pk])).content.decode()
    assert "Agreed on 2 of 3 questions" in page and "widest: Q1" in page
    document = client.get(reverse("assessments:results_json", args=[done.pk])).json()
    assert document["agreement"]["questions"][0]["code"] == "Q1"
    assert document["agreement"]["respondents"] == 3
    assert client.get(reverse("api-results", args=[done.pk])).json() == document
    csv = client.get(reverse("assessments:results_csv", args=[done.pk])).content.decode()
    assert "1× 1; 1× 3; 1× 4" in csv
    client.force_login(viewer)
    overview = client.get(reverse("assessments:overview")).content.decode()
    assert "67% of questions" in overview


def test_a_reader_who_is_no_member_is_told_the_members_answer_on_their_own(
    client,
    framework,
    crew,
    viewer,  # noqa: F811
):
    team, (ann, *_) = crew
    draft = start_each(team, framework, ann)
    own(draft, ann, [5, 4, 3])
    client.force_login(viewer)
    page = client.get(reverse("assessments:answer", args=[draft.pk, 1])).content.decode()
    assert "are answering on their own" in page and "Your own answers." not in page
    assert 'value="5" checked' not in page


# --- found in review ---


def test_a_page_opened_before_the_reveal_and_sent_after_it_changes_nothing(client, framework, crew):
    team, (ann, ben, cat, _) = crew
    draft = start_each(team, framework, ann)
    for user in (ann, ben, cat):
        own(draft, user, [3, 3, 3])
        respondent_finish(draft, user)
    client.force_login(cat)
    url = reverse("assessments:answer", args=[draft.pk, 1])
    opened = client.get(url).content.decode()
    assert 'name="answering" value="own"' in opened
    assessment_reveal(draft, ann)
    step = questions_of(framework)[:2]
    data = page_data(step, answering="own", **{f"q{step[0].pk}-choice": "4"})
    response = client.post(url, data, follow=True)
    assert "revealed since this page was opened" in response.content.decode()
    team_answer = Answer.objects.get(assessment=draft, question=step[0])
    assert (team_answer.score, team_answer.version, team_answer.updated_by) == (3, 1, None)
    assert Answer.personal.get(respondent=cat, question=step[0]).score == 3


def test_leaving_a_question_open_again_undoes_finishing(framework, crew):
    team, (ann, *_) = crew
    draft = start_each(team, framework, ann)
    own(draft, ann, [3, 3, 3])
    respondent_finish(draft, ann)
    question = questions_of(framework)[0]
    answer = Answer.personal.get(respondent=ann, question=question)
    answers_save(
        assessment=draft,
        user=ann,
        respondent=ann,
        changes=[AnswerInput(question.pk, None, False, "", "", answer.version)],
    )
    assert Respondent.objects.get(assessment=draft, user=ann).finished_at is None


def test_a_respondent_who_left_is_not_counted_for_the_reveal(framework, crew):
    from teams.models import Membership

    team, (ann, ben, cat, _) = crew
    draft = start_each(team, framework, ann)
    for user in (ann, ben, cat):
        own(draft, user, [3, 3, 3])
        respondent_finish(draft, user)
    Membership.objects.filter(team=team, user=cat).delete()
    with pytest.raises(RevealRefused, match="2 of the 3"):
        assessment_reveal(draft, ann)


def test_an_own_answer_names_nothing_where_it_is_listed(framework, crew):
    team, (ann, *_) = crew
    draft = start_each(team, framework, ann)
    own(draft, ann, [5, 4, 3])
    assert {str(a) for a in Answer.personal.filter(respondent=ann)} == {"A respondent's own answer"}


def test_the_new_pages_refuse_wrong_methods_and_strangers(client, framework, crew):
    team, (ann, *_) = crew
    draft = start_each(team, framework, ann)
    urls = {
        "finish": reverse("assessments:finish_own", args=[draft.pk]),
        "reveal": reverse("assessments:reveal", args=[draft.pk]),
        "together": reverse("assessments:together", args=[draft.pk]),
        "minimum": reverse("assessments:min_respondents", args=[team.slug]),
    }
    client.force_login(ann)
    assert client.get(urls["finish"]).status_code == 405
    assert client.get(urls["reveal"]).status_code == 405
    assert client.post(urls["together"]).status_code == 405
    assert client.get(urls["minimum"]).status_code == 405
    client.force_login(make_user("stranger"))
    assert client.post(urls["finish"]).status_code == 404
    assert client.get(urls["together"]).status_code == 404
    assert client.post(urls["minimum"], {"minimum": "9"}).status_code == 404
    assert not Respondent.objects.filter(finished_at__isnull=False).exists()
    team.refresh_from_db()
    assert team.min_respondents == 3
