from django.core.management.base import BaseCommand, CommandError

from frameworks.documents import dump_document, export_document
from frameworks.models import Framework
from frameworks.tree import load_tree


class Command(BaseCommand):
    help = "Write one framework version as a framework document (JSON) to stdout or a file."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("version")
        parser.add_argument("-o", "--output", help="Write to this file instead of stdout.")

    def handle(self, slug, version, output=None, **options):
        try:
            framework = Framework.objects.get(slug=slug, version=version)
        except Framework.DoesNotExist:
            raise CommandError(f"No framework {slug} version {version}.") from None
        text = dump_document(export_document(load_tree(framework)))
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stderr.write(f"Wrote {framework} to {output}.")
        else:
            self.stdout.write(text, ending="")
