"""Writes to the framework catalogue, which keep its integrity and its content versions in
step.

A framework's tree is kept per process under its content version (tree.framework_tree), and
every request reads that version with the framework's row; so every piece of code that
writes content renews the version, in the same transaction: the admin's saves and deletes
(admin.FrameworkContentAdmin), framework_import (a new row: a new version), loaddata (and
shipped_frameworks --apply, which loads a fixture). A data migration that changes content
calls content_version_renew too.
"""

import dataclasses
import uuid

from django.db import transaction
from django.utils import timezone

from .integrity import framework_problems
from .models import Domain, Framework, Gate, MaturityLevel, Question, ScoreGuidance
from .tree import FrameworkTree, load_tree


def framework_problems_for(framework: Framework) -> list[str]:
    """The integrity check on the framework as it is in the database now (uncached)."""
    return framework_problems(load_tree(framework))


def frameworks_published_problems() -> list[str]:
    """Integrity problems of every published framework."""
    problems = []
    for framework in Framework.objects.published():
        problems.extend(framework_problems_for(framework))
    return problems


def content_version_renew(*, framework_ids) -> None:
    """Give the frameworks a new content version (and note the time of the change): trees
    kept under the old one are not used again, in this process or any other."""
    ids = {pk for pk in framework_ids if pk is not None}
    if ids:
        Framework.objects.filter(pk__in=ids).update(
            content_version=uuid.uuid4(), updated_at=timezone.now()
        )


@transaction.atomic
def framework_publish(*, framework: Framework) -> list[str]:
    """Publish the framework if it passes the integrity check; return the problems if not.
    (Trees are kept per publication too: the content version stays.)"""
    problems = framework_problems_for(framework)
    if not problems:
        framework.is_published = True
        framework.save(update_fields=["is_published"])
    return problems


class FrameworkExists(Exception):
    pass


def framework_is_used(framework: Framework) -> bool:
    """A framework version with submitted assessments has its structure and weights locked."""
    return framework.assessments.filter(status="submitted").exists()


def structure_signature(tree: FrameworkTree) -> tuple:
    """What scoring depends on: the positions, weights, scores, labels and levels (not text).
    A used framework version must keep it unchanged."""
    return (
        tuple(
            (
                domain.position,
                domain.weight,
                tuple(
                    (
                        gate.position,
                        tuple(
                            (q.position, tuple((g.score, g.performance_label) for g in q.guidance))
                            for q in gate.questions
                        ),
                    )
                    for gate in domain.gates
                ),
            )
            for domain in tree.domains
        ),
        tuple((level.level, level.lower_bound) for level in tree.levels),
    )


@transaction.atomic
def framework_import(
    *, tree: FrameworkTree, replace: bool = False, publish: bool = False
) -> Framework:
    """Write a checked framework document (see frameworks.documents) as a framework version.

    An existing version is replaced only when asked and only while no assessment uses it.
    """
    existing = (
        Framework.objects.select_for_update().filter(slug=tree.slug, version=tree.version).first()
    )
    if existing is not None:
        if not replace:
            raise FrameworkExists(
                f"{existing} already exists. Import it under another version, or ask to replace "
                "the existing version."
            )
        used = existing.assessments.count()
        if used:
            raise FrameworkExists(
                f"{existing} cannot be replaced: {used} assessment{'s' if used != 1 else ''} "
                "use it. Import the document as a new version instead."
            )
        existing.delete()
    framework = Framework.objects.create(
        slug=tree.slug,
        version=tree.version,
        name=tree.name,
        description=tree.description,
        estimated_minutes=tree.estimated_minutes,
        is_published=publish,
    )
    MaturityLevel.objects.bulk_create(
        MaturityLevel(
            framework=framework,
            level=level.level,
            name=level.name,
            lower_bound=level.lower_bound,
            description=level.description,
        )
        for level in tree.levels
    )
    for d in tree.domains:
        domain = Domain.objects.create(
            framework=framework,
            position=d.position,
            name=d.name,
            description=d.description,
            weight=d.weight,
            key_metric=d.key_metric,
        )
        for g in d.gates:
            gate = Gate.objects.create(
                domain=domain, position=g.position, name=g.name, description=g.description
            )
            questions = Question.objects.bulk_create(
                Question(
                    gate=gate,
                    position=q.position,
                    topic=q.topic,
                    text=q.text,
                    why_it_matters=q.why_it_matters,
                    benchmark_note=q.benchmark_note,
                    key_metrics=list(q.key_metrics),
                )
                for q in g.questions
            )
            ScoreGuidance.objects.bulk_create(
                ScoreGuidance(
                    question=question,
                    score=item.score,
                    description=item.description,
                    example=item.example,
                    performance_label=item.performance_label,
                    lower_bound=item.lower_bound,
                    upper_bound=item.upper_bound,
                )
                for question, node in zip(questions, g.questions, strict=True)
                for item in node.guidance
            )
    return framework


def framework_new_version(*, framework: Framework, version: str) -> Framework:
    """Copy a framework as a draft (unpublished) new version that staff can then change."""
    return framework_import(tree=dataclasses.replace(load_tree(framework), version=version))


def next_version(framework: Framework) -> str:
    """1.0 -> 1.1, 2 -> 2.1: the next free minor version of the framework."""
    parts = framework.version.split(".")
    major = parts[0]
    minor = int(parts[1]) if len(parts) > 1 else 0
    taken = set(Framework.objects.filter(slug=framework.slug).values_list("version", flat=True))
    while True:
        minor += 1
        candidate = f"{major}.{minor}"
        if candidate not in taken:
            return candidate
