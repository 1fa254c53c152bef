"""manage.py import_units (docs/units.md): units, accounts and memberships, all or nothing and idempotent."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from socialtjanst.models import AccessAction, AccessEvent, ExternalIdentity, TargetGroup, Unit, UnitMembership
from socialtjanst.roles import Role
from socialtjanst.unit_import import UnitImportError, import_units
from tests.factories import CaseFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

FILE = (
    "enhet;enhet_namn;målgrupp;mottagning;användare;roll;förnamn;efternamn;e-post\n"
    "MOTT_BARN;Mottagning barn och unga;barn;ja;;;;;\n"
    "UTR_BARN;Utredning barn och unga;Barn och unga;nej;;;;;\n"
    "VUXEN;Vuxenenheten;vuxna;;;;;;\n"
    "\n"
    "MOTT_BARN;;;;hanna;Handläggare;Hanna;Lind;hanna.lind@kommun.se\n"
    "UTR_BARN;;;;hanna;;;;\n"
    "MOTT_BARN;;;;eva;enhetschef;Eva;Berg;eva.berg@kommun.se\n"
    ";;;;carl;Controller;Carl;Ek;carl.ek@kommun.se\n"
)


def _run(content: str, filename: str = "enheter.csv", **kwargs):
    return import_units(content=content.encode(), filename=filename, **kwargs)


def _state():
    return (
        sorted(Unit.objects.values_list("code", "name", "target_group", "is_intake")),
        sorted((u.username, u.first_name, u.email, u.has_usable_password(),
                tuple(u.groups.values_list("name", flat=True))) for u in User.objects.all()),
        sorted(UnitMembership.objects.values_list("user__username", "unit__code")),
    )


def test_a_file_creates_units_accounts_and_memberships():
    summary = _run(FILE)

    assert summary.lines == [
        "3 enheter skapade, 0 ändrade, 0 oförändrade.",
        "3 konton skapade, 3 fick ny roll, 3 enhetsmedlemskap tillagda.",
        "Nya konton (utan lösenord): hanna, eva, carl.",
    ]
    units, users, memberships = _state()
    assert units == [
        ("MOTT_BARN", "Mottagning barn och unga", TargetGroup.CHILDREN, True),
        ("UTR_BARN", "Utredning barn och unga", TargetGroup.CHILDREN, False),
        ("VUXEN", "Vuxenenheten", TargetGroup.ADULTS, False),
    ]
    assert users == [
        ("carl", "Carl", "carl.ek@kommun.se", False, ("Controller",)),
        ("eva", "Eva", "eva.berg@kommun.se", False, ("Enhetschef",)),
        ("hanna", "Hanna", "hanna.lind@kommun.se", False, ("Handläggare",)),
    ]
    assert memberships == [("eva", "MOTT_BARN"), ("hanna", "MOTT_BARN"), ("hanna", "UTR_BARN")]
    grants = AccessEvent.objects.filter(action=AccessAction.GRANT, object_id=User.objects.get(username="hanna").pk)
    assert sorted((g.criteria["ändring"], g.criteria["detalj"]) for g in grants) == [
        ("enheter tillagda", "MOTT_BARN, UTR_BARN"), ("konto skapat", "import_units"),
        ("roll tilldelad", "Handläggare"),
    ]


def test_a_second_import_of_the_same_file_changes_nothing():
    _run(FILE)
    before, grants_before = _state(), AccessEvent.objects.filter(action=AccessAction.GRANT).count()

    summary = _run(FILE)

    assert summary.lines == ["0 enheter skapade, 0 ändrade, 3 oförändrade.",
                             "0 konton skapade, 0 fick ny roll, 0 enhetsmedlemskap tillagda."]
    assert _state() == before
    assert AccessEvent.objects.filter(action=AccessAction.GRANT).count() == grants_before


def test_an_xlsx_file_reads_the_same_as_the_csv():
    workbook = Workbook()
    for line in FILE.splitlines():
        workbook.active.append(line.split(";") if line else [])
    buffer = io.BytesIO()
    workbook.save(buffer)

    import_units(content=buffer.getvalue(), filename="enheter.xlsx")

    units, _, memberships = _state()
    assert units[0] == ("MOTT_BARN", "Mottagning barn och unga", TargetGroup.CHILDREN, True)
    assert memberships == [("eva", "MOTT_BARN"), ("hanna", "MOTT_BARN"), ("hanna", "UTR_BARN")]


def test_a_changed_name_updates_the_unit_and_a_new_membership_is_added_to_an_existing_account():
    _run(FILE)
    summary = _run("enhet,enhet_namn,användare\nVUXEN,Vuxen missbruk och beroende,\nVUXEN,,hanna\n")

    assert summary.lines[:2] == ["0 enheter skapade, 1 ändrade, 0 oförändrade.",
                                 "0 konton skapade, 0 fick ny roll, 1 enhetsmedlemskap tillagda."]
    assert Unit.objects.get(code="VUXEN").name == "Vuxen missbruk och beroende"
    assert set(UnitMembership.objects.filter(user__username="hanna").values_list("unit__code", flat=True)) == {
        "MOTT_BARN", "UTR_BARN", "VUXEN"}


def test_every_error_is_reported_with_its_row_and_nothing_is_written():
    UserFactory(username="sara", role=Role.SYSTEMFORVALTARE)
    UnitFactory(code="FAMHEM", name="Familjehemsenheten")
    CaseFactory(unit=Unit.objects.get(code="FAMHEM"))
    before = _state()
    content = (
        "enhet;enhet_namn;målgrupp;mottagning;användare;roll\n"
        "A1;Enhet A;äldre;kanske;;\n"
        "B1;;;;;\n"
        "A1;Annat namn;;;;\n"
        ";;;;olle;Systemförvaltare\n"
        "A1;;;;per;Controller\n"
        ";;;;sara;Handläggare\n"
        ";;;;ny;\n"
        "FAMHEM;;vuxna;;;\n"
        "A1;;;;ulla;Handläggare\n"
        "A1;;;;ulla;Enhetschef\n"
        ";;;;ogiltig namn;Handläggare\n"
        ";Namn utan kod;;;;\n"
    )

    with pytest.raises(UnitImportError) as exc:
        _run(content)

    assert exc.value.errors == [
        "Rad 2, kolumn 'målgrupp': okänd målgrupp 'äldre' (ange barn eller vuxna).",
        "Rad 2, kolumn 'mottagning': skriv ja eller nej ('kanske').",
        "Rad 4, kolumn 'enhet_namn': annat värde än rad 2 för enheten A1.",
        "Rad 5, kolumn 'roll': okänd roll 'Systemförvaltare' (ange Handläggare, Enhetschef eller Controller).",
        "Rad 11, kolumn 'roll': annat värde än rad 10 för kontot ulla.",
        "Rad 11, kolumn 'enhet': samma användare och enhet som rad 10.",
        "Rad 12, kolumn 'användare': ogiltigt användarnamn 'ogiltig namn' (bokstäver, siffror och @ . + - _).",
        "Rad 13, kolumn 'enhet': ange enhet, användare eller båda.",
        "Rad 2, kolumn 'enhet': enheten A1 finns inte; ange enhet_namn och målgrupp för att skapa den.",
        "Rad 3, kolumn 'enhet': enheten B1 finns inte; ange enhet_namn och målgrupp för att skapa den.",
        "Rad 9, kolumn 'målgrupp': enheten FAMHEM har ärenden; målgruppen ändras inte genom import.",
        "Rad 5, kolumn 'roll': kontot olle finns inte; ange roll för att skapa det.",
        "Rad 6, kolumn 'enhet': rollen Controller har inga enheter; lämna enhet tom.",
        "Rad 7, kolumn 'användare': kontot sara är systemförvaltare och ändras inte genom import.",
        "Rad 8, kolumn 'roll': kontot ny finns inte; ange roll för att skapa det.",
    ]
    assert _state() == before


def test_a_file_over_the_upload_limit_is_refused(settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    with pytest.raises(UnitImportError) as exc:
        _run(FILE + ";" * (1024 * 1024))
    assert exc.value.errors == ["Filen är för stor (högst 1 MB)."]
    assert not Unit.objects.exists()


def test_an_identity_at_the_idp_is_stored_for_the_configured_issuer(settings):
    settings.OIDC_ISSUER = "https://idp.kommun.se"
    _run("användare;roll;identitet\nhanna;Handläggare;hanna@kommun.se\n")
    assert list(ExternalIdentity.objects.values_list("user__username", "issuer", "subject")) == [
        ("hanna", "https://idp.kommun.se", "hanna@kommun.se")]

    settings.OIDC_ISSUER = ""
    with pytest.raises(UnitImportError) as exc:
        _run("användare;roll;identitet\nolle;Handläggare;olle@kommun.se\n")
    assert exc.value.errors == [
        "Rad 2, kolumn 'identitet': Ange utfärdaren (issuer) för kommunens inloggning, eller sätt IFO_OIDC_ISSUER."]


def test_the_command_prints_the_summary_or_every_error(tmp_path, capsys):
    path = tmp_path / "enheter.csv"
    path.write_text(FILE, encoding="utf-8")
    call_command("import_units", str(path))
    assert "3 enheter skapade, 0 ändrade, 0 oförändrade." in capsys.readouterr().out

    path.write_text("enhet;målgrupp\nX;äldre\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Inget importerades: 2 fel."):
        call_command("import_units", str(path))
    assert capsys.readouterr().err.splitlines() == [
        "Rad 2, kolumn 'målgrupp': okänd målgrupp 'äldre' (ange barn eller vuxna).",
        "Rad 2, kolumn 'enhet': enheten X finns inte; ange enhet_namn och målgrupp för att skapa den.",
    ]
