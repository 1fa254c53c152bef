"""The cursor the set-based follow-up statements run on (deadline_sets, intake_statistics, reactualisation).

JIT is off for them: their plans cost enough to switch PostgreSQL's JIT on, and compiling took longer than it
saved (measured on 100 000 cases: the deadline statement for two years 1,6–1,8 s with JIT, 0,9–1,1 s without).
A statement that sorts much may raise work_mem for itself; one that reads a join of many rows once may lower
parallel_tuple_cost so the planner lets workers build it (the default prices moving 500 000 rows to the leader
above the serial join, which took twice as long under load). All are set with is_local (SET LOCAL) inside an
atomic block: outside a transaction they end with the statement's own; inside a request's transaction they
last until it ends, which for a report page is the page's other statements only.
"""

from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def report_cursor(work_mem: str | None = None, *, parallel_tuple_cost: str | None = None):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('jit', 'off', true), set_config('work_mem', COALESCE(%s, "
                       "current_setting('work_mem')), true), set_config('parallel_tuple_cost', COALESCE(%s, "
                       "current_setting('parallel_tuple_cost')), true)", [work_mem, parallel_tuple_cost])
        yield cursor
