"""The statements that the busiest pages make on every request, in plain SQL.

Each of them is one small indexed statement that the database answers in a few
microseconds; composing it through the ORM (joins, select_related, an aggregate, a save)
costs ten times that in Python. So the statements are written out once, here, and rows read
become the same model instances the ORM would give, through Django's own converters and
Model.from_db; values written go through the backend's own adapters. Access rules are the
same as the ORM's (`for_user` in models.py): a member sees their teams' rows, staff see
all; tests cover both implementations of them. Only the services call the writes, inside
their transactions.

Fingerprints tell the cached parts of pages (page_cache.py) when what they show has
changed: every write sets `updated_at` to now (saves, submits, admin edits of assessments,
teams and frameworks alike), so the count of a set, the sum of its ids and its latest
`updated_at` together tell one state from the next.
"""

from __future__ import annotations

from functools import cache

from django.contrib.auth import get_user_model
from django.db import connection

from frameworks.models import Framework

from .models import Answer, Assessment, Membership, Team

User = get_user_model()
A = Assessment._meta.db_table
T = Team._meta.db_table
M = Membership._meta.db_table
F = Framework._meta.db_table
U = User._meta.db_table
AN = Answer._meta.db_table


@cache
def _converters(model, field_names: tuple[str, ...]) -> list:
    """For each field, its column and the converters Django applies to a value read."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    result = []
    for name in field_names:
        column = fields[name].get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        result.append((column, converters))
    return result


def _instance(model, field_names: tuple[str, ...], values):
    """A model instance from raw values, as the ORM builds it; fields not given are deferred
    (read from the database if something asks for them). `field_names` come in the order
    of the model's fields."""
    converted = []
    for value, (column, converters) in zip(values, _converters(model, field_names), strict=True):
        for converter in converters:
            value = converter(value, column, connection)
        converted.append(value)
    return model.from_db(connection.alias, list(field_names), converted)


def _columns(model, alias: str, *, skip=()) -> tuple[tuple[str, ...], str]:
    names = tuple(f.attname for f in model._meta.concrete_fields if f.attname not in skip)
    fields = {f.attname: f for f in model._meta.concrete_fields}
    sql = ", ".join(f"{alias}.{fields[name].column}" for name in names)
    return names, sql


def _visible(alias_team_id: str) -> str:
    return f"EXISTS (SELECT 1 FROM {M} m WHERE m.team_id = {alias_team_id} AND m.user_id = %s)"


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


_A_NAMES, _A_SQL = _columns(Assessment, "a", skip={"result"})
_A_NAMES_RESULT, _A_SQL_RESULT = _columns(Assessment, "a")
_T_NAMES, _T_SQL = _columns(Team, "t")
_F_NAMES, _F_SQL = _columns(Framework, "f")
_USERNAME = (User._meta.pk.attname, User.USERNAME_FIELD)


@cache
def _assessment_sql(with_result: bool, staff: bool) -> str:
    columns = _A_SQL_RESULT if with_result else _A_SQL
    where = "a.id = %s" if staff else f"a.id = %s AND {_visible('a.team_id')}"
    return (
        f"SELECT {columns}, {_T_SQL}, {_F_SQL}, u.{User._meta.pk.column}, "
        f"u.{User._meta.get_field(User.USERNAME_FIELD).column} "
        f"FROM {A} a JOIN {T} t ON t.id = a.team_id JOIN {F} f ON f.id = a.framework_id "
        f"LEFT JOIN {U} u ON u.{User._meta.pk.column} = a.submitted_by_id WHERE {where}"
    )


def assessment_for_user(user, pk: int, *, with_result: bool = True) -> Assessment | None:
    """The assessment with its team, framework and submitter, if the user may see it."""
    params = [pk] if user.is_staff else [pk, user.pk]
    rows = _rows(_assessment_sql(with_result, user.is_staff), params)
    if not rows:
        return None
    row = rows[0]
    names = _A_NAMES_RESULT if with_result else _A_NAMES
    at = len(names)
    assessment = _instance(Assessment, names, row[:at])
    assessment.team = _instance(Team, _T_NAMES, row[at : at + len(_T_NAMES)])
    at += len(_T_NAMES)
    assessment.framework = _instance(Framework, _F_NAMES, row[at : at + len(_F_NAMES)])
    at += len(_F_NAMES)
    if assessment.submitted_by_id is not None:
        assessment.submitted_by = _instance(User, _USERNAME, row[at : at + 2])
    return assessment


_AN_NAMES, _AN_SQL = _columns(Answer, "x")
_ANSWERS = (
    f"SELECT {_AN_SQL}, u.{User._meta.pk.column}, "
    f"u.{User._meta.get_field(User.USERNAME_FIELD).column} "
    f"FROM {AN} x LEFT JOIN {U} u ON u.{User._meta.pk.column} = x.updated_by_id "
    "WHERE x.assessment_id = %s"
)


def answers_of(assessment: Assessment, question_ids=None) -> dict[int, Answer]:
    """The assessment's answers by question id (or only those of `question_ids`), each with
    who changed it last."""
    sql, params = _ANSWERS, [assessment.pk]
    if question_ids is not None:
        ids = [int(q) for q in question_ids]
        if not ids:
            return {}
        sql += f" AND x.question_id IN ({', '.join(['%s'] * len(ids))})"
        params += ids
    answers, users = {}, {}
    at = len(_AN_NAMES)
    for row in _rows(sql, params):
        answer = _instance(Answer, _AN_NAMES, row[:at])
        answer.assessment = assessment
        if answer.updated_by_id is not None:
            if answer.updated_by_id not in users:
                users[answer.updated_by_id] = _instance(User, _USERNAME, row[at : at + 2])
            answer.updated_by = users[answer.updated_by_id]
        answers[answer.question_id] = answer
    return answers


_STATE = "COUNT(*), SUM({alias}.id), MAX({alias}.updated_at)"
# A whole table's state, each aggregate on its own so that the database answers it from an
# index (the maximum id and the latest update); over a whole table the largest id tells an
# insert as well as the sum of ids would.
_TABLE_STATE = (
    "(SELECT COUNT(*) FROM {table}), (SELECT MAX(id) FROM {table}), "
    "(SELECT MAX(updated_at) FROM {table})"
)
_MEMBER_FINGERPRINT = (
    "SELECT * FROM "
    f"(SELECT {_STATE.format(alias='a')} FROM {A} a JOIN {M} m ON m.team_id = a.team_id "
    "WHERE m.user_id = %s) visible_assessments, "
    f"(SELECT {_STATE.format(alias='t')} FROM {T} t JOIN {M} m ON m.team_id = t.id "
    "WHERE m.user_id = %s) visible_teams, "
    f"(SELECT {_TABLE_STATE.format(table=F)}) frameworks"
)
_STAFF_FINGERPRINT = (
    f"SELECT {_TABLE_STATE.format(table=A)}, {_TABLE_STATE.format(table=T)}, "
    f"{_TABLE_STATE.format(table=F)}"
)
# A team's assessments, and all frameworks, as scalar subqueries of the team row `t`.
_TEAM_STATE = (
    f"(SELECT COUNT(*) FROM {A} a WHERE a.team_id = t.id), "
    f"(SELECT SUM(a.id) FROM {A} a WHERE a.team_id = t.id), "
    f"(SELECT MAX(a.updated_at) FROM {A} a WHERE a.team_id = t.id), " + _TABLE_STATE.format(table=F)
)


def team_for_user(user, slug: str) -> Team | None:
    """The team, if the user is a member (or staff), with its `fingerprint`: the state of
    the team, its assessments and all frameworks, read in the same statement."""
    where = "t.slug = %s" if user.is_staff else f"t.slug = %s AND {_visible('t.id')}"
    params = [slug] if user.is_staff else [slug, user.pk]
    rows = _rows(f"SELECT {_T_SQL}, {_TEAM_STATE} FROM {T} t WHERE {where}", params)
    if not rows:
        return None
    team = _instance(Team, _T_NAMES, rows[0][: len(_T_NAMES)])
    team.fingerprint = "-".join(
        str(value) for value in (team.pk, team.updated_at.timestamp(), *rows[0][len(_T_NAMES) :])
    )
    return team


_MEMBER_NAMES = (User._meta.pk.attname, User.USERNAME_FIELD, "first_name", "last_name")


_MEMBERS = (
    "SELECT "
    + ", ".join(f"u.{User._meta.get_field(name).column}" for name in _MEMBER_NAMES)
    + f" FROM {U} u JOIN {M} m ON m.user_id = u.{User._meta.pk.column} WHERE m.team_id = %s "
    f"ORDER BY u.{User._meta.get_field(User.USERNAME_FIELD).column}"
)


def members_of(team: Team) -> list:
    """The team's members (users with their names only), by user name."""
    rows = _rows(_MEMBERS, [team.pk])
    return [_instance(User, _MEMBER_NAMES, row) for row in rows]


def visible_fingerprint(user) -> tuple[int, str]:
    """(how many assessments the user may see, a fingerprint of those assessments, their
    teams and all frameworks)."""
    if user.is_staff:
        row = _rows(_STAFF_FINGERPRINT, [])[0]
    else:
        row = _rows(_MEMBER_FINGERPRINT, [user.pk, user.pk])[0]
    return row[0], ("staff-" if user.is_staff else "member-") + "-".join(map(str, row))


_WRITTEN = (
    "score",
    "not_applicable",
    "not_applicable_reason",
    "notes",
    "version",
    "updated_by_id",
    "updated_at",
)


def lock_draft(assessment_id: int) -> bool:
    """Take the draft's row lock with a write that matches only a draft (no change made);
    False when the assessment is not a draft."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {A} SET answered_count = answered_count WHERE id = %s AND status = %s",
            [assessment_id, Assessment.Status.DRAFT],
        )
        return cursor.rowcount == 1


def _answer_values(answer: Answer) -> list:
    return [
        answer.score,
        answer.not_applicable,
        answer.not_applicable_reason,
        answer.notes,
        answer.version,
        answer.updated_by_id,
        connection.ops.adapt_datetimefield_value(answer.updated_at),
    ]


def answers_write(created: list[Answer], updated: list[Answer]) -> None:
    """Insert the new answers and update the changed ones, as they are."""
    with connection.cursor() as cursor:
        if created:
            columns = ", ".join(("assessment_id", "question_id", *_WRITTEN))
            row = "(" + ", ".join(["%s"] * (len(_WRITTEN) + 2)) + ")"
            cursor.execute(
                f"INSERT INTO {AN} ({columns}) VALUES {', '.join([row] * len(created))}",
                [
                    value
                    for answer in created
                    for value in (answer.assessment_id, answer.question_id, *_answer_values(answer))
                ],
            )
        if updated:
            assignments = ", ".join(f"{column} = %s" for column in _WRITTEN)
            cursor.executemany(
                f"UPDATE {AN} SET {assignments} WHERE id = %s",
                [[*_answer_values(answer), answer.pk] for answer in updated],
            )


def draft_saved(assessment_id: int, newly_answered: int, when) -> None:
    """Record a save on the draft: its answered count and last change."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {A} SET answered_count = answered_count + %s, updated_at = %s WHERE id = %s",
            [newly_answered, connection.ops.adapt_datetimefield_value(when), assessment_id],
        )
