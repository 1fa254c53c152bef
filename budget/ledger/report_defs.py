"""Registers the ledger reports with common.reporting. The keys are a public contract (docs/ledger.md):
change them only additively."""

from common.reporting import DECIMAL, INT, KR, PERCENT, TEXT, Column, Report, register

from . import reports

RESULT_REPORT = register(Report(
    name="result_report",
    title="Resultatrapport per verksamhet (huvudboken)",
    sheet="Resultatrapport",
    description=(
        "Huvudbokens utfall mot budget per verksamhet: intäkter, kostnader och nettokostnad (intäkter − kostnader, "
        "en nettokostnad är negativ). Avvikelse = utfall − budget i det tecknet (för kostnader budget − utfall): "
        "negativ är sämre än budget. Avvikelse % av budgetens nettokostnad; budgetföljsamhet = utfall ÷ budget. "
        "Prognos helår = utfall till och med årets senaste stängda månad + budget för resten av året."
    ),
    columns=(
        Column("cost_centre", "Kod", TEXT),
        Column("cost_centre_name", "Verksamhet", TEXT),
        Column("revenue", "Intäkter", KR),
        Column("revenue_budget", "Intäkter, budget", KR),
        Column("revenue_deviation", "Avvikelse intäkter", KR),
        Column("cost", "Kostnader", KR),
        Column("cost_budget", "Kostnader, budget", KR),
        Column("cost_deviation", "Avvikelse kostnader", KR),
        Column("result", "Nettokostnad", KR),
        Column("result_budget", "Nettokostnad, budget", KR),
        Column("deviation", "Avvikelse", KR),
        Column("deviation_percent", "Avvikelse %", PERCENT),
        Column("budget_compliance", "Budgetföljsamhet", PERCENT),
        Column("result_last_year", "Nettokostnad samma period i fjol", KR),
        Column("forecast", "Prognos helår", KR),
    ),
    build=reports.result_report,
    allowed=reports.may_view,
))

UNIT_COSTS = register(Report(
    name="unit_costs",
    title="Nyckeltal: nettokostnad per vårddygn",
    sheet="Nyckeltal per vårddygn",
    description=(
        "Per verksamhetskod (5731, 5732, 5733 …): huvudbokens kostnader och övriga intäkter (utan kommunbidrag och "
        "interna intäkter), nettokostnad, vårddygn enligt månadsfakta och nettokostnad per vårddygn i kr och tkr "
        "(jämför Koladas N33100/N33101); samma för köpt vård (placeringarnas kostnad och dygn) och per vårdtagare."
    ),
    columns=(
        Column("activity_code", "Verksamhetskod", TEXT),
        Column("activity_name", "Verksamhet", TEXT),
        Column("cost", "Totala kostnader", KR),
        Column("other_revenue", "Övriga intäkter", KR),
        Column("net_cost", "Nettokostnad", KR),
        Column("care_days", "Vårddygn", INT),
        Column("net_cost_per_day", "Nettokostnad per vårddygn, kr", KR),
        Column("net_cost_per_day_tkr", "Nettokostnad per vårddygn, tkr", DECIMAL),
        Column("external_cost", "Köpt vård, kostnad", KR),
        Column("external_care_days", "Köpt vård, vårddygn", INT),
        Column("external_cost_per_day", "Köpt vård per vårddygn, kr", KR),
        Column("external_cost_per_day_tkr", "Köpt vård per vårddygn, tkr", DECIMAL),
        Column("persons", "Vårdtagare", INT),
        Column("net_cost_per_person", "Nettokostnad per vårdtagare, kr", KR),
    ),
    build=reports.unit_costs,
    allowed=reports.may_view,
))
