import random
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from assessments.models import Assessment
from assessments.respondents import assessment_reveal, respondent_finish
from assessments.services import AnswerInput, answers_save, assessment_start, assessment_submit
from delivery.models import Receipt
from delivery.services import delivery_store
from frameworks.models import Framework
from frameworks.tree import framework_tree
from teams.models import Membership, Team

DEMO_TEAM = ("Demo Team", "demo-team")
# Other teams of the demo organisation, so that the overview and the organisation's pages
# show something real: (name, slug, its one member's user name, (months ago, typical score)
# of each submitted DORA assessment). Their members cannot sign in (no usable password).
OTHER_TEAMS = (
    ("Payments", "demo-payments", "demo-payments", ((8, 3.2), (4, 3.6), (1, 4.1))),
    ("Search", "demo-search", "demo-search", ((10, 1.4), (2, 1.9))),
    ("Mobile", "demo-mobile", "demo-mobile", ()),
)
# Payments' teammates, who answered one assessment each on their own, then together.
RESPONDENTS = ("demo-payments-2", "demo-payments-3", "demo-payments-4")
DEMO_USERS = ("demo", "staff", *(user for _, _, user, _ in OTHER_TEAMS), *RESPONDENTS)


class Command(BaseCommand):
    help = (
        "Create (or reset) a demo team with a member login and a staff login, and print both. "
        "For local use only: refused when DEBUG is off, on a database other than SQLite, or on "
        "one that holds users other than the demo ones, unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--password", default="dora-demo", help="Password for both logins.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off, on a non-SQLite database or beside other users.",
        )
        parser.add_argument(
            "--no-examples",
            action="store_true",
            help="Do not give the demo team its example history of DORA assessments.",
        )

    @staticmethod
    def refusal(User) -> str:
        """Why this database must not get demo logins, or "" when it may."""
        vendor = connection.vendor
        if vendor != "sqlite":
            return f"this is a {vendor} database, not the local SQLite one"
        others = User.objects.exclude(username__in=DEMO_USERS).count()
        if others:
            return f"this database holds {others} other user{'s' if others > 1 else ''}"
        return ""

    @transaction.atomic
    def handle(self, *args, password, force, no_examples, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "demo_setup creates logins with a known password; it runs only with DEBUG=1 "
                "(or --force)."
            )
        User = get_user_model()
        if not force:
            refusal = self.refusal(User)
            if refusal:
                raise CommandError(
                    f"demo_setup creates logins with a known password, and {refusal}; "
                    "nothing was changed. Give --force to do it anyway."
                )
        team, _ = Team.objects.get_or_create(slug=DEMO_TEAM[1], defaults={"name": DEMO_TEAM[0]})
        member, _ = User.objects.get_or_create(
            username="demo", defaults={"first_name": "Demo", "last_name": "Member"}
        )
        member.set_password(password)
        member.is_active = True
        member.save()
        Membership.objects.get_or_create(team=team, user=member)
        staff, _ = User.objects.get_or_create(
            username="staff", defaults={"first_name": "Demo", "last_name": "Staff"}
        )
        staff.is_staff = True
        staff.is_superuser = True
        staff.is_active = True
        staff.set_password(password)
        staff.save()
        if not no_examples and not team.assessments.exists():
            self.add_examples(team, member)
            self.add_delivery_examples(team)
            self.add_actions(team, member)
        if not no_examples:
            self.add_other_teams()
        self.stdout.write(
            "\nDemo logins:\n"
            f"  team member:  demo / {password}   (member of {team.name})\n"
            f"  staff:        staff / {password}  (edits frameworks, teams and users in /admin/)\n"
            f"  (the organisation has {Team.objects.count()} teams: staff see them all on the "
            "overview)\n"
        )

    def add_other_teams(self):
        """The demo organisation's other teams, each with its own history, made once."""
        framework = self.dora()
        if framework is None:
            return
        questions = framework_tree(framework).questions
        User = get_user_model()
        rng = random.Random(7)
        now = timezone.now()
        for name, slug, username, history in OTHER_TEAMS:
            team, created = Team.objects.get_or_create(slug=slug, defaults={"name": name})
            if not created:
                continue
            member = User.objects.create_user(username=username, first_name=name, last_name="Lead")
            member.set_unusable_password()
            member.save()
            Membership.objects.create(team=team, user=member)
            for months_ago, typical in history:
                scores = [max(0, min(5, round(rng.gauss(typical, 0.8)))) for _ in questions]
                self.submitted(
                    team,
                    member,
                    framework,
                    now - timedelta(days=30 * months_ago),
                    [
                        AnswerInput(question.id, score, False, "", "", 0)
                        for question, score in zip(questions, scores, strict=True)
                    ],
                )
            if slug == "demo-payments":
                self.answered_each(team, member, framework, now - timedelta(days=14), rng)

    def answered_each(self, team, member, framework, when, rng):
        """One assessment answered each on their own, then together, by four members."""
        User = get_user_model()
        people = [member]
        for username in RESPONDENTS:
            user = User.objects.create_user(username=username)
            user.set_unusable_password()
            user.save()
            Membership.objects.create(team=team, user=user)
            people.append(user)
        questions = framework_tree(framework).questions
        assessment = assessment_start(
            user=member,
            team=team,
            framework=framework,
            title=f"DORA check, each then together – {team.name}",
            mode=Assessment.Mode.EACH,
        )
        for person in people:
            answers_save(
                assessment=assessment,
                user=person,
                respondent=person,
                changes=[
                    AnswerInput(q.id, max(0, min(5, round(rng.gauss(4.1, 0.9)))), False, "", "", 0)
                    for q in questions
                ],
            )
            respondent_finish(assessment, person)
        assessment_reveal(assessment, member)
        assessment_submit(assessment=assessment, user=member)
        Assessment.objects.filter(pk=assessment.pk).update(
            created_at=when, updated_at=when, submitted_at=when, revealed_at=when
        )

    @staticmethod
    def dora():
        """The newest published DORA framework, which the examples answer (or None)."""
        return Framework.objects.published().filter(slug="dora").order_by("-version").first()

    @staticmethod
    def submitted(team, member, framework, when, answers: list[AnswerInput]) -> None:
        """An assessment of the team answered and submitted, dated `when`."""
        assessment = assessment_start(
            user=member,
            team=team,
            framework=framework,
            title=f"DORA check – {team.name} – {timezone.localtime(when):%B %Y}",
        )
        answers_save(assessment=assessment, user=member, changes=answers)
        assessment_submit(assessment=assessment, user=member)
        Assessment.objects.filter(pk=assessment.pk).update(
            created_at=when, updated_at=when, submitted_at=when
        )

    def add_delivery_examples(self, team):
        """Half a year of the team's deployments, the changes they shipped and the incidents
        they caused, as its CI would report them: deploying more often over time, with a
        failure now and then, so that the data has something to say beside the answers."""
        rng = random.Random(2026)
        now = timezone.now().replace(second=0, microsecond=0)
        deployments, changes, incidents = [], [], []
        moment = now - timedelta(days=182)
        number = 0
        while moment < now - timedelta(hours=2):
            number += 1
            failed = number % 9 == 4  # one in nine: a change failure rate of about 11%
            deployments.append(
                (
                    number,
                    {
                        "external_id": f"deploy-{number}",
                        "service": "web",
                        "environment": "production",
                        "finished_at": moment,
                        "status": "failure" if failed else "success",
                        "rework": rng.random() < 0.08,
                    },
                )
            )
            for change in range(rng.randint(1, 4)):
                changes.append(
                    (
                        len(changes) + 1,
                        {
                            "external_id": f"commit-{number}-{change}",
                            "committed_at": moment - timedelta(hours=rng.uniform(20, 150)),
                            "deployment_id": f"deploy-{number}",
                        },
                    )
                )
            if failed:
                opened = moment + timedelta(minutes=20)
                incidents.append(
                    (
                        len(incidents) + 1,
                        {
                            "external_id": f"INC-{len(incidents) + 1}",
                            "opened_at": opened,
                            "resolved_at": opened + timedelta(hours=rng.uniform(0.5, 30)),
                            "deployment_id": f"deploy-{number}",
                        },
                    )
                )
            # From about two deployments a week half a year ago to about five now.
            age = (now - moment) / timedelta(days=182)
            moment += timedelta(days=rng.uniform(0.6, 1.4) * (1.4 + 2.2 * age))
        delivery_store(
            team,
            {"deployments": deployments, "changes": changes, "incidents": incidents},
            channel=Receipt.Channel.COMMAND,
            sender="demo_setup",
        )

    def add_actions(self, team, member):
        """Two improvement actions from the latest result's first recommendations: one in
        progress, one planned, so the team page's Improvements have something to show."""
        from frameworks.models import Question

        from ...improvements import action_create, action_move
        from ...models import Assessment

        latest = Assessment.objects.filter(team=team, is_latest=True).first()
        if latest is None:
            return
        ranked = [item["question_id"] for item in latest.result["recommendations"][:2]]
        for n, question_id in enumerate(ranked):
            question = Question.objects.select_related("gate__domain").get(pk=question_id)
            action = action_create(
                team=team,
                user=member,
                framework=latest.framework,
                questions=[question],
                title=f"{question.topic}: one level up",
                plan="Agree the next step in the retrospective, then try it for a month.",
                key_metric=next(iter(question.key_metrics or []), ""),
                owner=member,
                due=timezone.now().date() + timedelta(days=30 * (n + 1)),
                source=latest,
            )
            if n == 0:
                action_move(action=action, user=member, status="in_progress")

    def add_examples(self, team, member):
        """Three submitted DORA assessments a quarter apart and a draft, so that results,
        the team's trend and comparisons have something to show."""
        framework = self.dora()
        if framework is None:
            return
        questions = framework_tree(framework).questions
        now = timezone.now()
        # One row per question: the scores of the three quarters (None = not applicable).
        history = [(1, 2, 3), (1, 2, 3), (1, 1, 2), (2, 2, 3), (2, 3, 3)]  # deployment
        history += [(1, 2, 3), (2, 3, 4), (1, 2, 2), (2, 2, 3), (1, 2, 3)]  # lead time
        history += [(2, 2, 3), (1, 2, 2), (2, 3, 3), (1, 2, 3)]  # change failure rate
        history += [(1, 2, 4), (2, 2, 3), (1, 3, 4), (2, 2, 2), (1, 1, 3)]  # time to restore
        history += [(1, 2, 3), (2, 3, 3), (1, 2, 2), (None, None, None), (2, 3, 4), (3, 3, 4)]
        for quarter, months_ago in enumerate((9, 6, 3)):
            self.submitted(
                team,
                member,
                framework,
                now - timedelta(days=30 * months_ago),
                [
                    AnswerInput(
                        question_id=question.id,
                        score=scores[quarter],
                        not_applicable=scores[quarter] is None,
                        not_applicable_reason=(
                            "The service has no separate architecture of its own"
                            if scores[quarter] is None
                            else ""
                        ),
                        notes="",
                        base_version=0,
                    )
                    for question, scores in zip(questions, history, strict=True)
                ],
            )
        draft = assessment_start(user=member, team=team, framework=framework)
        answers_save(
            assessment=draft,
            user=member,
            changes=[AnswerInput(question.id, 4, False, "", "", 0) for question in questions[:7]],
        )
