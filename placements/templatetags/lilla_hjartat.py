"""The placement page's Lex lilla hjärtat section (placements.lilla_hjartat): the next consideration of
vårdnadsöverflyttning, the flyttningsförbud consideration when the placement ended, the child's participation in
the move that ended it, and the follow-up after LVU care, with forms for whoever may change the placement."""

from django import template
from django.utils import timezone

from socialtjanst import access

from .. import lilla_hjartat, selectors
from ..lilla_hjartat_forms import CustodyTransferForm, LvuFollowUpFinishForm
from ..models import LvuFollowUp, MoveParticipation, RemovalBanConsideration

register = template.Library()


def _one(model, **filters):
    return model.objects.filter(**filters).select_related(*[f for f in ("recorded_by", "by", "finished_by")
                                                            if hasattr(model, f)]).first()


@register.inclusion_tag("placements/lilla_hjartat_section.html", takes_context=True)
def placement_lilla_hjartat(context, placement, custody_form=None, followup_form=None):
    user = context["request"].user
    due = lilla_hjartat.custody_transfer_due(placement)
    followup = _one(LvuFollowUp, placement=placement)
    participation = _one(MoveParticipation, moved_from=placement)
    removal_ban = _one(RemovalBanConsideration, placement=placement)
    can_change = selectors.can_change_placement(user, placement)
    return {
        "placement": placement, "custody_due": due,
        "custody_overdue": due is not None and due < timezone.localdate(),
        "considerations": placement.custody_considerations.select_related("by"),
        "followup": followup, "participation": participation, "removal_ban": removal_ban,
        "followup_overdue": followup is not None and followup.finished_on is None
        and followup.due_on < timezone.localdate(),
        "shown": due is not None or followup or participation or removal_ban
        or placement.custody_considerations.exists(),
        # The texts are case content: for those who work with cases, not the controller.
        "show_history": access.works_with_cases(user),
        "can_consider": can_change and due is not None,
        "can_finish": can_change and followup is not None and followup.finished_on is None,
        "custody_form": custody_form or CustodyTransferForm(prefix="custody"),
        "followup_form": followup_form or LvuFollowUpFinishForm(prefix="lvu"),
        "csrf_token": context.get("csrf_token"),
    }
