"""manage.py create_systemforvaltare: the first account of a new installation, no default account."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from socialtjanst.models import AccessAction, AccessEvent, ExternalIdentity
from socialtjanst.passwords import COMMON_VARIANT
from socialtjanst.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NAME = ["--first-name", "Sara", "--last-name", "Holm", "--email", "sara.holm@kommun.se"]
PASSWORD = "Blåbärssylt på tisdagar 7"  # noqa: S105 - a test passphrase


def _create(monkeypatch, *args, stdin: str = "", tty: bool = False):
    fake = io.StringIO(stdin)
    fake.isatty = lambda: tty
    monkeypatch.setattr("sys.stdin", fake)
    out = io.StringIO()
    call_command("create_systemforvaltare", *args, stdout=out)
    return out.getvalue()


def test_a_password_from_standard_input_creates_the_systemforvaltare(monkeypatch):
    out = _create(monkeypatch, "sara", *NAME, "--password-stdin", "--no-input", stdin=PASSWORD + "\n")

    assert out == "Systemförvaltaren sara är skapad.\n"
    user = User.objects.get(username="sara")
    assert (user.first_name, user.last_name, user.email, user.is_staff, user.is_superuser) == (
        "Sara", "Holm", "sara.holm@kommun.se", True, False)
    assert list(user.groups.values_list("name", flat=True)) == [Role.SYSTEMFORVALTARE]
    assert user.check_password(PASSWORD)
    assert sorted((e.criteria["ändring"], e.criteria["detalj"], e.username) for e in AccessEvent.objects.filter(
        action=AccessAction.GRANT, object_id=user.pk)) == [
        ("konto skapat", "create_systemforvaltare", ""), ("roll tilldelad", "Systemförvaltare", "")]


def test_a_weak_password_is_refused_by_the_same_validators_and_nothing_is_written(monkeypatch):
    with pytest.raises(CommandError) as exc:
        _create(monkeypatch, "sara", *NAME, "--password-stdin", stdin="Sommar2024!!\n")
    assert COMMON_VARIANT in str(exc.value)
    with pytest.raises(CommandError) as exc:
        _create(monkeypatch, "sara", *NAME, "--password-stdin", stdin="kort\n")
    assert str(exc.value) == "Det här lösenordet är för kort. Det måste innehålla minst 12 tecken."
    assert not User.objects.exists()
    assert not AccessEvent.objects.exists()


def test_the_password_is_asked_for_twice_on_a_terminal(monkeypatch):
    answers = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    with pytest.raises(CommandError, match="Lösenorden är inte lika."):
        _create(monkeypatch, "sara", *NAME, tty=True)

    answers = iter([PASSWORD, PASSWORD])
    assert _create(monkeypatch, "sara", *NAME, tty=True) == "Systemförvaltaren sara är skapad.\n"


def test_without_a_terminal_or_with_no_input_it_never_asks(monkeypatch):
    monkeypatch.setattr("getpass.getpass", lambda prompt: pytest.fail("asked for a password"))
    message = "Ingen terminal att fråga efter lösenordet i: ange --password-stdin eller --oidc-subject."
    with pytest.raises(CommandError, match=message):
        _create(monkeypatch, "sara", *NAME)
    with pytest.raises(CommandError, match=message):
        _create(monkeypatch, "sara", *NAME, "--no-input", tty=True)
    assert not User.objects.exists()


def test_a_rerun_leaves_the_systemforvaltare_and_another_account_is_refused(monkeypatch):
    _create(monkeypatch, "sara", *NAME, "--password-stdin", stdin=PASSWORD)
    out = _create(monkeypatch, "sara", *NAME, "--password-stdin", stdin="Ett helt annat lösenord 9")
    assert out == "Systemförvaltaren sara finns redan. Inget ändrades.\n"
    # A rerun in CI without any password is just as harmless: nothing to ask for.
    assert _create(monkeypatch, "sara", *NAME, "--no-input") == "Systemförvaltaren sara finns redan. Inget ändrades.\n"
    assert User.objects.get(username="sara").check_password(PASSWORD)

    UserFactory(username="hanna", role=Role.HANDLAGGARE)
    with pytest.raises(CommandError, match="Det finns redan ett konto hanna som inte är systemförvaltare. Inget "
                                           "ändrades."):
        _create(monkeypatch, "hanna", *NAME, "--password-stdin", stdin=PASSWORD)
    assert list(User.objects.get(username="hanna").groups.values_list("name", flat=True)) == [Role.HANDLAGGARE]


def test_an_identity_at_the_idp_instead_of_a_password(monkeypatch, settings):
    settings.OIDC_ISSUER = ""
    with pytest.raises(CommandError, match=r"Ange utfärdaren \(issuer\)"):
        _create(monkeypatch, "sara", *NAME, "--oidc-subject", "sara@kommun.se")
    assert not User.objects.exists()

    _create(monkeypatch, "sara", *NAME, "--oidc-subject", "sara@kommun.se", "--oidc-issuer", "https://idp.kommun.se/")

    user = User.objects.get(username="sara")
    assert not user.has_usable_password()
    assert list(ExternalIdentity.objects.values_list("user__username", "issuer", "subject")) == [
        ("sara", "https://idp.kommun.se", "sara@kommun.se")]
    with pytest.raises(CommandError, match="Ange antingen --password-stdin eller --oidc-subject, inte båda."):
        _create(monkeypatch, "olle", *NAME, "--oidc-subject", "x", "--password-stdin", stdin=PASSWORD)
