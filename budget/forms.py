"""Forms of the budget screens: the shape of each field only; the rules are in budget.planning."""


from django import forms
from django.utils import timezone

from common.date_window import validate_rollup_date
from common.periods import MONTHS
from common.uploads import import_file_size_validator
from placements.days import add_months
from placements.models import CareType

from .forecast import ADJUSTMENT_NEEDS_COMMENT
from .importing import YEAR_MAX, YEAR_MIN
from .models import CostCentre, VolumeUnit


class BudgetImportForm(forms.Form):
    file = forms.FileField(label="Fil (.xlsx eller .csv)", validators=[import_file_size_validator])


def _amount_field(label, *, required=True, max_digits=14):
    return forms.DecimalField(label=label, required=required, min_value=0, max_digits=max_digits, decimal_places=2,
                              localize=True)


class BudgetForm(forms.Form):
    """A budget row with its monthly profile (twelve shares in per cent, all empty = by days).
    On update the key (year, cost centre, care type) is shown but not changed, and `version`
    carries the version the user read (optimistic locking)."""

    year = forms.IntegerField(label="År", min_value=YEAR_MIN, max_value=YEAR_MAX)
    cost_centre = forms.ModelChoiceField(label="Verksamhet", queryset=CostCentre.objects.none())
    care_type = forms.ModelChoiceField(label="Vårdform", queryset=CareType.objects.order_by("code"), required=False,
                                       empty_label="Hela verksamheten")
    amount = _amount_field("Belopp, kr")
    volume = _amount_field("Volym", required=False, max_digits=12)
    volume_unit = forms.ChoiceField(label="Volymenhet", required=False,
                                    choices=[("", "– ingen volym –"), *VolumeUnit.choices])
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, budget=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.budget = budget
        centres = CostCentre.objects.order_by("code")
        if budget is None:
            centres = centres.filter(active=True)
        self.fields["cost_centre"].queryset = centres
        for month, name in enumerate(MONTHS, start=1):
            self.fields[f"month_{month}"] = forms.DecimalField(
                label=f"{name.capitalize()}, %", required=False, min_value=0, max_value=100, max_digits=7,
                decimal_places=4, localize=True)
        if budget is not None:
            for key in ("year", "cost_centre", "care_type"):
                self.fields[key].disabled = True
            self.fields["version"].required = True

    @property
    def main_fields(self):
        return [self[name] for name in ("year", "cost_centre", "care_type", "amount", "volume", "volume_unit")]

    @property
    def month_fields(self):
        return [self[f"month_{m}"] for m in range(1, 13)]

    def month_percentages(self) -> dict[int, object]:
        return {m: self.cleaned_data.get(f"month_{m}") for m in range(1, 13)}


class CostCentreForm(forms.ModelForm):
    """Create and edit a cost centre; the code is fixed once created (placements refer to it by code)."""

    class Meta:
        model = CostCentre
        fields = ["code", "name", "activity_code", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["code"].disabled = True

    def validate_unique(self):
        """Uniqueness of the code is the service's to say (same message on a race)."""


class CostCentreRemapForm(forms.Form):
    care_type = forms.ModelChoiceField(label="Vårdform", queryset=CareType.objects.order_by("code"),
                                       widget=forms.HiddenInput)
    cost_centre = forms.ModelChoiceField(label="Ny verksamhet",
                                         queryset=CostCentre.objects.filter(active=True).order_by("code"))
    valid_from = forms.DateField(label="Från och med månad (ÅÅÅÅ-MM)", input_formats=["%Y-%m", "%Y-%m-%d"],
                                 widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
                                 validators=[validate_rollup_date])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        next_month = add_months(today, 1)
        self.fields["valid_from"].initial = next_month


AMOUNT_EXAMPLE = "Ange beloppet i kronor, t.ex. -250 000."
AMOUNT_TOO_LARGE = "Beloppet är för stort: högst 999 999 999 999,99 kr."


class ForecastAdjustmentForm(forms.Form):
    """The controller's adjustment of a year's forecast (budget.forecast.add_adjustment): a year in range, a
    known cost centre, a known care type or none (= the whole cost centre), a signed amount in kr to the öre
    that fits the column, and a comment. Every error is a Swedish sentence of its own (error_text)."""

    year = forms.IntegerField(label="År", min_value=YEAR_MIN, max_value=YEAR_MAX, error_messages={
        "required": "Ange år.", "invalid": "Ange året som ett heltal, t.ex. 2024.",
        "min_value": "Året kan inte vara före %(limit_value)s.",
        "max_value": "Året kan inte vara efter %(limit_value)s.",
    })
    cost_centre = forms.ModelChoiceField(label="Verksamhet", queryset=CostCentre.objects.order_by("code"),
                                         error_messages={"required": "Välj verksamhet.",
                                                         "invalid_choice": "Välj en verksamhet i listan."})
    care_type = forms.ModelChoiceField(label="Vårdform", queryset=CareType.objects.order_by("code"), required=False,
                                       empty_label="Hela verksamheten",
                                       error_messages={"invalid_choice": "Välj en vårdform i listan."})
    amount = forms.DecimalField(label="Belopp, kr", max_digits=14, decimal_places=2, localize=True, error_messages={
        "required": AMOUNT_EXAMPLE, "invalid": AMOUNT_EXAMPLE, "max_digits": AMOUNT_TOO_LARGE,
        "max_whole_digits": AMOUNT_TOO_LARGE, "max_decimal_places": "Ange beloppet med högst två decimaler (ören).",
    })
    comment = forms.CharField(label="Kommentar", error_messages={"required": ADJUSTMENT_NEEDS_COMMENT})

    def error_text(self) -> str:
        """The form's errors as one message for the forecast page."""
        return " ".join(str(error) for errors in self.errors.values() for error in errors)
