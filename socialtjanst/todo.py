"""'Att göra': open items with their next due date, read through the access module.
Due dates come only from deadlines.py, here through their SQL twins (deadlines_sql.py), so the list is filtered,
counted, sorted and paged by PostgreSQL and only the shown page's rows become objects (issue 19 point 2).

An item's *Ansvarig handläggare* is the one who answers for that item: the investigation's responsible for an
Utredning, the case's responsible for everything else. The list's filter and its column both use it."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import EmptyResultSet
from django.db import models
from django.db.models import (
    BigIntegerField,
    BooleanField,
    CharField,
    DateField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, Concat, NullIf, Trim
from django.urls import reverse

from common.date_window import CASE_EARLIEST, CASE_LATEST_STORED, OUT_OF_WINDOW_MARKER

from . import deadlines, deadlines_sql, selectors, todo_sources
from .followup.sql_session import report_cursor
from .models import (
    Case,
    Decision,
    Intake,
    IntakeKind,
    Investigation,
    InvestigationExtension,
    TargetGroup,
)
from .users import UNASSIGNED, user_full_name

SAFETY = "Omedelbar skyddsbedömning"
SCREENING = "Förhandsbedömning"
INVESTIGATION = "Utredning"
ENFORCEMENT = "Verkställighet"
KINDS = (SAFETY, SCREENING, INVESTIGATION, ENFORCEMENT)
REGISTERED_PART_BASE = 100  # t_part of the first registered part (socialtjanst.todo_sources), in key order


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


# --- the items as one statement ------------------------------------------------------------


def _in_window(*fields: str) -> Q:
    """common.date_window.in_window over stored columns (the same bounds as its window_check CHECKs)."""
    q = Q()
    for field in fields:
        q &= Q(**{f"{field}__gte": CASE_EARLIEST, f"{field}__lte": CASE_LATEST_STORED})
    return q


def _full_name(prefix: str):
    """socialtjanst.users.user_full_name in SQL, for sorting by the column: the name, else the user name."""
    name = Trim(Concat(F(f"{prefix}__first_name"), Value(" "), F(f"{prefix}__last_name"), output_field=CharField()))
    return Coalesce(NullIf(name, Value("")), F(f"{prefix}__username"), Value(UNASSIGNED), output_field=CharField())


def _full_name_of_user():
    """_full_name over the user model itself (a registered part reaches its responsible by id)."""
    name = Trim(Concat(F("first_name"), Value(" "), F("last_name"), output_field=CharField()))
    return Coalesce(NullIf(name, Value("")), F("username"), Value(UNASSIGNED), output_field=CharField())


def _columns(qs: QuerySet, part: int, kind: str, responsible: str, due, valid: Q, extra=(), case: str = "case"
             ) -> QuerySet:
    """One kind of item as the list's columns; a row whose stored dates lie outside the window gets no due
    date and the marker, so one bad row never breaks the list. The `extra` columns (the unit's name or id, the
    responsible's name) only when a sort or a count needs them: each is a join over every item."""
    more = {
        "t_unit": F(f"{case}__unit__name"), "t_unit_id": F(f"{case}__unit_id"), "t_resp_name": _full_name(responsible),
    }
    ok = ExpressionWrapper(valid, output_field=BooleanField())
    by_case = responsible == f"{case}__responsible" and not _needs_responsible(extra)
    # order_by(): no model's default ordering inside the UNION (a sort per part for nothing).
    return qs.order_by().annotate(_ok=ok).values(
        t_part=Value(part, output_field=IntegerField()),
        t_obj=F("pk"),
        t_case=F(f"{case}_id"),
        **_responsible_columns(None if by_case else F(f"{responsible}_id")),
        t_due=models.Case(When(_ok=True, then=due), default=None, output_field=DateField()),
        t_kind=models.Case(When(_ok=True, then=Value(kind)), default=Value(f"{kind} ({OUT_OF_WINDOW_MARKER})"),
                           output_field=CharField()),
        **{name: more[name] for name in extra},
    )


def _needs_responsible(extra) -> bool:
    """Whether the statement reads every item's responsible (the workload's counts per responsible, the sort by
    name); the list's page and totals do not, so an item the case's responsible answers for leaves it to the page's
    cases (_items): a join per item saved."""
    return bool({"t_resp_name", "t_unit_id"} & set(extra))


def _responsible_columns(responsible) -> dict:
    """t_resp, the id of who answers for the item, and t_by_case: true when that is the case's responsible, left
    NULL in t_resp for _items to read from the case (`responsible` None)."""
    if responsible is None:
        return {"t_resp": Cast(Value(None), output_field=BigIntegerField()), "t_by_case": Value(True)}
    return {"t_resp": responsible, "t_by_case": Value(False)}


def _safety_applies() -> Q:
    """deadlines.safety_assessment_applies as a filter, derived from the rule itself."""
    q = Q(pk__in=[])
    for kind in IntakeKind.values:
        for group in TargetGroup.values:
            if deadlines.safety_assessment_applies(kind, group):
                q |= Q(kind=kind, target_group=group)
    return q


AWAITING_SCREENING_SQL = "SELECT intake_id FROM socialtjanst_intake_awaiting_screening"
AWAITING_ENFORCEMENT_SQL = "SELECT decision_id FROM socialtjanst_decision_awaiting_enforcement"


def _parts(cases: QuerySet[Case], responsible, kind: str, extra=(), today=None) -> list[QuerySet]:
    parts = []
    owner = "case__responsible"
    # The items the case's responsible answers for are read from that user's cases only (a handläggare's few
    # thousand rather than the unit's hundred thousand): the same items as filtering them afterwards.
    owned = cases if responsible is None else cases.filter(responsible=responsible)
    # Those without a förhandsbedömning, read from the table the triggers of migration 0018 keep: "no row in
    # socialtjanst_screening" is otherwise a probe per aktualisering of every open case in scope.
    intakes = Intake.objects.filter(case__in=owned, pk__in=RawSQL(AWAITING_SCREENING_SQL, ()))  # noqa: S611 - a constant
    if kind in ("", SAFETY):
        safety = intakes.filter(_safety_applies(), safety_assessed_on__isnull=True)
        parts.append(_columns(safety, 0, SAFETY, owner, deadlines_sql.safety_assessment_due_expr(),
                              _in_window("received_on"), extra))
    if kind in ("", SCREENING):
        screening = intakes.filter(target_group__in=[
            g for g in TargetGroup.values if deadlines.screening_deadline_applies(g)])
        parts.append(_columns(screening, 1, SCREENING, owner, deadlines_sql.screening_initial_due_expr(),
                              _in_window("received_on"), extra))
    if kind in ("", INVESTIGATION):
        investigations = Investigation.objects.filter(case__in=cases, completed_on__isnull=True)
        if responsible is not None:
            investigations = investigations.filter(responsible=responsible)
        # The few utredningar with an extension dated outside the window, as one set (a hashed sub-plan read once)
        # rather than a probe of the extensions per open utredning, twice (the date and the kind columns).
        bad_extension = InvestigationExtension.objects.exclude(_in_window("decided_on", "new_due_on")).values(
            "investigation_id")
        parts.append(_columns(investigations, 2, INVESTIGATION, "responsible", deadlines_sql.investigation_due_expr(),
                              _in_window("started_on") & ~Q(pk__in=bad_extension), extra))
    if kind in ("", ENFORCEMENT):
        # Favourable decisions, not voided, with no insats verkställd: read from the table the triggers of migration
        # 0022 keep (the absence of a verkställd insats was a hash anti-join of every decision with every insats).
        waiting = Decision.objects.filter(case__in=owned, pk__in=RawSQL(AWAITING_ENFORCEMENT_SQL, ()))  # noqa: S611
        parts.append(_columns(waiting, 3, ENFORCEMENT, owner, deadlines_sql.enforcement_due_expr(),
                              _in_window("decided_on"), extra))
    return parts + _registered_parts(cases, responsible, kind, extra, today)


def _as_expr(value):
    return F(value) if isinstance(value, str) else value


def _registered_parts(cases: QuerySet[Case], responsible, kind: str, extra, today) -> list[QuerySet]:
    """Other apps' items (socialtjanst.todo_sources), narrowed here to the scoped cases and the responsible, so
    no registration can forget the scope. The case, unit and responsible's name are read by case id."""
    parts = []
    for n, source in enumerate(todo_sources.todo_parts()):
        if kind not in ("", source.kind):
            continue
        # A part whose items the case's responsible answers for reads only that user's cases (as _parts does); a
        # part that names another responsible is read over every scoped case and filtered by it below.
        scope = cases if responsible is None else cases.filter(responsible=responsible)
        spec = source.rows(scope, today)
        by_case = responsible is not None and spec.responsible is None
        if responsible is not None and not by_case:
            scope = cases
            spec = source.rows(scope, today)
        case_row = Case.objects.filter(pk=OuterRef("_t_case"))
        qs = spec.queryset.order_by().annotate(_t_case=_as_expr(spec.case)).filter(
            _t_case__in=scope.order_by().values("pk"))
        lazy = spec.responsible is None and not _needs_responsible(extra)
        resp = (_as_expr(spec.responsible) if spec.responsible is not None
                else Subquery(case_row.values("responsible_id")[:1]))
        if not lazy:
            qs = qs.annotate(_t_resp=resp)
        if responsible is not None and not by_case:
            qs = qs.filter(_t_resp=responsible.pk)
        user_row = get_user_model().objects.filter(pk=OuterRef("_t_resp")).annotate(
            _n=_full_name_of_user()).values("_n")[:1]
        more = {
            "t_unit": Subquery(case_row.values("unit__name")[:1]),
            "t_unit_id": Subquery(case_row.values("unit_id")[:1]),
            "t_resp_name": Coalesce(Subquery(user_row), Value(UNASSIGNED), output_field=CharField()),
        }
        ok = ExpressionWrapper(spec.valid if spec.valid is not None else Q(pk__isnull=False),
                               output_field=BooleanField())
        label = source.kind
        parts.append(qs.annotate(_ok=ok).values(
            t_part=Value(REGISTERED_PART_BASE + n, output_field=IntegerField()),
            t_obj=F("pk"), t_case=F("_t_case"), **_responsible_columns(None if lazy else F("_t_resp")),
            t_due=models.Case(When(_ok=True, then=spec.due), default=None, output_field=DateField()),
            t_kind=models.Case(When(_ok=True, then=Value(label)),
                               default=Value(f"{label} ({OUT_OF_WINDOW_MARKER})"), output_field=CharField()),
            **{name: more[name] for name in extra},
        ))
    return parts


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
    """The open items of the given (already access-scoped) cases, narrowed by who answers for them, their kind
    and their due date, as one UNION ALL statement whose rows are fetched a page at a time.

    Its statements run with JIT off (report_cursor, as the follow-up's): the UNION's plan costs enough to switch on
    JIT with inlining and optimisation, and compiling it took about 10 of the 15 s the page took at national
    scale."""

    cases: QuerySet
    today: datetime.date
    responsible: object = None
    kind: str = ""
    due: str = ""

    def _from(self, extra=()) -> tuple[str, list]:
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
        where, where_params = "", []
        if self.due == OVERDUE:
            where, where_params = " WHERE items.t_due < %s", [self.today]
        elif self.due.isdigit():
            days = datetime.timedelta(days=int(self.due))
            where, where_params = " WHERE items.t_due BETWEEN %s AND %s", [self.today, self.today + days]
        return f"FROM ({' UNION ALL '.join(sqls)}) items{where}", [*params, *where_params]

    def totals(self) -> tuple[int, int]:
        """(items, overdue items)."""
        body, params = self._from()
        if not body:
            return 0, 0
        with report_cursor() as cur:
            cur.execute(f"SELECT count(*), count(*) FILTER (WHERE items.t_due < %s) {body}", [self.today, *params])
            total, overdue = cur.fetchone()
        return total, overdue

    def rows(self, *, order: str = "due_on", offset: int = 0, limit: int | None = None) -> list[TodoItem]:
        return self._rows(order, offset, limit, counted=False)[0]

    def page(self, *, order: str = "due_on", offset: int = 0, limit: int = 25) -> tuple[list[TodoItem], int, int]:
        """(the page's items, items, overdue items): the page and the totals from one statement, since each
        statement builds every open item in scope to count or sort them (the totals are window counts over the
        items before the page is cut). Past the last page there is no row to carry them: then totals() asks."""
        found, total, overdue = self._rows(order, offset, limit, counted=True)
        if not found and offset > 0:
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
        counts, count_params = "", []
        if counted:
            counts, count_params = ", count(*) OVER (), count(*) FILTER (WHERE items.t_due < %s) OVER ()", [self.today]
        with report_cursor() as cur:
            cur.execute(f"SELECT t_part, t_obj, t_case, t_resp, t_by_case, t_due, t_kind{counts} {body} "
                        f"ORDER BY {_order_sql(order)}{page}", [*count_params, *params])
            found = cur.fetchall()
        total, overdue = (found[0][7], found[0][8]) if counted and found else (0, 0)
        return _items([row[:7] for row in found], self.today), total, overdue


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
            url = reverse(_URLS[part], args=[case_id if part == 3 else obj_id])
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
