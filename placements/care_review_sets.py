"""Övervägande/omprövning in the deadline report and in Kontroller (issue 16 point 1), computed in the database like
the case flow's kinds (socialtjanst.followup.deadline_sets), registered through socialtjanst.todo_sources.

The items (population rule of socialtjanst.followup.deadline_report: an item belongs to the period its due date
falls in and counts once it can be judged). A placement with the clock (care_followup.clock_applies) has one item
per clock start: the placement's start and each day an övervägande/omprövning was recorded. Each item is due six
calendar months after its start (deadlines.care_review_due, through its twin) and done on the next review's day;
it is met if that day is on or before the due date. The last item of an ended placement counts only if the
placement was still going on the due date (care that ended in time needs no review). The item's unit is the one
the placement belongs to (the insats' case's unit, else the placement's own: placements.selectors).
"""

import datetime

from django.db.models import Q

from common.exports import DATE, INT
from socialtjanst import deadlines
from socialtjanst import deadlines_sql as dsql
from socialtjanst.identity import age_on_sql
from socialtjanst.todo_sources import ControlColumn, ControlList

from . import selectors
from .clock_queries import care_clock_placements, last_review_on, review_clock_start

REVIEW_WINDOW = "(p.start_on BETWEEN %(win_lo)s AND %(win_hi)s)"  # common.date_window, as the other kinds


# The unit a placement belongs to (placements.selectors): its insats' case's unit, else the unit it names.
UNIT_SQL = "CASE WHEN d.case_id IS NOT NULL THEN pc.unit_id ELSE p.unit_id END"
BASES_SQL = "ARRAY[" + ", ".join(f"'{b}'" for b in deadlines.CARE_REVIEW_LEGAL_BASES) + "]"


def _scope(units) -> str:
    return "" if units is None else f" AND {UNIT_SQL} = ANY(%(units)s)"


KEPT = "placements_care_review_item"
KEPT_COLUMNS = ("unit_id", "case_id", "person_id", "pk", "sub", "start_on", "done_on", "due_on", "responsible_id",
                "legal_basis")


def care_review_items_sql(units) -> str:
    """The items due in %(start)s..%(end)s, in socialtjanst.todo_sources.ITEM_COLUMNS, read from their trigger-kept
    rows (placements.care_review_kept, placements 0023_deadline_kept): an index range on the due date."""
    return (
        "SELECT unit_id, case_id, person_id, pk, sub, start_on, done_on, due_on, responsible_id,"
        " NULL::date AS extended_due_on, NULL::date AS extension_decided_on, legal_basis, '' AS intervention_kind"
        f" FROM {KEPT} WHERE due_on BETWEEN %(start)s AND %(end)s"
        + ("" if units is None else " AND unit_id = ANY(%(units)s)")
    )


def care_review_items_live_sql(units, placements: str = "") -> str:
    """The items due in %(start)s..%(end)s, in socialtjanst.todo_sources.ITEM_COLUMNS, computed from the raw
    tables: what the kept rows hold (the oracle they are tested against). `placements`, a condition on the
    placement p, narrows them (the kept rows' refresh of the placements a change affected). The case is the one the
    review is journalled in (care_followup.placement_case): the insats' case, else the person's latest case in the
    placement's unit; its responsible answers for the item."""
    due = dsql.care_review_due_sql("n.node")
    age = age_on_sql("per.birth_date", "p.start_on")
    # An item due on or after %(start)s started at most six months (and a month end's three days) before it.
    earliest = f"({dsql.add_calendar_months_sql('%(start)s::date', -deadlines.REVIEW_MONTHS)} - 3)"
    return (
        f"SELECT * FROM (SELECT {UNIT_SQL} AS unit_id, pc.id AS case_id, p.person_id, p.id AS pk,"
        " (n.node - p.start_on) AS sub, n.node AS start_on,"
        " lead(n.node) OVER (PARTITION BY p.id ORDER BY n.node) AS done_on,"
        f" {due} AS due_on, pc.responsible_id, NULL::date AS extended_due_on,"
        " NULL::date AS extension_decided_on,"
        " p.legal_basis || CASE WHEN p.lvu_ground <> '' THEN ' ' || p.lvu_ground || ' §' ELSE '' END AS legal_basis,"
        " '' AS intervention_kind, p.end_on AS placement_end_on"
        " FROM placements_placement p JOIN socialtjanst_person per ON per.id = p.person_id"
        " LEFT JOIN socialtjanst_intervention iv ON iv.id = p.intervention_id"
        " LEFT JOIN socialtjanst_decision d ON d.id = iv.decision_id"
        " LEFT JOIN LATERAL (SELECT lc.id FROM socialtjanst_case lc WHERE d.case_id IS NULL"
        " AND lc.person_id = p.person_id AND lc.unit_id = p.unit_id ORDER BY lc.opened_on DESC, lc.id DESC LIMIT 1)"
        " latest ON true"
        # Looked up per item, through the primary key: a plain join was planned as a hash of every case (1 M at
        # national scale) for the few placed children that reach it.
        " LEFT JOIN LATERAL (SELECT lpc.id, lpc.unit_id, lpc.responsible_id FROM socialtjanst_case lpc"
        " WHERE lpc.id = COALESCE(d.case_id, latest.id) LIMIT 1) pc ON true"
        # A moved child's first item starts where the previous placement's clock was (review_clock_from), unless
        # it fell due before the move: then it is the previous placement's item, counted there.
        " CROSS JOIN LATERAL (SELECT COALESCE(p.review_clock_from, p.start_on) AS node"
        f" WHERE p.review_clock_from IS NULL OR {dsql.care_review_due_sql('p.review_clock_from')} >= p.start_on"
        " UNION SELECT r.decided_on FROM placements_carereview r"
        " WHERE r.placement_id = p.id AND r.decided_on >= p.start_on) n"
        f" WHERE p.is_24h AND p.voided_reason = '' AND p.legal_basis = ANY({BASES_SQL})"
        f" AND per.birth_date IS NOT NULL AND {age} < {deadlines.ADULT_AGE_YEARS} AND {REVIEW_WINDOW}"
        f" AND p.start_on <= %(end)s AND (p.end_on IS NULL OR p.end_on >= {earliest}){_scope(units)}"
        + (f" AND ({placements})" if placements else "") +
        " OFFSET 0) x WHERE x.due_on BETWEEN %(start)s AND %(end)s"
        " AND (x.done_on IS NOT NULL OR x.placement_end_on IS NULL OR x.placement_end_on > x.due_on)"
    )


def review_kind_label(row: dict) -> str:
    """The drill-down's 'Förlängning / insats' text: the legal ground (SoL, LVU 2 §, LVU 3 §)."""
    return row["legal_basis"]


# --- Kontroller: children past due ---------------------------------------------------------------------------

CONTROL_COLUMNS = [
    ControlColumn("placement", "Placering", INT), ControlColumn("person", "Barn"),
    ControlColumn("id_number", "Personnummer"), ControlColumn("unit", "Enhet"),
    ControlColumn("legal_basis", "Lagrum"), ControlColumn("start_on", "Placerad", DATE),
    ControlColumn("due_on", "Senast", DATE), ControlColumn("days_late", "Dagar försenad", INT),
]


def past_due_control(user, unit_ids, today: datetime.date) -> ControlList:
    """Kontroller: the children of `unit_ids` (None: every unit the user may see) past due on `today`."""
    placements = selectors.placements_for_user(user)
    if unit_ids is not None:
        placements = placements.filter(Q(intervention__decision__case__unit_id__in=unit_ids)
                                       | Q(intervention__isnull=True, unit_id__in=unit_ids))
    found = children_past_due(placements, today)
    rows = []
    for p, due in found:
        name, id_number = selectors.placement_identity(user, p)
        rows.append({"placement": p.pk, "person": name, "id_number": id_number, "unit": p.unit.name,
                     "legal_basis": f"{p.legal_basis} {p.get_lvu_ground_display()}".strip()
                     if p.lvu_ground else p.legal_basis,
                     "start_on": p.start_on, "due_on": due, "days_late": deadlines.days_late(None, due, today),
                     "url": p.get_absolute_url() + "#folja-varden"})
    return ControlList(columns=CONTROL_COLUMNS, rows=rows, persons=[p.person for p, _due in found],
                       unit_ids=[p.unit_id for p, _due in found])


def children_past_due(placements, today: datetime.date) -> list:
    """Ongoing placements with the clock whose next review is past due on `today`, oldest due first:
    [(placement, due)], in one statement (the due date by deadlines.care_review_due's twin). `placements` is
    already access-scoped (placements.selectors)."""
    found = (care_clock_placements(today).filter(pk__in=placements.values("pk"))
             .annotate(review_due=dsql.care_review_due_expr(review_clock_start(), last_review_on()))
             .filter(review_due__lt=today).select_related("person", "unit").order_by("review_due", "pk"))
    return [(p, p.review_due) for p in found]
