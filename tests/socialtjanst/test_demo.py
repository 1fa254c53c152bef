"""The demo municipality is believable (issue 14 point 13): children and adults, every intake kind, a caseload of
30–60 open cases per handläggare, agreements with price lists, a budget on every care type of the à-pris report,
indicators with values, control rounds with a stickprov, an e-tjänst client whose token works, and a `make run`
banner that names every demo user. Deterministic, synthetic and idempotent."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q
from django.test import Client
from django.utils import timezone

from budget.demo import load_demo_budget
from budget.demo_closing import load_demo_closings
from budget.models import Budget
from budget.reports import placement_days
from common import kept
from placements.demo import PROVIDERS, load_demo_placements
from placements.models import Agreement, AgreementPrice, Placement, PricePeriod, Provider
from socialtjanst.demo import UNITS, load_demo
from socialtjanst.demo_caseflow import load_demo_inflow
from socialtjanst.demo_followup import (
    ETJANST_NAME,
    INDICATORS,
    demo_etjanst_client,
    load_demo_followup,
    token_file_for,
)
from socialtjanst.demo_staff import USERS, caseload_spread
from socialtjanst.models import (
    Case,
    ControlRound,
    Decision,
    EServiceClient,
    Indicator,
    IndicatorValue,
    Intake,
    IntakeKind,
    Investigation,
    Person,
    Screening,
    TargetGroup,
    UnitMembership,
)
from socialtjanst.roles import Role
from tests.factories import CaseFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/e-tjanst/orosanmalningar/"
HVB = {"HVB_BOU", "HVB_VUXEN"}


def load_everything(token_file: Path) -> dict:
    result = {"demo": load_demo(), "inflow": load_demo_inflow(), "spread": caseload_spread(),
              "followup": load_demo_followup(token_file=token_file)}
    result["placements"] = load_demo_placements()
    result["budget"] = load_demo_budget()
    result["closed"] = load_demo_closings()  # rolls the months up, as `manage.py load_demo_budget` does
    return result


def snapshot() -> dict:
    models = (Person, Case, Intake, Screening, Investigation, Decision, Placement, PricePeriod, Agreement,
              AgreementPrice, Budget, Indicator, IndicatorValue, ControlRound, EServiceClient, User)
    return {"counts": {m.__name__: m.objects.count() for m in models},
            "responsible": list(Case.objects.order_by("pk").values_list("pk", "responsible_id")),
            "token": EServiceClient.objects.values_list("token_sha256", flat=True).first()}


def open_caseloads() -> dict[str, int]:
    handlaggare = [u[0] for u in USERS if u[3] == Role.HANDLAGGARE]
    return dict(User.objects.filter(username__in=handlaggare).annotate(
        n=Count("responsible_cases", filter=Q(responsible_cases__status=Case.Status.OPEN)))
        .values_list("username", "n"))


def test_the_demo_municipality_is_believable_and_a_second_load_changes_nothing(tmp_path):
    token_file = tmp_path / "token.txt"
    first = load_everything(token_file)
    today = timezone.localdate()
    # The loaders pause the kept report tables and remake them once (common.kept): each equals its live SQL.
    with connection.cursor() as cur:
        assert set(kept.differences(cur).values()) == {(0, 0)}

    # Children and adults, every intake kind; adults apply (ansökan) and get no skyddsbedömning.
    assert first["inflow"] == 3000 + 650
    assert set(Intake.objects.values_list("kind", flat=True)) == set(IntakeKind.values)
    adults = Intake.objects.filter(target_group=TargetGroup.ADULTS)
    assert adults.count() == 650
    assert adults.filter(kind=IntakeKind.APPLICATION).count() > 300
    assert not adults.filter(safety_assessed_on__isnull=False).exists()
    assert not Intake.objects.exclude(kind=IntakeKind.REPORT).filter(safety_assessed_on__isnull=False).exists()
    for target_group in TargetGroup.values:
        kinds = set(Intake.objects.filter(target_group=target_group).values_list("kind", flat=True))
        assert kinds == set(IntakeKind.values), target_group
    assert set(Case.objects.values_list("unit__code", flat=True)) == {code for code, *_ in UNITS}
    assert Case.objects.filter(status=Case.Status.CLOSED).count() > 1000

    # Every open case has a handläggare of its own unit, and each handläggare has 30–60 open cases.
    assert not Case.objects.filter(status=Case.Status.OPEN, responsible__isnull=True).exists()
    own_unit = UnitMembership.objects.filter(user=OuterRef("responsible"), unit=OuterRef("unit"))
    assert not Case.objects.filter(status=Case.Status.OPEN).exclude(Exists(own_unit)).exists()
    loads = open_caseloads()
    assert len(loads) == 21
    assert min(loads.values()) >= 30 and max(loads.values()) <= 60, loads
    assert not Investigation.objects.filter(completed_on__isnull=True).exclude(
        responsible=F("case__responsible")).exists()

    # Every personnummer is in Skatteverket's test series (födelsenummer 980–999).
    assert all(980 <= int(n[9:12]) <= 999 for n in Person.objects.values_list("id_number", flat=True))

    # A framework agreement with a price list for every provider but SiS; each HVB provider prices its HVB.
    assert first["placements"]["agreements"] == 9
    for provider in Provider.objects.filter(name__in=[name for name, _nine, codes in PROVIDERS if HVB & set(codes)]):
        prices = AgreementPrice.objects.filter(agreement__provider=provider, care_type__code__in=HVB)
        assert prices.filter(valid_from__year=today.year, daily_price__gt=0).exists(), provider.name
    assert not Agreement.objects.filter(provider__name__startswith="Statens institutionsstyrelse").exists()
    with_agreement = Placement.objects.filter(agreement__isnull=False)
    assert with_agreement.count() > 200
    placement = with_agreement.filter(start_on__year=today.year - 1).order_by("pk").first()
    listed = AgreementPrice.objects.get(agreement=placement.agreement, care_type=placement.care_type,
                                        valid_from__year=today.year - 1)
    assert placement.price_periods.order_by("valid_from").first().daily_price == listed.daily_price

    # The à-pris report: a budget on every care type, and deviations that are not the whole cost.
    assert Budget.objects.filter(care_type__isnull=True).count() == 0
    assert Budget.objects.filter(year=today.year).count() == 14
    for year, through in ((today.year - 1, None), (today.year, max(today.month - 1, 1))):
        report = placement_days(user=None, year=year, through_month=through)
        assert len(report.rows) == 14
        for row in report.rows:
            assert row["cost_budget"] > 0, (year, row["care_type"])
            assert abs(row["deviation"]) < row["cost_budget"] / 2, (year, row["care_type"], row["deviation"])

    # Indicators with values, control rounds with a stickprov, the e-tjänst client.
    assert Indicator.objects.count() == len(INDICATORS) == 8
    for indicator in Indicator.objects.all():
        assert indicator.values.filter(value__isnull=False).exists(), indicator.name
    assert IndicatorValue.objects.filter(indicator__source="", year=today.year - 1).count() == 4
    assert sorted(ControlRound.objects.values_list("kind", flat=True)) == [
        "barnsamtal", "behorighet", "stickprov", "stickprov", "utredningstider"]
    sizes = sorted(len(r.sample["ids"]) for r in ControlRound.objects.filter(kind="stickprov"))
    assert sizes == [8, 10]
    assert first["followup"]["control_rounds"] == 5
    client = EServiceClient.objects.get()
    assert client.name == ETJANST_NAME and client.unit.code == "MOTT_BARN"
    through_etjanst = Intake.objects.filter(e_service_client=client)
    assert first["followup"]["etjanst_intakes"] == through_etjanst.count() > 100
    assert set(through_etjanst.values_list("channel", "kind", "registered_by")) == {
        ("e_tjanst", "orosanmalan", client.user_id)}
    assert token_file.read_text().strip() == first["followup"]["etjanst_token"]

    # A second load adds and moves nothing.
    before = snapshot()
    second = load_everything(token_file)
    assert second["demo"] == {"persons": 0, "cases": 0}
    assert (second["inflow"], second["spread"]) == (0, 0)
    assert second["followup"] == {"indicators": 0, "control_rounds": 0, "etjanst_token": None, "etjanst_intakes": 0}
    assert (second["placements"]["placements"], second["budget"]["created"], second["closed"]) == (0, 0, 0)
    assert snapshot() == before


def test_the_etjanst_client_takes_a_report_with_the_token_make_run_shows(tmp_path):
    unit = UnitFactory(code="MOTT_BARN", name="Mottagning barn och unga", is_intake=True)
    token_file = tmp_path / "var" / "etjanst-demo-token.txt"
    token = demo_etjanst_client(token_file=token_file)
    assert token_file.read_text() == token + "\n"
    assert (tmp_path / "var" / ".gitignore").read_text().endswith("*\n")
    assert demo_etjanst_client(token_file=token_file) is None  # kept while the copy opens the client

    body = {"referens": "DEMO-1", "inkom": timezone.localtime().replace(microsecond=0).isoformat(),
            "anmalare_kategori": "skola", "personnummer": "20150315-9863", "oro_kategorier": ["skolfranvaro"],
            "beskrivning": "Eleven har varit borta från skolan i tre veckor."}
    response = Client().post(URL, json.dumps(body), content_type="application/json",
                             headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.content
    intake = Intake.objects.get()
    assert (intake.case.unit, intake.e_service_client.name, intake.channel) == (unit, ETJANST_NAME, "e_tjanst")

    # A new install (no copy of the token): a new token, and the old one stops working.
    token_file.unlink()
    renewed = demo_etjanst_client(token_file=token_file)
    assert renewed not in (None, token) and token_file.read_text() == renewed + "\n"
    again = Client().post(URL, json.dumps({**body, "referens": "DEMO-2"}), content_type="application/json",
                          headers={"Authorization": f"Bearer {token}"})
    assert again.status_code == 401


def test_caseload_spread_moves_cases_from_an_overloaded_handlaggare_and_keeps_a_fair_reassignment():
    mott = UnitFactory(code="MOTT_BARN", name="Mottagning barn och unga")
    hanna = UserFactory(username="handlaggare", role=Role.HANDLAGGARE, units=[mott])
    johanna = UserFactory(username="handlaggare3", role=Role.HANDLAGGARE, units=[mott])
    mikael = UserFactory(username="handlaggare4", role=Role.HANDLAGGARE, units=[mott])
    outsider = UserFactory(username="someone", role=Role.HANDLAGGARE, units=[])
    cases = [CaseFactory(unit=mott, responsible=hanna) for _ in range(100)]
    CaseFactory(unit=mott, responsible=outsider)
    CaseFactory(unit=mott, responsible=None)
    CaseFactory(unit=mott, responsible=johanna, status=Case.Status.CLOSED, closed_on=timezone.localdate())

    moved = caseload_spread()

    assert open_caseloads() == {"handlaggare": 34, "handlaggare3": 34, "handlaggare4": 34}
    assert moved == 100 - 34 + 2
    assert caseload_spread() == 0
    # A case handed over in the application stays where it was put while nobody is overloaded.
    Case.objects.filter(pk=cases[0].pk).update(responsible=mikael)
    assert caseload_spread() == 0
    assert Case.objects.get(pk=cases[0].pk).responsible == mikael


BANNER = re.compile(r"cat <<MSG\n(.*?)\nMSG\n", re.S)


def test_the_make_run_banner_names_every_demo_user_with_role_and_units_and_the_token():
    banner = BANNER.search((Path(settings.BASE_DIR) / "scripts" / "run.sh").read_text()).group(1)
    unit_names = {code: name for code, name, *_ in UNITS}
    labels = {Role.HANDLAGGARE: "Handläggare", Role.ENHETSCHEF: "Enhetschef", Role.CONTROLLER: "Controller",
              Role.SYSTEMFORVALTARE: "Systemförvaltare"}
    lines = {li.split()[0]: li for li in banner.splitlines() if li.strip()}
    for username, first, last, role, codes, _staff in USERS:
        line = lines[username]
        assert f"{first} {last}" in line and labels[role] in line, line
        for code in codes:
            assert unit_names[code] in line, (username, code)
    assert "handlaggare2" in banner
    token_file = token_file_for("ifo").relative_to(settings.BASE_DIR).as_posix()
    assert f"$(cat {token_file} " in banner and "/api/e-tjanst/orosanmalningar/" in banner
