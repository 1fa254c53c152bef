"""The demo municipality's staff and how its open cases are spread over the handläggare.

A believable caseload is 30–60 open cases per handläggare (issue 14 point 13): `caseload_spread` gives every
open case at a demo unit a handläggare who is a member of that unit, the least loaded first, and evens out the
unit's cases when someone has more than CASELOAD_MAX (the older demo's one handläggare with 1 851).
Deterministic (cases in the order opened, person, id; ties by user name) and idempotent: once spread, a rerun
moves nothing, and a reassignment made in the application is kept unless it overloads someone.
All names are invented."""

from collections import defaultdict

from django.contrib.auth.models import User
from django.db.models import Count, F, OuterRef, Q, Subquery

from common.kept import paused

from .models import Case, Investigation, Unit
from .roles import Role

CASELOAD_MIN, CASELOAD_MAX = 30, 60

# username, first name, last name, role, unit codes, is_staff
USERS = [
    ("handlaggare", "Hanna", "Lind", Role.HANDLAGGARE, ["MOTT_BARN", "UTR_BARN"], False),
    ("handlaggare2", "Omar", "Said", Role.HANDLAGGARE, ["VUXEN", "MOTT_VUXEN"], False),
    ("handlaggare3", "Johanna", "Ekström", Role.HANDLAGGARE, ["MOTT_BARN"], False),
    ("handlaggare4", "Mikael", "Sandberg", Role.HANDLAGGARE, ["MOTT_BARN"], False),
    ("handlaggare5", "Fatima", "Yilmaz", Role.HANDLAGGARE, ["UTR_BARN"], False),
    ("handlaggare6", "Jonas", "Wikström", Role.HANDLAGGARE, ["UTR_BARN"], False),
    ("handlaggare7", "Linnea", "Forsberg", Role.HANDLAGGARE, ["UTR_BARN"], False),
    ("handlaggare8", "Ahmed", "Osman", Role.HANDLAGGARE, ["UTR_BARN"], False),
    ("handlaggare9", "Karin", "Blom", Role.HANDLAGGARE, ["UTR_BARN"], False),
    ("handlaggare10", "Patrik", "Nyström", Role.HANDLAGGARE, ["UTR_BARN"], False),
    ("handlaggare11", "Sofia", "Lundqvist", Role.HANDLAGGARE, ["UTR_BARN"], False),
    ("handlaggare12", "Erik", "Hedlund", Role.HANDLAGGARE, ["FAMHEM", "UTR_BARN"], False),
    ("handlaggare13", "Maria", "Sjöberg", Role.HANDLAGGARE, ["MOTT_VUXEN", "VUXEN"], False),
    ("handlaggare14", "Daniel", "Engström", Role.HANDLAGGARE, ["VUXEN"], False),
    ("handlaggare15", "Elin", "Holmberg", Role.HANDLAGGARE, ["UTR_BARN"], False),
    ("handlaggare16", "Mattias", "Lundgren", Role.HANDLAGGARE, ["UTR_BARN"], False),
    ("handlaggare17", "Nora", "Abdi", Role.HANDLAGGARE, ["UTR_BARN"], False),
    ("handlaggare18", "Viktor", "Dahl", Role.HANDLAGGARE, ["UTR_BARN"], False),
    ("handlaggare19", "Emma", "Jakobsson", Role.HANDLAGGARE, ["UTR_BARN"], False),
    ("handlaggare20", "Sanna", "Bergström", Role.HANDLAGGARE, ["VUXEN"], False),
    ("handlaggare21", "Hassan", "Mahmoud", Role.HANDLAGGARE, ["VUXEN"], False),
    ("enhetschef", "Eva", "Berg", Role.ENHETSCHEF, ["MOTT_BARN", "UTR_BARN", "FAMHEM"], False),
    ("enhetschef2", "Anders", "Holmgren", Role.ENHETSCHEF, ["VUXEN", "MOTT_VUXEN"], False),
    ("controller", "Carl", "Ek", Role.CONTROLLER, [], False),
    ("systemforvaltare", "Sara", "Holm", Role.SYSTEMFORVALTARE, [], True),
]


def staff_of(unit_code: str, role: str = Role.HANDLAGGARE) -> list[str]:
    """The demo user names with `role` in the unit, in name order."""
    return sorted(u for u, _f, _l, r, codes, _s in USERS if r == role and unit_code in codes)


@paused()
def caseload_spread() -> int:
    """Spreads the open cases of the demo units over their handläggare; returns the number of cases moved.
    Open investigations follow their case's handläggare."""
    users = {u.username: u.pk for u in User.objects.filter(username__in=[row[0] for row in USERS])}
    counts = (Case.objects.filter(status=Case.Status.OPEN, responsible__in=users.values())
              .values("responsible").annotate(n=Count("pk")))
    load: dict[int, int] = defaultdict(int, {row["responsible"]: row["n"] for row in counts})
    units = {u.code: u.pk for u in Unit.objects.filter(code__in={c for row in USERS for c in row[4]})}
    names = {pk: name for name, pk in users.items()}
    moves: dict[int, int] = {}
    # Units with the fewest handläggare first, so a colleague in two units is topped up by the larger one.
    for code in sorted(units, key=lambda c: (len(staff_of(c)), c)):
        staff = [users[name] for name in staff_of(code) if name in users]
        if not staff:
            continue
        rows = list(Case.objects.filter(unit_id=units[code], status=Case.Status.OPEN)
                    .order_by("opened_on", "person__id_number", "pk").values_list("pk", "responsible_id"))
        owner = dict(rows)

        for case_pk, responsible in rows:
            if responsible not in staff:
                pick = _least(staff, load, names)
                if responsible is not None:
                    load[responsible] -= 1
                load[pick] += 1
                owner[case_pk] = moves[case_pk] = pick
        overloaded = {pk for pk in staff if load[pk] > CASELOAD_MAX}
        for case_pk, _ in reversed(rows):  # the latest opened move first, until the unit's load is even
            current = owner[case_pk]
            target = _least(staff, load, names, exclude=current)
            if current not in overloaded or target is None or load[target] + 1 >= load[current]:
                continue
            load[current] -= 1
            load[target] += 1
            owner[case_pk] = moves[case_pk] = target
    by_user: dict[int, list[int]] = defaultdict(list)
    for case_pk, user_pk in moves.items():
        by_user[user_pk].append(case_pk)
    for user_pk, case_pks in by_user.items():
        Case.objects.filter(pk__in=case_pks).update(responsible_id=user_pk)
    if moves:
        investigations_follow_cases()
    return len(moves)


def _least(staff: list[int], load: dict[int, int], names: dict[int, str], exclude: int | None = None) -> int | None:
    return min((pk for pk in staff if pk != exclude), key=lambda pk: (load[pk], names[pk]), default=None)


def investigations_follow_cases() -> int:
    """An open investigation's utredare is its case's handläggare."""
    wrong = Investigation.objects.filter(completed_on__isnull=True, case__responsible__isnull=False).filter(
        ~Q(responsible=F("case__responsible")))
    return wrong.update(responsible=Subquery(Case.objects.filter(pk=OuterRef("case_id")).values("responsible")[:1]))
