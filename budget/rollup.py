"""The monthly roll-up (shared/domain.md §6): placements → monthly facts, set-based in SQL.

One statement (budget/fresh.py) computes the fresh figures of a run of consecutive months: placement
ranges intersected with the months and with price periods, grouped by cost centre, care type,
provider, regime, target group and legal basis. Whole months are counted by running sums and only
partial months one by one, so the work grows with placements, not placement-months. `_sync` makes
the stored rows equal the target with INSERT ... ON CONFLICT on the fact key, touching nothing that
is already right, so running it twice or on two workers (serialised by an advisory lock) gives
identical facts. A month that only single changes have marked since it was last computed (budget/0012) is
recomputed slice by slice: the fact rows of the marked (care type, provider, legal basis) only, from only
their placements (fresh.SLICE_FRESH_SQL), so one change costs what its slice costs, not the month.

Closed months: an open month M holds its own rows (booking M, origin M). A closed month C
never changes; its correction lives in the first open month F as rows (booking F, origin C)
= fresh(C) − the rows of C booked in closed months. So for every month, the sum of its rows
over all bookings equals a fresh computation.

Cost per placement and month is rounded to öre once: daily prices × days, plus monthly
amounts × days ÷ days in the month, plus the month's foster-care payments. The Python
oracle in budget/reference.py walks every day and must agree to the öre.
"""

import datetime
from dataclasses import dataclass

from django.db import connection, transaction

from placements.days import add_months, month_start

from .fresh import FRESH_SQL, SLICE_FRESH_SQL, fresh_params, month_blocks, slice_params

# pg_advisory_xact_lock key shared by the roll-up and month closing: one at a time.
ROLLUP_LOCK = 7_301_2024

# A month with more dirty slices than this is recomputed whole: past it, reading slice by slice saves little.
SLICE_LIMIT = 40

MEASURES = ("care_days", "cost", "persons", "started", "ended", "unpriced_days")
KEY = ("cost_centre_id", "care_type_id", "provider_id", "legal_basis")

@dataclass
class RollupResult:
    months: list[datetime.date]
    inserted: int = 0
    updated: int = 0
    deleted: int = 0

    def absorb(self, other: "RollupResult") -> None:
        self.months = sorted(self.months + other.months)
        self.inserted += other.inserted
        self.updated += other.updated
        self.deleted += other.deleted

    def describe(self) -> str:
        months = ", ".join(m.strftime("%Y-%m") for m in self.months) or "inga"
        return (f"Månader: {months}. Nya rader: {self.inserted}, ändrade: {self.updated}, "
                f"borttagna: {self.deleted}.")


def closed_months(cur) -> set[datetime.date]:
    cur.execute("SELECT month FROM budget_monthclosing WHERE reopened_at IS NULL")
    return {r[0] for r in cur.fetchall()}


def first_open_month(closed: set[datetime.date]) -> datetime.date | None:
    """Closings run in order, so the first open month follows the latest closed one."""
    return add_months(max(closed), 1) if closed else None


def _lock(cur) -> None:
    cur.execute("SELECT pg_advisory_xact_lock(%s)", [ROLLUP_LOCK])


Slice = tuple[int, int, str]  # care type, provider (0 = none), legal basis: budget/0012

# A fact row {t} of a slice in rollup_scope (the slices being recomputed).
_IN_SCOPE = """EXISTS (SELECT 1 FROM rollup_scope s
          WHERE s.month = {t}.origin_month AND s.care_type_id = {t}.care_type_id
            AND s.provider_key = COALESCE({t}.provider_id, 0) AND s.legal_basis = {t}.legal_basis)"""


def _sync(cur, months: list[datetime.date], closed: set[datetime.date],
          slices: dict[datetime.date, list[Slice]] | None = None) -> RollupResult:
    """Makes the stored facts of `months` (as origins) equal to a fresh computation; with `slices`, only the
    facts of those slices of its months (`months` is then ignored)."""
    if slices is not None:
        months = sorted(slices)
    result = RollupResult(months=sorted(months))
    if not months:
        return result
    first_open = first_open_month(closed)
    # Enough memory to hash-aggregate a large municipality's year instead of sorting it (make bench);
    # LOCAL: only for this transaction.
    cur.execute("SET LOCAL work_mem = '32MB'")
    cur.execute("DROP TABLE IF EXISTS rollup_fresh")
    statements = ([(FRESH_SQL, fresh_params(block)) for block in month_blocks(months)] if slices is None
                  else [(SLICE_FRESH_SQL, slice_params(m, slices[m])) for m in months])
    for i, (sql, params) in enumerate(statements):
        into = "INSERT INTO rollup_fresh" if i else "CREATE TEMP TABLE rollup_fresh ON COMMIT DROP AS"
        cur.execute(f"{into} {sql}", params)
    in_scope = {"mf": "true", "f": "true"}
    cur.execute("DROP TABLE IF EXISTS rollup_scope")
    if slices is not None:
        cur.execute("""
            CREATE TEMP TABLE rollup_scope ON COMMIT DROP AS
            SELECT * FROM unnest(%s::date[], %s::bigint[], %s::bigint[], %s::text[])
                       AS s(month, care_type_id, provider_key, legal_basis)
        """, [[m for m in months for _ in slices[m]], *([sl[i] for m in months for sl in slices[m]] for i in range(3))])
        in_scope = {t: _IN_SCOPE.format(t=t) for t in in_scope}
    # The target rows: fresh figures for open origins; for closed origins, fresh minus what the
    # closed months already hold, booked in the first open month.
    cur.execute(f"""
        CREATE TEMP TABLE rollup_target ON COMMIT DROP AS
        WITH closed_rows AS (
          SELECT origin_month, cost_centre_id, care_type_id, provider_id, legal_basis,
                 min(regime) AS regime, min(target_group) AS target_group,
                 SUM(care_days) AS care_days, SUM(cost) AS cost, SUM(persons) AS persons,
                 SUM(started) AS started, SUM(ended) AS ended, SUM(unpriced_days) AS unpriced_days
          FROM budget_monthlyfact mf
          WHERE origin_month = ANY(%(closed_origins)s::date[]) AND booking_month = ANY(%(closed)s::date[])
            AND {in_scope["mf"]}
          GROUP BY origin_month, cost_centre_id, care_type_id, provider_id, legal_basis
        ),
        delta AS (
          SELECT COALESCE(f.month_start, c.origin_month) AS origin_month,
                 COALESCE(f.cost_centre_id, c.cost_centre_id) AS cost_centre_id,
                 COALESCE(f.care_type_id, c.care_type_id) AS care_type_id,
                 COALESCE(f.provider_id, c.provider_id) AS provider_id,
                 COALESCE(f.legal_basis, c.legal_basis) AS legal_basis,
                 COALESCE(f.regime, c.regime) AS regime, COALESCE(f.target_group, c.target_group) AS target_group,
                 COALESCE(f.care_days, 0) - COALESCE(c.care_days, 0) AS care_days,
                 COALESCE(f.cost, 0) - COALESCE(c.cost, 0) AS cost,
                 COALESCE(f.persons, 0) - COALESCE(c.persons, 0) AS persons,
                 COALESCE(f.started, 0) - COALESCE(c.started, 0) AS started,
                 COALESCE(f.ended, 0) - COALESCE(c.ended, 0) AS ended,
                 COALESCE(f.unpriced_days, 0) - COALESCE(c.unpriced_days, 0) AS unpriced_days
          FROM (SELECT * FROM rollup_fresh WHERE month_start = ANY(%(closed_origins)s::date[])) f
          FULL JOIN closed_rows c
            ON c.origin_month = f.month_start AND c.cost_centre_id IS NOT DISTINCT FROM f.cost_centre_id
           AND c.care_type_id = f.care_type_id AND c.provider_id IS NOT DISTINCT FROM f.provider_id
           AND c.legal_basis = f.legal_basis
        )
        SELECT month_start AS booking_month, month_start AS origin_month, cost_centre_id, care_type_id,
               provider_id, legal_basis, regime, target_group, care_days, cost, persons, started, ended,
               unpriced_days
        FROM rollup_fresh WHERE NOT (month_start = ANY(%(closed_origins)s::date[]))
        UNION ALL
        SELECT %(first_open)s::date, origin_month, cost_centre_id, care_type_id, provider_id, legal_basis, regime,
               target_group, care_days, cost, persons, started, ended, unpriced_days
        FROM delta
        WHERE (care_days, cost, persons, started, ended, unpriced_days) <> (0, 0, 0, 0, 0, 0)
    """, {
        "closed_origins": sorted(m for m in months if m in closed),
        "closed": sorted(closed),
        "first_open": first_open,
    })
    # Rows of these origins booked in open months that are not in the target go (stale corrections too).
    cur.execute(f"""
        DELETE FROM budget_monthlyfact f
        WHERE f.origin_month = ANY(%(months)s::date[]) AND NOT (f.booking_month = ANY(%(closed)s::date[]))
          AND {in_scope["f"]}
          AND NOT EXISTS (
            SELECT 1 FROM rollup_target t
            WHERE t.booking_month = f.booking_month AND t.origin_month = f.origin_month
              AND t.cost_centre_id IS NOT DISTINCT FROM f.cost_centre_id AND t.care_type_id = f.care_type_id
              AND t.provider_id IS NOT DISTINCT FROM f.provider_id AND t.legal_basis = f.legal_basis)
    """, {"months": sorted(months), "closed": sorted(closed)})
    result.deleted = cur.rowcount
    cur.execute("""
        INSERT INTO budget_monthlyfact (booking_month, origin_month, cost_centre_id, care_type_id, provider_id,
               legal_basis, regime, target_group, care_days, cost, persons, started, ended, unpriced_days,
               computed_at)
        SELECT booking_month, origin_month, cost_centre_id, care_type_id, provider_id, legal_basis, regime,
               target_group, care_days, cost, persons, started, ended, unpriced_days, now()
        FROM rollup_target
        ON CONFLICT ON CONSTRAINT monthlyfact_key DO UPDATE SET
          regime = EXCLUDED.regime, target_group = EXCLUDED.target_group, care_days = EXCLUDED.care_days,
          cost = EXCLUDED.cost, persons = EXCLUDED.persons, started = EXCLUDED.started, ended = EXCLUDED.ended,
          unpriced_days = EXCLUDED.unpriced_days, computed_at = EXCLUDED.computed_at
        WHERE (budget_monthlyfact.regime, budget_monthlyfact.target_group, budget_monthlyfact.care_days,
               budget_monthlyfact.cost, budget_monthlyfact.persons, budget_monthlyfact.started,
               budget_monthlyfact.ended, budget_monthlyfact.unpriced_days)
          IS DISTINCT FROM (EXCLUDED.regime, EXCLUDED.target_group, EXCLUDED.care_days, EXCLUDED.cost,
               EXCLUDED.persons, EXCLUDED.started, EXCLUDED.ended, EXCLUDED.unpriced_days)
        RETURNING (xmax = 0) AS inserted
    """)
    flags = [r[0] for r in cur.fetchall()]
    result.inserted = sum(flags)
    result.updated = len(flags) - result.inserted
    cur.execute("DROP TABLE rollup_fresh; DROP TABLE rollup_target; DROP TABLE IF EXISTS rollup_scope")
    return result


def _current_month_cap() -> datetime.date:
    from django.utils import timezone

    return month_start(timezone.localdate())


def rollup_months(months: list[datetime.date]) -> RollupResult:
    """Recomputes the given months (as origins) and clears their dirty marks. Months after the
    current one are skipped: they hold no facts until they begin."""
    cap = _current_month_cap()
    wanted = sorted({month_start(m) for m in months if month_start(m) <= cap})
    with transaction.atomic(), connection.cursor() as cur:
        _lock(cur)
        cur.execute("SELECT month, seq FROM budget_dirtymonth WHERE month = ANY(%s::date[]) FOR UPDATE",
                    [wanted])
        seen = cur.fetchall()
        seen_slices = _slice_marks(cur, wanted)
        result = _sync(cur, wanted, closed_months(cur))
        _clear_marks(cur, seen, seen_slices)
    return result


def _slice_marks(cur, months: list[datetime.date]) -> list[tuple]:
    """The slice marks of `months`, read once the months' marks are locked: a change writes the month's mark
    before its slices (budget/0012), so none of these can change until this transaction ends."""
    cur.execute("SELECT month, care_type_id, provider_key, legal_basis, seq FROM budget_dirtyslice "
                "WHERE month = ANY(%s::date[])", [list(months)])
    return cur.fetchall()


def _clear_marks(cur, seen, seen_slices=()) -> None:
    # Only marks we saw: a change committed meanwhile set a new seq and stays for the next run.
    for month, seq in seen:
        cur.execute("DELETE FROM budget_dirtymonth WHERE month = %s AND seq = %s", [month, seq])
    if seen_slices:
        cur.execute("""
            DELETE FROM budget_dirtyslice d
            USING unnest(%s::date[], %s::bigint[], %s::bigint[], %s::text[], %s::bigint[])
                  AS s(month, care_type_id, provider_key, legal_basis, seq)
            WHERE d.month = s.month AND d.care_type_id = s.care_type_id AND d.provider_key = s.provider_key
              AND d.legal_basis = s.legal_basis AND d.seq = s.seq
        """, [[r[i] for r in seen_slices] for i in range(5)])


def _plan(marks: list[tuple], seen_slices: list[tuple]) -> tuple[list[datetime.date], dict]:
    """Which dirty months to recompute whole and which slice by slice: a month is recomputed by slices when
    every change since its last computation marked slices (not `whole`) and they are at most SLICE_LIMIT."""
    by_month: dict[datetime.date, set[Slice]] = {}
    for month, care_type_id, provider_key, legal_basis, _seq in seen_slices:
        by_month.setdefault(month, set()).add((care_type_id, provider_key, legal_basis))
    whole, sliced = [], {}
    for month, _seq, is_whole in marks:
        slices = by_month.get(month)
        if is_whole or not slices or len(slices) > SLICE_LIMIT:
            whole.append(month)
        else:
            sliced[month] = sorted(slices)
    return whole, sliced


def rollup_through_locked(month: datetime.date) -> RollupResult:
    """Inside a transaction that already holds ROLLUP_LOCK (month closing): recomputes `month` and every
    dirty month up to it, so what is about to be frozen is current."""
    with connection.cursor() as cur:
        cur.execute("SELECT month, seq FROM budget_dirtymonth WHERE month <= %s FOR UPDATE", [month])
        seen = cur.fetchall()
        months = sorted({m for m, _ in seen} | {month})
        seen_slices = _slice_marks(cur, months)
        result = _sync(cur, months, closed_months(cur))
        _clear_marks(cur, seen, seen_slices)
    return result


def rollup_dirty(limit: int = 120) -> RollupResult:
    """Recomputes every month PostgreSQL marks as dirty (at most `limit` per run): whole, or only the slices
    the changes marked (budget/0012)."""
    cap = _current_month_cap()
    with transaction.atomic(), connection.cursor() as cur:
        _lock(cur)
        cur.execute("DELETE FROM budget_dirtymonth WHERE month > %s", [cap])
        cur.execute("DELETE FROM budget_dirtyslice WHERE month > %s", [cap])
        cur.execute("SELECT month, seq, whole FROM budget_dirtymonth ORDER BY month LIMIT %s FOR UPDATE", [limit])
        marks = cur.fetchall()
        seen_slices = _slice_marks(cur, [m for m, _, _ in marks])
        whole, sliced = _plan(marks, seen_slices)
        closed = closed_months(cur)
        result = _sync(cur, whole, closed)
        result.absorb(_sync(cur, [], closed, slices=sliced))
        _clear_marks(cur, [(m, seq) for m, seq, _ in marks], seen_slices)
    return result


def mark_months(months: list[datetime.date]) -> None:
    """Marks months dirty by hand (the nightly reconciler marks the current month as it begins)."""
    with connection.cursor() as cur:
        for m in {month_start(m) for m in months}:
            cur.execute("SELECT budget_mark_months(%s, %s)", [m, add_months(m, 1)])


def dirty_months() -> list[datetime.date]:
    with connection.cursor() as cur:
        cur.execute("SELECT month FROM budget_dirtymonth ORDER BY month")
        return [r[0] for r in cur.fetchall()]


def year_months(year: int, month: int | None = None) -> list[datetime.date]:
    return [datetime.date(year, m, 1) for m in ([month] if month else range(1, 13))]
