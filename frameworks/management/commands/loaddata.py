"""Django's loaddata, plus the framework integrity check and the lock on used frameworks.

Fixtures are one of the places frameworks come from, so a fixture that would leave a
published framework broken (weights that do not sum to 100, a question without guidance
for every score, ...) or change the structure or weights of a framework version that
submitted assessments use is refused; because Django loads fixtures in one transaction,
nothing of it is written.
"""

from django.core.management.base import CommandError
from django.core.management.commands import loaddata

from frameworks.models import Framework
from frameworks.services import (
    framework_content_changed,
    frameworks_published_problems,
    structure_signature,
)
from frameworks.tree import load_tree


def _used_signatures() -> dict:
    used = Framework.objects.filter(assessments__status="submitted").distinct()
    return {framework: structure_signature(load_tree(framework)) for framework in used}


class Command(loaddata.Command):
    help = loaddata.Command.help + " Published frameworks must pass the integrity check."

    def loaddata(self, fixture_labels):
        before = _used_signatures()
        super().loaddata(fixture_labels)
        if not any(model._meta.app_label == "frameworks" for model in self.models):
            return
        changed = [
            str(framework)
            for framework, signature in before.items()
            if structure_signature(load_tree(framework)) != signature
        ]
        if changed:
            raise CommandError(
                "Problem installing fixtures: it changes the structure, weights or scores of "
                f"{', '.join(changed)}, which submitted assessments use, so nothing was "
                "loaded. Load it as a new version instead."
            )
        framework_content_changed(framework_ids=Framework.objects.values_list("pk", flat=True))
        problems = frameworks_published_problems()
        if problems:
            raise CommandError(
                "Problem installing fixtures: a published framework fails the integrity "
                "check, so nothing was loaded:\n" + "\n".join(problems)
            )
