"""'Att göra': open items with their next due date, read through the access module.
Due dates come only from deadlines.py, here through their SQL twins (deadlines_sql.py), so the list is filtered,
counted, sorted and paged by PostgreSQL and only the shown page's rows become objects (issue 19 point 2).

An item's *Ansvarig handläggare* is the one who answers for that item: the investigation's responsible for an
Utredning, the case's responsible for everything else. The list's filter and its column both use it."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import EmptyResultSet
from django.db.models import Q, QuerySet

from common.links import object_url

from . import selectors, todo_kept, todo_sources
from .followup.sql_session import report_cursor
from .models import Case
from .todo_parts import (  # noqa: F401  (the kinds and the sets' SQL, imported from here by the pages and tests)
    AWAITING_ENFORCEMENT_SQL,
    AWAITING_SCREENING_SQL,
    ENFORCEMENT,
    INVESTIGATION,
    KINDS,
    REGISTERED_PART_BASE,
    SAFETY,
    SCREENING,
    _parts,
)
from .users import user_full_name


def kinds() -> tuple[str, ...]:
    """The kind filter's choices: the case flow's own, then every registered app's (todo_sources)."""
    return (*KINDS, *(p.kind for p in todo_sources.todo_parts()))

# The due filter: overdue, or due within so many days from today (today included, the overdue not).
OVERDUE = "forsenade"
DUE_WITHIN_DAYS = (7, 14, 30)


@dataclass(frozen=True)
class TodoItem:
    kind: str
    case: Case
    responsible: object
    due_on: datetime.date | None  # None: a stored date outside the window, shown with the marker
    url: str
    today: datetime.date
    base_kind: str = ""  # the kind without the out-of-window marker, for the kind filter

    @property
    def kind_key(self) -> str:
        return self.base_kind or self.kind

    @property
    def days_left(self) -> int | None:
        return None if self.due_on is None else (self.due_on - self.today).days

    @property
    def responsible_name(self) -> str:
        return user_full_name(self.responsible)

    @property
    def overdue(self) -> bool:
        return self.due_on is not None and self.due_on < self.today


# The table's sortable columns (socialtjanst.tables.TodoTable) → SQL. Strings sort by code point (COLLATE "C"),
# as the Python sort of the list did; ties keep the list's own order, overdue first.
# (GREATEST(t_part - 1, 0): an intake's two items together, then investigations, then decisions.)
BASE_ORDER = "t_due ASC NULLS FIRST, t_case, GREATEST(t_part - 1, 0), t_obj, t_part"
ORDER_COLUMNS = {
    "due_on": "t_due", "days_left": "t_due", "kind": 't_kind COLLATE "C"', "unit": 't_unit COLLATE "C"',
    "responsible": 't_resp_name COLLATE "C"',
}


def _order_sql(order: str) -> str:
    bare = order.lstrip("-")
    column = ORDER_COLUMNS.get(bare)
    if column is None or bare == "due_on" and not order.startswith("-"):
        return BASE_ORDER
    if column == "t_due":
        return ("t_due DESC NULLS LAST, " if order.startswith("-") else "t_due ASC NULLS FIRST, ") + BASE_ORDER
    return f"{column} {'DESC' if order.startswith('-') else 'ASC'}, {BASE_ORDER}"


@dataclass
class TodoQuery:
    """The open items of the given (already access-scoped) open cases, narrowed by who answers for them, their kind
    and their due date, read from the kept items (socialtjanst.todo_kept, which hold open cases' items only) or,
    `live`, built by one UNION ALL statement over the raw rows; either way fetched a page at a time.

    Its statements run with JIT off (report_cursor, as the follow-up's): the UNION's plan costs enough to switch on
    JIT with inlining and optimisation, and compiling it took about 10 of the 15 s the page took at national
    scale."""

    cases: QuerySet
    today: datetime.date
    responsible: object = None
    kind: str = ""
    due: str = ""
    # The open cases are exactly every open case of these units (the list without a search): the kept items are
    # then read by unit, not joined with the cases.
    unit_ids: list[int] | None = None
    # True: every item built from the raw rows (the oracle the kept items are tested against, and the bench's
    # reference); False: read from the kept items (socialtjanst.todo_kept).
    live: bool = False

    def _from(self, extra=()) -> tuple[str, list]:
        if not self.live:
            return todo_kept.kept_from(self, extra)
        parts = _parts(self.cases, self.responsible, self.kind, extra, self.today)
        if not parts:
            return "", []
        sqls, params = [], []
        for qs in parts:
            try:
                sql, p = qs.query.sql_with_params()
            except EmptyResultSet:  # a scope of no cases (Case.objects.none()): the part has no rows
                continue
            sqls.append(f"({sql})")
            params.extend(p)
        if not sqls:
            return "", []
        where, where_params = self.due_filter()
        return f"FROM ({' UNION ALL '.join(sqls)}) items{where}", [*params, *where_params]

    def due_filter(self) -> tuple[str, list]:
        """The due filter over the items' t_due: overdue, or due within so many days."""
        if self.due == OVERDUE:
            return " WHERE items.t_due < %s", [self.today]
        if self.due.isdigit():
            days = datetime.timedelta(days=int(self.due))
            return " WHERE items.t_due BETWEEN %s AND %s", [self.today, self.today + days]
        return "", []

    def _totals_sql(self) -> tuple[str, list]:
        """The statement of (items, overdue items); ("", []) when nothing can match."""
        if not self.live and (from_tally := todo_kept.tally_totals(self)) is not None:
            return from_tally
        body, params = self._from()
        return (f"SELECT count(*) AS total, count(*) FILTER (WHERE items.t_due < %s) AS overdue {body}",
                [self.today, *params]) if body else ("", [])

    def totals(self) -> tuple[int, int]:
        """(items, overdue items)."""
        sql, params = self._totals_sql()
        if not sql:
            return 0, 0
        with report_cursor() as cur:
            cur.execute(sql, params)
            total, overdue = cur.fetchone()
        return total, overdue

    def rows(self, *, order: str = "due_on", offset: int = 0, limit: int | None = None) -> list[TodoItem]:
        return self._rows(order, offset, limit, counted=False)[0]

    def page(self, *, order: str = "due_on", offset: int = 0, limit: int = 25) -> tuple[list[TodoItem], int, int]:
        """(the page's items, items, overdue items): the page and the totals from one statement. Live, each
        statement builds every open item in scope (the totals are window counts over the items before the page is
        cut), and past the last page there is no row to carry them: then totals() asks."""
        found, total, overdue = self._rows(order, offset, limit, counted=True)
        if not found and offset > 0 and self.live:
            total, overdue = self.totals()
        return found, total, overdue

    def _rows(self, order: str, offset: int, limit: int | None, *, counted: bool) -> tuple[list[TodoItem], int, int]:
        sort_column = {"unit": "t_unit", "responsible": "t_resp_name"}.get(order.lstrip("-"))
        body, params = self._from(extra=(sort_column,) if sort_column else ())
        if not body:
            return [], 0, 0
        page = ""
        if limit is not None:
            page, params = " LIMIT %s OFFSET %s", [*params, limit, offset]
        columns = "t_part, t_obj, t_case, t_resp, t_by_case, t_due, t_kind"
        select = f"SELECT {columns} {body} ORDER BY {_order_sql(order)}{page}"
        if counted and not self.live:
            # Over the kept items: the totals as a plain count and the page as a top-N sort, each a scan of the
            # narrow table (a window count buffers every item to disk first); the totals' row is there even past
            # the last page.
            count_sql, count_params = self._totals_sql()
            select = f"SELECT p.*, n.total, n.overdue FROM ({count_sql}) n LEFT JOIN LATERAL ({select}) p ON TRUE"
            params = [*count_params, *params]
        elif counted:
            select = (f"SELECT {columns}, count(*) OVER (), count(*) FILTER (WHERE items.t_due < %s) OVER () {body}"
                      f" ORDER BY {_order_sql(order)}{page}")
            params = [self.today, *params]
        with report_cursor() as cur:
            cur.execute(select, params)
            found = cur.fetchall()
        total, overdue = (found[0][7], found[0][8]) if counted and found else (0, 0)
        return _items([row[:7] for row in found if row[0] is not None], self.today), total, overdue

    def counts_by_unit_and_responsible(self, *, within_days: int) -> dict[tuple[int, int | None], tuple[int, int]]:
        """{(unit id, responsible id or None): (overdue, due within `within_days` from today)}, the same notions
        as the list's due filter (socialtjanst.workload)."""
        body, params = self._from(extra=("t_unit_id",))
        if not body:
            return {}
        last = self.today + datetime.timedelta(days=within_days)
        with report_cursor() as cur:
            cur.execute("SELECT t_unit_id, t_resp, count(*) FILTER (WHERE items.t_due < %s), "
                        f"count(*) FILTER (WHERE items.t_due BETWEEN %s AND %s) {body} GROUP BY t_unit_id, t_resp",
                        [self.today, self.today, last, *params])
            return {(unit_id, resp): (overdue, soon) for unit_id, resp, overdue, soon in cur.fetchall()}


_URLS = {0: "socialtjanst:intake_detail", 1: "socialtjanst:intake_detail", 2: "socialtjanst:investigation_detail",
         3: "socialtjanst:case_detail"}


def _items(found, today: datetime.date) -> list[TodoItem]:
    """The page's rows as items: their cases and responsible users in two queries, whatever the page's length."""
    cases = Case.objects.select_related("person", "unit").in_bulk({r[2] for r in found})
    # Who answers: the row's user, or the case's responsible where the statement left it to the case (t_by_case).
    found = [(part, obj_id, case_id, cases[case_id].responsible_id if by_case else responsible_id, due, kind)
             for part, obj_id, case_id, responsible_id, by_case, due, kind in found]
    users = get_user_model().objects.in_bulk({r[3] for r in found if r[3] is not None})
    registered = todo_sources.todo_parts() if any(r[0] >= REGISTERED_PART_BASE for r in found) else []
    items = []
    for part, obj_id, case_id, responsible_id, due, kind in found:
        if part >= REGISTERED_PART_BASE:
            source = registered[part - REGISTERED_PART_BASE]
            base_kind = source.kind if kind != source.kind else ""
            url = source.url(obj_id)
        else:
            base_kind = KINDS[part] if kind != KINDS[part] else ""
            url = object_url(_URLS[part], case_id if part == 3 else obj_id)
        items.append(TodoItem(kind, cases[case_id], users.get(responsible_id), due, url, today, base_kind=base_kind))
    return items


def todo_items(cases: QuerySet[Case], *, today: datetime.date, responsible=None) -> list[TodoItem]:
    """Every open item of the given (already access-scoped) cases, overdue first then by due date.
    With `responsible`, only items that user answers for."""
    return TodoQuery(cases, today, responsible).rows()


def todo_search(cases: QuerySet[Case], query: str, *, persons: QuerySet, name_searchable: QuerySet) -> QuerySet[Case]:
    """The cases a free-text query finds: the case number ("12", "ärende 12"), or the person as
    selectors.person_search finds them, among `persons` (the user's, never a protected person's name or
    number for a user without that permission: the caller passes access.person_name_filter_allowed)."""
    words = [w for w in (query or "").split() if w.lower() != "ärende"]
    text = " ".join(words)
    if not text:
        return cases
    match = Q(person__in=selectors.person_search(persons, text, name_searchable=name_searchable).values("pk"))
    bare = text.replace("-", "")
    if bare.isdigit() and len(bare) <= 18:
        match |= Q(pk=int(bare))
    return cases.filter(match)
