"""A year of synthetic inflow for the demo municipality (shared/domain.md §3, §8), for children and for adults:
thousands of aktualiseringar of every kind (orosanmälan, ansökan, information, eget initiativ), about half not
leading to an investigation, most investigations done within four months, some extended, some late, barnsamtal
mostly held, decisions under SoL, LVU and LVM, insatser that start, some late, and end.

A person's case is at the mottagning until an investigation is opened, then at the investigating unit; it is
closed when nothing is left to do (every intake assessed, every investigation done, every insats ended).
Everything is drawn from one generator per target group, so a fresh install gets the same municipality.
Idempotent: each target group's inflow is skipped when its demo intakes are already there. Personnummer are in
Skatteverket's test series (identity.synthetic_id_number)."""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.utils import timezone

from common.kept import paused

from . import deadlines
from .demo_staff import staff_of
from .identity import synthetic_id_number
from .models import (
    Case,
    ChildInterview,
    ConcernCategory,
    Decision,
    Intake,
    IntakeKind,
    Intervention,
    Investigation,
    InvestigationExtension,
    Person,
    ReporterCategory,
    Screening,
    TargetGroup,
    Unit,
)
from .roles import Role

R = ReporterCategory
CHANNELS = [("telefon", 40), ("e_tjanst", 30), ("e_post", 15), ("brev", 10), ("besok", 5)]
REPORTERS_CHILDREN = [
    (R.POLICE, 25), (R.SCHOOL, 22), (R.HEALTH_CARE, 10), (R.PRESCHOOL, 6), (R.SOCIAL_SERVICES_OWN, 10),
    (R.PUBLIC, 8), (R.RELATIVE, 7), (R.ANONYMOUS, 5), (R.OTHER_AUTHORITY, 5), (R.DENTAL_CARE, 2),
]
REPORTERS_ADULTS = [(R.POLICE, 35), (R.HEALTH_CARE, 30), (R.RELATIVE, 20), (R.PUBLIC, 5), (R.ANONYMOUS, 5),
                    (R.OTHER_AUTHORITY, 5)]
REPORTERS_INFORMATION = [(R.OTHER_AUTHORITY, 40), (R.HEALTH_CARE, 30), (R.POLICE, 20), (R.SOCIAL_SERVICES_OTHER, 10)]
FIRST = ["Alva", "Liam", "Maja", "Noah", "Saga", "Hugo", "Ella", "Elias", "Wilma", "Adam", "Amira", "Omar"]
FIRST_ADULT = ["Anna", "Lars", "Eva", "Mats", "Lena", "Peter", "Helena", "Mohamed", "Sara", "Johan", "Nadia", "Stefan"]
LAST = ["Andersson", "Nilsson", "Hassan", "Lindqvist", "Berg", "Karlsson", "Ali", "Holm", "Ek", "Sundberg"]


@dataclass(frozen=True)
class Profile:
    """How one target group's year of inflow looks."""

    reference: str  # the external_reference prefix that makes the inflow idempotent
    target_group: str
    intake_unit: str
    investigation_unit: str
    persons: int
    intakes: int
    born_from: datetime.date
    born_span_years: int
    serial_offset: int
    first_names: list[str]
    kinds: list[tuple[str, int]]
    opens: dict[str, float]  # kind -> share of förhandsbedömningar that open an investigation
    legal_basis: tuple[str, float]  # the compulsory law and its share of the decisions
    tracks: list[str]
    interventions: list[str]
    refusals: float  # share of decisions that are avslag


CHILDREN = Profile(
    reference="demo-inflow-", target_group=TargetGroup.CHILDREN, intake_unit="MOTT_BARN",
    investigation_unit="UTR_BARN", persons=1800, intakes=3000, born_from=datetime.date(2008, 1, 1),
    born_span_years=17, serial_offset=7, first_names=FIRST,
    kinds=[(IntakeKind.REPORT, 88), (IntakeKind.APPLICATION, 6), (IntakeKind.INFORMATION, 4),
           (IntakeKind.OWN_INITIATIVE, 2)],
    opens={IntakeKind.REPORT: 0.38, IntakeKind.APPLICATION: 0.8, IntakeKind.INFORMATION: 0.25,
           IntakeKind.OWN_INITIATIVE: 0.6},
    legal_basis=("LVU", 0.08), tracks=["forsta_linjen", "andra_linjen", "andra_linjen", "fbi"],
    interventions=["oppenvard", "oppenvard", "kontaktfamilj", "placering"], refusals=0.0,
)
ADULTS = Profile(
    reference="demo-vuxna-", target_group=TargetGroup.ADULTS, intake_unit="MOTT_VUXEN",
    investigation_unit="VUXEN", persons=420, intakes=650, born_from=datetime.date(1956, 1, 1),
    born_span_years=50, serial_offset=11, first_names=FIRST_ADULT,
    kinds=[(IntakeKind.APPLICATION, 55), (IntakeKind.REPORT, 20), (IntakeKind.INFORMATION, 18),
           (IntakeKind.OWN_INITIATIVE, 7)],
    opens={IntakeKind.REPORT: 0.45, IntakeKind.APPLICATION: 0.9, IntakeKind.INFORMATION: 0.2,
           IntakeKind.OWN_INITIATIVE: 0.5},
    legal_basis=("LVM", 0.06), tracks=["forsta_linjen", "andra_linjen", "andra_linjen"],
    interventions=["oppenvard", "oppenvard", "stodboende", "placering", "annat"], refusals=0.12,
)


def _pick(rng, weighted):
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def _reporter(rng, profile: Profile, kind: str) -> str:
    if kind == IntakeKind.OWN_INITIATIVE:
        return R.SOCIAL_SERVICES_OWN
    if kind == IntakeKind.INFORMATION:
        return _pick(rng, REPORTERS_INFORMATION)
    if kind == IntakeKind.APPLICATION:  # the person, or for a child a parent
        return R.SELF if profile.target_group == TargetGroup.ADULTS or rng.random() < 0.3 else R.RELATIVE
    return _pick(rng, REPORTERS_CHILDREN if profile.target_group == TargetGroup.CHILDREN else REPORTERS_ADULTS)


def _persons(rng, profile: Profile) -> list[Person]:
    rows = []
    for n in range(profile.persons):
        birth = profile.born_from + datetime.timedelta(days=rng.randint(0, profile.born_span_years * 365))
        id_number = synthetic_id_number(birth, profile.serial_offset + n)
        rows.append(Person(
            id_number=id_number, id_kind="personnummer", first_name=rng.choice(profile.first_names),
            last_name=rng.choice(LAST), birth_date=birth,
            # The personnummer's second last digit is odd for men; a few are registered without a gender.
            gender="okant" if rng.random() < 0.02 else ("man" if int(id_number[-2]) % 2 else "kvinna"),
            protected_identity=rng.random() < 0.01,
        ))
    Person.objects.bulk_create(rows, ignore_conflicts=True)
    return list(Person.objects.filter(id_number__in=[p.id_number for p in rows]).order_by("id_number"))


def _users(codes) -> dict[str, list[User]]:
    """unit code -> its demo handläggare; 'chef' -> the unit's enhetschef (decisions, extensions)."""
    names = {code: staff_of(code) for code in codes}
    found = {u.username: u for u in User.objects.filter(username__in={n for ns in names.values() for n in ns}
                                                         | set(staff_of(codes[0], Role.ENHETSCHEF)))}
    users = {code: [found[n] for n in ns] for code, ns in names.items()}
    users["chef"] = [found[n] for n in staff_of(codes[0], Role.ENHETSCHEF)]
    return users


@paused()
def load_demo_inflow(*, seed: int = 7) -> int:
    """Both target groups' inflow; returns the number of new aktualiseringar."""
    return sum(_load_profile(profile, seed=seed + i) for i, profile in enumerate((CHILDREN, ADULTS)))


def _load_profile(profile: Profile, *, seed: int) -> int:
    if Intake.objects.filter(external_reference__startswith=profile.reference).exists():
        return 0
    rng = random.Random(seed)
    today = timezone.localdate()
    start = today - datetime.timedelta(days=365)
    units = {u.code: u for u in Unit.objects.filter(code__in=[profile.intake_unit, profile.investigation_unit])}
    staff = _users([profile.intake_unit, profile.investigation_unit])
    children = profile.target_group == TargetGroup.CHILDREN
    people = _persons(rng, profile)

    intakes = []
    for n in range(profile.intakes):
        person = rng.choice(people) if rng.random() < 0.3 else people[n % len(people)]
        day = start + datetime.timedelta(days=rng.randint(0, 364))
        kind = _pick(rng, profile.kinds)
        report_about_child = children and kind == IntakeKind.REPORT
        urgent = rng.random() >= 0.93
        intakes.append(Intake(
            kind=kind, received_on=day, channel="annat" if kind == IntakeKind.OWN_INITIATIVE else _pick(rng, CHANNELS),
            received_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randint(7, 17), 0))),
            target_group=profile.target_group, reporter_category=_reporter(rng, profile, kind),
            concern_categories=rng.sample(ConcernCategory.values, rng.randint(1, 2)) if report_about_child else [],
            safety_assessed_on=day if report_about_child else None,
            safety_result=("akut_skyddsbehov" if urgent else "inget_akut_skyddsbehov") if report_about_child else "",
            external_reference=f"{profile.reference}{n}", registered_by=rng.choice(staff[profile.intake_unit]),
        ))
        intakes[-1].person = person

    screenings = []
    for intake in intakes:
        wait = rng.choice([2, 5, 7, 10, 12, 14, 14, 16, 21]) if children else rng.choice([1, 3, 5, 7, 10])
        decided = intake.received_on + datetime.timedelta(days=wait)
        if decided > today - datetime.timedelta(days=3):
            continue  # the last days' intakes are still waiting for their förhandsbedömning
        outcome = "inleda" if rng.random() < profile.opens[intake.kind] else "inte_inleda"
        screenings.append(Screening(intake=intake, decided_on=decided, outcome=outcome,
                                    decided_by=rng.choice(staff[profile.intake_unit])))

    investigations, extensions = [], []
    for s in screenings:
        if s.outcome != "inleda":
            continue
        inv = Investigation(screening=s, started_on=s.decided_on, track=rng.choice(profile.tracks),
                            responsible=rng.choice(staff[profile.investigation_unit]))
        inv.person = s.intake.person
        due = deadlines.investigation_initial_due(inv.started_on)
        r = rng.random()
        shortest = 20 if inv.track == "forsta_linjen" else 40  # första linjen: short investigations
        length = rng.randint(shortest, (due - inv.started_on).days) if r < 0.78 else (
            (due - inv.started_on).days + rng.randint(5, 60))
        done = inv.started_on + datetime.timedelta(days=length)
        if done <= today:
            inv.completed_on, inv.outcome = done, rng.choice(["insats", "insats", "ingen_insats", "nedlagd"])
        if 0.78 <= r < 0.9:  # extended in time
            decided_on = due - datetime.timedelta(days=rng.randint(1, 14))
            if decided_on >= inv.started_on:
                extensions.append(InvestigationExtension(
                    investigation=inv, decided_on=decided_on, new_due_on=done + datetime.timedelta(days=7),
                    reason="Särskilda skäl: väntan på BUP-utlåtande." if children
                    else "Särskilda skäl: väntan på utlåtande från beroendevården.",
                    decided_by=staff["chef"][0]))
        investigations.append(inv)

    interviews = []
    for inv in investigations if children else []:
        r = rng.random()
        if r < 0.85:
            held = inv.started_on + datetime.timedelta(days=rng.randint(5, 30))
            interviews.append(ChildInterview(investigation=inv, recorded_by=inv.responsible,
                                             held_on=held if held <= today else inv.started_on))
        elif r < 0.95:
            interviews.append(ChildInterview(investigation=inv, not_held_reason="Barnet ville inte delta.",
                                             recorded_by=inv.responsible))

    decisions, interventions = [], []
    law, law_share = profile.legal_basis
    for inv in investigations:
        if inv.outcome != "insats":
            continue
        refused = rng.random() < profile.refusals
        d = Decision(investigation=inv, decided_on=inv.completed_on, decided_by=staff["chef"][0],
                     legal_basis=law if rng.random() < law_share else "SoL", kind="avslag" if refused else "bistand")
        d.person = inv.person
        decisions.append(d)
        if refused:
            continue
        started = d.decided_on + datetime.timedelta(days=rng.choice([3, 10, 20, 35, 60, 80, 100, 130]))
        started = started if started <= today else None
        ended = started + datetime.timedelta(days=rng.randint(30, 200)) if started and rng.random() < 0.75 else None
        interventions.append(Intervention(decision=d, kind=rng.choice(profile.interventions), started_on=started,
                                          ended_on=ended if ended and ended <= today else None))

    cases = _cases(profile, units, intakes, screenings, investigations, decisions, interventions)
    for rows in (intakes, investigations, decisions):
        for row in rows:
            row.case = cases[row.person.pk]
    Intake.objects.bulk_create(intakes)
    Screening.objects.bulk_create(screenings)
    Investigation.objects.bulk_create(investigations)
    InvestigationExtension.objects.bulk_create(extensions)
    ChildInterview.objects.bulk_create(interviews)
    Decision.objects.bulk_create(decisions)
    Intervention.objects.bulk_create(interventions)
    return len(intakes)


def _cases(profile, units, intakes, screenings, investigations, decisions, interventions) -> dict[int, Case]:
    """One case per person: at the investigating unit once an investigation is opened, else at the mottagning;
    closed on the day of its last step when nothing is left to do. The handläggare is set by caseload_spread."""
    opened: dict[int, datetime.date] = {}
    last: dict[int, datetime.date] = defaultdict(lambda: datetime.date.min)
    pending: set[int] = set()
    investigated: set[int] = set()
    assessed = {id(s.intake) for s in screenings}
    for intake in intakes:
        pk = intake.person.pk
        opened[pk] = min(opened.get(pk, intake.received_on), intake.received_on)
        if id(intake) not in assessed:
            pending.add(pk)
    for s in screenings:
        last[s.intake.person.pk] = max(last[s.intake.person.pk], s.decided_on)
    for inv in investigations:
        investigated.add(inv.person.pk)
        if inv.completed_on is None:
            pending.add(inv.person.pk)
        else:
            last[inv.person.pk] = max(last[inv.person.pk], inv.completed_on)
    for i in interventions:
        pk = i.decision.person.pk
        if i.ended_on is None:
            pending.add(pk)
        else:
            last[pk] = max(last[pk], i.ended_on)
    cases = {}
    for pk, opened_on in sorted(opened.items()):
        unit = units[profile.investigation_unit if pk in investigated else profile.intake_unit]
        closed_on = None if pk in pending else last[pk]
        cases[pk] = Case(person_id=pk, unit=unit, opened_on=opened_on, closed_on=closed_on,
                         status=Case.Status.CLOSED if closed_on else Case.Status.OPEN)
    Case.objects.bulk_create(cases.values())
    return cases
