"""Django's loaddata, plus the framework integrity check, the lock on used frameworks and
the content versions.

Fixtures are one of the places frameworks come from, so a fixture that would leave a
published framework broken (weights that do not sum to 100, a question without guidance
for every score, ...) or change the structure or weights of a framework version that
submitted assessments use is refused; because Django loads fixtures in one transaction,
nothing of it is written.

loaddata saves rows raw, past the hooks that renew a framework's content version
(frameworks/content_version.py), so the command compares every framework's content before
and after the load: a framework whose content changed gets a new version, one whose content
did not keeps the version it had (reloading a fixture or a backup renews nothing), and a
framework new to this database keeps the version it was loaded with.
"""

import uuid

from django.core.management.base import CommandError
from django.core.management.commands import loaddata

from frameworks.documents import export_document
from frameworks.models import Framework
from frameworks.services import frameworks_published_problems, structure_signature
from frameworks.tree import load_tree


def _contents() -> dict[int, tuple]:
    """Each framework's content version and content, by id."""
    return {
        framework.pk: (framework.content_version, export_document(load_tree(framework)))
        for framework in Framework.objects.all()
    }


def _used_signatures() -> dict:
    used = Framework.objects.filter(assessments__status="submitted").distinct()
    return {framework: structure_signature(load_tree(framework)) for framework in used}


class Command(loaddata.Command):
    help = loaddata.Command.help + " Published frameworks must pass the integrity check."

    def loaddata(self, fixture_labels):
        before = _contents()
        used = _used_signatures()
        super().loaddata(fixture_labels)
        if not any(model._meta.app_label == "frameworks" for model in self.models):
            return
        changed = [
            str(framework)
            for framework, signature in used.items()
            if structure_signature(load_tree(framework)) != signature
        ]
        if changed:
            raise CommandError(
                "Problem installing fixtures: it changes the structure, weights or scores of "
                f"{', '.join(changed)}, which submitted assessments use, so nothing was "
                "loaded. Load it as a new version instead."
            )
        self._keep_or_renew_versions(before)
        problems = frameworks_published_problems()
        if problems:
            raise CommandError(
                "Problem installing fixtures: a published framework fails the integrity "
                "check, so nothing was loaded:\n" + "\n".join(problems)
            )

    def _keep_or_renew_versions(self, before: dict) -> None:
        for pk, (version, content) in _contents().items():
            if pk not in before:
                continue  # new here: it keeps the version it was loaded with
            old_version, old_content = before[pk]
            wanted = old_version if content == old_content else uuid.uuid4()
            if wanted != version:
                Framework._base_manager.filter(pk=pk).update(content_version=wanted)
