"""The SIE 4 reader and the ledger import's all-or-nothing, idempotent, closed-month rules."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from budget.ledger import importing, sie
from budget.ledger.importing import LedgerImportError, import_ledger
from budget.models import CostCentre, LedgerBudget, LedgerEntry, LedgerImport, LedgerSettings, MonthClosing
from socialtjanst.roles import Role
from tests.factories import UserFactory

from .sie_files import csv_file
from .sie_files import sie as sie_file

D = datetime.date


def test_tokens_read_quotes_escapes_and_object_lists():
    assert sie.tokens('#TRANS 4010 {1 "57 31" 6 "P\\"1"} -12.50 20240805 "Hyra \\"maj\\""') == [
        "#TRANS", "4010", {1: "57 31", 6: 'P"1'}, "-12.50", "20240805", 'Hyra "maj"']
    assert sie.tokens("#PSALDO 0 202401 4010 {} 5") == ["#PSALDO", "0", "202401", "4010", {}, "5"]


def _read(data: bytes):
    found = {"psaldo": [], "pbudget": [], "trans": []}
    reader = sie.SieReader(on_psaldo=found["psaldo"].append, on_pbudget=found["pbudget"].append,
                           on_trans=found["trans"].append)
    header = reader.read(io.BytesIO(data))
    return reader, header, found


def test_pc8_is_read_as_cp437_and_balances_of_year_0_only():
    data = sie_file('#OBJEKT 1 "5731" "Institutionsvård Ölands väg"\n#KONTO 4610 "Köp av vård"\n'
                    '#PSALDO 0 202403 4610 {1 "5731"} 100.00\n#PSALDO -1 202303 4610 {1 "5731"} 90.00\n')
    assert "Ö".encode("cp437") in data  # written as an economy system writes PC8
    reader, header, found = _read(data)
    assert reader.errors == []
    assert header.objects[(1, "5731")] == "Institutionsvård Ölands väg"
    assert header.accounts[4610] == "Köp av vård"
    assert header.years[0] == (D(2024, 1, 1), D(2024, 12, 31))
    assert [(b.month, b.account, b.objects, b.amount) for b in found["psaldo"]] == [
        (D(2024, 3, 1), 4610, {1: "5731"}, Decimal("100.00"))]


def test_transactions_take_the_month_of_their_date_or_the_voucher():
    data = sie_file('#VER "A" 1 20240131 "Faktura"\n{\n#TRANS 4610 {1 "5731"} 500.00\n'
                    '#TRANS 4610 {1 "5731"} 250.00 20240215 "Rättelse"\n#TRANS 2440 {} -750.00\n}\n')
    reader, _, found = _read(data)
    assert reader.errors == []
    assert [(b.month, b.amount) for b in found["trans"]] == [
        (D(2024, 1, 1), Decimal("500.00")), (D(2024, 2, 1), Decimal("250.00")), (D(2024, 1, 1), Decimal("-750.00"))]


def test_bad_lines_give_swedish_errors_naming_the_line():
    data = sie_file('#PSALDO 0 202413 4610 {1 "5731"} 1.00\n#PSALDO 0 202401 46X0 {} 1.00\n'
                    '#PSALDO 0 202401 4610 {1 "5731"} 1,2,3\n#KONTO 4610 "Köp\n#TRANS 4610 {} 1.00\n'
                    '#PSALDO 0 202401 4610 {1 "5731" 1.00\n#PSALDO 0 189901 4610 {} 1.00\n')
    reader, _, _ = _read(data)
    assert reader.errors == [
        "Rad 10: ogiltig period '202413' (skriv ÅÅÅÅMM).",
        "Rad 11: ogiltigt konto '46X0' (fyra siffror).",
        "Rad 12: ogiltigt belopp '1,2,3'.",
        "Rad 13: citattecken saknar slut.",
        "Rad 14: #TRANS utanför en #VER.",
        "Rad 15: objektlistan {…} saknar slut.",
        "Rad 16: ogiltig period '189901' (skriv ÅÅÅÅMM).",
    ]


@pytest.mark.django_db
def test_an_error_imports_nothing_and_names_the_line():
    good = '#PSALDO 0 202401 4610 {1 "5731"} 100.00\n'
    with pytest.raises(LedgerImportError) as exc:
        import_ledger(content=sie_file(good + "#PSALDO 0 202402 4610 {1 \"5731\"} abc\n"), filename="f.se")
    assert exc.value.errors == ["Rad 11: ogiltigt belopp 'abc'."]
    assert not LedgerEntry.objects.exists() and not LedgerImport.objects.exists()


@pytest.mark.django_db
def test_csv_errors_name_row_and_column_and_import_nothing():
    data = csv_file([(2024, 1, "5731", 4610, "100", ""), (2024, 13, "5731", 461, "1x", "")])
    with pytest.raises(LedgerImportError) as exc:
        import_ledger(content=data, filename="utfall.csv")
    assert exc.value.errors == ["Rad 3, kolumn 'månad': ogiltig månad '13' (1–12).",
                                "Rad 3, kolumn 'konto': ogiltigt konto '461' (fyra siffror).",
                                "Rad 3, kolumn 'belopp': ogiltigt tal '1x'."]
    assert not LedgerEntry.objects.exists()


@pytest.mark.django_db
def test_reimport_of_a_month_replaces_it_and_the_same_file_changes_nothing():
    august = '#PSALDO 0 202408 4610 {1 "5731"} 100.00\n#PSALDO 0 202408 4610 {1 "5732"} 50.00\n'
    first = import_ledger(content=sie_file(august), filename="aug.se")
    again = import_ledger(content=sie_file(august), filename="aug.se")
    assert first.rows == 2 and again.unchanged and again.lines == [importing.UNCHANGED]
    assert LedgerImport.objects.count() == 1

    import_ledger(content=sie_file('#PSALDO 0 202408 4610 {1 "5731"} 120.00\n'), filename="aug2.se")
    assert list(LedgerEntry.objects.values_list("cost_centre__code", "amount")) == [("5731", Decimal("120.00"))]


@pytest.mark.django_db
def test_the_configured_dimension_carries_the_verksamhet_and_undimensioned_totals_do_not_count_twice():
    LedgerSettings.objects.create(pk=1, cost_centre_dimension=6)
    data = sie_file('#OBJEKT 6 "NY1" "Ny verksamhet"\n#PSALDO 0 202401 4610 {6 "NY1"} 70.00\n'
                    '#PSALDO 0 202401 4610 {} 70.00\n#PSALDO 0 202401 5010 {} 30.00\n'
                    '#PSALDO 0 202401 4610 {1 "5731"} 70.00\n#PSALDO 0 202401 1930 {6 "NY1"} 9.00\n'
                    '#PBUDGET 0 202401 4610 {6 "NY1"} 80.00\n#PBUDGET 0 202401 3010 {6 "NY1"} -10.00\n')
    summary = import_ledger(content=data, filename="dim6.se")
    assert summary.cost_centres_created == ["NY1"]
    assert CostCentre.objects.get(code="NY1").name == "Ny verksamhet"
    entries = {(c, a): v for c, a, v in LedgerEntry.objects.values_list("cost_centre__code", "account", "amount")}
    assert entries == {("NY1", 4610): Decimal("70.00"), (None, 5010): Decimal("30.00")}
    budget = LedgerBudget.objects.get()
    assert (budget.month, budget.revenue, budget.cost) == (1, Decimal("10.00"), Decimal("80.00"))


@pytest.mark.django_db
def test_a_closed_month_keeps_its_outcome_and_the_file_is_refused():
    import_ledger(content=sie_file('#PSALDO 0 202407 4610 {1 "5731"} 100.00\n'), filename="jul.se")
    MonthClosing.objects.create(month=D(2024, 7, 1), closed_by=UserFactory(role=Role.CONTROLLER))
    with pytest.raises(LedgerImportError) as exc:
        import_ledger(content=sie_file('#PSALDO 0 202407 4610 {1 "5731"} 999.00\n'
                                       '#PSALDO 0 202408 4610 {1 "5731"} 5.00\n'), filename="jul_aug.se")
    assert exc.value.errors == [importing.MONTH_CLOSED.format(month="Juli 2024")]
    assert list(LedgerEntry.objects.values_list("month", "amount")) == [(D(2024, 7, 1), Decimal("100.00"))]


@pytest.mark.django_db
def test_the_command_streams_a_sie_file_and_reports_errors(tmp_path, capsys):
    path = tmp_path / "utfall.se"
    path.write_bytes(sie_file('#PSALDO 0 202401 4610 {1 "5731"} 100.00\n'))
    call_command("import_ledger", str(path))
    assert "1 utfallsrader importerade för januari 2024" in capsys.readouterr().out
    path.write_bytes(sie_file('#PSALDO 0 202401 4610 {1 "5731"} x\n'))
    with pytest.raises(CommandError, match="Inget importerades: 1 fel."):
        call_command("import_ledger", str(path))
    assert "Rad 10: ogiltigt belopp 'x'." in capsys.readouterr().err
