"""Django's loaddata, plus what a site's frameworks need of it: the integrity check, the lock
on used frameworks and new content versions.

Fixtures are one of the places frameworks come from, so a fixture that would leave a
published framework broken (weights that do not sum to 100, a question without guidance
for every score, ...) or change the structure or weights of a framework version that
submitted assessments use is refused; because Django loads fixtures in one transaction,
nothing of it is written. Every framework whose rows the fixture wrote gets a new content
version (services.content_version_renew), so no process keeps showing its old tree.
"""

from django.core.management.base import CommandError
from django.core.management.commands import loaddata

from frameworks.models import Domain, Framework, Gate, MaturityLevel, Question, ScoreGuidance
from frameworks.services import (
    content_version_renew,
    frameworks_published_problems,
    structure_signature,
)
from frameworks.tree import load_tree

# How the rows of each content model lead to their framework.
FRAMEWORK_PATHS = {
    Framework: "pk",
    Domain: "framework_id",
    MaturityLevel: "framework_id",
    Gate: "domain__framework_id",
    Question: "gate__domain__framework_id",
    ScoreGuidance: "question__gate__domain__framework_id",
}


def _used_signatures() -> dict:
    used = Framework.objects.filter(assessments__status="submitted").distinct()
    return {framework: structure_signature(load_tree(framework)) for framework in used}


class Command(loaddata.Command):
    help = loaddata.Command.help + " Published frameworks must pass the integrity check."

    def loaddata(self, fixture_labels):
        self.written = {model: [] for model in FRAMEWORK_PATHS}
        used = _used_signatures()
        super().loaddata(fixture_labels)
        if not any(self.written.values()):
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
        content_version_renew(framework_ids=self._written_frameworks())
        problems = frameworks_published_problems()
        if problems:
            raise CommandError(
                "Problem installing fixtures: a published framework fails the integrity "
                "check, so nothing was loaded:\n" + "\n".join(problems)
            )

    def save_obj(self, obj):
        saved = super().save_obj(obj)
        if saved and type(obj.object) in self.written:
            self.written[type(obj.object)].append(obj.object.pk)
        return saved

    def _written_frameworks(self) -> set[int]:
        ids = set()
        for model, pks in self.written.items():
            for start in range(0, len(pks), 500):
                rows = model.objects.filter(pk__in=pks[start : start + 500])
                ids.update(rows.values_list(FRAMEWORK_PATHS[model], flat=True).distinct())
        return ids
