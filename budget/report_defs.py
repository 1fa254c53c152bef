"""Registers the budget reports of shared/formats.md ('Report exports') with common.reporting.
The keys (Column.key) are a public contract: change them only additively (docs/reports.md)."""

from common.reporting import DECIMAL, INT, KR, PERCENT, TEXT, Column, Report, register

from . import reports, reports_followup

DEVIATION_COLUMNS = (
    Column("deviation", "Avvikelse (budget − utfall)", KR),
    Column("volume_effect", "varav volymeffekt", KR),
    Column("price_effect", "varav priseffekt", KR),
)

PLACEMENT_DAYS = register(Report(
    name="placement_days",
    title="Placeringsdygn och à-pris per vårdform",
    sheet="Placeringsdygn och à-pris",
    description=(
        "Vårddygn/insatsdagar, årsplaceringar, à-pris och kostnad per vårdform mot budget och samma period i fjol, "
        "enligt bokföringsmånad. Avvikelse = budget − utfall, uppdelad på volym- och priseffekt. "
        "'Varav efterregistrering' är rättelser av stängda månader som bokats i perioden."
    ),
    columns=(
        Column("care_type", "Kod", TEXT),
        Column("care_type_name", "Vårdform", TEXT),
        Column("care_days", "Vårddygn", INT),
        Column("care_days_budget", "Vårddygn, budget", INT),
        Column("care_days_last_year", "Vårddygn i fjol", INT),
        Column("placement_years", "Årsplaceringar", DECIMAL),
        Column("placement_years_budget", "Årsplaceringar, budget", DECIMAL),
        Column("price", "À-pris, kr/dygn", KR),
        Column("price_budget", "À-pris budget, kr/dygn", KR),
        Column("cost", "Kostnad", KR),
        Column("cost_budget", "Budget", KR),
        Column("cost_last_year", "Kostnad i fjol", KR),
        *DEVIATION_COLUMNS,
        Column("corrections_cost", "varav efterregistrering, kr", KR),
        Column("corrections_days", "varav efterregistrering, dygn", INT),
        Column("corrections_months", "Efterregistrering avser", TEXT),
    ),
    build=reports.placement_days,
    allowed=reports.may_view,
))

VOLUME_FOLLOWUP = register(Report(
    name="volume_followup",
    title="Volymuppföljning per verksamhet",
    description=(
        "Verksamheter med volymbudget: budgeterad och utfallen volym i budgetens enhet (årsplaceringar = vårddygn ÷ "
        "periodens dagar; dygn/dagar = vårddygn; hushåll = månadernas antal personer summerade; inflöde = påbörjade "
        "placeringar), avvikelse i kronor och den del som förklaras av volym respektive pris."
    ),
    columns=(
        Column("cost_centre", "Kod", TEXT),
        Column("cost_centre_name", "Verksamhet", TEXT),
        Column("volume_unit", "Volymenhet", TEXT),
        Column("volume_budget", "Volym, budget", DECIMAL),
        Column("volume", "Volym, utfall", DECIMAL),
        Column("volume_deviation", "Volymavvikelse (utfall − budget)", DECIMAL),
        Column("care_days", "Vårddygn", INT),
        Column("cost", "Kostnad", KR),
        Column("cost_budget", "Budget", KR),
        *DEVIATION_COLUMNS,
        Column("corrections_cost", "varav efterregistrering, kr", KR),
    ),
    build=reports.volume_followup,
    allowed=reports.may_view,
))

COST_CENTRES = register(Report(
    name="cost_centres",
    title="Driftsredovisning per verksamhet",
    sheet="Driftsredovisning",
    description=(
        "Utfall i fjol (helår), budget för året och perioden, utfall, avvikelse och avvikelse i procent, utfall samma "
        "period i fjol; före december även prognos helår (från senaste månadsbokslut) och avvikelse prognos mot budget."
    ),
    columns=(
        Column("cost_centre", "Kod", TEXT),
        Column("cost_centre_name", "Verksamhet", TEXT),
        Column("cost_last_year", "Utfall i fjol, helår", KR),
        Column("budget_year", "Budget helår", KR),
        Column("cost_budget", "Budget perioden", KR),
        Column("cost", "Utfall perioden", KR),
        *DEVIATION_COLUMNS,
        Column("deviation_percent", "Avvikelse %", PERCENT),
        Column("cost_last_year_same_period", "Utfall samma period i fjol", KR),
        Column("forecast", "Prognos helår", KR),
        Column("forecast_deviation", "Avvikelse prognos mot budget", KR),
        Column("corrections_cost", "varav efterregistrering, kr", KR),
    ),
    build=reports.cost_centres,
    allowed=reports.may_view,
))

PURCHASES = register(Report(
    name="purchases",
    title="Köp av verksamhet",
    description=(
        "Kostnad för köpta vårdformer (externa utförare) per verksamhet, andel av verksamhetens nettokostnad och antal "
        "olika externa utförare med en pågående placering periodens sista dag."
    ),
    columns=(
        Column("care_type", "Kod", TEXT),
        Column("care_type_name", "Vårdform", TEXT),
        Column("cost_centre", "Verksamhet, kod", TEXT),
        Column("cost_centre_name", "Verksamhet", TEXT),
        Column("cost", "Köpt, kr", KR),
        Column("cost_last_year", "Köpt i fjol, kr", KR),
        Column("category_cost", "Verksamhetens nettokostnad", KR),
        Column("share", "Andel köpt", PERCENT),
        Column("providers", "Externa utförare sista dagen", INT),
    ),
    build=reports.purchases,
    allowed=reports.may_view,
))

FORECAST = register(Report(
    name="forecast",
    title="Prognos helår",
    description=(
        "Prognosen efter årets senaste månadsbokslut (till och med vald månad): utfall hittills + pågående "
        "placeringar till planerat slut eller årets slut till gällande pris + controllerns justering, per "
        "verksamhet och vårdform."
    ),
    columns=(
        Column("closed_month", "Efter bokslut för", TEXT),
        Column("cost_centre", "Verksamhet, kod", TEXT),
        Column("cost_centre_name", "Verksamhet", TEXT),
        Column("care_type", "Vårdform, kod", TEXT),
        Column("care_type_name", "Vårdform", TEXT),
        Column("actual", "Utfall hittills", KR),
        Column("ongoing", "Pågående till årets slut", KR),
        Column("adjustment", "Justering", KR),
        Column("forecast", "Prognos helår", KR),
        Column("adjustment_comment", "Kommentar", TEXT),
    ),
    build=reports_followup.forecast,
    allowed=reports_followup.may_view_forecast,
))

FOLLOWUP_MONTHS = register(Report(
    name="followup_months",
    title="Uppföljning månad för månad per vårdform",
    sheet="Uppföljning per månad",
    description=(
        "Kostnad, vårddygn och snittantal placerade (vårddygn ÷ månadens dagar) per vårdform och bokföringsmånad, "
        "mot samma månad i fjol; 'varav efterregistrering' är rättelser av stängda månader bokade i månaden."
    ),
    columns=(
        Column("care_type", "Vårdform, kod", TEXT),
        Column("care_type_name", "Vårdform", TEXT),
        Column("month", "Månad", TEXT),
        Column("cost", "Kostnad", KR),
        Column("cost_last_year", "Kostnad i fjol", KR),
        Column("care_days", "Vårddygn", INT),
        Column("care_days_last_year", "Vårddygn i fjol", INT),
        Column("placed", "Snittantal placerade", DECIMAL),
        Column("placed_last_year", "Snittantal placerade i fjol", DECIMAL),
        Column("corrections_cost", "varav efterregistrering, kr", KR),
        Column("corrections_days", "varav efterregistrering, dygn", INT),
        Column("corrections_months", "Efterregistrering avser", TEXT),
    ),
    build=reports_followup.followup_months,
    allowed=reports.may_view,
))
