"""The trigger-kept report tables (issue 19), and pausing them for a bulk load.

Each app registers its kept tables here (KeptTable, from its AppConfig.ready): the table, the rows it owns in it,
the live SQL the rows are a copy of, and the name patterns of the statement triggers that keep it. That gives one
home for what a bulk loader needs:

- `paused()`: the triggers stand still for the rest of the transaction and every registered table is made anew
  from its live SQL once, at the end, in the same transaction. The demo writes thousands of rows one by one through
  the services; with the triggers on, every save refreshed up to four tables (the demo load took minutes, not
  seconds). The pause is a transaction-local setting the triggers' WHEN reads (migrations socialtjanst
  0027_kept_pause, placements 0025_kept_pause), so the app's own role can use it: switching triggers off takes the
  tables' owner. A failure inside rolls the setting back with everything else; nothing is left paused or stale.
- `refill(cursor)`: the same remaking for a loader that switched the triggers off as owner (bench/national.py).
- `trigger_condition()`: the SQL condition that selects the kept triggers in pg_trigger (tgname).

The live SQL is the same each table's own tests hold the kept rows equal to, and the same as its migration's fill.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction

PAUSE_SETTING = "ifo.kept_tables"
PAUSED = "paused"
# The WHEN of every kept trigger (common.migration_ops.pausable_triggers writes it into the trigger).
RUNS_WHEN = f"current_setting('{PAUSE_SETTING}', true) IS DISTINCT FROM '{PAUSED}'"


# A refresh function's rows for the few ids a save touches are planned once per connection (a generic plan: the
# statements are large, and planning them anew for each write cost more than running them); more ids than this (an
# import, a bulk statement) get a plan of their own through EXECUTE, where the generic one would probe id by id.
BULK_REFRESH = 2000


def insert_by_size(array: str, insert: str, bulk_insert: str, tag: str) -> str:
    """The plpgsql that runs a refresh function's insert: `insert` (the function's own statement, planned
    generically: the function is declared with SET plan_cache_mode = force_generic_plan) for at most BULK_REFRESH ids
    in `array`, else `bulk_insert` (the same statement reading $1) through EXECUTE, quoted with ${tag}$."""
    return (f"IF cardinality({array}) > {BULK_REFRESH} THEN EXECUTE ${tag}${bulk_insert}${tag}$ USING {array};"
            f" ELSE {insert}; END IF;")


@dataclass(frozen=True)
class KeptTable:
    name: str
    table: str
    columns: tuple[str, ...]
    # a SELECT of `columns` (in that order): every row the table should hold within `owns`
    live_sql: Callable[[], str]
    triggers_like: tuple[str, ...]  # LIKE patterns of the names of the triggers that keep it
    owns: str = "TRUE"  # the condition on the table's rows that are this entry's (two apps share Att göra's table)
    on_conflict: str = ""  # as the migration's fill has it
    # a SELECT of `columns` as stored, where that is not simply the owned rows (a tally of + and - rows: their sums)
    stored_sql: Callable[[], str] | None = None


_registry: dict[str, KeptTable] = {}


def register(kept: KeptTable) -> None:
    _registry[kept.name] = kept


def tally_table(name: str, tally) -> KeptTable:
    """A common.tally.Tally of a kept table, registered like the table itself (after it: a refill counts it anew)."""
    return KeptTable(name=name, table=tally.table, columns=tally.columns, live_sql=tally.live_sql,
                     triggers_like=(tally.triggers_like,), stored_sql=tally.stored_sql)


def registered() -> list[KeptTable]:
    return list(_registry.values())


def trigger_condition() -> str:
    """A condition on pg_trigger.tgname selecting every registered table's triggers (no parameters, % doubled for
    a cursor that formats)."""
    likes = [pattern for kept in registered() for pattern in kept.triggers_like]
    return "(" + " OR ".join(f"tgname LIKE '{like}'" for like in likes).replace("%", "%%") + ")"


def refill(cursor) -> None:
    """Every registered table made anew from its live SQL (its owned rows deleted first)."""
    for kept in registered():
        columns = ", ".join(kept.columns)
        cursor.execute(f"DELETE FROM {kept.table} WHERE {kept.owns}")  # noqa: S608 - registered constants
        cursor.execute(f"INSERT INTO {kept.table} ({columns}) {kept.live_sql()} {kept.on_conflict}")


def _is_paused(cursor) -> bool:
    cursor.execute("SELECT current_setting(%s, true)", [PAUSE_SETTING])
    return cursor.fetchone()[0] == PAUSED


@contextmanager
def paused() -> Iterator[None]:
    """Run the block in one transaction with the kept tables' triggers standing still, then refill them all once.
    Nested, only the outermost pause refills. Also a decorator."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            outermost = not _is_paused(cursor)
            if outermost:
                cursor.execute("SELECT set_config(%s, %s, true)", [PAUSE_SETTING, PAUSED])
        yield
        if outermost:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, '', true)", [PAUSE_SETTING])
                refill(cursor)


def differences(cursor) -> dict[str, tuple[int, int]]:
    """{registered name: (rows kept but not live, rows live but not kept)}: all zero when every table is what its
    live SQL says (the tests' check after a bulk load, and an operator's after a restore)."""
    found = {}
    for kept in registered():
        columns = ", ".join(kept.columns)
        stored = kept.stored_sql() if kept.stored_sql else \
            f"SELECT {columns} FROM {kept.table} WHERE {kept.owns}"  # noqa: S608 - registered constants
        live = kept.live_sql()
        cursor.execute(f"SELECT (SELECT count(*) FROM (({stored}) EXCEPT ALL ({live})) s),"  # noqa: S608
                       f" (SELECT count(*) FROM (({live}) EXCEPT ALL ({stored})) l)")
        found[kept.name] = cursor.fetchone()
    return found
