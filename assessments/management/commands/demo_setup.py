from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from assessments.models import Assessment, Membership, Team
from assessments.services import AnswerInput, answers_save, assessment_start, assessment_submit
from frameworks.models import Framework
from frameworks.tree import framework_tree

DEMO_TEAM = ("Demo Team", "demo-team")
DEMO_USERS = ("demo", "staff")


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
        self.stdout.write(
            "\nDemo logins:\n"
            f"  team member:  demo / {password}   (member of {team.name})\n"
            f"  staff:        staff / {password}  (edits frameworks, teams and users in /admin/)\n"
        )

    def add_examples(self, team, member):
        """Three submitted DORA assessments a quarter apart and a draft, so that results,
        the team's trend and comparisons have something to show."""
        framework = Framework.objects.published().filter(slug="dora").order_by("-version").first()
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
            when = now - timedelta(days=30 * months_ago)
            title = f"DORA check – {team.name} – {timezone.localtime(when):%B %Y}"
            assessment = assessment_start(user=member, team=team, framework=framework, title=title)
            answers_save(
                assessment=assessment,
                user=member,
                changes=[
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
            assessment_submit(assessment=assessment, user=member)
            Assessment.objects.filter(pk=assessment.pk).update(
                created_at=when, updated_at=when, submitted_at=when
            )
        draft = assessment_start(user=member, team=team, framework=framework)
        answers_save(
            assessment=draft,
            user=member,
            changes=[AnswerInput(question.id, 4, False, "", "", 0) for question in questions[:7]],
        )
