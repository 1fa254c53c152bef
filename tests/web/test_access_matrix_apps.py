"""Role × unit × URL for the placements and budget apps, as tests/web/test_access_matrix.py does for
socialtjanst's own routes: handläggare and enhetschef work with the placements of their units'
persons (another unit's placement does not exist for them); the controller sees every placement
without names and keeps providers, agreements, prices, budgets, cost centres, month closings,
the forecast and the follow-up; the systemförvaltare sees none of it; anonymous users are sent
to the log-in page."""

import datetime
import io
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver

from budget.models import Budget, CostCentre, MonthClosing
from config import urls
from placements.models import Agreement, AgreementPrice, FosterCarePayment, InvoiceCheck, Placement, PricePeriod
from tests.budget.conftest import ensure_cost_centres
from tests.conftest import login
from tests.factories import CaseFactory, PersonFactory
from tests.placements.factories import PlacementFactory, PricePeriodFactory, ProviderFactory, care_type

ROLES = ["handlaggare", "enhetschef", "controller", "systemforvaltare"]
NAMESPACES = ("placements", "budget")

# (url name, method, path, POST data, expected status "own/other" for handläggare, enhetschef, controller,
# systemförvaltare). A single status means the URL names no unit's object (reference data, budgets).
MATRIX = [
    # --- placements: the case roles' own units; the controller every placement, without names ---
    ("placements:placement_list", "get", "/placeringar/", None, "200 200 200 404"),
    ("placements:placement_export", "get", "/placeringar/export.xlsx", None, "200 200 200 404"),
    ("placements:placement_export_csv", "get", "/placeringar/export.csv", None, "200 200 200 404"),
    ("placements:placement_create", "get", "/placeringar/create/", None, "200 200 404 404"),
    ("placements:placement_import", "get", "/placeringar/import/", None, "404 404 200 404"),
    ("placements:placement_detail", "get", "/placeringar/{placement}/", None, "200/404 200/404 200/200 404/404"),
    ("placements:placement_move", "get", "/placeringar/{placement}/flytta/", None,
     "200/404 200/404 404/404 404/404"),
    ("placements:placement_end", "get", "/placeringar/{placement}/avsluta/", None,
     "200/404 200/404 404/404 404/404"),
    ("placements:placement_end", "post", "/placeringar/{placement}/avsluta/",
     {"end-end_on": "2025-06-30", "end-end_reason": "enligt_plan", "end-removal_ban_considered_on": "2025-06-30",
      "end-removal_ban_outcome": "ej_skal", "end-removal_ban_motivation": "Flyttar hem enligt plan."},
     "302/404 302/404 404/404 404/404"),
    ("placements:price_period_create", "get", "/placeringar/{placement}/pris/", None,
     "200/404 200/404 404/404 404/404"),
    ("placements:payment_create", "get", "/placeringar/{placement}/ersattningar/", None,
     "200/404 200/404 404/404 404/404"),
    ("placements:payment_delete", "post", "/placeringar/{placement}/ersattningar/{payment}/delete/", {},
     "302/404 302/404 404/404 404/404"),
    ("placements:terms_set", "get", "/placeringar/{placement}/villkor/", None,
     "200/404 200/404 404/404 404/404"),
    # Följa vården (issue 16): the forms for whoever may change the placement; the list for all three, the
    # controller's with counts only.
    ("placements:care_review_create", "get", "/placeringar/{placement}/overvagande/", None,
     "200/404 200/404 404/404 404/404"),
    ("placements:child_contact_create", "get", "/placeringar/{placement}/kontakt/", None,
     "200/404 200/404 404/404 404/404"),
    ("placements:followup_list", "get", "/placeringar/folja-varden/", None, "200 200 200 404"),
    # Vårdplan, genomförandeplan and the notification checklist (issue 16 points 2 and 6): the forms for whoever
    # may change the placement; the control list for all three, the controller's with counts only.
    ("placements:care_plan_record", "get", "/placeringar/{placement}/planer/", None,
     "200/404 200/404 404/404 404/404"),
    ("placements:notification_record", "get", "/placeringar/{placement}/underrattelser/", None,
     "200/404 200/404 404/404 404/404"),
    ("placements:notification_record", "post", "/placeringar/{placement}/underrattelser/", {"item": "1"},
     "404/404 404/404 404/404 404/404"),
    ("placements:plan_control_list", "get", "/placeringar/planer-och-underrattelser/", None, "200 200 200 404"),
    # Lex lilla hjärtat (issue 16 point 4): the forms for whoever may change the placement.
    ("placements:custody_consideration_create", "get", "/placeringar/{placement}/vardnadsoverflyttning/", None,
     "200/404 200/404 404/404 404/404"),
    ("placements:lvu_followup_finish", "get", "/placeringar/{placement}/uppfoljning-lvu/", None,
     "200/404 200/404 404/404 404/404"),
    # Stabilitet i vården (issue 16 point 5): the follow-up roles; the drill-down is the enhetschef's.
    ("placements:stability_report", "get", "/placeringar/stabilitet/", None, "404 200 200 404"),
    ("placements:stability_placements", "get", "/placeringar/stabilitet/placeringar/", None, "404 200 404 404"),
    # --- the controller's reference data; the case roles may look it up ---
    ("placements:provider_list", "get", "/placeringar/utforare/", None, "200 200 200 404"),
    ("placements:provider_create", "get", "/placeringar/utforare/create/", None, "404 404 200 404"),
    ("placements:provider_update", "get", "/placeringar/utforare/{provider}/update/", None, "200 200 200 404"),
    ("placements:agreement_list", "get", "/placeringar/avtal/", None, "200 200 200 404"),
    ("placements:agreement_create", "get", "/placeringar/avtal/create/", None, "404 404 200 404"),
    ("placements:agreement_detail", "get", "/placeringar/avtal/{agreement}/", None, "200 200 200 404"),
    ("placements:agreement_update", "get", "/placeringar/avtal/{agreement}/update/", None, "404 404 200 404"),
    ("placements:agreementprice_create", "get", "/placeringar/avtal/{agreement}/priser/create/", None,
     "404 404 200 404"),
    ("placements:agreementprice_list", "get", "/placeringar/avtalspriser/", None, "200 200 200 404"),
    ("placements:agreementprice_update", "get", "/placeringar/avtalspriser/{price}/update/", None,
     "404 404 200 404"),
    # --- fakturakontroll: the controller's; placements in its rows follow the placement rules above ---
    ("placements:invoicecheck_list", "get", "/placeringar/fakturakontroll/", None, "404 404 200 404"),
    ("placements:invoicecheck_create", "get", "/placeringar/fakturakontroll/create/", None, "404 404 200 404"),
    ("placements:invoicecheck_detail", "get", "/placeringar/fakturakontroll/{invoicecheck}/", None,
     "404 404 200 404"),
    ("placements:invoicecheck_update", "post", "/placeringar/fakturakontroll/{invoicecheck}/update/", {},
     "404 404 302 404"),
    ("placements:invoiceline_create", "post", "/placeringar/fakturakontroll/{invoicecheck}/rader/create/", {},
     "404 404 200 404"),
    ("placements:invoicecheck_export", "get", "/placeringar/fakturakontroll/{invoicecheck}/export.xlsx", None,
     "404 404 200 404"),
    # --- budget: the controller's alone (the facts have no unit dimension) ---
    ("budget:closing_list", "get", "/budget/bokslut/", None, "404 404 200 404"),
    ("budget:closing_close", "post", "/budget/bokslut/stang/", {"month": ""}, "404 404 302 404"),
    # Reopening a closed month is granted per user, never by a role.
    ("budget:closing_reopen", "post", "/budget/bokslut/{closing}/ateroppna/", {"reason": "Rättelse"},
     "404 404 404 404"),
    ("budget:forecast", "get", "/budget/prognos/", None, "404 404 200 404"),
    ("budget:forecast_adjust", "post", "/budget/prognos/justering/", {}, "404 404 302 404"),
    ("budget:budget_list", "get", "/budget/budget/", None, "404 404 200 404"),
    ("budget:budget_export", "get", "/budget/budget/export/", None, "404 404 200 404"),
    ("budget:budget_import", "get", "/budget/budget/import/", None, "404 404 200 404"),
    ("budget:budget_create", "get", "/budget/budget/create/", None, "404 404 200 404"),
    ("budget:budget_update", "get", "/budget/budget/{budget}/update/", None, "404 404 200 404"),
    ("budget:costcentre_list", "get", "/budget/verksamheter/", None, "404 404 200 404"),
    ("budget:costcentre_create", "get", "/budget/verksamheter/create/", None, "404 404 200 404"),
    ("budget:costcentre_update", "get", "/budget/verksamheter/{costcentre}/update/", None, "404 404 200 404"),
    ("budget:costcentre_mapping", "get", "/budget/verksamheter/koppling/", None, "404 404 200 404"),
    ("budget:followup", "get", "/budget/uppfoljning/", None, "404 404 200 404"),
    # --- the general ledger (issue 17): the controller's, like the budgets ---
    ("budget:ledger_import", "get", "/budget/huvudbok/", None, "404 404 200 404"),
    ("budget:ledger_settings", "post", "/budget/huvudbok/installningar/", {}, "404 404 302 404"),
    ("budget:ledger_accounts", "get", "/budget/huvudbok/konton/", None, "404 404 200 404"),
    ("budget:ledger_reconciliation", "get", "/budget/huvudbok/avstamning/?month=2025-02", None, "404 404 200 404"),
    ("budget:ledger_accrual", "post", "/budget/huvudbok/avstamning/periodisering/", {"month": "2025-02"},
     "404 404 302 404"),
    ("budget:ledger_accrual_export", "get", "/budget/huvudbok/avstamning/export.csv?month=2025-02", None,
     "404 404 200 404"),
    ("budget:ledger_tertial", "get", "/budget/huvudbok/tertialpaket/export.xlsx?year=2025", None, "404 404 200 404"),
    ("budget:ledger_tertial_format", "get", "/budget/huvudbok/tertialpaket/export.pdf?year=2025", None,
     "404 404 200 404"),
]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The matrix creates users in every one of its many cases: a cheap hash keeps it quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(units, controller):
    """A familjehem placement (with a price and a payment) of a person with a case in the own unit,
    and one in the other unit; one provider, agreement, price, invoice check, budget and closed month."""
    ensure_cost_centres()
    provider = ProviderFactory(name="Solgläntans HVB AB")
    agreement = Agreement.objects.create(provider=provider, kind="individavtal", reference="IA-1",
                                         valid_from=datetime.date(2025, 1, 1))
    price = AgreementPrice.objects.create(agreement=agreement, care_type=care_type("HVB_BOU"),
                                          valid_from=datetime.date(2025, 1, 1), daily_price=Decimal("4600"))
    centre = CostCentre.objects.order_by("pk").first()
    budget = Budget.objects.create(year=2025, cost_centre=centre, amount=Decimal("1000000"))
    closing = MonthClosing.objects.create(month=datetime.date(2025, 1, 1), closed_by=controller)
    check = InvoiceCheck.objects.create(provider=provider, month=datetime.date(2025, 2, 1), invoice_reference="F-1",
                                        created_by=controller)
    shared = {"provider": provider.pk, "agreement": agreement.pk, "price": price.pk, "budget": budget.pk,
              "costcentre": centre.pk, "closing": closing.pk, "invoicecheck": check.pk}
    sides = {}
    for side, first, last in [("own", "Egon", "Placerad"), ("other", "Ottilia", "Främlingsdotter")]:
        person = PersonFactory(first_name=first, last_name=last)
        CaseFactory(person=person, unit=units[side], opened_on=datetime.date(2025, 1, 10))
        placement = PlacementFactory(person=person, unit=units[side], care_type=care_type("FH_EGET"),
                                     start_on=datetime.date(2025, 1, 15))
        PricePeriodFactory(placement=placement, monthly_amount=Decimal("30000"))
        payment = FosterCarePayment.objects.create(placement=placement, month=datetime.date(2025, 2, 1),
                                                   kind="extra", amount=Decimal("1500"))
        sides[side] = SimpleNamespace(person=person, placement=placement,
                                      ids={**shared, "placement": placement.pk, "payment": payment.pk})
    return SimpleNamespace(**sides)


def secrets(side):
    """What must never reach a user outside the side's unit."""
    p = side.person
    return [p.first_name, p.last_name, p.id_number, p.id_number.replace("-", ""),
            f"/placeringar/{side.placement.pk}/"]


def state():
    """Every placement row a POST could change."""
    return (
        list(Placement.objects.order_by("pk").values_list("pk", "unit_id", "care_type_id", "end_on", "end_reason")),
        list(PricePeriod.objects.order_by("pk").values_list("pk", "valid_from", "valid_to", "monthly_amount")),
        list(FosterCarePayment.objects.order_by("pk").values_list("pk", "amount")),
        list(MonthClosing.objects.order_by("pk").values_list("pk", "reopened_at")),
    )


def _request(client, method, path, data):
    return client.post(path, data) if method == "post" else client.get(path)


def route_names(patterns, namespace, prefix=""):
    """Every named route under `patterns`, nested includes without a namespace of their own included."""
    names = set()
    for p in patterns:
        if isinstance(p, URLPattern):
            names.add(f"{namespace}:{p.name}")
        elif isinstance(p, URLResolver) and not p.namespace:
            names |= route_names(p.url_patterns, namespace)
    return names


def test_the_matrix_covers_every_url():
    """Every route of placements/urls.py and budget/urls*.py: a new route fails here until it has a row."""
    names = set()
    for p in urls.urlpatterns:
        if isinstance(p, URLResolver) and p.namespace in NAMESPACES:
            names |= route_names(p.url_patterns, p.namespace)
    assert {n.partition(":")[0] for n in names} == set(NAMESPACES)
    assert names == {row[0] for row in MATRIX}


@pytest.mark.django_db
@pytest.mark.parametrize("role_index,role", list(enumerate(ROLES)))
@pytest.mark.parametrize("name,method,path,data,expected", MATRIX, ids=[f"{r[1]}:{r[2]}" for r in MATRIX])
def test_status_for_own_and_other_units_object(request, world, role_index, role, name, method, path, data, expected):
    client = login(request.getfixturevalue(role))
    own_status, _, other_status = expected.split()[role_index].partition("/")
    if not other_status:
        assert _request(client, method, path.format(**world.own.ids), data).status_code == int(own_status)
        return
    before = state()
    response = _request(client, method, path.format(**world.other.ids), data)
    assert response.status_code == int(other_status)
    if response.status_code == 404:
        assert state() == before
        body = response.content.decode()
        assert not [s for s in secrets(world.other) if s in body]

    response = _request(client, method, path.format(**world.own.ids), data)
    assert response.status_code == int(own_status)
    if response.status_code == 404:
        assert state() == before


@pytest.mark.django_db
@pytest.mark.parametrize("name,method,path,data,expected", MATRIX, ids=[f"{r[1]}:{r[2]}" for r in MATRIX])
def test_anonymous_is_sent_to_log_in_for_every_url(world, name, method, path, data, expected):
    before = state()
    response = _request(Client(), method, path.format(**world.own.ids), data)
    assert response.status_code == 302
    assert response["Location"].startswith("/logga-in/?next=")
    assert state() == before


def download_text(response) -> str:
    """A page as text; an XLSX download as its cells' text."""
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row
                         if c is not None)
    return response.content.decode("utf-8-sig")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["handlaggare", "enhetschef", "controller"])
@pytest.mark.parametrize("url", ["/placeringar/", "/placeringar/?month=2025-02", "/placeringar/export.xlsx",
                                 "/placeringar/export.xlsx?month=2025-02", "/placeringar/{placement}/",
                                 "/budget/uppfoljning/?year=2025"])
def test_placements_show_no_person_outside_the_unit(request, world, role, url):
    """The case roles see only their own units' placements; the controller sees every placement, never a name."""
    response = login(request.getfixturevalue(role)).get(url.format(**world.own.ids))
    if response.status_code == 404:  # the follow-up is the controller's alone
        assert role != "controller" and url.startswith("/budget/")
        return
    text = download_text(response)
    # The controller reaches every placement (links included), but no name or personnummer.
    hidden = secrets(world.own)[:-1] + secrets(world.other)[:-1] if role == "controller" else secrets(world.other)
    assert not [s for s in hidden if s in text]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["handlaggare", "enhetschef"])
def test_a_placement_of_a_person_with_a_case_in_the_own_unit_is_visible_in_any_unit(request, world, units, role):
    """The placement follows the person: a client of the own unit placed by another unit is still theirs."""
    placement = PlacementFactory(person=world.own.person, unit=units["other"], care_type=care_type("KONTAKTFAMILJ"),
                                 start_on=datetime.date(2025, 3, 1))
    assert login(request.getfixturevalue(role)).get(f"/placeringar/{placement.pk}/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["handlaggare", "enhetschef"])
def test_a_placement_whose_person_has_no_case_in_the_own_units_is_not_found(request, world, units, role):
    """Registered in the own unit, but the person has no case there: the person is not theirs, so neither is
    the placement."""
    stranger = world.other.person
    placement = PlacementFactory(person=stranger, unit=units["own"], care_type=care_type("KONTAKTFAMILJ"),
                                 start_on=datetime.date(2025, 3, 1))
    client = login(request.getfixturevalue(role))
    assert client.get(f"/personer/{stranger.pk}/").status_code == 404
    names = secrets(world.other)[:-1]
    shown = {url: [s for s in names if s in download_text(client.get(url))]
             for url in ["/placeringar/?month=2025-03", "/placeringar/export.xlsx?month=2025-03"]}
    assert shown == {url: [] for url in shown}
    assert client.get(f"/placeringar/{placement.pk}/").status_code == 404
