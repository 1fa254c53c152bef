"""Links into placements from the rest of the app, and the admin registration."""

import pytest
from django.test import Client
from django.urls import reverse

from placements.models import CareType, FosterCareRate
from tests.conftest import login
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_nav_links_by_role(handlaggare, enhetschef, controller, systemforvaltare):
    placements, contracts = reverse("placements:placement_list"), reverse("placements:provider_list")
    for user, sees_placements, sees_contracts in [(handlaggare, True, False), (enhetschef, True, False),
                                                  (controller, True, True), (systemforvaltare, False, False)]:
        page = login(user).get(reverse("home")).content.decode()
        nav = page.split("<nav>")[1].split("</nav>")[0]
        assert (f'href="{placements}">Placeringar</a>' in nav) is sees_placements, user
        assert (f'href="{contracts}">Utförare och avtal</a>' in nav) is sees_contracts, user


def test_person_page_links_to_registering_a_placement_for_that_person(handlaggare, units):
    person = CaseFactory(unit=units["own"]).person
    page = login(handlaggare).get(reverse("socialtjanst:person_detail", args=[person.pk])).content.decode()
    assert f'href="{reverse("placements:placement_create")}?person={person.pk}">Registrera placering</a>' in page


def test_create_page_prefills_the_person_from_the_query(handlaggare, units):
    person = CaseFactory(unit=units["own"]).person
    response = login(handlaggare).get(reverse("placements:placement_create"), {"person": person.pk})
    assert f'value="{person.id_number}"' in response.content.decode()


def test_create_page_ignores_a_person_the_user_cannot_see(handlaggare, units):
    stranger = CaseFactory(unit=units["other"]).person
    response = login(handlaggare).get(reverse("placements:placement_create"), {"person": stranger.pk})
    assert stranger.id_number not in response.content.decode()


def test_admin_edits_care_types_and_adds_but_never_changes_levels(units):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = login(admin)
    care_type = CareType.objects.get(code="FH_EGET")
    assert client.get(reverse("admin:placements_caretype_change", args=[care_type.pk])).status_code == 200
    response = client.post(reverse("admin:placements_caretype_change", args=[care_type.pk]), {
        "code": "FH_EGET", "name": "Familjehem, eget (arvoderat)", "regime": "egen", "target_group": "barn_unga",
        "is_24h": "on", "pricing_unit": "manad", "activity_code": "5732", "active": "on",
    })
    assert response.status_code == 302
    care_type.refresh_from_db()
    assert care_type.name == "Familjehem, eget (arvoderat)"
    assert client.get(reverse("admin:placements_fostercarerate_add")).status_code == 200
    rate = FosterCareRate.objects.first()
    response = client.post(reverse("admin:placements_fostercarerate_change", args=[rate.pk]),
                           {"valid_from": "2024-01-01", "age_band": "0-12", "fee": "1", "expenses": "1"})
    rate_after = FosterCareRate.objects.get(pk=rate.pk)
    assert (rate_after.fee, rate_after.expenses) == (rate.fee, rate.expenses)
    assert client.get(reverse("admin:placements_provider_changelist")).status_code == 200
    assert client.get(reverse("admin:placements_provider_add")).status_code == 403


def test_every_placements_url_needs_a_login_and_is_not_found_for_a_systemforvaltare(handlaggare, controller, units,
                                                                                   systemforvaltare):
    """The access matrix for placements/urls.py: anonymous → log in; systemförvaltare (no placement
    permissions) → 404 on every page, with real objects behind every id."""
    import datetime
    from decimal import Decimal

    from django.urls import URLPattern

    from placements import services, urls
    from placements.invoices import invoice_check_create
    from tests.placements.factories import care_type

    child = CaseFactory(unit=units["own"]).person
    placement = services.placement_create(by=handlaggare, person=child, care_type=care_type("FH_EGET"),
                                          unit=units["own"], legal_basis="SoL", start_on=datetime.date(2024, 2, 1),
                                          monthly_amount=Decimal("30000"))
    payment = services.foster_care_payment_register(by=handlaggare, placement=placement,
                                                    month=datetime.date(2024, 2, 1), kind="extra",
                                                    amount=Decimal("100"))
    provider = services.provider_create(by=controller, name="A AB", org_number="556677-8899")
    agreement = services.agreement_create(by=controller, provider=provider, kind="ramavtal", reference="R",
                                          valid_from=datetime.date(2024, 1, 1))
    price = services.agreement_price_create(by=controller, agreement=agreement, care_type=care_type("HVB_BOU"),
                                            valid_from=datetime.date(2024, 1, 1), daily_price=Decimal("4600"))
    check = invoice_check_create(by=controller, provider=provider, month=datetime.date(2024, 2, 1),
                                 invoice_reference="F-1")
    ids = {"placement": placement.pk, "payment_pk": payment.pk, "provider": provider.pk,
           "agreement": agreement.pk, "agreementprice": price.pk, "invoice": check.pk}

    def kwargs_for(pattern):
        route = str(pattern.pattern)
        if "<int:pk>" not in route:
            return {}
        key = next((k for k in ("provider", "agreementprice", "agreement", "invoice") if pattern.name.startswith(k)),
                   "placement")
        out = {"pk": ids[key]}
        if "payment_pk" in route:
            out["payment_pk"] = ids["payment_pk"]
        if "notification_pk" in route:  # any id: the answer is the login page or 404 before it is looked up
            out["notification_pk"] = 1
        return out

    anonymous, admin_user = Client(), login(systemforvaltare)
    patterns = [p for p in urls.urlpatterns if isinstance(p, URLPattern)]
    # With Följa vården's two forms and control list, the plans' and notifications' three routes, and Lex lilla
    # hjärtat's two forms and the stability report with its drill-down (issue 16).
    assert len(patterns) == 38
    for pattern in patterns:
        url = reverse(f"placements:{pattern.name}", kwargs=kwargs_for(pattern))
        method = "post" if pattern.name in {"payment_delete", "invoicecheck_update", "invoiceline_create"} else "get"
        response = getattr(anonymous, method)(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url
        assert getattr(admin_user, method)(url).status_code == 404, url
