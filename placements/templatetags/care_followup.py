"""The placement page's Följa vården section (placements.care_followup): the next övervägande/omprövning,
its history and the contacts with the child, with their forms for whoever may change the placement. A tag of
its own so the placement page's view and template need one line each."""

from django import template
from django.utils import timezone

from socialtjanst import access

from .. import care_followup, selectors
from ..care_forms import CareReviewForm, ChildContactForm
from ..models import CareReviewKind

register = template.Library()


@register.inclusion_tag("placements/care_followup_section.html", takes_context=True)
def placement_care_followup(context, placement, review_form=None, contact_form=None):
    user = context["request"].user
    due = care_followup.next_review_due(placement)
    kind = care_followup.review_kind(placement)
    return {
        "placement": placement, "applies": due is not None, "due": due,
        "overdue": due is not None and due < timezone.localdate(),
        "reviews": placement.care_reviews.select_related("decided_by"),
        # The child's contacts in the whole unbroken care, earlier homes included (a move keeps them).
        "contacts": care_followup.care_contacts(placement, selectors.placements_for_user(user)),
        # The history is case content (the contacts' notes): for those who work with cases, not the controller.
        "show_history": access.works_with_cases(user),
        "contacts_per_year": care_followup.contacts_per_year(),
        "can_change": selectors.can_change_placement(user, placement) and placement.end_on is None,
        "review_kind": CareReviewKind(kind).label if kind else "",
        "review_form": review_form or CareReviewForm(prefix="review", ask_kind=kind is None),
        "contact_form": contact_form or ChildContactForm(prefix="contact"),
        "csrf_token": context.get("csrf_token"),
    }
