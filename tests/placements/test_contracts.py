"""The controller's providers, agreements and price lists: services and screens."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from placements import services
from placements.models import Agreement, AgreementPrice, Provider
from placements.models.catalogue import INVALID_ORG_NUMBER
from socialtjanst.models import AccessEvent
from tests.conftest import login
from tests.placements.factories import ProviderFactory, care_type

D = datetime.date
pytestmark = pytest.mark.django_db


def test_controller_creates_a_provider_with_a_valid_org_number(controller):
    provider = services.provider_create(by=controller, name="Björkens HVB AB", org_number="5566778899",
                                        ivo_permit="IVO 3.5.1-1234/2024")
    assert provider.org_number == "556677-8899"
    assert AccessEvent.objects.filter(object_type="Provider", object_id=provider.pk, action="create").count() == 1


def test_a_wrong_check_digit_is_refused_in_swedish(controller):
    with pytest.raises(ValidationError) as err:
        services.provider_create(by=controller, name="Fel AB", org_number="556677-8898")
    assert err.value.messages == [INVALID_ORG_NUMBER]
    assert Provider.objects.count() == 0


def test_a_duplicate_org_number_gets_a_message_not_a_500(controller):
    services.provider_create(by=controller, name="A AB", org_number="556677-8899")
    with pytest.raises(ValidationError) as err:
        services.provider_create(by=controller, name="B AB", org_number="556677-8899")
    assert err.value.messages == [services.PROVIDER_ORG_NUMBER_TAKEN]


def test_handlaggare_may_not_change_providers_or_agreements(handlaggare):
    with pytest.raises(PermissionDenied):
        services.provider_create(by=handlaggare, name="A AB", org_number="556677-8899")
    with pytest.raises(PermissionDenied):
        services.agreement_create(by=handlaggare, provider=ProviderFactory(), kind="ramavtal", reference="R1",
                                  valid_from=D(2024, 1, 1))


def test_agreement_rules(controller):
    provider, other = ProviderFactory(), ProviderFactory()
    framework = services.agreement_create(by=controller, provider=provider, kind="ramavtal", reference="R-2024",
                                          valid_from=D(2024, 1, 1), valid_to=D(2025, 12, 31))
    call_off = services.agreement_create(by=controller, provider=provider, kind="avrop", reference="AV-1",
                                         valid_from=D(2024, 3, 1), framework=framework)
    assert call_off.framework == framework
    cases = [
        (dict(provider=provider, kind="avrop", reference="AV-2", valid_from=D(2024, 3, 1), valid_to=D(2024, 2, 1)),
         services.AGREEMENT_VALID_TO_BEFORE_FROM),
        (dict(provider=provider, kind="individavtal", reference="I-1", valid_from=D(2024, 3, 1),
              framework=framework), services.AGREEMENT_FRAMEWORK_ONLY_CALL_OFF),
        (dict(provider=other, kind="avrop", reference="AV-3", valid_from=D(2024, 3, 1), framework=framework),
         services.AGREEMENT_FRAMEWORK_OTHER_PROVIDER),
        (dict(provider=provider, kind="avrop", reference="AV-1", valid_from=D(2024, 3, 1)),
         services.AGREEMENT_REFERENCE_TAKEN),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValidationError) as err:
            services.agreement_create(by=controller, **kwargs)
        assert err.value.messages == [message]
    assert Agreement.objects.count() == 2


def test_price_list_rules(controller):
    agreement = services.agreement_create(by=controller, provider=ProviderFactory(), kind="ramavtal",
                                          reference="R-1", valid_from=D(2024, 1, 1), valid_to=D(2024, 12, 31))
    hvb = care_type("HVB_BOU")
    services.agreement_price_create(by=controller, agreement=agreement, care_type=hvb, valid_from=D(2024, 1, 1),
                                    daily_price=Decimal("4600"))
    for valid_from, message in [
        (D(2025, 1, 1), services.PRICE_OUTSIDE_AGREEMENT.format(period="2024-01-01–2024-12-31")),
        (D(2024, 1, 1), services.PRICE_DUPLICATE),
    ]:
        with pytest.raises(ValidationError) as err:
            services.agreement_price_create(by=controller, agreement=agreement, care_type=hvb, valid_from=valid_from,
                                            daily_price=Decimal("4800"))
        assert err.value.messages == [message]
    assert AgreementPrice.objects.count() == 1


# --- screens ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["placements:provider_list", "placements:agreement_list",
                                  "placements:agreementprice_list"])
def test_controller_and_handlaggare_see_the_lists_systemforvaltare_does_not(name, controller, handlaggare,
                                                                           systemforvaltare):
    ProviderFactory(name="Solgläntans HVB AB")
    assert login(controller).get(reverse(name)).status_code == 200
    assert login(handlaggare).get(reverse(name)).status_code == 200
    assert login(systemforvaltare).get(reverse(name)).status_code == 404


def test_controller_registers_a_provider_through_the_form(controller):
    client = login(controller)
    response = client.post(reverse("placements:provider_create"), {"name": "Nya HVB AB", "org_number": "556677-8899"})
    assert response.status_code == 302
    assert Provider.objects.get().name == "Nya HVB AB"
    assert "Nya HVB AB" in client.get(reverse("placements:provider_list")).content.decode()


def test_the_form_shows_the_luhn_message(controller):
    response = login(controller).post(reverse("placements:provider_create"),
                                      {"name": "Fel AB", "org_number": "556677-8898"})
    assert INVALID_ORG_NUMBER in response.content.decode()
    assert Provider.objects.count() == 0


def test_handlaggare_cannot_open_the_create_and_edit_pages(handlaggare):
    provider = ProviderFactory(name="Solgläntans HVB AB")
    client = login(handlaggare)
    assert client.get(reverse("placements:provider_create")).status_code == 404
    assert client.post(reverse("placements:provider_create"), {"name": "X", "org_number": "556677-8899"}) \
        .status_code == 404
    # The edit address shows the provider read-only.
    page = client.get(reverse("placements:provider_update", args=[provider.pk]))
    assert page.status_code == 200 and "<form" not in page.content.decode().split("<main")[1]


def test_controller_keeps_an_agreement_and_its_price_list(controller):
    provider = ProviderFactory(name="Björkens HVB AB")
    client = login(controller)
    response = client.post(reverse("placements:agreement_create"), {
        "provider": provider.pk, "kind": "individavtal", "reference": "IA-9", "valid_from": "2024-01-01",
    })
    agreement = Agreement.objects.get()
    assert response["Location"] == reverse("placements:agreement_detail", args=[agreement.pk])
    response = client.post(reverse("placements:agreementprice_create", args=[agreement.pk]), {
        "care_type": care_type("HVB_BOU").pk, "valid_from": "2024-01-01", "daily_price": "4 650,50",
    })
    assert response.status_code == 302
    price = AgreementPrice.objects.get()
    assert price.daily_price == Decimal("4650.50")
    page = client.get(reverse("placements:agreement_detail", args=[agreement.pk])).content.decode()
    assert "4\xa0650,50" in page
    client.post(reverse("placements:agreementprice_update", args=[price.pk]), {
        "care_type": care_type("HVB_BOU").pk, "valid_from": "2024-01-01", "daily_price": "4700",
    })
    price.refresh_from_db()
    assert price.daily_price == Decimal("4700.00")
    response = client.post(reverse("placements:agreement_update", args=[agreement.pk]), {
        "kind": "individavtal", "reference": "IA-9", "valid_from": "2024-01-01", "valid_to": "2023-12-31",
    })
    assert services.AGREEMENT_VALID_TO_BEFORE_FROM in response.content.decode()


def test_handlaggare_sees_the_price_list_without_edit_links(handlaggare, controller):
    agreement = services.agreement_create(by=controller, provider=ProviderFactory(), kind="ramavtal",
                                          reference="R-1", valid_from=D(2024, 1, 1))
    services.agreement_price_create(by=controller, agreement=agreement, care_type=care_type("HVB_BOU"),
                                    valid_from=D(2024, 1, 1), daily_price=Decimal("4600"))
    page = login(handlaggare).get(reverse("placements:agreement_detail", args=[agreement.pk])).content.decode()
    assert "4\xa0600,00" in page
    assert "Ändra" not in page and "Lägg till pris" not in page
