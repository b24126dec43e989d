"""The team's delivery data on its pages: the evidence beside each headline question while
answering, the month-by-month levels and last arrivals on the team page, the overview's
count of disagreements, and API tokens made and revoked by members."""

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.tests.make import (
    make_assessment,
    make_team,
    make_user,
    make_viewer,
    submitted_assessment,
)
from assessments.tests.test_results import dora_scores
from delivery.models import Deployment, Receipt
from delivery.tests.test_imports import recent_history
from teams.models import TeamToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(team):
    return team.members.get()


def test_the_headline_question_shows_what_the_data_says_and_follows_new_data(
    client, dora, team, member
):
    draft = make_assessment(team=team, framework=dora, user=member)
    client.force_login(member)
    first_step = reverse("assessments:answer", args=[draft.pk, 1])
    assert "Your data" not in client.get(first_step).content.decode()  # no data yet
    recent_history(team)  # 3 deployments a week for 12 weeks
    page = client.get(first_step).content.decode()
    headline = page.split("<fieldset")[1]  # the step's first question: deployment frequency
    # Over the days since the first deployment, not the whole 91-day window.
    assert "Your data" in headline and "3.0 deployments a week" in headline
    assert "(since the first)" in headline
    assert "level-high" in headline.split("Your data")[1] and "score 4" in headline
    assert "36 successful of 36 production deployments" in headline
    assert f'href="/teams/{team.slug}/delivery/measured/">How was this measured?' in headline
    assert "(rules version 2)" in headline
    assert page.count("Your data") == 1  # only the headline question
    # New data shows at once, though the team's answers (and revision) did not change.
    recent_history(team, weeks=1)  # sends 3 of the same deployments again: no change
    Deployment.objects.filter(team=team).count()
    more = "\n".join(
        f"x{n},api,production,{(timezone.now() - timezone.timedelta(hours=n + 1)).isoformat()},"
        "success,false"
        for n in range(100)
    )
    from delivery.tests.test_imports import DEPLOYMENTS, csv, import_delivery

    import_delivery(team, {"deployments": csv(DEPLOYMENTS + more + "\n")})
    assert "136 successful of 136 production deployments" in client.get(first_step).content.decode()
    # Later steps have no headline question; a second viewer sees the same evidence.
    assert (
        "Your data"
        not in client.get(reverse("assessments:answer", args=[draft.pk, 5])).content.decode()
    )


def test_the_team_page_shows_levels_by_month_and_the_last_arrivals(client, dora, team, member):
    client.force_login(member)
    url = reverse("assessments:team_detail", args=[team.slug])
    assert "No delivery data yet" in client.get(url).content.decode()
    recent_history(team)
    page = client.get(url).content.decode()
    assert "Measured key-metric levels by month" in page
    assert "Last received: " in page and "deployments " in page and "CSV upload, pat" in page
    table = page.split('aria-label="Measured key metrics by month"')[1].split("</table>")[0]
    this_month = timezone.now().strftime("%b %Y")
    assert this_month in table
    assert table.count("<tr>") == 13  # the header and twelve months
    with_data = [row for row in table.split("<tr>")[2:] if "deployments a week" in row]
    # Twelve weeks span three or four calendar months; before the first deployment the
    # team's tools were not reporting, so those months show nothing rather than Low.
    assert len(with_data) in (3, 4)


def test_the_team_pages_delivery_section_costs_the_same_however_much_data(
    client, dora, team, member, django_assert_num_queries
):
    recent_history(team, weeks=2)
    client.force_login(member)
    url = reverse("assessments:team_detail", args=[team.slug])
    client.get(url)  # the framework's tree is kept; nothing else is
    # session, user, team, the user's teams (the access rule); its results and drafts,
    # members, the framework due next; when each kind of data last arrived and those
    # arrivals, the latest DORA result, its buckets' framework; the months: the
    # deployments' counts per month (their failures included), the changes' and the
    # incidents' middles per month, the first deployment; the improvement actions
    with django_assert_num_queries(16):
        client.get(url)
    recent_history(team, weeks=20)  # ten times the deployments and changes
    with django_assert_num_queries(16):
        page = client.get(url).content.decode()
    assert "from 60 deployments" not in page  # months, not the window
    assert page.count("deployments a week") >= 5


def test_the_overview_counts_where_answers_and_data_disagree(client, dora, team, member):
    recent_history(team, failures=9)
    submitted_assessment(
        team=team,
        framework=dora,
        user=member,
        scores=dora_scores(d1=[5, 3, 3, 3, 3], d3=[5, 3, 3, 3]),
    )
    other = make_team("Search", members=[make_user("sam")])
    submitted_assessment(team=other, framework=dora, user=other.members.get(), scores=dora_scores())
    client.force_login(make_viewer("vera"))
    page = client.get(reverse("assessments:overview")).content.decode()
    assert "Answers vs data" in page
    payments = page.split(">Payments</a>")[1].split("</tr>")[0]
    # Frequency (answered Elite, measured High), lead time (Medium, High: 30 hours) and
    # change failure rate (Elite, Medium: 25%).
    assert '<span class="badge text-bg-warning">3</span> disagree' in payments
    search = page.split(">Search</a>")[1].split("</tr>")[0]
    assert "disagree" not in search  # it sends no data: nothing to disagree with
    response = client.get(reverse("assessments:overview_csv"))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "key metrics where answers and data disagree" in text.splitlines()[0]


def test_members_make_a_token_shown_once_and_revoke_it(client, team, member):
    client.force_login(member)
    url = reverse("assessments:tokens", args=[team.slug])
    delivery_page = reverse("assessments:delivery", args=[team.slug])
    response = client.post(url, {"name": "GitHub Actions"})
    # Redirected after the POST, so a reload cannot make a second token.
    assert response.status_code == 302 and response["Location"] == delivery_page + "#tokens"
    shown = client.get(delivery_page)
    assert "no-store" in shown["Cache-Control"]
    token = TeamToken.objects.get()
    key = shown.content.decode().split('id="new-token" type="text" readonly value="')[1]
    key = key.split('"')[0]
    assert token.digest == TeamToken.digest_of(key) and key not in token.digest
    assert token.created_by == member and token.name == "GitHub Actions"
    assert 'data-copy="new-token"' in shown.content.decode()
    page = client.get(delivery_page).content.decode()
    assert key not in page and token.prefix in page  # never shown again
    assert "no-store" not in client.get(delivery_page).get("Cache-Control", "")
    assert 'data-confirm="Revoke the token “GitHub Actions”?' in page
    api = reverse("api-deployments", args=[team.slug])
    deployment = {
        "id": "d1",
        "service": "api",
        "environment": "production",
        "finished_at": "2026-11-01T10:00:00Z",
        "status": "success",
        "rework": False,
        "changes": [],
    }
    client.logout()
    ok = client.post(
        api, deployment, content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}"
    )
    assert ok.status_code == 201
    assert Receipt.objects.get().sender == "token GitHub Actions"
    client.force_login(member)
    assert client.post(url, {"revoke": token.pk}).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    client.logout()
    refused = client.post(
        api, deployment, content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}"
    )
    assert refused.status_code == 401


def test_a_token_needs_a_name_and_only_members_manage_tokens(client, team, member):
    url = reverse("assessments:tokens", args=[team.slug])
    client.force_login(member)
    response = client.post(url, {"name": "  "})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    assert client.post(url, {"revoke": "12abc"}).status_code == 302
    other_team = make_team("Search", members=[make_user("sam")])
    theirs, _ = TeamToken.issue(team=other_team, name="CI")
    client.post(url, {"revoke": theirs.pk})  # another team's token, through this team
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert not TeamToken.objects.filter(team=team).exists()

    client.force_login(make_viewer("vera"))  # reads every team, belongs to none
    assert client.post(url, {"name": "Mine"}).status_code == 302
    assert client.post(url, {"revoke": theirs.pk}).status_code == 302
    page = client.get(reverse("assessments:delivery", args=[team.slug])).content.decode()
    assert "Make a token" not in page
    client.force_login(other_team.members.get())
    assert client.post(url, {"name": "Mine"}).status_code == 404
    assert client.get(url).status_code == 404  # not their team: the access rule's 404
    client.force_login(member)
    assert client.get(url)["Location"].endswith("/delivery/#tokens")  # no blank 405 page
    theirs.refresh_from_db()
    assert theirs.revoked_at is None and TeamToken.objects.count() == 1


def test_staff_see_delivery_rows_in_the_admin_but_cannot_write_them(client, team):
    recent_history(team, weeks=1)
    admin = make_user("root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    deployment = Deployment.objects.first()
    assert client.get(reverse("admin:delivery_deployment_changelist")).status_code == 200
    assert client.get(reverse("admin:delivery_receipt_changelist")).status_code == 200
    assert client.get(reverse("admin:delivery_deployment_add")).status_code == 403
    page = client.get(reverse("admin:delivery_deployment_change", args=[deployment.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    delete = reverse("admin:delivery_deployment_delete", args=[deployment.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Deployment.objects.filter(pk=deployment.pk).exists()


def test_readers_page_through_the_stored_rows_and_members_withdraw_an_arrival(client, team):
    from delivery.models import Change
    from delivery.tests.test_imports import DEPLOYMENTS, csv, import_delivery

    recent_history(team, weeks=20)  # 60 deployments: two pages of 50
    mistake = "\n".join(
        f"m{n},api,production,{(timezone.now() - timezone.timedelta(hours=n + 1)).isoformat()},"
        "success,false"
        for n in range(3)
    )
    import_delivery(team, {"deployments": csv(DEPLOYMENTS + mistake + "\n")})
    wrong = Receipt.objects.filter(team=team, kind="deployments").latest("pk")
    rows = reverse("assessments:delivery_rows", args=[team.slug])

    client.force_login(make_viewer("vera"))  # reads every team, belongs to none
    page = client.get(rows)
    assert page.status_code == 200 and "63 deployments, newest first" in page.content.decode()
    assert "Page 1 of 2" in page.content.decode()
    assert "<code>d59</code>" in client.get(rows + "?kind=deployments&page=2").content.decode()
    assert "120 changes" in client.get(rows + "?kind=changes").content.decode()
    assert "Withdraw…" not in page.content.decode()
    withdraw = reverse("assessments:arrival_withdraw", args=[team.slug, wrong.pk])
    assert client.post(withdraw).status_code == 302  # refused: not a member
    assert Deployment.objects.filter(team=team).count() == 63

    client.force_login(team.members.get())
    asked = client.get(withdraw).content.decode()
    assert "Withdraw 3 deployments" in asked  # asks first, saying what goes
    done = client.post(withdraw, follow=True).content.decode()
    assert "Withdrew 3 deployments" in done and "withdrawn" in done
    assert Deployment.objects.filter(team=team).count() == 60
    assert not Deployment.objects.filter(external_id__startswith="m").exists()
    wrong.refresh_from_db()
    assert wrong.withdrawn_at is not None and wrong.withdrawn_by == "pat"

    # Withdrawing the history's deployments leaves their changes unshipped.
    history = Receipt.objects.filter(team=team, kind="deployments").earliest("pk")
    client.post(reverse("assessments:arrival_withdraw", args=[team.slug, history.pk]))
    assert not Deployment.objects.filter(team=team).exists()
    assert not Change.objects.filter(team=team, shipped_at__isnull=False).exists()
    other = make_team("Search", members=[make_user("sam")])
    theirs = Receipt.objects.create(team=other, kind="deployments", channel="api", rows=0)
    assert (
        client.get(reverse("assessments:arrival_withdraw", args=[team.slug, theirs.pk])).status_code
        == 404
    )


def test_the_stored_rows_page_costs_the_same_however_much_data(
    client, team, django_assert_num_queries
):
    client.force_login(team.members.get())
    url = reverse("assessments:delivery_rows", args=[team.slug]) + "?kind=changes"
    recent_history(team, weeks=2)
    # session, user, team, the user's teams (the access rule); the rows' count and page of
    # them, the latest arrivals
    with django_assert_num_queries(7):
        client.get(url)
    recent_history(team, weeks=30)
    with django_assert_num_queries(7):
        assert "180 changes" in client.get(url).content.decode()
