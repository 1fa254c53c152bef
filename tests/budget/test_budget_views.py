"""The controller's budget screens over HTTP: upload, list and export, edit with optimistic locking and the
monthly profile, cost centres and the dated mapping; everyone else gets 404."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from budget import planning
from budget.models import Budget, BudgetMonthShare, CostCentre, CostCentreMapping, DirtyMonth
from socialtjanst.roles import Role
from tests.conftest import login
from tests.factories import UserFactory
from tests.placements.factories import care_type

pytestmark = pytest.mark.django_db
D = datetime.date


def _budget(code="5731", year=2024, amount="12000000", volume="10", unit="årsplacering", care=None):
    return Budget.objects.create(year=year, cost_centre=CostCentre.objects.get(code=code), care_type=care,
                                 amount=Decimal(amount), volume=Decimal(volume) if volume else None,
                                 volume_unit=unit if volume else "")


def _form(budget, version=None, **changes):
    data = {"amount": "12 000 000", "volume": "10", "volume_unit": "årsplacering",
            "version": budget.version if version is None else version}
    data.update({f"month_{m}": "" for m in range(1, 13)})
    data.update(changes)
    return data


def _version(response):
    return int(re.search(r'name="version" value="(\d+)"', response.content.decode()).group(1))


# --- import ---------------------------------------------------------------------


def test_the_upload_page_shows_the_errors_and_imports_nothing(controller):
    client = login(controller)
    content = "år;verksamhet;belopp;volym;volymenhet\n2024;5731;1 000 000;5;årsplacering\n2024;571;-3;;\n"
    response = client.post("/budget/budget/import/",
                           {"file": SimpleUploadedFile("budget.csv", content.encode())})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Inget importerades" in body
    assert "Rad 3, kolumn &#x27;belopp&#x27;: beloppet får inte vara negativt." in body
    assert not Budget.objects.exists()


def test_the_upload_page_imports_a_valid_file(controller):
    client = login(controller)
    content = "\ufeffår;verksamhet;belopp;volym;volymenhet\n2024;5731;1 000 000,50;5;årsplacering\n"
    response = client.post("/budget/budget/import/",
                           {"file": SimpleUploadedFile("budget.csv", content.encode())})
    assert "1 budgetrader skapade, 0 ändrade, 0 oförändrade." in response.content.decode()
    budget = Budget.objects.get()
    assert (budget.amount, budget.updated_by) == (Decimal("1000000.50"), controller)


# --- list and export ------------------------------------------------------------


def test_the_list_shows_amounts_prices_and_totals(controller):
    _budget()  # 12 000 000 kr for 10 årsplaceringar in 2024 (366 days): 3 279 kr per dygn
    _budget(code="5731", care=care_type("HVB_BOU"), amount="4600000", volume="1000", unit="dygn")
    _budget(code="571", amount="500000", volume=None)
    _budget(year=2023, code="572", amount="1")
    response = login(controller).get("/budget/budget/?year=2024")
    assert response.status_code == 200
    body = response.content.decode().replace("\xa0", " ")
    assert "<h1>Budget 2024</h1>" in body and '<option value="2024" selected>2024</option>' in body
    assert "12 000 000 kr" in body
    assert "10,0 årsplaceringar" in body
    assert "3 279 kr" in body  # 12 000 000 ÷ 10 ÷ 366
    assert "4 600 kr" in body  # 4 600 000 ÷ 1 000 dygn
    assert "17 100 000 kr" in body  # totals row
    assert "1 000,0 dygn; 10,0 årsplaceringar" in body
    assert "572" not in re.sub(r"<select.*?</select>", "", body, flags=re.S)  # another year


def test_price_per_day_rule():
    placement_years = Budget(year=2023, amount=Decimal("3650000"), volume=Decimal(10), volume_unit="årsplacering")
    assert planning.budget_price_per_day(placement_years) == Decimal(1000)
    days = Budget(year=2023, amount=Decimal("300000"), volume=Decimal(100), volume_unit="dygn")
    assert planning.budget_price_per_day(days) == Decimal(3000)
    households = Budget(year=2023, amount=Decimal("300000"), volume=Decimal(100), volume_unit="hushåll")
    assert planning.budget_price_per_day(households) is None


def test_the_excel_export_has_numbers_as_numbers(controller):
    _budget()
    response = login(controller).get("/budget/budget/export/?year=2024")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:6] == ("År", "Verksamhet", "Verksamhetens namn", "Vårdform", "Vårdformens namn", "Belopp (kr)")
    assert rows[1][0] == 2024 and rows[1][1] == "5731"
    assert rows[1][5] == 12000000 and rows[1][6] == 10 and rows[1][7] == "Årsplaceringar"
    assert rows[1][8] == pytest.approx(3278.69)


# --- create and edit ------------------------------------------------------------


def test_create_budget(controller):
    centre = CostCentre.objects.get(code="572")
    data = {"year": "2025", "cost_centre": centre.pk, "care_type": "", "amount": "2 500 000,00", "volume": "",
            "volume_unit": "", **{f"month_{m}": "" for m in range(1, 13)}}
    response = login(controller).post("/budget/budget/create/", data)
    assert response.status_code == 302 and response["Location"] == "/budget/budget/?year=2025"
    budget = Budget.objects.get(year=2025, cost_centre=centre)
    assert (budget.amount, budget.volume, budget.updated_by) == (Decimal("2500000"), None, controller)
    again = login(controller).post("/budget/budget/create/", data)
    assert "Det finns redan en budget för 2025, verksamhet 572 och hela verksamheten." in again.content.decode()


def test_a_stale_version_gets_the_message_and_saves_nothing(controller):
    budget = _budget()
    colleague = UserFactory(username="cilla", role=Role.CONTROLLER)
    mine, theirs = login(controller), login(colleague)
    url = f"/budget/budget/{budget.pk}/update/"
    my_version, their_version = _version(mine.get(url)), _version(theirs.get(url))
    assert my_version == their_version == 1

    first = theirs.post(url, _form(budget, their_version, amount="13 000 000"))
    assert first.status_code == 302
    second = mine.post(url, _form(budget, my_version, amount="11 000 000", month_1="100",
                                  **{f"month_{m}": "0" for m in range(2, 13)}))
    assert second.status_code == 200
    assert planning.STALE_VERSION in second.content.decode()
    budget.refresh_from_db()
    assert (budget.amount, budget.version, budget.updated_by) == (Decimal("13000000"), 2, colleague)
    assert not BudgetMonthShare.objects.exists()


def test_saving_an_unchanged_form_does_not_raise_the_version(controller):
    budget = _budget()
    response = login(controller).post(f"/budget/budget/{budget.pk}/update/", _form(budget))
    assert response.status_code == 302
    budget.refresh_from_db()
    assert budget.version == 1


def test_the_monthly_profile_must_sum_to_100_per_cent(controller):
    budget = _budget()
    client = login(controller)
    url = f"/budget/budget/{budget.pk}/update/"
    shares = {f"month_{m}": "8" for m in range(1, 13)}  # 96 %
    response = client.post(url, _form(budget, **shares))
    assert response.status_code == 200
    assert planning.PROFILE_SUM.format(total="96") in response.content.decode()
    assert not BudgetMonthShare.objects.exists()

    partial = client.post(url, _form(budget, month_1="100"))
    assert planning.PROFILE_INCOMPLETE in partial.content.decode()

    shares = {f"month_{m}": "8,5" for m in range(1, 12)} | {"month_12": "6,5"}  # 93,5 + 6,5
    response = client.post(url, _form(budget, **shares))
    assert response.status_code == 302
    profile = dict(BudgetMonthShare.objects.filter(budget=budget).values_list("month", "share"))
    assert profile == {**{m: Decimal("0.085") for m in range(1, 12)}, 12: Decimal("0.065")}
    budget.refresh_from_db()
    assert budget.version == 2

    # emptying all twelve goes back to spreading by days
    response = client.post(url, _form(budget))
    assert response.status_code == 302
    assert not BudgetMonthShare.objects.exists()


# --- cost centres and mapping ---------------------------------------------------


def test_cost_centre_create_and_edit_keeps_the_code(controller):
    client = login(controller)
    response = client.post("/budget/verksamheter/create/",
                           {"code": "5739", "name": "Råd och stöd", "activity_code": "5739", "active": "on"})
    assert response.status_code == 302
    centre = CostCentre.objects.get(code="5739")
    duplicate = client.post("/budget/verksamheter/create/", {"code": "5739", "name": "Igen", "activity_code": ""})
    assert planning.COST_CENTRE_EXISTS.format(code="5739") in duplicate.content.decode()

    response = client.post(f"/budget/verksamheter/{centre.pk}/update/",
                           {"code": "ANNAN", "name": "Råd och stöd barn", "activity_code": "5739"})
    assert response.status_code == 302
    centre.refresh_from_db()
    assert (centre.code, centre.name, centre.active) == ("5739", "Råd och stöd barn", False)
    assert "5739" in client.get("/budget/verksamheter/").content.decode()


def test_remap_creates_a_new_dated_row_and_leaves_the_old_one(controller):
    hvb = care_type("HVB_BOU")
    old = CostCentreMapping.objects.get(care_type=hvb)
    old_values = (old.cost_centre_id, old.valid_from)
    target = CostCentre.objects.get(code="5733")
    client = login(controller)
    DirtyMonth.objects.all().delete()

    response = client.post("/budget/verksamheter/koppling/",
                           {"care_type": hvb.pk, "cost_centre": target.pk, "valid_from": "2024-09"})
    assert response.status_code == 302
    rows = list(CostCentreMapping.objects.filter(care_type=hvb).order_by("valid_from")
                .values_list("cost_centre__code", "valid_from"))
    assert rows == [("5731", D(2000, 1, 1)), ("5733", D(2024, 9, 1))]
    old.refresh_from_db()
    assert (old.cost_centre_id, old.valid_from) == old_values
    assert DirtyMonth.objects.filter(month=D(2024, 9, 1)).exists()  # the trigger marks the months

    page = client.get("/budget/verksamheter/koppling/").content.decode()
    assert "från 2024-09-01" in page and "från 2000-01-01" in page

    same_month = client.post("/budget/verksamheter/koppling/",
                             {"care_type": hvb.pk, "cost_centre": old.cost_centre_id, "valid_from": "2024-09"})
    assert planning.MAPPING_EXISTS.format(date="2024-09-01") in same_month.content.decode()
    unchanged = client.post("/budget/verksamheter/koppling/",
                            {"care_type": hvb.pk, "cost_centre": target.pk, "valid_from": "2025-01"})
    assert "Vårdformen hör redan till 5733" in unchanged.content.decode()
    assert CostCentreMapping.objects.filter(care_type=hvb).count() == 2


def test_no_remap_from_a_closed_month(controller):
    from budget.models import MonthClosing

    MonthClosing.objects.create(month=D(2024, 8, 1), closed_by=controller)
    hvb = care_type("HVB_BOU")
    with pytest.raises(Exception, match="Månaden 2024-08 är stängd"):
        planning.cost_centre_remap(by=controller, care_type=hvb, cost_centre=CostCentre.objects.get(code="5733"),
                                   valid_from=D(2024, 8, 1))
    mapping = planning.cost_centre_remap(by=controller, care_type=hvb,
                                         cost_centre=CostCentre.objects.get(code="5733"), valid_from=D(2024, 9, 1))
    assert mapping.valid_from == D(2024, 9, 1)


# --- access ---------------------------------------------------------------------


def _pages():
    budget = _budget()
    centre = CostCentre.objects.get(code="5731")
    return [
        ("get", "/budget/budget/?year=2024", None),
        ("get", "/budget/budget/export/?year=2024", None),
        ("get", "/budget/budget/import/", None),
        ("post", "/budget/budget/import/", {"file": SimpleUploadedFile("b.csv", b"\xc3\xa5r;verksamhet;belopp\n")}),
        ("get", "/budget/budget/create/", None),
        ("post", "/budget/budget/create/", {"year": "2024"}),
        ("get", f"/budget/budget/{budget.pk}/update/", None),
        ("post", f"/budget/budget/{budget.pk}/update/", _form(budget, amount="1")),
        ("get", "/budget/verksamheter/", None),
        ("get", "/budget/verksamheter/create/", None),
        ("post", "/budget/verksamheter/create/", {"code": "X", "name": "X"}),
        ("get", f"/budget/verksamheter/{centre.pk}/update/", None),
        ("post", f"/budget/verksamheter/{centre.pk}/update/", {"name": "X"}),
        ("get", "/budget/verksamheter/koppling/", None),
        ("post", "/budget/verksamheter/koppling/", {"care_type": care_type("HVB_BOU").pk, "cost_centre": centre.pk,
                                                    "valid_from": "2030-01"}),
    ]


@pytest.mark.parametrize("role", ["handlaggare", "enhetschef", "systemforvaltare"])
def test_everyone_but_the_controller_gets_404_on_every_budget_page(request, role):
    user = request.getfixturevalue(role)
    client = login(user)
    for method, url, data in _pages():
        response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
        assert response.status_code == 404, (method, url)
    assert Budget.objects.count() == 1 and Budget.objects.get().amount == Decimal("12000000")
    assert not CostCentre.objects.filter(code="X").exists()
    assert CostCentreMapping.objects.filter(valid_from=D(2030, 1, 1)).count() == 0


def test_the_controller_reaches_every_budget_page(controller):
    client = login(controller)
    for method, url, _ in _pages():
        if method == "get":
            assert client.get(url).status_code == 200, url
    assert 'href="/budget/budget/"' in client.get("/budget/verksamheter/").content.decode()


def test_the_list_page_query_count_does_not_grow_with_rows(controller):
    client = login(controller)
    client.get("/budget/budget/?year=2024")  # session, roles
    for code in ("5731", "5732"):
        _budget(code=code)

    ctx_queries = []

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/budget/budget/?year=2024").status_code == 200
        ctx_queries[:] = ctx.captured_queries
        return len(ctx.captured_queries)

    few = count()
    for code in ("5733", "571", "572"):
        _budget(code=code)
        BudgetMonthShare.objects.bulk_create([BudgetMonthShare(budget=Budget.objects.get(cost_centre__code=code),
                                                               month=m, share=Decimal(1) / 12 if m < 12 else 0)
                                              for m in range(1, 13)])
    assert count() == few
    budget_queries = [q["sql"] for q in ctx_queries if '"budget_' in q["sql"]]
    assert len(budget_queries) == 3  # the years, the budgets with cost centre and care type, the profiles
