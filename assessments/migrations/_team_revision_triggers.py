"""HISTORICAL: the database triggers that migration 0006 installed and 0010 removes. They kept
two derived values, whatever wrote the data:

- every team's revision (assessments.TeamRevision), the change token of cached page parts
  (assessments/fragments.py);
- each assessment's answered_count, the number of its answers with a score or "not
  applicable", which lists show without counting answers.

Triggers keep them in the database itself, so no write can miss them: services, the
admin, QuerySet.update(), bulk operations, loaddata, data migrations and scripts all pass
through them. They are installed by migration 0006 and again after every `migrate`
(apps.py), because SQLite rebuilds a table to alter it, which drops its triggers; and
after every `migrate` every revision moves, since a migration may have changed any data.

The statements are hand-written SQL because the ORM has no way to declare a trigger.
"""

from __future__ import annotations

REVISION = "assessments_teamrevision"


def _of_assessments(which: str) -> str:
    return f"SELECT team_id FROM assessments_assessment WHERE id IN ({which})"


def triggers(user_table: str) -> list[tuple[str, str, str, str | None]]:
    """(name, event, table, the ids of the teams whose revision moves; None for every
    team)."""
    return [
        ("dora_rev_assessment_ins", "INSERT", "assessments_assessment", "NEW.team_id"),
        ("dora_rev_assessment_upd", "UPDATE", "assessments_assessment", "OLD.team_id, NEW.team_id"),
        ("dora_rev_assessment_del", "DELETE", "assessments_assessment", "OLD.team_id"),
        (
            "dora_rev_answer_ins",
            "INSERT",
            "assessments_answer",
            _of_assessments("NEW.assessment_id"),
        ),
        (
            "dora_rev_answer_upd",
            "UPDATE",
            "assessments_answer",
            _of_assessments("OLD.assessment_id, NEW.assessment_id"),
        ),
        (
            "dora_rev_answer_del",
            "DELETE",
            "assessments_answer",
            _of_assessments("OLD.assessment_id"),
        ),
        ("dora_rev_membership_ins", "INSERT", "assessments_membership", "NEW.team_id"),
        ("dora_rev_membership_upd", "UPDATE", "assessments_membership", "OLD.team_id, NEW.team_id"),
        ("dora_rev_membership_del", "DELETE", "assessments_membership", "OLD.team_id"),
        ("dora_rev_team_upd", "UPDATE", "assessments_team", "NEW.id"),
        # A name shows wherever its user answered or submitted, in teams left long ago too;
        # renames are rare, so every team moves.
        ("dora_rev_user_upd", "UPDATE", user_table, None),
        ("dora_rev_framework_ins", "INSERT", "frameworks_framework", None),
        ("dora_rev_framework_upd", "UPDATE", "frameworks_framework", None),
        ("dora_rev_framework_del", "DELETE", "frameworks_framework", None),
    ]


CREATED = f"INSERT INTO {REVISION} (team_id, value) VALUES (NEW.id, 1);"

# An answer counts as answered with a score or "not applicable" (AnswerQuerySet.answered).
_ANSWERED = "(CASE WHEN {row}.score IS NOT NULL OR {row}.not_applicable THEN 1 ELSE 0 END)"


def _count(row: str, sign: str) -> str:
    answered = _ANSWERED.format(row=row)
    return (
        f"UPDATE assessments_assessment SET answered_count = answered_count {sign} {answered} "
        f"WHERE id = {row}.assessment_id;"
    )


# (name, event, body): each answer written moves its assessment's answered_count.
_COUNTERS = [
    ("dora_count_answer_ins", "INSERT", _count("NEW", "+")),
    ("dora_count_answer_upd", "UPDATE", _count("OLD", "-") + " " + _count("NEW", "+")),
    ("dora_count_answer_del", "DELETE", _count("OLD", "-")),
]


def _bump(ids: str | None) -> str:
    where = "" if ids is None else f" WHERE team_id IN ({ids})"
    return f"UPDATE {REVISION} SET value = value + 1{where};"


# Only a change to what pages show of a user (not a sign-in's last_login) moves revisions.
# A condition rather than an UPDATE OF column list: PostgreSQL would then refuse any later
# migration that alters those columns.
_CONDITIONS = {
    "dora_rev_user_upd": " OR ".join(
        f"NEW.{column} IS DISTINCT FROM OLD.{column}"
        for column in ("username", "first_name", "last_name")
    )
}


def _all(user_table: str):
    """Every trigger: (name, event, table, body, for each row or statement, condition)."""
    for name, event, table, ids in triggers(user_table):
        # A change that moves every team does so once per statement where it can (a
        # condition on the row needs a trigger for each row).
        condition = _CONDITIONS.get(name)
        each = "ROW" if ids is not None or condition else "STATEMENT"
        yield name, event, table, _bump(ids), each, condition
    yield "dora_rev_team_ins", "INSERT", "assessments_team", CREATED, "ROW", None
    for name, event, body in _COUNTERS:
        yield name, event, "assessments_answer", body, "ROW", None


def install(connection, user_table: str) -> None:
    """Create every trigger that is missing (or replace it, on PostgreSQL)."""
    # Hand-written DDL: the ORM has no way to declare a trigger.
    with connection.cursor() as cursor:
        for name, event, table, body, each, condition in _all(user_table):
            if connection.vendor == "postgresql":
                if condition:
                    body = f"IF {condition} THEN {body} END IF;"
                cursor.execute(
                    f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql "
                    f"AS $$ BEGIN {body} RETURN NULL; END $$"
                )
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                cursor.execute(
                    f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH {each} "
                    f"EXECUTE FUNCTION {name}()"
                )
            else:  # SQLite triggers run for each row
                when = ""
                if condition:  # SQLite says IS NOT for IS DISTINCT FROM
                    when = f" WHEN {condition.replace('IS DISTINCT FROM', 'IS NOT')}"
                cursor.execute(
                    f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} ON {table} "
                    f"FOR EACH ROW{when} BEGIN {body} END"
                )


def uninstall(connection, user_table: str) -> None:
    # Hand-written DDL: the ORM has no way to drop a trigger.
    with connection.cursor() as cursor:
        for name, _, table, *_ in _all(user_table):
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
