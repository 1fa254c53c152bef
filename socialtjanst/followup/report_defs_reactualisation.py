"""The `reactualisation` report of shared/formats.md ('Report exports'): återaktualisering of children within
twelve months of a closed case, one row per unit, with last year beside. The definition is
socialtjanst.followup.reactualisation's (also in README and docs/reports.md); `through_month` does not apply
(the cohort is always the whole year before the report year)."""

from common import rounding
from common.reporting import INT, PERCENT, TEXT, Column, Report, ReportResult, register
from socialtjanst import access
from socialtjanst.followup import reactualisation


def _row(now: tuple[int, int], last: tuple[int, int]) -> dict:
    returned, children = now
    return {"children": children, "returned": returned, "share": rounding.share(returned, children),
            "share_last_year": rounding.share(*last)}


def build(*, user, year: int, through_month: int | None = None, **_params) -> ReportResult:
    units = access.followup_scope_unit_ids(user)
    now_units, now_total = reactualisation.figures(units, year)
    last_units, last_total = reactualisation.figures(units, year - 1)
    rows = [{"unit": unit.code, "unit_name": unit.name,
             **_row(now_units.get(unit.pk, (0, 0)), last_units.get(unit.pk, (0, 0)))}
            for unit in access.followup_units_for_user(user).order_by("name")]
    return ReportResult(rows=rows, totals=_row(now_total, last_total))


REACTUALISATION = register(Report(
    name="reactualisation",
    title="Återaktualisering av barn inom 12 månader",
    sheet="Återaktualisering",
    description=(
        "Barn (under 18 år när ärendet avslutades) vars ärende vid enheten avslutades året före rapportåret, och "
        "andelen av dem som fick ett nytt ärende öppnat, vid någon enhet, inom tolv kalendermånader efter "
        "avslutet. Varje barn räknas en gång per enhet; totalen räknar varje barn en gång."
    ),
    columns=(
        Column("unit", "Enhetskod", TEXT),
        Column("unit_name", "Enhet", TEXT),
        Column("children", "Barn med avslutat ärende året före", INT),
        Column("returned", "Återaktualiserade inom 12 månader", INT),
        Column("share", "Andel återaktualiserade", PERCENT),
        Column("share_last_year", "Andel i fjol", PERCENT),
    ),
    build=build,
    allowed=access.may_view_followup,
))
