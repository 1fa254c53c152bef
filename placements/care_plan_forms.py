"""Forms of the vårdplan/genomförandeplan and the notification checklist on the placement page
(placements.care_plans and placements.notifications do the rules)."""

from django import forms

from .forms import CASE_DATE, DATE
from .models import CarePlanKind
from .models.care_plans import NOTE_MAX_LENGTH

YES, NO = "ja", "nej"
RELEVANCE_CHOICES = [("", "– ej besvarat –"), (YES, "Ja, ska underrättas"), (NO, "Nej, inte aktuellt")]


class CarePlanForm(forms.Form):
    kind = forms.ChoiceField(label="Plan", choices=[("", "– välj –"), *CarePlanKind.choices])
    established_on = forms.DateField(label="Upprättad", widget=DATE, validators=CASE_DATE)
    revised_on = forms.DateField(label="Senast reviderad", required=False, widget=DATE, validators=CASE_DATE)


class PlacementNotificationForm(forms.Form):
    relevant = forms.TypedChoiceField(label="Ska underrättas", choices=RELEVANCE_CHOICES,
                                      coerce=lambda value: value == YES)
    notified_on = forms.DateField(label="Underrättad den", required=False, widget=DATE, validators=CASE_DATE)
    note = forms.CharField(label="Kort anteckning", required=False, max_length=NOTE_MAX_LENGTH)


def notification_initial(item) -> dict:
    relevant = "" if item.relevant is None else (YES if item.relevant else NO)
    return {"relevant": relevant, "notified_on": item.notified_on, "note": item.note}
