"""Övervägande/omprövning's deadline items kept by triggers (issue 19 point 2, national scale): one row per item
(placements.care_review_sets' population rule) in placements_care_review_item, with the unit, case and
responsible it is reported under, so the deadline report and its drill-down read an index range on the due date
instead of walking 100 000 placed children and probing their cases on every request.

One home per rule: the rows are care_review_sets.care_review_items_live_sql over a period wide enough for every
date the date window allows, narrowed to the placements a change affected. Nothing depends on today: the report
judges the stored due and done dates as of today when it reads.

Kept, never stale: statement triggers (placements 0023_deadline_kept) on the placements, their reviews, and the
socialtjanst rows the rule reads (the child's birth date, the insats' decision and case, the person's cases in
the unit) refresh the AFFECTED placements' rows in the same transaction through REFRESH_FUNCTION. The migration
holds a frozen copy of this SQL; tests/placements/test_care_review_kept.py checks the database's function equals
what this module writes today and that the kept rows equal the live rule after every kind of change.
"""

import datetime

from django.db import connection

from common import kept
from common.date_window import CASE_EARLIEST, CASE_LATEST_STORED

from .care_review_sets import KEPT, KEPT_COLUMNS, care_review_items_live_sql

REFRESH_FUNCTION = "placements_care_review_refresh"
# Every due date a stored placement can have lies in this period (the date window is 1900–2100).
WIDE_START, WIDE_END = datetime.date(1899, 1, 1), datetime.date(2199, 12, 31)


def _literal(sql: str) -> str:
    params = {"start": WIDE_START, "end": WIDE_END, "win_lo": CASE_EARLIEST, "win_hi": CASE_LATEST_STORED}
    return connection.ops.compose_sql(sql, params)


def _items_sql(placements: str = "") -> str:
    return _literal(f"SELECT {', '.join(KEPT_COLUMNS)} FROM ({care_review_items_live_sql(None, placements)}) i")


def live_items_sql() -> str:
    """Every placement's items as the rule gives them now (the oracle the kept rows are tested against)."""
    return _items_sql()


def fill_sql() -> str:
    """Every placement's rows (the migration's first fill, and a TRUNCATE's refill)."""
    return f"INSERT INTO {KEPT} ({', '.join(KEPT_COLUMNS)}) " + _items_sql()


def refresh_function_sql() -> str:
    """placements_care_review_refresh(placements bigint[]): forget the placements' rows and insert what the rule
    gives for them now, planned by their number (common.kept.insert_by_size: generic for a save's few, EXECUTE for
    an import's many). The placements' rows are locked first, in id order, so two transactions refresh one
    placement one after the other, as socialtjanst.followup.deadline_kept's refresh does."""
    head = f"INSERT INTO {KEPT} ({', '.join(KEPT_COLUMNS)}) "
    planned = head + _items_sql("p.id = ANY(placements)")
    bulk = head + _items_sql("p.id = ANY($1)")
    return (f"CREATE OR REPLACE FUNCTION {REFRESH_FUNCTION}(placements bigint[]) RETURNS void LANGUAGE plpgsql"
            " SET plan_cache_mode = force_generic_plan AS $fn$ BEGIN PERFORM 1 FROM placements_placement"
            " WHERE id = ANY(placements) ORDER BY id FOR NO KEY UPDATE;"
            f" DELETE FROM {KEPT} WHERE pk = ANY(placements);"
            f" {kept.insert_by_size('placements', planned, bulk, 'ins')} END $fn$")
