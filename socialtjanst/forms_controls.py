"""Forms of the internal-control pages: the shape of each field only; the rules are in
socialtjanst.followup.controls."""

from django import forms

from common.date_window import validate_case_date
from socialtjanst.followup.controls import MAX_SAMPLE_SIZE, SAMPLE_KINDS

from .models import ControlKind, ControlResult, Unit

DATE = forms.DateInput(attrs={"type": "date"})


class _UnitsMixin:
    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()


class ControlRoundForm(_UnitsMixin, forms.Form):
    kind = forms.ChoiceField(label="Kontroll", choices=[c for c in ControlKind.choices if c[0] != ControlKind.SAMPLE])
    unit = forms.ModelChoiceField(label="Enhet", queryset=Unit.objects.none(), required=False,
                                  empty_label="Alla mina enheter")
    period_from = forms.DateField(label="Period från", widget=DATE, validators=[validate_case_date])
    period_to = forms.DateField(label="Period till", widget=DATE, validators=[validate_case_date])
    description = forms.CharField(label="Urval", widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                  help_text="Vad som granskades, t.ex. filter eller ärenden.")
    access_filter = forms.CharField(widget=forms.HiddenInput, required=False)
    result = forms.ChoiceField(label="Resultat", choices=ControlResult.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label="Kommentar", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class SampleForm(_UnitsMixin, forms.Form):
    kind = forms.ChoiceField(label="Vad", choices=[(k, v[0]) for k, v in SAMPLE_KINDS.items()])
    period_from = forms.DateField(label="Period från", widget=DATE, validators=[validate_case_date])
    period_to = forms.DateField(label="Period till", widget=DATE, validators=[validate_case_date])
    unit = forms.ModelChoiceField(label="Enhet", queryset=Unit.objects.none(), required=False,
                                  empty_label="Alla mina enheter")
    size = forms.IntegerField(label="Antal i urvalet", min_value=1, max_value=MAX_SAMPLE_SIZE, initial=10)
    seed = forms.IntegerField(label="Frö", required=False, min_value=0, widget=forms.HiddenInput)


class SampleResultForm(forms.Form):
    result = forms.ChoiceField(label="Resultat", choices=ControlResult.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label="Kommentar", widget=forms.Textarea(attrs={"rows": 3}), required=False)
