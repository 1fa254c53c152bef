"""The synthetic demo municipality ('Demokommunen'): units, role groups, one user
per role, and persons with cases. Idempotent: every row is keyed on a natural key.
All personnummer are in Skatteverket's test series and cannot belong to anyone."""

import datetime
import random

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission, User
from django.utils import timezone

from common.kept import paused

from .demo_staff import USERS, caseload_spread
from .identity import synthetic_id_number
from .models import Case, Person, TargetGroup, Unit, UnitMembership
from .roles import PROTECTED_IDENTITY_PERMISSION, role_groups_sync

DEMO_PASSWORD = "demo-losen-2026"  # noqa: S105 - documented demo log-in, local only

UNITS = [
    ("MOTT_BARN", "Mottagning barn och unga", TargetGroup.CHILDREN, True),
    ("UTR_BARN", "Utredning barn och unga", TargetGroup.CHILDREN, False),
    ("FAMHEM", "Familjehemsenheten", TargetGroup.CHILDREN, False),
    ("VUXEN", "Vuxen missbruk och beroende", TargetGroup.ADULTS, False),
    ("MOTT_VUXEN", "Mottagning vuxna", TargetGroup.ADULTS, True),
]

FIRST_NAMES_F = ["Alva", "Elsa", "Maja", "Saga", "Ella", "Wilma", "Noa", "Alice", "Selma", "Ebba", "Amira", "Leah"]
FIRST_NAMES_M = ["Liam", "Elias", "Noah", "Hugo", "Lucas", "Adam", "Oscar", "Ali", "Vincent", "Leo", "Omar", "Otto"]
LAST_NAMES = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
              "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Hassan", "Mohammed", "Lindberg", "Åberg"]
BIRTH_ANCHOR = datetime.date(2026, 6, 30)
STREETS = ["Storgatan", "Kyrkvägen", "Skolgatan", "Björkvägen", "Industrigatan", "Ringvägen", "Ängsvägen"]


def ensure_roles() -> dict[str, Group]:
    """The role groups as migration 0011 makes them (one definition: socialtjanst.roles)."""
    return role_groups_sync()


@paused()
def load_demo(*, persons: int = 120, seed: int = 2026) -> dict[str, int]:
    groups = ensure_roles()
    units = {}
    for code, name, target_group, is_intake in UNITS:
        units[code], _ = Unit.objects.update_or_create(
            code=code, defaults={"name": name, "target_group": target_group, "is_intake": is_intake}
        )
    users = {}
    password_hash = None  # one hash for every demo user: the hasher is slow on purpose, and the password is public
    for username, first, last, role, unit_codes, is_staff in USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last, "is_staff": is_staff}
        )
        if created:
            password_hash = password_hash or make_password(DEMO_PASSWORD)
            user.password = password_hash
            user.save(update_fields=["password"])
        user.groups.set([groups[role]])
        for code in unit_codes:
            UnitMembership.objects.get_or_create(user=user, unit=units[code])
        users[username] = user
    protected_perm = Permission.objects.get(
        content_type__app_label="socialtjanst", codename=PROTECTED_IDENTITY_PERMISSION.split(".")[1]
    )
    users["enhetschef"].user_permissions.add(protected_perm)

    today = timezone.localdate()
    created_persons = created_cases = 0
    for i in range(persons):
        # One generator per person and a fixed birth anchor: a rerun, on any day, draws the same person.
        rng = random.Random(seed * 100_000 + i)
        is_child = i % 4 != 3
        age_days = rng.randint(1 * 365, 17 * 365) if is_child else rng.randint(19 * 365, 70 * 365)
        birth = BIRTH_ANCHOR - datetime.timedelta(days=age_days)
        id_number = synthetic_id_number(birth, i)
        male = int(id_number[-2]) % 2 == 1
        person, made = Person.objects.get_or_create(
            id_number=id_number,
            defaults={
                "id_kind": "personnummer",
                "first_name": rng.choice(FIRST_NAMES_M if male else FIRST_NAMES_F),
                "last_name": rng.choice(LAST_NAMES),
                "gender": "man" if male else "kvinna",
                "birth_date": birth,
                "address": f"{rng.choice(STREETS)} {rng.randint(1, 60)}, 123 45 Demokommun",
                "protected_identity": i % 29 == 7,
            },
        )
        created_persons += made
        unit = units[rng.choice(["MOTT_BARN", "UTR_BARN", "FAMHEM"] if is_child else ["VUXEN", "MOTT_VUXEN"])]
        opened = today - datetime.timedelta(days=rng.randint(0, 700))
        if not Case.objects.filter(person=person, unit=unit).exists():
            Case.objects.create(person=person, unit=unit, opened_on=opened)  # handläggare: caseload_spread
            created_cases += 1
    caseload_spread()
    return {"persons": created_persons, "cases": created_cases}
