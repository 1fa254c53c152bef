"""A common password stays refused with a year, digits or punctuation around it, or with look-alike digits."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from socialtjanst.demo import DEMO_PASSWORD
from socialtjanst.passwords import COMMON_VARIANT


@pytest.mark.parametrize("password", [
    "iloveyou1234", "Password2026!", "P@ssw0rd2026", "2026-qwerty-!!", "Sommar2024!!", "L0senord#2026",
    "  Iloveyou12345  ",
])
def test_a_common_password_with_digits_years_or_leetspeak_is_refused(password):
    with pytest.raises(ValidationError) as exc:
        validate_password(password)
    assert COMMON_VARIANT in exc.value.messages


@pytest.mark.parametrize("password", [
    "korrekt häst batteri häftklammer", "Mina tre katter heter Ada", "test-losen-123", DEMO_PASSWORD,
    "Blåbärssylt på tisdagar 7",
])
def test_a_passphrase_is_accepted(password):
    validate_password(password)


@pytest.mark.django_db
def test_the_admin_password_form_refuses_a_common_variant(systemforvaltare, handlaggare):
    from django.contrib.auth.forms import AdminPasswordChangeForm

    form = AdminPasswordChangeForm(handlaggare, {"password1": "iloveyou1234", "password2": "iloveyou1234"})
    assert not form.is_valid()
    assert COMMON_VARIANT in form.errors["password2"]
