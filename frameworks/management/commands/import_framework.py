import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from frameworks.documents import DocumentInvalid, parse_document
from frameworks.models import Framework
from frameworks.services import FrameworkExists, framework_import


class Command(BaseCommand):
    help = (
        "Create a framework version from a framework document (JSON). The document is checked "
        "in full first; any problem is reported with its location and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The document, or - for stdin.")
        parser.add_argument(
            "--as-version", default="", help="Import as this version instead of the document's."
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace an existing version of the same number, if no assessment uses it.",
        )
        parser.add_argument("--publish", action="store_true", help="Publish it at once.")

    def handle(self, file, as_version, replace, publish, **options):
        if file == "-":
            raw = sys.stdin.buffer.read()
        else:
            try:
                raw = Path(file).read_bytes()
            except OSError as error:
                raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        try:
            tree = parse_document(raw, version=as_version)
            was_published = Framework.objects.filter(
                slug=tree.slug, version=tree.version, is_published=True
            ).exists()
            framework = framework_import(tree=tree, replace=replace, publish=publish)
        except DocumentInvalid as invalid:
            for problem in invalid.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"{len(invalid.problems)} problem(s) in {file}; nothing was imported."
            ) from None
        except FrameworkExists as exists:
            raise CommandError(str(exists)) from None
        state = "published" if framework.is_published else "a draft (not published)"
        if replace and was_published and not framework.is_published:
            self.stderr.write(
                "Note: the version it replaced was published; this one is a draft until you "
                "publish it (in the admin, or import again with --replace --publish)."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {framework}: {len(tree.domains)} domains, {len(tree.questions)} "
                f"questions; it is {state}."
            )
        )
