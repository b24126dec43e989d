from contextlib import ExitStack
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from delivery.imports import ImportRefused, import_delivery
from delivery.models import Receipt
from teams.models import Team


class Command(BaseCommand):
    help = (
        "Import a team's delivery data from CSV files (see delivery/imports.py for the "
        "columns). Every file is checked in full first; on any problem nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("team", help="The team's slug.")
        for name in ("deployments", "changes", "incidents"):
            parser.add_argument(f"--{name}", metavar="FILE", help=f"{name}.csv")

    def handle(self, team, **options):
        found = Team.objects.filter(slug=team).first()
        if found is None:
            raise CommandError(f"No team with the slug {team!r}.")
        paths = {n: options[n] for n in ("deployments", "changes", "incidents") if options[n]}
        if not paths:
            raise CommandError("Give at least one of --deployments, --changes, --incidents.")
        with ExitStack() as files:
            streams = {}
            for name, path in paths.items():
                try:
                    streams[name] = files.enter_context(Path(path).open("rb"))
                except OSError as error:
                    raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
            try:
                imported = import_delivery(
                    found, streams, channel=Receipt.Channel.COMMAND, sender="manage.py"
                )
            except ImportRefused as refused:
                for problem in refused.problems:
                    self.stderr.write(problem)
                raise CommandError(
                    f"{len(refused.problems)} problem(s); nothing was imported."
                ) from None
        self.stdout.write(self.style.SUCCESS(f"For {found}: {imported.summary()}"))
        for note in imported.notes:
            self.stdout.write(self.style.WARNING(note))
