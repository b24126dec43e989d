"""Many people at once, and faults half-way through a write: nothing is lost or half-done.

These tests commit for real (transaction=True) and use one database connection per thread,
so they exercise the database's own locking: row locks on PostgreSQL, and WAL with
IMMEDIATE transactions and a busy timeout on SQLite.
"""

import threading

import pytest
from django.db import DatabaseError, connection, connections
from django.test import Client
from django.urls import reverse

from assessments.models import Answer, Assessment
from assessments.tests.make import (
    answer_all,
    make_assessment,
    make_team,
    make_user,
    page_data,
    questions_of,
)
from frameworks.tree import load_tree

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 20


def run_together(work, count):
    """Run work(i) in `count` threads released at the same moment; return their results."""
    barrier = threading.Barrier(count)
    results = [None] * count
    errors = []

    def run(i):
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as error:  # reported below, so the test shows it
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


@pytest.fixture
def crowd(dora):
    members = [make_user(f"member{i:02}") for i in range(THREADS)]
    team = make_team("Crowd", members=members)
    draft = make_assessment(team=team, framework=dora, user=members[0], title="Busy draft")
    return members, draft


def test_twenty_members_saving_one_draft_at_once_lose_nothing(dora, crowd):
    members, draft = crowd
    tree = load_tree(dora)
    pages = [[q.id for q in gate.questions] for gate in tree.gates]
    questions = {q.pk: q for q in questions_of(dora)}
    plans = []
    for i in range(THREADS):
        step = i % len(pages)
        page = [questions[qid] for qid in pages[step]]
        own = page[1 + (i // len(pages)) % (len(page) - 1)]  # a question few others touch
        shared = page[0]  # every thread on this page also answers the first question
        choices = {own.pk: str(i % 6), shared.pk: str((i + 3) % 6)}
        plans.append((step + 1, page, choices, own))

    def save(i):
        step, page, choices, own = plans[i]
        client = Client()
        client.force_login(members[i])
        data = page_data(
            page, go="save", **{f"q{qid}-choice": value for qid, value in choices.items()}
        )
        data[f"q{own.pk}-notes"] = f"from {members[i].username}"
        return client.post(reverse("assessments:answer", args=[draft.pk, step]), data).status_code

    statuses = run_together(save, THREADS)
    assert statuses == [302] * THREADS  # no request failed, none with a 500

    answers = {a.question_id: a for a in Answer.objects.filter(assessment=draft)}
    touched = {qid for _, _, choices, _ in plans for qid in choices}
    assert set(answers) == touched
    assert Answer.objects.filter(assessment=draft).count() == len(touched)
    for qid in touched:
        submitted = {choices[qid] for _, _, choices, _ in plans if qid in choices}
        assert str(answers[qid].score) in submitted, (qid, answers[qid].score, submitted)
        assert answers[qid].version == 1  # written once; later savers were told of the conflict
        assert answers[qid].updated_by in members
    for i, (_, _, choices, own) in enumerate(plans):
        # a thread's own question holds its score and notes unless another got there first
        if answers[own.pk].updated_by == members[i]:
            assert (str(answers[own.pk].score), answers[own.pk].notes) == (
                choices[own.pk],
                f"from {members[i].username}",
            )


def test_two_members_submitting_at_once_submit_exactly_once(dora, crowd):
    members, draft = crowd
    answer_all(draft, 3)

    def submit(i):
        client = Client()
        client.force_login(members[i])
        response = client.post(reverse("assessments:submit", args=[draft.pk]), follow=True)
        return response.status_code, response.content.decode()

    outcomes = run_together(submit, 2)
    assert [status for status, _ in outcomes] == [200, 200]
    succeeded = [
        i for i, (_, text) in enumerate(outcomes) if "Submitted. Here is your result." in text
    ]
    refused = [i for i, (_, text) in enumerate(outcomes) if "was submitted by" in text]
    assert len(succeeded) == 1 and len(refused) == 1
    draft.refresh_from_db()
    assert draft.is_submitted
    assert draft.submitted_by == members[succeeded[0]]
    refusal = outcomes[refused[0]][1]
    assert f"was submitted by {members[succeeded[0]].username}" in refusal, refusal[
        refusal.find("was submitted") - 80 :
    ][:300]
    assert draft.overall_percent == 60.0


class FailAfterWrite:
    """A database fault: the first statement writing to `table` (with `value` among its
    parameters, if given) runs, then the connection raises, as a dropped connection or a
    full disk would half-way through a request."""

    def __init__(self, table, value=None):
        self.table = table
        self.value = value
        self.fired = False

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        lowered = sql.lower()
        if (
            not self.fired
            and self.table in lowered
            and lowered.lstrip().startswith(("insert", "update"))
            and (self.value is None or self.value in [str(p) for p in params or ()])
        ):
            self.fired = True
            raise DatabaseError(f"injected fault after writing to {self.table}")
        return result


def snapshot(assessment):
    assessment = Assessment.objects.get(pk=assessment.pk)
    answers = sorted(
        Answer.objects.filter(assessment=assessment).values_list(
            "question_id", "score", "not_applicable", "notes", "version", "updated_at"
        )
    )
    return (
        assessment.status,
        assessment.updated_at,
        assessment.result,
        assessment.submitted_at,
        answers,
    )


def test_a_fault_in_the_middle_of_a_save_leaves_the_database_as_it_was(dora, crowd):
    members, draft = crowd
    page = questions_of(dora)[:5]
    answers = {
        page[0].pk: Answer.objects.create(
            assessment=draft, question=page[0], score=2, updated_at=draft.updated_at
        )
    }
    before = snapshot(draft)
    client = Client(raise_request_exception=True)
    client.force_login(members[0])
    data = page_data(
        page,
        answers,
        go="save",
        **{
            f"q{page[0].pk}-choice": "4",
            f"q{page[1].pk}-choice": "5",
            f"q{page[2].pk}-choice": "1",
        },
    )
    fault = FailAfterWrite("assessments_answer")
    with connection.execute_wrapper(fault), pytest.raises(DatabaseError, match="injected fault"):
        client.post(reverse("assessments:answer", args=[draft.pk, 1]), data)
    assert fault.fired
    assert snapshot(draft) == before


def test_a_fault_in_the_middle_of_a_submit_leaves_the_draft_as_it_was(dora, crowd):
    members, draft = crowd
    answer_all(draft, 4)
    before = snapshot(draft)
    client = Client(raise_request_exception=True)
    client.force_login(members[0])
    fault = FailAfterWrite("assessments_assessment", value="submitted")  # the result row
    with connection.execute_wrapper(fault), pytest.raises(DatabaseError, match="injected fault"):
        client.post(reverse("assessments:submit", args=[draft.pk]))
    assert fault.fired
    assert snapshot(draft) == before
    assert Assessment.objects.get(pk=draft.pk).is_draft
