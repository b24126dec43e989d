from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assessments.models import Membership, Team

DEMO_TEAM = ("Demo Team", "demo-team")


class Command(BaseCommand):
    help = (
        "Create (or reset) a demo team with a member login and a staff login, and print both. "
        "For local use only: refused when DEBUG is off unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--password", default="dora-demo", help="Password for both logins.")
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    @transaction.atomic
    def handle(self, *args, password, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "demo_setup creates logins with a known password; it runs only with DEBUG=1 "
                "(or --force)."
            )
        User = get_user_model()
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
        self.stdout.write(
            "\nDemo logins:\n"
            f"  team member:  demo / {password}   (member of {team.name})\n"
            f"  staff:        staff / {password}  (edits frameworks, teams and users in /admin/)\n"
        )
