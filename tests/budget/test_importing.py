"""import_budget (shared/formats.md 'Budget: import_budget'): all or nothing, idempotent, the common file rules."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from budget import importing
from budget.importing import BudgetImportError, import_budget
from budget.models import Budget, CostCentre

pytestmark = pytest.mark.django_db

HEADER = ["år", "verksamhet", "verksamhet_namn", "vårdform", "belopp", "volym", "volymenhet"]
ROWS = [
    ["2024", "5731", "Institutionsvård barn och unga", "", "12 000 000", "10", "årsplacering"],
    ["2024", "5731", "", "HVB_BOU", "8 500 000,50", "4 600,5", "dygn"],
    ["2024", "9001", "Ny verksamhet", "", "250000", "", ""],
]


def _csv(rows, header=HEADER, sep=";", bom=True) -> bytes:
    def cell(c):
        return f'"{c}"' if sep in c else c

    text = "\n".join(sep.join(cell(c) for c in r) for r in [header, *rows])
    return (("\ufeff" if bom else "") + text).encode()


def _xlsx(rows, header=HEADER) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _state():
    return sorted((b.year, b.cost_centre.code, b.care_type.code if b.care_type else "", b.amount, b.volume,
                   b.volume_unit, b.version, b.updated_at) for b in Budget.objects.select_related("cost_centre",
                                                                                                  "care_type"))


def test_csv_with_semicolon_decimal_comma_and_thousands_space():
    # The file names the existing cost centre 5731 differently: the stored name is kept, not overwritten.
    renamed = [ROWS[0][:2] + ["Annat namn i filen"] + ROWS[0][3:], *ROWS[1:]]
    summary = import_budget(content=_csv(renamed), filename="budget.csv")
    assert summary.lines == ["3 budgetrader skapade, 0 ändrade, 0 oförändrade.",
                             "Nya verksamheter skapade: 9001."]
    rows = {(b.cost_centre.code, b.care_type.code if b.care_type else None): b
            for b in Budget.objects.select_related("cost_centre", "care_type")}
    whole = rows[("5731", None)]
    assert (whole.year, whole.amount, whole.volume, whole.volume_unit) == (
        2024, Decimal("12000000"), Decimal("10"), "årsplacering")
    hvb = rows[("5731", "HVB_BOU")]
    assert (hvb.amount, hvb.volume, hvb.volume_unit) == (Decimal("8500000.50"), Decimal("4600.5"), "dygn")
    new = rows[("9001", None)]
    assert (new.amount, new.volume, new.volume_unit) == (Decimal("250000"), None, "")
    assert CostCentre.objects.get(code="9001").name == "Ny verksamhet"
    # an existing cost centre keeps its name
    assert CostCentre.objects.get(code="5731").name == "Institutionsvård barn och unga"
    assert not CostCentre.objects.filter(name="Annat namn i filen").exists()


def test_csv_with_comma_separator_point_decimals_no_bom_and_headers_without_diacritics():
    header = ["AR", "Verksamhet", "verksamhet namn", "Vardform", "BELOPP", "volym", "Volymenhet"]
    rows = [["2025", "571", "", "", "1234567.25", "3.5", "Arsplaceringar"],
            ["2025", "572", "", "SKYDDAT_BOENDE", "1 000 000", "", ""]]
    summary = import_budget(content=_csv(rows, header=header, sep=",", bom=False), filename="b.CSV")
    assert summary.created == 2
    b = Budget.objects.get(year=2025, cost_centre__code="571")
    assert (b.amount, b.volume, b.volume_unit) == (Decimal("1234567.25"), Decimal("3.5"), "årsplacering")


def test_xlsx_with_numbers_and_text():
    rows = [[2024, 5732, "Familjehemsvård barn och unga", None, 9800000, 22.5, "årsplacering"],
            [2024, "5733", None, "KONTAKTFAMILJ", "1 500 000", 300, "hushåll"]]
    summary = import_budget(content=_xlsx(rows), filename="budget.xlsx")
    assert summary.created == 2
    assert Budget.objects.get(cost_centre__code="5732").volume == Decimal("22.5")
    assert Budget.objects.get(cost_centre__code="5733").volume_unit == "hushåll"


def test_importing_the_same_file_twice_changes_nothing():
    content = _csv(ROWS)
    import_budget(content=content, filename="budget.csv")
    before = _state()
    summary = import_budget(content=content, filename="budget.csv")
    assert summary.lines == ["0 budgetrader skapade, 0 ändrade, 3 oförändrade."]
    assert _state() == before
    assert CostCentre.objects.filter(code="9001").count() == 1


def test_a_changed_row_updates_the_budget_and_raises_its_version():
    import_budget(content=_csv(ROWS), filename="budget.csv")
    changed = [ROWS[0][:4] + ["12 500 000", "10", "årsplacering"], *ROWS[1:]]
    summary = import_budget(content=_csv(changed), filename="budget.csv")
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 2)
    b = Budget.objects.get(cost_centre__code="5731", care_type=None)
    assert (b.amount, b.version) == (Decimal("12500000"), 2)


def test_a_file_with_one_bad_row_imports_nothing_and_names_row_and_column():
    rows = [*ROWS, ["2024", "572", "", "HVB_BARN", "100", "", ""]]
    with pytest.raises(BudgetImportError) as exc:
        import_budget(content=_csv(rows), filename="budget.csv")
    assert exc.value.errors == ["Rad 5, kolumn 'vårdform': okänd vårdform 'HVB_BARN'."]
    assert not Budget.objects.exists()
    assert not CostCentre.objects.filter(code="9001").exists()


def test_every_error_is_listed_with_row_column_and_reason():
    rows = [
        ["2024", "571", "", "", "-5", "", ""],
        ["2024", "572", "", "", "100", "10", ""],
        ["2024", "572", "", "SKYDDAT_BOENDE", "100", "10", "veckor"],
        ["1999", "572", "", "", "100", "", ""],
        ["2024", "571", "", "", "200", "", ""],
        ["2024", "", "", "", "", "", ""],
        ["2024", "5733", "", "", "10", "", "dygn"],
        ["tjugo", "5733", "", "", "1 0x", "0", "dygn"],
    ]
    with pytest.raises(BudgetImportError) as exc:
        import_budget(content=_csv([["2024", "571", "", "", "5", "", ""], *rows]), filename="budget.csv")
    assert exc.value.errors == [
        "Rad 3, kolumn 'belopp': beloppet får inte vara negativt.",
        "Rad 4, kolumn 'volymenhet': volym är angiven men volymenhet saknas.",
        "Rad 5, kolumn 'volymenhet': okänd volymenhet 'veckor' (ange årsplacering, dygn, dagar, hushåll eller "
        "inflöde).",
        "Rad 6, kolumn 'år': året 1999 ligger utanför 2000–2100.",
        "Rad 7, kolumn 'verksamhet': samma år, verksamhet och vårdform som rad 2.",
        "Rad 8, kolumn 'verksamhet': värde saknas.",
        "Rad 8, kolumn 'belopp': värde saknas.",
        "Rad 9, kolumn 'volym': volymenhet är angiven men volym saknas.",
        "Rad 10, kolumn 'år': ogiltigt år 'tjugo' (skriv ÅÅÅÅ).",
        "Rad 10, kolumn 'belopp': ogiltigt tal '1 0x'.",
        "Rad 10, kolumn 'volym': volymen måste vara större än 0.",
    ]
    assert not Budget.objects.exists()


def test_missing_required_column_and_empty_file():
    with pytest.raises(BudgetImportError) as exc:
        import_budget(content=_csv([["2024", "571"]], header=["år", "verksamhet"]), filename="b.csv")
    assert exc.value.errors == [importing.MISSING_COLUMN.format(column="belopp")]
    with pytest.raises(BudgetImportError) as exc:
        import_budget(content=_csv([]), filename="b.csv")
    assert exc.value.errors == [importing.EMPTY_FILE]


def test_command_exit_codes_and_errors_on_stderr(tmp_path):
    good = tmp_path / "budget.csv"
    good.write_bytes(_csv(ROWS))
    out = io.StringIO()
    call_command("import_budget", str(good), stdout=out)
    assert "3 budgetrader skapade" in out.getvalue()

    bad = tmp_path / "fel.csv"
    bad.write_bytes(_csv([["2024", "571", "", "", "-1", "", ""]]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="Inget importerades: 1 fel."):
        call_command("import_budget", str(bad), stderr=err)
    assert err.getvalue().strip() == "Rad 2, kolumn 'belopp': beloppet får inte vara negativt."
