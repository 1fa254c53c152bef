"""Forms of Lex lilla hjärtat on the placement page (placements.lilla_hjartat does the rules)."""

from django import forms

from .forms import CASE_DATE, DATE
from .models import CustodyTransferOutcome


class CustodyTransferForm(forms.Form):
    considered_on = forms.DateField(label="Beslutsdatum", widget=DATE, validators=CASE_DATE)
    outcome = forms.ChoiceField(label="Ställningstagande",
                                choices=[("", "– välj –"), *CustodyTransferOutcome.choices])
    motivation = forms.CharField(label="Motivering (journalförs)", widget=forms.Textarea(attrs={"rows": 3}))


class LvuFollowUpFinishForm(forms.Form):
    finished_on = forms.DateField(label="Uppföljningen avslutad", widget=DATE, validators=CASE_DATE)
    summary = forms.CharField(label="Barnets situation (journalförs)", widget=forms.Textarea(attrs={"rows": 3}))
