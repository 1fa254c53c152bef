"""Issue 12 point 9: the smaller controls.

Upload size limit for every import, a bounded spreadsheet reader, optimistic locking of a placement's
prices, a bounded reopen reason, an absolute session lifetime, and log-ins in the access log."""

import datetime
import io
import re
import time
import zipfile
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from budget import closing
from budget.models import Budget, MonthClosing
from common import import_files
from placements import services
from placements.models import Placement, PricePeriod
from socialtjanst.auth_events import LIFETIME_REASON, SESSION_ENDED, SESSION_LOGIN_AT
from socialtjanst.identity import synthetic_id_number
from socialtjanst.models import AccessEvent
from socialtjanst.roles import Role
from tests.conftest import login
from tests.factories import CaseFactory, PersonFactory, UserFactory
from tests.placements.factories import PlacementFactory, PricePeriodFactory, care_type

D = datetime.date
MB = 1024 * 1024
pytestmark = pytest.mark.django_db


# --- upload size limit -------------------------------------------------------------------------------

PLACEMENT_CSV = ("placerings_id;personnummer;enhet;vårdform;lagrum;startdatum;månadsbelopp\n"
                 f"P1;{synthetic_id_number(D(2012, 5, 4), 1)};BOU;FH_EGET;SoL;2024-02-10;30000\n")


def padded(content: str, size: int) -> bytes:
    """A valid file made `size` bytes long by rows of empty cells (which an import skips)."""
    data = content.encode()
    blank_rows, rest = divmod(size - len(data), 100)
    return data + (b";" * 99 + b"\n") * blank_rows + b"\n" * rest


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="text/csv")


@pytest.mark.parametrize("size", [MB + 10 * 1024, 3 * MB], ids=["counted-while-streaming", "declared-length"])
def test_a_placement_file_over_the_limit_is_refused_and_nothing_imported(controller, settings, size):
    settings.IMPORT_MAX_BYTES = MB
    response = login(controller).post("/placeringar/import/", {"file": upload("stor.csv", padded(PLACEMENT_CSV, size))})
    assert response.status_code == 200
    assert "Filen är för stor (högst 1 MB)." in response.content.decode()
    assert Placement.objects.count() == 0


def test_the_same_file_under_the_limit_is_imported(controller, settings):
    settings.IMPORT_MAX_BYTES = MB
    file = upload("ok.csv", padded(PLACEMENT_CSV, MB - 1024))
    response = login(controller).post("/placeringar/import/", {"file": file})
    assert "1 placeringar skapade, 0 ändrade, 0 oförändrade." in response.content.decode()
    assert Placement.objects.count() == 1


def test_a_budget_file_over_the_limit_is_refused_and_nothing_imported(controller, settings):
    settings.IMPORT_MAX_BYTES = MB
    content = "år;verksamhet;belopp\n2025;5732;1000000\n"
    response = login(controller).post("/budget/budget/import/", {"file": upload("b.csv", padded(content, 2 * MB))})
    assert response.status_code == 200
    assert "Filen är för stor (högst 1 MB)." in response.content.decode()
    assert Budget.objects.count() == 0


def test_without_configuration_a_file_of_5_mb_is_imported_and_one_byte_more_is_refused(controller):
    # The shipped limit, not a test override: a 15 000-row placement file is about 1,5 MB.
    client = login(controller)
    response = client.post("/placeringar/import/", {"file": upload("5mb.csv", padded(PLACEMENT_CSV, 5 * MB))})
    assert "1 placeringar skapade, 0 ändrade, 0 oförändrade." in response.content.decode()
    response = client.post("/placeringar/import/", {"file": upload("over.csv", padded(PLACEMENT_CSV, 5 * MB + 1))})
    assert "Filen är för stor (högst 5 MB)." in response.content.decode()
    assert Placement.objects.count() == 1


# --- the spreadsheet reader's bounds ----------------------------------------------------------------------


def _xlsx_with_sheet(sheet_xml: bytes) -> bytes:
    """A real workbook whose first sheet is replaced by `sheet_xml`."""
    buf = io.BytesIO()
    Workbook().save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = sheet_xml if info.filename == "xl/worksheets/sheet1.xml" else src.read(info.filename)
            dst.writestr(info.filename, data)
    return out.getvalue()


def _sheet(rows: int, dimension: str) -> bytes:
    body = "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>x</t></is></c></row>' for n in range(1, rows + 1))
    namespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{namespace}"><dimension ref="{dimension}"/>'
            f"<sheetData>{body}</sheetData></worksheet>").encode()


def test_a_sheet_with_more_than_100000_rows_is_refused():
    content = _xlsx_with_sheet(_sheet(100_001, "A1:A100001"))
    with pytest.raises(import_files.ImportFileError) as exc:
        import_files.read_table(content, "stor.xlsx", ["a"], ["a"])
    assert exc.value.errors == ["Filen har fler än 100 000 rader."]


def test_a_csv_of_blank_lines_past_the_row_limit_is_refused():
    content = b"placerings_id;personnummer\n" + b"\n" * 100_000 + b"P1;x\n"
    with pytest.raises(import_files.ImportFileError) as exc:
        import_files.read_table(content, "stor.csv", ["placerings_id"], ["placerings_id"])
    assert exc.value.errors == ["Filen har fler än 100 000 rader."]


def test_a_declared_16384_column_sheet_is_read_as_its_first_100_columns():
    sheet = _sheet(3, "A1:XFD3").replace(b"</row>", b'<c r="XFD1" t="inlineStr"><is><t>far</t></is></c></row>', 1)
    rows = import_files._raw_rows(_xlsx_with_sheet(sheet), "bred.xlsx")
    assert [(n, len(cells), cells[0]) for n, cells in rows] == [(1, 100, "x"), (2, 100, "x"), (3, 100, "x")]


def test_an_xlsx_that_unpacks_past_the_bound_is_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(import_files, "MAX_UNPACKED_BYTES", MB)
    content = _xlsx_with_sheet(_sheet(20_000, "A1:A20000"))  # about 1,2 MB of XML, a zip of a few kB
    with pytest.raises(import_files.ImportFileError) as exc:
        import_files.read_table(content, "bomb.xlsx", ["a"], ["a"])
    assert exc.value.errors == ["Filen är för stor uppackad (högst 1 MB)."]


# --- a placement's prices: optimistic locking --------------------------------------------------------------


@pytest.fixture
def hugo(units):
    return UserFactory(username="hugo", role=Role.HANDLAGGARE, units=[units["own"]])


@pytest.fixture
def placement(units):
    person = CaseFactory(unit=units["own"], person=PersonFactory()).person
    p = PlacementFactory(person=person, unit=units["own"], care_type=care_type("HVB_BOU"), start_on=D(2025, 1, 1))
    PricePeriodFactory(placement=p, daily_price=Decimal("4000.00"))
    return p


def price_version(response) -> int:
    return int(re.search(r'name="price-price_version" value="(\d+)"', response.content.decode()).group(1))


def price_form(version, daily_price):
    return {"price-valid_from": "2025-03-01", "price-daily_price": daily_price, "price-price_version": version}


def prices(placement):
    return list(PricePeriod.objects.filter(placement=placement).order_by("valid_from")
                .values_list("valid_from", "valid_to", "daily_price"))


def test_a_second_users_price_from_the_same_date_gets_the_conflict_message(placement, handlaggare, hugo):
    hanna_client, hugo_client = login(handlaggare), login(hugo)
    url = f"/placeringar/{placement.pk}/"
    hanna_version, hugo_version = price_version(hanna_client.get(url)), price_version(hugo_client.get(url))
    assert hanna_version == hugo_version == 1

    first = hanna_client.post(f"{url}pris/", price_form(hanna_version, "4500,00"))
    assert first.status_code == 302
    second = hugo_client.post(f"{url}pris/", price_form(hugo_version, "9900,00"))
    assert second.status_code == 200
    body = second.content.decode()
    assert services.PRICES_CHANGED in body and "Priset är sparat." not in body

    assert prices(placement) == [(D(2025, 1, 1), D(2025, 3, 1), Decimal("4000.00")),
                                 (D(2025, 3, 1), None, Decimal("4500.00"))]
    placement.refresh_from_db()
    assert placement.price_version == 2
    reloaded = price_version(hugo_client.get(url))
    assert hugo_client.post(f"{url}pris/", price_form(reloaded, "9900,00")).status_code == 302
    assert prices(placement)[-1] == (D(2025, 3, 1), None, Decimal("9900.00"))


def test_the_price_service_refuses_a_stale_version(placement, handlaggare, hugo):
    services.price_period_set(by=handlaggare, placement=placement, valid_from=D(2025, 3, 1),
                              daily_price=Decimal("4500.00"), expected_price_version=1)
    with pytest.raises(ValidationError) as exc:
        services.price_period_set(by=hugo, placement=placement, valid_from=D(2025, 3, 1),
                                  daily_price=Decimal("9900.00"), expected_price_version=1)
    assert exc.value.messages == [services.PRICES_CHANGED]
    assert prices(placement)[-1] == (D(2025, 3, 1), None, Decimal("4500.00"))


# --- the reopen reason ------------------------------------------------------------------------------------


@pytest.fixture
def reopener(controller):
    controller.user_permissions.add(Permission.objects.get(codename="reopen_monthclosing"))
    return type(controller).objects.get(pk=controller.pk)


def test_a_reopen_reason_over_500_characters_is_refused_and_the_month_stays_closed(reopener):
    month = closing.close_month(by=reopener, month=D(2024, 1, 1))
    with pytest.raises(ValidationError) as exc:
        closing.reopen_month(by=reopener, closing_id=month.pk, reason="x" * 501)
    assert exc.value.messages == ["Skälet får vara högst 500 tecken (det har 501)."]
    month.refresh_from_db()
    assert (month.reopened_at, month.reopen_reason) == (None, "")

    response = login(reopener).post(f"/budget/bokslut/{month.pk}/ateroppna/", {"reason": "y" * 10_000}, follow=True)
    assert "Skälet får vara högst 500 tecken (det har 10000)." in response.content.decode()
    assert MonthClosing.objects.get(pk=month.pk).reopened_at is None

    closing.reopen_month(by=reopener, closing_id=month.pk, reason="z" * 500)
    assert MonthClosing.objects.get(pk=month.pk).reopen_reason == "z" * 500


def test_the_database_refuses_a_reopen_reason_over_500_characters(reopener):
    from django.db import IntegrityError, transaction

    month = closing.close_month(by=reopener, month=D(2024, 2, 1))
    with pytest.raises(IntegrityError, match="monthclosing_reopen_reason_length"), transaction.atomic():
        MonthClosing.objects.filter(pk=month.pk).update(
            reopened_by=reopener, reopened_at=datetime.datetime.now(datetime.UTC), reopen_reason="x" * 501)
    assert MonthClosing.objects.get(pk=month.pk).reopened_at is None


# --- sessions and log-ins -----------------------------------------------------------------------------------


def log_in(username="hanna", password="test-losen-123", ip="10.0.0.7"):  # noqa: S107 - the factories' test password
    client = Client(REMOTE_ADDR=ip)
    response = client.post("/logga-in/", {"username": username, "password": password})
    return client, response


def test_a_session_ends_10_hours_after_log_in_however_active(handlaggare, settings):
    assert settings.SESSION_ABSOLUTE_SECONDS == 10 * 3600
    client, response = log_in()
    assert response.status_code == 302
    session = client.session
    session[SESSION_LOGIN_AT] = int(time.time()) - 10 * 3600 + 60  # a minute left
    session.save()
    assert client.get("/").status_code == 200

    session = client.session
    session[SESSION_LOGIN_AT] = int(time.time()) - 10 * 3600 - 1
    session.save()
    response = client.get("/arenden/")
    assert (response.status_code, response["Location"]) == (302, "/logga-in/?next=/arenden/")
    page = client.get(response["Location"])
    assert SESSION_ENDED.format(hours=10) in page.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302
    logout = AccessEvent.objects.get(action="logout")
    assert (logout.username, logout.criteria) == ("hanna", {"reason": LIFETIME_REASON})


def test_log_in_and_log_out_are_in_the_access_log(handlaggare, units):
    client, response = log_in()
    assert response.status_code == 302
    client.post("/logga-ut/")
    rows = list(AccessEvent.objects.order_by("pk").values_list(
        "action", "username", "user_id", "object_type", "object_id", "actor_unit_ids", "client_ip"))
    assert rows == [
        ("login", "hanna", handlaggare.pk, "User", handlaggare.pk, [units["own"].pk], "10.0.0.7"),
        ("logout", "hanna", handlaggare.pk, "User", handlaggare.pk, [units["own"].pk], "10.0.0.7"),
    ]


def test_a_failed_log_in_records_the_user_name_never_the_password(handlaggare, units):
    _, response = log_in(password="hemligt-fel-losen")
    assert response.status_code == 200
    failed = AccessEvent.objects.get()
    assert (failed.action, failed.username, failed.user, failed.object_id, failed.object_unit_ids,
            failed.client_ip) == ("login_fail", "hanna", None, handlaggare.pk, [units["own"].pk], "10.0.0.7")
    stored = " ".join(str(v) for v in AccessEvent.objects.values().get().values())
    assert "hemligt" not in stored and "****" not in stored


def test_a_lock_out_is_one_row_after_the_failed_attempts_and_later_attempts_are_failed_ones(handlaggare, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _, response = log_in(password="fel-losen-igen")
    assert response.status_code == 429
    _, response = log_in()  # the right password, while locked out
    assert response.status_code == 429
    rows = list(AccessEvent.objects.order_by("pk").values_list("action", "username", "criteria"))
    failed = [("login_fail", "hanna", {})] * (settings.AXES_FAILURE_LIMIT - 1)
    assert rows == [*failed, ("lockout", "hanna", {}), ("login_fail", "hanna", {"locked_out": True}),
                    ("login_fail", "hanna", {"locked_out": True})]


def test_the_unit_manager_sees_failed_log_ins_against_the_units_accounts(handlaggare, enhetschef):
    log_in(password="fel-losen-igen")
    log_in(username="finns-inte")
    body = login(enhetschef).get("/atkomstlogg/", {"action": "login_fail"}).content.decode()
    assert "Misslyckad inloggning" in body and "hanna" in body
    assert "finns-inte" not in body
