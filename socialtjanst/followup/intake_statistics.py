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
- The page and the export count from the trigger-kept table of socialtjanst.followup.statistics_facts (migration
  0025_intake_kept): unique individuals are a count of kept rows flagged as a person's first, not a sort of persons.
  The live statements below (intake_figures, investigation_figures, decision_figures: the period's rows read once,
  COUNT(DISTINCT person) per breakdown, GROUPING SETS) are the oracle: `kept=False` counts with them, and the tests
  hold both equal.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from common import rounding
from common.periods import Period
from socialtjanst import access
from socialtjanst.followup import statistics_facts
from socialtjanst.followup.sql_session import report_cursor
from socialtjanst.models import (
    Channel,
    ConcernCategory,
    Gender,
    IntakeKind,
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


# --- the period's intakes, read once ------------------------------------------------------------
#
# One statement reads this period's and last year's aktualiseringar once (a MATERIALIZED CTE over the join of
# intake, case, person and förhandsbedömning), then counts each breakdown from it in its own small branch. Each
# branch takes COUNT(DISTINCT person) only for the measures its table shows (the gender buckets and the
# screening counts only by target group and in total; events and individuals elsewhere) and reads only the rows
# it is about (anmälningar; this period unless last year is shown): at national scale the one-pass GROUPING SETS
# with nine distinct counts per set spent 4,7 of its 9 s sorting persons for figures no page shows.
# A report's concerns are unnested only in the concern branch (one row per distinct concern, '' for none).

LAST_YEAR_SETS = ("target_group", "total", "month")  # all that is shown of last year
FULL_SETS = ("target_group", "total")  # the sets shown with gender buckets and the screening share
_MEASURES = ("events", "individuals", "female", "male", "unknown", "not_investigated", "screened")
_COUNTS = ("events", "individuals")

_ROWS = (  # last year's rows are anmälningar only: no other row of last year is shown
    "SELECT i.received_on >= %(start)s AS this, i.kind = %(report)s AS is_report, i.kind, i.target_group,"
    " i.reporter_category, i.channel, extract(month FROM i.received_on)::int AS month, c.person_id, p.gender,"
    " s.outcome, s.id IS NOT NULL AS screened, i.concern_categories"
    " FROM socialtjanst_intake i JOIN socialtjanst_case c ON c.id = i.case_id"
    " JOIN socialtjanst_person p ON p.id = c.person_id LEFT JOIN socialtjanst_screening s ON s.intake_id = i.id"
    " WHERE (i.received_on BETWEEN %(start)s AND %(end)s"
    " OR i.received_on BETWEEN %(last_start)s AND %(last_end)s AND i.kind = %(report)s)"
)


def _branch(sets: dict, where: str, *, full: bool = False, source: str = "r") -> str:
    """Breakdowns ({set name: key column, or None for the total}) that read the same rows and need the same
    measures: one sort-based GROUPING SETS over the rows read once, (set, this period?, key, measures...)."""
    person = "person_id"
    if full:
        unknown = f"COALESCE(gender, '') NOT IN ('{Gender.FEMALE}', '{Gender.MALE}')"
        measures = (f"COUNT(DISTINCT {person}) FILTER (WHERE gender = '{Gender.FEMALE}'),"
                    f" COUNT(DISTINCT {person}) FILTER (WHERE gender = '{Gender.MALE}'),"
                    f" COUNT(DISTINCT {person}) FILTER (WHERE {unknown}),"
                    f" COUNT(*) FILTER (WHERE outcome = '{ScreeningOutcome.NOT_OPEN}'),"
                    " COUNT(*) FILTER (WHERE screened)")
    else:
        measures = "NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint"
    keyed = {name: key for name, key in sets.items() if key}
    total = next((name for name, key in sets.items() if not key), None)
    # Every key column is NOT NULL, so a set's own key is never NULL; GROUPING() says which set a row belongs to.
    name = ("CASE " + " ".join(f"WHEN GROUPING({key}) = 0 THEN '{n}'" for n, key in keyed.items())
            + (f" ELSE '{total}'" if total else "") + " END")
    key = "CASE " + " ".join(f"WHEN GROUPING({key}) = 0 THEN {key}::text" for key in keyed.values()) + " END"
    grouping = ", ".join(f"(this, {key})" for key in keyed.values()) + (", (this)" if total else "")
    return (f"(SELECT {name} AS name, this, {key} AS key, COUNT(*), COUNT(DISTINCT {person}), {measures}"
            f" FROM {source} WHERE {where} GROUP BY GROUPING SETS ({grouping}))")


_BRANCHES = (
    _branch({"target_group": "target_group", "total": None}, "is_report", full=True),
    _branch({"kind": "kind"}, "this"),
    _branch({"reporter": "reporter_category", "channel": "channel"}, "this AND is_report"),
    _branch({"month": "month"}, "is_report"),
    _branch({"concern": "concern"}, "this AND is_report", source=(
        "r CROSS JOIN LATERAL (SELECT DISTINCT unnest(CASE WHEN cardinality(r.concern_categories) = 0"
        " THEN ARRAY['']::text[] ELSE r.concern_categories::text[] END) AS concern) cc")),
)


def _intake_sql(units) -> str:
    """The period's intakes and last year's anmälningar read once (one join), every breakdown counted from them."""
    scope = "" if units is None else " AND c.unit_id = ANY(%(units)s)"
    return f"WITH r AS MATERIALIZED ({_ROWS}{scope}) " + " UNION ALL ".join(_BRANCHES)


# The branches sort the period's rows by their keys and persons; with the default work_mem they spill to disk at
# national scale, and the rows read once (the CTE) are kept in memory. Raised for this one statement only
# (followup.sql_session, which also turns JIT off: compiling took about 0,7 s here, longer than it saves).
SORT_MEMORY = "64MB"
# The join of both years (375 000 rows at national scale) is read once into the CTE: the default
# parallel_tuple_cost (0,1) made the planner build it in one process, 7–11 s against 5–7 s with workers at load 5.
ROW_TRANSFER_COST = "0.01"


@dataclass
class IntakeFigures:
    """Every intake breakdown of both periods: {(set name, this period?): {key: measures}}; the sets of FULL_SETS
    carry every measure of _MEASURES, the others events and individuals."""
    groups: dict

    def rows(self, name: str, this: bool = True) -> dict:
        return self.groups.get((name, this), {})

    def total(self, this: bool = True) -> dict:
        return self.rows("total", this).get(True, _zero(_MEASURES))


def intake_figures(units, period: Period, cursor=None) -> IntakeFigures:
    last = period.last_year()
    params = {"start": period.first_day, "end": period.last_day, "last_start": last.first_day,
              "last_end": last.last_day, "report": str(IntakeKind.REPORT), "units": list(units or ())}
    groups: dict = {}
    for name, this, key, *figures in _fetch(cursor, _intake_sql(units), params):
        if not this and name not in LAST_YEAR_SETS:
            continue
        measures = dict(zip(_MEASURES, figures, strict=True))
        if name not in FULL_SETS:
            measures = {k: measures[k] for k in _COUNTS}
        key = True if name == "total" else int(key) if name == "month" else key
        groups.setdefault((name, this), {})[key] = measures
    return IntakeFigures(groups)


def _fetch(cursor, sql: str, params: dict) -> list[tuple]:
    """The statement's rows on the page's report cursor, or on one of its own."""
    if cursor is None:
        with report_cursor(work_mem=SORT_MEMORY, parallel_tuple_cost=ROW_TRANSFER_COST) as own:
            return _fetch(own, sql, params)
    cursor.execute(sql, params)
    return cursor.fetchall()


# --- aggregation helpers ---------------------------------------------------------------


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


def _with_share(row: dict) -> dict:
    return {**row, "not_investigated_share": rounding.share(row["not_investigated"], row["screened"])}


def reports_by_target_group(figures: IntakeFigures, this: bool = True) -> tuple[list[dict], dict]:
    """Anmälningar per target group and in total (individuals unique over the whole scope)."""
    rows = _breakdown(figures.rows("target_group", this), TargetGroup.choices, _MEASURES)
    return [_with_share(r) for r in rows], _with_share(figures.total(this))


def intakes_by_kind(figures: IntakeFigures) -> list[dict]:
    """All aktualiseringar by kind; only orosanmälningar are anmälningar."""
    return _breakdown(figures.rows("kind"), IntakeKind.choices, _COUNTS)


def reports_by_reporter(figures: IntakeFigures) -> list[dict]:
    return _breakdown(figures.rows("reporter"), ReporterCategory.choices, _COUNTS,
                      blank_label=NOT_GIVEN)


def reports_by_channel(figures: IntakeFigures) -> list[dict]:
    return _breakdown(figures.rows("channel"), Channel.choices, _COUNTS)


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


# --- investigations and decisions: one statement each, by group and in total ---------------------------------

_PEOPLE = ("events", "individuals", "female", "male", "unknown", "events_female", "events_male", "events_unknown")


def _people_sql(source: str, where: str, sets: dict, units) -> str:
    """Events, individuals and both per gender bucket, grouped by each of `sets` ({name: column}) and in total."""
    unknown = f"COALESCE(p.gender, '') NOT IN ('{Gender.FEMALE}', '{Gender.MALE}')"
    buckets = (f"p.gender = '{Gender.FEMALE}'", f"p.gender = '{Gender.MALE}'", unknown)
    columns = list(sets.values())
    return (
        f"SELECT GROUPING({', '.join(columns)}) AS mask, {', '.join(columns)}, COUNT(*), COUNT(DISTINCT c.person_id), "
        + ", ".join(f"COUNT(DISTINCT c.person_id) FILTER (WHERE {b})" for b in buckets) + ", "
        + ", ".join(f"COUNT(*) FILTER (WHERE {b})" for b in buckets)
        + f" FROM {source} JOIN socialtjanst_case c ON c.id = x.case_id JOIN socialtjanst_unit u ON u.id = c.unit_id"
        " JOIN socialtjanst_person p ON p.id = c.person_id"
        f" WHERE {where}" + ("" if units is None else " AND c.unit_id = ANY(%(units)s)")
        + " GROUP BY GROUPING SETS (" + ", ".join(f"({column})" for column in columns) + ", ())"
    )


def _people_figures(source: str, where: str, sets: dict, units, period: Period, cursor) -> tuple[dict, dict]:
    """({set name: {key: figures}}, total figures) of one table in the scope and period."""
    grouped: dict = {name: {} for name in sets}
    total = _zero(_PEOPLE)
    params = {"start": period.first_day, "end": period.last_day, "units": list(units or ())}
    for mask, *rest in _fetch(cursor, _people_sql(source, where, sets, units), params):
        keys, figures = rest[:len(sets)], dict(zip(_PEOPLE, rest[len(sets):], strict=True))
        if mask == (1 << len(sets)) - 1:
            total = figures
            continue
        for n, name in enumerate(sets):  # the one set whose GROUPING bit is 0
            if not mask & (1 << (len(sets) - 1 - n)):
                grouped[name][keys[n]] = figures
    return grouped, total


def investigation_figures(units, period: Period, cursor=None) -> tuple[dict, dict]:
    """Inledda utredningar of the period by the target group of the case's unit, and in total."""
    grouped, total = _people_figures("socialtjanst_investigation x", "x.started_on BETWEEN %(start)s AND %(end)s",
                                     {"target_group": "u.target_group"}, units, period, cursor)
    return grouped["target_group"], total


def decision_figures(units, period: Period, cursor=None) -> tuple[dict, dict, dict]:
    """Beslut of the period (voided ones never count) by legal basis, by the case unit's target group, in total."""
    grouped, total = _people_figures(
        "socialtjanst_decision x", "x.decided_on BETWEEN %(start)s AND %(end)s AND x.voided_reason = ''",
        {"law": "x.legal_basis", "target_group": "u.target_group"}, units, period, cursor)
    return grouped["law"], grouped["target_group"], total


def investigations_by_target_group(found: dict) -> list[dict]:
    """Inledda utredningar by target group (of the case's unit) and gender, as events and individuals."""
    return _breakdown(found, TargetGroup.choices, _PEOPLE)


def decisions_by_law(found: dict) -> list[dict]:
    """Beslut by legal basis and gender, as events and individuals."""
    return _breakdown(found, LegalBasis.choices, _PEOPLE)


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


def _all_figures(units, period: Period, kept: bool) -> tuple:
    """(intake figures, (investigations by target group, total), (decisions by law, by target group, total)):
    counted from the kept rows, or with the live statements (the oracle)."""
    with report_cursor(work_mem=SORT_MEMORY, parallel_tuple_cost=ROW_TRANSFER_COST) as cursor:
        if kept:
            return (IntakeFigures(statistics_facts.intake_groups(units, period, cursor)),
                    statistics_facts.investigation_figures(units, period, cursor),
                    statistics_facts.decision_figures(units, period, cursor))
        return (intake_figures(units, period, cursor), investigation_figures(units, period, cursor),
                decision_figures(units, period, cursor))


def intake_statistics(*, user, year: int, through_month: int | None = None,
                      unit_id: int | None = None, kept: bool = True) -> IntakeStatistics:
    """Every breakdown of §8 for the page, in the user's scope: three statements (intakes of both years,
    investigations, decisions)."""
    period = Period(year, through_month)
    figures, (investigated, investigations_total), (by_law, decided, decisions_total) = _all_figures(
        statistics_units(user, unit_id), period, kept)
    summary, summary_totals = _report_rows(figures, (investigated, investigations_total), (decided, decisions_total))
    return IntakeStatistics(
        period=period, summary=summary, summary_totals=summary_totals,
        by_kind=intakes_by_kind(figures), by_reporter=reports_by_reporter(figures),
        by_concern=reports_by_concern(figures), by_channel=reports_by_channel(figures),
        investigations=investigations_by_target_group(investigated), investigations_total=investigations_total,
        decisions=decisions_by_law(by_law), decisions_total=decisions_total, months=reports_by_month(figures, period),
    )


def report_rows(*, user, year: int, through_month: int | None = None,
                unit_id: int | None = None, kept: bool = True) -> tuple[list[dict], dict]:
    """The `intake_statistics` export: one row per target group, totals unique over the scope."""
    figures, investigated, (_by_law, decided, decisions_total) = _all_figures(
        statistics_units(user, unit_id), Period(year, through_month), kept)
    return _report_rows(figures, investigated, (decided, decisions_total))


def _report_rows(figures: IntakeFigures, investigated: tuple[dict, dict],
                 decided: tuple[dict, dict]) -> tuple[list[dict], dict]:
    rows, totals = reports_by_target_group(figures)
    last_rows, last_totals = reports_by_target_group(figures, this=False)
    (investigations, inv_total), (decisions, dec_total) = investigated, decided
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
    """Municipality-wide share (0–1) of the year's anmälningar ending in 'inte inleda utredning': the total row's
    not_investigated_share, counted from the kept rows without reading a case or a person (no individual is counted)."""
    with report_cursor() as cursor:
        return rounding.share(*statistics_facts.not_investigated_and_screened(Period(year), cursor))
