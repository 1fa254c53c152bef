"""Forms of the ledger screens: the shape of each field only; the rules are in budget.ledger."""

from django import forms

from common.uploads import import_file_size_validator

from ..models import LedgerLine
from ..models.ledger import ACCOUNT_MAX, ACCOUNT_MIN

PLACEMENT_RANGE_INVALID = "Placeringarnas konton: 'från' får inte vara större än 'till'."


class LedgerImportForm(forms.Form):
    file = forms.FileField(label="Fil (SIE 4: .se/.si/.sie, eller .csv/.xlsx)", validators=[import_file_size_validator])


class LedgerSettingsForm(forms.Form):
    cost_centre_dimension = forms.IntegerField(label="SIE-dimension som bär verksamheten", min_value=1,
                                               max_value=9999)
    placement_account_from = forms.IntegerField(label="Placeringarnas konton från", min_value=ACCOUNT_MIN,
                                                max_value=ACCOUNT_MAX)
    placement_account_to = forms.IntegerField(label="Placeringarnas konton till", min_value=ACCOUNT_MIN,
                                              max_value=ACCOUNT_MAX)
    accrual_threshold = forms.DecimalField(label="Spärrgräns vid bokslut, kr (0 = ingen spärr)", min_value=0,
                                           max_digits=14, decimal_places=2, localize=True)


    def clean(self):
        data = super().clean()
        low, high = data.get("placement_account_from"), data.get("placement_account_to")
        if low is not None and high is not None and low > high:
            raise forms.ValidationError(PLACEMENT_RANGE_INVALID)
        return data


class AccountMappingForm(forms.Form):
    account_from = forms.IntegerField(label="Från konto", min_value=ACCOUNT_MIN, max_value=ACCOUNT_MAX)
    account_to = forms.IntegerField(label="Till konto", min_value=ACCOUNT_MIN, max_value=ACCOUNT_MAX)
    line = forms.ChoiceField(label="Räknas som", choices=LedgerLine.choices)


class AccrualForm(forms.Form):
    cost_centre = forms.CharField(widget=forms.HiddenInput, required=False)
    amount = forms.DecimalField(label="Periodisering, kr", max_digits=14, decimal_places=2, localize=True)
    comment = forms.CharField(label="Kommentar", max_length=200, required=False)
