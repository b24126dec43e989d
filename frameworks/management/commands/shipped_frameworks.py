"""What differs between the frameworks shipped in fixtures/ and this database, and loading
one of them on request: the reviewable step that keeps staff's edits.

    manage.py shipped_frameworks                      # report only, writes nothing
    manage.py shipped_frameworks --apply mvp          # load a framework this site lacks
    manage.py shipped_frameworks --apply dora --overwrite-local-edits

A framework that this database lacks is "new"; one whose content matches its fixture is
"up to date"; one that differs "differs", with the places that differ: staff may have
edited it here, or a newer release may ship different text. Applying a framework that
differs replaces this site's text with the shipped one, so it needs
--overwrite-local-edits; publication stays as staff left it either way. `loaddata` remains
the command that seeds an empty database.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from frameworks.documents import export_document
from frameworks.models import Framework
from frameworks.tree import load_tree

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


class _Rollback(Exception):
    pass


def shipped() -> dict[str, tuple[Path, str, str]]:
    """Every shipped framework by slug: (fixture, slug, version)."""
    found = {}
    for path in sorted(FIXTURES.glob("*.json")):
        rows = json.loads(path.read_text(encoding="utf-8"))
        for row in rows:
            if row.get("model") == "frameworks.framework":
                fields = row["fields"]
                found[fields["slug"]] = (path, fields["slug"], fields["version"])
    return found


def _content(slug: str, version: str) -> dict | None:
    framework = Framework.objects.filter(slug=slug, version=version).first()
    return export_document(load_tree(framework))["framework"] if framework else None


def shipped_content(path: Path, slug: str, version: str) -> dict:
    """The framework as its fixture would leave it: loaded, read and rolled back."""
    result = {}
    try:
        with transaction.atomic():
            call_command("loaddata", str(path), verbosity=0)
            result["content"] = _content(slug, version)
            raise _Rollback
    except _Rollback:
        pass
    return result["content"]


def differences(here, there, where="") -> list[str]:
    """The places where two framework contents differ, as paths."""
    if isinstance(here, dict) and isinstance(there, dict):
        found = []
        for key in sorted(set(here) | set(there)):
            found += differences(here.get(key), there.get(key), f"{where}.{key}".lstrip("."))
        return found
    if isinstance(here, list) and isinstance(there, list):
        if len(here) != len(there):
            return [f"{where} ({len(here)} here, {len(there)} shipped)"]
        found = []
        for index, (a, b) in enumerate(zip(here, there, strict=True)):
            found += differences(a, b, f"{where}[{index}]")
        return found
    return [] if here == there else [where]


class Command(BaseCommand):
    help = (
        "Show how the frameworks shipped in fixtures/ differ from this database; with "
        "--apply, load the named ones (publication stays as it is)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--apply", nargs="+", default=[], metavar="SLUG")
        parser.add_argument(
            "--overwrite-local-edits",
            action="store_true",
            help="Apply even where this database's content differs from the shipped one.",
        )

    def handle(self, apply, overwrite_local_edits, **options):
        frameworks = shipped()
        unknown = [slug for slug in apply if slug not in frameworks]
        if unknown:
            raise CommandError(
                f"Not shipped: {', '.join(unknown)}. Shipped: {', '.join(sorted(frameworks))}."
            )
        for slug, (path, _, version) in sorted(frameworks.items()):
            here = _content(slug, version)
            try:
                there = shipped_content(path, slug, version)
            except CommandError as refused:
                self.stdout.write(f"{slug} {version} ({path.name}): cannot be loaded here")
                self.stdout.write(f"  {refused}")
                if slug in apply:
                    raise
                continue
            changed = differences(here, there) if here is not None else []
            state = "new" if here is None else ("differs" if changed else "up to date")
            label = f"{there['name']} {version} ({path.name})"
            self.stdout.write(f"{label}: {state}")
            for place in changed[:10]:
                self.stdout.write(f"  {place}")
            if len(changed) > 10:
                self.stdout.write(f"  ... and {len(changed) - 10} more")
            if slug in apply:
                self._apply(path, slug, version, state, overwrite_local_edits)

    def _apply(self, path, slug, version, state, overwrite) -> None:
        if state == "up to date":
            self.stdout.write("  nothing to apply")
            return
        if state == "differs" and not overwrite:
            raise CommandError(
                f"{slug} {version} differs from the shipped one, perhaps by edits made here; "
                "nothing was loaded. Add --overwrite-local-edits to replace them."
            )
        before = Framework.objects.filter(slug=slug, version=version).first()
        with transaction.atomic():
            call_command("loaddata", str(path), verbosity=0)
            if before is not None:  # publication is staff's decision, not the fixture's
                Framework.objects.filter(pk=before.pk).update(is_published=before.is_published)
        self.stdout.write(self.style.SUCCESS(f"  applied {path.name}"))
