import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook

from placements.importing import PlacementImportError, import_placements
from placements.models import Placement, PricePeriod, Provider
from placements.pricing import month_cost
from socialtjanst.identity import synthetic_id_number
from socialtjanst.models import AccessAction, AccessEvent, Person, Unit
from tests.conftest import login
from tests.placements.factories import next_org_number

D = datetime.date
pytestmark = pytest.mark.django_db

HEADER = ["placerings_id", "personnummer", "Kön", "Enhet", "Vardform", "UTFÖRARE", "utförare_namn", "verksamhet",
          "lagrum", "startdatum", "slutdatum", "pris_fran", "dygnspris", "månadsbelopp", "arvode", "omkostnad"]
PNR_A = synthetic_id_number(D(2012, 5, 4), 1)
PNR_B = synthetic_id_number(D(2009, 11, 30), 2)
ORG = next_org_number()


def _rows():
    return [
        ["P1", PNR_A, "K", "UTR_BARN", "HVB_BOU", ORG, "Björkens HVB AB", "", "SoL", "2023-12-20", "2024-01-10",
         "", "4 600,00", "", "", ""],
        ["P1", PNR_A, "K", "UTR_BARN", "HVB_BOU", ORG, "Björkens HVB AB", "", "SoL", "2023-12-20", "2024-01-10",
         "2024-01-01", "4 800,50", "", "", ""],
        ["P2", PNR_B, "", "NY_ENHET", "FH_EGET", "", "", "5732X", "LVU", "2024-02-10", "", "", "", "30000", "18000",
         "12000"],
    ]


def _csv(rows, sep=";", bom=True) -> bytes:
    text = "\n".join(sep.join(f'"{c}"' if sep in c else c for c in r) for r in [HEADER, *rows])
    return (("\ufeff" if bom else "") + text).encode()


def test_csv_import_creates_placements_prices_persons_units_and_providers():
    summary = import_placements(content=_csv(_rows()), filename="placeringar.csv")
    assert summary.lines == [
        "2 placeringar skapade, 0 ändrade, 0 oförändrade.", "2 personer skapade.",
        "Nya enheter skapade: UTR_BARN, NY_ENHET.", "Nya utförare skapade: Björkens HVB AB.",
    ]
    p1 = Placement.objects.get(external_id="P1")
    assert (p1.start_on, p1.end_on, p1.cost_centre, p1.provider.org_number) == (
        D(2023, 12, 20), D(2024, 1, 10), "5731", ORG)
    assert list(p1.price_periods.order_by("valid_from").values_list("valid_from", "valid_to", "daily_price")) == [
        (D(2023, 12, 20), D(2024, 1, 1), Decimal("4600.00")), (D(2024, 1, 1), None, Decimal("4800.50"))]
    assert month_cost(placement=p1, year=2024, month=1).cost == Decimal("43204.50")
    p2 = Placement.objects.get(external_id="P2")
    assert p2.person.gender == ("man" if int(PNR_B[-2]) % 2 else "kvinna")
    assert (p2.cost_centre, p2.legal_basis) == ("5732X", "LVU")
    pp = p2.price_periods.get()
    assert (pp.monthly_amount, pp.fee, pp.expenses) == (Decimal("30000"), Decimal("18000"), Decimal("12000"))
    assert Person.objects.get(id_number=PNR_A).gender == "kvinna"


def test_importing_the_same_file_twice_changes_nothing():
    content = _csv(_rows(), sep=",", bom=False)
    import_placements(content=content, filename="a.csv")
    before = (list(Placement.objects.values().order_by("pk")), list(PricePeriod.objects.values().order_by("pk")),
              Placement.pgh_event_model.objects.count())
    summary = import_placements(content=content, filename="a.csv")
    after = (list(Placement.objects.values().order_by("pk")), list(PricePeriod.objects.values().order_by("pk")),
             Placement.pgh_event_model.objects.count())
    assert before == after
    assert summary.lines[0] == "0 placeringar skapade, 0 ändrade, 2 oförändrade."


def test_a_changed_row_updates_the_placement_keyed_on_placerings_id():
    import_placements(content=_csv(_rows()), filename="a.csv")
    rows = _rows()
    rows[2][10] = "2024-06-01"
    summary = import_placements(content=_csv(rows), filename="a.csv")
    assert summary.lines[0] == "0 placeringar skapade, 1 ändrade, 1 oförändrade."
    assert Placement.objects.get(external_id="P2").end_on == D(2024, 6, 1)


def test_xlsx_with_native_dates_and_numbers():
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in _rows():
        ws.append([D.fromisoformat(c) if i in (9, 10, 11) and c else
                   (float(c.replace(" ", "").replace(",", ".")) if i in (12, 13, 14, 15) and c else c)
                   for i, c in enumerate(r)])
    buf = io.BytesIO()
    wb.save(buf)
    import_placements(content=buf.getvalue(), filename="placeringar.xlsx")
    assert Placement.objects.count() == 2
    assert PricePeriod.objects.get(placement__external_id="P1", valid_from=D(2024, 1, 1)).daily_price == Decimal(
        "4800.50")


def test_one_bad_personnummer_on_the_1000th_row_imports_nothing_and_names_that_row():
    rows = []
    for i in range(1000):
        pnr = synthetic_id_number(D(2005, 1, 1) + datetime.timedelta(days=i), i)
        rows.append([f"X{i}", pnr, "", "UTR_BARN", "HVB_BOU", ORG, "HVB AB", "", "SoL", "2024-01-01", "", "",
                     "5000", "", "", ""])
    rows[999][1] = rows[999][1][:-1] + str((int(rows[999][1][-1]) + 1) % 10)
    with pytest.raises(PlacementImportError) as err:
        import_placements(content=_csv(rows), filename="stor.csv")
    assert err.value.errors == [
        "Rad 1001, kolumn 'personnummer': Ogiltigt personnummer eller samordningsnummer: "
        "kontrollera datum och kontrollsiffra."
    ]
    assert (Placement.objects.count(), Person.objects.count(), Unit.objects.count(), Provider.objects.count()) == (
        0, 0, 0, 0)


def test_errors_name_row_and_column_in_swedish():
    rows = _rows()
    rows[0][4] = "OKAND"
    rows[1][12] = ""
    rows[2][8] = "XYZ"
    rows[2][9] = "10/2/2024"
    with pytest.raises(PlacementImportError) as err:
        import_placements(content=_csv(rows), filename="fel.csv")
    assert err.value.errors == [
        "Rad 2, kolumn 'vårdform': okänd vårdform 'OKAND'.",
        "Rad 3, kolumn 'dygnspris': vårdformen prissätts per dygn eller dag: ange dygnspris.",
        "Rad 4, kolumn 'lagrum': ange SoL, LVU, LVM eller LSB.",
        "Rad 4, kolumn 'startdatum': ogiltigt datum '10/2/2024' (skriv ÅÅÅÅ-MM-DD).",
        "Rad 3, kolumn 'vårdform': skiljer sig från rad 2 med samma placerings_id.",
    ]


def test_overlapping_heldygn_placements_in_the_file_import_nothing():
    rows = _rows()
    rows.append(["P3", PNR_A, "K", "UTR_BARN", "FH_JOUR", "", "", "", "SoL", "2024-01-05", "", "", "", "40000",
                 "", ""])
    with pytest.raises(PlacementImportError) as err:
        import_placements(content=_csv(rows), filename="a.csv")
    assert err.value.errors == [
        "placerings_id P3: Personen har redan en placering som överlappar: "
        "HVB barn och unga hos Björkens HVB AB, 2023-12-20–2024-01-10."
    ]
    assert Placement.objects.count() == 0


def test_command_exit_code_and_stderr(tmp_path, capsys):
    good = tmp_path / "ok.csv"
    good.write_bytes(_csv(_rows()))
    call_command("import_placements", str(good))
    assert "2 placeringar skapade" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    rows = _rows()
    rows[0][1] = "19990101-0000"
    bad.write_bytes(_csv(rows))
    with pytest.raises(CommandError):
        call_command("import_placements", str(bad))
    assert "Rad 2, kolumn 'personnummer'" in capsys.readouterr().err


def test_command_process_exit_code(tmp_path):
    import os
    import subprocess
    import sys

    from django.db import connection

    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"placerings_id;personnummer\nP1;1\n")
    env = {**os.environ, "DATABASE_URL": os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/"
           + connection.settings_dict["NAME"]}
    result = subprocess.run([sys.executable, "manage.py", "import_placements", str(bad)], capture_output=True,
                            text=True, env=env, check=False)
    assert result.returncode != 0
    assert "Kolumnen 'enhet' saknas i filen." in result.stderr


def test_upload_page_for_controllers_shows_the_same_errors(controller, handlaggare):
    rows = _rows()
    rows[2][8] = "XYZ"
    upload = SimpleUploadedFile("fel.csv", _csv(rows), content_type="text/csv")
    html = login(controller).post(reverse("placements:placement_import"), {"file": upload}).content.decode()
    assert "Rad 4, kolumn &#x27;lagrum&#x27;: ange SoL, LVU, LVM eller LSB." in html
    ok = SimpleUploadedFile("ok.csv", _csv(_rows()), content_type="text/csv")
    html = login(controller).post(reverse("placements:placement_import"), {"file": ok}).content.decode()
    assert "2 placeringar skapade, 0 ändrade, 0 oförändrade." in html
    assert login(handlaggare).get(reverse("placements:placement_import")).status_code == 404


def _xlsx(rows, header=HEADER) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_amounts_and_texts_must_fit_the_fields_they_are_stored_in():
    rows = _rows()
    rows[0][0] = "P" * 61  # placerings_id: at most 60 characters
    rows[1][0] = "P" * 61
    rows[0][12] = "4 600,125"
    rows[1][12] = "12 345 678 901"  # dygnspris: numeric(12, 2)
    rows[2][7] = "5" * 21  # verksamhet: at most 20 characters
    rows[2][13], rows[2][14], rows[2][15] = "", "9 999 999 999", "1"  # månadsbelopp = arvode + omkostnad: too large
    rows.append(["P4", PNR_B, "", "E" * 41, "FH_EGET", "", "", "", "LVU", "2023-01-01", "2023-02-01", "", "", "-1",
                 "", ""])
    with pytest.raises(PlacementImportError) as err:
        import_placements(content=_csv(rows), filename="fel.csv")
    assert err.value.errors == [
        "Rad 2, kolumn 'placerings_id': högst 60 tecken (värdet har 61).",
        "Rad 2, kolumn 'dygnspris': högst två decimaler ('4 600,125').",
        "Rad 3, kolumn 'placerings_id': högst 60 tecken (värdet har 61).",
        "Rad 3, kolumn 'dygnspris': talet '12 345 678 901' är för stort.",
        "Rad 4, kolumn 'verksamhet': högst 20 tecken (värdet har 21).",
        "Rad 4, kolumn 'månadsbelopp': talet '10000000000' är för stort.",
        "Rad 5, kolumn 'enhet': högst 40 tecken (värdet har 41).",
        "Rad 5, kolumn 'månadsbelopp': beloppet får inte vara negativt.",
    ]
    assert (Placement.objects.count(), Person.objects.count(), Unit.objects.count(), Provider.objects.count()) == (
        0, 0, 0, 0)


def test_numeric_xlsx_cells_are_checked_like_text():
    rows = _rows()[:1]
    rows[0][12] = -4600.0  # a negative number cell
    rows.append(["P2", PNR_B, "", "UTR_BARN", "FH_EGET", "", "", "", "LVU", "2024-02-10", "", "", "", 30000.505,
                 "", ""])
    rows.append(["P3", PNR_B, "", "UTR_BARN", "HVB_VUXEN", ORG, "", "", "SoL", "2020-01-01", "2020-02-01", "",
                 1e10, "", "", ""])
    with pytest.raises(PlacementImportError) as err:
        import_placements(content=_xlsx(rows), filename="fel.xlsx")
    assert err.value.errors == [
        "Rad 2, kolumn 'dygnspris': beloppet får inte vara negativt.",
        "Rad 3, kolumn 'månadsbelopp': högst två decimaler ('30000.505').",
        "Rad 4, kolumn 'dygnspris': talet '10000000000' är för stort.",
    ]
    assert not Placement.objects.exists() and not PricePeriod.objects.exists()


def test_row_numbers_are_the_spreadsheets_also_after_empty_rows():
    rows = _rows()
    rows[2][8] = "XYZ"
    rows[1][3] = "ANNAN"
    csv_rows = [rows[0], [""] * len(HEADER), [], rows[1], rows[2]]  # the spreadsheet's rows 3 and 4 are empty
    with pytest.raises(PlacementImportError) as err:
        import_placements(content=_csv(csv_rows), filename="fel.csv")
    expected = [
        "Rad 6, kolumn 'lagrum': ange SoL, LVU, LVM eller LSB.",
        "Rad 5, kolumn 'enhet': skiljer sig från rad 2 med samma placerings_id.",
    ]
    assert err.value.errors == expected
    with pytest.raises(PlacementImportError) as err:
        import_placements(content=_xlsx([rows[0], [], [None] * len(HEADER), rows[1], rows[2]]), filename="fel.xlsx")
    assert err.value.errors == expected


def test_persons_and_providers_are_created_through_their_services_and_logged(controller):
    import_placements(by=controller, content=_csv(_rows()), filename="placeringar.csv")
    persons = Person.objects.order_by("pk")
    assert [p.last_name for p in persons] == ["Namn saknas (import)"] * 2
    created = AccessEvent.objects.filter(action=AccessAction.CREATE)
    assert sorted(created.filter(object_type="Person").values_list("object_id", "user")) == [
        (p.pk, controller.pk) for p in persons]
    provider = Provider.objects.get(org_number=ORG)
    assert list(created.filter(object_type="Provider").values_list("object_id", "user")) == [
        (provider.pk, controller.pk)]
    # A second import creates nobody, so it logs no creation either.
    import_placements(by=controller, content=_csv(_rows()), filename="placeringar.csv")
    assert created.count() == 3


def test_the_documented_example_imports():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "import_placements.md").read_text()
    example = doc.split("### Example\n\n```\n", 1)[1].split("```", 1)[0]
    summary = import_placements(content=example.encode(), filename="exempel.csv")
    assert summary.lines[:2] == ["2 placeringar skapade, 0 ändrade, 0 oförändrade.", "2 personer skapade."]


def test_a_nul_character_in_a_csv_file_is_a_swedish_error_and_imports_nothing():
    rows = _rows()
    rows[0][0] = "P1\x00"
    with pytest.raises(PlacementImportError) as err:
        import_placements(content=_csv(rows), filename="nul.csv")
    assert err.value.errors == [
        "Filen innehåller nolltecken (NUL) och kan inte läsas. Spara den som CSV i UTF-8 eller som .xlsx."]
    assert (Placement.objects.count(), Person.objects.count()) == (0, 0)
