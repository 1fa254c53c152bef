"""Att göra's placement parts at national scale (issue 19 point 2): which placements are a child's.

Every placement part of Att göra (övervägande, vårdplan, genomförandeplan, vårdnadsöverflyttning) is about a child:
under 18 on the placement's start (deadlines.care_review_applies, through identity's age twin AGE_ON_SQL). Asked
live, that joins every ongoing placement with its person before anything else can narrow them: on the national set
about 80 000 placements and 300 000 persons per part and request, four times in one statement, to find that none of
them is a child's. placements_child_placement holds the ids of the placements whose person was under 18 on the
start, kept by statement triggers on placements and persons (set-based, like socialtjanst 0018's awaiting table),
so the parts read it as a set. It depends only on the placement's start and person and the person's birth date, never
on today. No model, nothing writes it but the triggers, nothing reads it but placements/clock_queries.py, and
tests/placements/test_clocks_scale.py checks it equals the live rule after every kind of change.

(If the age rule or ADULT_AGE_YEARS ever changes, a new migration re-creates these functions and refills the table;
the equality tests fail until it does.)
"""

from django.db import migrations

from common.migration_ops import drop_statement_triggers_sql, statement_triggers_sql

# Frozen copies of socialtjanst.deadlines.ADULT_AGE_YEARS and socialtjanst.identity.AGE_ON_SQL as they were when this
# migration was written (a migration never imports app code that may change under it);
# tests/placements/test_clocks_scale.py checks they still equal the app's.
ADULT_AGE_YEARS = 18
AGE_ON_SQL = (
    "(extract(year FROM {day})::int - extract(year FROM {birth})::int"
    " - CASE WHEN (extract(month FROM {day}), extract(day FROM {day}))"
    " < (extract(month FROM {birth}), extract(day FROM {birth})) THEN 1 ELSE 0 END)"
)

CHILD = "placements_child_placement"


def _children(placements: str, persons: str, where: str = "TRUE") -> str:
    """The ids of `placements` (a relation with id, person_id, start_on) whose person (from `persons`) was a child
    on the start."""
    age = AGE_ON_SQL.format(birth="p.birth_date", day="pl.start_on")
    return (f"SELECT pl.id FROM {placements} pl JOIN {persons} p ON p.id = pl.person_id"
            f" WHERE p.birth_date IS NOT NULL AND {age} < {int(ADULT_AGE_YEARS)} AND ({where})")


# A placement row whose start or person changed, by id (`b` before, `n` after).
_MOVED = "b.start_on IS DISTINCT FROM n.start_on OR b.person_id IS DISTINCT FROM n.person_id"
_MOVED_PLACEMENT = f"EXISTS (SELECT 1 FROM before b JOIN changed n ON n.id = b.id WHERE n.id = pl.id AND ({_MOVED}))"
_NEW_BIRTH_DATE = "EXISTS (SELECT 1 FROM before b WHERE b.id = p.id AND b.birth_date IS DISTINCT FROM p.birth_date)"

# (trigger name, table, event, transition tables, the function's body)
TRIGGERS = [
    ("child_placement_insert", "placements_placement", "INSERT", "NEW TABLE AS changed",
     f"INSERT INTO {CHILD} (placement_id) {_children('changed', 'socialtjanst_person')} ON CONFLICT DO NOTHING;"),
    ("child_placement_update", "placements_placement", "UPDATE", "OLD TABLE AS before NEW TABLE AS changed",
     f"DELETE FROM {CHILD} c USING before b JOIN changed n ON n.id = b.id"
     f" WHERE c.placement_id = b.id AND ({_MOVED});"
     f" INSERT INTO {CHILD} (placement_id) {_children('changed', 'socialtjanst_person', _MOVED_PLACEMENT)}"
     " ON CONFLICT DO NOTHING;"),
    ("child_placement_delete", "placements_placement", "DELETE", "OLD TABLE AS changed",
     f"DELETE FROM {CHILD} c USING changed o WHERE c.placement_id = o.id;"),
    # A person saved after their placement in one transaction (the foreign keys are deferred).
    ("child_person_insert", "socialtjanst_person", "INSERT", "NEW TABLE AS changed",
     f"INSERT INTO {CHILD} (placement_id) {_children('placements_placement', 'changed')} ON CONFLICT DO NOTHING;"),
    ("child_person_update", "socialtjanst_person", "UPDATE", "OLD TABLE AS before NEW TABLE AS changed",
     f"DELETE FROM {CHILD} c USING placements_placement pl, before b JOIN changed n ON n.id = b.id"
     " WHERE c.placement_id = pl.id AND pl.person_id = b.id AND b.birth_date IS DISTINCT FROM n.birth_date;"
     f" INSERT INTO {CHILD} (placement_id) {_children('placements_placement', 'changed', _NEW_BIRTH_DATE)}"
     " ON CONFLICT DO NOTHING;"),
]
# TRUNCATE fires no row triggers (the test database's flush): emptied placements empty the table.
TRUNCATE_TRIGGERS = [
    ("child_placement_truncate", "placements_placement", f"DELETE FROM {CHILD};"),
]


FORWARD = [
    f"CREATE TABLE IF NOT EXISTS {CHILD} (placement_id bigint PRIMARY KEY)",
    f"COMMENT ON TABLE {CHILD} IS 'Att göra: placeringar av barn (under 18 vid starten), hållen av triggrar "
    "(placements 0020_todo_scale); skrivs aldrig av applikationen'",
    *statement_triggers_sql(TRIGGERS, TRUNCATE_TRIGGERS),
    f"INSERT INTO {CHILD} (placement_id) {_children('placements_placement', 'socialtjanst_person')}"
    " ON CONFLICT DO NOTHING",
    f"ANALYZE {CHILD}",
]
BACKWARD = [
    *drop_statement_triggers_sql(TRIGGERS, TRUNCATE_TRIGGERS),
    f"DROP TABLE IF EXISTS {CHILD}",
]


class Migration(migrations.Migration):
    dependencies = [("placements", "0019_review_clock"), ("socialtjanst", "0018_todo_scale")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
