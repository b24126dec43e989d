"""Django's ModelBackend, with the signed-in user read on every request through one plain
SQL statement (a raw query, so Django's field converters still apply) instead of a query
the ORM composes anew each time."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.utils.functional import cached_property


class UserBackend(ModelBackend):
    @cached_property
    def _user_sql(self) -> str:
        meta = get_user_model()._meta
        columns = ", ".join(field.column for field in meta.concrete_fields)
        return f"SELECT {columns} FROM {meta.db_table} WHERE {meta.pk.column} = %s"

    def get_user(self, user_id):
        users = list(get_user_model()._default_manager.raw(self._user_sql, [user_id]))
        if not users:
            return None
        return users[0] if self.user_can_authenticate(users[0]) else None
