"""What the demo municipality follows up (shared/domain.md §8, §9): indicators with values, a few control
rounds with a stickprov, and the e-tjänst client that posts orosanmälningar.

Idempotent: indicators are keyed on their name and a value on (indicator, year), the control rounds are made
once (when the demo managers have none), and the e-tjänst client keeps its token as long as the development
copy of it still opens it. The token is made per install, never committed: only its SHA-256 is stored in the
database, and a development-only copy is written to var/ for `make run`'s banner."""

import datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from common.kept import paused
from common.periods import add_months, month_end
from socialtjanst.followup import controls, indicators

from .demo_caseflow import CHILDREN
from .management.commands.create_etjanst_client import create_client, token_sha256
from .management.commands.rotate_etjanst_token import rotate_token
from .models import (
    Channel,
    ControlKind,
    ControlResult,
    ControlRound,
    EServiceClient,
    Indicator,
    IndicatorComment,
    IndicatorValue,
    Intake,
    IntakeKind,
    Investigation,
    Unit,
)

ETJANST_NAME = "Orosanmälan via kommunens webbplats"
ETJANST_UNIT = "MOTT_BARN"


def token_file_for(database: str) -> Path:
    """The development copy of the demo e-tjänst's token, one per database (`make run` uses ifo; the drill and the
    load test have databases of their own and must not change the token `make run` shows)."""
    return Path(settings.BASE_DIR) / "var" / f"etjanst-demo-token-{database}.txt"

# name, description, unit, target, unit of measure, direction, source, {years back: value} for hand-kept ones
INDICATORS = [
    ("Andel förhandsbedömningar inom 14 dagar", "Förhandsbedömningar beslutade inom 14 dagar (SoL 11 kap. 1 a §).",
     "MOTT_BARN", 100, "%", "higher_is_better", "share_screenings_within_14_days", {}),
    ("Andel utredningar inom fyra månader", "Barnutredningar avslutade inom fyra månader eller giltig förlängning.",
     "UTR_BARN", 100, "%", "higher_is_better", "share_investigations_within_4_months", {}),
    ("Andel insatser verkställda inom tre månader", "Gynnande beslut verkställda inom tre månader.",
     "UTR_BARN", 100, "%", "higher_is_better", "share_interventions_within_3_months", {}),
    ("Andel anmälningar som inte leder till utredning", "Följs för att se mottagningens träffsäkerhet.",
     "MOTT_BARN", 55, "%", "lower_is_better", "share_reports_not_investigated", {}),
    ("Sammanbrott i familjehem", "Andel avslutade familjehemsplaceringar som slutade i sammanbrott.",
     "FAMHEM", 10, "%", "lower_is_better", "", {2: "12.5", 1: "9.8", 0: "11.2"}),
    ("Barn placerade i HVB den 31 december", "Antal barn och unga i HVB vid årets slut; målet är färre.",
     "UTR_BARN", 12, "antal", "lower_is_better", "", {2: "17", 1: "14"}),
    ("Väntetid till första besök, vuxna", "Dagar från ansökan till första besök hos Mottagning vuxna (median).",
     "MOTT_VUXEN", 14, "dagar", "lower_is_better", "", {2: "21", 1: "16", 0: "13"}),
    ("Nöjda med bemötandet, vuxna", "Andel som svarat ganska eller mycket nöjd i brukarenkäten.",
     "VUXEN", 85, "%", "higher_is_better", "", {2: "78", 1: "83"}),
]


@paused()
def load_demo_followup(*, token_file: Path | None) -> dict:
    """Indicators, control rounds and the e-tjänst client; the token is in the result only when newly made."""
    token = demo_etjanst_client(token_file=token_file)
    return {"indicators": demo_indicators(), "control_rounds": demo_control_rounds(), "etjanst_token": token,
            "etjanst_intakes": demo_etjanst_intakes()}


def demo_etjanst_intakes() -> int:
    """The inflow's orosanmälningar about children that came through the e-tjänst channel came through the demo
    client: its system user registered them, as the API does. Returns the number of intakes linked now."""
    client = EServiceClient.objects.select_related("user").get(name=ETJANST_NAME)
    return Intake.objects.filter(
        external_reference__startswith=CHILDREN.reference, channel=Channel.E_SERVICE, kind=IntakeKind.REPORT,
        e_service_client__isnull=True,
    ).update(e_service_client=client, registered_by=client.user)


@transaction.atomic
def demo_indicators() -> int:
    """Creates the demo indicators with their values; returns the number of new values."""
    year = timezone.localdate().year
    units = {u.code: u for u in Unit.objects.all()}
    controller = User.objects.filter(username="controller").first()
    chef = User.objects.get(username="enhetschef")
    created = 0
    for name, description, unit, target, measure, direction, source, values in INDICATORS:
        indicator, _ = Indicator.objects.get_or_create(name=name, defaults={
            "description": description, "responsible_unit": units[unit], "target_value": Decimal(target),
            "unit_of_measure": measure, "direction": direction, "source": source})
        for back, value in values.items():
            _, made = IndicatorValue.objects.get_or_create(indicator=indicator, year=year - back,
                                                           defaults={"value": Decimal(value)})
            created += made
    for y in (year - 1, year):
        computed = Indicator.objects.filter(active=True).exclude(source="")
        if computed.exclude(values__year=y).exists():
            created += indicators.indicators_refresh(year=y, by=controller)
    breakdowns = Indicator.objects.get(name="Sammanbrott i familjehem")
    IndicatorComment.objects.get_or_create(
        indicator=breakdowns, year=year - 2, author=chef, defaults={
            "commented_on": datetime.date(year - 1, 2, 10),
            "text": "Fler sammanbrott bland tonåringar i jourhem; matchningen ses över med familjehemsenheten."})
    return created


def _last_quarter(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    first_this = datetime.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    return add_months(first_this, -3), month_end(add_months(first_this, -1))


@transaction.atomic
def demo_control_rounds() -> int:
    """A quarter's controls by the two enhetschefer: utredningstider, barnsamtal, stickprov and the access log."""
    chefs = {u.username: u for u in User.objects.filter(username__in=["enhetschef", "enhetschef2"])}
    if len(chefs) < 2 or ControlRound.objects.filter(performed_by__in=chefs.values()).exists():
        return 0
    units = {u.code: u for u in Unit.objects.all()}
    start, end = _last_quarter(timezone.localdate())
    barn = Investigation.objects.filter(case__unit=units["UTR_BARN"])
    late = controls.investigations_without_valid_extension(barn, end)
    missing = controls.child_investigations_without_interview(barn, start, end)
    last_month_end = month_end(add_months(timezone.localdate(), -1))
    rounds = [
        ("enhetschef", ControlKind.INVESTIGATION_TIMES, "UTR_BARN", start, end,
         {"beskrivning": f"Pågående utredningar den {end.isoformat()} som passerat fyra månader."},
         f"{len(late)} utredningar saknade giltigt förlängningsbeslut; genomgångna med ansvariga handläggare."),
        ("enhetschef", ControlKind.CHILD_INTERVIEWS, "UTR_BARN", start, end,
         {"beskrivning": "Avslutade barnutredningar utan barnsamtal eller dokumenterat skäl."},
         f"{len(missing)} utredningar saknade barnsamtal och skäl; påminnelse på arbetsplatsträffen."),
        ("enhetschef", ControlKind.SAMPLE, "UTR_BARN", start, end,
         {"seed": 20261, "criteria": controls.sample_criteria(kind="utredningar", period_from=start, period_to=end,
                                                               unit_ids=[units["UTR_BARN"].pk], size=10)},
         "2 av 10 utredningar saknade dokumenterad riskbedömning i journalen."),
        ("enhetschef", ControlKind.ACCESS, "MOTT_BARN", last_month_end.replace(day=1), last_month_end,
         {"beskrivning": "Åtkomstloggen granskad, filter: läsningar utanför egna enheter"}, ""),
        ("enhetschef2", ControlKind.SAMPLE, "MOTT_VUXEN", start, end,
         {"seed": 20262, "criteria": controls.sample_criteria(kind="aktualiseringar", period_from=start,
                                                               period_to=end, unit_ids=[units["MOTT_VUXEN"].pk],
                                                               size=8)}, ""),
    ]
    for username, kind, unit, period_from, period_to, sample, comment in rounds:
        done = controls.control_round_record(
            by=chefs[username], kind=kind, unit=units[unit], period_from=period_from, period_to=period_to,
            sample=sample, result=ControlResult.DEVIATION if comment else ControlResult.NO_DEVIATION,
            comment=comment)
        performed = timezone.make_aware(datetime.datetime.combine(period_to + datetime.timedelta(days=6),
                                                                  datetime.time(10, 0)))
        ControlRound.objects.filter(pk=done.pk).update(performed_at=performed)
    return len(rounds)


def demo_etjanst_client(*, token_file: Path | None) -> str | None:
    """The demo e-tjänst at Mottagning barn och unga. Made once per install with a new random token; the token
    is written to `token_file` (a development copy for the banner). When that copy is missing or no longer
    opens the client (a new database, say), the client gets a new token. Returns the token when new, else None."""
    client = EServiceClient.objects.filter(name=ETJANST_NAME).first()
    kept = token_file.read_text().strip() if token_file is not None and token_file.exists() else ""
    if client is not None and (token_file is None or (kept and token_sha256(kept) == client.token_sha256)):
        return None
    if client is None:
        client, token = create_client(ETJANST_NAME, Unit.objects.get(code=ETJANST_UNIT))
    else:
        client, token = rotate_token(ETJANST_NAME)
    if token_file is not None:
        token_file.parent.mkdir(parents=True, exist_ok=True)
        ignore = token_file.parent / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# Development-only files written by the demo loader; never committed.\n*\n")
        token_file.write_text(token + "\n")
        token_file.chmod(0o600)
    return token
