from django import forms
from django.core.exceptions import ValidationError

from socialtjanst.identity import parse_id_number
from socialtjanst.models import LegalBasis, Unit

from .models import CareType, EndReason, IvoCheckResult, Provider

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _amount(label):
    return forms.DecimalField(label=label, max_digits=12, decimal_places=2, min_value=0, required=False,
                              localize=True)


class PriceFields(forms.Form):
    daily_price = _amount("Dygnspris (kr)")
    monthly_amount = _amount("Månadsbelopp (kr)")


class PlacementCreateForm(PriceFields):
    id_number = forms.CharField(label="Personnummer", max_length=13, help_text="ÅÅÅÅMMDD-NNNN")
    care_type = forms.ModelChoiceField(label="Vårdform", queryset=CareType.objects.filter(active=True))
    provider = forms.ModelChoiceField(label="Utförare", queryset=Provider.objects.all(), required=False,
                                      help_text="Krävs för köpta vårdformer.")
    unit = forms.ModelChoiceField(label="Ansvarig enhet", queryset=Unit.objects.none())
    legal_basis = forms.ChoiceField(label="Lagrum", choices=LegalBasis.choices)
    start_on = forms.DateField(label="Startdatum", widget=DATE)
    end_on = forms.DateField(label="Slutdatum", required=False, widget=DATE, help_text="Tomt = pågående")
    ivo_checked_on = forms.DateField(label="Kontroll i IVO:s placeringsstöd", required=False, widget=DATE)
    ivo_check_result = forms.ChoiceField(label="Resultat av IVO-kontrollen", required=False,
                                         choices=[("", "–"), *IvoCheckResult.choices])
    field_order = ["id_number", "care_type", "provider", "unit", "legal_basis", "start_on", "end_on",
                   "daily_price", "monthly_amount", "ivo_checked_on", "ivo_check_result"]

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean_id_number(self):
        return parse_id_number(self.cleaned_data["id_number"]).canonical


class PlacementMoveForm(PriceFields):
    move_on = forms.DateField(label="Flyttdatum", widget=DATE,
                              help_text="Nuvarande placering avslutas och nästa börjar detta datum.")
    care_type = forms.ModelChoiceField(label="Ny vårdform", queryset=CareType.objects.filter(active=True))
    provider = forms.ModelChoiceField(label="Utförare", queryset=Provider.objects.all(), required=False)
    ivo_checked_on = forms.DateField(label="Kontroll i IVO:s placeringsstöd", required=False, widget=DATE)
    ivo_check_result = forms.ChoiceField(label="Resultat av IVO-kontrollen", required=False,
                                         choices=[("", "–"), *IvoCheckResult.choices])
    field_order = ["move_on", "care_type", "provider", "daily_price", "monthly_amount"]


class PlacementEndForm(forms.Form):
    end_on = forms.DateField(label="Slutdatum", widget=DATE, help_text="Den dag personen flyttade ut.")
    end_reason = forms.ChoiceField(label="Avslutsorsak", choices=EndReason.choices)


class PricePeriodForm(PriceFields):
    valid_from = forms.DateField(label="Gäller från", widget=DATE)
    field_order = ["valid_from", "daily_price", "monthly_amount"]


class PlacementImportForm(forms.Form):
    file = forms.FileField(label="Fil (.xlsx eller .csv)")

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".xlsx", ".csv")):
            raise ValidationError("Filen måste vara .xlsx eller .csv.")
        return f
