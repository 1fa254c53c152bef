"""The follow-up tables a manager or controller reads on screen, as registered reports (issue 14 point 9), so
each leaves as Excel, CSV and JSON through the one registry, access-checked and logged like the others
(docs/reports.md): the intake statistics' breakdowns by anmälare, oro, kanal and lagrum, the indicators and
the control rounds. Every figure comes from the module the page reads (socialtjanst.followup.intake_statistics,
socialtjanst.followup.indicators, socialtjanst.followup.controls); this module only names the columns.
"""


from django.db.models import Q

from common.periods import Period
from common.reporting import DATE, DECIMAL, INT, TEXT, Column, Report, ReportResult, register
from socialtjanst import access
from socialtjanst.followup import controls, indicators, intake_statistics
from socialtjanst.models import ControlRound, Indicator

# --- the intake statistics' breakdowns -------------------------------------------------------------------


def _counts(rows: list[dict]) -> list[dict]:
    return [{"key": r["key"], "label": r["label"], "events": r["events"], "individuals": r["individuals"]}
            for r in rows]


def _breakdown_build(pick, *, unique_total: bool):
    """`pick(statistics)` chooses the breakdown. With `unique_total` the total of individuals is the scope's
    unique count (the page's footer); a breakdown where one report counts under several rows has none."""
    def build(*, user, year: int, through_month: int | None, unit_id: int | None = None, **_params):
        statistics = intake_statistics.intake_statistics(user=user, year=year, through_month=through_month,
                                                         unit_id=unit_id)
        rows = _counts(pick(statistics))
        totals = {"events": sum(r["events"] for r in rows)}
        if unique_total:
            totals["individuals"] = statistics.summary_totals["individuals"]
        return ReportResult(rows=rows, totals=totals)
    return build


def _decisions_build(*, user, year: int, through_month: int | None, unit_id: int | None = None, **_params):
    statistics = intake_statistics.intake_statistics(user=user, year=year, through_month=through_month,
                                                     unit_id=unit_id)
    keys = ("events", "events_female", "events_male", "events_unknown", "individuals", "female", "male", "unknown")
    rows = [{"key": r["key"], "label": r["label"], **{k: r[k] for k in keys}} for r in statistics.decisions]
    return ReportResult(rows=rows, totals={k: statistics.decisions_total[k] for k in keys})


def _count_columns(key_label: str, label: str) -> tuple[Column, ...]:
    return (
        Column("key", key_label, TEXT),
        Column("label", label, TEXT),
        Column("events", "Antal", INT),
        Column("individuals", "Unika individer", INT),
    )


STATISTICS_NOTE = "Orosanmälningar inkomna i perioden, i de enheter du har tillgång till (eller den valda enheten)."

INTAKES_BY_REPORTER = register(Report(
    name="intakes_by_reporter",
    title="Orosanmälningar per anmälare",
    description=STATISTICS_NOTE,
    columns=_count_columns("Anmälarkod", "Anmälare"),
    build=_breakdown_build(lambda s: s.by_reporter, unique_total=True),
    allowed=access.may_view_followup,
    unit_scoped=True,
))

INTAKES_BY_CONCERN = register(Report(
    name="intakes_by_concern",
    title="Orosanmälningar per oro",
    description=STATISTICS_NOTE + " En anmälan kan gälla flera slags oro och räknas då under var och en; "
                                  "raderna summerar därför inte till antalet anmälningar.",
    columns=_count_columns("Orokod", "Oron gäller"),
    build=_breakdown_build(lambda s: s.by_concern, unique_total=False),
    allowed=access.may_view_followup,
    unit_scoped=True,
))

INTAKES_BY_CHANNEL = register(Report(
    name="intakes_by_channel",
    title="Orosanmälningar per kanal",
    description=STATISTICS_NOTE,
    columns=_count_columns("Kanalkod", "Kanal"),
    build=_breakdown_build(lambda s: s.by_channel, unique_total=True),
    allowed=access.may_view_followup,
    unit_scoped=True,
))

DECISIONS_BY_LAW = register(Report(
    name="decisions_by_law",
    title="Beslut per lagrum och kön",
    description="Beslut fattade i perioden per lagrum, som antal beslut och unika individer, per kön.",
    columns=(
        Column("key", "Lagrum, kod", TEXT),
        Column("label", "Lagrum", TEXT),
        Column("events", "Antal", INT),
        Column("events_female", "varav flickor/kvinnor", INT),
        Column("events_male", "varav pojkar/män", INT),
        Column("events_unknown", "varav kön okänt", INT),
        Column("individuals", "Unika individer", INT),
        Column("female", "Individer, flickor/kvinnor", INT),
        Column("male", "Individer, pojkar/män", INT),
        Column("unknown", "Individer, kön okänt", INT),
    ),
    build=_decisions_build,
    allowed=access.may_view_followup,
    unit_scoped=True,
))


# --- indicators -----------------------------------------------------------------------------------


def _may_read_indicators(user) -> bool:
    return access.may_view_followup(user) and user.has_perm("socialtjanst.view_indicator")


def _indicators_build(*, user, year: int, through_month: int | None, **_params) -> ReportResult:
    """The year's indicators as the list page shows them; the command (user None) reads every active one."""
    if user is not None:
        items = indicators.indicator_overview(user, year)
    else:
        items = indicators.indicators_year(
            Indicator.objects.filter(active=True).select_related("responsible_unit"), year)
    rows = [{
        "indicator": item.indicator.name, "unit": item.indicator.responsible_unit.code if
        item.indicator.responsible_unit else "", "unit_name": item.indicator.responsible_unit.name if
        item.indicator.responsible_unit else "", "value": item.value, "target": item.indicator.target_value,
        "unit_of_measure": item.indicator.unit_of_measure, "assessment": str(item.assessment_label),
        "overridden": "ja" if item.overridden else "nej", "previous": item.previous,
        "trend": str(item.trend_label), "source": str(indicators.source_label(item.indicator.source)),
    } for item in items]
    return ReportResult(rows=rows)


INDICATORS = register(Report(
    name="indicators",
    title="Indikatorer",
    description="Årets utfall per indikator mot målvärdet, med bedömning, föregående års utfall och trend.",
    columns=(
        Column("indicator", "Indikator", TEXT),
        Column("unit", "Ansvarig enhet, kod", TEXT),
        Column("unit_name", "Ansvarig enhet", TEXT),
        Column("value", "Utfall", DECIMAL),
        Column("target", "Målvärde", DECIMAL),
        Column("unit_of_measure", "Enhet", TEXT),
        Column("assessment", "Bedömning", TEXT),
        Column("overridden", "Bedömning satt för hand", TEXT),
        Column("previous", "Utfall föregående år", DECIMAL),
        Column("trend", "Trend", TEXT),
        Column("source", "Källa", TEXT),
    ),
    build=_indicators_build,
    allowed=_may_read_indicators,
))


# --- control rounds ---------------------------------------------------------------------------------


def _control_rounds_build(*, user, year: int, through_month: int | None, **_params) -> ReportResult:
    """Rounds performed in the period (January through `through_month`), the manager's as on the list page."""
    rounds = ControlRound.objects.all() if user is None else controls.control_rounds_for_user(user)
    start, end = Period(year, through_month).bounds()
    rounds = (rounds.filter(Q(performed_at__date__gte=start) & Q(performed_at__date__lte=end))
              .select_related("unit", "performed_by").order_by("performed_at", "pk"))
    rows = [{
        "performed_on": r.performed_at.astimezone().date(), "kind": str(r.get_kind_display()),
        "unit": r.unit.name if r.unit else "Alla", "period_from": r.period_from, "period_to": r.period_to,
        "performed_by": r.performed_by.get_full_name() or r.performed_by.username if r.performed_by else "",
        "result": str(r.get_result_display()), "comment": r.comment,
    } for r in rounds]
    return ReportResult(rows=rows)


CONTROL_ROUNDS = register(Report(
    name="control_rounds",
    title="Kontrollomgångar",
    description="Internkontrollens genomförda kontrollomgångar i perioden: kontroll, enhet, granskad period, "
                "resultat och kommentar.",
    columns=(
        Column("performed_on", "Utförd", DATE),
        Column("kind", "Kontroll", TEXT),
        Column("unit", "Enhet", TEXT),
        Column("period_from", "Period från", DATE),
        Column("period_to", "Period till", DATE),
        Column("performed_by", "Utförd av", TEXT),
        Column("result", "Resultat", TEXT),
        Column("comment", "Kommentar", TEXT),
    ),
    build=_control_rounds_build,
    allowed=controls.may_run_controls,
))
