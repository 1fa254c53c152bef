"""Registers the controller's familjehem reports (issue 20) with common.reporting: the levels per year and
the own familjehem payments per month. The keys (Column.key) are a public contract: change them only
additively (docs/reports.md)."""

from common.reporting import DECIMAL, INT, KR, TEXT, Column, Report, register

from . import familjehem, reports

FAMILJEHEM_LEVELS = register(Report(
    name="familjehem_levels",
    title="Familjehemsersättning: prisbasbelopp och SKR-nivåer per år",
    sheet="Familjehem nivåer",
    description=(
        "Prisbasbeloppet och SKR:s grundarvode som regeln använder per år (ett år utan egna uppgifter använder "
        "senaste tidigare år, se 'avser år'), och omkostnadsersättningen per åldersgrupp i kronor per månad: "
        "grundkostnad och högsta skattefria nivå, procent av prisbasbeloppet ÷ 12 i hela kronor. "
        "'kontrollera' = exempelvärde som systemförvaltaren ska stämma av. Uppgifterna förs in i administrationen."
    ),
    columns=(
        Column("year", "År", TEXT),
        Column("price_base_amount", "Prisbasbelopp", KR),
        Column("price_base_year", "Prisbasbelopp avser år", TEXT),
        Column("base_fee", "Grundarvode per månad", KR),
        Column("fee_year", "Grundarvode avser år", TEXT),
        Column("to_be_checked", "Kontrollera", TEXT),
        Column("band", "Åldersgrupp", TEXT),
        Column("base_percent", "Grundkostnad, %", DECIMAL),
        Column("base_expenses", "Omkostnad grund, kr/mån", KR),
        Column("ceiling_percent", "Högsta nivå, %", DECIMAL),
        Column("ceiling_expenses", "Omkostnad högsta, kr/mån", KR),
    ),
    build=familjehem.levels,
    allowed=reports.may_view,
))

FAMILJEHEM_PAYMENTS = register(Report(
    name="familjehem_payments",
    title="Ersättning till egna familjehem per månad",
    sheet="Familjehemsersättning",
    description=(
        "Egna familjehem (vårdform Familjehem, eget) per månad: placeringar och vårddygn, arvode, "
        "omkostnadsersättning, avdrag för barnbidrag/studiebidrag, avtalade belopp utan uppdelning, extra "
        "ersättning och särskilda kostnader, och summa. Delmånader räknas som dygn ÷ månadens dagar; summan per "
        "placering och månad avrundas till öre en gång, som i månadsuppföljningen, och omkostnaden tar det öre "
        "som får delarna att gå jämnt upp."
    ),
    columns=(
        Column("month", "Månad", TEXT),
        Column("placements", "Placeringar", INT),
        Column("care_days", "Vårddygn", INT),
        Column("fee", "Arvode", KR),
        Column("expenses", "Omkostnad", KR),
        Column("deductions", "Avdrag barnbidrag/studiebidrag", KR),
        Column("unsplit", "Avtalat belopp, ej uppdelat", KR),
        Column("extra", "Extra ersättning och särskilda kostnader", KR),
        Column("total", "Summa", KR),
    ),
    build=familjehem.payments,
    allowed=reports.may_view,
))
