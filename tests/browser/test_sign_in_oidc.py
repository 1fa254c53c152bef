"""Log-in through the municipality's IdP in Chromium, against oidc-provider-mock as its own process."""

import re

import pytest
from django.contrib.auth.models import User

from socialtjanst.models import AccessEvent
from socialtjanst.oidc_identity import external_identity_link
from socialtjanst.views.sign_in import OIDC_REFUSED
from tests.sign_in_support import oidc_on, oidc_provider

__all__ = ["oidc_on", "oidc_provider"]  # fixtures
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def idp_log_in(page, subject: str) -> None:
    """The log-in page's IdP button, then the provider's own form, as a person uses them."""
    page.goto(page.base_url + "/logga-in/")
    page.click("text=Logga in med kommunens inloggning")
    page.wait_for_url(re.compile(r".*/oauth2/authorize.*"))
    page.fill("input[name=sub]", subject)
    page.click("button:has-text('Authorize')")


def test_a_linked_handlaggare_logs_in_through_the_idp_and_sees_only_their_units(
    page, oidc_on, handlaggare, own_case, other_case, settings
):
    settings.IFO_REQUIRE_2FA = True  # the IdP's MFA counts: no code is asked here
    external_identity_link(user=handlaggare, subject="hanna@kommun.se")

    idp_log_in(page, "hanna@kommun.se")
    page.get_by_text("Dina pågående ärenden").wait_for()
    assert page.url == page.base_url + "/"
    assert "Mottagning barn och unga" in page.inner_text(".who")
    assert "Utredning barn och unga" not in page.inner_text(".who")

    page.goto(page.base_url + "/arenden/")
    cases = page.inner_text("main")
    assert "Klientsson" in cases and "Främlingsson" not in cases
    assert AccessEvent.objects.filter(action="login", username="hanna", criteria={"method": "oidc"}).count() == 1


def test_an_unknown_subject_is_refused_with_a_swedish_message(page, oidc_on, handlaggare):
    idp_log_in(page, "okand@kommun.se")
    page.get_by_text(OIDC_REFUSED).wait_for()
    assert page.url == page.base_url + "/logga-in/"
    page.goto(page.base_url + "/arenden/")
    assert page.url.startswith(page.base_url + "/logga-in/?next=")
    assert AccessEvent.objects.get(action="login_fail").criteria == {"method": "oidc", "reason": "unknown_subject"}


def test_an_account_deactivated_here_is_refused_although_the_idp_knows_it(page, oidc_on, handlaggare):
    external_identity_link(user=handlaggare, subject="hanna@kommun.se")
    User.objects.filter(pk=handlaggare.pk).update(is_active=False)

    idp_log_in(page, "hanna@kommun.se")
    page.get_by_text(OIDC_REFUSED).wait_for()
    page.goto(page.base_url + "/arenden/")
    assert page.url.startswith(page.base_url + "/logga-in/?next=")
    assert AccessEvent.objects.get(action="login_fail").criteria == {"method": "oidc", "reason": "inactive"}


def test_log_out_ends_the_session_here_and_at_the_idp(page, oidc_on, handlaggare):
    external_identity_link(user=handlaggare, subject="hanna@kommun.se")
    idp_log_in(page, "hanna@kommun.se")
    page.get_by_text("Dina pågående ärenden").wait_for()

    page.click("text=Logga ut")
    page.wait_for_url(re.compile(r".*/oauth2/end_session.*"))  # the IdP's own log-out
    page.click("button:has-text('End session')")
    page.wait_for_url(page.base_url + "/logga-in/")
    page.goto(page.base_url + "/arenden/")
    assert page.url.startswith(page.base_url + "/logga-in/?next=")
    assert AccessEvent.objects.filter(action="logout", username="hanna").count() == 1
