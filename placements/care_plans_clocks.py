"""Vårdplan, genomförandeplan and the notification checklist on socialtjanst's screens (issue 16 points 2 and 6):
Att göra and Kontroller, registered through socialtjanst.todo_sources (imported from placements/clocks.py).

Att göra shows an ongoing child placement's missing vårdplan and genomförandeplan (due dates from
socialtjanst.deadlines_sql, the twins of deadlines.care_plan_due and implementation_plan_due), and one item per
placement whose checklist has open items, due at the earliest open item's date (the stored due_on). Kontroller
shows the same control list as the placements' own page (care_plans.plan_control_rows)."""

import datetime

from django.db.models import DateField, Exists, OuterRef, Q, Subquery
from django.urls import reverse

from common.date_window import CASE_EARLIEST, CASE_LATEST_STORED
from socialtjanst import deadlines_sql
from socialtjanst.todo_sources import (
    ControlColumn,
    ControlList,
    TodoRows,
    register_control_list,
    register_todo_part,
)

from . import selectors
from .care_plans import plan_control_counts, plan_control_rows
from .clock_queries import (
    CARE_CLOCK_VISIBLE_FROM,
    CARE_CLOCK_VISIBLE_UNTIL,
    care_clock_placements,
    of_scoped_persons,
    placement_case_id,
)
from .models import CarePlan, CarePlanKind, Placement, PlacementNotification
from .models.care_plans import OPEN_NOTIFICATION

SECTION = "#planer-och-underrattelser"
CARE_PLAN_KIND = "Vårdplan"
IMPLEMENTATION_PLAN_KIND = "Genomförandeplan"
NOTIFICATIONS_KIND = "Underrättelser"
IN_WINDOW = Q(start_on__gte=CASE_EARLIEST, start_on__lte=CASE_LATEST_STORED)


def _placement_url(pk: int) -> str:
    return reverse("placements:placement_detail", args=[pk]) + SECTION


def _plan_rows(kind: str, due_expr):
    def rows(cases, today: datetime.date) -> TodoRows:
        missing = ~Exists(CarePlan.objects.filter(placement=OuterRef("pk"), kind=kind))
        return TodoRows(queryset=of_scoped_persons(care_clock_placements(today), cases).filter(missing),
                        case=placement_case_id(),
                        due=due_expr("start_on"), valid=IN_WINDOW,
                        visible_from=CARE_CLOCK_VISIBLE_FROM, visible_until=CARE_CLOCK_VISIBLE_UNTIL)
    return rows


def _open_items():
    return PlacementNotification.objects.filter(OPEN_NOTIFICATION, placement=OuterRef("pk"))


def _notification_rows(cases, today: datetime.date) -> TodoRows:
    """One item per placement with open checklist items (ongoing or ended), due at the earliest of them."""
    earliest = Subquery(_open_items().order_by("due_on").values("due_on")[:1], output_field=DateField())
    # From the open items (the partial index placementnotif_open_due), not a scan of every placement.
    open_placements = PlacementNotification.objects.filter(OPEN_NOTIFICATION).values("placement_id")
    return TodoRows(queryset=of_scoped_persons(Placement.objects.filter(pk__in=open_placements, voided_reason=""),
                                               cases),
                    case=placement_case_id(), due=earliest, valid=IN_WINDOW)


register_todo_part(key="care_plan", kind=CARE_PLAN_KIND,
                   rows=_plan_rows(CarePlanKind.CARE_PLAN, deadlines_sql.care_plan_due_expr), url=_placement_url)
register_todo_part(key="implementation_plan", kind=IMPLEMENTATION_PLAN_KIND,
                   rows=_plan_rows(CarePlanKind.IMPLEMENTATION_PLAN, deadlines_sql.implementation_plan_due_expr),
                   url=_placement_url)
register_todo_part(key="placement_notifications", kind=NOTIFICATIONS_KIND, rows=_notification_rows,
                   url=_placement_url)


# --- Kontroller ----------------------------------------------------------------------------------------------

CONTROL_COLUMNS = [
    ControlColumn("placement", "Placering", "int"), ControlColumn("person", "Barn"),
    ControlColumn("id_number", "Personnummer"), ControlColumn("unit", "Enhet"),
    ControlColumn("start_on", "Start", "date"), ControlColumn("plans", "Planer som saknas"),
    ControlColumn("notifications", "Underrättelser som inte är gjorda"),
]


def plans_control(user, unit_ids, today: datetime.date) -> ControlList:
    """Kontroller: the children of `unit_ids` (None: every unit the user may see) with a plan or a notification
    past due on `today`."""
    placements = selectors.placements_for_user(user)
    if unit_ids is not None:
        placements = placements.filter(Q(intervention__decision__case__unit_id__in=unit_ids)
                                       | Q(intervention__isnull=True, unit_id__in=unit_ids))
    found = plan_control_rows(placements, today)
    rows = []
    for r in found:
        p = r.placement
        name, id_number = selectors.placement_identity(user, p)
        rows.append({
            "placement": p.pk, "person": name, "id_number": id_number, "unit": p.unit.name, "start_on": p.start_on,
            "plans": ", ".join(f"{s.label} (senast {s.due_on.isoformat()})" for s in r.overdue_plans),
            "notifications": ", ".join(f"{n.get_recipient_display()}, {n.get_event_display().lower()} "
                                       f"(senast {n.due_on.isoformat()})" for n in r.overdue_notifications),
            "url": _placement_url(p.pk)})
    counts = plan_control_counts(found)
    return ControlList(columns=CONTROL_COLUMNS, rows=rows, persons=[r.placement.person for r in found],
                       unit_ids=[r.placement.unit_id for r in found],
                       counts={"Vårdplan saknas": counts["care_plan_missing"],
                               "Genomförandeplan saknas": counts["implementation_plan_missing"],
                               "Försenade underrättelser": counts["notifications_overdue"]})


register_control_list(
    key="vardplaner", title="Vårdplaner och underrättelser",
    description="Placerade barn (heldygnsvård enligt SoL eller LVU) där vårdplanen eller genomförandeplanen saknas "
                "efter kommunens frist, eller där en underrättelse när placeringen började eller upphörde inte är "
                "gjord i tid. Fristerna är kommunens egna regler, inte lag.",
    build=plans_control)
