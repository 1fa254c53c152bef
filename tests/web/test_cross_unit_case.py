"""Issue 12 point 8a: opening a case for a person known only in other units asks for a reason, shows only
what the new case needs, and flags the log rows for the enhetschef's review. Point 8b's grant screen."""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.management import call_command

from placements import selectors as placement_selectors
from socialtjanst import access
from socialtjanst.models import AccessAction, AccessEvent, Case, Intake, Person
from socialtjanst.roles import PROTECTED_IDENTITY_PERMISSION, Role
from tests.conftest import login
from tests.factories import CaseFactory, PersonFactory, UserFactory
from tests.placements.factories import PlacementFactory, care_type

pytestmark = pytest.mark.django_db

REASON = "Ny ansökan eller begäran till min enhet: Ansöker om stöd vid missbruk"


@pytest.fixture
def vera(units):
    """A handläggare of Vuxenenheten."""
    return UserFactory(username="vera", role=Role.HANDLAGGARE, units=[units["adult"]])


@pytest.fixture
def vilma(units):
    """The enhetschef of Vuxenenheten."""
    return UserFactory(username="vilma", role=Role.ENHETSCHEF, units=[units["adult"]])


@pytest.fixture
def known(units):
    """A young adult with a closed case and an LVU placement at an HVB in Mottagning barn och unga."""
    person = PersonFactory(first_name="Kim", last_name="Tidigaresson", address="Gömda vägen 7")
    CaseFactory(person=person, unit=units["own"], opened_on=datetime.date(2023, 3, 1),
                closed_on=datetime.date(2024, 6, 30), status=Case.Status.CLOSED)
    placement = PlacementFactory(person=person, unit=units["own"], care_type=care_type("HVB_BOU"),
                                 legal_basis="LVU", start_on=datetime.date(2023, 4, 1),
                                 end_on=datetime.date(2024, 6, 30))
    return person, placement


def _open(user, person, units, **extra):
    return login(user).post("/arenden/create/", {
        "id_number": person.id_number, "first_name": person.first_name, "last_name": person.last_name,
        "unit": units["adult"].pk, **extra})


def _state():
    return (list(Case.objects.order_by("pk").values_list("pk", "unit_id", "cross_unit_reason")),
            list(Person.objects.order_by("pk").values_list("pk", "protected_identity", "version")),
            AccessEvent.objects.count())


def test_the_rule_asks_only_for_a_person_known_only_in_other_units(units, vera, known, handlaggare):
    person, _ = known
    assert access.cross_unit_reason_required(vera, person) is True
    assert access.cross_unit_reason_required(handlaggare, person) is False  # a case in the own unit
    assert access.cross_unit_reason_required(vera, PersonFactory()) is False  # no case anywhere
    CaseFactory(person=person, unit=units["adult"], cross_unit_reason=REASON)
    assert access.cross_unit_reason_required(vera, person) is True  # a case opened with a reason establishes nothing
    CaseFactory(person=person, unit=units["adult"])
    assert access.cross_unit_reason_required(vera, person) is False


def _denied_rows():
    return list(AccessEvent.objects.filter(action=AccessAction.DENIED).values_list(
        "username", "object_type", "object_id", "person_ids", "outside_own_units", "criteria"))


PROBE = {"nekat": "ärende för person med ärenden i andra enheter, utan skäl"}


def test_without_a_reason_the_form_refuses_writes_nothing_but_logs_the_probe(units, vera, known):
    person, _ = known
    cases, persons, events = _state()
    response = _open(vera, person, units, protected_identity="on")
    assert response.status_code == 200
    assert response.context["form"].errors["reason_choice"] == [access.CROSS_UNIT_REASON_REQUIRED]
    body = response.content.decode()
    assert "Skäl" in body and access.CROSS_UNIT_REASON_HELP in body
    assert _state() == (cases, persons, events + 1)
    # The refusal told vera that Kim is a client elsewhere: the enhetschef's review lists the attempt.
    assert _denied_rows() == [("vera", "Person", person.pk, [person.pk], True, PROBE)]


def test_a_second_case_asks_for_a_reason_again(units, vera, known, handlaggare):
    """A case opened with a reason made the person the unit's own: the next case needed none, and the
    address, the other unit's placement and unflagged rows followed."""
    person, hvb = known
    assert _open(vera, person, units, reason_choice="samverkan").status_code == 302
    cases, persons, events = _state()
    response = _open(vera, person, units)
    assert response.status_code == 200
    assert response.context["form"].errors["reason_choice"] == [access.CROSS_UNIT_REASON_REQUIRED]
    assert _state() == (cases, persons, events + 1)
    assert _denied_rows() == [("vera", "Person", person.pk, [person.pk], True, PROBE)]
    response = _open(vera, person, units, reason_choice="ny_ansokan", reason_text="Ansöker om stöd vid missbruk")
    assert response.status_code == 302
    assert list(Case.objects.filter(unit=units["adult"]).order_by("pk").values_list("cross_unit_reason", flat=True)) \
        == ["Samordnad insats med en annan enhet", REASON]
    assert not access.persons_established_for_user(vera).filter(pk=person.pk).exists()
    client = login(vera)
    body = client.get(f"/personer/{person.pk}/").content.decode()
    assert "Gömda vägen" not in body and access.CROSS_UNIT_ADDRESS in body
    assert client.get(f"/placeringar/{hvb.pk}/").status_code == 404
    assert not placement_selectors.placements_for_user(vera).filter(pk=hvb.pk).exists()
    flags = list(AccessEvent.objects.filter(username="vera").exclude(action=AccessAction.DENIED)
                 .order_by("pk").values_list("action", "object_type", "outside_own_units"))
    assert flags == [(AccessAction.CREATE, "Case", True), (AccessAction.CREATE, "Case", True),
                     (AccessAction.VIEW, "Person", True)]


def test_a_colleague_in_the_unit_is_asked_too(units, vera, known):
    person, _ = known
    assert _open(vera, person, units, reason_choice="samverkan").status_code == 302
    vide = UserFactory(username="vide", role=Role.HANDLAGGARE, units=[units["adult"]])
    response = _open(vide, person, units)
    assert response.context["form"].errors["reason_choice"] == [access.CROSS_UNIT_REASON_REQUIRED]
    assert Case.objects.filter(unit=units["adult"]).count() == 1
    assert _denied_rows() == [("vide", "Person", person.pk, [person.pk], True, PROBE)]


def test_the_length_message_follows_the_limit(units, vera, known):
    person, _ = known
    with pytest.raises(ValidationError) as exc:
        access.cross_unit_reason_check(vera, person, "x" * (access.CROSS_UNIT_REASON_MAX_LENGTH + 1))
    assert exc.value.messages == [f"Skälet får vara högst {access.CROSS_UNIT_REASON_MAX_LENGTH} tecken."]


def test_other_reason_needs_a_description(units, vera, known):
    person, _ = known
    before = _state()
    response = _open(vera, person, units, reason_choice="annat")
    assert response.context["form"].errors["reason_text"] == ["Beskriv skälet."]
    assert _state() == before


def test_with_a_reason_the_case_opens_and_its_rows_are_flagged(units, vera, known):
    person, _ = known
    response = _open(vera, person, units, reason_choice="ny_ansokan", reason_text="Ansöker om stöd vid missbruk")
    case = Case.objects.get(person=person, unit=units["adult"])
    assert response.status_code == 302 and response["Location"] == f"/arenden/{case.pk}/"
    assert case.cross_unit_reason == REASON
    client = login(vera)
    assert client.get(f"/arenden/{case.pk}/").status_code == 200
    assert client.get(f"/personer/{person.pk}/").status_code == 200
    rows = list(AccessEvent.objects.filter(username="vera").order_by("pk").values_list(
        "action", "object_type", "outside_own_units", "criteria"))
    assert rows == [
        (AccessAction.CREATE, "Case", True, {"skäl": REASON}),
        (AccessAction.VIEW, "Case", True, {"skäl": REASON}),
        (AccessAction.VIEW, "Person", True, {"skäl": REASON}),
    ]


def test_the_person_page_shows_only_what_the_new_case_needs(units, vera, known):
    person, _ = known
    _open(vera, person, units, reason_choice="samverkan")
    body = login(vera).get(f"/personer/{person.pk}/").content.decode()
    assert "Kim Tidigaresson" in body and person.id_number in body
    assert "Gömda vägen" not in body and access.CROSS_UNIT_ADDRESS in body
    assert "Mottagning barn och unga" not in body  # the other unit's closed case
    form_body = login(vera).get(f"/personer/{person.pk}/update/").content.decode()
    assert "Gömda vägen" not in form_body


def test_the_other_units_placement_is_not_shown_but_the_own_is(units, vera, known, handlaggare):
    person, hvb = known
    _open(vera, person, units, reason_choice="samverkan")
    own = PlacementFactory(person=person, unit=units["adult"], care_type=care_type("HVB_VUXEN"),
                           start_on=datetime.date(2025, 1, 1))
    client = login(vera)
    assert client.get(f"/placeringar/{hvb.pk}/").status_code == 404
    assert client.get(f"/placeringar/{own.pk}/").status_code == 200
    assert f"/placeringar/{hvb.pk}/" not in client.get("/placeringar/", {"month": "2024-05"}).content.decode()
    assert f"/placeringar/{own.pk}/" in client.get("/placeringar/", {"month": "2025-02"}).content.decode()
    assert f"/placeringar/{hvb.pk}/" in login(handlaggare).get("/placeringar/", {"month": "2024-05"}).content.decode()
    visible = placement_selectors.placements_for_user(vera).filter(pk__in=[hvb.pk, own.pk])
    assert list(visible.values_list("pk", flat=True)) == [own.pk]


def test_a_client_of_the_own_unit_keeps_placements_made_by_another_unit(units, handlaggare, known):
    """Unchanged for the unit's own clients: the placement follows the person."""
    person, hvb = known
    other = PlacementFactory(person=person, unit=units["other"], care_type=care_type("KONTAKTFAMILJ"),
                             start_on=datetime.date(2025, 3, 1))
    client = login(handlaggare)
    assert client.get(f"/placeringar/{hvb.pk}/").status_code == 200
    assert client.get(f"/placeringar/{other.pk}/").status_code == 200


def test_the_enhetschef_reviews_the_flagged_rows_with_the_reason(units, vera, vilma, known):
    person, _ = known
    _open(vera, person, units, reason_choice="ny_ansokan", reason_text="Ansöker om stöd vid missbruk")
    CaseFactory(unit=units["adult"])  # an ordinary case: not flagged
    response = login(vilma).get("/atkomstlogg/", {"outside_own_units": "on", "username": "vera"})
    rows = [(e.action, e.object_type, e.criteria) for e in response.context["table"].data]
    assert rows == [(AccessAction.CREATE, "Case", {"skäl": REASON})]
    body = response.content.decode()
    assert re.search(r"<th[^>]*>\s*Skäl\s*</th>", body)
    assert REASON in body


def test_a_web_intake_for_such_a_person_asks_for_the_reason_too(units, vera, known):
    person, _ = known
    post = {"save": "1", "id_number": person.id_number, "kind": "orosanmalan", "received_at": "2025-03-01 10:00",
            "channel": "telefon", "gender": "okant", "unit": units["adult"].pk, "reporter_category": "anhorig"}
    client = login(vera)
    response = client.post("/anmalningar/create/", post)
    assert response.status_code == 200
    assert response.context["form"].errors["reason_choice"] == [access.CROSS_UNIT_REASON_REQUIRED]
    assert not Intake.objects.exists() and not Case.objects.filter(unit=units["adult"]).exists()
    assert _denied_rows() == [("vera", "Person", person.pk, [person.pk], True, PROBE)]
    response = client.post("/anmalningar/create/", {**post, "reason_choice": "ny_anmalan"})
    intake = Intake.objects.get()
    assert response.status_code == 302
    assert intake.case.cross_unit_reason == "Ny anmälan eller aktualisering som gäller min enhet"
    created = AccessEvent.objects.get(action=AccessAction.CREATE, object_type="Intake")
    assert (created.outside_own_units, created.criteria) == (
        True, {"skäl": "Ny anmälan eller aktualisering som gäller min enhet"})
    # Another report about the person goes into the open case: no new case, so no new reason.
    response = client.post("/anmalningar/create/", {**post, "received_at": "2025-03-02 10:00"})
    assert response.status_code == 302
    assert Intake.objects.filter(case=intake.case).count() == 2
    assert Case.objects.filter(unit=units["adult"]).count() == 1
    assert len(_denied_rows()) == 1


# --- Behörighet skyddade personuppgifter (point 8b) --------------------------------------------

GRANT_REASON = "Handlägger ärenden om barn i skyddat boende"
PAGE = "/behorigheter/skyddade/"


@pytest.fixture
def granter(db):
    user = UserFactory(username="gunnel")
    user.user_permissions.add(Permission.objects.get(codename="grant_protected_identity"))
    return user


def test_the_granter_grants_and_revokes_through_the_screen(granter, handlaggare, units):
    client = login(granter)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "Inget konto har behörigheten." in page.content.decode()
    assert handlaggare in page.context["form"].fields["user"].queryset
    response = client.post(PAGE, {"user": handlaggare.pk, "reason": GRANT_REASON})
    assert response.status_code == 302 and response["Location"] == PAGE
    handlaggare = type(handlaggare).objects.get(pk=handlaggare.pk)
    assert handlaggare.has_perm(PROTECTED_IDENTITY_PERMISSION)
    body = client.get(PAGE).content.decode()
    assert "<td>hanna</td>" in body and "Mottagning barn och unga" in body
    response = client.post(f"{PAGE}ta-bort/", {"user": handlaggare.pk, "reason": "Byter tjänst"})
    assert response.status_code == 302
    handlaggare = type(handlaggare).objects.get(pk=handlaggare.pk)
    assert not handlaggare.has_perm(PROTECTED_IDENTITY_PERMISSION)
    rows = list(AccessEvent.objects.filter(action=AccessAction.GRANT).order_by("pk").values_list(
        "username", "object_id", "criteria"))
    assert rows == [
        ("gunnel", handlaggare.pk, {"konto": "hanna", "ändring": "behörighet tilldelad",
                                    "detalj": "Se skyddade personuppgifter", "skäl": GRANT_REASON}),
        ("gunnel", handlaggare.pk, {"konto": "hanna", "ändring": "behörighet borttagen",
                                    "detalj": "Se skyddade personuppgifter", "skäl": "Byter tjänst"}),
    ]


def test_a_grant_needs_a_reason_and_never_goes_to_an_administrator(granter, handlaggare, systemforvaltare):
    client = login(granter)
    response = client.post(PAGE, {"user": handlaggare.pk, "reason": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Detta fält måste fyllas i."]
    response = client.post(PAGE, {"user": systemforvaltare.pk, "reason": GRANT_REASON})
    assert response.status_code == 200 and "user" in response.context["form"].errors
    response = client.post(PAGE, {"user": granter.pk, "reason": GRANT_REASON})
    assert response.status_code == 200 and "user" in response.context["form"].errors
    assert not AccessEvent.objects.filter(action=AccessAction.GRANT).exists()
    assert not Permission.objects.get(codename="view_protected_identity").user_set.exists()


@pytest.mark.parametrize("junk", [{"user": "abc"}, {"user": "99999999999999999999"}, {}, {"user": "\x00"}])
def test_junk_posts_change_nothing(granter, junk):
    client = login(granter)
    assert client.post(PAGE, junk).status_code in (200, 400)  # a NUL byte is refused before any view
    assert client.post(f"{PAGE}ta-bort/", junk).status_code in (302, 400)
    assert not AccessEvent.objects.filter(action=AccessAction.GRANT).exists()


def test_an_account_administrator_with_the_grant_permission_gets_404(systemforvaltare, handlaggare):
    systemforvaltare.user_permissions.add(Permission.objects.get(codename="grant_protected_identity"))
    client = login(systemforvaltare)
    assert client.get(PAGE).status_code == 404
    assert client.post(PAGE, {"user": handlaggare.pk, "reason": GRANT_REASON}).status_code == 404
    assert not handlaggare.user_permissions.exists()


def test_the_management_command_grants_and_revokes(granter, handlaggare):
    call_command("grant_protected_identity", "--granter", "gunnel", "--user", "hanna", "--reason", GRANT_REASON)
    assert type(handlaggare).objects.get(pk=handlaggare.pk).has_perm(PROTECTED_IDENTITY_PERMISSION)
    call_command("grant_protected_identity", "--granter", "gunnel", "--user", "hanna", "--revoke")
    assert not type(handlaggare).objects.get(pk=handlaggare.pk).has_perm(PROTECTED_IDENTITY_PERMISSION)
    assert AccessEvent.objects.filter(action=AccessAction.GRANT, username="gunnel").count() == 2


@pytest.mark.parametrize("junk", ["²", "١٢", "99999999999999999999", "-1"])
def test_the_placement_forms_person_parameter_takes_only_an_id(handlaggare, junk):
    """?person=² was a 500 (ValueError): a Unicode digit is no id; the form opens without a person."""
    response = login(handlaggare).get("/placeringar/create/", {"person": junk})
    assert response.status_code == 200
    assert response.context["form"].initial.get("id_number") is None
