"""Sign-in through the IdP (socialtjanst.oidc, socialtjanst.oidc_identity) against a real OIDC provider."""

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.test import Client

from socialtjanst.models import AccessEvent, ExternalIdentity
from socialtjanst.oidc_identity import BAD_MAPPING, SUBJECT_TAKEN, external_identity_link, group_role_map
from socialtjanst.roles import Role
from socialtjanst.views.sign_in import OIDC_REFUSED, OIDC_UNAVAILABLE
from tests.factories import UserFactory
from tests.sign_in_support import CLIENT_ID, GROUPS_CLAIM, idp_authorize, oidc_on, oidc_provider, path_and_query, query

__all__ = ["oidc_on", "oidc_provider"]  # fixtures


def oidc_log_in(client: Client, subject: str, next_url: str = "/arenden/"):
    response = client.get("/logga-in/idp/", {"next": next_url})
    assert response.status_code == 302, response.status_code
    return client.get(path_and_query(idp_authorize(response["Location"], subject)))


@pytest.mark.django_db
def test_without_configuration_the_log_in_page_has_only_the_local_form(units):
    page = Client().get("/logga-in/").content.decode()
    assert "Logga in med kommunens inloggning" not in page
    assert Client().get("/logga-in/idp/").status_code == 404
    assert Client().get("/logga-in/idp/svar/?code=x&state=y").status_code == 404


@pytest.mark.django_db
def test_the_log_in_page_offers_the_idp_when_configured(units, oidc_on):
    page = Client().get("/logga-in/?next=/arenden/").content.decode()
    assert "Logga in med kommunens inloggning" in page
    location = Client().get("/logga-in/idp/", {"next": "/arenden/"})["Location"]
    params = query(location)
    assert location.startswith(oidc_on + "/oauth2/authorize?")
    assert (params["client_id"], params["response_type"], params["code_challenge_method"]) == (
        CLIENT_ID, "code", "S256")
    assert params["nonce"] and params["state"]


@pytest.mark.django_db
def test_a_linked_account_logs_in_without_a_second_factor_here(units, oidc_on, settings):
    settings.IFO_REQUIRE_2FA = True  # the IdP's own MFA counts (README "Tvåfaktor")
    hanna = UserFactory(username="hanna", role=Role.HANDLAGGARE, units=[units["own"]])
    external_identity_link(user=hanna, subject="hanna@kommun.se")
    client = Client()

    response = oidc_log_in(client, "hanna@kommun.se")
    assert (response.status_code, response["Location"]) == (302, "/arenden/")
    assert client.get("/arenden/").status_code == 200
    login = AccessEvent.objects.get(action="login")
    assert (login.username, login.user_id, login.criteria) == ("hanna", hanna.pk, {"method": "oidc"})


@pytest.mark.django_db
def test_an_unknown_subject_is_refused_and_logged(units, oidc_on):
    UserFactory(username="okand@kommun.se", role=Role.HANDLAGGARE, units=[units["own"]])  # same name, no link
    client = Client()
    response = oidc_log_in(client, "okand@kommun.se")
    assert (response.status_code, response["Location"]) == (302, "/logga-in/")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [OIDC_REFUSED]
    assert "_auth_user_id" not in client.session
    failed = AccessEvent.objects.get(action="login_fail")
    assert (failed.username, failed.object_id, failed.criteria) == (
        "okand@kommun.se", None, {"method": "oidc", "reason": "unknown_subject"})
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_an_account_deactivated_here_is_refused(units, oidc_on):
    hanna = UserFactory(username="hanna", role=Role.HANDLAGGARE, units=[units["own"]], is_active=False)
    external_identity_link(user=hanna, subject="hanna@kommun.se")
    client = Client()
    assert oidc_log_in(client, "hanna@kommun.se")["Location"] == "/logga-in/"
    assert "_auth_user_id" not in client.session
    failed = AccessEvent.objects.get(action="login_fail")
    assert (failed.username, failed.object_id, failed.criteria) == (
        "hanna", hanna.pk, {"method": "oidc", "reason": "inactive"})


@pytest.mark.django_db
def test_a_session_ends_when_its_account_is_deactivated(units, oidc_on):
    hanna = UserFactory(username="hanna", role=Role.HANDLAGGARE, units=[units["own"]])
    external_identity_link(user=hanna, subject="hanna@kommun.se")
    client = Client()
    oidc_log_in(client, "hanna@kommun.se")
    User.objects.filter(pk=hanna.pk).update(is_active=False)
    assert client.get("/arenden/")["Location"] == "/logga-in/?next=/arenden/"


@pytest.mark.django_db
def test_log_out_ends_the_session_here_and_at_the_idp(units, oidc_on):
    hanna = UserFactory(username="hanna", role=Role.HANDLAGGARE, units=[units["own"]])
    external_identity_link(user=hanna, subject="hanna@kommun.se")
    client = Client()
    oidc_log_in(client, "hanna@kommun.se")

    location = client.post("/logga-ut/")["Location"]
    params = query(location)
    assert location.startswith(oidc_on + "/oauth2/end_session?")
    assert (params["post_logout_redirect_uri"], params["client_id"]) == ("http://testserver/logga-in/", CLIENT_ID)
    assert params["id_token_hint"].count(".") == 2  # the id token the IdP issued
    assert "_auth_user_id" not in client.session
    assert AccessEvent.objects.filter(action="logout", username="hanna").count() == 1


@pytest.mark.django_db
def test_a_password_session_logs_out_locally_only(units, oidc_on):
    client = Client()
    client.force_login(UserFactory(username="hanna", role=Role.HANDLAGGARE, units=[units["own"]]))
    assert client.post("/logga-ut/")["Location"] == "/logga-in/"


@pytest.mark.django_db
def test_the_group_mapping_creates_an_account_with_the_role_and_no_units(units, oidc_on, settings):
    settings.OIDC_GROUPS_CLAIM = GROUPS_CLAIM
    settings.OIDC_GROUP_ROLE_MAP = "ifo-handlaggare=Handläggare; ifo-chefer=enhetschef"
    client = Client()
    assert oidc_log_in(client, "ny-handlaggare")["Location"] == "/arenden/"
    user = User.objects.get(username="ny-handlaggare")
    assert list(user.groups.values_list("name", flat=True)) == ["Handläggare"]
    assert (user.has_usable_password(), list(user.units.all()), user.is_staff) == (False, [], False)
    assert ExternalIdentity.objects.get(user=user).issuer == oidc_on

    # a subject whose groups map to no role gets nothing
    assert oidc_log_in(Client(), "utan-grupp")["Location"] == "/logga-in/"
    assert not User.objects.filter(username="utan-grupp").exists()


@pytest.mark.django_db
def test_without_the_mapping_groups_give_nothing(units, oidc_on, settings):
    settings.OIDC_GROUPS_CLAIM = GROUPS_CLAIM  # the claim alone does not turn the mapping on
    assert oidc_log_in(Client(), "ny-handlaggare")["Location"] == "/logga-in/"
    assert not User.objects.filter(username="ny-handlaggare").exists()


@pytest.mark.django_db
def test_one_identity_belongs_to_one_account(units):
    first, second = UserFactory(username="a"), UserFactory(username="b")
    external_identity_link(user=first, subject="x", issuer="https://idp.kommun.se")
    with pytest.raises(ValidationError) as error:
        external_identity_link(user=second, subject="x", issuer="https://idp.kommun.se/")
    assert error.value.messages == [SUBJECT_TAKEN.format(subject="x", issuer="https://idp.kommun.se")]
    assert ExternalIdentity.objects.count() == 1


@pytest.mark.django_db
def test_the_systemforvaltare_links_an_identity_in_the_admin_and_the_access_log_says_so(
        units, systemforvaltare, handlaggare, settings):
    settings.OIDC_ISSUER = "https://idp.kommun.se"
    admin = Client()
    admin.force_login(systemforvaltare)
    assert 'value="https://idp.kommun.se"' in admin.get(f"/admin/auth/user/{handlaggare.pk}/change/").content.decode()
    data = {
        "username": "hanna", "first_name": "", "last_name": "", "email": "", "is_active": "on",
        "date_joined_0": "2026-01-01", "date_joined_1": "08:00:00", "groups": [g.pk for g in handlaggare.groups.all()],
        "unitmembership_set-TOTAL_FORMS": "0", "unitmembership_set-INITIAL_FORMS": "0",
        "external_identities-TOTAL_FORMS": "1", "external_identities-INITIAL_FORMS": "0",
        "external_identities-0-issuer": "https://idp.kommun.se", "external_identities-0-subject": "hanna@kommun.se",
    }
    assert admin.post(f"/admin/auth/user/{handlaggare.pk}/change/", data).status_code == 302
    assert ExternalIdentity.objects.get(user=handlaggare).subject == "hanna@kommun.se"
    row = AccessEvent.objects.get(action="grant", criteria__ändring="externa identiteter: tillagd")
    assert (row.username, row.criteria["detalj"]) == ("sara", "hanna@kommun.se (https://idp.kommun.se)")


@pytest.mark.django_db
def test_an_idp_that_does_not_answer_sends_back_to_the_local_form(units, settings):
    settings.OIDC_ISSUER = "http://127.0.0.1:9"  # nothing listens on the discard port
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    response = Client().get("/logga-in/idp/")
    assert (response.status_code, response["Location"]) == (302, "/logga-in/")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [OIDC_UNAVAILABLE]


@pytest.mark.parametrize("mapping", ["ifo-admin=Systemförvaltare", "ifo=Chef", "=Handläggare"])
def test_the_group_mapping_never_gives_admin_rights_or_unknown_roles(settings, mapping):
    settings.OIDC_GROUP_ROLE_MAP = mapping
    with pytest.raises(ImproperlyConfigured) as error:
        group_role_map()
    assert str(error.value) == BAD_MAPPING.format(part=mapping, roles="Handläggare, Enhetschef, Controller")
