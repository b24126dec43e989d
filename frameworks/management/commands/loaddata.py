"""Django's loaddata, plus the framework integrity check.

Fixtures are one of the places frameworks come from, so a fixture that would leave a
published framework broken (weights that do not sum to 100, a question without guidance
for every score, ...) is refused, and because Django loads fixtures in one transaction,
nothing of it is written.
"""

from django.core.management.base import CommandError
from django.core.management.commands import loaddata

from frameworks.models import Framework
from frameworks.services import framework_content_changed, frameworks_published_problems


class Command(loaddata.Command):
    help = loaddata.Command.help + " Published frameworks must pass the integrity check."

    def loaddata(self, fixture_labels):
        super().loaddata(fixture_labels)
        if not any(model._meta.app_label == "frameworks" for model in self.models):
            return
        framework_content_changed(framework_ids=Framework.objects.values_list("pk", flat=True))
        problems = frameworks_published_problems()
        if problems:
            raise CommandError(
                "Problem installing fixtures: a published framework fails the integrity "
                "check, so nothing was loaded:\n" + "\n".join(problems)
            )
