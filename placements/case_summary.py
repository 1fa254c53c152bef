"""The placements section of a case's printable summary (socialtjanst.case_summary). Found by the registry's
autodiscovery, so socialtjanst never imports placements. The rows are the person's placements the user may see
(placements.selectors.placements_for_user), as on the placement list."""

from socialtjanst.case_summary import SummarySection, register_section

from .selectors import placements_for_user

HEADER = ("Nr", "Vårdform", "Utförare", "Lagrum", "Ansvarig enhet", "Start", "Slut")


def placement_rows(case, user) -> list[tuple]:
    placements = (placements_for_user(user).filter(person_id=case.person_id)
                  .select_related("care_type", "provider", "unit").order_by("-start_on", "-pk"))
    return [
        (str(p.pk), p.care_type.name, p.provider.name if p.provider else "–", p.get_legal_basis_display(),
         p.unit.name, p.start_on.isoformat(), p.end_on.isoformat() if p.end_on else "pågår")
        for p in placements
    ]


register_section(SummarySection(key="placeringar", title="Placeringar", header=HEADER, rows=placement_rows,
                                empty="Inga placeringar."))
