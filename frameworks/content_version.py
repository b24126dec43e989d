"""A framework's content version: a new value whenever its content changes.

Framework trees (and what pages derive from them) are kept per process under the
framework's id, content version and publication (frameworks/tree.py), and every request
reads those from the database with the framework's row. So a change is seen at once by
every process, on one server or several, provided that every write to a framework's content
gives it a new version. Every write path does, whoever makes it:

- saving a Framework gives it a new version (pre_save);
- saving or deleting a domain, gate, question, score guidance or maturity level renews its
  framework's version (post_save, post_delete), for the project's models and for the
  historical models of data migrations alike, as Django's own sites framework keeps its
  cache in step;
- QuerySet.update(), delete(), bulk_create() and bulk_update() on them renew the version
  of every framework they touch (ContentQuerySet, FrameworkQuerySet.update; the managers
  are available to data migrations);
- loaddata saves rows "raw", without these hooks: our loaddata command compares each
  framework's content before and after and renews exactly the frameworks that changed.

This is the one place that knows how content rows lead to their framework.
"""

from __future__ import annotations

import uuid

from django.db import models, transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

# How rows of each content model lead to their framework's id, for querysets.
FRAMEWORK_PATHS = {
    "frameworks.domain": "framework_id",
    "frameworks.maturitylevel": "framework_id",
    "frameworks.gate": "domain__framework_id",
    "frameworks.question": "gate__domain__framework_id",
    "frameworks.scoreguidance": "question__gate__domain__framework_id",
}

# For one row: (its parent's foreign key, the parent's model, the parent's path to the
# framework). A deleted row's own path no longer exists, but its parent still does while
# the row's post_delete runs (Django deletes the rows that depend on another first).
_PARENTS = {
    "frameworks.gate": ("domain_id", "frameworks.domain", "framework_id"),
    "frameworks.question": ("gate_id", "frameworks.gate", "domain__framework_id"),
    "frameworks.scoreguidance": (
        "question_id",
        "frameworks.question",
        "gate__domain__framework_id",
    ),
}


def renew(framework_model, framework_ids, *, using: str = "default") -> None:
    """Give the frameworks a new content version (and note the time of the change)."""
    ids = {pk for pk in framework_ids if pk is not None}
    if ids:
        framework_model._base_manager.using(using).filter(pk__in=ids).update(
            content_version=uuid.uuid4(), updated_at=timezone.now()
        )


def _framework_model(model):
    return model._meta.apps.get_model("frameworks", "Framework")


class FrameworkQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def update(self, **kwargs):
        """An update of frameworks changes their content or publication: a new version."""
        kwargs.setdefault("content_version", uuid.uuid4())
        kwargs.setdefault("updated_at", timezone.now())
        return super().update(**kwargs)


class ContentQuerySet(models.QuerySet):
    """Rows of a framework's content: every write through the queryset renews the content
    version of the frameworks whose rows it writes."""

    def _framework_ids(self, rows=None) -> set:
        path = FRAMEWORK_PATHS[self.model._meta.label_lower]
        queryset = self if rows is None else self.model._base_manager.filter(pk__in=rows)
        return set(queryset.using(self.db).values_list(path, flat=True))

    def _renew(self, framework_ids) -> None:
        renew(_framework_model(self.model), framework_ids, using=self.db)

    def update(self, **kwargs):
        with transaction.atomic(using=self.db, savepoint=False):
            ids = self._framework_ids()
            count = super().update(**kwargs)
            self._renew(ids | self._framework_ids())  # the rows may have moved frameworks
        return count

    update.alters_data = True

    def delete(self):
        with transaction.atomic(using=self.db, savepoint=False):
            ids = self._framework_ids()
            result = super().delete()
            self._renew(ids)
        return result

    delete.alters_data = True

    def bulk_update(self, objs, fields, batch_size=None):
        objs = list(objs)
        with transaction.atomic(using=self.db, savepoint=False):
            ids = self._framework_ids([obj.pk for obj in objs])
            count = super().bulk_update(objs, fields, batch_size=batch_size)
            self._renew(ids | self._framework_ids([obj.pk for obj in objs]))
        return count

    bulk_update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic(using=self.db, savepoint=False):
            created = super().bulk_create(objs, *args, **kwargs)
            self._renew(self._framework_ids([obj.pk for obj in created if obj.pk]))
        return created

    bulk_create.alters_data = True


def _framework_id_of(instance):
    label = instance._meta.label_lower
    if label in _PARENTS:
        key, parent, path = _PARENTS[label]
        parent_model = instance._meta.apps.get_model(parent)
        return (
            parent_model._base_manager.filter(pk=getattr(instance, key))
            .values_list(path, flat=True)
            .first()
        )
    return instance.framework_id


def _framework_saved(sender, instance, raw=False, **kwargs):
    if sender._meta.label_lower == "frameworks.framework" and not raw:
        instance.content_version = uuid.uuid4()
        instance.updated_at = timezone.now()


def _content_written(sender, instance, raw=False, using="default", **kwargs):
    if sender._meta.label_lower in FRAMEWORK_PATHS and not raw:
        renew(_framework_model(sender), [_framework_id_of(instance)], using=using)


# Connected for every sender, so that the historical models of data migrations (other
# classes with the same labels) are covered too; other models return at once.
pre_save.connect(_framework_saved, dispatch_uid="frameworks.content_version.framework")
post_save.connect(_content_written, dispatch_uid="frameworks.content_version.saved")
post_delete.connect(_content_written, dispatch_uid="frameworks.content_version.deleted")
