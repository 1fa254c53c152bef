"""Two-factor for password log-ins (socialtjanst.two_factor): enrolment, codes, recovery codes, reset."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from socialtjanst import two_factor
from socialtjanst.admin import TWO_FACTOR_RESET_DONE
from socialtjanst.models import AccessEvent
from socialtjanst.roles import Role
from tests.factories import UserFactory


@pytest.fixture
def required(settings):
    settings.IFO_REQUIRE_2FA = True


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + steps_ahead * device.step
    return f"{totp.token():06d}"


def password_log_in(username: str) -> Client:
    client = Client()
    response = client.post("/logga-in/", {"username": username, "password": "test-losen-123", "next": "/arenden/"})
    assert response.status_code == 302
    return client


@pytest.mark.django_db
def test_a_password_log_in_without_a_device_is_sent_to_enrolment_and_nothing_else(units, required):
    UserFactory(username="hanna", role=Role.HANDLAGGARE, units=[units["own"]])
    client = password_log_in("hanna")

    response = client.get("/arenden/")
    assert (response.status_code, response["Location"]) == (302, "/logga-in/tvafaktor/?next=/arenden/")
    page = client.get(response["Location"]).content.decode()
    assert "<svg" in page and "Aktivera tvåstegsverifiering" in page
    # No menu whose links would only lead back here; logging out still works from the page.
    assert "<nav>" not in page and 'href="/att-gora/"' not in page and "Logga ut" in page
    # the admin too is closed until the second factor is given
    assert client.get("/admin/")["Location"] == "/logga-in/tvafaktor/?next=/admin/"


@pytest.mark.django_db
def test_enrolment_confirms_a_first_code_then_shows_ten_recovery_codes(units, required):
    user = UserFactory(username="hanna", role=Role.HANDLAGGARE, units=[units["own"]])
    client = password_log_in("hanna")
    client.get("/logga-in/tvafaktor/?next=/arenden/")
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed is False

    wrong = client.post("/logga-in/tvafaktor/", {"token": "000000" if code_for(device) != "000000" else "111111",
                                                 "next": "/arenden/"})
    assert two_factor.WRONG_CODE in wrong.content.decode()
    failed = AccessEvent.objects.get(action="login_fail")
    assert (failed.username, failed.criteria) == ("hanna", {"step": "second_factor_enrolment"})

    response = client.post("/logga-in/tvafaktor/", {"token": code_for(device), "next": "/arenden/"})
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(codes) == 10
    assert sorted(StaticDevice.objects.get(user=user).token_set.values_list("token", flat=True)) == sorted(codes)
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.get("/arenden/").status_code == 200
    grant = AccessEvent.objects.get(action="grant")
    assert grant.criteria == {"konto": "hanna", "ändring": "tvåfaktor aktiverad"}


def enrolled(user) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    two_factor.recovery_codes_replace(user=user)
    return device


@pytest.mark.django_db
def test_an_enrolled_account_gives_its_app_code_after_the_password(units, required):
    user = UserFactory(username="hanna", role=Role.HANDLAGGARE, units=[units["own"]])
    device = enrolled(user)
    client = password_log_in("hanna")
    assert client.get("/arenden/")["Location"] == "/logga-in/kod/?next=/arenden/"
    assert "<nav>" not in client.get("/logga-in/kod/?next=/arenden/").content.decode()

    response = client.post("/logga-in/kod/", {"token": "12345", "next": "/arenden/"})
    assert two_factor.WRONG_CODE in response.content.decode()
    assert AccessEvent.objects.get(action="login_fail").criteria == {"step": "second_factor"}

    # django-otp makes the app wait a second after a wrong code before it tries again
    with time_machine.travel(timezone.now() + timedelta(seconds=5), tick=False):
        response = client.post("/logga-in/kod/", {"token": code_for(device), "next": "/arenden/"})
    assert (response.status_code, response["Location"]) == (302, "/arenden/")
    page = client.get("/arenden/")
    assert page.status_code == 200
    assert 'href="/att-gora/"' in page.content.decode()  # the menu is back once the code is given


@pytest.mark.django_db
def test_a_recovery_code_works_once(units, required):
    user = UserFactory(username="hanna", role=Role.HANDLAGGARE, units=[units["own"]])
    enrolled(user)
    code = StaticDevice.objects.get(user=user).token_set.first().token

    first = password_log_in("hanna")
    assert first.post("/logga-in/kod/", {"token": code.upper(), "next": "/arenden/"})["Location"] == "/arenden/"
    second = password_log_in("hanna")
    response = second.post("/logga-in/kod/", {"token": code, "next": "/arenden/"})
    assert two_factor.WRONG_CODE in response.content.decode()
    assert StaticDevice.objects.get(user=user).token_set.count() == 9


@pytest.mark.django_db
def test_the_systemforvaltare_resets_a_lost_device_and_the_access_log_says_so(units, systemforvaltare):
    user = UserFactory(username="hanna", role=Role.HANDLAGGARE, units=[units["own"]])
    enrolled(user)
    admin = Client()
    admin.force_login(systemforvaltare)

    response = admin.post("/admin/auth/user/", {"action": "two_factor_reset", "_selected_action": [user.pk]},
                          follow=True)
    assert TWO_FACTOR_RESET_DONE.format(count=1) in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    row = AccessEvent.objects.get(action="grant")
    assert (row.username, row.object_id, row.criteria) == (
        "sara", user.pk, {"konto": "hanna", "ändring": "tvåfaktor återställd"})


@pytest.mark.django_db
def test_an_enrolled_account_cannot_enrol_a_second_phone_itself(units, required):
    user = UserFactory(username="hanna", role=Role.HANDLAGGARE, units=[units["own"]])
    enrolled(user)
    client = password_log_in("hanna")
    assert client.get("/logga-in/tvafaktor/?next=/arenden/")["Location"] == "/arenden/"
    assert TOTPDevice.objects.filter(user=user).count() == 1


@pytest.mark.django_db
def test_without_the_requirement_nothing_asks_for_a_code(units, settings):
    settings.IFO_REQUIRE_2FA = False
    UserFactory(username="hanna", role=Role.HANDLAGGARE, units=[units["own"]])
    assert password_log_in("hanna").get("/arenden/").status_code == 200


@pytest.mark.django_db
def test_a_session_that_owes_its_code_can_still_log_out(units, required):
    UserFactory(username="hanna", role=Role.HANDLAGGARE, units=[units["own"]])
    client = password_log_in("hanna")
    assert client.post("/logga-ut/")["Location"] == "/logga-in/"
    assert "_auth_user_id" not in client.session
    assert AccessEvent.objects.filter(action="logout", username="hanna").count() == 1
