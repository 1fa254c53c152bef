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
- Scope: the command (user None) and the controller see the whole municipality, aggregated only (no scope
  condition is written at all); an enhetschef sees the units of socialtjanst.access.cases_for_user; anyone
  else sees nothing (access.followup_scope_unit_ids).
- Every figure is set-based (issue 19 point 2): the aktualiseringar of the period and of the same months last
  year are read once, in one statement grouped by GROUPING SETS with COUNT(DISTINCT person) per group
  (intake_figures); investigations and decisions are one grouped query per table and one for its total.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet

from common import rounding
from common.periods import Period
from socialtjanst import access
from socialtjanst.followup.sql_session import report_cursor
from socialtjanst.models import (
    Channel,
    ConcernCategory,
    Decision,
    Gender,
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


def statistics_units(user, unit_id: int | None = None) -> list[int] | None:
    """The units whose intakes, investigations and decisions the statistics count (access.followup_scope_unit_ids):
    None for the whole municipality, where no scope condition is written at all."""
    units = access.followup_scope_unit_ids(user)
    if unit_id:
        return [unit_id] if units is None or unit_id in units else []
    return units


def _scoped(qs: QuerySet, units) -> QuerySet:
    return qs if units is None else qs.filter(case__unit_id__in=units)


def _investigations(units, period: Period) -> QuerySet[Investigation]:
    return _scoped(Investigation.objects.filter(started_on__range=period.bounds()), units).order_by()


def _decisions(units, period: Period) -> QuerySet[Decision]:
    return _scoped(Decision.objects.filter(decided_on__range=period.bounds(), voided_reason=""), units).order_by()


# --- the period's intakes, read once ------------------------------------------------------------
#
# One statement groups this period's and last year's aktualiseringar by GROUPING SETS: by kind (every
# aktualisering), and the anmälningar by target group, in total, by reporter, by channel, by month and by
# concern. COUNT(DISTINCT person) is taken per group in that one pass. A report's concerns are its extra rows
# from the lateral unnest (one per concern, 'Ej angiven' for none); every other set counts only the row whose
# concern is NULL, so no report is counted twice outside the concern table.

_SETS = {  # name → the grouping set's columns after `this` (this period or last year)
    "kind": ("i.kind",),
    "target_group": ("is_report", "i.target_group"),
    "total": ("is_report",),
    "reporter": ("is_report", "i.reporter_category"),
    "channel": ("is_report", "i.channel"),
    "month": ("is_report", "month"),
    "concern": ("is_report", "cc.concern"),
}
_KEYS = ("i.kind", "i.target_group", "i.reporter_category", "i.channel", "month", "cc.concern")


LAST_YEAR_SETS = ("target_group", "total", "month")  # all that is shown of last year


def _keys(names) -> list[str]:
    """The grouping columns of these sets (GROUPING() may only name columns some set groups by)."""
    return [key for key in _KEYS if any(key in _SETS[name] for name in names)]


def _set_mask(columns, keys) -> int:
    # GROUPING(keys): a bit is 1 for a column the set does not group by (first column = high bit).
    return sum(1 << (len(keys) - 1 - n) for n, key in enumerate(keys) if key not in columns)


_MASKS = {this: {_set_mask(_SETS[name], _keys(names)): name for name in names}
          for this, names in ((True, tuple(_SETS)), (False, LAST_YEAR_SETS))}
_MEASURES = ("events", "individuals", "female", "male", "unknown", "not_investigated", "screened")


def _intake_part(units, this: bool, names) -> str:
    """One period's aktualiseringar (this period, or the same months last year with only the sets shown of
    it), grouped by the named sets in one pass."""
    person = "i.person_id"
    main = "cc.concern IS NULL"
    unknown = f"COALESCE(i.gender, '') NOT IN ('{Gender.FEMALE}', '{Gender.MALE}')"
    sets = ", ".join("(" + ", ".join(_SETS[name]) + ")" for name in names)
    start, end = ("%(start)s", "%(end)s") if this else ("%(last_start)s", "%(last_end)s")
    keys = _keys(names)
    columns = ", ".join(key if key in keys else "NULL" for key in _KEYS)
    return (
        f"SELECT GROUPING({', '.join(keys)}) AS mask, {str(this).lower()} AS this, is_report, {columns},"
        f" COUNT(*) FILTER (WHERE {main}), COUNT(DISTINCT {person}) FILTER (WHERE {main}),"
        f" COUNT(DISTINCT {person}) FILTER (WHERE {main} AND i.gender = '{Gender.FEMALE}'),"
        f" COUNT(DISTINCT {person}) FILTER (WHERE {main} AND i.gender = '{Gender.MALE}'),"
        f" COUNT(DISTINCT {person}) FILTER (WHERE {main} AND {unknown}),"
        f" COUNT(*) FILTER (WHERE {main} AND i.outcome = '{ScreeningOutcome.NOT_OPEN}'),"
        f" COUNT(i.screening_id) FILTER (WHERE {main}),"
        f" COUNT(*) FILTER (WHERE NOT {main}), COUNT(DISTINCT {person}) FILTER (WHERE NOT {main})"
        # Only the columns the groups need are carried into the sorts.
        " FROM (SELECT i.kind = %(report)s AS is_report, i.kind, i.target_group,"
        " i.reporter_category, i.channel, extract(month FROM i.received_on)::int AS month, c.person_id, p.gender,"
        " s.outcome, s.id AS screening_id, i.concern_categories"
        " FROM socialtjanst_intake i JOIN socialtjanst_case c ON c.id = i.case_id"
        " JOIN socialtjanst_person p ON p.id = c.person_id LEFT JOIN socialtjanst_screening s ON s.intake_id = i.id"
        f" WHERE i.received_on BETWEEN {start} AND {end}"
        + ("" if units is None else " AND c.unit_id = ANY(%(units)s)")
        + ") i CROSS JOIN LATERAL (SELECT NULL::text AS concern UNION ALL (SELECT DISTINCT unnest(CASE WHEN i.is_report"
        " THEN (CASE WHEN cardinality(i.concern_categories) = 0 THEN ARRAY['']::text[]"
        " ELSE i.concern_categories::text[] END) ELSE ARRAY[]::text[] END))) cc"
        f" GROUP BY GROUPING SETS ({sets})"
    )


def _intake_sql(units) -> str:
    """The period's intakes read once for every set, and last year's once for the sets shown of it: one
    statement (UNION ALL), each half reading its own year by the received_on index."""
    return f"({_intake_part(units, True, _SETS)}) UNION ALL ({_intake_part(units, False, LAST_YEAR_SETS)})"


# The grouping sets sort the period's rows once per chain; with the default work_mem they spill to disk at
# national scale. Raised for this one statement only (followup.sql_session, which also turns JIT off: compiling
# took about 0,7 s here, longer than the statement saves).
SORT_MEMORY = "64MB"


@dataclass
class IntakeFigures:
    """Every intake breakdown of both periods: {(set name, this period?): {key: measures}}."""
    groups: dict

    def rows(self, name: str, this: bool = True) -> dict:
        return self.groups.get((name, this), {})

    def total(self, this: bool = True) -> dict:
        return self.rows("total", this).get(True, _zero(_MEASURES))


def intake_figures(units, period: Period) -> IntakeFigures:
    last = period.last_year()
    params = {"start": period.first_day, "end": period.last_day, "last_start": last.first_day,
              "last_end": last.last_day, "report": str(IntakeKind.REPORT), "units": list(units or ())}
    groups: dict = {}
    with report_cursor(work_mem=SORT_MEMORY) as cursor:
        cursor.execute(_intake_sql(units), params)
        for mask, this, is_report, kind, target_group, reporter, channel, month, concern, *figures in cursor.fetchall():
            name = _MASKS[this][mask]
            if name != "kind" and not is_report:
                continue  # every set but `kind` is about anmälningar only
            measures = dict(zip(_MEASURES, figures[:7], strict=True))
            key = {"kind": kind, "target_group": target_group, "reporter": reporter, "channel": channel,
                   "month": month, "concern": concern, "total": True}[name]
            if name == "concern":
                if concern is None:
                    continue  # the reports' own rows under the concern set: counted elsewhere
                measures = {"events": figures[7], "individuals": figures[8]}
            groups.setdefault((name, this), {})[key] = measures
    return IntakeFigures(groups)


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


def _zero(aggregates) -> dict:
    return dict.fromkeys(aggregates, 0)


def _breakdown(found: dict, choices, aggregates, *, blank_label: str | None = None) -> list[dict]:
    """One row per choice (zeros included, in the choices' order), then anything unexpected."""
    found = dict(found)
    rows = []
    for value, label in choices:
        rows.append({"key": value, "label": str(label), **found.pop(value, _zero(aggregates))})
    if blank_label is not None:
        rows.append({"key": "", "label": blank_label, **found.pop("", _zero(aggregates))})
    rows += [{"key": key, "label": str(key), **values} for key, values in found.items()]
    return rows


# --- the tables ---------------------------------------------------------------------------

_COUNTS = ("events", "individuals")


def _with_share(row: dict) -> dict:
    return {**row, "not_investigated_share": rounding.share(row["not_investigated"], row["screened"])}


def reports_by_target_group(figures: IntakeFigures, this: bool = True) -> tuple[list[dict], dict]:
    """Anmälningar per target group and in total (individuals unique over the whole scope)."""
    rows = _breakdown(figures.rows("target_group", this), TargetGroup.choices, _MEASURES)
    return [_with_share(r) for r in rows], _with_share(figures.total(this))


def _counts_only(found: dict) -> dict:
    return {key: {k: v[k] for k in _COUNTS} for key, v in found.items()}


def intakes_by_kind(figures: IntakeFigures) -> list[dict]:
    """All aktualiseringar by kind; only orosanmälningar are anmälningar."""
    return _breakdown(_counts_only(figures.rows("kind")), IntakeKind.choices, _COUNTS)


def reports_by_reporter(figures: IntakeFigures) -> list[dict]:
    return _breakdown(_counts_only(figures.rows("reporter")), ReporterCategory.choices, _COUNTS,
                      blank_label=NOT_GIVEN)


def reports_by_channel(figures: IntakeFigures) -> list[dict]:
    return _breakdown(_counts_only(figures.rows("channel")), Channel.choices, _COUNTS)


def reports_by_concern(figures: IntakeFigures) -> list[dict]:
    """A report counts once under each of its concerns ('Ej angiven' for none), so the rows do not add up."""
    found = figures.rows("concern")
    buckets = [*((value, str(label)) for value, label in ConcernCategory.choices), ("", NOT_GIVEN)]
    return [{"key": value, "label": label, **found.get(value, _zero(_COUNTS))} for value, label in buckets]


def reports_by_month(figures: IntakeFigures, period: Period) -> list[dict]:
    """Anmälningar and unique individuals per month (individuals unique within the month), this year and last."""
    now, before = figures.rows("month", True), figures.rows("month", False)
    rows = []
    for month in range(1, period.last_month.month + 1):
        this, last = now.get(month, _zero(_COUNTS)), before.get(month, _zero(_COUNTS))
        rows.append({"month": month, "reports": this["events"], "individuals": this["individuals"],
                     "reports_last_year": last["events"], "individuals_last_year": last["individuals"]})
    return rows


def _grouped(qs: QuerySet, group_by: str, aggregates: dict) -> dict:
    return {row.pop("group"): row for row in qs.values(group=F(group_by)).annotate(**aggregates)}


def investigations_by_target_group(units, period: Period) -> tuple[list[dict], dict]:
    """Inledda utredningar by target group (of the case's unit) and gender, as events and individuals."""
    qs = _investigations(units, period)
    aggregates = _people(events_by_gender=True)
    return (_breakdown(_grouped(qs, "case__unit__target_group", aggregates), TargetGroup.choices, aggregates),
            qs.aggregate(**aggregates))


def decisions_by_law(units, period: Period) -> tuple[list[dict], dict]:
    """Beslut by legal basis and gender, as events and individuals."""
    qs = _decisions(units, period)
    aggregates = _people(events_by_gender=True)
    return (_breakdown(_grouped(qs, "legal_basis", aggregates), LegalBasis.choices, aggregates),
            qs.aggregate(**aggregates))


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
    """Every breakdown of §8 for the page, in the user's scope: the intakes of both years in one statement."""
    period = Period(year, through_month)
    units = statistics_units(user, unit_id)
    figures = intake_figures(units, period)
    investigations, investigations_total = investigations_by_target_group(units, period)
    # The summary's investigation columns are the breakdown's own figures, not two queries more.
    summary, summary_totals = _report_rows(units, period, figures, investigated=(
        {row["key"]: row for row in investigations}, investigations_total))
    decisions, decisions_total = decisions_by_law(units, period)
    return IntakeStatistics(
        period=period, summary=summary, summary_totals=summary_totals,
        by_kind=intakes_by_kind(figures), by_reporter=reports_by_reporter(figures),
        by_concern=reports_by_concern(figures), by_channel=reports_by_channel(figures),
        investigations=investigations, investigations_total=investigations_total,
        decisions=decisions, decisions_total=decisions_total, months=reports_by_month(figures, period),
    )


def report_rows(*, user, year: int, through_month: int | None = None,
                unit_id: int | None = None) -> tuple[list[dict], dict]:
    """The `intake_statistics` export: one row per target group, totals unique over the scope."""
    period = Period(year, through_month)
    units = statistics_units(user, unit_id)
    return _report_rows(units, period, intake_figures(units, period))


def _report_rows(units, period: Period, figures: IntakeFigures, investigated=None) -> tuple[list[dict], dict]:
    rows, totals = reports_by_target_group(figures)
    last_rows, last_totals = reports_by_target_group(figures, this=False)
    counted = {"events": Count("pk"), "individuals": Count("case__person", distinct=True)}
    if investigated is None:
        investigations = _grouped(_investigations(units, period), "case__unit__target_group", counted)
        inv_total = _investigations(units, period).aggregate(**counted)
    else:
        investigations, inv_total = investigated
    decisions = _grouped(_decisions(units, period), "case__unit__target_group", counted)
    dec_total = _decisions(units, period).aggregate(**counted)
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
    _rows, totals = reports_by_target_group(intake_figures(None, Period(year)))
    return totals["not_investigated_share"]
