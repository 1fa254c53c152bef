"""Att göra's parts as the live statement: each kind of open item as a queryset with the list's columns (t_part,
t_obj, t_case, t_resp, t_by_case, t_due, t_kind and the extra ones asked for), the case flow's own and every
registered app's (socialtjanst.todo_sources), narrowed to the scoped cases. socialtjanst.todo puts them into one
UNION ALL (the live list, the oracle) and socialtjanst.todo_kept compiles them into the kept items' refresh
functions, so each rule has this one home."""

from django.contrib.auth import get_user_model
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

from common.date_window import CASE_EARLIEST, CASE_LATEST_STORED, OUT_OF_WINDOW_MARKER

from . import deadlines, deadlines_sql, todo_sources
from .models import Case, Decision, Intake, IntakeKind, Investigation, InvestigationExtension, TargetGroup
from .users import UNASSIGNED

SAFETY = "Omedelbar skyddsbedömning"
SCREENING = "Förhandsbedömning"
INVESTIGATION = "Utredning"
ENFORCEMENT = "Verkställighet"
KINDS = (SAFETY, SCREENING, INVESTIGATION, ENFORCEMENT)
REGISTERED_PART_BASE = 100  # t_part of the first registered part (socialtjanst.todo_sources), in key order


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


NO_DATE = Cast(Value(None), output_field=DateField())


def _kept_columns(kept: bool, spec=None) -> dict:
    """The kept items' fill (today None, socialtjanst.todo_kept) adds the dates it compares with today when read:
    a registered part's visible_from / visible_until / lead (TodoRows); the case flow's parts have none."""
    if not kept:
        return {}
    lead = spec.lead if spec is not None and spec.lead is not None else None
    return {
        "t_from": _as_expr(spec.visible_from) if spec is not None and spec.visible_from is not None else NO_DATE,
        "t_until": _as_expr(spec.visible_until) if spec is not None and spec.visible_until is not None else NO_DATE,
        "t_lead": lead[0] if lead is not None else NO_DATE,
    }


def _columns(qs: QuerySet, part: int, kind: str, responsible: str, due, valid: Q, extra=(), case: str = "case",
             kept: bool = False) -> QuerySet:
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
        **_kept_columns(kept),
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


def _parts(cases: QuerySet[Case], responsible, kind: str, extra=(), today=None, *, flow: bool = True,
           registered: bool = True) -> list[QuerySet]:
    """Every part's rows, or only the case flow's (`flow`) or the registered apps' (`registered`): the kept items'
    fill (today None) keeps each app's in its own function (socialtjanst.todo_kept)."""
    kept = today is None
    parts = []
    if not flow:
        return _registered_parts(cases, responsible, kind, extra, today) if registered else []
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
                              _in_window("received_on"), extra, kept=kept))
    if kind in ("", SCREENING):
        screening = intakes.filter(target_group__in=[
            g for g in TargetGroup.values if deadlines.screening_deadline_applies(g)])
        parts.append(_columns(screening, 1, SCREENING, owner, deadlines_sql.screening_initial_due_expr(),
                              _in_window("received_on"), extra, kept=kept))
    if kind in ("", INVESTIGATION):
        investigations = Investigation.objects.filter(case__in=cases, completed_on__isnull=True)
        if responsible is not None:
            investigations = investigations.filter(responsible=responsible)
        # The few utredningar with an extension dated outside the window, as one set (a hashed sub-plan read once)
        # rather than a probe of the extensions per open utredning, twice (the date and the kind columns).
        bad_extension = InvestigationExtension.objects.exclude(_in_window("decided_on", "new_due_on")).values(
            "investigation_id")
        parts.append(_columns(investigations, 2, INVESTIGATION, "responsible", deadlines_sql.investigation_due_expr(),
                              _in_window("started_on") & ~Q(pk__in=bad_extension), extra, kept=kept))
    if kind in ("", ENFORCEMENT):
        # Favourable decisions, not voided, with no insats verkställd: read from the table the triggers of migration
        # 0022 keep (the absence of a verkställd insats was a hash anti-join of every decision with every insats).
        waiting = Decision.objects.filter(case__in=owned, pk__in=RawSQL(AWAITING_ENFORCEMENT_SQL, ()))  # noqa: S611
        parts.append(_columns(waiting, 3, ENFORCEMENT, owner, deadlines_sql.enforcement_due_expr(),
                              _in_window("decided_on"), extra, kept=kept))
    return parts + (_registered_parts(cases, responsible, kind, extra, today) if registered else [])


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
            **_kept_columns(today is None, spec),
        ))
    return parts
