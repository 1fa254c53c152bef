"""Forms of the indicator register: the shape of each field only; rules live in socialtjanst.followup.indicators."""

from django import forms
from django.utils import timezone

from common.date_window import ROLLUP_YEAR_MAX, ROLLUP_YEAR_MIN
from socialtjanst.followup.indicators import SOURCES

from .models import Assessment, Indicator, Unit

YEAR = {"min_value": ROLLUP_YEAR_MIN, "max_value": ROLLUP_YEAR_MAX}


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["name", "description", "responsible_unit", "target_value", "unit_of_measure", "direction",
                  "partly_met_tolerance", "source", "active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        localized_fields = ["target_value", "partly_met_tolerance"]  # 74,5 as well as 74.5

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].queryset = units if units is not None else Unit.objects.none()
        choices = [("", "Registreras för hand")] + [(s.key, s.label) for s in SOURCES]
        self.fields["source"] = forms.ChoiceField(label="Källa", choices=choices, required=False)


class IndicatorValueForm(forms.Form):
    year = forms.IntegerField(label="År", **YEAR, initial=lambda: timezone.localdate().year)
    value = forms.DecimalField(label="Värde", max_digits=14, decimal_places=4, required=False, localize=True)
    assessment_override = forms.ChoiceField(label="Bedömning satt för hand",
                                            choices=[("", "Beräknas ur målvärdet")] + Assessment.choices,
                                            required=False)
    override_reason = forms.CharField(label="Skäl till bedömningen", required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))


class IndicatorCommentForm(forms.Form):
    year = forms.IntegerField(label="År", **YEAR, initial=lambda: timezone.localdate().year)
    text = forms.CharField(label="Kommentar", widget=forms.Textarea(attrs={"rows": 3}))
