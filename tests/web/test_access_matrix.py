"""Role × unit × URL: a handläggare or enhetschef reaches only their own units' persons and
cases; controller and systemförvaltare reach no case content; the access log is the
enhetschef's; anonymous users are sent to the log-in page. Nothing about another unit's
person (name, personnummer, address, id) or case shows up in any list, search, export or count."""

import csv
import datetime
import io
import re
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.test import Client
from django.urls import URLPattern

from config import urls
from socialtjanst.identity import synthetic_id_number
from socialtjanst.models import (
    Case,
    ChildInterview,
    ControlKind,
    ControlResult,
    ControlRound,
    Decision,
    Indicator,
    IndicatorComment,
    IndicatorValue,
    Intake,
    Intervention,
    Investigation,
    InvestigationExtension,
    Person,
    Screening,
)
from tests.conftest import login, search
from tests.factories import CaseFactory, PersonFactory

ROLES = ["handlaggare", "enhetschef", "controller", "systemforvaltare"]
STHLM = ZoneInfo("Europe/Stockholm")
EMPTY = "Inga rader att visa."
NEW_NUMBER = synthetic_id_number(datetime.date(2016, 4, 2), 7)

# (url name, method, path, POST data, expected status "own/other" for handläggare, enhetschef, controller,
# systemförvaltare). A single status means the URL names no object.
MATRIX = [
    ("home", "get", "/", None, "200 200 200 200"),
    ("login", "get", "/logga-in/", None, "200 200 200 200"),
    ("logout", "post", "/logga-ut/", {}, "302 302 302 302"),
    # Sign-in through the IdP is off unless IFO_OIDC_* is set (tests/socialtjanst/test_oidc.py turns it on).
    ("oidc_login", "get", "/logga-in/idp/", None, "404 404 404 404"),
    ("oidc_callback", "get", "/logga-in/idp/svar/", None, "404 404 404 404"),
    # Two-factor is off in the test run: nothing is owed, so the code page sends on; enrolment is offered.
    ("two_factor_verify", "get", "/logga-in/kod/", None, "302 302 302 302"),
    ("two_factor_enrol", "get", "/logga-in/tvafaktor/", None, "200 200 200 200"),
    ("admin:index", "get", "/admin/", None, "302 302 302 200"),
    # The e-tjänst API takes only its bearer token, never a session; its description is public.
    ("api_etjanst_intake", "post", "/api/e-tjanst/orosanmalningar/", {}, "401 401 401 401"),
    ("api_openapi", "get", "/api/openapi.json", None, "200 200 200 200"),
    ("socialtjanst:person_list", "get", "/personer/", None, "200 200 200 200"),
    ("socialtjanst:person_export", "get", "/personer/export.csv", None, "200 200 200 200"),
    ("socialtjanst:person_detail", "get", "/personer/{person}/", None, "200/404 200/404 404/404 404/404"),
    ("socialtjanst:person_update", "get", "/personer/{person}/update/", None, "200/404 200/404 404/404 404/404"),
    ("socialtjanst:person_update", "post", "/personer/{person}/update/",
     {"version": 1, "first_name": "Ändrad", "last_name": "Namnsson", "gender": "kvinna", "address": ""},
     "302/404 302/404 404/404 404/404"),
    ("socialtjanst:case_list", "get", "/arenden/", None, "200 200 200 200"),
    ("socialtjanst:case_create", "get", "/arenden/create/", None, "200 200 404 404"),
    ("socialtjanst:case_detail", "get", "/arenden/{case}/", None, "200/404 200/404 404/404 404/404"),
    ("socialtjanst:case_close", "post", "/arenden/{case}/close/", {"version": 1, "closed_on": "2025-06-01"},
     "302/404 302/404 404/404 404/404"),
    ("socialtjanst:todo", "get", "/att-gora/", None, "200 200 200 200"),
    # Fördelning (issue 15 point 1): only an enhetschef assigns (tests/web/test_assignment_web.py posts real cases);
    # a handläggare takes an unassigned case of her unit (the world's cases are hers already: a message, 302).
    ("socialtjanst:case_assign", "post", "/att-gora/fordela/",
     {"case": "999999999", "to_user": "1", "on": "2025-06-01"}, "404 404 404 404"),
    ("socialtjanst:case_take", "post", "/arenden/{case}/ta/", {}, "302/404 404/404 404/404 404/404"),
    # The journal and the case summary (issue 15 points 2 and 3): read by who sees the case, written by who may
    # change it; a draft save without the page's draft token is an ordinary log-in redirect for the anonymous.
    ("socialtjanst:journal", "get", "/arenden/{case}/journal/?q=samtal", None, "200/404 200/404 404/404 404/404"),
    ("socialtjanst:journal_draft_save", "post", "/arenden/{case}/journal/utkast/", {"text": "Utkast", "autosave": 1},
     "200/404 200/404 404/404 404/404"),
    ("socialtjanst:journal_draft_discard", "post", "/arenden/{case}/journal/utkast/kasta/", {},
     "302/404 302/404 404/404 404/404"),
    ("socialtjanst:journal_sign", "post", "/arenden/{case}/journal/signera/", {"text": "Utan datum"},
     "302/404 302/404 404/404 404/404"),
    ("socialtjanst:case_print", "get", "/arenden/{case}/utskrift/", None, "200/404 200/404 404/404 404/404"),
    ("socialtjanst:case_print_pdf", "get", "/arenden/{case}/utskrift.pdf", None, "200/404 200/404 404/404 404/404"),
    ("socialtjanst:intake_create", "get", "/anmalningar/create/", None, "200 200 404 404"),
    ("socialtjanst:intake_detail", "get", "/anmalningar/{intake}/", None, "200/404 200/404 404/404 404/404"),
    ("socialtjanst:safety_assess", "post", "/anmalningar/{intake}/skyddsbedomning/",
     {"assessed_on": "2025-01-10", "result": "inget_akut_skyddsbehov"}, "302/404 302/404 404/404 404/404"),
    ("socialtjanst:screening_create", "post", "/anmalningar/{intake}/forhandsbedomning/",
     {"decided_on": "2025-01-15", "outcome": "inte_inleda", "track": "andra_linjen"},
     "302/404 302/404 404/404 404/404"),
    ("socialtjanst:investigation_detail", "get", "/utredningar/{inv}/", None, "200/404 200/404 404/404 404/404"),
    ("socialtjanst:extension_create", "post", "/utredningar/{inv}/forlangning/",
     {"decided_on": "2025-03-01", "new_due_on": "2025-07-01", "reason": "Särskilda skäl"},
     "302/404 302/404 404/404 404/404"),
    ("socialtjanst:child_interview_create", "post", "/utredningar/{inv}/barnsamtal/", {"held_on": "2025-02-01"},
     "302/404 302/404 404/404 404/404"),
    ("socialtjanst:investigation_complete", "post", "/utredningar/{inv}/avsluta/",
     {"version": 1, "completed_on": "2025-03-01", "outcome": "insats"}, "302/404 302/404 404/404 404/404"),
    ("socialtjanst:decision_create", "post", "/arenden/{case}/beslut/",
     {"legal_basis": "SoL", "kind": "avslag", "decided_on": "2025-02-02"}, "302/404 302/404 404/404 404/404"),
    ("socialtjanst:intervention_create", "post", "/beslut/{decision}/insats/", {"kind": "kontaktfamilj"},
     "302/404 302/404 404/404 404/404"),
    ("socialtjanst:intervention_start", "post", "/insatser/{iv}/verkstall/", {"version": 1, "on": "2025-02-10"},
     "302/404 302/404 404/404 404/404"),
    ("socialtjanst:intervention_end", "post", "/insatser/{iv}/avsluta/", {"version": 1, "on": "2025-02-10"},
     "302/404 302/404 404/404 404/404"),
    ("socialtjanst:accessevent_list", "get", "/atkomstlogg/", None, "404 200 404 404"),
    ("socialtjanst:accessevent_export", "get", "/atkomstlogg/export.csv", None, "404 200 404 404"),
    ("socialtjanst:accessevent_export", "get", "/atkomstlogg/export.xlsx", None, "404 200 404 404"),
    # Gallring (socialtjanst.retention): the dry run is the systemförvaltare's; legal holds also the enhetschef's
    # (own units' cases). An unknown case number is a Swedish message and a redirect back.
    ("socialtjanst:retention", "get", "/gallring/", None, "404 200 404 200"),
    ("socialtjanst:legal_hold_set", "post", "/gallring/bevarande/", {"case": 999999, "reason": "Prov"},
     "404 302 404 302"),
    ("socialtjanst:legal_hold_release", "post", "/gallring/bevarande/hav/", {"case": 999999, "reason": "Prov"},
     "404 302 404 302"),
    ("socialtjanst:paternity_adoption_mark", "post", "/gallring/faderskap-adoption/", {"fa-case": 999999},
     "404 302 404 302"),
    ("socialtjanst:paternity_adoption_unmark", "post", "/gallring/faderskap-adoption/ta-bort/",
     {"case": 999999, "reason": "Prov"}, "404 302 404 302"),
    # The four-eyes grant screen is for a holder of grant_protected_identity only, a permission of no role
    # (tests/web/test_cross_unit_case.py opens it as one).
    ("socialtjanst:protected_identity_grants", "get", "/behorigheter/skyddade/", None, "404 404 404 404"),
    ("socialtjanst:protected_identity_grants", "post", "/behorigheter/skyddade/",
     {"user": 1, "reason": "Prov"}, "404 404 404 404"),
    ("socialtjanst:protected_identity_revoke", "post", "/behorigheter/skyddade/ta-bort/", {"user": 1},
     "404 404 404 404"),
    # Reports (common.reporting): the index lists what a role may open; each report's `allowed` decides
    # the rest. Deadlines and intake statistics: enhetschef (own units) and controller (all units, figures only);
    # the budget reports are the controller's alone (the facts have no unit dimension).
    ("report_index", "get", "/rapporter/", None, "200 200 200 200"),
    ("report_page", "get", "/rapporter/deadlines/", None, "404 200 200 404"),
    ("report_page", "get", "/rapporter/intake_statistics/", None, "404 200 200 404"),
    ("report_page", "get", "/rapporter/placement_days/", None, "404 404 200 404"),
    ("report_page", "get", "/rapporter/volume_followup/", None, "404 404 200 404"),
    ("report_page", "get", "/rapporter/cost_centres/", None, "404 404 200 404"),
    ("report_page", "get", "/rapporter/purchases/", None, "404 404 200 404"),
    ("report_page", "get", "/rapporter/placement_stability/", None, "404 200 200 404"),
    ("report_page", "get", "/rapporter/finns-inte/", None, "404 404 404 404"),
    ("report_export", "get", "/rapporter/deadlines/export.json", None, "404 200 200 404"),
    ("report_export", "get", "/rapporter/intake_statistics/export.csv", None, "404 200 200 404"),
    ("report_export", "get", "/rapporter/placement_days/export.xlsx", None, "404 404 200 404"),
    ("report_export", "get", "/rapporter/volume_followup/export.json", None, "404 404 200 404"),
    ("report_export", "get", "/rapporter/cost_centres/export.csv", None, "404 404 200 404"),
    ("report_export", "get", "/rapporter/purchases/export.xlsx", None, "404 404 200 404"),
    ("report_export", "get", "/rapporter/deadlines/export.pdf", None, "404 404 404 404"),
    # The follow-up tables as reports (issue 14 point 9): each as its page is.
    ("report_export", "get", "/rapporter/forecast/export.xlsx", None, "404 404 200 404"),
    ("report_export", "get", "/rapporter/followup_months/export.csv", None, "404 404 200 404"),
    ("report_export", "get", "/rapporter/indicators/export.xlsx", None, "404 200 200 404"),
    ("report_export", "get", "/rapporter/control_rounds/export.csv", None, "404 200 404 404"),
    ("report_export", "get", "/rapporter/intakes_by_reporter/export.xlsx", None, "404 200 200 404"),
    ("report_export", "get", "/rapporter/intakes_by_concern/export.csv", None, "404 200 200 404"),
    ("report_export", "get", "/rapporter/intakes_by_channel/export.json", None, "404 200 200 404"),
    ("report_export", "get", "/rapporter/decisions_by_law/export.xlsx", None, "404 200 200 404"),
    # Deadline follow-up and the IVO list: the enhetschef's own units with names, the controller's whole
    # municipality with case numbers only (test_followup_pages_show_no_identity_outside_the_unit).
    ("socialtjanst:deadline_report", "get", "/uppfoljning/frister/", None, "404 200 200 404"),
    ("socialtjanst:deadline_misses", "get", "/uppfoljning/frister/utredningar/", None, "404 200 200 404"),
    ("socialtjanst:deadline_misses", "get", "/uppfoljning/frister/finns-inte/", None, "404 404 404 404"),
    ("socialtjanst:deadline_misses", "get", "/uppfoljning/frister/overvaganden/", None, "404 200 200 404"),
    ("socialtjanst:deadline_misses_export", "get", "/uppfoljning/frister/utredningar/export.xlsx", None,
     "404 200 200 404"),
    ("socialtjanst:deadline_misses_export", "get", "/uppfoljning/frister/forhandsbedomningar/export.csv", None,
     "404 200 200 404"),
    ("socialtjanst:deadline_misses_export", "get", "/uppfoljning/frister/utredningar/export.pdf", None,
     "404 404 404 404"),
    ("socialtjanst:reactualisation_report", "get", "/uppfoljning/ateraktualisering/", None, "404 200 200 404"),
    ("socialtjanst:reactualisation_cases", "get", "/uppfoljning/ateraktualisering/arenden/", None, "404 200 200 404"),
    ("socialtjanst:ivo_list", "get", "/uppfoljning/ivo/", None, "404 200 200 404"),
    ("socialtjanst:ivo_export", "get", "/uppfoljning/ivo/export.csv", None, "404 200 200 404"),
    ("socialtjanst:ivo_export", "get", "/uppfoljning/ivo/export.xlsx", None, "404 200 200 404"),
    # Internal controls are the enhetschef's, on the own units' cases.
    ("socialtjanst:controlround_list", "get", "/uppfoljning/kontroller/", None, "404 200 404 404"),
    ("socialtjanst:controlround_create", "get", "/uppfoljning/kontroller/create/", None, "404 200 404 404"),
    ("socialtjanst:controlround_detail", "get", "/uppfoljning/kontroller/{round}/", None,
     "404/404 200/404 404/404 404/404"),
    ("socialtjanst:control_investigation_times", "get", "/uppfoljning/kontroller/utredningstider/", None,
     "404 200 404 404"),
    ("socialtjanst:control_child_interviews", "get", "/uppfoljning/kontroller/barnsamtal/", None,
     "404 200 404 404"),
    ("socialtjanst:control_investigation_times_export", "get",
     "/uppfoljning/kontroller/utredningstider/export.xlsx", None, "404 200 404 404"),
    ("socialtjanst:control_child_interviews_export", "get",
     "/uppfoljning/kontroller/barnsamtal/export.csv?period_from=2025-01-01&period_to=2025-12-31", None,
     "404 200 404 404"),
    ("socialtjanst:control_sample", "get", "/uppfoljning/kontroller/stickprov/", None, "404 200 404 404"),
    # Kontroller's registered lists (socialtjanst.todo_sources): the controller sees the count, downloads nothing.
    ("socialtjanst:control_list", "get", "/uppfoljning/kontroller/listor/overvaganden/", None, "404 200 200 404"),
    ("socialtjanst:control_list", "get", "/uppfoljning/kontroller/listor/finns-inte/", None, "404 404 404 404"),
    ("socialtjanst:control_list_export", "get", "/uppfoljning/kontroller/listor/overvaganden/export.csv", None,
     "404 200 404 404"),
    ("socialtjanst:control_list_export", "get", "/uppfoljning/kontroller/listor/overvaganden/export.pdf", None,
     "404 404 404 404"),
    ("socialtjanst:control_sample_export", "get", "/uppfoljning/kontroller/stickprov/export.csv?kind=beslut"
     "&period_from=2025-01-01&period_to=2025-12-31&size=5&seed=42", None, "404 200 404 404"),
    ("socialtjanst:control_sample_export", "get", "/uppfoljning/kontroller/stickprov/export.xlsx?kind=beslut"
     "&period_from=2025-01-01&period_to=2025-12-31&size=5", None, "404 404 404 404"),  # no seed: no sample
    ("socialtjanst:intake_statistics", "get", "/uppfoljning/anmalningar/", None, "404 200 200 404"),
    # The indicator register holds figures, never case data: enhetschef and controller read all of it; the
    # controller keeps every indicator, the enhetschef those of the own units. A value or comment posted to
    # another unit's indicator is refused with a message (302 back, nothing written:
    # test_an_enhetschef_cannot_write_to_another_units_indicator).
    ("socialtjanst:indicator_list", "get", "/indikatorer/", None, "404 200 200 404"),
    ("socialtjanst:indicator_create", "get", "/indikatorer/create/", None, "404 200 200 404"),
    ("socialtjanst:indicator_refresh", "post", "/indikatorer/uppdatera/", {"year": 2025}, "404 404 302 404"),
    ("socialtjanst:indicator_detail", "get", "/indikatorer/{indicator}/", None, "404/404 200/200 200/200 404/404"),
    ("socialtjanst:indicator_update", "get", "/indikatorer/{indicator}/update/", None,
     "404/404 200/404 200/200 404/404"),
    ("socialtjanst:indicator_value_set", "post", "/indikatorer/{indicator}/varden/", {"year": 2025, "value": "3"},
     "404/404 302/302 302/302 404/404"),
    ("socialtjanst:indicator_comment_add", "post", "/indikatorer/{indicator}/kommentarer/",
     {"year": 2025, "text": "Följs upp."}, "404/404 302/302 302/302 404/404"),
    # Case data is not registered in the admin: no way around the access module there.
    ("admin:socialtjanst", "get", "/admin/socialtjanst/person/", None, "302 302 302 404"),
    ("admin:socialtjanst", "get", "/admin/socialtjanst/case/", None, "302 302 302 404"),
    ("admin:socialtjanst", "get", "/admin/socialtjanst/accessevent/", None, "302 302 302 404"),
]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The matrix creates users in every one of its many cases: a cheap hash keeps it quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(units, handlaggare):
    """A full case flow in the own unit and one in the other unit, with an indicator and a control round
    for each unit. The handläggare is recorded as responsible in both (as after moving between units):
    responsibility must never widen access."""
    sides = {}
    for side, first, last, address in [
        ("own", "Egon", "Klientsson", "Klientvägen 2"),
        ("other", "Ottilia", "Främlingsson", "Hemliga gränd 13"),
    ]:
        person = PersonFactory(first_name=first, last_name=last, address=address)
        case = CaseFactory(person=person, unit=units[side], responsible=handlaggare,
                           opened_on=datetime.date(2025, 1, 10))
        intake = Intake.objects.create(
            case=case, kind="orosanmalan", received_at=datetime.datetime(2025, 1, 10, 9, tzinfo=STHLM),
            received_on=datetime.date(2025, 1, 10), channel="telefon", target_group="barn_unga",
            registered_by=handlaggare,
        )
        inv = Investigation.objects.create(case=case, started_on=datetime.date(2025, 1, 20), responsible=handlaggare)
        decision = Decision.objects.create(case=case, investigation=inv, legal_basis="SoL", kind="bistand",
                                           decided_on=datetime.date(2025, 2, 1), decided_by=handlaggare)
        iv = Intervention.objects.create(decision=decision, kind="oppenvard")
        indicator = Indicator.objects.create(name=f"Indikator {side}", responsible_unit=units[side],
                                             target_value=100, unit_of_measure="%")
        control_round = ControlRound.objects.create(
            kind=ControlKind.ACCESS, performed_by=handlaggare, unit=units[side], period_from=datetime.date(2025, 1, 1),
            period_to=datetime.date(2025, 3, 31), result=ControlResult.NO_DEVIATION)
        sides[side] = SimpleNamespace(
            person=person, case=case, intake=intake, inv=inv, decision=decision, iv=iv, indicator=indicator,
            ids={"person": person.pk, "case": case.pk, "intake": intake.pk, "inv": inv.pk,
                 "decision": decision.pk, "iv": iv.pk, "indicator": indicator.pk, "round": control_round.pk},
        )
    return SimpleNamespace(**sides)


def secrets(side):
    """What must never reach a user outside the side's unit."""
    p = side.person
    return [p.first_name, p.last_name, p.address, p.id_number, p.id_number.replace("-", ""),
            f"/personer/{p.pk}/", f"/arenden/{side.case.pk}/", f"/anmalningar/{side.intake.pk}/",
            f"/utredningar/{side.inv.pk}/"]


def state():
    """Every row a POST could change."""
    return (
        list(Person.objects.order_by("pk").values_list("pk", "first_name", "last_name", "gender", "version")),
        list(Case.objects.order_by("pk").values_list("pk", "status", "closed_on", "version")),
        list(Intake.objects.order_by("pk").values_list("pk", "safety_result", "version")),
        list(Investigation.objects.order_by("pk").values_list("pk", "completed_on", "version")),
        list(Intervention.objects.order_by("pk").values_list("pk", "started_on", "ended_on", "version")),
        Screening.objects.count(), InvestigationExtension.objects.count(), ChildInterview.objects.count(),
        Decision.objects.count(), Intervention.objects.count(),
    )


def without_filter_form(body):
    """The page minus the search form, which echoes the user's own query back."""
    return re.sub(r'<form method="get" class="filters">.*?</form>', "", body, flags=re.S)


def table_rows(body):
    tbody = re.search(r"<tbody[^>]*>(.*?)</tbody>", body, flags=re.S)
    return re.findall(r"<tr\b", tbody.group(1)) if tbody else []


def _request(client, method, path, data):
    return client.post(path, data) if method == "post" else client.get(path)


# The health endpoints answer anyone, without a session, whatever the role: tests/web/test_health.py.
HEALTH_URL_NAMES = {"health_live", "health_ready"}


def test_the_matrix_covers_every_url():
    """Every route config/urls.py defines itself; placements/ has its own app and tests."""
    names = set()
    for p in urls.urlpatterns:
        if isinstance(p, URLPattern):
            names.add(p.name)
        elif p.namespace == "admin":
            names.add("admin:index")
        elif p.namespace == "socialtjanst":
            names |= {f"socialtjanst:{q.name}" for q in p.url_patterns}
    assert names - HEALTH_URL_NAMES == {row[0] for row in MATRIX if row[0] != "admin:socialtjanst"}


@pytest.mark.django_db
@pytest.mark.parametrize("role_index,role", list(enumerate(ROLES)))
@pytest.mark.parametrize("name,method,path,data,expected", MATRIX, ids=[f"{r[1]}:{r[2]}" for r in MATRIX])
def test_status_for_own_and_other_units_object(request, world, role_index, role, name, method, path, data, expected):
    client = login(request.getfixturevalue(role))
    own_status, _, other_status = expected.split()[role_index].partition("/")
    if "{" not in path:
        assert _request(client, method, path, data).status_code == int(own_status)
        return
    before = state()
    response = _request(client, method, path.format(**world.other.ids), data)
    assert response.status_code == int(other_status)
    if "{indicator}" not in path:  # the indicator register is municipality-wide figures, not case content
        assert response.status_code == 404
        assert state() == before
        body = response.content.decode()
        assert not [s for s in secrets(world.other) if s in body]

    response = _request(client, method, path.format(**world.own.ids), data)
    assert response.status_code == int(own_status)
    if response.status_code == 404:
        assert state() == before


@pytest.mark.django_db
@pytest.mark.parametrize("name,method,path,data,expected", MATRIX, ids=[f"{r[1]}:{r[2]}" for r in MATRIX])
def test_anonymous_is_sent_to_log_in_for_every_url(world, name, method, path, data, expected):
    before = state()
    path = path.format(**world.own.ids)
    response = _request(Client(), method, path, data)
    if name in ("login", "api_openapi"):
        assert response.status_code == 200
        return
    if name in ("oidc_login", "oidc_callback"):  # open without a log-in, and absent while OIDC is off
        assert response.status_code == 404 and state() == before
        return
    if name == "api_etjanst_intake":  # a machine client gets 401, not a log-in page
        assert response.status_code == 401 and state() == before
        return
    login_page = "/admin/login/" if path.startswith("/admin/") else "/logga-in/"  # the admin keeps its own form
    assert response.status_code == 302
    assert response["Location"].startswith(f"{login_page}?next=")
    assert state() == before


LIST_URLS = [
    "/personer/", "/personer/?q=Främlingsson", "/personer/?q=Ottilia", "/personer/?q={pnr}", "/personer/?q={short}",
    "/personer/?sort=birth_date", "/personer/export.csv", "/personer/export.csv?q=Främlingsson",
    "/personer/export.csv?q={pnr}", "/arenden/", "/arenden/?unit={unit}", "/arenden/?status=pagaende",
    "/att-gora/", "/att-gora/?unit={unit}&mine=0", "/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", LIST_URLS)
def test_lists_searches_and_exports_never_show_the_other_units_person(request, world, units, role, url):
    client = login(request.getfixturevalue(role))
    p = world.other.person
    url = url.format(pnr=p.id_number, short=p.id_number[2:], unit=units["other"].pk)
    path, _, echoed = url.partition("?q=")  # the user's own query comes back in the search box
    if echoed:  # a search is posted (socialtjanst.searches); the export takes the same ?sok= token
        export = path if path.endswith(".csv") else None
        response = search(client, "/personer/", {"q": echoed}, export=export)
    else:
        response = client.get(url)
    assert response.status_code == 200
    body = without_filter_form(response.content.decode())
    assert not [s for s in secrets(world.other) if s in body and s != echoed]


@pytest.mark.django_db
@pytest.mark.parametrize("role,own_rows", [("handlaggare", 1), ("enhetschef", 1), ("controller", 0),
                                           ("systemforvaltare", 0)])
@pytest.mark.parametrize("url", ["/personer/", "/arenden/"])
def test_tables_count_only_own_units_rows(request, world, role, own_rows, url):
    body = login(request.getfixturevalue(role)).get(url).content.decode()
    if own_rows:
        assert len(table_rows(body)) == 1
        assert "Egon Klientsson" in body
    else:
        assert len(table_rows(body)) == 1 and EMPTY in body
        assert "Klientsson" not in body


@pytest.mark.django_db
@pytest.mark.parametrize("role,own_rows", [("handlaggare", 1), ("enhetschef", 1), ("controller", 0),
                                           ("systemforvaltare", 0)])
def test_csv_export_holds_only_own_units_persons(request, world, role, own_rows):
    response = login(request.getfixturevalue(role)).get("/personer/export.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Personnummer", "Namn", "Kön", "Född"]
    expected = [[world.own.person.id_number, "Egon Klientsson", "Okänt", str(world.own.person.birth_date)]]
    assert rows[1:] == expected[:own_rows]


@pytest.mark.django_db
def test_searches_for_the_other_units_person_find_nothing(world, handlaggare):
    client = login(handlaggare)
    for q in ["Främlingsson", "Ottilia", world.other.person.id_number]:
        body = search(client, "/personer/", {"q": q}).content.decode()
        assert len(table_rows(body)) == 1 and EMPTY in body
    body = search(client, "/personer/", {"q": "Klientsson"}).content.decode()
    assert len(table_rows(body)) == 1 and "Egon Klientsson" in body


@pytest.mark.django_db
def test_home_counts_only_own_units_open_cases(world, units, handlaggare, enhetschef):
    CaseFactory(unit=units["other"], responsible=handlaggare)
    CaseFactory(unit=units["adult"], responsible=enhetschef)
    assert "Dina pågående ärenden: <strong>1</strong>" in login(handlaggare).get("/").content.decode()
    assert "Pågående ärenden i dina enheter: <strong>1</strong>" in login(enhetschef).get("/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role,total", [("handlaggare", 4), ("enhetschef", 4), ("controller", 0),
                                        ("systemforvaltare", 0)])
def test_todo_totals_count_only_own_units_items(request, world, role, total):
    body = login(request.getfixturevalue(role)).get("/att-gora/").content.decode()
    assert f"{total} öppna punkter, varav" in body


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["handlaggare", "enhetschef"])
def test_earlier_reports_lookup_does_not_show_the_other_units_intake(request, world, role):
    client = login(request.getfixturevalue(role))
    body = client.post("/anmalningar/create/", {"lookup": "1", "id_number": world.other.person.id_number}
                       ).content.decode()
    assert "Inga tidigare anmälningar i dina enheter." in body
    assert f"/anmalningar/{world.other.intake.pk}/" not in body
    assert "Främlingsson" not in body and "Hemliga gränd" not in body


@pytest.mark.django_db
@pytest.mark.parametrize("path,extra", [
    ("/arenden/create/", {"id_number": NEW_NUMBER, "first_name": "Ny", "last_name": "Klient"}),
    ("/anmalningar/create/", {"save": "1", "id_number": NEW_NUMBER, "kind": "orosanmalan",
                              "received_at": "2025-03-01 10:00", "channel": "telefon", "gender": "okant"}),
])
def test_nothing_can_be_opened_in_another_unit(world, units, handlaggare, path, extra):
    before = state()
    response = login(handlaggare).post(path, {"unit": units["other"].pk, **extra})
    assert response.status_code == 200
    assert "Välj ett giltigt alternativ" in response.content.decode()
    assert state() == before
    assert not Person.objects.filter(id_number=NEW_NUMBER).exists()


@pytest.mark.django_db
def test_a_person_shared_with_another_unit_shows_only_own_units_cases(world, units, handlaggare):
    shared = CaseFactory(person=world.own.person, unit=units["other"], responsible=handlaggare)
    client = login(handlaggare)
    body = client.get(f"/personer/{world.own.person.pk}/").content.decode()
    assert f'href="/arenden/{world.own.case.pk}/"' in body
    assert f"/arenden/{shared.pk}/" not in body and "Utredning barn och unga" not in body
    assert client.get(f"/arenden/{shared.pk}/").status_code == 404


@pytest.mark.django_db
def test_the_decision_forms_back_address_stays_on_site(world, handlaggare):
    response = login(handlaggare).post(f"/arenden/{world.own.case.pk}/beslut/", {"back": "//evil.example/x"})
    assert response.status_code == 302
    assert response["Location"] == f"/arenden/{world.own.case.pk}/"


@pytest.mark.django_db
def test_the_access_log_exports_only_csv_and_xlsx(world, enhetschef):
    assert login(enhetschef).get("/atkomstlogg/export.pdf").status_code == 404


def download_text(response) -> str:
    """A page, CSV or JSON as text; an XLSX download as its cells' text."""
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row
                         if c is not None)
    return response.content.decode("utf-8-sig")


FOLLOWUP_URLS = [
    "/uppfoljning/frister/?year=2025", "/uppfoljning/frister/utredningar/?year=2025",
    "/uppfoljning/frister/verkstallighet/?year=2025", "/uppfoljning/frister/forhandsbedomningar/?year=2025",
    "/uppfoljning/frister/utredningar/export.csv?year=2025", "/uppfoljning/frister/utredningar/export.xlsx?year=2025",
    "/uppfoljning/frister/verkstallighet/export.xlsx?year=2025", "/uppfoljning/ivo/?year=2025&quarter=2",
    "/uppfoljning/ivo/export.csv?year=2025&quarter=2", "/uppfoljning/ivo/export.xlsx?year=2025&quarter=2",
    "/uppfoljning/anmalningar/?year=2025", "/rapporter/deadlines/?year=2025",
    "/rapporter/deadlines/export.json?year=2025",
    "/rapporter/intake_statistics/?year=2025", "/rapporter/intake_statistics/export.csv?year=2025",
    "/rapporter/intake_statistics/export.xlsx?year=2025", "/indikatorer/?year=2025", "/indikatorer/{indicator}/",
    # Asking for the other unit by its code gives the enhetschef nothing of it.
    "/uppfoljning/frister/utredningar/?year=2025&unit=UTR_BARN",
    "/uppfoljning/frister/utredningar/export.csv?year=2025&unit=UTR_BARN",
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["enhetschef", "controller"])
@pytest.mark.parametrize("url", FOLLOWUP_URLS)
def test_followup_pages_show_no_identity_outside_the_unit(request, world, role, url):
    """Deadline follow-up, IVO list, statistics, reports and indicators: an enhetschef sees no person of
    another unit, a controller (figures and case numbers only) no person at all."""
    response = login(request.getfixturevalue(role)).get(url.format(**world.other.ids))
    assert response.status_code == 200
    text = download_text(response)
    hidden = secrets(world.other) + (secrets(world.own) if role == "controller" else [])
    assert not [s for s in hidden if s in text]


@pytest.mark.django_db
@pytest.mark.parametrize("role,rows,named", [("enhetschef", 1, True), ("controller", 2, False)])
def test_the_deadline_drilldown_lists_the_misses_in_scope(request, world, role, rows, named):
    """The misses behind the share: the enhetschef's own unit with the person, every unit for the
    controller with case numbers only."""
    body = login(request.getfixturevalue(role)).get("/uppfoljning/frister/utredningar/?year=2025").content.decode()
    assert len(table_rows(body)) == rows
    assert ("Egon Klientsson" in body) is named
    assert f">{world.own.case.pk}<" in body


@pytest.mark.django_db
@pytest.mark.parametrize("path,data,model", [
    ("/indikatorer/{indicator}/varden/", {"year": 2025, "value": "3"}, IndicatorValue),
    ("/indikatorer/{indicator}/kommentarer/", {"year": 2025, "text": "Följs upp."}, IndicatorComment),
])
def test_an_enhetschef_writes_only_to_the_own_units_indicators(world, enhetschef, path, data, model):
    client = login(enhetschef)
    assert client.post(path.format(**world.other.ids), data).status_code == 302
    assert not model.objects.exists()
    assert client.post(path.format(**world.own.ids), data).status_code == 302
    assert list(model.objects.values_list("indicator", flat=True)) == [world.own.indicator.pk]


@pytest.mark.django_db
def test_the_intake_statistics_cannot_be_narrowed_to_another_unit(world, units, enhetschef, controller):
    assert login(enhetschef).get("/uppfoljning/anmalningar/", {"unit": units["other"].pk}).status_code == 404
    assert login(enhetschef).get("/uppfoljning/anmalningar/", {"unit": units["own"].pk}).status_code == 200
    assert login(controller).get("/uppfoljning/anmalningar/", {"unit": units["other"].pk}).status_code == 200
