"""The `deadlines` report of shared/formats.md ('Report exports'): one row per unit, the shares of
socialtjanst.followup.deadline_report with the counts behind them and the same period last year.

The figures are counted in the database (socialtjanst.followup.deadline_sets: one statement for the period and
the same period last year).
Targets: every share has the target 100 %, the nämnd's usual target, shown in the column
labels. Totals are recomputed from the summed counts, and the total mean utredningstid is the
mean over all investigations, not a mean of the units' means.
"""

from django.utils import timezone

from common import rounding
from common.reporting import DECIMAL, INT, PERCENT, TEXT, Column, Report, ReportResult, register
from socialtjanst import access, todo_sources
from socialtjanst.followup import deadline_report as dr
from socialtjanst.followup import deadline_sets

OWN_MEASURES = (
    ("screenings", dr.SCREENINGS),
    ("investigations", dr.INVESTIGATIONS),
    ("interventions", dr.ENFORCEMENT),
)
# Other apps' kinds (socialtjanst.todo_sources), read when socialtjanst's ready() imports this module: their
# columns follow the case flow's, each with its share last year.
REGISTERED = tuple(todo_sources.deadline_kinds())
MEASURES = (*OWN_MEASURES, *((k.prefix, k.key) for k in REGISTERED))


def _figures(units, periods: list[tuple[int, int | None]], today) -> list[tuple[dict, dict]]:
    """For each (year, through_month): per unit and in total, {prefix: (within, total)} and the utredningstid
    (sum, count), all the periods from one set-based statement (deadline_sets.figures_for_periods)."""
    found_periods = deadline_sets.figures_for_periods(
        units, [dr.period_bounds(year, through_month) for year, through_month in periods], today)
    out = []
    for found_units in found_periods:
        per_unit: dict[int, dict] = {}
        for unit_id, found in found_units.items():
            per_unit[unit_id] = {prefix: found[kind] for prefix, kind in MEASURES if kind in found}
            if deadline_sets.DAYS in found:
                per_unit[unit_id]["days"] = found[deadline_sets.DAYS]
        totals: dict = {}
        for figures in per_unit.values():
            for prefix in (*(p for p, _kind in MEASURES), "days"):
                a, b = figures.get(prefix, (0, 0))
                old = totals.get(prefix, (0, 0))
                totals[prefix] = (old[0] + a, old[1] + b)
        out.append((per_unit, totals))
    return out


def _row(now: dict, last: dict) -> dict:
    row = {}
    for prefix, _kind in MEASURES:
        within, total = now.get(prefix, (0, 0))
        row[f"{prefix}_total"] = total
        row[f"{prefix}_within"] = within
        row[f"{prefix}_share"] = rounding.share(within, total)
        row[f"{prefix}_share_last_year"] = rounding.share(*last.get(prefix, (0, 0)))
    row["mean_investigation_days"] = rounding.mean_of_sum(*now.get("days", (0, 0)))
    row["mean_investigation_days_last_year"] = rounding.mean_of_sum(*last.get("days", (0, 0)))
    return row


def build(*, user, year: int, through_month: int | None, **_params) -> ReportResult:
    today = timezone.localdate()
    units = access.followup_scope_unit_ids(user)
    (now_units, now_totals), (last_units, last_totals) = _figures(
        units, [(year, through_month), (year - 1, through_month)], today)
    rows = []
    for unit in access.followup_units_for_user(user).order_by("name"):
        rows.append({"unit": unit.code, "unit_name": unit.name,
                     **_row(now_units.get(unit.pk, {}), last_units.get(unit.pk, {}))})
    return ReportResult(rows=rows, totals=_row(now_totals, last_totals))


def _share_columns(prefix: str, label: str) -> tuple[Column, ...]:
    return (
        Column(f"{prefix}_total", f"{label}: antal", INT),
        Column(f"{prefix}_within", f"{label}: inom frist", INT),
        Column(f"{prefix}_share", f"{label}: andel (mål 100 %)", PERCENT),
    )


DEADLINES = register(Report(
    name="deadlines",
    title="Frister per enhet",
    description=(
        "Andel förhandsbedömningar inom 14 dagar, utredningar inom fyra kalendermånader och insatser verkställda "
        "inom tre månader, med målvärde 100 %, samt genomsnittlig utredningstid i dagar för barn och unga 0–20 år. "
        "Ett ärende räknas i den period då fristen löper ut."
        + "".join(f" {k.title}: andel inom frist, med fjolårets andel." for k in REGISTERED)
    ),
    columns=(
        Column("unit", "Enhetskod", TEXT),
        Column("unit_name", "Enhet", TEXT),
        *_share_columns("screenings", "Förhandsbedömningar"),
        *_share_columns("investigations", "Utredningar"),
        *_share_columns("interventions", "Verkställighet"),
        Column("mean_investigation_days", "Utredningstid 0–20 år, dagar", DECIMAL),
        Column("screenings_share_last_year", "Förhandsbedömningar: andel i fjol", PERCENT),
        Column("investigations_share_last_year", "Utredningar: andel i fjol", PERCENT),
        Column("interventions_share_last_year", "Verkställighet: andel i fjol", PERCENT),
        Column("mean_investigation_days_last_year", "Utredningstid i fjol, dagar", DECIMAL),
        *(c for k in REGISTERED for c in (*_share_columns(k.prefix, k.label),
                                          Column(f"{k.prefix}_share_last_year", f"{k.label}: andel i fjol",
                                                 PERCENT))),
    ),
    build=build,
    allowed=access.may_view_followup,
))
