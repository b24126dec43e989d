from django.core.management.base import BaseCommand, CommandError

from teams.models import Team, TeamToken


class Command(BaseCommand):
    help = "Make an API token for one team's delivery endpoints, and print it (shown once)."

    def add_arguments(self, parser):
        parser.add_argument("team", help="The team's slug.")
        parser.add_argument("name", help="What uses it, such as 'GitHub Actions'.")

    def handle(self, team, name, **options):
        found = Team.objects.filter(slug=team).first()
        if found is None:
            raise CommandError(f"No team with the slug {team!r}.")
        if not name.strip() or len(name) > 100:
            raise CommandError("Give the token a name of 1 to 100 characters.")
        token, key = TeamToken.issue(team=found, name=name.strip())
        self.stdout.write(f"Token for {found} ({token.name}), shown this once:\n{key}")
