"""A year of synthetic inflow for the demo municipality (shared/domain.md §3, §8):
thousands of intakes, about half not leading to an investigation, most investigations
done within four months, some extended, some late, barnsamtal mostly held.
Idempotent: skipped when the demo inflow is already there."""

import datetime
import random

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from . import deadlines
from .identity import synthetic_id_number
from .models import (
    Case,
    ChildInterview,
    ConcernCategory,
    Decision,
    Intake,
    Intervention,
    Investigation,
    InvestigationExtension,
    Person,
    ReporterCategory,
    Screening,
    Unit,
)

DEMO_REF = "demo-inflow-"
REPORTERS = [
    (ReporterCategory.POLICE, 25),
    (ReporterCategory.SCHOOL, 22),
    (ReporterCategory.HEALTH_CARE, 10),
    (ReporterCategory.PRESCHOOL, 6),
    (ReporterCategory.SOCIAL_SERVICES_OWN, 10),
    (ReporterCategory.PUBLIC, 8),
    (ReporterCategory.RELATIVE, 7),
    (ReporterCategory.ANONYMOUS, 5),
    (ReporterCategory.OTHER_AUTHORITY, 5),
    (ReporterCategory.DENTAL_CARE, 2),
]
CHANNELS = [("telefon", 40), ("e_tjanst", 30), ("e_post", 15), ("brev", 10), ("besok", 5)]
FIRST = ["Alva", "Liam", "Maja", "Noah", "Saga", "Hugo", "Ella", "Elias", "Wilma", "Adam", "Amira", "Omar"]
LAST = ["Andersson", "Nilsson", "Hassan", "Lindqvist", "Berg", "Karlsson", "Ali", "Holm", "Ek", "Sundberg"]


def _pick(rng, weighted):
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


@transaction.atomic
def load_demo_inflow(*, intakes: int = 3000, seed: int = 7) -> int:
    if Intake.objects.filter(external_reference__startswith=DEMO_REF).exists():
        return 0
    rng = random.Random(seed)
    today = timezone.localdate()
    start = today - datetime.timedelta(days=365)
    mottagning = Unit.objects.get(code="MOTT_BARN")
    handlaggare = User.objects.get(username="handlaggare")
    chef = User.objects.get(username="enhetschef")

    # About 1 800 children, some reported several times (events vs unique individuals).
    children = []
    for n in range(1800):
        birth = datetime.date(2008, 1, 1) + datetime.timedelta(days=rng.randint(0, 17 * 365))
        children.append(
            Person(
                id_number=synthetic_id_number(birth, 7 + n),
                id_kind="personnummer",
                first_name=rng.choice(FIRST),
                last_name=rng.choice(LAST),
                birth_date=birth,
                gender=rng.choice(["kvinna", "man", "man", "kvinna", "okant"]),
                protected_identity=rng.random() < 0.01,
            )
        )
    Person.objects.bulk_create(children, ignore_conflicts=True)
    people = list(Person.objects.filter(id_number__in=[c.id_number for c in children]))
    cases = {p.pk: Case(person=p, unit=mottagning, opened_on=start, responsible=handlaggare) for p in people}
    Case.objects.bulk_create(cases.values())

    intake_rows = []
    for n in range(intakes):
        person = rng.choice(people) if rng.random() < 0.3 else people[n % len(people)]
        day = start + datetime.timedelta(days=rng.randint(0, 364))
        received_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randint(7, 17), 0)))
        intake_rows.append(
            Intake(
                case=cases[person.pk],
                kind="orosanmalan",
                received_at=received_at,
                received_on=day,
                channel=_pick(rng, CHANNELS),
                target_group="barn_unga",
                reporter_category=_pick(rng, REPORTERS),
                concern_categories=rng.sample(ConcernCategory.values, rng.randint(1, 2)),
                safety_assessed_on=day,
                safety_result="inget_akut_skyddsbehov" if rng.random() < 0.93 else "akut_skyddsbehov",
                external_reference=f"{DEMO_REF}{n}",
                registered_by=handlaggare,
            )
        )
    Intake.objects.bulk_create(intake_rows)

    screenings, opened = [], []
    for intake in intake_rows:
        decided = intake.received_on + datetime.timedelta(days=min(rng.choice([2, 5, 7, 10, 12, 14, 14, 16, 21]), 364))
        if decided > today - datetime.timedelta(days=3):
            continue  # the last days' reports are still waiting for their förhandsbedömning
        outcome = "inleda" if rng.random() < 0.45 else "inte_inleda"
        screenings.append(Screening(intake=intake, decided_on=decided, outcome=outcome, decided_by=handlaggare))
    Screening.objects.bulk_create(screenings)

    investigations = [
        Investigation(
            case=s.intake.case,
            screening=s,
            started_on=s.decided_on,
            responsible=rng.choice([handlaggare, chef]),
            track=rng.choice(["forsta_linjen", "andra_linjen", "andra_linjen", "fbi"]),
        )
        for s in screenings
        if s.outcome == "inleda"
    ]
    extensions, interviews = [], []
    for inv in investigations:
        due = deadlines.investigation_initial_due(inv.started_on)
        r = rng.random()
        length = (
            rng.randint(40, (due - inv.started_on).days)
            if r < 0.78
            else (due - inv.started_on).days + rng.randint(5, 60)
        )
        done = inv.started_on + datetime.timedelta(days=length)
        if done <= today:
            inv.completed_on, inv.outcome = done, rng.choice(["insats", "insats", "ingen_insats", "nedlagd"])
        if r >= 0.78 and r < 0.9:  # extended in time
            extensions.append(
                (inv, due - datetime.timedelta(days=rng.randint(1, 14)), done + datetime.timedelta(days=7))
            )
        opened.append(inv)
    Investigation.objects.bulk_create(investigations)
    for inv, decided_on, new_due in extensions:
        if decided_on >= inv.started_on:
            InvestigationExtension.objects.create(
                investigation=inv,
                decided_on=decided_on,
                new_due_on=new_due,
                reason="Särskilda skäl: väntan på BUP-utlåtande.",
                decided_by=chef,
            )
    for inv in investigations:
        r = rng.random()
        if r < 0.85:
            interviews.append(
                ChildInterview(
                    investigation=inv,
                    held_on=inv.started_on + datetime.timedelta(days=rng.randint(5, 30))
                    if inv.started_on + datetime.timedelta(days=30) <= today
                    else inv.started_on,
                    recorded_by=handlaggare,
                )
            )
        elif r < 0.95:
            interviews.append(
                ChildInterview(investigation=inv, not_held_reason="Barnet ville inte delta.", recorded_by=handlaggare)
            )
    ChildInterview.objects.bulk_create(interviews)

    decisions = []
    for inv in investigations:
        if inv.outcome == "insats":
            decisions.append(
                Decision(
                    case=inv.case,
                    investigation=inv,
                    decided_on=inv.completed_on,
                    legal_basis="LVU" if rng.random() < 0.08 else "SoL",
                    kind="bistand",
                    decided_by=chef,
                )
            )
    Decision.objects.bulk_create(decisions)
    interventions = []
    for d in decisions:
        wait = rng.choice([3, 10, 20, 35, 60, 80, 100, 130])
        started = d.decided_on + datetime.timedelta(days=wait)
        interventions.append(
            Intervention(
                decision=d,
                kind=rng.choice(["oppenvard", "oppenvard", "kontaktfamilj", "placering"]),
                started_on=started if started <= today else None,
            )
        )
    Intervention.objects.bulk_create(interventions)

    return len(intake_rows)
