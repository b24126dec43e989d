"""Staff edit frameworks in the admin; nobody else reaches it."""

import pytest
from django.urls import reverse

from frameworks.models import Domain, Framework, Question
from frameworks.tests.make import make_framework

pytestmark = pytest.mark.django_db


def admin_urls(framework):
    domain = framework.domains.first()
    gate = domain.gates.first()
    question = gate.questions.first()
    return [
        reverse("admin:index"),
        reverse("admin:frameworks_framework_changelist"),
        reverse("admin:frameworks_framework_add"),
        reverse("admin:frameworks_framework_change", args=[framework.pk]),
        reverse("admin:frameworks_framework_outline", args=[framework.pk]),
        reverse("admin:frameworks_domain_changelist"),
        reverse("admin:frameworks_domain_change", args=[domain.pk]),
        reverse("admin:frameworks_gate_changelist"),
        reverse("admin:frameworks_gate_change", args=[gate.pk]),
        reverse("admin:frameworks_question_changelist"),
        reverse("admin:frameworks_question_add"),
        reverse("admin:frameworks_question_change", args=[question.pk]),
        reverse("admin:frameworks_question_changelist")
        + f"?framework={framework.pk}&domain={domain.pk}&q=Question",
    ]


def test_every_framework_admin_page_opens_for_staff(staff_client):
    framework = make_framework()
    for url in admin_urls(framework):
        assert staff_client.get(url).status_code == 200, url


def test_the_admin_is_refused_to_team_members_and_anonymous_visitors(client, user):
    framework = make_framework()
    for url in admin_urls(framework):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response.url, url
    client.force_login(user)
    for url in admin_urls(framework):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response.url, url


def test_question_search_finds_questions_by_text(staff_client):
    make_framework(questions=(2, 1))
    response = staff_client.get(reverse("admin:frameworks_question_changelist") + "?q=Question+1.2")
    assert list(response.context["cl"].result_list) == list(
        Question.objects.filter(text="Question 1.2?")
    )


def test_the_outline_shows_the_whole_framework_with_weights_and_counts(staff_client):
    framework = make_framework(weights=(70, 30), questions=(3, 1))
    response = staff_client.get(reverse("admin:frameworks_framework_outline", args=[framework.pk]))
    text = response.content.decode()
    assert "70%" in text and "30%" in text
    assert "4 questions" in text
    assert "Question 1.3?" in text and "Level 5 of 2.1" in text
    assert "The integrity check passes." in text


def test_a_framework_failing_the_integrity_check_shows_its_problems_to_staff(staff_client):
    framework = make_framework(published=False)
    Domain.objects.filter(framework=framework, position=1).update(weight=50)
    change = staff_client.get(reverse("admin:frameworks_framework_change", args=[framework.pk]))
    assert "domain weights sum to 90 (50 + 40), not 100" in change.content.decode()
    listing = staff_client.get(reverse("admin:frameworks_framework_changelist"))
    assert "1 problem" in listing.content.decode()


def domain_post_data(domain, **changes):
    gates = list(domain.gates.all())
    data = {
        "framework": domain.framework_id,
        "position": domain.position,
        "name": domain.name,
        "description": domain.description,
        "weight": str(domain.weight),
        "gates-TOTAL_FORMS": len(gates),
        "gates-INITIAL_FORMS": len(gates),
        "gates-MIN_NUM_FORMS": 0,
        "gates-MAX_NUM_FORMS": 1000,
    }
    for i, gate in enumerate(gates):
        data.update(
            {
                f"gates-{i}-id": gate.pk,
                f"gates-{i}-domain": domain.pk,
                f"gates-{i}-position": gate.position,
                f"gates-{i}-name": gate.name,
                f"gates-{i}-description": gate.description,
            }
        )
    data.update(changes)
    return data


def test_staff_edit_a_domain_and_the_framework_stays_published_when_sound(staff_client):
    framework = make_framework()
    before = framework.content_version
    domain = framework.domains.get(position=1)
    response = staff_client.post(
        reverse("admin:frameworks_domain_change", args=[domain.pk]),
        domain_post_data(domain, name="Renamed domain"),
    )
    assert response.status_code == 302
    framework.refresh_from_db()
    domain.refresh_from_db()
    assert domain.name == "Renamed domain"
    assert framework.is_published
    assert framework.content_version != before


def test_an_edit_that_breaks_a_published_framework_unpublishes_it_with_the_reason(staff_client):
    framework = make_framework()
    domain = framework.domains.get(position=1)
    response = staff_client.post(
        reverse("admin:frameworks_domain_change", args=[domain.pk]),
        domain_post_data(domain, weight="50"),
        follow=True,
    )
    framework.refresh_from_db()
    assert not framework.is_published
    assert (
        "was unpublished because it no longer passes the integrity check"
        in response.content.decode()
    )
    assert "domain weights sum to 90" in response.content.decode()


def test_the_publish_action_refuses_a_broken_framework(staff_client):
    sound = make_framework(slug="sound", published=False)
    broken = make_framework(slug="broken", published=False)
    Domain.objects.filter(framework=broken, position=2).delete()
    response = staff_client.post(
        reverse("admin:frameworks_framework_changelist"),
        {"action": "publish", "_selected_action": [sound.pk, broken.pk]},
        follow=True,
    )
    assert Framework.objects.get(pk=sound.pk).is_published
    assert not Framework.objects.get(pk=broken.pk).is_published
    assert "was not published" in response.content.decode()


def test_unpublishing_asks_first_and_says_what_it_stops(staff_client):
    framework = make_framework(slug="live", name="Live")
    url = reverse("admin:frameworks_framework_changelist")
    asked = staff_client.post(url, {"action": "unpublish", "_selected_action": [framework.pk]})
    page = asked.content.decode()
    assert asked.status_code == 200 and "Yes, unpublish" in page
    assert "no team can start a new assessment" in page
    assert Framework.objects.get(pk=framework.pk).is_published  # nothing changed yet
    done = staff_client.post(
        url,
        {"action": "unpublish", "_selected_action": [framework.pk], "confirmed": "yes"},
        follow=True,
    )
    assert "1 framework(s) unpublished." in done.content.decode()
    assert not Framework.objects.get(pk=framework.pk).is_published


def test_readable_names_for_every_model():
    framework = make_framework(name="Alpha", version="2.1")
    domain = framework.domains.get(position=1)
    gate = domain.gates.get()
    question = gate.questions.first()
    assert str(framework) == "Alpha 2.1"
    assert str(domain) == "1. Domain 1"
    assert str(gate) == "test-framework 2.1 · Domain 1 / Gate 1"
    assert str(question) == "Topic 1.1: Question 1.1?"
    assert str(question.guidance.get(score=3)) == "Score 3: Level 3 of 1.1"
    assert str(framework.levels.get(level=5)) == "5. Elite (from 80%)"


def test_staff_link_a_question_to_the_key_metrics_it_drives(staff_client):
    framework = make_framework()
    question = Question.objects.filter(gate__domain__framework=framework).first()
    url = reverse("admin:frameworks_question_change", args=[question.pk])
    page = staff_client.get(url).content.decode()
    assert 'type="checkbox" name="key_metrics" value="time_to_restore"' in page
    guidance = list(question.guidance.order_by("score"))
    data = {
        "gate": question.gate_id,
        "position": question.position,
        "topic": question.topic,
        "text": question.text,
        "why_it_matters": question.why_it_matters,
        "benchmark_note": "",
        "key_metrics": ["time_to_restore", "lead_time"],
        "guidance-TOTAL_FORMS": len(guidance),
        "guidance-INITIAL_FORMS": len(guidance),
        "guidance-MIN_NUM_FORMS": 0,
        "guidance-MAX_NUM_FORMS": 6,
    }
    for i, item in enumerate(guidance):
        data.update(
            {
                f"guidance-{i}-id": item.pk,
                f"guidance-{i}-question": question.pk,
                f"guidance-{i}-score": item.score,
                f"guidance-{i}-description": item.description,
                f"guidance-{i}-example": item.example,
                f"guidance-{i}-performance_label": item.performance_label,
            }
        )
    assert staff_client.post(url, data).status_code == 302
    question.refresh_from_db()
    assert question.key_metrics == ["lead_time", "time_to_restore"]  # in DORA's order
    data["key_metrics"] = ["speed"]
    assert staff_client.post(url, data).status_code == 200  # refused with the form again
    question.refresh_from_db()
    assert question.key_metrics == ["lead_time", "time_to_restore"]


def test_the_admin_numbers_questions_as_the_site_does_and_greets_in_plain_case(staff_client):
    framework = make_framework()
    page = staff_client.get(
        reverse("admin:frameworks_question_changelist") + f"?framework={framework.pk}"
    ).content.decode()
    assert ">Q1</a>" in page and ">Q2</a>" in page and "1.1.1" not in page
    assert "/static/css/admin.css" in page  # #user-tools { text-transform: none; }
