"""Writes to the framework catalogue that must keep caches and integrity in step."""

import uuid

from django.db import transaction
from django.utils import timezone

from .integrity import framework_problems
from .models import Framework
from .tree import load_tree


def framework_problems_for(framework: Framework) -> list[str]:
    """The integrity check on the framework as it is in the database now (uncached)."""
    return framework_problems(load_tree(framework))


def framework_content_changed(*, framework_ids) -> None:
    """Give the frameworks a new content version so that cached trees are rebuilt."""
    now = timezone.now()
    for framework_id in set(framework_ids):
        Framework.objects.filter(pk=framework_id).update(
            content_version=uuid.uuid4(), updated_at=now
        )


def frameworks_published_problems() -> list[str]:
    """Integrity problems of every published framework."""
    problems = []
    for framework in Framework.objects.published():
        problems.extend(framework_problems_for(framework))
    return problems


@transaction.atomic
def framework_publish(*, framework: Framework) -> list[str]:
    """Publish the framework if it passes the integrity check; return the problems if not."""
    problems = framework_problems_for(framework)
    if not problems:
        framework.is_published = True
        framework.content_version = uuid.uuid4()
        framework.updated_at = timezone.now()
        framework.save(update_fields=["is_published", "content_version", "updated_at"])
    return problems
