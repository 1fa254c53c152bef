"""Intake statistics of shared/domain.md §8: anmälningar, inledda utredningar and beslut per
period, unit and target group, as events and as unique individuals, with last year beside.

Rules (decided here, documented in the README paragraph of issue 6):

- An *anmälan* is an aktualisering of kind orosanmälan. Ansökan, information (e.g. a LUS notice)
  and eget initiativ are aktualiseringar, counted in the breakdown by kind, never as anmälningar.
- A period is January up to and including `through_month` of `year` (the whole year without a
  month); an intake belongs to the period it was received in (`received_on`), an investigation
  to the one it started in, a decision to the one it was taken in. Voided decisions never count.
- Unique individuals are distinct persons. The gender columns count unique individuals in three
  buckets: `female` (kvinna), `male` (man) and `unknown` (everything else, okänt included), so
  they always add up to the individuals of the same row.
- Totals count unique individuals over the whole scope, never the sum of the rows: one person
  can appear under two target groups, two reporter categories or several concerns.
- A report can carry several concerns: it counts once under each, so the concern table does not
  add up to the number of anmälningar (the "Ej angiven" bucket holds reports without any).
- Share not leading to an investigation = anmälningar of the period whose förhandsbedömning ended
  in "inte inleda utredning" ÷ anmälningar of the period with a förhandsbedömning decided; reports
  still waiting for one do not lower the share. None when nothing has been decided.
- Scope: the command (user None) and the controller see the whole municipality, aggregated only;
  an enhetschef sees the units of socialtjanst.access.cases_for_user; anyone else sees nothing.
  Every figure is set-based: one grouped query per table, never a loop over intakes.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import ExtractMonth

from common import rounding
from common.periods import Period
from socialtjanst import access
from socialtjanst.models import (
    Case,
    Channel,
    ConcernCategory,
    Decision,
    Gender,
    Intake,
    IntakeKind,
    Investigation,
    LegalBasis,
    ReporterCategory,
    ScreeningOutcome,
    TargetGroup,
)

NOT_GIVEN = "Ej angiven"
GENDER_KEYS = ("female", "male", "unknown")


# --- scope ----------------------------------------------------------------------------


def statistics_cases(user, unit_id: int | None = None) -> QuerySet[Case]:
    """The cases whose intakes, investigations and decisions the statistics count."""
    cases = access.followup_cases_for_user(user)
    return cases.filter(unit_id=unit_id) if unit_id else cases


def _intakes(cases, period: Period) -> QuerySet[Intake]:
    return Intake.objects.filter(case__in=cases, received_on__range=period.bounds()).order_by()


def _reports(cases, period: Period) -> QuerySet[Intake]:
    return _intakes(cases, period).filter(kind=IntakeKind.REPORT)


def _investigations(cases, period: Period) -> QuerySet[Investigation]:
    return Investigation.objects.filter(case__in=cases, started_on__range=period.bounds()).order_by()


def _decisions(cases, period: Period) -> QuerySet[Decision]:
    return Decision.objects.filter(case__in=cases, decided_on__range=period.bounds(),
                                   voided_reason="").order_by()


# --- aggregation helpers ---------------------------------------------------------------


def _gender_q(person: str, key: str) -> Q:
    if key == "female":
        return Q(**{f"{person}__gender": Gender.FEMALE})
    if key == "male":
        return Q(**{f"{person}__gender": Gender.MALE})
    return ~Q(**{f"{person}__gender__in": [Gender.FEMALE, Gender.MALE]})


def _people(person: str = "case__person", *, by_gender: bool = True, events_by_gender: bool = False) -> dict:
    """Aggregates: events, individuals, and individuals (and events) per gender bucket."""
    aggs = {"events": Count("pk"), "individuals": Count(person, distinct=True)}
    for key in GENDER_KEYS if by_gender else ():
        aggs[key] = Count(person, distinct=True, filter=_gender_q(person, key))
        if events_by_gender:
            aggs[f"events_{key}"] = Count("pk", filter=_gender_q(person, key))
    return aggs


def _grouped(qs: QuerySet, group_by: str, aggregates: dict) -> dict:
    return {row.pop("group"): row for row in qs.values(group=F(group_by)).annotate(**aggregates)}


def _zero(aggregates: dict) -> dict:
    return dict.fromkeys(aggregates, 0)


def _breakdown(qs, group_by: str, choices, aggregates: dict, *, blank_label: str | None = None) -> list[dict]:
    """One row per choice (zeros included, in the choices' order), then anything unexpected."""
    found = _grouped(qs, group_by, aggregates)
    rows = []
    for value, label in choices:
        rows.append({"key": value, "label": str(label), **found.pop(value, _zero(aggregates))})
    if blank_label is not None:
        rows.append({"key": "", "label": blank_label, **found.pop("", _zero(aggregates))})
    rows += [{"key": key, "label": str(key), **values} for key, values in found.items()]
    return rows


# --- the tables ---------------------------------------------------------------------------

REPORT_AGGREGATES = {
    **_people(),
    "not_investigated": Count("pk", filter=Q(screening__outcome=ScreeningOutcome.NOT_OPEN)),
    "screened": Count("screening"),
}


def reports_by_target_group(cases, period: Period) -> tuple[list[dict], dict]:
    """Anmälningar per target group and in total (individuals unique over the whole scope)."""
    qs = _reports(cases, period)
    rows = _breakdown(qs, "target_group", TargetGroup.choices, REPORT_AGGREGATES)
    totals = qs.aggregate(**REPORT_AGGREGATES)
    for row in [*rows, totals]:
        row["not_investigated_share"] = rounding.share(row["not_investigated"], row["screened"])
    return rows, totals


def intakes_by_kind(cases, period: Period) -> list[dict]:
    """All aktualiseringar by kind; only orosanmälningar are anmälningar."""
    return _breakdown(_intakes(cases, period), "kind", IntakeKind.choices, _people(by_gender=False))


def reports_by_reporter(cases, period: Period) -> list[dict]:
    return _breakdown(_reports(cases, period), "reporter_category", ReporterCategory.choices,
                      _people(by_gender=False), blank_label=NOT_GIVEN)


def reports_by_channel(cases, period: Period) -> list[dict]:
    return _breakdown(_reports(cases, period), "channel", Channel.choices, _people(by_gender=False))


def reports_by_concern(cases, period: Period) -> list[dict]:
    """One query with a pair of filtered counts per concern category (a report counts under each of its concerns)."""
    buckets = [(value, str(label), Q(concern_categories__contains=[value])) for value, label in ConcernCategory.choices]
    buckets.append(("", NOT_GIVEN, Q(concern_categories=[])))
    aggregates = {}
    for i, (_value, _label, condition) in enumerate(buckets):
        aggregates[f"events_{i}"] = Count("pk", filter=condition)
        aggregates[f"individuals_{i}"] = Count("case__person", distinct=True, filter=condition)
    found = _reports(cases, period).aggregate(**aggregates)
    return [{"key": value, "label": label, "events": found[f"events_{i}"], "individuals": found[f"individuals_{i}"]}
            for i, (value, label, _condition) in enumerate(buckets)]


def investigations_by_target_group(cases, period: Period) -> tuple[list[dict], dict]:
    """Inledda utredningar by target group (of the case's unit) and gender, as events and individuals."""
    qs = _investigations(cases, period)
    aggregates = _people(events_by_gender=True)
    return (_breakdown(qs, "case__unit__target_group", TargetGroup.choices, aggregates), qs.aggregate(**aggregates))


def decisions_by_law(cases, period: Period) -> tuple[list[dict], dict]:
    """Beslut by legal basis and gender, as events and individuals."""
    qs = _decisions(cases, period)
    aggregates = _people(events_by_gender=True)
    return _breakdown(qs, "legal_basis", LegalBasis.choices, aggregates), qs.aggregate(**aggregates)


def reports_by_month(cases, period: Period) -> list[dict]:
    """Anmälningar and unique individuals per month (individuals unique within the month), this year and last."""
    aggregates = {"events": Count("pk"), "individuals": Count("case__person", distinct=True)}
    now = _grouped(_reports(cases, period).annotate(month=ExtractMonth("received_on")), "month", aggregates)
    before = _grouped(_reports(cases, period.last_year()).annotate(month=ExtractMonth("received_on")), "month",
                      aggregates)
    rows = []
    for month in range(1, period.last_month.month + 1):
        this, last = now.get(month, _zero(aggregates)), before.get(month, _zero(aggregates))
        rows.append({"month": month, "reports": this["events"], "individuals": this["individuals"],
                     "reports_last_year": last["events"], "individuals_last_year": last["individuals"]})
    return rows


# --- everything for the page ---------------------------------------------------------------------


@dataclass
class IntakeStatistics:
    period: Period
    summary: list[dict]
    summary_totals: dict
    by_kind: list[dict] = field(default_factory=list)
    by_reporter: list[dict] = field(default_factory=list)
    by_concern: list[dict] = field(default_factory=list)
    by_channel: list[dict] = field(default_factory=list)
    investigations: list[dict] = field(default_factory=list)
    investigations_total: dict = field(default_factory=dict)
    decisions: list[dict] = field(default_factory=list)
    decisions_total: dict = field(default_factory=dict)
    months: list[dict] = field(default_factory=list)


def intake_statistics(*, user, year: int, through_month: int | None = None,
                      unit_id: int | None = None) -> IntakeStatistics:
    """Every breakdown of §8 for the page, in the user's scope."""
    period = Period(year, through_month)
    cases = statistics_cases(user, unit_id)
    summary, summary_totals = report_rows(user=user, year=year, through_month=through_month, unit_id=unit_id)
    investigations, investigations_total = investigations_by_target_group(cases, period)
    decisions, decisions_total = decisions_by_law(cases, period)
    return IntakeStatistics(
        period=period, summary=summary, summary_totals=summary_totals,
        by_kind=intakes_by_kind(cases, period), by_reporter=reports_by_reporter(cases, period),
        by_concern=reports_by_concern(cases, period), by_channel=reports_by_channel(cases, period),
        investigations=investigations, investigations_total=investigations_total,
        decisions=decisions, decisions_total=decisions_total, months=reports_by_month(cases, period),
    )


def report_rows(*, user, year: int, through_month: int | None = None,
                unit_id: int | None = None) -> tuple[list[dict], dict]:
    """The `intake_statistics` export: one row per target group, totals unique over the scope."""
    period = Period(year, through_month)
    cases = statistics_cases(user, unit_id)
    rows, totals = reports_by_target_group(cases, period)
    last_rows, last_totals = reports_by_target_group(cases, period.last_year())
    counted = {"events": Count("pk"), "individuals": Count("case__person", distinct=True)}
    investigations = _grouped(_investigations(cases, period), "case__unit__target_group", counted)
    decisions = _grouped(_decisions(cases, period), "case__unit__target_group", counted)
    inv_total = _investigations(cases, period).aggregate(**counted)
    dec_total = _decisions(cases, period).aggregate(**counted)
    empty = {"events": 0, "individuals": 0}

    def shape(key, row, last, inv, dec) -> dict:
        return {
            "target_group": key, "reports": row["events"], "individuals": row["individuals"],
            "female": row["female"], "male": row["male"], "unknown": row["unknown"],
            "not_investigated": row["not_investigated"], "not_investigated_share": row["not_investigated_share"],
            "investigations_started": inv["events"], "investigations_individuals": inv["individuals"],
            "decisions": dec["events"], "decisions_individuals": dec["individuals"],
            "reports_last_year": last["events"], "individuals_last_year": last["individuals"],
        }

    shaped = [shape(row["key"], row, last, investigations.get(row["key"], empty), decisions.get(row["key"], empty))
              for row, last in zip(rows, last_rows, strict=True)]
    shaped_totals = shape(None, totals, last_totals, inv_total, dec_total)
    del shaped_totals["target_group"]
    return shaped, shaped_totals


def share_reports_not_investigated(year: int) -> Decimal | None:
    """Municipality-wide share (0–1) of the year's anmälningar ending in 'inte inleda utredning'."""
    _rows, totals = reports_by_target_group(statistics_cases(None), Period(year))
    return totals["not_investigated_share"]
