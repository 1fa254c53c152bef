"""Two-factor in Chromium, and issue 13's must-hold: a fresh installation's first systemförvaltare logs in
with TOTP, creates a handläggare with an IdP identity, and the handläggare logs in through the IdP and sees
only the units given."""

import io
import re
from base64 import b32decode
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django_otp.oath import TOTP

from socialtjanst.models import AccessEvent, ExternalIdentity, Unit
from socialtjanst.roles import Role
from tests.factories import CaseFactory, PersonFactory, UnitFactory
from tests.sign_in_support import oidc_on, oidc_provider

__all__ = ["oidc_on", "oidc_provider"]  # fixtures
pytestmark = [pytest.mark.browser]
PASSWORD = "Fjallbacka-Tuvor-2026"  # noqa: S105 - a test account's


def password_log_in(page, username: str, password: str) -> None:
    page.goto(page.base_url + "/logga-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#password-login")


def totp_code(secret: str, *, steps_ahead: int = 0) -> str:
    """What the person's authenticator app shows for the key on the enrolment page."""
    totp = TOTP(b32decode(secret.replace(" ", "")))
    totp.time = totp.time + 30 * steps_ahead
    return f"{totp.token():06d}"


@pytest.mark.django_db(transaction=True)
def test_a_fresh_installation_from_bootstrap_to_an_idp_log_in(page, oidc_on, settings, monkeypatch):
    settings.IFO_REQUIRE_2FA = True  # as in production
    # The empty migrated database: no account, no demo data, and the four role groups from migration 0011.
    # A browser test may start on a flushed database, so 0011's own (idempotent) code runs again, as `migrate` ran it.
    assert not User.objects.exists()
    import_module("socialtjanst.migrations.0011_role_groups").role_groups_create(django_apps, None)
    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(Role.values)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    call_command("create_systemforvaltare", "sara", first_name="Sara", last_name="Systemsson",
                 email="sara@kommun.se", password_stdin=True, interactive=False, stdout=io.StringIO())
    own = UnitFactory(code="MOTT_BARN", name="Mottagning barn och unga", is_intake=True)
    UnitFactory(code="UTR_BARN", name="Utredning barn och unga")
    CaseFactory(unit=own, person=PersonFactory(first_name="Egen", last_name="Klientsson"))
    CaseFactory(unit=Unit.objects.get(code="UTR_BARN"), person=PersonFactory(first_name="Annan",
                                                                             last_name="Främlingsson"))

    # 1. The systemförvaltare's password, then enrolment with the QR code's key and a first code.
    password_log_in(page, "sara", PASSWORD)
    page.wait_for_url(re.compile(r".*/logga-in/tvafaktor/.*"))
    assert page.locator("figure.qr svg").count() == 1
    secret = page.inner_text("#totp-secret")
    page.fill("#id_token", totp_code(secret))
    page.click("button:has-text('Aktivera')")
    assert page.locator("#recovery-codes li").count() == 10

    # ... and the next log-in asks for the app's code after the password.
    page.click("text=Logga ut")
    password_log_in(page, "sara", PASSWORD)
    page.wait_for_url(re.compile(r".*/logga-in/kod/.*"))
    page.fill("#id_token", totp_code(secret, steps_ahead=1))  # the enrolment's code cannot be replayed
    page.click("button:has-text('Fortsätt')")

    # 2. The handläggare in the admin: an account whose only log-in is the IdP's, the role and one unit.
    page.goto(page.base_url + "/admin/auth/user/add/")
    page.fill("#id_username", "hanna")
    if page.locator("input[name=usable_password][value=false]").count():
        page.check("input[name=usable_password][value=false]")
    else:
        page.fill("#id_password1", PASSWORD)
        page.fill("#id_password2", PASSWORD)
    assert page.input_value("#id_external_identities-0-issuer") == oidc_on
    page.fill("#id_external_identities-0-subject", "hanna@kommun.se")
    page.click("input[name=_continue]")
    page.wait_for_url(re.compile(r".*/admin/auth/user/\d+/change/.*"))
    page.select_option("#id_groups_from", label="Handläggare")
    page.click("#id_groups_add")
    page.click("text=Lägg till ytterligare enhetsmedlemskap")
    page.locator(".dynamic-unitmembership_set .select2-selection").last.click()
    page.fill(".select2-search__field", "Mottagning")
    page.locator(".select2-results__option", has_text="Mottagning barn och unga").click()
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r".*/admin/auth/user/$"))
    hanna = User.objects.get(username="hanna")
    assert ExternalIdentity.objects.get(user=hanna).subject == "hanna@kommun.se"
    assert list(hanna.units.values_list("code", flat=True)) == ["MOTT_BARN"]
    page.click("text=Logga ut")

    # 3. The handläggare through the IdP: no second factor here, only the unit given.
    page.goto(page.base_url + "/logga-in/")
    page.click("text=Logga in med kommunens inloggning")
    page.fill("input[name=sub]", "hanna@kommun.se")
    page.click("button:has-text('Authorize')")
    page.get_by_text("Dina pågående ärenden").wait_for()
    assert "Mottagning barn och unga" in page.inner_text(".who")
    assert "Utredning barn och unga" not in page.inner_text(".who")
    page.goto(page.base_url + "/arenden/")
    cases = page.inner_text("main")
    assert "Klientsson" in cases and "Främlingsson" not in cases
    assert AccessEvent.objects.filter(action="login", username="hanna", criteria={"method": "oidc"}).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_wrong_code_is_refused_and_a_recovery_code_lets_in_once(page, handlaggare, settings):
    settings.IFO_REQUIRE_2FA = True
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from socialtjanst import two_factor

    TOTPDevice.objects.create(user=handlaggare, name="app", confirmed=True)
    code = two_factor.recovery_codes_replace(user=handlaggare)[0]

    password_log_in(page, "hanna", "test-losen-123")
    page.wait_for_url(re.compile(r".*/logga-in/kod/.*"))
    page.fill("#id_token", "12345")
    page.click("button:has-text('Fortsätt')")
    page.get_by_text(two_factor.WRONG_CODE).wait_for()
    page.fill("#id_token", code)
    page.click("button:has-text('Fortsätt')")
    page.get_by_text("Dina pågående ärenden").wait_for()

    page.click("text=Logga ut")
    password_log_in(page, "hanna", "test-losen-123")
    page.fill("#id_token", code)
    page.click("button:has-text('Fortsätt')")
    page.get_by_text(two_factor.WRONG_CODE).wait_for()
    assert page.url.startswith(page.base_url + "/logga-in/kod/")
