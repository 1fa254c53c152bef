"""Forms of Följa vården on the placement page (placements.care_followup does the rules)."""

from django import forms

from .forms import CASE_DATE, DATE
from .models import CareReviewKind, CareReviewOutcome, ChildContactKind
from .models.care_review import NOTE_MAX_LENGTH


class CareReviewForm(forms.Form):
    """`kind` is asked only when the placement's LVU ground is unknown (care_followup.review_kind is None)."""

    kind = forms.ChoiceField(label="Slag", choices=CareReviewKind.choices)
    decided_on = forms.DateField(label="Beslutsdatum", widget=DATE, validators=CASE_DATE)
    outcome = forms.ChoiceField(label="Utfall", choices=[("", "– välj –"), *CareReviewOutcome.choices])
    text = forms.CharField(label="Motivering (journalförs)", required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, ask_kind: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not ask_kind:
            del self.fields["kind"]


class ChildContactForm(forms.Form):
    contacted_on = forms.DateField(label="Datum", widget=DATE, validators=CASE_DATE)
    kind = forms.ChoiceField(label="Slag", choices=[("", "– välj –"), *ChildContactKind.choices])
    spoken_alone = forms.BooleanField(label="Barnet talade med mig enskilt", required=False)
    note = forms.CharField(label="Kort anteckning", required=False, max_length=NOTE_MAX_LENGTH)
